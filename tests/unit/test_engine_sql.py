"""Engine-specific SQL lives only in the dispatch macros (dbt_project/macros/engine/, README "Running on Spark").

Every other model, macro and test of the dbt project is scanned for DuckDB-only constructs that
Spark rejects or computes differently; the scanner itself is checked on a sample of each.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

DBT = Path(__file__).resolve().parents[2] / "dbt_project"
DISPATCH = DBT / "macros" / "engine"

# name -> pattern (case-insensitive) of a construct DuckDB accepts and Spark does not (or not alike)
FORBIDDEN = {
    "epoch()": r"\bepoch(_ms|_us|_ns)?\s*\(",
    "timezone()": r"\btimezone\s*\(",
    "sha256()": r"\bsha256\s*\(",
    "list()": r"\blist\s*\(",
    "list_*()": r"\blist_\w+\s*\(",
    "map()": r"\bmap\s*\(",
    "struct_pack()": r"\bstruct_pack\s*\(",
    "to_json()": r"\bto_json\s*\(",
    "json_* functions": r"\bjson_\w+\s*\(",
    "* exclude": r"\*\s*exclude\b",
    ":: cast": r"::",
    "strftime()/strptime()": r"\bstr[fp]time\s*\(",
    "string_agg()": r"\bstring_agg\s*\(",
    "date_diff()/date_sub()": r"\bdate_(diff|sub)\s*\(",
    "date - interval": r"[-+]\s*interval\b",
    "date literal arithmetic": r"\bdate\s*'[^']*'\s*[-+]",
    "date - date": r"\b\w*(_on|_date)\s*-\s*[\w.]*(_on|_date)\b",
    "asof join": r"\basof\b",
    "unnest()": r"\bunnest\s*\(",
    "regexp_matches()": r"\bregexp_matches\s*\(",
    "hash()": r"\bhash\s*\(",
    "lambda ->": r"\w\s*->\s*\w",
}


def _code(text: str) -> str:
    """The SQL and Jinja of a file without comments ({# #} and -- to the end of the line)."""
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"--[^\n]*", "", text)


def engine_specific(text: str) -> list[tuple[int, str]]:
    """(line, construct) for every DuckDB-only construct in `text`."""
    hits = []
    for number, line in enumerate(_code(text).splitlines(), start=1):
        for name, pattern in FORBIDDEN.items():
            if re.search(pattern, line, flags=re.I):
                hits.append((number, name))
    return hits


def _dbt_sql_files() -> list[Path]:
    files = [p for folder in ("models", "macros", "tests", "analyses", "snapshots")
             for p in sorted((DBT / folder).rglob("*.sql")) if (DBT / folder).exists()]
    return [p for p in files if DISPATCH not in p.parents]


def test_no_engine_specific_sql_outside_the_dispatch_macros():
    files = _dbt_sql_files()
    assert len(files) > 20
    found = [f"{p.relative_to(DBT)}:{line}: {name}" for p in files for line, name in engine_specific(p.read_text())]
    assert found == [], "use a dispatch macro in dbt_project/macros/engine/ or a dbt cross-database macro"


@pytest.mark.parametrize("sql, construct", [
    ("select epoch(scheduled_start) from s", "epoch()"),
    ("select timezone(tz, ts) as local_start", "timezone()"),
    ("left(sha256('salt' || id), 16)", "sha256()"),
    ("to_json(map(list(k order by k), list(v order by k)))", "list()"),
    ("select list_sort(xs)", "list_*()"),
    ("select struct_pack(a := 1)", "struct_pack()"),
    ("select stats.* exclude (cohort_id) from stats", "* exclude"),
    ("select null::varchar as source", ":: cast"),
    ("strftime(ts, '%Y-%m')", "strftime()/strptime()"),
    ("string_agg(name, ', ')", "string_agg()"),
    ("date_diff('day', a, b)", "date_diff()/date_sub()"),
    ("last_session_on <= date '2026-01-01' - interval (30) day", "date - interval"),
    ("date '2026-01-01' - enrolled_on >= 30", "date literal arithmetic"),
    ("session_stats.first_session_on - participants.enrolled_on as days", "date - date"),
    ("(cohorts.end_date - cohorts.start_date + 1)", "date - date"),
    ("from a asof join b on a.d >= b.d", "asof join"),
    ("list_transform(xs, x -> x + 1)", "lambda ->"),
])
def test_the_scanner_finds_each_duckdb_only_construct(sql, construct):
    assert construct in [name for _, name in engine_specific(sql)]


def test_the_scanner_accepts_the_portable_forms_and_ignores_comments():
    portable = """
    -- epoch(ts) and timezone(tz, ts) are dispatch macros now
    {# sha256(x) :: #}
    select {{ epoch_seconds('ts') }}, cast(x as string), stats.* except (cohort_id),
           {{ dbt.datediff('enrolled_on', 'first_session_on', 'day') }} as days,
           cast(date_trunc('month', local_date) as date) as month, amount - fee as net
    """
    assert engine_specific(portable) == []


def test_every_dispatch_macro_has_a_duckdb_and_a_spark_form():
    for path in sorted(DISPATCH.glob("*.sql")):
        text = path.read_text()
        for name in re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", text):
            if name.startswith(("default__", "spark__")):
                continue
            assert f"adapter.dispatch('{name}')" in text, f"{path.name}: {name} is not dispatched"
            assert f"macro default__{name}(" in text and f"macro spark__{name}(" in text, path.name
