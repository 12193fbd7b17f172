"""The sponsor page: one sponsor's cohorts only, with every suppressed figure hidden."""
from __future__ import annotations

from .data import RunInfo, sponsor_cohorts, sponsor_monthly_sessions
from .figures import empty, funnel, grouped_bars, sessions_per_month
from .formatting import num, pct
from .page import Chart, Page, esc, kpi, table
from .privacy import complementary_suppression, suppressed_label

ENGAGEMENT_METHODS = [
    "<b>Enrolled</b>: every participant on the cohort roster. <b>Matched</b>: has a coach assignment. "
    "<b>Activated</b>: at least one completed session. <b>Reached midpoint</b>: completed sessions &ge; planned / 2. "
    "<b>Completed</b>: status completed, or completed sessions &ge; planned sessions.",
    "<b>Activation rate</b> = activated / enrolled. <b>Completion rate</b> = completed / enrolled.",
    "<b>Attendance rate</b> = completed sessions / (completed + no-show + late-cancelled sessions). A cancelled "
    "session counts as late-cancelled when cancelled less than the configured number of hours before its start.",
    "<b>Coaching hours</b> = sum of the durations of completed sessions / 60.",
    "<b>Utilisation</b> = completed sessions / (enrolled &times; planned sessions).",
]


def privacy_note(k: int) -> str:
    return (f"<b>Privacy</b>: any figure about a group of fewer than {k} people is shown as "
            f"&ldquo;suppressed (n &lt; {k})&rdquo;; when one cohort is suppressed and a total is shown, "
            "the next smallest cohort is suppressed too. No participant is named on this page.")


def build_sponsor_page(con, sponsor_id: str, sponsor_name: str, run: RunInfo, k: int,
                       status: tuple[str, str], nav) -> Page:
    page = Page(title=f"Coaching programme report: {sponsor_name}",
                subtitle=f"Prepared for {sponsor_name}. This report covers only your organisation's cohorts.",
                as_of=run.as_of, refreshed_at=run.refreshed_at, status=status[0], status_text=status[1], nav=nav)
    cohorts = sponsor_cohorts(con, sponsor_id)
    enrolled_total = int(cohorts["enrolled"].sum()) if cohorts.height else 0
    total_hidden = enrolled_total < k
    hide = complementary_suppression(cohorts["enrolled"].to_list(), k, total_shown=not total_hidden) \
        if cohorts.height else []
    s = suppressed_label(k)

    def tot(col):
        return int(cohorts[col].sum()) if cohorts.height else 0

    activated, completed, matched, midpoint = tot("activated"), tot("completed"), tot("matched"), tot("reached_midpoint")
    sessions = tot("sessions_completed")
    hours = float(cohorts["coaching_hours"].sum()) if cohorts.height else 0.0
    monthly = sponsor_monthly_sessions(con, sponsor_id)
    eligible = int(monthly["completed"].sum() + monthly["no_show"].sum() + monthly["late_cancelled"].sum()) \
        if monthly.height else 0
    page.add_html("<h2>At a glance</h2>")
    if total_hidden:
        page.add_html(f'<div class="kpis">{kpi("Enrolled", s, suppressed=True)}</div>'
                      f"<p>Your programme has fewer than {k} participants so far; figures appear once it has {k}.</p>")
    else:
        page.add_html('<div class="kpis">' + "".join([
            kpi("Enrolled", num(enrolled_total), f"in {cohorts.height} cohort(s)"),
            kpi("Activation rate", pct(activated / enrolled_total), f"{activated:,} had a first session"),
            kpi("Attendance rate", pct(sessions / eligible if eligible else None), "of sessions that were due"),
            kpi("Completion rate", pct(completed / enrolled_total), f"{completed:,} completed"),
            kpi("Coaching hours", num(hours), f"{sessions:,} sessions"),
        ]) + "</div>")

    page.add_html("<h2>Engagement</h2>")
    if total_hidden:
        page.add_chart(Chart("funnel", empty("Participant funnel", s), f"Participant funnel: {s}.",
                             ["stage", "participants"], [[st, s] for st in ("Enrolled", "Matched", "Activated")]))
    else:
        stages = ["Enrolled", "Matched", "Activated", "Reached midpoint", "Completed"]
        counts = [enrolled_total, matched, activated, midpoint, completed]
        page.add_chart(Chart("funnel", funnel(stages, counts, "Participant funnel"),
                             "Participant funnel: " + ", ".join(f"{a} {b:,}" for a, b in zip(stages, counts)) + ".",
                             ["stage", "participants"], [list(x) for x in zip(stages, counts)]))
        months = monthly["month"].to_list()
        page.add_chart(Chart(
            "sessions_per_month",
            sessions_per_month(months, monthly["completed"].to_list(), monthly["no_show"].to_list(),
                               monthly["late_cancelled"].to_list(), "Sessions per month"),
            f"Sessions per month from {months[0] if months else 'n/a'} to {months[-1] if months else 'n/a'}: "
            f"{int(monthly['completed'].sum()) if monthly.height else 0:,} completed in all.",
            ["month", "completed", "no_show", "late_cancelled", "coaching_hours"],
            [[str(r[0]), r[1], r[2], r[3], round(r[4], 4)] for r in monthly.iter_rows()]))

    if cohorts.height:
        rows, csv_rows, shown_names, act, comp = [], [], [], [], []
        for hidden, r in zip(hide, cohorts.iter_rows(named=True)):
            if hidden:
                rows.append([r["cohort_name"], r["program_name"], str(r["start_date"]), s, s, s, s, s])
                csv_rows.append([r["cohort_name"], r["program_name"], str(r["start_date"]), s, s, s, s, s])
                continue
            rows.append([r["cohort_name"], r["program_name"], str(r["start_date"]), num(r["enrolled"]),
                         pct(r["activation_rate"]), pct(r["attendance_rate"]), pct(r["completion_rate"]),
                         num(r["coaching_hours"])])
            csv_rows.append([r["cohort_name"], r["program_name"], str(r["start_date"]), r["enrolled"],
                             r["activation_rate"], r["attendance_rate"], r["completion_rate"], r["coaching_hours"]])
            shown_names.append(r["cohort_name"])
            act.append(r["activation_rate"])
            comp.append(r["completion_rate"])
        header = ["Cohort", "Programme", "Start", "Enrolled", "Activation", "Attendance", "Completion", "Coaching hours"]
        page.add_html("<h2>Cohorts</h2>" + table(header, rows, numeric={3, 4, 5, 6, 7}))
        if len(shown_names) > 1:
            page.add_chart(Chart(
                "cohort_comparison",
                grouped_bars(shown_names, {"Activation rate": act, "Completion rate": comp},
                             "Cohort comparison", "Cohort", "Share of enrolled (%)", percent=True),
                "Activation and completion rate per cohort (suppressed cohorts left out).",
                ["cohort", "programme", "start", "enrolled", "activation_rate", "attendance_rate", "completion_rate",
                 "coaching_hours"], csv_rows))
    page.methods = ENGAGEMENT_METHODS + [privacy_note(k)]
    return page
