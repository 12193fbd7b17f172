"""Pages open from disk in a real browser: charts draw, nothing errors, nothing leaves the machine."""
from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, query

pytestmark = pytest.mark.browser


def all_pages(site):
    return sorted(site.rglob("*.html"))


def test_every_page_renders_offline_with_charts(refreshed, visit):
    ARTIFACTS.mkdir(exist_ok=True)
    for path in all_pages(refreshed.site):
        v = visit(path)
        assert v.console_errors == [], (path.name, v.console_errors)
        assert all(u.startswith(("file://", "data:", "about:")) for u in v.requests), (path.name, v.requests)
        expected = path.read_text(encoding="utf-8").count('class="chart"')
        drawn = v.page.locator("figure.chart .js-plotly-plot .main-svg").count()
        assert drawn >= expected, (path.name, drawn, expected)
        v.page.screenshot(path=str(ARTIFACTS / f"{path.parent.name}-{path.stem}.png"), full_page=True)


def test_sponsor_page_holds_nothing_of_another_sponsor(refreshed):
    sponsors = query(refreshed.warehouse, "SELECT sponsor_id, sponsor_name FROM raw.sponsors")
    cohorts = query(refreshed.warehouse, "SELECT cohort_id, cohort_name, sponsor_id FROM raw.cohorts")
    people = query(refreshed.warehouse, "SELECT participant_id, email, full_name FROM raw.participants")
    for s in sponsors:
        html = (refreshed.site / "sponsors" / f"{s['sponsor_id']}.html").read_text(encoding="utf-8")
        assert s["sponsor_name"].replace("&", "&amp;") in html
        for other in sponsors:
            if other["sponsor_id"] != s["sponsor_id"]:
                assert other["sponsor_name"].replace("&", "&amp;") not in html
                assert f'"{other["sponsor_id"]}"' not in html and f">{other['sponsor_id']}<" not in html
        for c in cohorts:
            if c["sponsor_id"] != s["sponsor_id"]:
                assert c["cohort_name"] not in html and c["cohort_id"] not in html
        for p in people[:200]:
            assert p["participant_id"] not in html and p["email"] not in html
