"""Incremental refreshes: an unchanged source is carried over, only the models downstream of changed sources
are rebuilt, unchanged pages are copied, and the result equals a full refresh.

Each state of the landing folder is refreshed twice from the same published warehouse: incrementally (the
default) and with `--full`; every table of raw, quarantine and marts must then be identical. A refresh with
nothing changed leaves the published files untouched.
"""
from __future__ import annotations

import hashlib
import re
import shutil

import duckdb
import pytest

from tests.conftest import AS_OF, refresh, run_cli

pytestmark = pytest.mark.e2e
SKIP_TABLES = {("raw", "refresh_run")}  # the run's own id and start time
DBT_LINE = re.compile(r"dbt: (\d+) model\(s\) downstream of (.*) rebuilt, (\d+) reused")


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


def test_incremental_refresh_equals_full_refresh(published, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(published[0], landing)
    base = published[1]

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
    rebuilt, reused = dbt_plan(log)  # only the models downstream of the changed sources were rebuilt
    assert rebuilt > 0 and reused > 0 and dbt_plan(first["full"][1]) is None  # --full builds every model
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
    assert dbt_plan(second["incremental"][1])[1] > 0
    assert {"sponsors", "cohorts", "participants", "survey_responses"} <= carried(second["incremental"][1])
    assert not {"sessions", "goals", "costs"} & carried(second["incremental"][1])
    con = duckdb.connect(str(second["incremental"][0] / "warehouse.duckdb"), read_only=True)
    files = {r[0] for r in con.execute("SELECT path FROM raw.file_manifest").fetchall()}
    con.close()
    assert "sessions/sessions_zz_more.csv" not in files and "goals/goals_renamed.csv" in files


def dbt_plan(log: str) -> tuple[int, int] | None:
    """(models rebuilt, reused) from the progress line of an incremental dbt build; None for a full build."""
    found = DBT_LINE.search(log)
    return (int(found.group(1)), int(found.group(3))) if found else None


def file_digests(root) -> dict:
    """sha256 of a file, or of every file under a folder."""
    if root.is_file():
        return {root.name: hashlib.sha256(root.read_bytes()).hexdigest()}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def append_rows(path, rows: list[str]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("".join(rows))


@pytest.fixture(scope="module")
def published(generated, tmp_path_factory):
    """A landing folder of its own and a published refresh of it."""
    tmp = tmp_path_factory.mktemp("incremental")
    landing = tmp / "landing"
    shutil.copytree(generated, landing)
    base = tmp / "base"
    refresh(landing, base)
    return landing, base


def test_nothing_changed_leaves_the_published_refresh_alone(published):
    landing, base = published
    out = base.parent / "again"
    shutil.copytree(base, out)
    before = {"warehouse": file_digests(out / "warehouse.duckdb"), "site": file_digests(out / "site")}
    proc = run_cli(["refresh", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
                    "--site", str(out / "site"), "--as-of", AS_OF.isoformat()], out)
    assert "nothing changed since the refresh of" in proc.stdout
    assert {"warehouse": file_digests(out / "warehouse.duckdb"), "site": file_digests(out / "site")} == before
    # (not one byte of the warehouse or the site rewritten)
    # another as-of date changes the dbt vars: the refresh runs (and rebuilds every model)
    other = run_cli(["refresh", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
                     "--site", str(out / "site"), "--as-of", "2026-07-01"], out)
    assert "nothing changed" not in other.stdout and dbt_plan(other.stdout + other.stderr) is None


def test_only_models_downstream_of_a_changed_source_are_rebuilt(published):
    """One more cost line: the cost marts are rebuilt, the session and survey models reused. (A new sessions
    file and people leaving the roster are step 1 of test_incremental_refresh_equals_full_refresh.)"""
    base_landing, base = published
    landing = base.parent / "landing-costs"
    shutil.copytree(base_landing, landing)
    path = next((landing / "costs").glob("*.csv"))  # a copy of the last cost line under a new id
    last = path.read_text(encoding="utf-8").splitlines()[-1].split(",")
    append_rows(path, [",".join(["ZZ-EXTRA", *last[1:]]) + "\n"])
    both = refresh_both(landing, base, "only-costs")
    incremental, full = both["incremental"], both["full"]
    assert tables(incremental[0] / "warehouse.duckdb") == tables(full[0] / "warehouse.duckdb")
    rebuilt, reused = dbt_plan(incremental[1])
    assert rebuilt > 0 and reused > 0
    assert dbt_plan(full[1]) is None  # --full builds every model
    assert "downstream of costs rebuilt" in incremental[1]  # costs was the one source loaded again


def test_pages_are_copied_when_what_they_read_is_unchanged(published):
    """A re-exported file with the same rows changes its source's fingerprint but no mart: the sponsor and
    finance pages are copied byte for byte, and the operations page is written again."""
    base_landing, base = published
    landing = base.parent / "landing-renamed"
    shutil.copytree(base_landing, landing)
    items = next((landing / "survey_items").glob("*.csv"))
    items.rename(items.with_name("zz_" + items.name))
    both = refresh_both(landing, base, "renamed")
    incremental, full = both["incremental"], both["full"]
    assert tables(incremental[0] / "warehouse.duckdb") == tables(full[0] / "warehouse.duckdb")
    assert "unchanged, copied" in incremental[1] and "unchanged, copied" not in full[1]
    published_pages, new_pages = file_digests(base / "site"), file_digests(incremental[0] / "site")
    for page in [p for p in published_pages if p.startswith("sponsors/")] + ["finance.html", "index.html"]:
        assert new_pages[page] == published_pages[page], page
    assert new_pages["operations.html"] != published_pages["operations.html"]
    # the evidence record the copied pages cite is kept beside this run's
    cited = re.search(r"fingerprint <code>([0-9a-f]{16})</code>",
                      (incremental[0] / "site" / "index.html").read_text(encoding="utf-8")
                      + next((incremental[0] / "site" / "sponsors").glob("*.html")).read_text(encoding="utf-8"))
    assert cited and (incremental[0] / "site" / "evidence" / f"{cited.group(1)}.json").exists()
