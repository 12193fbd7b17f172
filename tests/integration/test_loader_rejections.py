"""Every rejection reason of docs/loading.md gives row, column and an actionable reason."""
import pytest

from tests.integration.loading import BASE, load, manifest, rejections, write_landing


def test_the_base_folder_loads_cleanly(tmp_path):
    con = load(write_landing(tmp_path))
    assert con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchall()[0][0] == 0
    # email references resolve case-insensitively; ids stay case-sensitive
    assert con.execute("SELECT _participant_id FROM raw.assignments ORDER BY 1").fetchall() == [("P1",), ("P2",)]
    # naive timestamps are in the cohort's zone (New York: UTC-5 in February)
    assert str(con.execute("SELECT scheduled_start FROM raw.sessions WHERE session_id='X1'").fetchall()[0][0]) \
        == "2024-02-01 15:00:00+00:00"
    # defaults: cohort currency -> reporting currency, timezone -> config timezone
    assert con.execute("SELECT currency, timezone FROM raw.cohorts WHERE cohort_id='C1'").fetchall() == [("USD", "America/New_York")]
    assert con.execute("SELECT timezone FROM raw.cohorts WHERE cohort_id='C2'").fetchall() == [("UTC",)]


CASES = [
    # source, extra line appended to the base file, column, words the reason must contain
    ("participants", "P9,,C1,2024-01-02,active", "email", ["email is required"]),
    ("participants", "P9,p9@x.org,C1,02/01/2024,active", "enrolled_on", ['"02/01/2024"', "not a date"]),
    ("participants", "P9,p9@x.org,C1,2024-01-02,paused", "status", ['"paused"', "not allowed", "withdrawn"]),
    ("participants", "P9,p9@x.org,C404,2024-01-02,active", "cohort_id", ["unknown cohort", "C404"]),
    ("sessions", "X9,P404,K1,2024-02-01 10:00,60,completed,", "participant", ["unknown participant", "P404"]),
    ("sessions", "X9,P1,K404,2024-02-01 10:00,60,completed,", "coach", ["unknown coach", "K404"]),
    ("sessions", "X9,shared@x.org,K1,2024-02-01 10:00,60,completed,", "participant", ["unknown participant", "shared@x.org"]),
    ("sessions", "X9,P1,K1,2024-07-01 10:00,60,completed,", "scheduled_start", ["after the as-of date"]),
    ("sessions", "X9,P1,K1,2024-02-01 10:00,-5,completed,", "duration_minutes", ["-5", "below the minimum 0"]),
    ("sessions", "X9,P1,K1,2024-02-01 25:00,60,completed,", "scheduled_start", ["not a timestamp"]),
    ("sessions", "X9,P1,K1,1 Feb 2024,60,completed,", "scheduled_start", ["not a timestamp"]),
    ("survey_responses", "R9,P1,360,pre,self,LEAD_3,9,2024-01-04 09:00", "score",
     ["score 9 is outside item LEAD_3's scale 1-5"]),
    ("survey_responses", "R9,P1,360,pre,self,NOPE,3,2024-01-04 09:00", "item_id", ["unknown item", "NOPE"]),
    ("survey_responses", "R9,P1,360,pre,boss,LEAD_1,3,2024-01-04 09:00", "rater_type", ['"boss"', "not allowed"]),
    ("survey_items", "BAD,competency,X,5,5,false", "scale_max", ["scale_min 5 is not below scale_max 5"]),
    ("survey_items", "NPS2,nps,,1,5,false", "scale_min", ["nps item must have the scale 0-10"]),
    ("survey_items", "C9,competency,,1,5,false", "competency", ["competency is required"]),
    ("goals", "G9,P1,2024-01-10,on_track,3,2024-03-02", "gas_score", ["gas_score 3 is above the maximum 2"]),
    ("costs", "F9,2024-02-01,coaching_fee,abc,USD,C1,", "amount", ['"abc"', "not an amount of money"]),
    ("costs", "F9,2024-02-01,coaching_fee,10,EURO,C1,", "currency", ["three-letter currency"]),
    ("costs", "F9,2023-02-01,coaching_fee,10,EUR,C1,", "currency", ["no FX rate for EUR valid on 2023-02-01"]),
    ("costs", "F9,2024-02-01,coaching_fee,10,USD,,", "cohort_id", ["cohort_id or sponsor_id is required"]),
    ("costs", "F9,2024-02-01,coaching_fee,10,USD,,S404", "sponsor_id", ["unknown sponsor", "S404"]),
    ("fx_rates", "GBP,2024-01-01,0", "rate_to_reporting", ["must be greater than 0"]),
    ("cohorts", "C9,Nine,S1,2024-06-01,2024-05-01,6,,,", "end_date", ["end_date 2024-05-01 is before start_date 2024-06-01"]),
    ("cohorts", "C9,Nine,S1,2024-01-01,2024-05-01,0,,,", "planned_sessions", ["below the minimum 1"]),
    ("cohorts", "C9,Nine,S1,2024-01-01,2024-05-01,6,Mars/Base,,", "timezone", ["not an IANA time zone"]),
    ("cohorts", "C9,Nine,S1,2024-01-01,2024-05-01,6.5,,,", "planned_sessions", ["not a whole number"]),
    ("assignments", "P1,K2,2024-02-03,2024-02-01", "ended_on", ["before matched_on"]),
    ("sponsors", "S1,Acme again", "sponsor_id", ["duplicate key S1 occurs 2 times"]),
    ("employees", "E9,e9@x.org,,,,2024-01-01,2023-01-01,voluntary", "left_on",
     ["left_on 2023-01-01 is before hired_on 2024-01-01"]),
    ("employees", "E9,e9@x.org,,,,2024-01-01,,fired", "exit_type", ['"fired"', "not allowed", "involuntary"]),
    ("employees", "E9,e9@x.org,,,,,,", "hired_on", ["hired_on is required"]),
    ("hr_events", "E404,promotion,2024-01-01,", "employee_id", ["unknown employee E404", "not in employees"]),
    ("hr_events", "E1,rating,2024-02-01,", "value", ["value is required for a rating event"]),
    ("hr_events", "E1,raise,2024-02-01,", "event", ['"raise"', "not allowed", "promotion, rating"]),
    ("survey_responses", "R9,P1,360,later,self,LEAD_1,3,2024-05-04 09:00", "wave", ['"later"', "follow_up"]),
]


@pytest.mark.parametrize("source, line, column, words", CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_rejection_reasons(tmp_path, source, line, column, words):
    text = BASE[source] + line + "\n"
    con = load(write_landing(tmp_path, {source: text}))
    bad_line = text.count("\n")  # physical line of the appended record (header is line 1)
    rejected = rejections(con, source)
    assert [r[0] for r in rejected if r[0] == bad_line], f"line {bad_line} not rejected: {rejected}"
    row, col, reason = next(r for r in rejected if r[0] == bad_line)
    assert col == column, reason
    for word in words:
        assert word in reason, reason
    for path, read, loaded, rej, status, _ in manifest(con, source):
        assert read == loaded + rej and status == "ok"


def test_all_copies_of_a_duplicate_key_are_rejected_whatever_else_is_wrong(tmp_path):
    text = BASE["sessions"] + "X1,P1,K1,not-a-date,60,completed,\n"
    con = load(write_landing(tmp_path, {"sessions": text}))
    assert [(r[0], r[1]) for r in rejections(con, "sessions")] == [(2, "session_id"), (4, "session_id")]
    assert con.execute("SELECT session_id FROM raw.sessions").fetchall() == [("X2",)]


def test_malformed_rows_are_rejected_and_the_rest_load(tmp_path):
    text = BASE["sponsors"] + "S3,Gamma,extra\nS4\n\"S5,\"\"odd\nname\"\nS6,Delta\n"
    con = load(write_landing(tmp_path, {"sponsors": text}))
    got = rejections(con, "sponsors")
    assert [g[0] for g in got] == [4, 5, 6]
    assert all("malformed row" in g[2] for g in got)
    assert sorted(r[0] for r in con.execute("SELECT sponsor_id FROM raw.sponsors").fetchall()) == ["S1", "S2", "S6"]
    assert manifest(con, "sponsors")[0][1:4] == (6, 3, 3)


def test_completed_session_after_as_of_uses_the_local_date(tmp_path):
    # 2024-07-01 01:00 UTC is still June 30 in New York: allowed on as_of 2024-06-30
    text = BASE["sessions"] + "X8,P1,K1,2024-07-01T01:00:00Z,60,completed,\nX9,P1,K1,2024-07-01T05:00:00Z,60,completed,\n"
    con = load(write_landing(tmp_path, {"sessions": text}))
    assert [r[0] for r in rejections(con, "sessions")] == [5]


@pytest.mark.parametrize("content, words", [
    ("participant_id,cohort_id,enrolled_on,status\nP1,C1,2024-01-01,active\n", ["missing required column email"]),
    ("", ["empty"]),
    ("\n\n", ["empty"]),
])
def test_file_level_failures_load_nothing(tmp_path, content, words):
    con = load(write_landing(tmp_path, {"participants": content}))
    (path, read, loaded, rejected, status, message), = manifest(con, "participants")
    assert status == "failed" and (read, loaded, rejected) == (0, 0, 0)
    for w in words:
        assert w in message
    assert con.execute("SELECT count(*) FROM raw.participants").fetchall()[0][0] == 0


def test_header_only_file_is_ok_with_a_warning(tmp_path):
    con = load(write_landing(tmp_path, {"goals": "goal_id,participant,set_on,status\n"}))
    (_, read, loaded, rejected, status, message), = manifest(con, "goals")
    assert (read, status) == (0, "ok") and "no data rows" in message


def test_other_extensions_are_skipped_and_listed(tmp_path):
    root = write_landing(tmp_path)
    (root / "sponsors" / "notes.txt").write_text("hello")
    con = load(root)
    assert ("sponsors/notes.txt", 0, 0, 0, "skipped") in [m[:5] for m in manifest(con, "sponsors")]


def test_later_file_wins_and_loading_twice_changes_nothing(tmp_path):
    root = write_landing(tmp_path)
    (root / "sponsors" / "z_update.csv").write_text("sponsor_id,sponsor_name\nS1,Acme Renamed\n")
    con = load(root)
    assert con.execute("SELECT sponsor_name FROM raw.sponsors WHERE sponsor_id='S1'").fetchall() == [("Acme Renamed",)]
    first = con.execute("SELECT * EXCLUDE (_loaded_at) FROM raw.sponsors ORDER BY sponsor_id").fetchall()
    (root / "sponsors" / "z_copy.csv").write_text("sponsor_id,sponsor_name\nS1,Acme Renamed\n")
    again = load(root).execute("SELECT sponsor_id, sponsor_name FROM raw.sponsors ORDER BY sponsor_id").fetchall()
    assert again == [(r[0], r[1]) for r in first]
    (root / "sponsors" / "z_update.csv").unlink()
    (root / "sponsors" / "z_copy.csv").unlink()
    removed = load(root).execute("SELECT sponsor_name FROM raw.sponsors WHERE sponsor_id='S1'").fetchall()
    assert removed == [("Acme",)], "a file removed from the landing folder no longer contributes"


@pytest.mark.parametrize("names, winner", [(("a.csv", "b.csv"), "Second"), (("b.csv", "a.csv"), "First")])
def test_the_file_loaded_last_wins_in_either_order(tmp_path, names, winner):
    root = write_landing(tmp_path, {"sponsors": None})
    (root / "sponsors" / names[0]).write_text("sponsor_id,sponsor_name\nS1,First\nS2,Beta\n", encoding="utf-8")
    (root / "sponsors" / names[1]).write_text("sponsor_id,sponsor_name\nS1,Second\n", encoding="utf-8")
    con = load(root)
    assert con.execute("SELECT sponsor_name, _source_file FROM raw.sponsors WHERE sponsor_id = 'S1'").fetchall() \
        == [(winner, "sponsors/b.csv")]
    assert con.execute("SELECT count(*) FROM raw.sponsors").fetchall()[0][0] == 2
    messages = dict((m[0], m[5]) for m in manifest(con, "sponsors"))
    assert "replaced by a later file" in messages["sponsors/a.csv"]


def test_optional_hr_sources_absent_load_as_empty_tables(tmp_path):
    root = write_landing(tmp_path)
    for source in ("employees", "hr_events"):
        for f in (root / source).iterdir():
            f.unlink()
        (root / source).rmdir()
    con = load(root)
    assert con.execute("SELECT count(*) FROM raw.employees").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM raw.hr_events").fetchall() == [(0,)]
    assert manifest(con, "employees") == [] and manifest(con, "hr_events") == []


def test_employees_and_hr_events_load_typed(tmp_path):
    con = load(write_landing(tmp_path))
    assert con.execute("SELECT employee_id, email, region, left_on, exit_type FROM raw.employees ORDER BY 1").fetchall() \
        == [("E1", "p1@x.org", None, None, None), ("E2", "e2@x.org", None, __import__("datetime").date(2024, 3, 1),
                                                    "voluntary")]
    assert con.execute("SELECT employee_id, event, value FROM raw.hr_events ORDER BY 1").fetchall() \
        == [("E1", "rating", 3.0), ("E2", "promotion", None)]
