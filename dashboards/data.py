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
    stale_sources: list


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


def rows(con, sql: str, params: list | None = None) -> list[dict]:
    return frame(con, sql, params).to_dicts()


def run_info(con) -> RunInfo:
    as_of, started, settings = con.execute("SELECT as_of, started_at, settings FROM raw.refresh_run").fetchall()[0]
    failed, rejected, read = con.execute("""SELECT count(*) FILTER (WHERE status = 'failed'),
        coalesce(sum(rows_rejected), 0), coalesce(sum(rows_read), 0) FROM raw.file_manifest""").fetchall()[0]
    stale = [r[0] for r in con.execute("SELECT source FROM marts.data_quality WHERE NOT is_fresh ORDER BY 1").fetchall()]
    return RunInfo(str(as_of), started.strftime("%Y-%m-%d %H:%M UTC"), json.loads(settings), failed, int(rejected),
                   int(read), stale)


# --- sponsor page (every query filtered by sponsor_id) ---------------------------------

def sponsors(con) -> pl.DataFrame:
    return frame(con, "SELECT sponsor_id, sponsor_name FROM marts.sponsor_summary ORDER BY sponsor_id")


def sponsor_summary(con, sponsor_id: str) -> dict:
    return rows(con, "SELECT * FROM marts.sponsor_summary WHERE sponsor_id = ?", [sponsor_id])[0]


def sponsor_cohorts(con, sponsor_id: str) -> pl.DataFrame:
    return frame(con, """
        SELECT d.cohort_id, d.cohort_name, d.program_name, d.start_date, d.end_date, d.planned_sessions,
               e.* EXCLUDE (cohort_id, sponsor_id),
               g.participants_with_goals, g.goal_achievement_rate, g.mean_gas_tscore, g.suppressed AS goals_suppressed,
               s.nps_responses, s.nps, s.suppressed AS nps_suppressed,
               c.total_cost, c.cost_per_enrolled
        FROM marts.cohort_directory d
        JOIN marts.cohort_engagement e USING (cohort_id)
        JOIN marts.cohort_goals g USING (cohort_id)
        JOIN marts.cohort_satisfaction s USING (cohort_id)
        JOIN marts.cohort_costs c USING (cohort_id)
        WHERE d.sponsor_id = ? ORDER BY d.start_date, d.cohort_id""", [sponsor_id])


def sponsor_monthly_sessions(con, sponsor_id: str) -> pl.DataFrame:
    return frame(con, """
        SELECT month, sessions_completed AS completed, sessions_no_show AS no_show,
               sessions_late_cancelled AS late_cancelled, coaching_hours
        FROM marts.sponsor_monthly_sessions WHERE sponsor_id = ? ORDER BY month""", [sponsor_id])


def sponsor_outcomes(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT * FROM marts.sponsor_outcomes WHERE sponsor_id = ?
                        ORDER BY competency, CASE rater_type WHEN 'self' THEN 0 ELSE 1 END, rater_type""",
                [sponsor_id])


# --- finance page (all sponsors; no participant rows) --------------------------------

def finance_cohorts(con) -> list[dict]:
    return rows(con, """
        SELECT d.sponsor_name, d.cohort_name, d.currency AS cohort_currency, d.start_date, d.end_date,
               e.enrolled, e.completed, e.sessions_completed, c.* EXCLUDE (sponsor_id)
        FROM marts.cohort_costs c JOIN marts.cohort_directory d USING (cohort_id)
        JOIN marts.cohort_engagement e USING (cohort_id)
        ORDER BY d.sponsor_name, d.start_date, c.cohort_id""")


def monthly_spend(con) -> list[dict]:
    return rows(con, "SELECT month, category, sum(amount) AS amount FROM marts.monthly_costs GROUP BY ALL ORDER BY ALL")


def fx_notes(con) -> list[dict]:
    return rows(con, """
        SELECT currency, count(*) AS rates, min(valid_from) AS first_valid_from,
               arg_max(valid_from, valid_from) AS latest_valid_from, arg_max(rate_to_reporting, valid_from) AS latest_rate
        FROM staging.stg_landing__fx_rates GROUP BY currency ORDER BY currency""")


# --- operations page (internal) ----------------------------------------------------

def data_quality(con) -> list[dict]:
    return rows(con, """
        SELECT q.*, a.success AS contract_passed, a.evaluated AS expectations
        FROM marts.data_quality q
        LEFT JOIN (SELECT source, success, evaluated FROM audit.contract_validations
                   WHERE run_id = (SELECT run_id FROM raw.refresh_run)) a USING (source)
        ORDER BY q.source""")


def rejections_by_file(con) -> list[dict]:
    return rows(con, """
        SELECT file, reason_code, count(*) AS rows_rejected, min(row_number) AS first_row,
               arg_min(column_name, row_number) AS example_column, arg_min(reason, row_number) AS example_reason
        FROM quarantine.rejected_rows GROUP BY file, reason_code ORDER BY rows_rejected DESC, file, reason_code""")


def evidence_fingerprint(con) -> str | None:
    """The fingerprint of this refresh's evidence record (evidence.json), if it has one."""
    try:
        row = con.execute("SELECT fingerprint FROM audit.evidence").fetchall()
    except duckdb.Error:
        return None
    return row[0][0] if row else None


def erasure_counts(con) -> tuple[int, str]:
    """People erased by `coachlens forget` (counts only) and when last; (0, "") when none."""
    try:
        people, last = con.execute("SELECT coalesce(sum(people), 0), max(erased_at) FROM audit.erasures").fetchall()[0]
    except duckdb.Error:
        return 0, ""
    return int(people), (last.strftime("%Y-%m-%d %H:%M UTC") if last else "")


def failed_files(con) -> list[dict]:
    return rows(con, "SELECT path, message FROM raw.file_manifest WHERE status = 'failed' ORDER BY path")


def stalled_participants(con) -> list[dict]:
    return rows(con, """
        SELECT p.full_name, p.email, d.cohort_name, d.sponsor_name, j.enrolled_on, j.last_session_on,
               j.sessions_completed, d.planned_sessions
        FROM marts.participant_journey j
        JOIN staging.stg_landing__participants p USING (participant_id)
        JOIN marts.cohort_directory d ON d.cohort_id = j.cohort_id
        WHERE j.is_stalled ORDER BY j.last_session_on NULLS FIRST, p.full_name""")


def coach_utilisation(con) -> list[dict]:
    return rows(con, """
        SELECT u.*, c.full_name AS coach_name FROM marts.coach_utilisation u
        JOIN staging.stg_landing__coaches c USING (coach_id) ORDER BY u.month, u.coach_id""")


def days_to_first_session(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT days_to_first_session FROM marts.participant_journey "
                                      "WHERE is_activated ORDER BY 1").fetchall()]


def sponsor_durability(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT d.cohort_name, u.* FROM marts.cohort_durability u
                        JOIN marts.cohort_directory d USING (cohort_id)
                        WHERE u.sponsor_id = ? ORDER BY d.start_date, u.cohort_id, u.competency, u.rater_type""",
                [sponsor_id])


def comparison_rows(con, sponsor_id: str | None = None) -> list[dict]:
    where = "WHERE c.sponsor_id = ?" if sponsor_id else ""
    return rows(con, f"""SELECT d.cohort_name, d.start_date, s.sponsor_name, c.* FROM marts.cohort_comparison c
                         JOIN marts.cohort_directory d USING (cohort_id)
                         LEFT JOIN (SELECT DISTINCT sponsor_id, sponsor_name FROM marts.sponsor_summary) s
                           ON s.sponsor_id = c.sponsor_id
                         {where} ORDER BY s.sponsor_name, d.start_date, c.cohort_id, c.outcome""",
                [sponsor_id] if sponsor_id else None)


def comparison_balance(con, sponsor_id: str) -> list[dict]:
    return rows(con, """SELECT d.cohort_name, b.* FROM marts.cohort_comparison_balance b
                        JOIN marts.cohort_directory d USING (cohort_id)
                        WHERE b.sponsor_id = ? AND b.outcome = 'retention'
                        ORDER BY d.start_date, b.cohort_id, b.dimension, b.dimension_value""", [sponsor_id])


def has_employees(con) -> bool:
    return con.execute("SELECT count(*) FROM staging.stg_landing__employees").fetchall()[0][0] > 0


def unmatched_participants(con) -> list[dict]:
    return rows(con, """SELECT p.full_name, p.email, d.cohort_name, l.unmatched_reason
                        FROM marts.participant_employee_links l
                        JOIN staging.stg_landing__participants p USING (participant_id)
                        JOIN marts.cohort_directory d ON d.cohort_id = l.cohort_id
                        WHERE l.employee_id IS NULL ORDER BY d.cohort_name, p.full_name""")


def sponsor_value(con, sponsor_id: str) -> dict | None:
    found = rows(con, "SELECT * FROM marts.sponsor_value WHERE sponsor_id = ?", [sponsor_id])
    return found[0] if found else None


def sponsor_value_sensitivity(con, sponsor_id: str) -> list[dict]:
    return rows(con, "SELECT * FROM marts.sponsor_value_sensitivity WHERE sponsor_id = ? ORDER BY assumption",
                [sponsor_id])


def finance_value(con) -> list[dict]:
    return rows(con, """SELECT s.sponsor_name, d.cohort_name, v.* FROM marts.cohort_value v
                        JOIN marts.cohort_directory d USING (cohort_id)
                        LEFT JOIN (SELECT DISTINCT sponsor_id, sponsor_name FROM marts.sponsor_summary) s
                          ON s.sponsor_id = v.sponsor_id
                        ORDER BY s.sponsor_name, d.start_date, v.cohort_id""")


def finance_sponsor_value(con) -> list[dict]:
    return rows(con, """SELECT s.sponsor_name, v.* FROM marts.sponsor_value v
                        JOIN (SELECT DISTINCT sponsor_id, sponsor_name FROM marts.sponsor_summary) s USING (sponsor_id)
                        ORDER BY s.sponsor_name""")
