"""Does the pipeline recover the truths the generator injected? Repeated over seeds.

    .venv/bin/python scripts/truth_recovery.py [--seeds 5] [--participants 600]

For each seed: generate, refresh through the CLI, and count the rows whose 95% interval contains the
injected truth (_truth.json): cohort_outcomes (mean change per competency and rater), cohort_durability
(mean change from post to follow-up: the gain fades for some), and cohort_comparison (retention difference
and rating difference in differences against the matched comparison group).
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

FAMILIES = {
    "cohort_outcomes": ("SELECT competency, rater_type, ci95_low, ci95_high FROM marts.cohort_outcomes "
                        "WHERE ci95_low IS NOT NULL", lambda t, a, b: t["true_mean_change"][a][b]),
    "cohort_durability": ("SELECT competency, rater_type, ci95_low, ci95_high FROM marts.cohort_durability "
                          "WHERE ci95_low IS NOT NULL", lambda t, a, b: t["true_mean_change_since_post"][a][b]),
    "cohort_comparison": ("SELECT cohort_id, outcome, ci95_low, ci95_high FROM marts.cohort_comparison "
                          "WHERE ci95_low IS NOT NULL AND outcome IN ('retention', 'rating')",
                          lambda t, a, b: t["comparison"][a][b]),
}


def coverage(warehouse: Path, truth: dict) -> dict[str, list[tuple[str, bool]]]:
    """family -> [(group label, interval contains the truth)]."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for family, (sql, true_value) in FAMILIES.items():
            rows = con.execute(sql).fetchall()
            label = (lambda a, b: b) if family == "cohort_comparison" else (lambda a, b: f"{a} ({b})")
            out[family] = [(label(a, b), lo <= true_value(truth, a, b) <= hi) for a, b, lo, hi in rows]
        return out
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--participants", type=int, default=600)
    args = parser.parse_args()
    totals: dict[str, dict[str, list[int]]] = {f: {} for f in FAMILIES}
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
            truth = json.loads((tmp / "landing" / "_truth.json").read_text())
            for family, hits in coverage(tmp / "w.duckdb", truth).items():
                n, k = len(hits), sum(h for _, h in hits)
                print(f"seed {seed} {family:<18}: {k} of {n} intervals contain the injected truth ({k / max(n, 1):.1%})")
                for group, hit in hits:
                    totals[family].setdefault(group, [0, 0])
                    totals[family][group][0] += hit
                    totals[family][group][1] += 1
    for family, groups in totals.items():
        hit = sum(h for h, _ in groups.values())
        n = sum(n for _, n in groups.values())
        print(f"all seeds {family}: {hit} of {n} ({hit / max(n, 1):.1%})")
        for key, (h, n) in sorted(groups.items()):
            print(f"  {key:<40} {h:>4} of {n:<4} {h / n:.1%}")


if __name__ == "__main__":
    main()
