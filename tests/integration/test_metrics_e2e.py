"""Every column of every metric mart against tests/reference.py (plain Python, scipy for t), rel 1e-6."""
from __future__ import annotations

import pytest

from tests.conftest import VALUE, query
from tests.integration.test_refresh_e2e import close
from tests.reference import Comparison, Metrics, Value

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ref(refreshed):
    return Metrics(refreshed.landing, refreshed.as_of, salt="test-salt")


def compare(rows: dict, expected: dict, rel=1e-6):
    assert set(rows) == set(expected), (sorted(set(rows) ^ set(expected))[:5])
    bad = [(k, col, rows[k].get(col), want) for k, exp in expected.items() for col, want in exp.items()
           if not close(rows[k].get(col), want, rel)]
    assert not bad, bad[:8]


def test_cohort_outcomes(refreshed, ref):
    rows = {(r["cohort_id"], r["competency"], r["rater_type"]): r
            for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_outcomes")}
    compare(rows, ref.cohort_outcomes())
    assert any(r["n_reliably_improved"] for r in rows.values())
    assert {r["rater_type"] for r in rows.values()} == {"self", "manager"}


def test_cohort_goals(refreshed, ref):
    compare({r["cohort_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_goals")},
            ref.cohort_goals())


def test_cohort_satisfaction(refreshed, ref):
    compare({r["cohort_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_satisfaction")},
            ref.cohort_satisfaction())


def test_cohort_costs(refreshed, ref):
    rows = {r["cohort_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_costs")}
    compare(rows, ref.cohort_costs())
    assert any(r["spend_on_missed_sessions"] > 0 for r in rows.values())


def test_monthly_costs(refreshed, ref):
    rows = {(r["sponsor_id"], r["cohort_id"], r["month"], r["category"]): {"amount": r["amount"]}
            for r in query(refreshed.warehouse, "SELECT * FROM marts.monthly_costs")}
    compare(rows, {k: {"amount": v} for k, v in ref.monthly_costs().items()})


def test_coach_utilisation(refreshed, ref):
    rows = {(r["coach_id"], r["month"]): r for r in query(refreshed.warehouse, "SELECT * FROM marts.coach_utilisation")}
    compare(rows, ref.coach_utilisation())


def test_sponsor_outcomes(refreshed, ref):
    rows = {(r["sponsor_id"], r["competency"], r["rater_type"]): r
            for r in query(refreshed.warehouse, "SELECT * FROM marts.sponsor_outcomes")}
    compare(rows, ref.sponsor_outcomes())


def test_sponsor_summary(refreshed, ref):
    compare({r["sponsor_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.sponsor_summary")},
            ref.sponsor_summary())


def test_cohort_outcomes_intention_to_treat(refreshed, ref):
    rows = query(refreshed.warehouse, "SELECT * FROM marts.cohort_outcomes")
    # somebody started and never answered the post survey: ITT is more conservative than the paired mean
    assert any(r["n_with_pre"] > r["n_paired"] and r["itt_mean_change"] < r["mean_change"] for r in rows
               if r["n_paired"] and r["mean_change"] > 0)


def test_cohort_durability(refreshed, ref):
    rows = {(r["cohort_id"], r["competency"], r["rater_type"]): r
            for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_durability")}
    compare(rows, ref.cohort_durability())
    assert sum(r["n_faded"] for r in rows.values()) > 0 and sum(r["n_sustained"] for r in rows.values()) > 0


def test_cohort_comparison(refreshed):
    rows = {(r["cohort_id"], r["outcome"]): r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_comparison")}
    compare(rows, Comparison(refreshed.landing, refreshed.as_of).cohort_comparison())
    assert {r["outcome"] for r in rows.values()} == {"retention", "promotion", "rating"}
    assert any(r["n_unmatched"] for r in rows.values()) and any(not r["suppressed"] for r in rows.values())


def test_cohort_value_and_sponsor_value(refreshed, ref):
    value = Value(ref, Comparison(refreshed.landing, refreshed.as_of), **VALUE)
    rows = {r["cohort_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_value")}
    compare(rows, value.cohort_value())
    assert all(r["benefit_retention"] != 0 for r in rows.values() if r["has_comparison"])
    assert any(r["n_estimates"] for r in rows.values()) and all(r["cost_participant_time"] > 0 for r in rows.values()
                                                                if r["enrolled"] >= 5)
    compare({r["sponsor_id"]: r for r in query(refreshed.warehouse, "SELECT * FROM marts.sponsor_value")},
            value.sponsor_value())


def test_cohort_comparison_balance(refreshed):
    rows = {(r["cohort_id"], r["outcome"], r["dimension"], r["dimension_value"]): r
            for r in query(refreshed.warehouse, "SELECT * FROM marts.cohort_comparison_balance")}
    compare(rows, Comparison(refreshed.landing, refreshed.as_of).cohort_comparison_balance())
