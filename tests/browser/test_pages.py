"""Pages open from disk in a real browser (Debian Chromium via Playwright): charts draw, nothing errors,
nothing leaves the machine, nothing from the data runs, sponsors see only their own data."""
from __future__ import annotations

import base64
import csv
import io
import re

import pytest

from tests.browser.conftest import AXE
from tests.browser.hostile import COMPETENCY, SPONSOR_NAMES
from tests.conftest import ARTIFACTS, query

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
    assert "<script>alert" not in visible_text(v.page.content()).replace("&lt;script&gt;alert", "")
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
    for s in query(hostile.warehouse, "SELECT sponsor_id FROM marts.sponsor_summary"):
        sid = s["sponsor_id"]
        downloads = csv_downloads(hostile.site / "sponsors" / f"{sid}.html")
        if "outcome_change" not in downloads:
            continue
        got = {(r[0], r[1]): r for r in downloads["outcome_change"][1:]}
        mart = query(hostile.warehouse, "SELECT * FROM marts.sponsor_outcomes WHERE sponsor_id = ?", [sid])
        assert len(got) == len(mart)
        for m in mart:
            r = got[(m["competency"], m["rater_type"])]
            if m["suppressed"]:
                assert set(r[2:]) == {"suppressed (n < 5)"}
            else:
                assert int(r[2]) == m["n_paired"] and float(r[5]) == pytest.approx(m["mean_change"], rel=1e-12)
                assert float(r[6]) == pytest.approx(m["ci95_low"], rel=1e-12)
    finance = csv_downloads(hostile.site / "finance.html")
    monthly = {(r[0], r[1]): float(r[2]) for r in finance["spend_by_month"][1:]}
    expected = query(hostile.warehouse, "SELECT month, category, sum(amount) AS amount FROM marts.monthly_costs GROUP BY ALL")
    assert monthly == {(str(e["month"]), e["category"]): pytest.approx(e["amount"], rel=1e-12) for e in expected}
    by_sponsor = {r[0]: r for r in finance["spend_by_sponsor"][1:]}
    formula = SPONSOR_NAMES["SP-KL"]
    assert "'" + formula in by_sponsor, "a name that starts with = is neutralised in the CSV"
    assert float(by_sponsor["'" + formula][1]) > 0
