"""Incremental loading: an unchanged source is carried over, and the result equals a full refresh.

Each state of the landing folder is refreshed twice from the same published warehouse: incrementally (the
default) and with `--full`; every table of raw, quarantine and marts must then be identical.
"""
from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from tests.conftest import AS_OF, refresh, run_cli

pytestmark = pytest.mark.e2e
SKIP_TABLES = {("raw", "refresh_run")}  # the run's own id and start time


def _comparable(value):
    # DuckDB's parallel hash joins and aggregates may add doubles in another order from run to run, so two
    # full refreshes can differ in the last bits of a mean: compare doubles to 12 significant digits
    return float(f"{value:.12g}") if isinstance(value, float) else value


def tables(warehouse) -> dict:
    """Every row of every raw, quarantine and mart table, without load times (a file read again is
    stamped with the time of the refresh that read it)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = con.execute("""SELECT schema_name, table_name FROM duckdb_tables()
                               WHERE schema_name IN ('raw', 'quarantine', 'marts') ORDER BY ALL""").fetchall()
        out = {}
        for s, t in names:
            if (s, t) in SKIP_TABLES:
                continue
            cols = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = ? "
                                              "AND table_name = ? ORDER BY column_index", [s, t]).fetchall()
                    if not c.endswith("loaded_at")]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{s}"."{t}" '
                               "ORDER BY ALL").fetchall()
            out[(s, t)] = [tuple(_comparable(v) for v in row) for row in rows]
        return out
    finally:
        con.close()


def carried(stdout_and_err: str) -> set[str]:
    return {re.search(r"ingest (\S+)", line).group(1) for line in stdout_and_err.splitlines()
            if "(unchanged: carried over)" in line}


def refresh_both(landing, base, name) -> dict:
    """Incremental and full refreshes of `landing`, each starting from a copy of the published state in `base`."""
    results = {}
    for mode, flags in (("incremental", []), ("full", ["--full"])):
        out = base.parent / f"{name}-{mode}"
        shutil.copytree(base, out)
        proc = run_cli(["refresh", *flags, "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
                        "--site", str(out / "site"), "--as-of", AS_OF.isoformat()], out)
        results[mode] = (out, proc.stdout + proc.stderr)
    return results


def test_incremental_refresh_equals_full_refresh(generated, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(generated, landing)
    base = tmp_path / "base"
    refresh(landing, base)

    # 1. a new sessions file (one more day of sessions) and a changed participants file
    sessions = landing / "sessions" / "sessions.csv"
    lines = sessions.read_text(encoding="utf-8").splitlines(keepends=True)
    (landing / "sessions" / "sessions_zz_more.csv").write_text(lines[0] + "".join(lines[-40:]), encoding="utf-8")
    sessions.write_text("".join(lines[:-40]), encoding="utf-8")
    participants = landing / "participants" / "participants.csv"
    rows = participants.read_text(encoding="utf-8").splitlines(keepends=True)
    participants.write_text("".join(rows[:-3]), encoding="utf-8")  # three people leave the roster
    first = refresh_both(landing, base, "step1")
    incremental_out, log = first["incremental"]
    assert tables(incremental_out / "warehouse.duckdb") == tables(first["full"][0] / "warehouse.duckdb")
    # unchanged sources that do not reference participants are carried over; the rest are read again
    assert {"sponsors", "cohorts", "coaches", "survey_items", "fx_rates", "costs"} <= carried(log)
    assert not {"participants", "sessions", "survey_responses", "goals", "assignments"} & carried(log)
    assert carried(first["full"][1]) == set()

    # 2. a removed file, a renamed file, and the same file exported again under a later name
    base2 = incremental_out
    (landing / "sessions" / "sessions_zz_more.csv").unlink()
    goals = sorted((landing / "goals").iterdir())[0]
    goals.rename(goals.with_name("goals_renamed.csv"))
    costs = sorted((landing / "costs").iterdir())[0]
    shutil.copy(costs, costs.with_name("zz_" + costs.name))
    second = refresh_both(landing, base2, "step2")
    assert tables(second["incremental"][0] / "warehouse.duckdb") == tables(second["full"][0] / "warehouse.duckdb")
    assert {"sponsors", "cohorts", "participants", "survey_responses"} <= carried(second["incremental"][1])
    assert not {"sessions", "goals", "costs"} & carried(second["incremental"][1])
    con = duckdb.connect(str(second["incremental"][0] / "warehouse.duckdb"), read_only=True)
    files = {r[0] for r in con.execute("SELECT path FROM raw.file_manifest").fetchall()}
    con.close()
    assert "sessions/sessions_zz_more.csv" not in files and "goals/goals_renamed.csv" in files
