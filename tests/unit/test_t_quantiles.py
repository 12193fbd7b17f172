"""The t quantile used for every confidence interval: the seed and the dbt macro, checked against scipy."""
import csv
from pathlib import Path

import duckdb
import jinja2
from scipy import stats

DBT = Path(__file__).resolve().parents[2] / "dbt_project"


def test_seed_matches_scipy():
    with open(DBT / "seeds" / "t_quantiles.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["df"]) for r in rows] == list(range(1, 101))
    for r in rows:
        assert abs(float(r["t975"]) - stats.t.ppf(0.975, int(r["df"]))) < 1e-12


def test_macro_is_exact_to_1e_6_for_every_df():
    source = (DBT / "macros" / "t_quantile_975.sql").read_text(encoding="utf-8")
    macro = jinja2.Environment().from_string(source).module.t_quantile_975
    sql = f"SELECT df, {macro('df', 'seed.t975')} FROM range(1, 5001) r(df) LEFT JOIN seed USING (df) ORDER BY df"
    con = duckdb.connect()
    con.execute("CREATE TABLE seed (df BIGINT, t975 DOUBLE)")
    con.executemany("INSERT INTO seed VALUES (?, ?)", [[d, float(stats.t.ppf(0.975, d))] for d in range(1, 101)])
    worst = max(abs(t - stats.t.ppf(0.975, df)) for df, t in con.execute(sql).fetchall())
    assert worst < 1e-9
