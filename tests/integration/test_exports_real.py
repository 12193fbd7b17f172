"""The six real exports (tests/fixtures/exports, see NOTICE.md) load unchanged: recognised by their own
layout, every row loaded or rejected with a reason, times on the right instant, physical line numbers.

Their values are not a coaching programme's, so each test's roster names a few of the people in the
file; expected values are worked out by hand from the file's lines (quoted in the comments)."""
import shutil
from pathlib import Path

from tests.integration.loading import load, write_landing

FIXTURES = Path(__file__).parents[1] / "fixtures" / "exports"
SESSION_COLUMNS = "session_id, _participant_id, _coach_id, strftime(scheduled_start, '%Y-%m-%d %H:%M:%S'), " \
                  "duration_minutes, status, _source_row"


def landing(tmp_path, source, fixture, participants=None, coaches=None, mappings=None):
    overrides = {source: None}
    if participants:
        overrides["participants"] = "participant_id,email,full_name,cohort_id,enrolled_on,status\n" + "".join(
            f"{pid},{email},{name},C1,2020-01-01,active\n" for pid, email, name in participants)
    if coaches:
        overrides["coaches"] = "coach_id,email,full_name\n" + "".join(f"{c},{e},{n}\n" for c, e, n in coaches)
    root = write_landing(tmp_path, overrides)
    shutil.copy(FIXTURES / fixture, root / source / Path(fixture).name)
    for name, text in (mappings or {}).items():
        (root / "mappings").mkdir(exist_ok=True)
        (root / "mappings" / name).write_text(text, encoding="utf-8")
    return root


def file_manifest(con, name):
    return con.execute("SELECT rows_read, rows_loaded, rows_rejected, status, message FROM raw.file_manifest "
                       "WHERE path LIKE ?", [f"%/{name}"]).fetchall()[0]


def reasons(con, name):
    return con.execute("SELECT row_number, reason_code, count(*) OVER (PARTITION BY reason_code) FROM "
                       "quarantine.rejected_rows WHERE file LIKE ? ORDER BY row_number", [f"%/{name}"]).fetchall()


def sessions(con, name):
    return con.execute(f"SELECT {SESSION_COLUMNS} FROM raw.sessions WHERE _source_file LIKE ? ORDER BY 1",
                       [f"%/{name}"]).fetchall()


ZOOM_PEOPLE = dict(participants=[("P1", "loki_asgardian@marvel.com", "Loki"),
                                 ("P2", "power-girl_kryptonian@dc.com", "Kara")],
                   coaches=[("K1", "green-goblin_human@marvel.com", "Norman")])


def test_zoom_with_preamble(tmp_path):
    root = landing(tmp_path, "sessions", "zoom/participants_with_preamble.csv", **ZOOM_PEOPLE)
    con = load(root)
    # line 5: Loki 9:54:15 AM - 12:01:59 PM; lines 8 and 19: Power Girl 10:08:26 - 12:01:58 and a rejoin
    # 10:11:31 - 12:01:58 inside it (merged: 113 min 32 s); line 11: the coach (Green Goblin, also the host)
    assert sessions(con, "participants_with_preamble.csv") == [
        ("zoom:K1:P1:20211119T0954", "P1", "K1", "2021-11-19 09:54:15", 127.73, "completed", 5),
        ("zoom:K1:P2:20211119T1008", "P2", "K1", "2021-11-19 10:08:26", 113.53, "completed", 8)]
    read, loaded, rejected, status, message = file_manifest(con, "participants_with_preamble.csv")
    assert (read, loaded, rejected, status) == (31, 4, 27, "ok")
    assert "Zoom (with meeting preamble)" in message
    got = reasons(con, "participants_with_preamble.csv")
    assert {r[1] for r in got} == {"unknown_person"} and len(got) == 27
    assert {r[0] for r in got} == set(range(5, 36)) - {5, 8, 11, 19}
    reason = con.execute("SELECT reason FROM quarantine.rejected_rows WHERE row_number = 6").fetchall()[0][0]
    assert '"mockingbird_human@marvel.com"' in reason


def test_zoom_without_preamble_in_the_mapping_zone(tmp_path):
    mapping = "source: sessions\nfiles: [sessions/participants_no_preamble.csv]\ntimezone: America/New_York\n"
    root = landing(tmp_path, "sessions", "zoom/participants_no_preamble.csv", **ZOOM_PEOPLE,
                   mappings={"zoom.yml": mapping})
    con = load(root)
    # no host here: the coach is the row whose email is a coach's (line 8); 09:54:15 EST = 14:54:15 UTC
    assert sessions(con, "participants_no_preamble.csv") == [
        ("zoom:K1:P1:20211119T1454", "P1", "K1", "2021-11-19 14:54:15", 127.73, "completed", 2),
        ("zoom:K1:P2:20211119T1508", "P2", "K1", "2021-11-19 15:08:26", 113.53, "completed", 5)]
    assert file_manifest(con, "participants_no_preamble.csv")[:4] == (31, 4, 27, "ok")


def test_zoom_japanese_headers_match_people_by_name(tmp_path):
    mapping = "source: sessions\nfiles: [sessions/*.csv]\ntimezone: Asia/Tokyo\n"
    root = landing(tmp_path, "sessions", "zoom/participants_japanese_headers.csv",
                   participants=[("P1", "p1@x.org", "太郎1")], coaches=[("K1", "k1@c.org", "太郎3")],
                   mappings={"zoom.yml": mapping})
    con = load(root)
    # line 2: 太郎1 2020/12/8 8:35 - 12:39 JST (the publisher truncated the emails, so names match)
    assert sessions(con, "participants_japanese_headers.csv") == [
        ("zoom:K1:P1:20201207T2335", "P1", "K1", "2020-12-07 23:35:00", 244.0, "completed", 2)]
    read, loaded, rejected, _, message = file_manifest(con, "participants_japanese_headers.csv")
    assert (read, loaded, rejected) == (204, 2, 202) and "localised headers" in message
    assert {r[1] for r in reasons(con, "participants_japanese_headers.csv")} == {"unknown_person"}


TEAMS_PEOPLE = dict(participants=[("P1", "p1@x.org", "Huber Uwe"), ("P2", "p2@x.org", "Müller Hans")],
                    coaches=[("K1", "k1@c.org", "Mustermann Max")])


def test_teams_2020_needs_the_date_order(tmp_path):
    root = landing(tmp_path, "sessions", "teams/attendance_2020_utf16le_tab.csv", **TEAMS_PEOPLE)
    con = load(root)
    read, loaded, rejected, status, message = file_manifest(con, "attendance_2020_utf16le_tab.csv")
    assert status == "failed" and "11/12/2020, 12:27:24" in message and "date_order" in message


def test_teams_2020_event_log(tmp_path):
    mapping = ("source: sessions\nfiles: [sessions/attendance_*.csv]\ntimezone: Europe/Berlin\n"
               "date_order: MDY\n")
    root = landing(tmp_path, "sessions", "teams/attendance_2020_utf16le_tab.csv", **TEAMS_PEOPLE,
                   mappings={"teams.yml": mapping})
    con = load(root)
    # Huber Uwe (lines 16-23): 6:12 + 5:48 + 17:04 + 16:38 = 45:42 from 12:32:15 CET;
    # Müller Hans (lines 28-39): 5:46 + 10:43 + 1:37 + 7:08 + 0:16 + 0:07 = 25:37 from 12:39:32 CET
    assert sessions(con, "attendance_2020_utf16le_tab.csv") == [
        ("teams:K1:P1:20201112T1132", "P1", "K1", "2020-11-12 11:32:15", 45.7, "completed", 16),
        ("teams:K1:P2:20201112T1139", "P2", "K1", "2020-11-12 11:39:32", 25.62, "completed", 28)]
    read, loaded, rejected, status, message = file_manifest(con, "attendance_2020_utf16le_tab.csv")
    # loaded: the coach's 8 events, Huber's 8, Müller Hans's 12; rejected: the two people nobody knows
    assert (read, loaded, rejected, status) == (38, 28, 10, "ok") and "Microsoft Teams (2020 event log)" in message
    assert [(r[0], r[1]) for r in reasons(con, "attendance_2020_utf16le_tab.csv")] == \
        [(n, "guest_without_email") for n in list(range(10, 16)) + list(range(24, 28))]


QUALTRICS_MAPPING = """source: survey_responses
files: ["survey_responses/{file}"]
instrument: lead
wave: pre
rater_type: self
participant: {{column: {person}}}
response_id: {{column: {rid}}}
submitted_at: {{column: {when}}}
timezone: Europe/Zurich
items:
{items}
"""


def test_qualtrics_current_export(tmp_path):
    mapping = QUALTRICS_MAPPING.format(file="current_3row_german_labels.csv", person="ResponseId",
                                       rid="ResponseId", when="RecordedDate", items="  QID1: LEAD_1\n  Q2: LEAD_3")
    # the published export is anonymised: the roster knows its respondent by the response id
    root = landing(tmp_path, "survey_responses", "qualtrics/current_3row_german_labels.csv",
                   participants=[("R_2YPOQ602ER1jkf1", "r@x.org", "R")], mappings={"q.yml": mapping})
    con = load(root)
    rows = con.execute("""SELECT response_id, _participant_id, wave, item_id, score,
                                 strftime(submitted_at, '%Y-%m-%d %H:%M:%S'), _source_row
                          FROM raw.survey_responses WHERE _source_file LIKE '%current%'""").fetchall()
    # line 4: Q1 = 2, RecordedDate 2017-07-18 08:28:48 in Zurich (CEST, UTC+2)
    assert rows == [("lead:R_2YPOQ602ER1jkf1", "R_2YPOQ602ER1jkf1", "pre", "LEAD_1", 2.0, "2017-07-18 06:28:48", 4)]
    read, loaded, rejected, status, message = file_manifest(con, "current_3row_german_labels.csv")
    assert (read, loaded, rejected, status) == (2, 1, 1, "ok")
    assert "Qualtrics (current, numeric values)" in message and "answers" in message
    reason = con.execute("SELECT row_number, reason_code, reason FROM quarantine.rejected_rows "
                         "WHERE file LIKE '%current%'").fetchall()
    assert [(r[0], r[1]) for r in reason] == [(4, "unscored_answer")]
    assert "Hello World" not in reason[0][2] and "free-text" in reason[0][2]


def test_qualtrics_legacy_export(tmp_path):
    mapping = QUALTRICS_MAPPING.format(file="legacy_v1_v10_bom_trailing_comma.csv", person="ResponseID",
                                       rid="ResponseID", when="EndDate", items="  Q1: LEAD_1")
    root = landing(tmp_path, "survey_responses", "qualtrics/legacy_v1_v10_bom_trailing_comma.csv",
                   participants=[("R_2YPOQ602ER1jkf1", "r@x.org", "R")], mappings={"q.yml": mapping})
    con = load(root)
    rows = con.execute("""SELECT response_id, item_id, score, strftime(submitted_at, '%Y-%m-%d %H:%M:%S'),
                                 _source_row FROM raw.survey_responses WHERE _source_file LIKE '%legacy%'""").fetchall()
    assert rows == [("lead:R_2YPOQ602ER1jkf1", "LEAD_1", 2.0, "2017-07-18 06:28:48", 3)]
    read, loaded, rejected, status, message = file_manifest(con, "legacy_v1_v10_bom_trailing_comma.csv")
    assert (read, loaded, rejected, status) == (1, 1, 0, "ok") and "Qualtrics (legacy" in message


def test_a_survey_export_without_mapping_fails_naming_coachlens_map(tmp_path):
    root = landing(tmp_path, "survey_responses", "qualtrics/current_3row_german_labels.csv")
    con = load(root)
    read, loaded, rejected, status, message = file_manifest(con, "current_3row_german_labels.csv")
    assert status == "failed" and "coachlens map" in message and "Qualtrics (current" in message
