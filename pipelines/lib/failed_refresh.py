"""Publishing a refresh that failed, so the failure is seen where programme leads look (README, "When a refresh fails").

The published warehouse becomes a copy of the last good one (its marts and raw tables unchanged) holding
this run's manifest (`raw.file_manifest`), quarantine (`quarantine.rejected_rows`) and what failed
(`audit.failed_refresh`); on a first run, a new warehouse with only those. The published site keeps the last
good sponsor and finance pages byte for byte; its operations page is replaced by one that opens with the
failure and what to fix. Both are swapped in atomically, like a good refresh.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.lib.loader import prepare_warehouse
from pipelines.lib.outcome import Outcome
from pipelines.lib.workspace import Workspace

FAILED_REFRESH_DDL = """CREATE OR REPLACE TABLE audit.failed_refresh (
    run_id VARCHAR, failed_at TIMESTAMPTZ, as_of DATE, problems JSON, last_good_refresh TIMESTAMPTZ)"""
RUN_TABLES = ("raw.file_manifest", "quarantine.rejected_rows")


def last_good_refresh(con) -> dt.datetime | None:
    """When the marts of this warehouse were built (None when it has none)."""
    try:
        return con.execute("SELECT started_at FROM raw.refresh_run").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None


def _copy_run_tables(con, warehouse: Path | None) -> None:
    """The run tables (manifest, quarantine) of `warehouse` into `con`'s (prepare_warehouse made them); empty when
    there is no such file or the run failed before it made a table."""
    if warehouse is None:
        for table in RUN_TABLES:
            con.execute(f"DELETE FROM {table}")
        return
    con.execute(f"ATTACH '{warehouse}' AS run (READ_ONLY)")
    try:
        for table in RUN_TABLES:
            try:
                con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM run.{table}")
            except duckdb.CatalogException:  # the run failed before it made the table
                con.execute(f"DELETE FROM {table}")
    finally:
        con.execute("DETACH run")


def _assemble_warehouse(ws: Workspace, outcome: Outcome, as_of: dt.date, failed_at: dt.datetime):
    target = ws.failed_warehouse
    target.unlink(missing_ok=True)
    if ws.warehouse.exists():
        shutil.copyfile(ws.warehouse, target)
    con = duckdb.connect(str(target))
    try:
        prepare_warehouse(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")
        _copy_run_tables(con, ws.work_warehouse if ws.work_warehouse.exists() else None)
        last_good = last_good_refresh(con)
        con.execute(FAILED_REFRESH_DDL)
        con.execute("INSERT INTO audit.failed_refresh VALUES (?, ?, ?, ?, ?)",
                    [outcome.run_id, failed_at, as_of, json.dumps(outcome.problems), last_good])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return last_good


FAILURE_MARTS = "+landing_files +rejections_by_file"
"""The marts the failed refresh's operations page reads (the `failure_page` exposure), with their staging parents."""


@contextlib.contextmanager
def failure_marts(warehouse: Path):
    """A scratch DuckDB file holding the run tables of `warehouse` and the failure page's marts, built from them by
    dbt (the page computes nothing). Yields (path, None), or (None, what went wrong) when dbt could not build them.
    Scratch, so the published warehouse keeps the last good refresh's marts."""
    from pipelines.defs.transform.project import run_dbt

    with tempfile.TemporaryDirectory(prefix="coachlens-failure-") as tmp:
        scratch = Path(tmp) / "failure.duckdb"
        con = duckdb.connect(str(scratch))
        try:
            prepare_warehouse(con)
            _copy_run_tables(con, warehouse)
        finally:
            con.close()
        proc = run_dbt(["run", "--quiet", "--select", FAILURE_MARTS, "--target", "dev", "--target-path",
                        str(Path(tmp) / "target"), "--log-path", str(Path(tmp) / "logs")],
                       COACHLENS_DBT_DATABASE=str(scratch))
        if proc.returncode != 0:
            yield None, f"dbt could not build the file list ({(proc.stdout + proc.stderr).strip()[-300:]})"
        else:
            yield scratch, None


def write_failure_pages(site: Path, warehouse: Path, outcome: Outcome, as_of, failed_at, last_good) -> None:
    """The operations page of a failed refresh into `site` (and an index when there is none), from the run tables
    of `warehouse` through the failure page's marts."""
    from dashboards.failure_page import build_failure_index, build_failure_page

    with failure_marts(warehouse) as (marts, problem):
        con = duckdb.connect(str(marts), read_only=True) if marts else None
        try:
            page = build_failure_page(con, outcome, as_of, failed_at, last_good, unavailable=problem)
        finally:
            if con is not None:
                con.close()
    (site / "operations.html").write_text(page.render(), encoding="utf-8")
    if not (site / "index.html").exists():
        (site / "index.html").write_text(build_failure_index(outcome, as_of, failed_at).render(), encoding="utf-8")


def _assemble_site(ws: Workspace, outcome: Outcome, as_of: dt.date, failed_at: dt.datetime, last_good) -> None:
    shutil.rmtree(ws.work_site, ignore_errors=True)  # pages a failed run may have half written
    if ws.site.exists():
        shutil.copytree(ws.site, ws.work_site)
    else:
        ws.work_site.mkdir(parents=True)
    write_failure_pages(ws.work_site, ws.failed_warehouse, outcome, as_of, failed_at, last_good)


def publish_failed_refresh(ws: Workspace, outcome: Outcome, as_of: dt.date) -> None:
    """Publish the failed run's manifest, quarantine and operations page; keep everything else as it was."""
    failed_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    last_good = _assemble_warehouse(ws, outcome, as_of, failed_at)
    _assemble_site(ws, outcome, as_of, failed_at, last_good)
    ws.publish_failed()
