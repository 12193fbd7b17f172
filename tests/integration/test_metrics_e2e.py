"""Every column of every metric mart against tests/reference.py (plain Python, scipy for t), rel 1e-6."""
from __future__ import annotations

import pytest

from tests.conftest import query
from tests.integration.test_refresh_e2e import close
from tests.reference import Metrics

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
