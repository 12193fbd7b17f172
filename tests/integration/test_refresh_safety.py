"""A refresh is all or nothing: broken files, re-runs and kill -9 never leave half a refresh behind."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time

import duckdb
import pytest

from tests.conftest import AS_OF, COACHLENS, cli_env, refresh, run_cli

pytestmark = pytest.mark.e2e
MARTS = ["participant_journey", "cohort_engagement", "cohort_directory", "monthly_sessions", "data_quality"]


def snapshot(out):
    """sha256 of the published warehouse and of every page."""
    files = [out / "warehouse.duckdb", *sorted((out / "site").rglob("*"))]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def marts(warehouse, keep_load_times: bool = True):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for m in MARTS:
            exclude = "" if keep_load_times or m != "data_quality" else " EXCLUDE (last_loaded_at)"
            out[m] = con.execute(f"SELECT *{exclude} FROM marts.{m} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture
def landing(generated, tmp_path):
    copy = tmp_path / "landing"
    shutil.copytree(generated, copy)
    return copy


@pytest.fixture
def published(refreshed, tmp_path):
    """A copy of the session's refreshed warehouse and site: the state a new refresh starts from."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(refreshed.warehouse, out / "warehouse.duckdb")
    shutil.copytree(refreshed.site, out / "site")
    return out


def test_broken_file_fails_the_refresh_and_keeps_the_last_good_pages(landing, published):
    out = published
    before = snapshot(out)
    (landing / "participants" / "zz_broken.csv").write_text("participant_id,cohort_id\nP1,C1\n", encoding="utf-8")
    proc = refresh(landing, out, check=False)
    assert proc.returncode == 1
    assert "participants/zz_broken.csv" in proc.stderr and "missing required column" in proc.stderr
    assert "last good marts and sponsor and finance pages were kept" in proc.stderr
    # the failure is published on the operations page (tests/integration/test_failures.py); the rest is kept
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k.startswith("site/") and not k.endswith("operations.html")} == \
        {k: v for k, v in before.items() if k.startswith("site/") and not k.endswith("operations.html")}
    assert after["site/operations.html"] != before["site/operations.html"]
    (landing / "participants" / "zz_broken.csv").unlink()
    refresh(landing, out)  # the next refresh completes normally


def test_refreshing_twice_gives_identical_marts_and_load_times(generated, published):
    out, landing = published, generated
    first = marts(out / "warehouse.duckdb")
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    loaded = con.execute("SELECT path, loaded_at FROM raw.file_manifest ORDER BY path").fetchall()
    con.close()
    refresh(landing, out)
    assert marts(out / "warehouse.duckdb") == first
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT path, loaded_at FROM raw.file_manifest ORDER BY path").fetchall() == loaded
    # the audit trail keeps both refreshes' contract validations
    assert con.execute("SELECT count(DISTINCT run_id) FROM audit.contract_validations").fetchall()[0][0] == 2
    first_run = con.execute("SELECT min(run_id) FROM audit.contract_validations").fetchall()[0][0]
    assert first_run
    con.close()


@pytest.mark.parametrize("marker", ["ingest participants", "dbt build started", "pages written"])
def test_kill_9_mid_refresh_leaves_everything_as_it_was(generated, published, refreshed, marker):
    out, landing = published, generated
    before = snapshot(out)
    args = [COACHLENS, "refresh", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
            "--site", str(out / "site"), "--as-of", AS_OF.isoformat()]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=cli_env(out), cwd=out)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"marker {marker!r} never printed: {''.join(seen)}"
    time.sleep(0.5)
    assert snapshot(out) == before, "a killed refresh changed the published warehouse or pages"
    if marker != "dbt build started":
        return  # one re-run (after the kill with a dbt child process still running) suffices for the rest
    refresh(landing, out)
    assert marts(out / "warehouse.duckdb", False) == marts(refreshed.warehouse, False), \
        "a re-run after a kill equals a clean run"
    leftovers = [p.name for p in out.iterdir() if ".refresh-" in p.name]
    assert leftovers == [], leftovers


def test_validate_lists_every_problem_and_loads_nothing(tmp_path):
    from tests.integration.loading import BASE, write_landing
    root = write_landing(tmp_path / "landing", {
        "sessions": BASE["sessions"] + "X9,P404,K1,2024-02-01 10:00,60,completed,\nX10,P1,K1,yesterday,60,completed,\n",
        "goals": "goal_id,participant\nG1,P1\n"})
    proc = run_cli(["validate", str(root), "--as-of", "2024-06-30"], tmp_path, check=False)
    assert proc.returncode == 1
    assert "sessions.csv:4: participant: unknown participant" in proc.stdout
    assert "sessions.csv:5: scheduled_start:" in proc.stdout
    assert "goals.csv: FAILED: missing required columns set_on, status" in proc.stdout
    assert not list(tmp_path.rglob("*.duckdb"))
    ok = run_cli(["validate", str(root / "sponsors" / "sponsors.csv")], tmp_path, check=False)
    assert ok.returncode == 0 and "0 problem(s)" in ok.stdout


def test_stale_source_is_reported_and_exits_4(generated, published):
    # the files were first loaded by the session's refresh, seconds or minutes ago; unchanged files keep that time
    out = published
    time.sleep(1)
    proc = refresh(generated, out, check=False, COACHLENS_FRESHNESS_SESSIONS="0.0002")
    assert proc.returncode == 4, proc.stderr
    assert "STALE" in proc.stderr and "sessions" in proc.stderr
    assert (out / "site" / "index.html").exists()
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT is_fresh FROM marts.data_quality WHERE source = 'sessions'").fetchall() == [(False,)]
    con.close()
