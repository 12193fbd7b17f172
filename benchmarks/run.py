"""Benchmarks (never timed assertions in tests): ingestion speed against bare DuckDB in the same run.

    .venv/bin/python benchmarks/run.py [--participants N] [--landing DIR]

Generates a landing folder (unless --landing is given), then loads its sessions file (a) with a bare
DuckDB read_csv into a table and (b) through coachlens' loader (contract checks, provenance, quarantine),
and (c) with a bare Polars read_csv, and prints the times and ratios. README "Benchmarks" asks for (a)/(b) >= 0.6.
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.lib.contracts import load_contracts
from pipelines.lib.generate import generate
from pipelines.lib.loader import LoadSettings, load_source, prepare_warehouse

AS_OF = dt.date(2026, 6, 30)


def bare_duckdb(path: Path, db: Path) -> tuple[float, int]:
    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE sessions AS SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
    n = con.execute("SELECT count(*) FROM sessions").fetchall()[0][0]
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, n


def polars_read(path: Path) -> tuple[float, int]:
    import polars as pl

    t0 = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    return time.perf_counter() - t0, frame.height


def coachlens_load(landing: Path, db: Path) -> tuple[float, int]:
    con = duckdb.connect(str(db))
    prepare_warehouse(con)
    settings = LoadSettings(as_of=AS_OF)
    contracts = load_contracts()
    now = dt.datetime.now(dt.timezone.utc)
    for name in ("sponsors", "cohorts", "participants", "coaches"):  # the references sessions need
        load_source(con, contracts[name], landing, settings, now, log=lambda m: None)
    t0 = time.perf_counter()
    result = load_source(con, contracts["sessions"], landing, settings, now, log=lambda m: None)
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, result.totals()["rows_read"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--landing", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        landing = args.landing
        if landing is None:
            landing = tmp / "landing"
            generate(landing, args.participants, 7, AS_OF, progress=lambda m: None)
        sessions = next((landing / "sessions").glob("*.csv"))
        size = sessions.stat().st_size / 1e6
        bare, n_bare = bare_duckdb(sessions, tmp / "bare.duckdb")
        ours, n_ours = coachlens_load(landing, tmp / "ours.duckdb")
        polars, n_polars = polars_read(sessions)
        assert n_bare == n_ours == n_polars, (n_bare, n_ours, n_polars)
        print(f"sessions file: {n_bare:,} rows, {size:.0f} MB")
        print(f"bare DuckDB read_csv:   {bare:7.2f} s  ({n_bare / bare:,.0f} rows/s)")
        print(f"coachlens loader:       {ours:7.2f} s  ({n_ours / ours:,.0f} rows/s)")
        print(f"Polars read_csv (text): {polars:7.2f} s  ({n_polars / polars:,.0f} rows/s)")
        print(f"speed relative to bare DuckDB: {bare / ours:.2f} (target >= 0.60); to Polars: {polars / ours:.2f}")


if __name__ == "__main__":
    main()
