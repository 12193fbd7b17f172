"""Pages open from disk in a real browser (Debian Chromium via Playwright): charts draw, nothing errors,
nothing leaves the machine, nothing from the data runs, sponsors see only their own data."""
from __future__ import annotations

import base64
import csv
import io
import re

import pytest

from collections import defaultdict

from tests.browser.conftest import AXE
from tests.browser.hostile import COMPETENCY, SPONSOR_NAMES
from tests.conftest import ARTIFACTS, query
from tests.reference import Metrics, read_source

pytestmark = pytest.mark.browser


def all_pages(site):
    return sorted(site.rglob("*.html"))


def csv_downloads(path) -> dict[str, list[list[str]]]:
    html = path.read_text(encoding="utf-8")
    out = {}
    for chart, data in re.findall(r'data-chart="([^"]+)".*?href="data:text/csv;charset=utf-8;base64,([^"]+)"', html,
                                  flags=re.S):
        out[chart] = list(csv.reader(io.StringIO(base64.b64decode(data).decode("utf-8"))))
    return out


def visible_text(html: str) -> str:
    """The HTML with the inlined Plotly library removed (its source contains arbitrary words)."""
    return re.sub(r"<script>.*?</script>", "", html, count=1, flags=re.S)


def test_every_page_renders_offline_accessibly_and_runs_nothing_from_the_data(hostile, visit):
    # the hostile fixture is a full generated programme plus hostile names and a tiny cohort
    site, fixture = hostile.site, "hostile"
    ARTIFACTS.mkdir(exist_ok=True)
    pages = all_pages(site)
    assert len(pages) >= 4
    for path in pages:
        v = visit(path)
        assert v.console_errors == [], (path.name, v.console_errors)
        assert v.dialogs == [], f"a script from the data ran on {path.name}: {v.dialogs}"
        assert all(u.startswith(("file://", "data:", "about:")) for u in v.requests), (path.name, v.requests)
        expected = path.read_text(encoding="utf-8").count('class="chart"')
        drawn = v.page.locator("figure.chart .js-plotly-plot .main-svg").count()
        assert drawn >= expected > 0 or path.name == "index.html", (path.name, drawn, expected)
        for fig in v.page.locator("figure.chart").all():
            assert len(fig.get_attribute("aria-label") or "") > 20, "every chart has a text alternative"
        v.page.add_script_tag(path=str(AXE))
        result = v.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [(x["id"], x["impact"], len(x["nodes"])) for x in result["violations"]
                   if x["impact"] in ("serious", "critical")]
        assert serious == [], (path.name, serious)
        v.page.screenshot(path=str(ARTIFACTS / f"{fixture}-{path.parent.name}-{path.stem}.png"), full_page=True)


def test_hostile_names_appear_as_text(hostile, visit):
    v = visit(hostile.site / "sponsors" / "SP-NW.html")
    assert SPONSOR_NAMES["SP-NW"] in v.page.locator("h1").inner_text()
    charts = v.page.locator("figure.chart").count()
    assert v.page.locator("script").count() == 1 + charts, "the Plotly library and one plot call per chart, nothing else"
    # the hostile name is text wherever it appears: never markup in the file or in the document the browser built
    # (a text node serialises as &lt;script&gt;, a script element or a script inside a plot call's JSON would not)
    hostile_markup = "<script>alert('sponsor')</script>"
    assert hostile_markup not in (hostile.site / "sponsors" / "SP-NW.html").read_text(encoding="utf-8")
    assert hostile_markup not in v.page.content()
    assert "&lt;script&gt;alert('sponsor')&lt;/script&gt;" in visible_text(v.page.content())
    assert COMPETENCY in v.page.locator("table").first.inner_text() or COMPETENCY in v.page.inner_text("main")
    ops = visit(hostile.site / "operations.html")
    assert "<svg onload=alert('person')>" in ops.page.inner_text("main")
    assert ops.dialogs == [] and v.dialogs == []


def test_sponsor_pages_hold_nothing_of_other_sponsors_or_of_any_person(hostile):
    sponsors = query(hostile.warehouse, "SELECT sponsor_id, sponsor_name FROM raw.sponsors")
    cohorts = query(hostile.warehouse, "SELECT cohort_id, cohort_name, sponsor_id FROM raw.cohorts")
    people = query(hostile.warehouse, "SELECT participant_id, email, full_name FROM raw.participants")
    import html as h
    for s in sponsors:
        page = hostile.site / "sponsors" / f"{s['sponsor_id']}.html"
        text = visible_text(page.read_text(encoding="utf-8"))
        for other in sponsors:
            if other["sponsor_id"] != s["sponsor_id"]:
                assert h.escape(other["sponsor_name"]) not in text and other["sponsor_id"] not in text
        for c in cohorts:
            if c["sponsor_id"] != s["sponsor_id"]:
                assert c["cohort_id"] not in text
                assert h.escape(c["cohort_name"].replace('<b onmouseover=alert("cohort")>', "")) not in text
        for p in people:
            assert p["participant_id"] not in text and p["email"] not in text
            assert h.escape(p["full_name"]) not in text
    finance = visible_text((hostile.site / "finance.html").read_text(encoding="utf-8"))
    for p in people:
        assert p["participant_id"] not in finance and p["email"] not in finance and h.escape(p["full_name"]) not in finance


def test_small_groups_are_suppressed_with_their_complement(hostile):
    downloads = csv_downloads(hostile.site / "sponsors" / "SP-NW.html")
    rows = {r[0]: r for r in downloads["cohorts"][1:]}
    tiny = rows["Tiny pilot cohort"]
    assert tiny[3:] == ["suppressed (n < 5)"] * 7
    hidden = [name for name, r in rows.items() if r[3] == "suppressed (n < 5)"]
    assert len(hidden) == 2, "the next smallest cohort is suppressed too, so the tiny one cannot be derived"
    comparison = {r[0] for r in downloads.get("cohort_comparison", [[]])[1:]}
    assert "Tiny pilot cohort" not in comparison
    html = (hostile.site / "sponsors" / "SP-NW.html").read_text(encoding="utf-8")
    assert "suppressed (n &lt; 5)" in html


def test_csv_downloads_equal_the_marts(hostile):
    checked = []
    for s in query(hostile.warehouse, "SELECT sponsor_id, suppressed FROM marts.sponsor_summary"):
        sid = s["sponsor_id"]
        downloads = csv_downloads(hostile.site / "sponsors" / f"{sid}.html")
        mart = query(hostile.warehouse, "SELECT * FROM marts.sponsor_outcomes WHERE sponsor_id = ?", [sid])
        shown = [m for m in mart if not (s["suppressed"] or m["suppressed"]) and m["ci95_low"] is not None]
        if "outcome_change" not in downloads:
            assert not shown, f"{sid}: the outcome chart is left out although the mart has figures to show"
            continue
        checked.append(sid)
        got = {(r[0], r[1]): r for r in downloads["outcome_change"][1:]}
        assert len(got) == len(mart)
        for m in mart:
            r = got[(m["competency"], m["rater_type"])]
            if m["suppressed"]:
                assert set(r[2:]) == {"suppressed (n < 5)"}
            else:
                assert int(r[2]) == m["n_paired"] and float(r[5]) == pytest.approx(m["mean_change"], rel=1e-12)
                assert float(r[6]) == pytest.approx(m["ci95_low"], rel=1e-12)
    assert len(checked) >= 2, checked


def _csv_name(name: str) -> str:
    return "'" + name if name[:1] in ("=", "+", "-", "@") else name


def test_finance_csv_downloads_equal_an_independent_computation_from_the_landing_files(hostile):
    """Spend per month and category and per sponsor, computed from the landing CSVs in plain Python
    (tests/reference.py: FX as of each cost's date, sponsor-level invoices shared by enrolment)."""
    metrics = Metrics(hostile.landing, hostile.as_of)
    finance = csv_downloads(hostile.site / "finance.html")
    expected_monthly = defaultdict(float)
    for (_sponsor, _cohort, month, category), amount in metrics.monthly_costs().items():
        expected_monthly[(month.isoformat(), category)] += amount
    monthly = {(r[0], r[1]): float(r[2]) for r in finance["spend_by_month"][1:]}
    assert len(monthly) > 10 and set(monthly) == set(expected_monthly)
    for key, amount in expected_monthly.items():
        assert monthly[key] == pytest.approx(amount, rel=1e-9, abs=1e-6), key
    names = {r["sponsor_id"]: r["sponsor_name"] for r in read_source(hostile.landing, "sponsors")}
    expected_sponsor = defaultdict(float)
    for cost in metrics.cohort_costs().values():
        expected_sponsor[_csv_name(names[cost["sponsor_id"]])] += cost["total_cost"]
    by_sponsor = {r[0]: float(r[1]) for r in finance["spend_by_sponsor"][1:]}
    assert set(by_sponsor) == set(expected_sponsor)
    for name, total in expected_sponsor.items():
        assert by_sponsor[name] == pytest.approx(total, rel=1e-9, abs=1e-6), name
    formula = SPONSOR_NAMES["SP-KL"]
    assert "'" + formula in by_sponsor and by_sponsor["'" + formula] > 0, "a name starting with = is neutralised"
    total = sum(expected_sponsor.values())
    assert f"USD {total:,.0f}" in (hostile.site / "finance.html").read_text(encoding="utf-8"), "the Total spend KPI"


def test_did_it_last_and_comparison_sections_hold_only_unsuppressed_mart_figures(hostile, visit):
    sid = "SP-NW"
    v = visit(hostile.site / "sponsors" / f"{sid}.html")
    main = v.page.inner_text("main")
    assert "Did it last?" in main and "Compared with similar colleagues" in main
    assert "association, not proof of cause" in main
    assert v.page.locator('figure.chart[data-chart="comparison_retention"] .main-svg').count() >= 1
    downloads = csv_downloads(hostile.site / "sponsors" / f"{sid}.html")
    label = "suppressed (n < 5)"
    mart = {(m["cohort_name"], m["outcome"]): m for m in query(hostile.warehouse, """
        SELECT d.cohort_name, c.* FROM marts.cohort_comparison c JOIN marts.cohort_directory d USING (cohort_id)
        WHERE c.sponsor_id = ?""", [sid])}
    got = {(r[0], r[1]): r for r in downloads["comparison_table"][1:]}
    assert set(got) == set(mart) and any(not m["suppressed"] for m in mart.values())
    for key, m in mart.items():
        r = got[key]
        if m["suppressed"]:
            assert r[3:] == [label] * 7
        else:
            assert int(r[3]) == m["n_participants"] >= 5 and int(r[4]) == m["n_comparison"] >= 5
            assert float(r[7]) == pytest.approx(m["difference"], rel=1e-12)
            assert float(r[8]) == pytest.approx(m["ci95_low"], rel=1e-12)
    # the balance table: no cell about fewer than 5 participants or colleagues, and never exactly one hidden
    # cell per cohort and stratum dimension (it could be worked out from the total)
    hidden_per_group: dict[tuple, int] = {}
    for r in downloads["comparison_balance"][1:]:
        group = (r[0], r[1])
        hidden_per_group.setdefault(group, 0)
        if r[3] == label:
            hidden_per_group[group] += 1
        else:
            assert int(r[3]) >= 5 and int(r[4]) >= 5, r
    assert hidden_per_group and all(n != 1 for n in hidden_per_group.values()), hidden_per_group
    durability = query(hostile.warehouse, "SELECT * FROM marts.cohort_durability WHERE sponsor_id = ?", [sid])
    rows = downloads["durability_table"][1:]
    assert len(rows) == len(durability)
    for r in rows:
        if r[3] != label:
            assert int(r[3]) >= 5
            assert r[9] == label or float(r[9]) >= 0


def test_operations_lists_participants_no_employee_matches(hostile, visit):
    ops = visit(hostile.site / "operations.html")
    text = ops.page.inner_text("main")
    assert "Participants no employee matches" in text
    assert "tiny1@client.example" in text and "no employee has this email" in text


def test_without_hr_data_the_pages_say_what_to_supply(tmp_path, visit):
    from tests.conftest import AS_OF, refresh, run_cli

    run_cli(["generate", "--out", str(tmp_path / "landing"), "--participants", "60", "--seed", "3",
             "--as-of", AS_OF.isoformat()], tmp_path)
    for source in ("employees", "hr_events"):
        for f in (tmp_path / "landing" / source).iterdir():
            f.unlink()
        (tmp_path / "landing" / source).rmdir()
    responses = tmp_path / "landing" / "survey_responses" / "survey_responses.csv"
    lines = responses.read_text(encoding="utf-8").splitlines(keepends=True)
    responses.write_text("".join(line for line in lines if ",IMP_" not in line), encoding="utf-8")  # no estimates
    refresh(tmp_path / "landing", tmp_path / "out")
    assert query(tmp_path / "out" / "warehouse.duckdb", "SELECT count(*) AS n FROM marts.cohort_comparison")[0]["n"] == 0
    for page in [p for p in (tmp_path / "out" / "site" / "sponsors").glob("*.html")][:1] + [
            tmp_path / "out" / "site" / "finance.html"]:
        v = visit(page)
        text = v.page.inner_text("main")
        assert "No comparison group was supplied" in text and "employees" in text
        assert "comparison_table" not in page.read_text(encoding="utf-8")
    sponsor = v = visit(sorted((tmp_path / "out" / "site" / "sponsors").glob("*.html"))[0])
    text = sponsor.page.inner_text("main")
    assert "No impact estimates yet" in text and "No comparison group" in text
    assert "No return on investment is shown" in text and "ROI (estimate)" not in text
    assert "return on investment" not in v.page.locator("section.answer").inner_text().lower()


def _answer(v) -> str:
    return v.page.locator("section.answer").inner_text()


def test_answer_first_sentences_use_only_unsuppressed_figures(hostile, visit):
    v = visit(hostile.site / "sponsors" / "SP-NW.html")
    answer = _answer(v)
    assert v.page.locator("main section.answer").count() == 1
    first = v.page.locator("main h2").first.inner_text()
    assert first == "In short", "the page opens with the answer"
    assert "Self-rated" in answer and "Observer-rated" in answer and "per participant" in answer
    assert "Tiny pilot cohort" not in answer
    outcomes = query(hostile.warehouse, "SELECT * FROM marts.sponsor_outcomes WHERE sponsor_id = 'SP-NW'")
    for r in outcomes:
        figure = f"{r['competency']} {r['mean_change']:+.2f} points"
        if r["rater_type"] == "self":
            assert (figure in answer) == (not r["suppressed"] and r["ci95_low"] is not None), figure
    # a sponsor whose only cohort has 3 people: no number about them anywhere in the answer or the value section
    three = visit(hostile.site / "sponsors" / "SP-3.html")
    text = _answer(three)
    assert re.findall(r"\d+", text) == ["5", "5"], text  # only "fewer than 5 ... at least 5"
    assert "suppressed (n < 5)" in three.page.locator("#worth ~ .kpis").first.inner_text()
    assert three.page.locator('figure[data-chart="roi_tornado"]').count() == 0


def test_value_and_tornado_charts_render_offline_and_their_csv_equals_the_marts(hostile, visit):
    for s in query(hostile.warehouse, "SELECT * FROM marts.sponsor_value WHERE NOT suppressed AND n_estimates >= 5"):
        path = hostile.site / "sponsors" / f"{s['sponsor_id']}.html"
        v = visit(path)
        for chart in ("value", "roi_tornado"):
            assert v.page.locator(f'figure.chart[data-chart="{chart}"] .main-svg').count() >= 1, (path.name, chart)
        assert "Assumptions used" in v.page.inner_text("main") and "ROI (estimate)" in v.page.inner_text("main")
        downloads = csv_downloads(path)
        header, row = downloads["value"]
        for col, cell in zip(header, row):
            assert float(cell) == pytest.approx(float(s[col]), rel=1e-12) if cell else s[col] is None, col
        sens = {r["assumption"]: r for r in query(
            hostile.warehouse, "SELECT * FROM marts.sponsor_value_sensitivity WHERE sponsor_id = ?", [s["sponsor_id"]])}
        got = downloads["roi_tornado"]
        assert len(got) - 1 == len([r for r in sens.values() if r["roi_pct_at_low"] is not None])
        for r in got[1:]:
            m = sens[r[0]]
            assert float(r[4]) == pytest.approx(m["roi_pct_at_low"], rel=1e-12)
            assert float(r[5]) == pytest.approx(m["roi_pct_at_high"], rel=1e-12)
