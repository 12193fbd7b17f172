"""Pages query `marts.*` only, and only the marts their dbt exposure declares.

Every SQL string of every page module (dashboards/*.py) is parsed with sqlglot (a parser independent of the
DuckDB parse that dashboards.data.PageReader checks at run time) and each table it reads must be in schema
`marts`, the failure page's included (its marts are built from the failed run's tables). The exposures must name existing mart models, and the
run-time check must refuse what a page does not declare. tests/integration/test_pages_read_only_marts.py builds
the whole site against a warehouse that holds nothing but `marts`."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / "dashboards"
MARTS_DIR = ROOT / "dbt_project" / "models" / "marts"


def _text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with each {placeholder} left out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def sql_strings(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = _text(node)
        if text and re.search(r"\bselect\b", text, re.I) and re.search(r"\bfrom\b", text, re.I):
            out.append(text)
    return out


def tables_read(sql: str) -> set[str]:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    return {f"{t.db}.{t.name}".lower() if t.db else t.name.lower()
            for t in tree.find_all(exp.Table) if t.name.lower() not in ctes}


def page_modules() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.py"))


def exposures() -> dict[str, set[str]]:
    data = yaml.safe_load((MARTS_DIR / "_exposures.yml").read_text(encoding="utf-8"))
    return {e["name"]: {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in e["depends_on"]}
            for e in data["exposures"]}


def test_the_parser_finds_every_table_a_query_reads():
    assert tables_read("SELECT a.x FROM marts.a a JOIN raw.b USING (k) WHERE k IN (SELECT k FROM staging.c)") == {
        "marts.a", "raw.b", "staging.c"}
    assert tables_read("SELECT * FROM marts.a, quarantine.rejected_rows") == {"marts.a", "quarantine.rejected_rows"}
    assert tables_read("WITH t AS (SELECT 1 AS k) SELECT * FROM t JOIN marts.a USING (k)") == {"marts.a"}


def test_the_scan_finds_the_queries_of_the_pages():
    found = {p.name: sql_strings(p) for p in page_modules()}
    assert len(found["data.py"]) >= 25 and len(found["failure_page.py"]) == 2
    assert sum(len(v) for v in found.values()) == len(found["data.py"]) + len(found["failure_page.py"]), \
        "pages query through dashboards/data.py (the failure page's two queries excepted)"


@pytest.mark.parametrize("path", page_modules(), ids=lambda p: p.name)
def test_page_modules_query_only_marts(path):
    for sql in sql_strings(path):
        outside = {t for t in tables_read(sql) if not t.startswith("marts.")}
        assert not outside, f"{path.name} queries {sorted(outside)} (pages read marts.* only):\n{sql}"


def test_every_mart_a_page_queries_is_declared_by_an_exposure_and_built_by_dbt():
    declared = set().union(*exposures().values())
    queried = {t.split(".", 1)[1] for p in page_modules() for sql in sql_strings(p) for t in tables_read(sql)}
    assert queried <= declared, f"queried but declared by no exposure: {sorted(queried - declared)}"
    models = {p.stem for p in MARTS_DIR.glob("*.sql")}
    assert declared <= models, f"exposures name marts that do not exist: {sorted(declared - models)}"


def test_code_uses_the_exposures_as_declared():
    from dashboards.data import page_marts

    assert {k: set(v) for k, v in page_marts().items()} == exposures()
    assert set(exposures()) == {"sponsor_pages", "finance_page", "operations_page", "site_index", "failure_page"}


def _connection_with(*marts: str):
    con = duckdb.connect()
    for schema in ("marts", "raw", "staging"):
        con.execute(f"CREATE SCHEMA {schema}")
    for name in marts:
        con.execute(f"CREATE TABLE {name} (x INTEGER)")
    return con


def test_a_page_reader_refuses_what_its_exposure_does_not_declare():
    from dashboards.data import PageReader, UndeclaredRead

    con = _connection_with("marts.programme_costs", "marts.stalled_participants", "raw.file_manifest",
                           "staging.stg_landing__participants")
    finance = PageReader(con, "finance_page")
    assert finance.sql("SELECT count(*) FROM marts.programme_costs").fetchall() == [(0,)]
    for sql in ("SELECT * FROM raw.file_manifest",
                "SELECT * FROM marts.stalled_participants",  # a mart, but the operations page's
                "SELECT * FROM marts.programme_costs JOIN staging.stg_landing__participants ON true",
                "SELECT * FROM marts.programme_costs WHERE x IN (SELECT x FROM raw.file_manifest)",
                "SELECT * FROM programme_costs"):
        with pytest.raises(UndeclaredRead):
            finance.sql(sql)
    assert PageReader(con, "operations_page").sql("SELECT * FROM marts.stalled_participants").fetchall() == []


def test_sponsor_pages_declare_no_mart_for_internal_pages_only():
    """Marts that name people (audience internal, e.g. stalled_participants) are never a sponsor page's."""
    models = {}
    for path in MARTS_DIR.glob("_marts__models.yml"):
        for m in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            models[m["name"]] = m
    naming = {n for n, m in models.items() if any(c["name"] in ("full_name", "email", "participant_id")
                                                   for c in m.get("columns", []))}
    assert {"stalled_participants", "unmatched_participants", "participant_journey"} <= naming
    assert not naming & exposures()["sponsor_pages"]
    for name in exposures()["sponsor_pages"]:
        assert name in models, f"{name} is not documented in _marts__models.yml"
