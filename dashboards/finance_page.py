"""The finance page: spend, budgets, forecasts and unit costs for every sponsor and cohort.
It names sponsors and cohorts, never participants."""
from __future__ import annotations

from .data import (RunInfo, comparison_rows, finance_cohorts, finance_sponsor_value, finance_value, fx_notes,
                   monthly_spend, programme_costs, sponsor_costs)
from .value_section import methods as value_methods
from .hr_sections import OUTCOME_LABEL, SUPPLY_EMPLOYEES, _diff, _value
from .hr_sections import methods as hr_methods
from .privacy import suppressed_label
from .figures import bars, grouped_bars, stacked_by
from .formatting import money, num
from .page import Chart, Page, kpi, table

CATEGORIES = ["coaching_fee", "licence", "assessment", "administration", "other"]
METHODS = [
    "All money is in the reporting currency. A cost is converted at the latest FX rate valid on its date "
    "(<code>valid_from</code> &le; incurred_on); a budget at the latest rate valid on the cohort's start date.",
    "A cost billed to a sponsor (no cohort) is shared over all of that sponsor's cohorts in proportion to their "
    "enrolled participants (equally when none are enrolled). Costs dated after the as-of date count. Credit notes "
    "are negative costs.",
    "<b>Budget used</b> = 100 &middot; total cost / budget. <b>Forecast at end</b> = total cost before the cohort "
    "starts, otherwise total cost / elapsed days &middot; cohort days (elapsed days capped at the cohort's length).",
    "<b>Unit costs</b> = total cost / enrolled, activated, completed participants, completed sessions, coaching "
    "hours, and participants reliably improved on at least one competency; empty when the denominator is 0.",
    "<b>Spend on missed sessions</b> = coaching fees whose session was a no-show or a late cancellation.",
]


def build_finance_page(con, run: RunInfo, status, nav, currency: str) -> Page:
    page = Page(title="Coaching spend and unit costs", subtitle="Finance view: every sponsor and cohort.",
                as_of=run.as_of, refreshed_at=run.refreshed_at, status=status[0], status_text=status[1], nav=nav)
    cohorts = finance_cohorts(con)
    totals = programme_costs(con)
    total, missed = totals["total_cost"], totals["spend_on_missed_sessions"]
    page.add_html('<div class="kpis">' + "".join([
        kpi("Total spend", money(total, currency), f"{totals['cohorts']} cohorts"),
        kpi("Budget (cohorts with one)", money(totals["budget"], currency),
            "" if totals["budget_used_pct"] is None else f"{totals['budget_used_pct']:.0f}% used"),
        kpi("Forecast at cohort ends", money(totals["forecast_total_at_end"], currency), "run-rate"),
        kpi("Spend on missed sessions", money(missed, currency),
            "" if totals["missed_sessions_pct_of_spend"] is None
            else f"{totals['missed_sessions_pct_of_spend']:.1f}% of spend"),
    ]) + "</div>")

    spend = monthly_spend(con)
    months = sorted({r["month"] for r in spend})
    amount = {(r["month"], r["category"]): r["amount"] for r in spend}
    series = {cat: [amount.get((m, cat), 0) for m in months]
              for cat in CATEGORIES if any(r["category"] == cat for r in spend)}
    page.add_html("<h2>Spend over time</h2>")
    page.add_chart(Chart("spend_by_month",
                         stacked_by(months, series, "Spend per month by category", "Month of the invoice",
                                    f"Spend ({currency})"),
                         f"Spend per month by category from {months[0] if months else 'n/a'} to "
                         f"{months[-1] if months else 'n/a'}; total {money(total, currency)}.",
                         ["month", "category", "amount"],
                         [[str(r["month"]), r["category"], r["amount"]] for r in spend]))

    by_sponsor = {r["sponsor_name"]: r["total_cost"] for r in sponsor_costs(con)}
    page.add_html("<h2>Spend by sponsor and cohort</h2>")
    page.add_chart(Chart("spend_by_sponsor",
                         bars(list(by_sponsor), list(by_sponsor.values()), "Spend by sponsor", "Sponsor",
                              f"Spend ({currency})"),
                         "Spend by sponsor: " + "; ".join(f"{k} {money(v, currency)}" for k, v in by_sponsor.items()) + ".",
                         ["sponsor", "total_cost"], [[k, v] for k, v in by_sponsor.items()]))
    budgeted = [c for c in cohorts if c["budget"] is not None]
    page.add_chart(Chart(
        "budget_vs_actual",
        grouped_bars([c["cohort_name"] for c in budgeted],
                     {"Budget": [c["budget"] for c in budgeted], "Spent": [c["total_cost"] for c in budgeted],
                      "Forecast at end": [c["forecast_total_at_end"] for c in budgeted]},
                     "Budget against actual and forecast per cohort", "Cohort", f"Amount ({currency})"),
        f"Budget, spend to date and run-rate forecast for the {totals['cohorts_budgeted']} cohorts with a budget; "
        f"{totals['cohorts_forecast_over_budget']} are forecast to exceed it.",
        ["sponsor", "cohort", "budget", "total_cost", "budget_used_pct", "forecast_total_at_end"],
        [[c["sponsor_name"], c["cohort_name"], c["budget"], c["total_cost"], c["budget_used_pct"],
          c["forecast_total_at_end"]] for c in budgeted]))

    header = ["Sponsor", "Cohort", "Enrolled", "Total", "Budget used", "Forecast", "Per participant",
              "Per completed", "Per session", "Per coaching hour", "Per improved", "Missed sessions"]
    unit_rows = [[c["sponsor_name"], c["cohort_name"], num(c["enrolled"]), money(c["total_cost"], currency),
                  "n/a" if c["budget_used_pct"] is None else f"{c['budget_used_pct']:.0f}%",
                  money(c["forecast_total_at_end"], currency), money(c["cost_per_enrolled"], currency),
                  money(c["cost_per_completed"], currency), money(c["cost_per_session"], currency),
                  money(c["cost_per_coaching_hour"], currency), money(c["cost_per_reliably_improved"], currency),
                  money(c["spend_on_missed_sessions"], currency)] for c in cohorts]
    page.add_html("<h2>Unit costs</h2>" + table(header, unit_rows, numeric=set(range(2, 12))))
    page.add_chart(Chart(
        "missed_sessions",
        bars([c["cohort_name"] for c in cohorts if c["spend_on_missed_sessions"]],
             [c["spend_on_missed_sessions"] for c in cohorts if c["spend_on_missed_sessions"]],
             "Spend on missed sessions per cohort", f"Coaching fees for no-shows and late cancellations ({currency})",
             "Cohort", horizontal=True, colour="#D55E00"),
        f"Coaching fees paid for sessions that did not happen (no-shows and late cancellations): "
        f"{money(missed, currency)} in all.",
        ["sponsor", "cohort"] + ["total_cost"] + CATEGORIES + [
            "budget", "budget_used_pct", "cost_per_enrolled", "cost_per_activated", "cost_per_completed",
            "cost_per_session", "cost_per_coaching_hour", "cost_per_reliably_improved", "spend_on_missed_sessions",
            "forecast_total_at_end"],
        [[c["sponsor_name"], c["cohort_name"], c["total_cost"]] + [c[k] for k in CATEGORIES] + [
            c["budget"], c["budget_used_pct"], c["cost_per_enrolled"], c["cost_per_activated"], c["cost_per_completed"],
            c["cost_per_session"], c["cost_per_coaching_hour"], c["cost_per_reliably_improved"],
            c["spend_on_missed_sessions"], c["forecast_total_at_end"]] for c in cohorts]))

    notes = fx_notes(con)
    page.add_html("<h2>Currencies</h2><p>Reporting currency: <b>" + currency + "</b>. Cohort currencies in use: "
                  + ", ".join(sorted({c["cohort_currency"] for c in cohorts})) + ".</p>")
    page.add_html(table(["Currency", "Rates", "First valid from", "Latest valid from", f"Latest rate to {currency}"],
                        [[n["currency"], n["rates"], str(n["first_valid_from"]), str(n["latest_valid_from"]),
                          f"{n['latest_rate']:.4f}"] for n in notes], numeric={1, 4}))
    k = int(run.settings["min_group_size"])  # the setting this refresh ran with (marts.refresh_status)
    _comparison(page, con, k, run.employees_supplied)
    _roi(page, con, k, currency)
    page.methods = METHODS + hr_methods()[1:] + value_methods()
    return page


def _comparison(page: Page, con, k: int, employees_supplied: bool) -> None:
    """cohort_comparison per cohort; figures of suppressed rows (fewer than k participants or colleagues) hidden."""
    page.add_html("<h2>Compared with similar colleagues (association, not proof of cause)</h2>")
    if not employees_supplied:
        page.add_html(SUPPLY_EMPLOYEES)
        return
    rows = comparison_rows(con)
    s = suppressed_label(k)
    header = ["Sponsor", "Cohort", "Outcome", "Participants (n)", "Comparison (n)", "Unmatched (n)", "Participants",
              "Comparison", "Difference", "95% interval"]
    out, csv_rows = [], []
    for r in rows:
        base = [r["sponsor_name"], r["cohort_name"], OUTCOME_LABEL.get(r["outcome"], r["outcome"])]
        if r["suppressed"]:
            out.append(base + [s] * 7)
            csv_rows.append(base + [s] * 8)
            continue
        interval = ("n/a" if r["ci95_low"] is None
                    else f"{_diff(r['outcome'], r['ci95_low'])} to {_diff(r['outcome'], r['ci95_high'])}")
        out.append(base + [num(r["n_participants"]), num(r["n_comparison"]), num(r["n_unmatched"]),
                           _value(r["outcome"], r["participant_value"]), _value(r["outcome"], r["comparison_value"]),
                           _diff(r["outcome"], r["difference"]), interval])
        csv_rows.append(base + [r["n_participants"], r["n_comparison"], r["n_unmatched"], r["participant_value"],
                                r["comparison_value"], r["difference"], r["ci95_low"], r["ci95_high"]])
    page.add_table("comparison_by_cohort", "Participants against similar colleagues, per cohort", header, out,
                   ["sponsor", "cohort", "outcome", "n_participants", "n_comparison", "n_unmatched",
                    "participant_value", "comparison_value", "difference", "ci95_low", "ci95_high"], csv_rows,
                   numeric={3, 4, 5})



def _roi(page: Page, con, k: int, currency: str) -> None:
    """ROI per sponsor and cohort (estimates). A retention benefit resting on a suppressed comparison (fewer than
    k participants or colleagues) is not shown, nor any total that contains it."""
    s = suppressed_label(k)
    page.add_html("<h2>Return on investment (estimates)</h2>")
    header = ["Sponsor", "Cohort", "Estimates (n)", "Benefit: estimates", "Benefit: retention", "Benefit total",
              "Programme cost", "Participants' time", "Fully loaded cost", "ROI", "ROI range"]
    csv_header = ["sponsor", "cohort", "n_estimates", "benefit_estimated", "benefit_retention", "benefit_total",
                  "cost_programme", "cost_participant_time", "cost_fully_loaded", "roi_pct", "roi_pct_low",
                  "roi_pct_high"]
    out, csv_rows = [], []
    rows = [dict(r, cohort_name="(all cohorts)") for r in finance_sponsor_value(con)] + finance_value(con)
    for r in rows:
        hide = r["retention_suppressed"]
        m = lambda x: s if hide else money(x, currency)
        roi_range = ("n/a" if r["roi_pct_low"] is None else f"{r['roi_pct_low']:.0f}% to {r['roi_pct_high']:.0f}%")
        out.append([r["sponsor_name"], r["cohort_name"], num(r["n_estimates"]), money(r["benefit_estimated"], currency),
                    m(r["benefit_retention"]), m(r["benefit_total"]), money(r["cost_programme"], currency),
                    money(r["cost_participant_time"], currency), money(r["cost_fully_loaded"], currency),
                    s if hide else ("n/a" if r["roi_pct"] is None else f"{r['roi_pct']:.0f}%"),
                    s if hide else roi_range])
        csv_rows.append([r["sponsor_name"], r["cohort_name"], r["n_estimates"], r["benefit_estimated"]]
                        + ([s] * 2 if hide else [r["benefit_retention"], r["benefit_total"]])
                        + [r["cost_programme"], r["cost_participant_time"], r["cost_fully_loaded"]]
                        + ([s] * 3 if hide else [r["roi_pct"], r["roi_pct_low"], r["roi_pct_high"]]))
    if rows:
        v = rows[0]
        page.add_html(f"<p>Assumptions: estimate discount {100 * v['estimate_discount']:.0f}%, participant hour cost "
                      f"{money(v['participant_hour_cost'], currency)}, replacement cost "
                      f"{'not set' if v['replacement_cost'] is None else money(v['replacement_cost'], currency)} "
                      "(coachlens.toml [value]). Benefits are participants' own estimates and, with a replacement cost, "
                      "avoided resignations against similar colleagues (an association, not proof of cause).</p>")
    page.add_table("value_by_cohort", "Benefit, fully loaded cost and ROI per sponsor and cohort", header, out,
                   csv_header, csv_rows, numeric=set(range(2, 11)))