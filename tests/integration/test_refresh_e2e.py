"""A full refresh through the CLI on a generated programme, checked against tests/reference.py."""
from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from tests.conftest import query
from tests.reference import Programme

pytestmark = pytest.mark.e2e


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):  # money is DECIMAL
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)
    return a == b


def test_cohort_engagement_matches_independent_computation(refreshed):
    expected = Programme(refreshed.landing, refreshed.as_of, salt="test-salt").cohort_engagement()
    rows = {r["cohort_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_engagement")}
    assert set(rows) == set(expected), "one row for every cohort"
    mismatches = [(cid, col, rows[cid][col], want) for cid, exp in expected.items() for col, want in exp.items()
                  if not close(rows[cid][col], want)]
    assert not mismatches, mismatches[:10]
    # the generated programme exercises the interesting paths
    assert sum(r["stalled"] for r in rows.values()) > 0
    assert any(r["late_cancel_rate"] for r in rows.values())


def test_participant_journey_matches_independent_computation(refreshed):
    expected = Programme(refreshed.landing, refreshed.as_of, salt="test-salt").journey()
    rows = {r["participant_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.participant_journey")}
    assert set(rows) == set(expected)
    mismatches = [(pid, col, rows[pid][col], want) for pid, exp in expected.items() for col, want in exp.items()
                  if not close(rows[pid][col], want)]
    assert not mismatches, mismatches[:10]


def test_every_row_read_is_loaded_and_the_summary_says_so(refreshed):
    manifest = query(refreshed.warehouse, "SELECT * FROM raw.file_manifest")
    assert manifest and all(m["status"] == "ok" for m in manifest)
    assert all(m["rows_read"] == m["rows_loaded"] + m["rows_rejected"] for m in manifest)
    sessions = next(m for m in manifest if m["source"] == "sessions")
    with open(refreshed.landing / "sessions" / "sessions.csv", encoding="utf-8") as fh:
        assert sessions["rows_read"] == sum(1 for _ in fh) - 1
    assert "sessions" in refreshed.stdout and "refresh finished" in refreshed.stdout


def test_pages_are_written_per_sponsor(refreshed):
    sponsors = [r["sponsor_id"] for r in query(refreshed.warehouse, "SELECT sponsor_id FROM raw.sponsors")]
    assert (refreshed.site / "index.html").exists()
    for sid in sponsors:
        assert (refreshed.site / "sponsors" / f"{sid}.html").exists()


def test_the_generated_source_tests_pass_on_the_loaded_rows_and_catch_a_broken_one(refreshed, tmp_path):
    """The dbt tests generated on the sources from the contracts are not run by a refresh (the loader and the GX
    check enforce the same rules first; selection.SOURCE_TESTS): run here on the refreshed warehouse, they pass,
    and on a copy with one status the sessions contract does not allow, exactly that test fails."""
    import shutil

    import duckdb

    from tests.integration.test_dbt_unit_tests import dbt

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(refreshed.warehouse, copy)
    proc = dbt(["test", "--select", "source:*"], copy, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert int(re.search(r"PASS=(\d+)", proc.stdout).group(1)) > 50 and "ERROR=0" in proc.stdout

    con = duckdb.connect(str(copy))
    con.execute("UPDATE raw.sessions SET status = 'teleported' WHERE session_id = (SELECT min(session_id) "
                "FROM raw.sessions)")
    con.close()
    proc = dbt(["test", "--select", "source:*"], copy, tmp_path)
    assert proc.returncode == 1
    assert re.findall(r" FAIL \d+ (source_\w+)", proc.stdout) == [
        "source_accepted_values_landing_sessions_status__completed__no_show__late_cancelled__cancelled__scheduled"]
