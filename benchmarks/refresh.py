"""Benchmark of whole refreshes (never timed assertions in tests): full, nothing changed, one more day.

    .venv/bin/python benchmarks/refresh.py [--participants N] [--landing DIR]

Generates a landing folder (unless --landing is given), holds back the sessions and survey answers of its last
day, then runs through the real CLI, one after another on the same warehouse:
1. a full refresh (`--full`) of the folder without the last day,
2. the same refresh again with nothing changed (incremental, the nightly default),
3. a refresh after the last day arrives as new files (sessions and survey answers),
and prints each one's wall time, its ratio to the full refresh and its peak memory (RSS of the refresh
process and its children, from wait4). README "Benchmarks": nothing changed < 10 %, one more day < 15 %.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.lib.generate import generate

AS_OF = dt.date(2026, 6, 30)
COACHLENS = str(Path(sys.executable).with_name("coachlens"))


def hold_back_last_day(landing: Path, held: Path, day: dt.date) -> dict:
    """Move the rows of `day` out of sessions and survey_responses into files under `held`."""
    counts = {}
    for source, column in (("sessions", "scheduled_start"), ("survey_responses", "submitted_at")):
        src = next((landing / source).glob("*.csv"))
        keep_path = src.with_suffix(".tmp")
        (held / source).mkdir(parents=True, exist_ok=True)
        out_path = held / source / "zz_one_more_day.csv"
        with open(src, encoding="utf-8") as fin, open(keep_path, "w", encoding="utf-8") as keep, \
                open(out_path, "w", encoding="utf-8") as out:
            header = fin.readline()
            index = header.rstrip("\n").split(",").index(column)
            keep.write(header)
            out.write(header)
            prefix, n = day.isoformat(), 0
            for line in fin:
                if line.split(",", index + 1)[index].startswith(prefix):
                    out.write(line)
                    n += 1
                else:
                    keep.write(line)
        os.replace(keep_path, src)
        counts[source] = n
    return counts


def timed_refresh(landing: Path, out: Path, env: dict, full: bool = False) -> tuple[float, float]:
    """(seconds, peak RSS in GB) of one `coachlens refresh` in a child process."""
    args = [COACHLENS, "refresh", "--quiet", "--landing", str(landing), "--warehouse", str(out / "warehouse.duckdb"),
            "--site", str(out / "site"), "--as-of", AS_OF.isoformat()] + (["--full"] if full else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=False)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 4):
        raise SystemExit(f"refresh failed ({code}): {proc.stderr.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024 / 1024  # KiB -> GiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--landing", type=Path, help="an existing landing folder (it is copied, not changed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        landing = tmp / "landing"
        if args.landing:
            shutil.copytree(args.landing, landing)
        else:
            generate(landing, args.participants, 3, AS_OF, progress=lambda m: None)
        held = hold_back_last_day(landing, tmp / "held", AS_OF)
        env = {**os.environ, "DAGSTER_HOME": str(tmp / "dagster_home"),
               "COACHLENS_PSEUDONYM_SALT": os.environ.get("COACHLENS_PSEUDONYM_SALT", "benchmark-salt")}
        out = tmp / "out"
        full, full_mem = timed_refresh(landing, out, env, full=True)
        same, same_mem = timed_refresh(landing, out, env)
        for source in held:
            shutil.copy(tmp / "held" / source / "zz_one_more_day.csv", landing / source / "zz_one_more_day.csv")
        day, day_mem = timed_refresh(landing, out, env)
        print(f"landing: {args.landing or f'generated, {args.participants:,} participants'}; one more day = "
              f"{held['sessions']:,} sessions, {held['survey_responses']:,} survey answers")
        print(f"{'refresh':<28}{'seconds':>9}{'of full':>9}{'peak GB':>9}")
        for name, secs, mem in (("full (--full)", full, full_mem), ("nothing changed", same, same_mem),
                                ("one more day (new files)", day, day_mem)):
            print(f"{name:<28}{secs:>9.1f}{secs / full:>9.0%}{mem:>9.2f}")
        print("targets (README "Benchmarks"): nothing changed < 10 %, one more day < 15 %, full < 2 min and < 4 GB at 500,000")


if __name__ == "__main__":
    main()
