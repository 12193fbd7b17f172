"""The sponsor page: one sponsor's cohorts only, with every suppressed figure hidden."""
from __future__ import annotations

from .data import RunInfo, sponsor_cohorts, sponsor_monthly_sessions, sponsor_outcomes, sponsor_summary
from .figures import (PUBLISHED, RATER_LABEL, bars, change_with_intervals, effect_sizes, empty, funnel,
                      grouped_bars, sessions_per_month)
from .formatting import money, num, pct
from .hr_sections import comparison_section, durability_section
from .hr_sections import methods as hr_methods
from .value_section import answer_first, value_section
from .value_section import methods as value_methods
from .page import Chart, Page, kpi, table
from .privacy import suppressed_label

ENGAGEMENT_METHODS = [
    "<b>Enrolled</b>: every participant on the cohort roster. <b>Matched</b>: has a coach assignment. "
    "<b>Activated</b>: at least one completed session. <b>Reached midpoint</b>: completed sessions &ge; planned / 2. "
    "<b>Completed</b>: status completed, or completed sessions &ge; planned sessions.",
    "<b>Activation rate</b> = activated / enrolled. <b>Completion rate</b> = completed / enrolled.",
    "<b>Attendance rate</b> = completed sessions / (completed + no-show + late-cancelled sessions). A cancelled "
    "session counts as late-cancelled when cancelled less than the configured number of hours before its start.",
    "<b>Coaching hours</b> = sum of the durations of completed sessions / 60.",
]
OUTCOME_METHODS = [
    "<b>Competency score</b> of a survey response = mean of its item scores for the competency; reverse-scored "
    "items count as scale_min + scale_max &minus; score. Self: the earliest pre and the latest post response; "
    "observers (manager, peers, direct reports): the mean of their responses in the wave. Self-rated and "
    "observer-rated results are never combined.",
    "<b>Mean change</b> = mean of (post &minus; pre) over participants with both. <b>95% interval</b> = mean change "
    "&plusmn; t(0.975, n&minus;1) &middot; SD / &radic;n (Student t).",
    "<b>Hedges' g</b> = (mean change / SD of change) &middot; (1 &minus; 3 / (4(n&minus;1) &minus; 1)). Published "
    "effects of coaching for comparison: " + "; ".join(f"{name}: {text}" for name, _, _, text in PUBLISHED) + ".",
    "<b>Reliably improved</b> (Jacobson&ndash;Truax): RCI = (post &minus; pre) / (&radic;2 &middot; SD<sub>pre</sub> "
    "&middot; &radic;(1 &minus; r)) &gt; 1.96, with SD<sub>pre</sub> the SD of all pre scores and r Cronbach's alpha "
    "of the competency's items (or the configured default when fewer than 30 people answered every item).",
    "<b>Response rate</b> = participants with a pre and a post score / participants with a pre score.",
    "<b>Goal attainment</b>: GAS T-score = 50 + 10 &middot; &Sigma;w&middot;x / &radic;((1 &minus; &rho;)&Sigma;w&sup2; "
    "+ &rho;(&Sigma;w)&sup2;) over each goal's latest rating x (&minus;2..+2) and weight w; 50 means goals were met "
    "as expected. <b>Net Promoter Score</b> = 100 &middot; (promoters 9&ndash;10 &minus; detractors 0&ndash;6) / answers.",
    "<b>Cost per participant</b> = all spend (the cohort's own and its share of sponsor-level invoices, by "
    "enrolment) / enrolled; <b>cost per outcome</b> = spend / participants reliably improved on at least one "
    "competency. Money in the reporting currency.",
]


def evidence_note(fp: str | None) -> list[str]:
    if not fp:
        return []
    return [f"<b>Evidence</b>: this report was built from the refresh whose evidence record (input file hashes, "
            f"settings, code version, check results, hashes of every table) has the fingerprint <code>{fp}</code>. "
            "Ask your programme lead for that record to check it."]


def privacy_note(k: int) -> str:
    return (f"<b>Privacy</b>: any figure about a group of fewer than {k} people is shown as "
            f"&ldquo;suppressed (n &lt; {k})&rdquo;. The sponsor totals on this page count only the cohorts "
            "that are shown, so a suppressed cohort cannot be worked out by subtracting the cohorts shown from a "
            "total, on this page or on an earlier one; and when one cohort is suppressed, the next smallest is "
            "suppressed too. No participant is named on this page, and no free text "
            "from coaching (goals, comments, notes) appears.")


def build_sponsor_page(con, sponsor_id: str, sponsor_name: str, run: RunInfo, k: int,
                       status: tuple[str, str], nav, currency: str) -> Page:
    page = Page(title=f"Coaching programme report: {sponsor_name}",
                subtitle=f"Prepared for {sponsor_name}. This report covers only your organisation's cohorts.",
                as_of=run.as_of, refreshed_at=run.refreshed_at, status=status[0], status_text=status[1], nav=nav,
                refreshed_label="last refreshed successfully")
    s = suppressed_label(k)
    summary = sponsor_summary(con, sponsor_id)
    cohorts = sponsor_cohorts(con, sponsor_id)
    hidden_total = summary["suppressed"]

    answer_first(page, con, sponsor_id, summary, k, hidden_total, currency)
    page.add_html("<h2>At a glance</h2>")
    if hidden_total:
        page.add_html(f'<div class="kpis">{kpi("Enrolled", s, suppressed=True)}</div>'
                      f"<p>Your programme has fewer than {k} participants so far; figures appear once it has {k}.</p>")
    else:
        nps_hidden = summary["nps_suppressed"]
        page.add_html('<div class="kpis">' + "".join([
            kpi("Enrolled", num(summary["enrolled"]), f"in {summary['cohorts']} cohort(s)"),
            kpi("Activation rate", pct(summary["activation_rate"]), f"{summary['activated']:,} of {summary['enrolled']:,} had a first session"),
            kpi("Attendance rate", pct(summary["attendance_rate"]), "of sessions that were due"),
            kpi("Completion rate", pct(summary["completion_rate"]), f"{summary['completed']:,} of {summary['enrolled']:,} completed"),
            kpi("Coaching hours", num(summary["coaching_hours"]), f"{summary['sessions_completed']:,} sessions"),
            kpi("Net Promoter Score", s if nps_hidden else num(summary["nps"]),
                "" if nps_hidden else f"from {summary['nps_responses']:,} participants", suppressed=nps_hidden),
        ]) + "</div>")

    # engagement
    page.add_html("<h2>Engagement</h2>")
    if hidden_total:
        page.add_chart(Chart("funnel", empty("Participant funnel", s), f"Participant funnel: {s}.",
                             ["stage", "participants"], [["Enrolled", s]]))
    else:
        stages = ["Enrolled", "Matched", "Activated", "Reached midpoint", "Completed"]
        counts = [summary["enrolled"], summary["matched"], summary["activated"], summary["reached_midpoint"],
                  summary["completed"]]
        page.add_chart(Chart("funnel", funnel(stages, counts, "Participant funnel"),
                             "Participant funnel: " + ", ".join(f"{a} {b:,}" for a, b in zip(stages, counts)) + ".",
                             ["stage", "participants"], [list(x) for x in zip(stages, counts)]))
        monthly = sponsor_monthly_sessions(con, sponsor_id)
        months = monthly["month"].to_list()
        page.add_chart(Chart(
            "sessions_per_month",
            sessions_per_month(months, monthly["completed"].to_list(), monthly["no_show"].to_list(),
                               monthly["late_cancelled"].to_list(), "Sessions per month"),
            f"Sessions per month from {months[0] if months else 'n/a'} to {months[-1] if months else 'n/a'}: "
            f"{summary['sessions_completed']:,} completed, stacked with no-shows and late "
            "cancellations.",
            ["month", "completed", "no_show", "late_cancelled", "coaching_hours"],
            [[str(r[0]), r[1], r[2], r[3], round(r[4], 6)] for r in monthly.iter_rows()]))

    _outcomes(page, con, sponsor_id, k, hidden_total)
    durability_section(page, con, sponsor_id, k, hidden_total)
    comparison_section(page, con, sponsor_id, k, hidden_total, run.employees_supplied)
    _goals_and_costs(page, summary, k, hidden_total, currency)
    value_section(page, con, sponsor_id, k, hidden_total, currency, run.settings.get("window_days", 365))
    _cohort_table(page, cohorts, k)
    page.methods = (ENGAGEMENT_METHODS + OUTCOME_METHODS + hr_methods() + value_methods() + [privacy_note(k)]
                    + evidence_note(run.evidence_fingerprint))
    return page


def _outcomes(page: Page, con, sponsor_id: str, k: int, hidden_total: bool) -> None:
    s = suppressed_label(k)
    page.add_html("<h2>Outcomes: what changed for participants</h2>")
    rows = sponsor_outcomes(con, sponsor_id)
    shown = [r for r in rows if not r["suppressed"] and r["ci95_low"] is not None and not hidden_total]
    header = ["Competency", "Rated by", "Paired (n)", "Mean pre", "Mean post", "Change", "95% interval",
              "Hedges' g", "Reliably improved", "Post response rate"]
    table_rows, csv_rows = [], []
    for r in rows:
        who = RATER_LABEL.get(r["rater_type"], r["rater_type"])
        if r["suppressed"] or hidden_total:
            table_rows.append([r["competency"], who] + [s] * 8)
            csv_rows.append([r["competency"], r["rater_type"]] + [s] * 10)
            continue
        interval = ("n/a" if r["ci95_low"] is None else f"{r['ci95_low']:+.2f} to {r['ci95_high']:+.2f}")
        table_rows.append([r["competency"], who, num(r["n_paired"]), num(r["mean_pre"], 2), num(r["mean_post"], 2),
                           f"{r['mean_change']:+.2f}", interval, num(r["hedges_g"], 2),
                           f"{num(r['pct_reliably_improved'], 0)}% ({r['n_reliably_improved']} of {r['n_paired']})",
                           pct(r["response_rate_post"])])
        csv_rows.append([r["competency"], r["rater_type"], r["n_paired"], r["mean_pre"], r["mean_post"],
                         r["mean_change"], r["ci95_low"], r["ci95_high"], r["hedges_g"], r["n_reliably_improved"],
                         r["pct_reliably_improved"], r["response_rate_post"]])
    csv_header = ["competency", "rater_type", "n_paired", "mean_pre", "mean_post", "mean_change", "ci95_low",
                  "ci95_high", "hedges_g", "n_reliably_improved", "pct_reliably_improved", "response_rate_post"]
    if not rows:
        page.add_html("<p>No pre and post survey scores yet.</p>")
        return
    if shown:
        page.add_chart(Chart("outcome_change", change_with_intervals(shown, "Change per competency, with 95% intervals"),
                             "Mean change from pre to post survey per competency, self-rated and observer-rated shown "
                             "separately, with 95% intervals: " + "; ".join(
                                 f"{r['competency']} ({RATER_LABEL[r['rater_type']]}) {r['mean_change']:+.2f}"
                                 for r in shown) + ".", csv_header, csv_rows))
        with_g = [r for r in shown if r["hedges_g"] is not None]
        page.add_chart(Chart("effect_sizes", effect_sizes(with_g, "Effect size beside published results for coaching"),
                             "Hedges' g per competency and rater next to the published range for coaching "
                             "(Theeboom et al. 2014 g 0.43-0.74; Jones et al. 2016 δ 0.36; de Haan & Nilsson 2023 "
                             "g 0.59): " + "; ".join(f"{r['competency']} ({RATER_LABEL[r['rater_type']]}) "
                                                     f"g {r['hedges_g']:.2f}" for r in with_g) + ".",
                             csv_header, csv_rows))
        page.add_chart(Chart(
            "reliably_improved",
            bars([f"{r['competency']} ({RATER_LABEL[r['rater_type']]})" for r in shown],
                 [(r["pct_reliably_improved"] or 0) / 100 for r in shown], "Share of participants reliably improved",
                 "Participants reliably improved (% of paired)", "Competency (rater)", horizontal=True, percent=True),
            "Share of paired participants whose change exceeds measurement error (RCI > 1.96): " + "; ".join(
                f"{r['competency']} ({RATER_LABEL[r['rater_type']]}) {num(r['pct_reliably_improved'])}%"
                for r in shown) + ".", csv_header, csv_rows))
    page.add_html(table(header, table_rows, numeric={2, 3, 4, 5, 7, 9}))


def _goals_and_costs(page: Page, summary: dict, k: int, hidden_total: bool, currency: str) -> None:
    s = suppressed_label(k)
    page.add_html("<h2>Goals and value for money</h2>")
    goals_hidden = summary["goals_suppressed"]
    gas_hidden = summary["gas_suppressed"]
    improved_hidden = summary["reliably_improved_suppressed"]  # the count itself describes people
    page.add_html('<div class="kpis">' + "".join([
        kpi("Goals set", s if goals_hidden else num(summary["goals_set"]),
            "" if goals_hidden else f"by {summary['participants_with_goals']:,} participants", goals_hidden),
        kpi("Goals achieved", s if goals_hidden else num(summary["goals_achieved"]), "", goals_hidden),
        kpi("Goal attainment (GAS T)", s if gas_hidden else num(summary["mean_gas_tscore"], 1),
            "" if gas_hidden else "50 = goals met as expected", gas_hidden),
        kpi("Cost per participant", s if hidden_total else money(summary["cost_per_enrolled"], currency),
            "" if hidden_total else f"total {money(summary['total_cost'], currency)}", hidden_total),
        kpi("Cost per reliably improved participant",
            s if improved_hidden else money(summary["cost_per_reliably_improved"], currency),
            "" if improved_hidden else f"{summary['reliably_improved']:,} improved on at least one competency",
            improved_hidden),
    ]) + "</div>")


def _cohort_table(page: Page, cohorts: list[dict], k: int) -> None:
    """The sponsor's cohorts; a row, NPS or GAS T-score is hidden when the mart flags it (sponsor_cohorts)."""
    if not cohorts:
        return
    s = suppressed_label(k)
    rows, csv_rows, names, act, comp = [], [], [], [], []
    header = ["Cohort", "Programme", "Start", "Enrolled", "Activation", "Attendance", "Completion", "Coaching hours",
              "NPS", "GAS T"]
    csv_header = ["cohort", "programme", "start", "enrolled", "activation_rate", "attendance_rate", "completion_rate",
                  "coaching_hours", "nps", "mean_gas_tscore"]
    for r in cohorts:
        base = [r["cohort_name"], r["program_name"], str(r["start_date"])]
        if r["display_suppressed"]:
            rows.append(base + [s] * 7)
            csv_rows.append(base + [s] * 7)
            continue
        nps = s if r["nps_suppressed"] else num(r["nps"])
        gas = s if r["gas_suppressed"] else num(r["mean_gas_tscore"], 1)
        # a cohort still running shows "in progress", not a low completion rate
        rows.append(base + [num(r["enrolled"]), pct(r["activation_rate"]), pct(r["attendance_rate"]),
                            "in progress" if r["is_running"] else pct(r["completion_rate"]), num(r["coaching_hours"]),
                            nps, gas])
        csv_rows.append(base + [r["enrolled"], r["activation_rate"], r["attendance_rate"], r["completion_rate"],
                                r["coaching_hours"], s if r["nps_suppressed"] else r["nps"],
                                s if r["gas_suppressed"] else r["mean_gas_tscore"]])
        names.append(r["cohort_name"])
        act.append(r["activation_rate"])
        comp.append(r["completion_rate"])
    page.add_html("<h2>Cohorts</h2>")
    page.add_table("cohorts", "Cohorts of this programme", header, rows, csv_header, csv_rows,
                   numeric={3, 4, 5, 6, 7, 8, 9})
    if len(names) > 1:
        page.add_chart(Chart(
            "cohort_comparison",
            grouped_bars(names, {"Activation rate": act, "Completion rate": comp}, "Cohort comparison", "Cohort",
                         "Share of enrolled (%)", percent=True),
            "Activation and completion rate per cohort (suppressed cohorts left out): " + "; ".join(
                f"{n} activation {pct(a)}, completion {pct(c)}" for n, a, c in zip(names, act, comp)) + ".",
            csv_header, csv_rows))
