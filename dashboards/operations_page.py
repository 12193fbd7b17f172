"""The operations page (internal): data health, what to fix, who is stalled, coach load, next refresh.
It may name stalled participants; it is for programme leads, never sent to sponsors."""
from __future__ import annotations

import datetime as dt
import json
import zoneinfo

from .data import (RunInfo, coach_utilisation, data_quality, days_to_first_session, failed_files,
                   programme_engagement, rejection_reasons, rejections_by_file, stalled_participants,
                   unmatched_participants)
from .figures import bars, histogram
from .formatting import num, pct
from .page import Chart, Page, esc, kpi, table

METHODS = [
    "<b>Rows</b>: every row read from a landing file is either loaded or rejected with a reason; rows read = "
    "loaded + rejected for every file. <b>Contract</b>: the Great Expectations suite of the source's data contract, "
    "run on the loaded rows.",
    "<b>Fresh</b>: the newest file of the source was first loaded within its maximum age ([freshness] in "
    "coachlens.toml); sources without a maximum age are not checked.",
    "<b>Stalled</b>: active, not completed, enrolled at least the configured number of days ago, and no completed "
    "session in that many days.",
    "<b>Coach utilisation</b> = hours of completed sessions in the month / monthly capacity hours.",
    "<b>Time to first session</b> = date of the first completed session &minus; enrolment date.",
]


def next_refresh(cron: str, tz: str) -> str:
    from croniter import croniter

    tick = croniter(cron, dt.datetime.now(zoneinfo.ZoneInfo(tz))).get_next(dt.datetime)
    return f"{tick:%Y-%m-%d %H:%M} {tz} (cron '{cron}')"


def build_operations_page(con, run: RunInfo, status, nav, cron: str, cron_tz: str) -> Page:
    page = Page(title="Operations: data health and people", subtitle="Internal page for programme leads.",
                as_of=run.as_of, refreshed_at=run.refreshed_at, status=status[0], status_text=status[1], nav=nav)
    quality = data_quality(con)
    stalled = stalled_participants(con)
    funnel = programme_engagement(con) or {"stalled": 0, "activated": 0, "median_days_to_first_session": None}
    page.add_html('<div class="kpis">' + "".join([
        kpi("Last refresh", run.refreshed_at, f"as of {run.as_of}"),
        kpi("Next scheduled refresh", next_refresh(cron, cron_tz)),
        kpi("Rows rejected", num(run.rows_rejected), f"of {run.rows_read:,} read"),
        kpi("Stale sources", num(len(run.stale_sources)), ", ".join(run.stale_sources)),
        kpi("Stalled participants", num(funnel["stalled"])),
        kpi("People erased", num(run.people_erased),
            f"last erasure {run.last_erased_at}" if run.people_erased else "coachlens forget"),
    ]) + "</div>")

    page.add_html("<h2>Sources</h2>")
    page.add_html(table(
        ["Source", "Files", "Failed", "Rows read", "Loaded", "Rejected", "Contract", "Fresh", "Newest file loaded",
         "Max age (h)"],
        [[q["source"], q["files"], q["files_failed"], num(q["rows_read"]), num(q["rows_loaded"]), num(q["rows_rejected"]),
          "passed" if q["contract_passed"] else ("FAILED" if q["contract_passed"] is False else "n/a"),
          "yes" if q["is_fresh"] else "STALE", str(q["last_loaded_at"])[:16],
          "" if q["max_age_hours"] is None else f"{q['max_age_hours']:g}"] for q in quality],
        numeric={1, 2, 3, 4, 5}))

    page.add_html("<h2>Rows to fix</h2>")
    fails = failed_files(con)
    if fails:
        page.add_html(table(["File that could not be read", "What to fix"], [[f["path"], f["message"]] for f in fails]))
    rejections = rejections_by_file(con)
    by_reason = {r["reason_code"]: r["rows_rejected"] for r in rejection_reasons(con)}
    if rejections:
        page.add_chart(Chart("rejections_by_reason",
                             bars(list(by_reason), list(by_reason.values()), "Rejected rows by reason", "Reason",
                                  "Rejected rows (count)", colour="#D55E00"),
                             "Rejected rows by reason: " + "; ".join(f"{k} {v:,}" for k, v in by_reason.items()) + ".",
                             ["file", "reason_code", "rows_rejected", "first_row", "example_column", "example_reason"],
                             [[r["file"], r["reason_code"], r["rows_rejected"], r["first_row"], r["example_column"],
                               r["example_reason"]] for r in rejections]))
        page.add_html(table(["File", "Reason", "Rows", "First row", "Example"],
                            [[r["file"], r["reason_code"], num(r["rows_rejected"]), r["first_row"],
                              f"{r['example_column']}: {r['example_reason']}"] for r in rejections[:50]],
                            numeric={2, 3}))
    else:
        page.add_html("<p>No rejected rows: every row read was loaded.</p>")

    page.add_html(f"<h2>Stalled participants ({funnel['stalled']})</h2>")
    page.add_html(table(["Name", "Email", "Cohort", "Sponsor", "Enrolled", "Last session", "Sessions", "Planned"],
                        [[p["full_name"], p["email"], p["cohort_name"], p["sponsor_name"], str(p["enrolled_on"]),
                          str(p["last_session_on"] or "none"), p["sessions_completed"], p["planned_sessions"]]
                         for p in stalled[:200]], numeric={6, 7})
                  + (f"<p>and {len(stalled[200:])} more.</p>" if stalled[200:] else ""))

    unmatched = unmatched_participants(con)
    page.add_html(f"<h2>Participants no employee matches ({len(unmatched)})</h2>"
                  "<p>These participants are left out of the comparison with similar colleagues: no row of "
                  "<code>employees</code> has their email, or several do. Correct the email in either file.</p>")
    page.add_html(table(["Name", "Email", "Cohort", "Why"],
                        [[p["full_name"], p["email"], p["cohort_name"], p["unmatched_reason"]] for p in unmatched[:200]])
                  + (f"<p>and {len(unmatched[200:])} more.</p>" if unmatched[200:] else ""))

    util = coach_utilisation(con)
    months = sorted({u["month"] for u in util})
    page.add_html("<h2>Coaches</h2>")
    if months:
        last = months[-1]
        current = sorted((u for u in util if u["month"] == last and u["utilisation"] is not None),
                         key=lambda u: -u["utilisation"])[:30]
        page.add_chart(Chart(
            "coach_utilisation",
            bars([f"{u['coach_name'] or u['coach_id']}" for u in current], [u["utilisation"] for u in current],
                 f"Coach utilisation in {last:%B %Y} (30 busiest)", "Hours coached / monthly capacity (%)", "Coach",
                 horizontal=True, percent=True),
            f"Utilisation of coaches with a capacity in {last:%B %Y}; over capacity: "
            + (", ".join(u["coach_name"] or u["coach_id"] for u in current if u["is_over_capacity"]) or "none") + ".",
            ["coach_id", "coach_name", "month", "sessions", "hours", "capacity", "utilisation", "participants",
             "mean_session_rating"],
            [[u["coach_id"], u["coach_name"], str(u["month"]), u["sessions"], u["hours"], u["capacity"],
              u["utilisation"], u["participants"], u["mean_session_rating"]] for u in util]))
        over = [u for u in util if u["is_over_capacity"]]
        page.add_html(f"<p>{len(over)} coach-month(s) over capacity.</p>" + table(
            ["Coach", "Month", "Sessions", "Hours", "Capacity", "Utilisation"],
            [[u["coach_name"] or u["coach_id"], f"{u['month']:%Y-%m}", u["sessions"], num(u["hours"], 1),
              num(u["capacity"]), pct(u["utilisation"])] for u in over[-30:]], numeric={2, 3, 4, 5}))
    days = days_to_first_session(con)
    median = funnel["median_days_to_first_session"]
    page.add_chart(Chart(
        "time_to_first_session",
        histogram(days, "Time from enrolment to first completed session", "Days (weekly bins)", "Participants (count)"),
        f"Days from enrolment to the first completed session for {funnel['activated']:,} activated participants"
        + ("." if median is None else f"; median {median:g} days."),
        ["days_to_first_session"], [[d] for d in days]))
    page.methods = METHODS + [f"Settings of this refresh: <code>{esc(json.dumps(run.settings, sort_keys=True))}</code>"]
    return page
