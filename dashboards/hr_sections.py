"""Sponsor-page sections "Did it last?" and "Compared with similar colleagues" (docs/metrics.md: cohort_durability, cohort_comparison).

Every figure comes from marts.cohort_durability, marts.cohort_comparison and marts.cohort_comparison_balance;
a row whose `suppressed` flag is set shows none of its figures, and a figure about fewer people than its row
(reliably improved at post; a balance cell hidden as a complement) is hidden by its own flag from the mart."""
from __future__ import annotations

from .data import comparison_balance, comparison_rows, sponsor_durability
from .figures import RATER_LABEL, differences_with_intervals
from .formatting import num
from .methods import describe
from .page import Chart, Page
from .privacy import suppressed_label

OUTCOME_LABEL = {"retention": "Stayed with the employer", "promotion": "Promoted", "rating": "Performance rating change"}
SUPPLY_EMPLOYEES = (
    "<p><b>No comparison group was supplied.</b> To compare participants with similar colleagues who were not "
    "coached, add an <code>employees</code> folder to the landing folder (the HR roster of everyone who could have "
    "been coached: employee_id, email, job_level, department, region, hired_on, left_on, exit_type) and, for "
    "promotions and performance ratings, an <code>hr_events</code> folder (employee_id, event, event_on, value).</p>")
SUPPLY_FOLLOW_UP = (
    "<p><b>No follow-up survey yet.</b> To see whether change lasts, run the same competency survey again some "
    "months after coaching ends, with wave <code>follow_up</code>.</p>")


def _value(outcome: str, x) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.2f} points" if outcome == "rating" else f"{100 * x:.0f}%"


def _diff(outcome: str, x) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.2f} points" if outcome == "rating" else f"{100 * x:+.1f} percentage points"


def durability_section(page: Page, con, sponsor_id: str, k: int, hidden_total: bool) -> None:
    s = suppressed_label(k)
    page.add_html('<h2 id="did-it-last">Did it last?</h2>')
    rows = sponsor_durability(con, sponsor_id)
    if not rows:
        page.add_html(SUPPLY_FOLLOW_UP)
        return
    header = ["Cohort", "Competency", "Rated by", "Followed up (n)", "Mean post", "Mean follow-up",
              "Change since post", "95% interval", "Improvement sustained"]
    csv_header = ["cohort", "competency", "rater_type", "n_followed", "mean_post", "mean_follow_up",
                  "mean_change_since_post", "ci95_low", "ci95_high", "pct_sustained"]
    table_rows, csv_rows, shown = [], [], []
    for r in rows:
        who = RATER_LABEL.get(r["rater_type"], r["rater_type"])
        if r["suppressed"] or hidden_total:
            table_rows.append([r["cohort_name"], r["competency"], who] + [s] * 6)
            csv_rows.append([r["cohort_name"], r["competency"], r["rater_type"]] + [s] * 7)
            continue
        sustained = (s if r["sustained_suppressed"] else
                     f"{num(r['pct_sustained'], 0)}% of {r['n_improved_at_post']} reliably improved at post")
        interval = "n/a" if r["ci95_low"] is None else f"{r['ci95_low']:+.2f} to {r['ci95_high']:+.2f}"
        table_rows.append([r["cohort_name"], r["competency"], who, num(r["n_followed"]), num(r["mean_post"], 2),
                           num(r["mean_follow_up"], 2), f"{r['mean_change_since_post']:+.2f}", interval, sustained])
        csv_rows.append([r["cohort_name"], r["competency"], r["rater_type"], r["n_followed"], r["mean_post"],
                         r["mean_follow_up"], r["mean_change_since_post"], r["ci95_low"], r["ci95_high"],
                         s if r["sustained_suppressed"] else r["pct_sustained"]])
        if r["ci95_low"] is not None:
            shown.append(r)
    page.add_html("<p>Change from the post survey to the follow-up survey some months after coaching ended. "
                  "Below zero means part of the gain was lost.</p>")
    if shown:
        labels = [f"{r['cohort_name']}: {r['competency']} ({RATER_LABEL.get(r['rater_type'], r['rater_type'])})"
                  for r in shown]
        page.add_chart(Chart(
            "durability",
            differences_with_intervals(labels, [r["mean_change_since_post"] for r in shown],
                                       [r["ci95_low"] for r in shown], [r["ci95_high"] for r in shown],
                                       "Change since the post survey, with 95% intervals",
                                       "Follow-up minus post (scale points)"),
            "Mean change from post to follow-up survey with 95% intervals: " + "; ".join(
                f"{lab} {r['mean_change_since_post']:+.2f}" for lab, r in zip(labels, shown)) + ".",
            csv_header, csv_rows))
    page.add_table("durability_table", "Did the change last?", header, table_rows, csv_header, csv_rows,
                   numeric={3, 4, 5, 6})


def comparison_section(page: Page, con, sponsor_id: str, k: int, hidden_total: bool,
                       employees_supplied: bool) -> None:
    s = suppressed_label(k)
    page.add_html('<h2 id="compared">Compared with similar colleagues</h2>')
    if not employees_supplied:
        page.add_html(SUPPLY_EMPLOYEES)
        return
    rows = comparison_rows(con, sponsor_id)
    if not rows:
        page.add_html("<p>No participant of your cohorts could be matched with a colleague of the same job level, "
                      "department and region yet.</p>")
        return
    page.add_html("<p>Participants against colleagues of the same job level, department and region who were not "
                  "coached, weighted to the participants' mix, over the first year after each cohort started. "
                  "<b>This is an association, not proof of cause</b>: the groups may differ in ways the HR data "
                  "does not show.</p>")
    header = ["Cohort", "Outcome", "Window (days)", "Participants (n)", "Comparison (n)", "Participants",
              "Comparison", "Difference", "95% interval"]
    csv_header = ["cohort", "outcome", "window_days", "n_participants", "n_comparison", "participant_value",
                  "comparison_value", "difference", "ci95_low", "ci95_high"]
    table_rows, csv_rows, shown = [], [], []
    for r in rows:
        name = OUTCOME_LABEL.get(r["outcome"], r["outcome"])
        if r["suppressed"] or hidden_total:
            table_rows.append([r["cohort_name"], name, num(r["window_days"])] + [s] * 6)
            csv_rows.append([r["cohort_name"], r["outcome"], r["window_days"]] + [s] * 7)
            continue
        interval = ("n/a" if r["ci95_low"] is None
                    else f"{_diff(r['outcome'], r['ci95_low'])} to {_diff(r['outcome'], r['ci95_high'])}")
        table_rows.append([r["cohort_name"], name, num(r["window_days"]), num(r["n_participants"]),
                           num(r["n_comparison"]), _value(r["outcome"], r["participant_value"]),
                           _value(r["outcome"], r["comparison_value"]), _diff(r["outcome"], r["difference"]),
                           interval])
        csv_rows.append([r["cohort_name"], r["outcome"], r["window_days"], r["n_participants"], r["n_comparison"],
                         r["participant_value"], r["comparison_value"], r["difference"], r["ci95_low"],
                         r["ci95_high"]])
        if r["ci95_low"] is not None:
            shown.append(r)
    for outcome in ("retention", "promotion", "rating"):
        mine = [r for r in shown if r["outcome"] == outcome]
        if not mine:
            continue
        rating = outcome == "rating"
        page.add_chart(Chart(
            f"comparison_{outcome}",
            differences_with_intervals([r["cohort_name"] for r in mine], [r["difference"] for r in mine],
                                       [r["ci95_low"] for r in mine], [r["ci95_high"] for r in mine],
                                       f"{OUTCOME_LABEL[outcome]}: participants minus similar colleagues",
                                       "Difference in rating change (points)" if rating
                                       else "Difference (percentage points)", percent=not rating),
            f"{OUTCOME_LABEL[outcome]}, participants minus weighted comparison group, with 95% intervals "
            "(an association, not proof of cause): " + "; ".join(
                f"{r['cohort_name']} {_diff(outcome, r['difference'])} ({r['n_participants']} participants, "
                f"{r['n_comparison']} colleagues)" for r in mine) + ".",
            csv_header, [c for c, r in zip(csv_rows, rows) if r["outcome"] == outcome]))
    page.add_table("comparison_table", "Participants and similar colleagues (association, not proof of cause)",
                   header, table_rows, csv_header, csv_rows, numeric={2, 3, 4})
    _balance(page, con, sponsor_id, k, hidden_total)


def _balance(page: Page, con, sponsor_id: str, k: int, hidden_total: bool) -> None:
    s = suppressed_label(k)
    cells = comparison_balance(con, sponsor_id)
    groups: dict[tuple, list[dict]] = {}
    for c in cells:
        groups.setdefault((c["cohort_name"], c["dimension"]), []).append(c)
    header = ["Cohort", "Stratum", "Value", "Participants (n)", "Colleagues (n)", "Participants (%)",
              "Colleagues, unweighted (%)", "Colleagues, weighted (%)"]
    csv_header = ["cohort", "dimension", "value", "n_participants", "n_comparison", "pct_participants",
                  "pct_comparison_unweighted", "pct_comparison_weighted"]
    table_rows, csv_rows = [], []
    for (cohort, dimension), mine in groups.items():
        hidden = [hidden_total or c["display_suppressed"] for c in mine]
        for h, c in zip(hidden, mine):
            base = [cohort, dimension.replace("_", " "), c["dimension_value"]]
            if h:
                table_rows.append(base + [s] * 5)
                csv_rows.append(base + [s] * 5)
                continue
            table_rows.append(base + [num(c["n_participants"]), num(c["n_comparison"]), num(c["pct_participants"], 0),
                                      num(c["pct_comparison_unweighted"], 0), num(c["pct_comparison_weighted"], 0)])
            csv_rows.append(base + [c["n_participants"], c["n_comparison"], c["pct_participants"],
                                    c["pct_comparison_unweighted"], c["pct_comparison_weighted"]])
    if table_rows:
        page.add_html("<h3>Balance of the groups (stay-or-leave comparison)</h3>")
        page.add_table("comparison_balance", "Balance of strata: participants and colleagues", header, table_rows,
                       csv_header, csv_rows, numeric={3, 4, 5, 6, 7})


def methods() -> list[str]:
    return [
        describe("cohort_durability", ["mean_change_since_post", "ci95_low", "n_sustained", "n_faded",
                                       "pct_sustained"], "Did it last?"),
        describe("cohort_comparison", ["outcome", "n_unmatched", "comparison_value", "variance", "ci95_low"],
                 "Compared with similar colleagues"),
        describe("cohort_comparison_balance", ["pct_comparison_weighted"], "Balance table"),
    ]
