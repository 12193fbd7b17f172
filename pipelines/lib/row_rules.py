"""Source-specific row checks named in the contracts' `rules:` lists.

Each rule returns (joins, problems): extra LEFT JOINs on the typed rows `x`, and
problems as (column, SQL condition that is true when the row is bad, SQL text of
the reason, reason code). Conditions see typed values, which are NULL where the text did not
parse, so a row already rejected for a bad type is not blamed twice.
"""
from __future__ import annotations


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def end_not_before_start(source: str, settings) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    pairs = {"cohorts": ("start_date", "end_date"), "assignments": ("matched_on", "ended_on"),
             "employees": ("hired_on", "left_on")}
    start, end = pairs[source]
    return [], [(end, f"x.{end} < x.{start}",
                 f"'{end} ' || CAST(x.{end} AS VARCHAR) || ' is before {start} ' || CAST(x.{start} AS VARCHAR)", "end_before_start")]


def completed_not_after_as_of(source: str, settings):
    as_of = settings.as_of.isoformat()
    # a local date after as_of needs an instant after as_of 00:00 UTC (no zone is a day ahead of UTC): only
    # those few rows pay for the time zone conversion (CASE evaluates its THEN for the rows that pass)
    cond = (f"x.status = 'completed' AND x._tz IS NOT NULL AND CASE WHEN x.scheduled_start >= "
            f"TIMESTAMPTZ '{as_of} 00:00:00+00' THEN CAST(timezone(x._tz, x.scheduled_start) AS DATE) "
            f"> DATE '{as_of}' ELSE false END")
    reason = (f"'completed session dated ' || CAST(CAST(timezone(x._tz, x.scheduled_start) AS DATE) AS VARCHAR)"
              f" || ', after the as-of date {as_of}: a session in the future cannot be completed'")
    return [], [("scheduled_start", cond, reason, "after_as_of")]


def scale_valid(source: str, settings):
    return [], [
        ("scale_max", "x.scale_min >= x.scale_max",
         "'scale_min ' || _fmt(x.scale_min) || ' is not below scale_max ' || _fmt(x.scale_max)", "out_of_range"),
        ("scale_min", "x.kind = 'nps' AND (x.scale_min <> 0 OR x.scale_max <> 10)",
         "'nps item must have the scale 0-10, not ' || _fmt(x.scale_min) || '-' || _fmt(x.scale_max)", "out_of_range"),
    ]


def competency_named(source: str, settings):
    return [], [("competency", "x.kind = 'competency' AND x.competency IS NULL",
                 "'competency is required for an item of kind competency'", "missing_required")]


def score_in_scale(source: str, settings):
    join = "LEFT JOIN raw.survey_items si ON si.item_id = x.item_id"
    cond = "x.score < si.scale_min OR x.score > si.scale_max"
    reason = ("'score ' || _fmt(x.score) || ' is outside item ' || x.item_id || '''s scale ' "
              "|| _fmt(si.scale_min) || '-' || _fmt(si.scale_max)")
    return [join], [("score", cond, reason, "out_of_scale")]


def cohort_or_sponsor(source: str, settings):
    return [], [("cohort_id", "x.cohort_id IS NULL AND x.sponsor_id IS NULL AND x._v_cohort_id IS NULL AND x._v_sponsor_id IS NULL",
                 "'cohort_id or sponsor_id is required: say who the cost belongs to'", "missing_required")]


def fx_rate_exists(source: str, settings):
    reporting = _q(settings.reporting_currency)
    cond = (f"x.currency IS NOT NULL AND x.incurred_on IS NOT NULL AND x.currency <> {reporting} AND NOT EXISTS "
            "(SELECT 1 FROM raw.fx_rates f WHERE f.currency = x.currency AND f.valid_from <= x.incurred_on)")
    reason = ("'no FX rate for ' || x.currency || ' valid on ' || CAST(x.incurred_on AS VARCHAR) "
              "|| ': add a row to fx_rates with valid_from on or before that date'")
    return [], [("currency", cond, reason, "no_fx_rate")]


def employee_known(source: str, settings):
    join = "LEFT JOIN (SELECT DISTINCT employee_id FROM raw.employees) emp ON emp.employee_id = x.employee_id"
    return [join], [("employee_id", "x.employee_id IS NOT NULL AND emp.employee_id IS NULL",
                     "'unknown employee ' || x.employee_id || ': not in employees'", "unknown_reference")]


def rating_has_value(source: str, settings):
    return [], [("value", "x.event = 'rating' AND x.value IS NULL",
                 "'value is required for a rating event: the rating given'", "missing_required")]


RULES = {
    "end_not_before_start": end_not_before_start,
    "completed_not_after_as_of": completed_not_after_as_of,
    "scale_valid": scale_valid,
    "competency_named": competency_named,
    "score_in_scale": score_in_scale,
    "cohort_or_sponsor": cohort_or_sponsor,
    "fx_rate_exists": fx_rate_exists,
    "employee_known": employee_known,
    "rating_has_value": rating_has_value,
}
