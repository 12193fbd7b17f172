"""The evidence record of a refresh (evidence.json) and `coachlens verify SITE`."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, query, run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(refreshed, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(refreshed.warehouse, out / "warehouse.duckdb")
    shutil.copytree(refreshed.site, out / "site")
    return out


def test_the_evidence_record_names_inputs_settings_code_checks_and_marts(refreshed):
    text = (refreshed.site / "evidence.json").read_text(encoding="utf-8")
    record = json.loads(text)
    files = {f["path"]: f for f in record["input_files"]}
    on_disk = sorted(f"{p.parent.name}/{p.name}" for p in refreshed.landing.glob("*/*") if p.is_file())
    assert sorted(files) == on_disk
    for path, f in files.items():
        assert f["sha256"] == hashlib.sha256((refreshed.landing / path).read_bytes()).hexdigest()
        assert f["rows_read"] == f["rows_loaded"] + f["rows_rejected"]
    with open(refreshed.landing / "sessions" / "sessions.csv", newline="", encoding="utf-8") as fh:
        assert files["sessions/sessions.csv"]["rows_read"] == len(list(csv.reader(fh))) - 1
    assert record["as_of"] == refreshed.as_of.isoformat() and record["settings"]["min_group_size"] == 5
    assert "test-salt" not in text and "pseudonym_salt" not in record["settings"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert record["code_version"].startswith(head)
    assert re.fullmatch(r"[0-9a-f]{64}", record["dbt_manifest_sha256"])
    checks = {(c["asset"], c["check"]): c["passed"] for c in record["checks"]}
    assert checks[("raw/sessions", "files_readable")] and checks[("raw/sessions", "contract")]
    assert any(a.startswith("marts/") for a, _ in checks)  # dbt tests too
    engagement = query(refreshed.warehouse, "SELECT count(*) AS n FROM marts.cohort_engagement")[0]["n"]
    assert record["marts"]["cohort_engagement"]["rows"] == engagement
    # the sponsor pages show the record's fingerprint: sha256 of the record written canonically
    fingerprint = hashlib.sha256(json.dumps(record, sort_keys=True, indent=1).encode()).hexdigest()[:16]
    for page in (refreshed.site / "sponsors").glob("*.html"):
        assert f"fingerprint <code>{fingerprint}</code>" in page.read_text(encoding="utf-8")


def test_verify_reproduces_every_mart_and_names_what_differs_when_an_input_changed(refreshed, published, tmp_path):
    proc = run_cli(["verify", str(published / "site"), "--warehouse", str(published / "warehouse.duckdb")], published)
    assert f"every mart ({len(json.loads((published / 'site' / 'evidence.json').read_text())['marts'])}) is " \
           "reproduced exactly" in proc.stdout

    landing = tmp_path / "altered"
    shutil.copytree(refreshed.landing, landing)
    path = landing / "sessions" / "sessions.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    first = next(r for r in rows if r["status"] == "completed")
    first["duration_minutes"] = str(int(first["duration_minutes"]) + 45)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proc = run_cli(["verify", str(published / "site"), "--warehouse", str(published / "warehouse.duckdb"),
                    "--landing", str(landing)], published, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "input sessions/sessions.csv: changed (sha256 differs)" in proc.stdout
    assert "mart monthly_sessions is NOT reproduced" in proc.stdout  # its coaching hours
