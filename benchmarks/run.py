"""Benchmarks (never timed assertions in tests): ingestion speed against bare DuckDB in the same run.

    .venv/bin/python benchmarks/run.py [--participants N] [--landing DIR [--as-of YYYY-MM-DD]]
                                       [--sources sessions survey_responses] [--repeat K]

Generates a landing folder (unless --landing is given), then for each large source file (sessions and
survey_responses) measures, one after another in this process:
(a) a bare DuckDB read_csv of the file into a table of a database file,
(b) coachlens' loader on the same file (every contract check, provenance, quarantine, the file's sha256),
    after loading the sources it references,
(c) a bare Polars read_csv of the file,
and prints wall and CPU seconds (CPU of every thread of this process, which is steadier than wall time on a
shared machine) with the ratio bare DuckDB / coachlens. README "Benchmarks" asks for (a)/(b) >= 0.6. With
--repeat K each measurement is the best of K runs. The machine's load average is printed with the results.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.lib.contracts import load_contracts
from pipelines.lib.generate import generate
from pipelines.lib.loader import LoadSettings, load_source, prepare_warehouse

AS_OF = dt.date(2026, 6, 30)
REFERENCES = {"sessions": ("sponsors", "cohorts", "participants", "coaches"),
              "survey_responses": ("sponsors", "cohorts", "participants", "survey_items")}


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of fn()."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bare_duckdb(path: Path, db: Path) -> tuple[float, float, int]:
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))

    def read() -> int:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
        return con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    result = timed(read)
    con.close()
    return result


def polars_read(path: Path) -> tuple[float, float, int]:
    import polars as pl

    return timed(lambda: pl.read_csv(path, infer_schema=False).height)


def coachlens_load(source: str, landing: Path, db: Path, as_of: dt.date) -> tuple[float, float, int]:
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    prepare_warehouse(con)
    settings = LoadSettings(as_of=as_of)
    contracts = load_contracts()
    now = dt.datetime.now(dt.timezone.utc)
    for name in REFERENCES[source]:
        load_source(con, contracts[name], landing, settings, now, log=lambda m: None)
    result = timed(lambda: load_source(con, contracts[source], landing, settings, now, log=lambda m: None))
    con.close()
    return result[0], result[1], result[2].totals()["rows_read"]


def best(k: int, fn) -> tuple[float, float, int]:
    runs = [fn() for _ in range(k)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def bench_source(source: str, landing: Path, tmp: Path, as_of: dt.date, repeat: int) -> None:
    path = next((landing / source).glob("*.csv"))
    load_before = os.getloadavg()[0]
    bare_wall, bare_cpu, n_bare = best(repeat, lambda: bare_duckdb(path, tmp / "bare.duckdb"))
    ours_wall, ours_cpu, n_ours = best(repeat, lambda: coachlens_load(source, landing, tmp / "ours.duckdb", as_of))
    pl_wall, pl_cpu, n_polars = best(repeat, lambda: polars_read(path))
    assert n_bare == n_ours == n_polars, (n_bare, n_ours, n_polars)
    print(f"\n{source}: {n_bare:,} rows, {path.stat().st_size / 1e6:.0f} MB "
          f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs)")
    print(f"  bare DuckDB read_csv:   {bare_wall:7.2f} s wall {bare_cpu:7.2f} s CPU  ({n_bare / bare_wall:,.0f} rows/s)")
    print(f"  coachlens loader:       {ours_wall:7.2f} s wall {ours_cpu:7.2f} s CPU  ({n_ours / ours_wall:,.0f} rows/s)")
    print(f"  Polars read_csv (text): {pl_wall:7.2f} s wall {pl_cpu:7.2f} s CPU")
    print(f"  bare DuckDB / coachlens: {bare_wall / ours_wall:.2f} wall, {bare_cpu / ours_cpu:.2f} CPU "
          f"(target >= 0.60); Polars / coachlens: {pl_wall / ours_wall:.2f} wall")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF,
                        help="the as-of date the landing folder was generated for (default %(default)s)")
    parser.add_argument("--sources", nargs="+", default=list(REFERENCES), choices=list(REFERENCES))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        landing = args.landing
        if landing is None:
            landing = tmp / "landing"
            generate(landing, args.participants, 7, args.as_of, progress=lambda m: None)
        for source in args.sources:
            bench_source(source, landing, tmp, args.as_of, args.repeat)


if __name__ == "__main__":
    main()
