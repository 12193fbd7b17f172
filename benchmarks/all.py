"""`make bench`: every benchmark in one run on the same machine, printed as one table (issue 14; README "Benchmarks").

    .venv/bin/python benchmarks/all.py [--participants N] [--landing DIR]

Generates a landing folder (seed 3, unless --landing is given; it is copied, not changed), holds back the
sessions and survey answers of its last day (benchmarks/refresh.py), then runs one after another, each in a
child process whose wall time and peak RSS (wait4) are measured:
1. a coachlens full refresh (`--full`) of the folder without the last day,
2. the same refresh with nothing changed,
3. the pandas baseline (benchmarks/pandas_baseline.py) on the same folder, writing its marts as Parquet,
4. a coachlens refresh after the last day arrives as new files,
5. ingest of the sessions file: coachlens' loader, a bare DuckDB read_csv and a Polars read_csv
   (benchmarks/run.py; their seconds are the read itself, timed inside the child).
Ratios: each step's time against the full refresh, and the pandas baseline's time against each step.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import refresh
import run

HERE = Path(__file__).resolve().parent
INGESTS = {"coachlens loader": "coachlens", "bare DuckDB read_csv": "duckdb", "Polars read_csv (text)": "polars"}


def timed_child(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in GB, stdout) of one child process, the RSS from wait4; fails loudly."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(args[:3])} failed ({proc.returncode}): "
                             f"{err.read().decode(errors='replace')[-2000:]}")
        return elapsed, usage.ru_maxrss / 1024 / 1024, out.read().decode()


def ingest_child(kind: str, landing: Path, tmp: Path) -> None:
    """Child mode: one ingest of the sessions file; prints {"seconds", "rows"} as JSON."""
    sessions = next((landing / "sessions").glob("*.csv"))
    if kind == "duckdb":
        seconds, _cpu, rows = run.bare_duckdb(sessions, tmp / "bare.duckdb")
    elif kind == "coachlens":
        seconds, _cpu, rows = run.coachlens_load("sessions", landing, tmp / "ours.duckdb", refresh.AS_OF)
    else:
        seconds, _cpu, rows = run.polars_read(sessions)
    print(json.dumps({"seconds": seconds, "rows": rows}))


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def prepare_landing(args, tmp: Path) -> tuple[Path, dict]:
    landing = tmp / "landing"
    if args.landing:
        shutil.copytree(args.landing, landing)
    else:
        refresh.generate(landing, args.participants, 3, refresh.AS_OF, progress=lambda m: None)
    return landing, refresh.hold_back_last_day(landing, tmp / "held", refresh.AS_OF)


def measure_all(landing: Path, tmp: Path) -> list[tuple[str, float, float]]:
    env = {**os.environ, "DAGSTER_HOME": str(tmp / "dagster_home"),
           "COACHLENS_PSEUDONYM_SALT": os.environ.get("COACHLENS_PSEUDONYM_SALT", "benchmark-salt")}
    out = tmp / "out"
    rows = [("coachlens refresh, full (--full)", *refresh.timed_refresh(landing, out, env, full=True)),
            ("coachlens refresh, nothing changed", *refresh.timed_refresh(landing, out, env))]
    seconds, peak, _ = timed_child([sys.executable, str(HERE / "pandas_baseline.py"), "--landing", str(landing),
                                       "--as-of", refresh.AS_OF.isoformat(), "--out", str(tmp / "pandas_marts")])
    rows.append(("pandas baseline, same folder", seconds, peak))
    for source in ("sessions", "survey_responses"):
        shutil.copy(tmp / "held" / source / "zz_one_more_day.csv", landing / source / "zz_one_more_day.csv")
    rows.append(("coachlens refresh, one more day", *refresh.timed_refresh(landing, out, env)))
    for name, kind in INGESTS.items():
        child_tmp = tmp / f"ingest_{kind}"
        child_tmp.mkdir()
        _, peak, stdout = timed_child([sys.executable, __file__, "--ingest", kind, "--landing", str(landing),
                                          "--tmp", str(child_tmp)])
        rows.append((f"ingest sessions: {name}", json.loads(stdout)["seconds"], peak))
        shutil.rmtree(child_tmp)
    return rows


def print_table(rows: list[tuple[str, float, float]]) -> None:
    times = {name: secs for name, secs, _ in rows}
    full, pandas = times["coachlens refresh, full (--full)"], times["pandas baseline, same folder"]
    print(f"{'step':<44}{'seconds':>9}{'of full':>9}{'pandas/this':>13}{'peak GB':>9}")
    for name, secs, peak in rows:
        print(f"{name:<44}{secs:>9.1f}{secs / full:>9.0%}{pandas / secs:>12.1f}x{peak:>9.2f}")
    bare, ours = times["ingest sessions: bare DuckDB read_csv"], times["ingest sessions: coachlens loader"]
    polars = times["ingest sessions: Polars read_csv (text)"]
    print(f"ingest speed relative to bare DuckDB: {bare / ours:.2f} (target >= 0.60, 0.80 hoped); "
          f"to Polars: {polars / ours:.2f}")
    print("targets (issue 14, at 500,000): full < 2 min and < 4 GB; nothing changed < 10 %; one more day < 15 %; "
          "pandas baseline >= 10x the full refresh")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--landing", type=Path, help="an existing landing folder (it is copied, not changed)")
    parser.add_argument("--ingest", choices=sorted(INGESTS.values()), help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest:
        return ingest_child(args.ingest, args.landing, args.tmp)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        load_before = load_average()
        landing, held = prepare_landing(args, tmp)
        rows = measure_all(landing, tmp)
        size = sum(p.stat().st_size for p in landing.rglob("*.csv")) / 1e6
        print(f"landing: {args.landing or f'generated, {args.participants:,} participants (seed 3)'}, {size:,.0f} MB "
              f"of CSV; one more day = {held['sessions']:,} sessions, {held['survey_responses']:,} survey answers")
        print(f"load average (1, 5, 15 min) before: {load_before}; after: {load_average()}; {os.cpu_count()} cores")
        print_table(rows)


if __name__ == "__main__":
    main()
