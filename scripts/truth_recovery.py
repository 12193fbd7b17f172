"""Does the pipeline recover the improvement the generator injected? Repeated over seeds.

    .venv/bin/python scripts/truth_recovery.py [--seeds 5] [--participants 600]

For each seed: generate, refresh through the CLI, and count the cohort_outcomes rows (cohort x competency
x rater with an interval) whose 95% interval contains the injected mean change (_truth.json).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

COACHLENS = str(Path(sys.executable).with_name("coachlens"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--participants", type=int, default=600)
    args = parser.parse_args()
    total = covered = 0
    by_competency: dict[str, list[int]] = {}
    for seed in range(1, args.seeds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            env = {**os.environ, "DAGSTER_HOME": str(tmp / "dh")}
            subprocess.run([COACHLENS, "generate", "--out", str(tmp / "landing"), "--participants",
                            str(args.participants), "--seed", str(seed), "--as-of", "2026-06-30"], check=True,
                           capture_output=True, env=env)
            subprocess.run([COACHLENS, "refresh", "--quiet", "--landing", str(tmp / "landing"), "--warehouse",
                            str(tmp / "w.duckdb"), "--site", str(tmp / "site"), "--as-of", "2026-06-30"],
                           check=True, capture_output=True, env=env)
            truth = json.loads((tmp / "landing" / "_truth.json").read_text())["true_mean_change"]
            con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
            rows = con.execute("SELECT competency, rater_type, ci95_low, ci95_high FROM marts.cohort_outcomes "
                               "WHERE ci95_low IS NOT NULL").fetchall()
            con.close()
            hits = 0
            for comp, rater, lo, hi in rows:
                hit = lo <= truth[comp][rater] <= hi
                hits += hit
                by_competency.setdefault(f"{comp} ({rater})", [0, 0])
                by_competency[f"{comp} ({rater})"][0] += hit
                by_competency[f"{comp} ({rater})"][1] += 1
            print(f"seed {seed}: {hits} of {len(rows)} intervals contain the injected change ({hits / len(rows):.1%})")
            total += len(rows)
            covered += hits
    print(f"all seeds: {covered} of {total} ({covered / total:.1%})")
    for key, (hit, n) in sorted(by_competency.items()):
        print(f"  {key:<40} {hit:>4} of {n:<4} {hit / n:.1%}")


if __name__ == "__main__":
    main()
