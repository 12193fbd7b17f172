"""Queries the pages run against the marts. Each sponsor query takes the sponsor id as a bound
parameter and filters on it in SQL, so a sponsor page never receives another sponsor's rows."""
from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import polars as pl


@dataclass
class RunInfo:
    as_of: str
    refreshed_at: str
    settings: dict
    files_failed: int
    rows_rejected: int
    rows_read: int


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


def run_info(con) -> RunInfo:
    as_of, started, settings = con.execute("SELECT as_of, started_at, settings FROM raw.refresh_run").fetchall()[0]
    failed, rejected, read = con.execute("""SELECT count(*) FILTER (WHERE status = 'failed'),
        coalesce(sum(rows_rejected), 0), coalesce(sum(rows_read), 0) FROM raw.file_manifest""").fetchall()[0]
    return RunInfo(str(as_of), started.strftime("%Y-%m-%d %H:%M UTC"), json.loads(settings), failed, int(rejected),
                   int(read))


def sponsors(con) -> pl.DataFrame:
    return frame(con, "SELECT sponsor_id, sponsor_name FROM staging.stg_landing__sponsors ORDER BY sponsor_id")


def sponsor_cohorts(con, sponsor_id: str) -> pl.DataFrame:
    return frame(con, """
        SELECT d.cohort_id, d.cohort_name, d.program_name, d.start_date, d.end_date, d.planned_sessions,
               e.* EXCLUDE (cohort_id, sponsor_id)
        FROM marts.cohort_directory d JOIN marts.cohort_engagement e USING (cohort_id)
        WHERE d.sponsor_id = ? ORDER BY d.start_date, d.cohort_id""", [sponsor_id])


def sponsor_monthly_sessions(con, sponsor_id: str) -> pl.DataFrame:
    return frame(con, """
        SELECT month, sum(sessions_completed)::INTEGER AS completed, sum(sessions_no_show)::INTEGER AS no_show,
               sum(sessions_late_cancelled)::INTEGER AS late_cancelled, sum(coaching_hours) AS coaching_hours
        FROM marts.monthly_sessions WHERE sponsor_id = ? GROUP BY month ORDER BY month""", [sponsor_id])
