"""The whole site builds from a warehouse that holds nothing but the marts, and gives the same pages.

The marts of a refreshed warehouse (tables, and the rows of the run view) are copied into a new DuckDB file with
one schema, `marts`; no raw, staging, intermediate, quarantine or audit table exists there. build_site reads it
through each page's PageReader, which refuses a mart its exposure does not declare, so this fails when a page
reads anything else or a mart its exposure leaves out."""
from __future__ import annotations

import re

import duckdb
import pytest

from dashboards.data import page_marts
from pipelines.lib.config import load_config
from dashboards.site import build_site

pytestmark = pytest.mark.e2e
PERSON_COLUMNS = {"full_name", "email", "participant_id", "participant_key", "employee_id"}


def marts_only_copy(warehouse, target) -> list[str]:
    con = duckdb.connect(str(target))
    try:
        con.execute(f"ATTACH '{warehouse}' AS published (READ_ONLY)")
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_catalog = 'published' AND table_schema = 'marts' "
                                           "ORDER BY 1").fetchall()]
        con.execute("CREATE SCHEMA marts")
        for name in names:
            con.execute(f'CREATE TABLE marts."{name}" AS SELECT * FROM published.marts."{name}"')
        con.execute("DETACH published")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return names


def test_pages_build_from_the_marts_alone_and_equal_the_published_ones(refreshed, tmp_path):
    only = tmp_path / "marts_only.duckdb"
    names = marts_only_copy(refreshed.warehouse, only)
    assert set().union(*page_marts().values()) <= set(names)
    con = duckdb.connect(str(only), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        assert schemas == {"marts"}
        cfg = load_config()  # the defaults the shared refresh ran with
        build_site(con, tmp_path / "site", cfg.min_group_size, log=lambda m: None, currency=cfg.reporting_currency,
                   cron=cfg.schedule_cron, cron_tz=cfg.schedule_timezone)
    finally:
        con.close()
    published = sorted(p.relative_to(refreshed.site) for p in refreshed.site.rglob("*.html"))
    assert sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*.html")) == published
    for rel in published:
        if rel.name == "operations.html":
            continue  # names the next scheduled refresh, which moves with the clock
        assert (tmp_path / "site" / rel).read_text(encoding="utf-8") == \
            (refreshed.site / rel).read_text(encoding="utf-8"), rel
    ops = re.sub(r"Next scheduled refresh</div><div class=\"value\">[^<]*</div>", "", (tmp_path / "site" / "operations.html").read_text("utf-8"),
                 flags=re.S)
    assert ops == re.sub(r"Next scheduled refresh</div><div class=\"value\">[^<]*</div>", "",
                         (refreshed.site / "operations.html").read_text("utf-8"), flags=re.S)


def test_the_marts_sponsor_pages_read_hold_no_person(refreshed):
    con = duckdb.connect(str(refreshed.warehouse), read_only=True)
    try:
        for name in sorted(page_marts()["sponsor_pages"]):
            columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                                 "WHERE table_schema = 'marts' AND table_name = ?", [name]).fetchall()}
            assert columns, name
            assert not columns & PERSON_COLUMNS, (name, sorted(columns & PERSON_COLUMNS))
    finally:
        con.close()
