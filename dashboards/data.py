"""Queries the pages run. Every query reads tables of schema `marts` only, and a page may read only the marts
its dbt exposure declares (dbt_project/models/marts/_exposures.yml): `PageReader` refuses anything else.
Each sponsor query takes the sponsor id as a bound parameter and filters on it in SQL, so a sponsor page never
receives another sponsor's rows. The queries select, join, filter and sort; every figure is a mart column."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl
import yaml

EXPOSURES_YML = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts" / "_exposures.yml"
_REF = re.compile(r"ref\('([^']+)'\)")


@lru_cache(maxsize=None)
def page_marts() -> dict[str, frozenset[str]]:
    """Exposure (page) name -> the marts it declares in _exposures.yml."""
    exposures = yaml.safe_load(EXPOSURES_YML.read_text(encoding="utf-8"))["exposures"]
    return {e["name"]: frozenset(_REF.fullmatch(d).group(1) for d in e["depends_on"]) for e in exposures}


def _base_tables(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            found.add(f"{node['schema_name'] or '(no schema)'}.{node['table_name']}".lower())
        for value in node.values():
            _base_tables(value, found)
    elif isinstance(node, list):
        for value in node:
            _base_tables(value, found)
    return found


def relations_read(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    """Every table or view `sql` reads (schema.name), from DuckDB's own parse of it."""
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    if tree.get("error"):
        raise ValueError(f"not a query DuckDB can parse: {tree.get('error_message')}")
    return _base_tables(tree, set())


class UndeclaredRead(RuntimeError):
    pass


class PageReader:
    """The connection a page queries through: only the marts its exposure declares."""

    def __init__(self, con: duckdb.DuckDBPyConnection, page: str):
        self.con, self.page = con, page
        self.marts = page_marts()[page]

    def check(self, sql: str) -> None:
        undeclared = sorted(relations_read(self.con, sql) - {f"marts.{m}" for m in self.marts})
        if undeclared:
            raise UndeclaredRead(f"the {self.page} exposure (dbt_project/models/marts/_exposures.yml) does not "
                                 f"declare {', '.join(undeclared)}; pages read only the marts they declare")

    def sql(self, sql: str, params: list | None = None):
        self.check(sql)
        return self.con.sql(sql, params=params)


@dataclass
class RunInfo:
    as_of: str
    refreshed_at: str
    settings: dict
    files_failed: int
    rows_rejected: int
    rows_read: int
    stale_sources: list
    status: str
    sponsor_status: str
    employees_supplied: bool
    evidence_fingerprint: str | None
    people_erased: int
    last_erased_at: str


def frame(con, sql: str, params: list | None = None) -> pl.DataFrame:
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


def rows(con, sql: str, params: list | None = None) -> list[dict]:
    return frame(con, sql, params).to_dicts()


def _utc(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def run_info(con) -> RunInfo:
    status = rows(con, "SELECT * FROM marts.refresh_status")[0]
    run = rows(con, "SELECT * FROM marts.refresh_run_info")[0]
    stale = [r["source"] for r in rows(con, "SELECT source FROM marts.data_quality WHERE NOT is_fresh ORDER BY 1")]
    return RunInfo(str(status["as_of"]), _utc(run["started_at"]), json.loads(status["settings"]),
                   status["files_failed"], status["rows_rejected"], status["rows_read"], stale, status["status"],
                   status["sponsor_status"], status["employees_supplied"], run["evidence_fingerprint"],
                   run["people_erased"], _utc(run["last_erased_at"]))


# --- sponsor page (every query filtered by sponsor_id) ---------------------------------

def sponsors(con) -> pl.DataFrame:
    return frame(con, "SELECT sponsor_id, sponsor_name FROM marts.sponsor_summary ORDER BY sponsor_id")


def sponsor_summary(con, sponsor_id: str) -> dict:
    return rows(con, "SELECT * FROM marts.sponsor_summary WHERE sponsor_id = ?", [sponsor_id])[0]


def sponsor_cohorts(con, sponsor_id: str) -> list[dict]:
    return rows(con, "SELECT * FROM marts.sponsor_cohorts WHERE sponsor_id = ? ORDER BY start_date, cohort_id",
                [sponsor_id])


def sponsor_monthly_sessions(con, sponsor_id: str) -> pl.DataFrame:
    return frame(con, """
        SELECT month, sessions_completed AS completed, sessions_no_show AS no_show,
               sessions_late_cancelled AS late_cancelled, coaching_hours
        FROM marts.sponsor_monthly_sessions WHERE sponsor_id = ? ORDER BY month""", [sponsor_id])


def sponsor_outcomes(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT * FROM marts.sponsor_outcomes WHERE sponsor_id = ?
                        ORDER BY competency, CASE rater_type WHEN 'self' THEN 0 ELSE 1 END, rater_type""",
                [sponsor_id])


def sponsor_durability(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT d.cohort_name, u.* FROM marts.cohort_durability u
                        JOIN marts.cohort_directory d USING (cohort_id)
                        WHERE u.sponsor_id = ? ORDER BY d.start_date, u.cohort_id, u.competency, u.rater_type""",
                [sponsor_id])


def comparison_rows(con, sponsor_id: str | None = None) -> list[dict]:
    where = "WHERE c.sponsor_id = ?" if sponsor_id else ""
    return rows(con, f"""SELECT d.cohort_name, d.start_date, d.sponsor_name, c.* FROM marts.cohort_comparison c
                         JOIN marts.cohort_directory d USING (cohort_id)
                         {where} ORDER BY d.sponsor_name, d.start_date, c.cohort_id, c.outcome""",
                [sponsor_id] if sponsor_id else None)


def comparison_balance(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT d.cohort_name, b.* FROM marts.cohort_comparison_balance b
                        JOIN marts.cohort_directory d USING (cohort_id)
                        WHERE b.sponsor_id = ? AND b.outcome = 'retention'
                        ORDER BY d.start_date, b.cohort_id, b.dimension, b.dimension_value""", [sponsor_id])


def sponsor_value(con, sponsor_id: str) -> dict | None:
    found = rows(con, "SELECT * FROM marts.sponsor_value WHERE sponsor_id = ?", [sponsor_id])
    return found[0] if found else None


def sponsor_value_sensitivity(con, sponsor_id: str) -> list[dict]:
    return rows(con, "SELECT * FROM marts.sponsor_value_sensitivity WHERE sponsor_id = ? ORDER BY assumption",
                [sponsor_id])


# --- finance page (all sponsors; no participant rows) --------------------------------

def programme_costs(con) -> dict:
    return rows(con, "SELECT * FROM marts.programme_costs")[0]


def finance_cohorts(con) -> list[dict]:
    return rows(con, """
        SELECT d.sponsor_name, d.cohort_name, d.currency AS cohort_currency, d.start_date, d.end_date,
               e.enrolled, e.completed, e.sessions_completed, c.* EXCLUDE (sponsor_id)
        FROM marts.cohort_costs c JOIN marts.cohort_directory d USING (cohort_id)
        JOIN marts.cohort_engagement e USING (cohort_id)
        ORDER BY d.sponsor_name, d.start_date, c.cohort_id""")


def sponsor_costs(con) -> list[dict]:
    return rows(con, "SELECT sponsor_name, total_cost FROM marts.sponsor_costs ORDER BY sponsor_name, sponsor_id")


def monthly_spend(con) -> list[dict]:
    return rows(con, "SELECT month, category, amount FROM marts.monthly_spend ORDER BY month, category")


def fx_notes(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.fx_rate_summary ORDER BY currency")


def finance_value(con) -> list[dict]:
    return rows(con, """SELECT d.sponsor_name, d.cohort_name, v.* FROM marts.cohort_value v
                        JOIN marts.cohort_directory d USING (cohort_id)
                        ORDER BY d.sponsor_name, d.start_date, v.cohort_id""")


def finance_sponsor_value(con) -> list[dict]:
    return rows(con, """SELECT s.sponsor_name, v.* FROM marts.sponsor_value v
                        JOIN marts.sponsor_summary s USING (sponsor_id)
                        ORDER BY s.sponsor_name""")


# --- operations page (internal) ----------------------------------------------------

def data_quality(con) -> list[dict]:
    return rows(con, """
        SELECT q.*, c.contract_passed, c.expectations
        FROM marts.data_quality q LEFT JOIN marts.source_contracts c USING (source)
        ORDER BY q.source""")


def rejections_by_file(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.rejections_by_file ORDER BY rows_rejected DESC, file, reason_code")


def rejection_reasons(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.rejection_reasons ORDER BY rows_rejected DESC, reason_code")


def failed_files(con) -> list[dict]:
    return rows(con, "SELECT path, message FROM marts.landing_files WHERE status = 'failed' ORDER BY path")


def programme_engagement(con) -> dict | None:
    found = rows(con, "SELECT * FROM marts.programme_engagement")
    return found[0] if found else None


def stalled_participants(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.stalled_participants "
                     "ORDER BY last_session_on NULLS FIRST, full_name, email")


def unmatched_participants(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.unmatched_participants ORDER BY cohort_name, full_name, email")


def coach_utilisation(con) -> list[dict]:
    return rows(con, "SELECT * FROM marts.coach_utilisation ORDER BY month, coach_id")


def days_to_first_session(con) -> list[int]:
    return [r["days_to_first_session"] for r in rows(
        con, "SELECT days_to_first_session FROM marts.participant_journey WHERE is_activated ORDER BY 1")]
