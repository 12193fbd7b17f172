import csv
import io

from dashboards.privacy import safe_cell, to_csv


def test_formula_cells_are_neutralised_numbers_stay_numbers():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for bad in ("+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell(-5) == -5 and safe_cell(0.25) == 0.25 and safe_cell("plain") == "plain"
    text = to_csv(["name", "value"], [["=cmd|' /C calc'!A0", -3]])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "-3"]


def test_sponsor_kpis_hide_small_counts_of_people():
    from dashboards.sponsor_page import _goals_and_costs
    from dashboards.page import Page

    page = Page("t", "s", "2026-01-01", "now", "ok", "ok")
    summary = {"participants_with_goals": 4, "goals_set": 9, "goals_achieved": 3, "n_gas_participants": 4,
               "mean_gas_tscore": 55.0, "cost_per_enrolled": 100.0, "total_cost": 1000.0,
               "cost_per_reliably_improved": 500.0, "reliably_improved": 2,
               # the flags marts.sponsor_summary sets for these counts under k = 5
               "goals_suppressed": True, "gas_suppressed": True, "reliably_improved_suppressed": True}
    _goals_and_costs(page, summary, 5, False, "USD")
    html = "".join(page.body)
    assert "USD 500" not in html and "2 improved" not in html and "55.0" not in html
    assert html.count("suppressed (n &lt; 5)") == 4  # goals set, achieved, GAS, cost per improved
    assert "USD 100" in html  # cost per participant describes all enrolled (>= k)
