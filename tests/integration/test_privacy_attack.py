"""The differencing attack of a curious sponsor (docs/privacy.md, "Complementary suppression"): no suppressed figure can be recovered.

The attacker holds everything a sponsor can obtain: their page and every CSV it offers, from this refresh and
from the previous one. Between the two refreshes one small cohort grows past k (4 -> 5 people) and another
shrinks below it (5 -> 4). The attacker subtracts: a total minus the visible cohorts (within one page), and
last month's total minus this month's total plus last month's visible value (across refreshes). Every
figure so recovered is compared with the true value in the marts: any match is a leak.
"""
from __future__ import annotations

import base64
import csv
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import refresh

pytestmark = pytest.mark.e2e
K = 5
GROW, SHRINK = "CH-ATTACK-GROW", "CH-ATTACK-SHRINK"


# --- the programme ---------------------------------------------------------------------------------------

def add_cohort(landing: Path, cohort_id: str, sponsor: str, people: int) -> None:
    """A cohort of `people` participants, each with three completed sessions, written as extra files."""
    coach = next(csv.DictReader(open(landing / "coaches" / "coaches.csv", encoding="utf-8")))["coach_id"]
    with open(landing / "cohorts" / f"{cohort_id}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cohort_id", "cohort_name", "sponsor_id", "start_date", "end_date", "planned_sessions"])
        w.writerow([cohort_id, f"Pilot {cohort_id[-5:].lower()}", sponsor, "2026-01-05", "2026-09-30", "6"])
    with open(landing / "participants" / f"{cohort_id}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["participant_id", "email", "full_name", "cohort_id", "enrolled_on", "status"])
        for i in range(people):
            w.writerow([f"{cohort_id}-P{i}", f"{cohort_id.lower()}.{i}@client.example", f"Person {i}", cohort_id,
                        "2026-01-05", "active"])
    with open(landing / "sessions" / f"{cohort_id}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["session_id", "participant", "coach", "scheduled_start", "duration_minutes", "status"])
        for i in range(people):
            for s in range(3):
                w.writerow([f"{cohort_id}-S{i}-{s}", f"{cohort_id}-P{i}", coach, f"2026-0{2 + s}-1{i % 9} 10:00",
                            45 + 15 * (i % 3), "completed" if (i + s) % 4 else "no_show"])


def sponsors_with_two_cohorts(landing: Path) -> list[str]:
    counts: dict[str, int] = {}
    for row in csv.DictReader(open(landing / "cohorts" / "cohorts.csv", encoding="utf-8")):
        counts[row["sponsor_id"]] = counts.get(row["sponsor_id"], 0) + 1
    return sorted(s for s, n in counts.items() if n >= 2)


# --- what the attacker holds ---------------------------------------------------------------------------------

def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def page_tables(html: str) -> list[tuple[str, list[str], list[list]]]:
    """Every CSV the page offers: (file name, header, rows with numbers parsed)."""
    out = []
    for name, data in re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html):
        rows = list(csv.reader(io.StringIO(base64.b64decode(data).decode("utf-8"))))
        if rows:
            out.append((name, rows[0], [[_number(c) if _number(c) is not None else c for c in r] for r in rows[1:]]))
    return out


def _snake(text) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def totals(tables) -> dict[str, set[float]]:
    """Candidate totals per figure name: every numeric cell of a column, every column's sum, and labelled rows
    of two-column tables (a funnel's 'Enrolled, 60')."""
    out: dict[str, set[float]] = {}
    for _, header, rows in tables:
        for j, name in enumerate(header):
            values = [r[j] for r in rows if j < len(r) and isinstance(r[j], float)]
            if values:
                out.setdefault(name, set()).update(values)
                out[name].add(sum(values))
        if len(header) == 2:
            for r in rows:
                if len(r) == 2 and isinstance(r[1], float):
                    out.setdefault(_snake(r[0]), set()).add(r[1])
    return out


def cohort_columns(tables) -> dict[str, dict[str, float]]:
    """Per figure name, the visible value of each cohort in tables that list cohorts."""
    out: dict[str, dict[str, float]] = {}
    for _, header, rows in tables:
        if "cohort" not in header:
            continue
        c = header.index("cohort")
        for j, name in enumerate(header):
            for r in rows:
                if j < len(r) and isinstance(r[j], float):
                    out.setdefault(name, {})[str(r[c])] = r[j]
    return out


# --- the truth ---------------------------------------------------------------------------------------------

def suppressed_truth(warehouse: Path, cohort_id: str) -> dict[str, float]:
    """Every non-zero numeric figure the marts hold about one cohort (cohort-level marts)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        truth: dict[str, float] = {}
        marts = [t for (t,) in con.execute("""SELECT DISTINCT table_name FROM duckdb_columns()
            WHERE schema_name = 'marts' AND column_name = 'cohort_id'""").fetchall()]
        for mart in marts:
            cur = con.execute(f'SELECT * FROM marts."{mart}" WHERE cohort_id = ?', [cohort_id])
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if len(rows) != 1:
                continue  # breakdowns (months, competencies) are compared through their own columns only
            for name, value in zip(names, rows[0]):
                if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value:  # money: DECIMAL
                    truth.setdefault(name, float(value))
        return truth
    finally:
        con.close()


def cohort_name(warehouse: Path, cohort_id: str) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT cohort_name FROM staging.stg_landing__cohorts WHERE cohort_id = ?",
                           [cohort_id]).fetchall()[0][0]
    finally:
        con.close()


def _matches(guess: float, truth: float) -> bool:
    return abs(guess - truth) <= 1e-9 * max(1.0, abs(truth))  # downloads hold exact values, not rounded ones


def within_page_leaks(tables, truth: dict[str, float]) -> list[str]:
    leaks = []
    candidates = totals(tables)
    for name, visible in cohort_columns(tables).items():
        if name not in truth:
            continue
        shown = sum(visible.values())
        for total in candidates.get(name, ()):
            if total != shown and _matches(total - shown, truth[name]):
                leaks.append(f"{name}: total {total:g} - visible cohorts {shown:g} = {total - shown:g} (true value)")
    return leaks


def across_refresh_leaks(old_tables, new_tables, name_of_cohort: str, truth_new: dict[str, float],
                         visible_old: dict[str, dict[str, float]]) -> list[str]:
    """The cohort was visible last time (value v_old) and is suppressed now: v_new = T_new - T_old + v_old."""
    leaks = []
    old_totals, new_totals = totals(old_tables), totals(new_tables)
    for name, per_cohort in visible_old.items():
        if name not in truth_new or name_of_cohort not in per_cohort:
            continue
        for t_new in new_totals.get(name, ()):
            for t_old in old_totals.get(name, ()):
                guess = t_new - t_old + per_cohort[name_of_cohort]
                if t_new != t_old and _matches(guess, truth_new[name]) and not any(
                        x.startswith(f"{name}: this total {t_new:g} ") for x in leaks):
                    leaks.append(f"{name}: this total {t_new:g} - last total {t_old:g} + last visible "
                                 f"{per_cohort[name_of_cohort]:g} = {guess:g} (true value)")
    return leaks


def test_no_suppressed_figure_can_be_recovered_by_subtraction(generated, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(generated, landing)
    grow_sponsor, shrink_sponsor = sponsors_with_two_cohorts(landing)[:2]
    add_cohort(landing, GROW, grow_sponsor, K - 1)
    add_cohort(landing, SHRINK, shrink_sponsor, K)
    first = tmp_path / "first"
    refresh(landing, first, COACHLENS_MIN_GROUP_SIZE=str(K))
    old_pages = {s: (first / "site" / "sponsors" / f"{s}.html").read_text(encoding="utf-8")
                 for s in (grow_sponsor, shrink_sponsor)}
    truth_grow_old = suppressed_truth(first / "warehouse.duckdb", GROW)

    add_cohort(landing, GROW, grow_sponsor, K)          # grows past k: visible now
    add_cohort(landing, SHRINK, shrink_sponsor, K - 1)  # shrinks below k: suppressed now
    second = tmp_path / "second"
    shutil.copytree(first, second)
    refresh(landing, second, COACHLENS_MIN_GROUP_SIZE=str(K))
    new_pages = {s: (second / "site" / "sponsors" / f"{s}.html").read_text(encoding="utf-8")
                 for s in (grow_sponsor, shrink_sponsor)}
    wh = second / "warehouse.duckdb"
    truth_shrink = suppressed_truth(wh, SHRINK)
    assert truth_shrink.get("enrolled") == K - 1 and truth_grow_old.get("enrolled") == K - 1  # the scenario holds

    leaks = []
    # within this refresh's page: the shrunk cohort
    leaks += [f"{shrink_sponsor} page, {SHRINK}: {x}" for x in
              within_page_leaks(page_tables(new_pages[shrink_sponsor]), truth_shrink)]
    # within last refresh's page: the cohort that was still small then
    leaks += [f"{grow_sponsor} earlier page, {GROW}: {x}" for x in
              within_page_leaks(page_tables(old_pages[grow_sponsor]), truth_grow_old)]
    # across refreshes: the shrunk cohort was visible last time
    old_tables, new_tables = page_tables(old_pages[shrink_sponsor]), page_tables(new_pages[shrink_sponsor])
    leaks += [f"{shrink_sponsor} pages of two refreshes, {SHRINK}: {x}" for x in across_refresh_leaks(
        old_tables, new_tables, cohort_name(wh, SHRINK), truth_shrink, cohort_columns(old_tables))]
    # across refreshes: the grown cohort is visible now, so last time's value follows from the totals
    old_tables, new_tables = page_tables(old_pages[grow_sponsor]), page_tables(new_pages[grow_sponsor])
    leaks += [f"{grow_sponsor} pages of two refreshes, {GROW} (earlier value): {x}" for x in across_refresh_leaks(
        new_tables, old_tables, cohort_name(wh, GROW), truth_grow_old, cohort_columns(new_tables))]
    assert not leaks, "suppressed figures recovered by subtraction:\n" + "\n".join(leaks)
