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
