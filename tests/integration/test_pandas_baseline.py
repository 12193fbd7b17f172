"""The pandas baseline of `make bench` (benchmarks/pandas_baseline.py) computes the same marts as a coachlens
refresh of the same landing folder: every column of every mart it covers equal within relative 1e-9 (absolute
1e-12 near zero). It shares no code with the pipeline, so this also checks the marts a second way. The folder
is a small generated programme plus a later file per source with re-exported rows (the later file wins) and
rows coachlens rejects (bad types and enums, unknown references, out of range, duplicated keys within a file,
a completed session after as_of, a score outside its scale, a cost without an FX rate or an owner)."""
from __future__ import annotations

import csv
import io

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarks.pandas_baseline import compute_marts, load_settings
from tests.conftest import AS_OF, refresh, run_cli

pytestmark = pytest.mark.e2e

KEYS = {
    "participant_journey": ["participant_id"],
    "cohort_engagement": ["cohort_id"],
    "cohort_outcomes": ["cohort_id", "competency", "rater_type"],
    "sponsor_outcomes": ["sponsor_id", "competency", "rater_type"],
    "cohort_goals": ["cohort_id"],
    "cohort_satisfaction": ["cohort_id"],
    "cohort_costs": ["cohort_id"],
    "monthly_costs": ["sponsor_id", "cohort_id", "month", "category"],
    "monthly_sessions": ["sponsor_id", "cohort_id", "month"],
    "sponsor_monthly_sessions": ["sponsor_id", "month"],
    "coach_utilisation": ["coach_id", "month"],
    "sponsor_summary": ["sponsor_id"],
}
NOT_IN_BASELINE = {"participant_journey": {"participant_key"}}  # a salted pseudonym, not a figure


def first_rows(path, n: int) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, [row for _, row in zip(range(n), reader)]


def write_later_file(landing, source: str, rows: list[dict]) -> None:
    header, _ = first_rows(landing / source / f"{source}.csv", 0)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: row.get(k, "") for k in header} for row in rows)
    (landing / source / "zz_later.csv").write_text(out.getvalue(), encoding="utf-8")


def add_later_files(landing) -> None:
    _, sessions = first_rows(landing / "sessions" / "sessions.csv", 3)
    session = sessions[0]
    write_later_file(landing, "sessions", [
        {**session, "status": "no_show"},                                                  # re-exported: wins
        {**session, "session_id": "SE-DUP", "status": "completed"},                         # duplicated key:
        {**session, "session_id": "SE-DUP", "status": "completed"},                         # both dropped
        {**session, "session_id": "SE-X1", "participant": "PT-9999999"},                    # unknown participant
        {**session, "session_id": "SE-X2", "scheduled_start": "2026-13-45 10:00"},          # not a timestamp
        {**session, "session_id": "SE-X3", "status": "done"},                               # not allowed
        {**session, "session_id": "SE-X4", "duration_minutes": "-5"},                       # below the minimum
        {**session, "session_id": "SE-X5", "scheduled_start": "2026-07-05 10:00", "status": "completed"},
        {**session, "session_id": "SE-OK1", "participant": "PARTICIPANT3@CLIENT.EXAMPLE", "status": "completed",
         "scheduled_start": "2026-03-01T23:30:00Z", "duration_minutes": "60", "cancelled_at": ""},
        {**session, "session_id": "SE-OK2", "status": "cancelled", "scheduled_start": "2026-03-02 09:00",
         "cancelled_at": "2026-03-01T20:00:00+01:00", "duration_minutes": "0"},
    ])
    _, answers = first_rows(landing / "survey_responses" / "survey_responses.csv", 1)
    answer = answers[0]
    write_later_file(landing, "survey_responses", [
        {**answer, "score": str(8 - int(answer["score"]))},                                 # re-exported: wins
        {**answer, "response_id": "RX-1", "score": "9"},                                    # outside 1-7
        {**answer, "response_id": "RX-2", "item_id": "NOPE_1"},                             # unknown item
        {**answer, "response_id": "RX-3", "wave": "post", "submitted_at": "2026-06-29T23:30:00+02:00"},
    ])
    write_later_file(landing, "costs", [
        {"cost_id": "XC-1", "incurred_on": "2026-02-01", "category": "other", "amount": "100", "currency": "JPY",
         "cohort_id": "CH-00001"},                                                          # no FX rate
        {"cost_id": "XC-2", "incurred_on": "2026-02-01", "category": "other", "amount": "100", "currency": "USD"},
        {"cost_id": "XC-3", "incurred_on": "2026-02-01", "category": "other", "amount": "12,50", "currency": "USD",
         "cohort_id": "CH-00001"},                                                          # not a number
        {"cost_id": "XC-4", "incurred_on": "2026-02-03", "category": "Licence", "amount": "500", "currency": "eur",
         "sponsor_id": "SP-AU"},                                                            # shared, converted
    ])
    _, people = first_rows(landing / "participants" / "participants.csv", 1)
    write_later_file(landing, "participants", [
        {**people[0], "status": "withdrawn", "exit_reason": "role change"},                # re-exported: wins
        {**people[0], "participant_id": "PT-X1", "email": "x1@client.example", "cohort_id": "CH-99999"},
    ])
    _, goals = first_rows(landing / "goals" / "goals.csv", 1)
    write_later_file(landing, "goals", [
        {**goals[0], "status": "achieved", "gas_score": "2", "rated_on": "2026-06-01"},     # a later rating
        {**goals[0], "gas_score": "3", "rated_on": "2026-06-02"},                          # above the maximum
    ])


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pandas_baseline")
    landing = tmp / "landing"
    run_cli(["generate", "--out", str(landing), "--participants", "200", "--seed", "5",
             "--as-of", AS_OF.isoformat()], tmp)
    add_later_files(landing)
    refresh(landing, tmp / "out")
    return tmp / "out" / "warehouse.duckdb", compute_marts(landing, load_settings(AS_OF))


def mart(warehouse, name: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f"SELECT * FROM marts.{name}").df()
    finally:
        con.close()


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("datetime64[us]")
    return out


def same(ours: pd.Series, theirs: pd.Series) -> np.ndarray:
    both_missing = ours.isna().to_numpy() & theirs.isna().to_numpy()
    numeric = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (ours, theirs))
    if numeric:
        a, b = ours.astype("float64").to_numpy(), theirs.astype("float64").to_numpy()
        return both_missing | np.isclose(a, b, rtol=1e-9, atol=1e-12)
    return both_missing | (ours.astype(object).to_numpy() == theirs.astype(object).to_numpy())


def test_the_later_files_exercise_the_row_rules(both):
    warehouse, _ = both
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rejected = dict(con.execute("SELECT source, count(*) FROM quarantine.rejected_rows GROUP BY 1").fetchall())
        replaced = con.execute("SELECT count(*) FROM raw.file_manifest WHERE message LIKE '%replaced by a later%'"
                               ).fetchall()[0][0]
    finally:
        con.close()
    assert rejected == {"sessions": 7, "survey_responses": 2, "costs": 3, "participants": 1, "goals": 1}
    assert replaced == 3  # sessions, survey_responses, participants: one re-exported row each


@pytest.mark.parametrize("name", sorted(KEYS))
def test_the_baseline_computes_the_same_mart(both, name):
    warehouse, marts = both
    theirs, ours = canonical(mart(warehouse, name)), canonical(marts[name])
    columns = [c for c in theirs.columns if c not in NOT_IN_BASELINE.get(name, set())]
    assert not set(columns) - set(ours.columns), f"baseline lacks {sorted(set(columns) - set(ours.columns))}"
    keys = KEYS[name]
    assert not theirs.duplicated(keys).any() and not ours.duplicated(keys).any()
    joined = theirs[columns].merge(ours[columns], on=keys, how="outer", suffixes=("", "_pandas"), indicator=True)
    assert (joined["_merge"] == "both").all(), joined.loc[joined["_merge"] != "both", keys + ["_merge"]].head()
    assert len(joined) > 0
    differ = {c: joined.loc[~same(joined[f"{c}_pandas"], joined[c]), keys + [c, f"{c}_pandas"]].head(3)
              for c in columns if c not in keys}
    assert not any(len(rows) for rows in differ.values()), {c: rows for c, rows in differ.items() if len(rows)}
