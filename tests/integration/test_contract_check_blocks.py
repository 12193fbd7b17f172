"""The Great Expectations contract check is the second line behind the loader (pipelines/lib/gx_suites.py,
pipelines/defs/quality/checks.py): when loaded rows break the contract, the check fails and blocks the refresh.

The loader and the GX suite read the same contracts, so a landing row the loader accepts never breaks the
suite. The test therefore gives the loader a drifted copy of the sessions contract (it also allows the status
`teleported`, as a loader whose rule was widened by mistake would) and drops a session with that status in the
landing folder: the loader loads it, the real GX suite compiled from data_contracts/sessions.yml fails on it, and
the refresh (run in this process, as `coachlens refresh` runs it) must stop before dbt: no marts are published,
and the failure is on the operations page and in the published audit table.
"""
from __future__ import annotations

import dataclasses
import html
import json
import os
import re

import pytest

from pipelines import cli
from pipelines.defs.ingest import assets as ingest_assets
from tests.conftest import query
from tests.integration.loading import AS_OF, write_landing

pytestmark = pytest.mark.e2e

BAD_SESSION = "X9,P1,K1,2024-02-02 10:00,60,teleported,\n"


def drifted_loader(real_load_source):
    """load_source, but for sessions with a contract that also allows the status `teleported`."""
    def load_source(con, contract, *args, **kwargs):
        if contract.source == "sessions":
            columns = tuple(dataclasses.replace(c, values=c.values + ("teleported",)) if c.name == "status" else c
                            for c in contract.columns)
            contract = dataclasses.replace(contract, columns=columns)
        return real_load_source(con, contract, *args, **kwargs)
    return load_source


def page_text(path) -> str:
    text = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture
def failed_refresh(tmp_path, monkeypatch, capsys):
    landing = write_landing(tmp_path / "landing")
    with (landing / "sessions" / "sessions.csv").open("a", encoding="utf-8") as fh:
        fh.write(BAD_SESSION)
    out = tmp_path / "out"
    for key in [k for k in os.environ if k.startswith("COACHLENS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("COACHLENS_PSEUDONYM_SALT", "test-salt")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setattr(ingest_assets, "load_source", drifted_loader(ingest_assets.load_source))
    code = cli.main(["refresh", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
                     "--site", str(out / "site"), "--as-of", AS_OF.isoformat(), "--quiet"])
    return out, code, capsys.readouterr().err


def test_a_failed_contract_check_blocks_the_refresh(failed_refresh):
    out, code, stderr = failed_refresh
    assert code == 1, stderr
    warehouse = out / "warehouse.duckdb"
    # the bad row was loaded (the drifted loader let it through) and nothing else was wrong with the files
    manifest = query(warehouse, "SELECT path, status, rows_rejected FROM raw.file_manifest WHERE source = 'sessions'")
    assert manifest == [{"path": "sessions/sessions.csv", "status": "ok", "rows_rejected": 0}]
    # dbt never ran: no marts, only what a failed first refresh publishes
    tables = query(warehouse, "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables ORDER BY 1")
    assert [t["t"] for t in tables] == ["audit.failed_refresh", "quarantine.rejected_rows", "raw.file_manifest"]
    # the failure names the check, the source, the expectation and the value
    [failure] = query(warehouse, "SELECT problems FROM audit.failed_refresh")
    [problem] = [p for p in json.loads(failure["problems"]) if "contract" in p]
    assert problem.startswith("check contract on raw/sessions failed")
    assert "failed: expect_column_values_to_be_in_set on status (1 rows, e.g. teleported)" in problem
    assert "check contract on raw/sessions failed" in stderr
    site = out / "site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "operations.html"]
    ops = page_text(site / "operations.html")
    assert "There is no good refresh yet" in ops and problem in ops
