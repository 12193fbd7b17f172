"""The sponsor page's answer-first summary and its value section (docs/pages.md, "Sponsor pages").

Every number comes from a mart row that is not suppressed: sponsor_outcomes, cohort_durability,
cohort_comparison, sponsor_summary, sponsor_value and sponsor_value_sensitivity. Where impact estimates or a
comparison group are missing the section says what to collect instead of showing a number."""
from __future__ import annotations

from .data import comparison_rows, sponsor_durability, sponsor_outcomes, sponsor_value, sponsor_value_sensitivity
from .figures import RATER_LABEL, tornado, value_bars
from .formatting import money, num
from .methods import describe
from .page import Chart, Page, kpi, table
from .privacy import suppressed_label

COLLECT_ESTIMATES = (
    "<b>No impact estimates yet.</b> To put a value on the improvement, add three questions to the follow-up "
    "survey (items of kind <code>impact_value</code>: the yearly value, in money, of the improvement the participant "
    "made; <code>impact_attribution</code>: the percentage of it due to coaching, 0&ndash;100; "
    "<code>impact_confidence</code>: how sure they are of the estimate, 0&ndash;100).")
COLLECT_COMPARISON = (
    "<b>No comparison group.</b> To count avoided resignations, supply the HR roster (<code>employees</code>) so "
    "participants can be compared with similar colleagues, and set <code>value.replacement_cost</code>.")
COLLECT_REPLACEMENT = (
    "<b>No replacement cost configured.</b> Retention is compared with similar colleagues, but it is counted in "
    "money only when <code>value.replacement_cost</code> (the cost of replacing one leaver) is set in "
    "coachlens.toml.")


def _interval(lo, hi, fmt) -> str:
    return "n/a" if lo is None else f"{fmt(lo)} to {fmt(hi)}"


def _outcome_sentence(rows: list[dict], raters: tuple[str, ...], who: str) -> str | None:
    mine = [r for r in rows if r["rater_type"] in raters and not r["suppressed"] and r["ci95_low"] is not None]
    if not mine:
        return None
    parts = [f"{r['competency']}{'' if len(raters) == 1 else ' (' + RATER_LABEL[r['rater_type']].split(': ')[-1] + ')'}"
             f" {r['mean_change']:+.2f} points (95% interval {r['ci95_low']:+.2f} to {r['ci95_high']:+.2f}, "
             f"{r['n_paired']} people)" for r in mine[:4]]
    more = f" and {len(mine) - 4} more" if len(mine) > 4 else ""
    return f"{who} scores changed from before to after coaching: " + "; ".join(parts) + more + "."


def answer_first(page: Page, con, sponsor_id: str, summary: dict, k: int, hidden_total: bool, currency: str) -> None:
    """A few plain sentences at the top of the page, each only from unsuppressed figures."""
    sentences = []
    if not hidden_total:
        outcomes = sponsor_outcomes(con, sponsor_id)
        for raters, who in ((("self",), "Self-rated"), (("manager", "peer", "direct_report"), "Observer-rated")):
            s = _outcome_sentence(outcomes, raters, who)
            if s:
                sentences.append(s)
        lasted = [r for r in sponsor_durability(con, sponsor_id) if not r["suppressed"] and r["ci95_low"] is not None]
        if lasted:
            parts = [f"{r['cohort_name']}, {r['competency']} ({RATER_LABEL[r['rater_type']].split(': ')[-1].lower()}) "
                     f"{r['mean_change_since_post']:+.2f} points (95% interval {r['ci95_low']:+.2f} to "
                     f"{r['ci95_high']:+.2f})" for r in lasted[:3]]
            sentences.append("Did it last? Change from the post survey to the follow-up months later: "
                             + "; ".join(parts) + (f" and {len(lasted) - 3} more (see below)" if len(lasted) > 3
                                                   else "") + ".")
        compared = [r for r in comparison_rows(con, sponsor_id)
                    if r["outcome"] == "retention" and not r["suppressed"] and r["ci95_low"] is not None]
        if compared:
            parts = [f"in {r['cohort_name']} {100 * r['participant_value']:.0f}% of participants stayed against "
                     f"{100 * r['comparison_value']:.0f}% of similar colleagues (difference "
                     f"{100 * r['difference']:+.1f} points, 95% interval {100 * r['ci95_low']:+.1f} to "
                     f"{100 * r['ci95_high']:+.1f})" for r in compared[:3]]
            sentences.append("Compared with similar colleagues (an association, not proof of cause): "
                             + "; ".join(parts) + ".")
        cost = f"Coaching cost {money(summary['cost_per_enrolled'], currency)} per participant"
        if not summary["reliably_improved_suppressed"]:
            cost += (f" and {money(summary['cost_per_reliably_improved'], currency)} per participant who reliably "
                     f"improved ({summary['reliably_improved']} of {summary['enrolled']})")
        sentences.append(cost + ".")
        value = sponsor_value(con, sponsor_id)
        if value and value["roi_shown"]:
            sentences.append(f"Estimated return on investment: {num(value['roi_pct'], 0)}% (range "
                             f"{_interval(value['roi_pct_low'], value['roi_pct_high'], lambda x: num(x, 0) + '%')}), "
                             "an estimate built on the assumptions listed below.")
    if not sentences:
        sentences.append(f"Your programme has fewer than {k} participants with results so far; the answers appear "
                         f"once groups of at least {k} people can be reported.")
    page.add_html('<section class="answer" aria-label="The answer"><h2>In short</h2><ul>'
                  + "".join(f"<li>{_escape(s)}</li>" for s in sentences) + "</ul></section>")


def _escape(text: str) -> str:
    from html import escape
    return escape(text, quote=False)


def value_section(page: Page, con, sponsor_id: str, k: int, hidden_total: bool, currency: str,
                  window_days) -> None:
    s = suppressed_label(k)
    page.add_html('<h2 id="worth">What it is worth</h2>')
    v = sponsor_value(con, sponsor_id)
    if v is None or hidden_total or v["suppressed"]:
        page.add_html(f'<div class="kpis">{kpi("Return on investment", s, suppressed=True)}</div>')
        return
    missing = []
    if v["n_estimates"] == 0:
        missing.append(COLLECT_ESTIMATES)
    elif v["estimates_suppressed"]:
        missing.append(f"<b>Fewer than {k} participants have given an impact estimate</b>, too few to report "
                       "(suppressed). Ask every participant the three impact questions in the follow-up survey.")
    if not v["has_comparison"]:
        missing.append(COLLECT_COMPARISON)
    elif v["replacement_cost"] is None:
        missing.append(COLLECT_REPLACEMENT)
    if missing:
        page.add_html("".join(f"<p>{m}</p>" for m in missing))
    if not v["roi_shown"]:
        page.add_html("<p>No return on investment is shown until the missing information is collected.</p>")
        _assumptions(page, v, currency, window_days)
        return
    page.add_html('<div class="kpis">' + "".join([
        kpi("Estimated benefit (per year)", money(v["benefit_total"], currency),
            "range " + _interval(v["benefit_low"], v["benefit_high"], lambda x: money(x, currency))),
        kpi("Fully loaded cost", money(v["cost_fully_loaded"], currency),
            f"programme {money(v['cost_programme'], currency)} + participants' time "
            f"{money(v['cost_participant_time'], currency)}"),
        kpi("ROI (estimate)", f"{num(v['roi_pct'], 0)}%",
            f"low {num(v['roi_pct_low'], 0)}%, high {num(v['roi_pct_high'], 0)}%"
            if v["roi_pct_low"] is not None else "no range (fewer than 2 participants)"),
        kpi("Benefit-cost ratio", num(v["bcr"], 2), f"from {v['n_estimates']} of {v['enrolled']} participants' estimates"),
    ]) + "</div>")
    benefits = {"Participants' impact estimates": v["benefit_estimated"]}
    if v["replacement_cost"] is not None and v["has_comparison"]:
        benefits["Avoided resignations x replacement cost"] = v["benefit_retention"]
    costs = {"Programme cost": v["cost_programme"], "Participants' time": v["cost_participant_time"]}
    csv_header = ["benefit_estimated", "se_estimated", "benefit_retention", "se_retention", "benefit_total",
                  "benefit_low", "benefit_high", "cost_programme", "cost_participant_time", "cost_fully_loaded",
                  "bcr", "roi_pct", "roi_pct_low", "roi_pct_high"]
    page.add_chart(Chart(
        "value", value_bars(benefits, costs, "Estimated benefit against fully loaded cost", currency),
        f"Estimated yearly benefit {money(v['benefit_total'], currency)} (an estimate; range "
        f"{_interval(v['benefit_low'], v['benefit_high'], lambda x: money(x, currency))}) against fully loaded cost "
        f"{money(v['cost_fully_loaded'], currency)}.", csv_header, [[v[c] for c in csv_header]]))
    sens = [r for r in sponsor_value_sensitivity(con, sponsor_id)
            if r["roi_pct_at_low"] is not None and r["roi_pct_at_high"] is not None]
    if sens and v["roi_pct"] is not None:
        page.add_chart(Chart(
            "roi_tornado",
            tornado([r["label"] for r in sens], [r["roi_pct_at_low"] for r in sens],
                    [r["roi_pct_at_high"] for r in sens], v["roi_pct"], "How ROI moves with each assumption"),
            f"ROI {num(v['roi_pct'], 0)}% as configured; " + "; ".join(
                f"{r['label']}: {num(r['roi_pct_at_low'], 0)}% to {num(r['roi_pct_at_high'], 0)}%" for r in sens) + ".",
            ["assumption", "value_low", "value_high", "roi_pct", "roi_pct_at_low", "roi_pct_at_high"],
            [[r["assumption"], r["value_low"], r["value_high"], r["roi_pct"], r["roi_pct_at_low"],
              r["roi_pct_at_high"]] for r in sens]))
    _assumptions(page, v, currency, window_days)


def _assumptions(page: Page, v: dict, currency: str, window_days) -> None:
    rows = [
        ["Discount taken off every impact estimate", f"{100 * v['estimate_discount']:.0f}%",
         "value.estimate_discount in coachlens.toml (on top of each participant's own confidence)"],
        ["Cost of an hour of participant time", money(v["participant_hour_cost"], currency),
         "value.participant_hour_cost in coachlens.toml (payroll: salary and on-costs per working hour)"],
        ["Cost of replacing a leaver", "not set" if v["replacement_cost"] is None else money(v["replacement_cost"], currency),
         "value.replacement_cost in coachlens.toml (HR: cost per hire and lost output)"],
        ["Comparison window", f"{window_days} days", "value.window_days in coachlens.toml"],
        ["Participants without an impact estimate", "count as 0", "Phillips ROI Methodology (conservative rule)"],
        ["Benefit period", "one year", "participants estimate the yearly value of their improvement"],
    ]
    page.add_html("<h3>Assumptions used</h3>" + table(["Assumption", "Value", "Source"], rows))


def methods() -> list[str]:
    return [describe("cohort_value", ["benefit_estimated", "se_estimated", "avoided_exits", "benefit_retention",
                                      "se_retention", "benefit_low", "cost_fully_loaded", "bcr", "roi_pct"],
                     "What it is worth (estimates, not measurements)"),
            describe("sponsor_value", [], "Your programme's value"),
            describe("sponsor_value_sensitivity", [], "How ROI moves")]
