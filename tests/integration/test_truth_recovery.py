"""The generator injects a known mean improvement per competency and rater; the pipeline must recover it.

Over every cohort x competency x rater row of the refreshed generated programme, the 95% interval should
contain the injected change about 95% of the time; scripts/truth_recovery.py repeats this over seeds.
"""
import json

import pytest

from tests.conftest import query

pytestmark = pytest.mark.e2e


def test_intervals_cover_the_injected_change(refreshed):
    truth = json.loads((refreshed.landing / "_truth.json").read_text())["true_mean_change"]
    rows = query(refreshed.warehouse, "SELECT * FROM marts.cohort_outcomes WHERE n_paired >= 5")
    assert len(rows) >= 40
    covered = [r["ci95_low"] <= truth[r["competency"]][r["rater_type"]] <= r["ci95_high"] for r in rows]
    assert sum(covered) / len(covered) >= 0.85, f"{sum(covered)} of {len(covered)} intervals cover the truth"


def test_comparison_intervals_cover_the_injected_retention_and_rating_differences(refreshed):
    truth = json.loads((refreshed.landing / "_truth.json").read_text())["comparison"]
    rows = query(refreshed.warehouse, "SELECT * FROM marts.cohort_comparison WHERE outcome IN ('retention', 'rating') "
                                      "AND ci95_low IS NOT NULL")
    assert len(rows) >= 20
    covered = [r["ci95_low"] <= truth[r["cohort_id"]][r["outcome"]] <= r["ci95_high"] for r in rows]
    assert sum(covered) / len(covered) >= 0.8, f"{sum(covered)} of {len(covered)} intervals cover the truth"
    # the injected rating effect is large enough to be seen in most cohorts: the method is not blind
    ratings = [r for r in rows if r["outcome"] == "rating"]
    assert sum(r["ci95_low"] > 0 for r in ratings) >= len(ratings) / 2


def test_estimated_benefit_recovers_the_injected_impact_answers(refreshed):
    from tests.conftest import VALUE

    truth = json.loads((refreshed.landing / "_truth.json").read_text())["impact_benefit_per_respondent"]
    rows = query(refreshed.warehouse, "SELECT sum(benefit_estimated) AS b, sum(n_estimates) AS n FROM marts.cohort_value")
    per_respondent = rows[0]["b"] / rows[0]["n"]
    expected = truth * (1 - VALUE["estimate_discount"])
    assert rows[0]["n"] >= 50
    # about 3 standard errors of a mean of ~100 lognormal x uniform x uniform estimates
    assert 0.65 * expected <= per_respondent <= 1.35 * expected, (per_respondent, expected)
