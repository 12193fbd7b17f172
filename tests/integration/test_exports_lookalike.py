"""Look-alike exports (tests/fixtures/exports/lookalike, written from docs/exports.md): one per layout variant,
each with its traps. Every test states the canonical rows it expects (keys, UTC instants, scores, export
lines), worked out by hand from the fixture's lines, and every rejection with its reason code."""
import shutil
from pathlib import Path

import pytest

from tests.fixtures.exports.lookalike import make_lookalikes as fx
from tests.integration.loading import load, write_landing

HERE = Path(fx.__file__).parent
ROSTER = {
    "participants": ("participant_id,email,full_name,cohort_id,enrolled_on,status\n"
                     "P1,ana@x.org,Ana Lee,C1,2024-01-02,active\nP2,ben@x.org,Ben Ode,C1,2024-01-02,active\n"
                     "P3,cy@x.org,Cy Park,C1,2024-01-02,active\n"),
    "coaches": "coach_id,email,full_name\nK1,kim@c.org,Kim Coach\nK2,lou@c.org,Lou Coach\n",
    "sessions": None, "survey_responses": None,
}
SURVEY = """source: survey_responses
files: ["survey_responses/{file}"]
instrument: lead
wave: {wave}
rater_type: self
participant: {{column: "{person}"}}
{rid}submitted_at: {{column: "{when}"}}
{extra}items:
{items}
scores: {{"Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3, "Agree": 4, "Strongly agree": 5}}
"""


def landing(tmp_path, source, files, mappings=None):
    root = write_landing(tmp_path, ROSTER)
    for f in files:
        src = f if isinstance(f, Path) else HERE / f
        shutil.copy(src, root / source / src.name)
    for name, text in (mappings or {}).items():
        (root / "mappings").mkdir(exist_ok=True)
        (root / "mappings" / name).write_text(text, encoding="utf-8")
    return root


def survey_mapping(file, person, when, items, rid=None, wave="pre", extra=""):
    return SURVEY.format(file=file, person=person, when=when, wave=wave, extra=extra,
                         rid=f'response_id: {{column: "{rid}"}}\n' if rid else "",
                         items="\n".join(f'  "{k}": {v}' for k, v in items.items()))


def manifest(con, name):
    return con.execute("SELECT rows_read, rows_loaded, rows_rejected, status, message FROM raw.file_manifest "
                       "WHERE path LIKE ?", [f"%/{name}"]).fetchall()[0]


def rejected(con, name):
    return con.execute("SELECT row_number, column_name, reason_code FROM quarantine.rejected_rows WHERE file LIKE ? "
                       "ORDER BY row_number, reason_code", [f"%/{name}"]).fetchall()


def answers(con, name):
    return con.execute("""SELECT response_id, _participant_id, wave, item_id, score,
                                 strftime(submitted_at, '%Y-%m-%d %H:%M:%S'), _source_row FROM raw.survey_responses
                          WHERE _source_file LIKE ? ORDER BY _source_row, item_id""", [f"%/{name}"]).fetchall()


def sessions(con, name):
    return con.execute("""SELECT session_id, _participant_id, _coach_id, strftime(scheduled_start, '%Y-%m-%d %H:%M:%S'),
                                 duration_minutes, status, modality, _source_row FROM raw.sessions
                          WHERE _source_file LIKE ? ORDER BY _source_row""", [f"%/{name}"]).fetchall()


def no_free_text(con, *texts):
    for (table,) in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall():
        dump = str(con.execute(f"SELECT * FROM {table}").fetchall())
        for text in texts:
            assert text not in dump, (text, table)


# --- surveys -----------------------------------------------------------------------------

def test_qualtrics_current_choice_text_with_stated_zone(tmp_path):
    name = "qualtrics_current_choice_text_timezone.csv"
    mapping = survey_mapping(name, "RecipientEmail", "RecordedDate", {"Q1_1": "LEAD_1", "QID1_2": "LEAD_3",
                                                                      "Q2": "NPS"}, rid="ResponseId",
                             extra="timezone: Europe/London\n")
    con = load(landing(tmp_path, "survey_responses", [name], {"m.yml": mapping}))
    # header row 2 has a quoted line break, so header row 3 is line 4 and the data start on line 5;
    # the export states America/Denver (MST, UTC-7; MDT, UTC-6 from 2024-03-10 02:00), which beats the mapping's zone
    assert answers(con, name) == [
        ("lead:R_a1", "P1", "pre", "LEAD_1", 4.0, "2024-03-01 16:10:05", 5),
        ("lead:R_a1", "P1", "pre", "LEAD_3", 5.0, "2024-03-01 16:10:05", 5),
        ("lead:R_a1", "P1", "pre", "NPS", 9.0, "2024-03-01 16:10:05", 5),
        ("lead:R_a5", "P2", "pre", "LEAD_3", 4.0, "2024-03-11 05:30:00", 9),
        ("lead:R_a5", "P2", "pre", "NPS", 10.0, "2024-03-11 05:30:00", 9)]
    assert rejected(con, name) == [
        (6, "", "survey_preview"), (6, "", "survey_preview"), (6, "", "survey_preview"),
        (7, "", "survey_spam"), (7, "", "survey_spam"), (8, "", "unfinished_response"),
        (9, "score", "unscored_answer"), (10, "participant", "unknown_participant")]
    read, loaded, rej, status, message = manifest(con, name)
    assert (read, loaded, rej, status) == (13, 5, 8, "ok")
    assert message.startswith("read as a Qualtrics (current, choice text) export") and "answers" in message
    reasons = dict(con.execute("SELECT reason_code, reason FROM quarantine.rejected_rows WHERE file LIKE ?",
                               [f"%/{name}"]).fetchall())
    # "Somewhat agree" is shown: two responses gave it (line 8's is unfinished), so it is a label, not free text
    assert '"Somewhat agree"' in reasons["unscored_answer"] and '"zed@x.org"' in reasons["unknown_participant"]
    assert "survey preview" in reasons["survey_preview"]
    no_free_text(con, "I want more")


def test_qualtrics_2016_transitional(tmp_path):
    name = "qualtrics_transitional_2016.csv"
    mapping = survey_mapping(name, "RecipientEmail", "EndDate", {"Q1": "LEAD_1", "QID2": "LEAD_3"}, rid="ResponseID")
    con = load(landing(tmp_path, "survey_responses", [name], {"m.yml": mapping}))
    # Europe/Berlin stated in the Python-style ImportId row: 10:05 CET = 09:05 UTC
    assert answers(con, name) == [
        ("lead:R_b1", "P1", "pre", "LEAD_1", 4.0, "2024-02-01 09:05:00", 4),
        ("lead:R_b1", "P1", "pre", "LEAD_3", 5.0, "2024-02-01 09:05:00", 4),
        ("lead:R_b3", "P3", "pre", "LEAD_3", 2.0, "2024-02-03 09:05:00", 6)]
    assert rejected(con, name) == [(5, "", "survey_test"), (5, "", "survey_test"), (6, "score", "out_of_scale")]
    assert manifest(con, name)[:4] == (6, 3, 3, "ok")


def test_qualtrics_tsv_utf16_numeric_dispositions(tmp_path):
    name = "qualtrics_numeric_utf16.tsv"
    mapping = survey_mapping(name, "ExternalReference", "RecordedDate", {"QID1": "LEAD_1"}, rid="ResponseId")
    con = load(landing(tmp_path, "survey_responses", [name], {"m.yml": mapping}))
    assert answers(con, name) == [("lead:R_c1", "P1", "pre", "LEAD_1", 5.0, "2024-04-01 12:00:00", 4),
                                  ("lead:R_c5", "P2", "pre", "LEAD_1", 3.0, "2024-04-05 12:00:00", 8)]
    assert rejected(con, name) == [(5, "", "survey_spam"), (6, "", "survey_preview"), (7, "", "unfinished_response")]
    assert manifest(con, name)[:4] == (5, 2, 3, "ok")


MONKEY_ITEMS = {"How clear is your direction?": "LEAD_1", "Rate your manager on: - Clarity": "LEAD_3"}
MONKEY_WAVE = '{column: "Custom Data 1", values: {"Baseline": pre, "Final": post}}'


def test_surveymonkey_expanded_csv(tmp_path):
    name = "surveymonkey_expanded.csv"
    mapping = survey_mapping(name, "Email Address", "End Date", MONKEY_ITEMS, rid="Respondent ID", wave=MONKEY_WAVE,
                             extra="timezone: America/Chicago\n")
    con = load(landing(tmp_path, "survey_responses", [name], {"m.yml": mapping}))
    # the first response's open-ended answer holds a line break: the second response starts on line 5;
    # 04:25:10 PM CDT = 21:25:10 UTC; 11-digit respondent ids stay text
    assert answers(con, name) == [
        ("lead:11428347123", "P1", "pre", "LEAD_1", 4.0, "2024-07-31 21:25:10", 3),
        ("lead:11428347123", "P1", "pre", "LEAD_3", 5.0, "2024-07-31 21:25:10", 3),
        ("lead:11428347001", "P2", "post", "LEAD_1", 2.0, "2024-07-02 14:03:00", 5),
        ("lead:11428347001", "P2", "post", "LEAD_3", 2.0, "2024-07-02 14:03:00", 5)]
    assert manifest(con, name)[:4] == (4, 4, 0, "ok")
    no_free_text(con, "More time")


def test_surveymonkey_xlsx(tmp_path):
    path = fx.surveymonkey_xlsx(tmp_path / "surveymonkey_expanded.xlsx")
    mapping = survey_mapping(path.name, "Email Address", "End Date", MONKEY_ITEMS, rid="Respondent ID",
                             wave=MONKEY_WAVE, extra="timezone: America/Chicago\n")
    con = load(landing(tmp_path / "l", "survey_responses", [path], {"m.yml": mapping}))
    assert [(a[0], a[3], a[4], a[5], a[6]) for a in answers(con, path.name)] == [
        ("lead:11428347123", "LEAD_1", 4.0, "2024-07-31 21:25:10", 3),
        ("lead:11428347123", "LEAD_3", 5.0, "2024-07-31 21:25:10", 3),
        ("lead:11428347001", "LEAD_1", 2.0, "2024-07-02 14:03:00", 4),
        ("lead:11428347001", "LEAD_3", 2.0, "2024-07-02 14:03:00", 4)]
    assert "SurveyMonkey (expanded, two header rows, XLSX)" in manifest(con, path.name)[4]


def test_a_wave_value_with_no_mapping_fails_the_file(tmp_path):
    name = "surveymonkey_expanded.csv"
    mapping = survey_mapping(name, "Email Address", "End Date", MONKEY_ITEMS, rid="Respondent ID",
                             wave='{column: "Custom Data 1", values: {"Baseline": pre}}')
    con = load(landing(tmp_path, "survey_responses", [name], {"m.yml": mapping}))
    status, message = manifest(con, name)[3:]
    assert status == "failed" and "'Final'" in message and "wave.values" in message and "mappings/m.yml" in message


def test_surveymonkey_older_one_header_with_duplicate_names(tmp_path):
    name = "surveymonkey_older_one_header.csv"
    items = {"Rate your manager on: - Clarity": "LEAD_1", "Rate your manager on: - Clarity (2)": "LEAD_3"}
    con = load(landing(tmp_path, "survey_responses", [name],
                       {"m.yml": survey_mapping(name, "Email Address", "EndDate", items, rid="RespondentID")}))
    # SurveyMonkey writes month first: 2/3/2024 is 3 February; no zone anywhere: configuration (UTC)
    assert answers(con, name) == [("lead:1001", "P3", "pre", "LEAD_1", 3.0, "2024-02-03 10:05:00", 2),
                                  ("lead:1001", "P3", "pre", "LEAD_3", 4.0, "2024-02-03 10:05:00", 2)]
    assert manifest(con, name)[:4] == (2, 2, 0, "ok")


def test_google_forms_from_the_form_with_offset(tmp_path):
    name = "google_forms_from_form.csv"
    items = {"How clear is your direction?": "LEAD_1", "Rate your manager [Clarity]": "LEAD_3"}
    con = load(landing(tmp_path, "survey_responses", [name],
                       {"m.yml": survey_mapping(name, "Email address", "Timestamp", items)}))
    # no response id in Google Forms: the submission time and respondent are the tool's id; GMT+5:30 stated
    r1, r2 = "lead:2024/02/19 12:09:45 AM GMT+5:30|ana@x.org", "lead:2024/02/20 1:15:00 PM GMT+5:30|ben@x.org"
    assert answers(con, name) == [(r1, "P1", "pre", "LEAD_1", 4.0, "2024-02-18 18:39:45", 2),
                                  (r1, "P1", "pre", "LEAD_3", 4.0, "2024-02-18 18:39:45", 2),
                                  (r2, "P2", "pre", "LEAD_1", 5.0, "2024-02-20 07:45:00", 3)]
    assert rejected(con, name) == [(3, "score", "unscored_answer")]
    reason = con.execute("SELECT reason FROM quarantine.rejected_rows WHERE file LIKE ?", [f"%/{name}"]).fetchall()[0][0]
    assert "Somewhat" not in reason and "given once (not shown" in reason  # once: possibly free text
    assert manifest(con, name)[:4] == (4, 3, 1, "ok")


def test_google_forms_from_its_sheet(tmp_path):
    name = "google_forms_from_sheet_crlf.csv"
    items = {"How clear is your direction?": "LEAD_1", "How clear is your direction? (2)": "LEAD_3",
             "Rate your manager [Clarity]": "NPS"}
    con = load(landing(tmp_path, "survey_responses", [name],
                       {"m.yml": survey_mapping(name, "Email Address", "Timestamp", items,
                                                extra="timezone: Europe/London\n")}))
    # 13/2/2025 shows the sheet's locale is day first, so 4/2/2025 is 4 February (GMT = UTC in winter)
    r1, r2 = "lead:4/2/2025 13:23:40|ana@x.org", "lead:13/2/2025 9:05:00|ben@x.org"
    assert answers(con, name) == [(r1, "P1", "pre", "LEAD_1", 3.0, "2025-02-04 13:23:40", 2),
                                  (r1, "P1", "pre", "LEAD_3", 4.0, "2025-02-04 13:23:40", 2),
                                  (r1, "P1", "pre", "NPS", 2.0, "2025-02-04 13:23:40", 2),
                                  (r2, "P2", "pre", "LEAD_1", 4.0, "2025-02-13 09:05:00", 3),
                                  (r2, "P2", "pre", "NPS", 3.0, "2025-02-13 09:05:00", 3)]
    assert manifest(con, name)[:4] == (5, 5, 0, "ok")


def test_microsoft_forms_serial_dates_and_anonymous(tmp_path):
    path = fx.microsoft_forms_xlsx(tmp_path / "forms.xlsx")
    mapping = survey_mapping(path.name, "Email", "Completion time", {"How clear is your direction?": "LEAD_1"},
                             rid="ID", extra="timezone: Europe/Paris\n")
    con = load(landing(tmp_path / "l", "survey_responses", [path], {"m.yml": mapping}))
    # Excel serial 45292 is 2024-01-01, so 45352.5 = 2024-03-01 12:00 in Paris (CET) = 11:00 UTC; the third row
    # is a formatted date cell
    assert answers(con, path.name) == [("lead:1", "P1", "pre", "LEAD_1", 4.0, "2024-03-01 11:00:00", 2),
                                       ("lead:3", "P3", "pre", "LEAD_1", 3.0, "2024-03-03 07:30:00", 4)]
    assert rejected(con, path.name) == [(3, "", "anonymous_response")]
    assert "Microsoft Forms (English headers)" in manifest(con, path.name)[4]


def test_microsoft_forms_japanese_headers(tmp_path):
    path = fx.microsoft_forms_japanese_xlsx(tmp_path / "forms_ja.xlsx")
    mapping = survey_mapping(path.name, "メール", "完了時刻", {"方向性は明確ですか？": "LEAD_1"}, rid="ID",
                             extra="timezone: Asia/Tokyo\n")
    con = load(landing(tmp_path / "l", "survey_responses", [path], {"m.yml": mapping}))
    assert answers(con, path.name) == [("lead:1", "P1", "pre", "LEAD_1", 4.0, "2024-03-01 03:00:00", 2)]
    assert "Microsoft Forms (localised headers)" in manifest(con, path.name)[4]


# --- bookings -------------------------------------------------------------------------------

def test_calendly_before_2025(tmp_path):
    name = "calendly_before_2025.csv"
    mapping = "source: sessions\nfiles: [sessions/calendly_*.csv]\ntimezone: America/Chicago\n"
    con = load(landing(tmp_path, "sessions", [name], {"c.yml": mapping}))  # as_of 2024-06-30
    # the first booking's Response 1 and Meeting Notes hold line breaks: it spans lines 2-4
    assert sessions(con, name) == [
        ("INV-1", "P1", "K1", "2024-03-05 15:00:00", 60.0, "completed", "video", 2),
        ("INV-2", "P2", "K1", "2024-03-12 19:30:00", 45.0, "cancelled", "phone", 5),
        ("INV-3", "P1", "K1", "2024-04-02 14:00:00", 60.0, "no_show", "video", 6),
        ("INV-4", "P3", "K2", "2024-07-01 13:00:00", 60.0, "scheduled", "video", 7)]
    assert rejected(con, name) == [(8, "participant", "unknown_participant"), (9, "coach", "unknown_coach")]
    assert manifest(con, name)[:4] == (6, 4, 2, "ok")
    no_free_text(con, "Delegation", "Private: notes", "555 0100")


def test_calendly_2025_columns(tmp_path):
    name = "calendly_2025_bom_crlf.csv"
    con = load(landing(tmp_path, "sessions", [name]))
    assert sessions(con, name) == [("INV-7", "P2", "K1", "2024-05-06 11:00:00", 30.0, "completed", "video", 2),
                                   ("INV-8", "P2", "K1", "2024-05-13 11:00:00", 30.0, "cancelled", "video", 3),
                                   ("INV-9", "P2", "K1", "2024-05-14 11:00:00", 30.0, "completed", "video", 4)]
    assert "Calendly (2025 columns)" in manifest(con, name)[4]


def test_bookings_9_columns_cp1252(tmp_path):
    name = "bookings_9_columns_cp1252.tsv"
    con = load(landing(tmp_path, "sessions", [name]))
    # 19-07-2019 shows day first; staff named, not emailed: matched by the coach's full name
    assert sessions(con, name) == [
        ("microsoft_bookings:19-07-2019 08:30:ana@x.org", "P1", "K1", "2019-07-19 08:30:00", 60.0, "completed",
         "video", 2),
        ("microsoft_bookings:02-07-2024 09:00:ben@x.org", "P2", "K1", "2024-07-02 09:00:00", 45.0, "scheduled",
         "in_person", 3),
        ("microsoft_bookings:05-03-2024 14:00:cy@x.org", "P3", "K2", "2024-03-05 14:00:00", 30.0, "completed", "phone",
         4)]
    assert manifest(con, name)[:4] == (3, 3, 0, "ok")


def test_bookings_21_columns_utf16_needs_date_order_and_later_download_wins(tmp_path):
    name = "bookings_21_columns_utf16.tsv"
    con = load(landing(tmp_path, "sessions", [name]))
    status, message = manifest(con, name)[3:]
    assert status == "failed" and "'02/03/2024 07:50'" in message and "date_order" in message

    root = landing(tmp_path / "2", "sessions", [name],
                   {"b.yml": "source: sessions\nfiles: [sessions/*.tsv]\ndate_order: DMY\ntimezone: Europe/London\n"})
    shutil.copy(root / "sessions" / name, root / "sessions" / "z_next_download.tsv")  # overlapping windows
    con = load(root)
    # 2 March 07:50 GMT; 3 April 10:00 BST = 09:00 UTC
    assert sessions(con, "z_next_download.tsv") == [
        ("BK-1", "P1", "K1", "2024-03-02 07:50:00", 50.0, "completed", "video", 2),
        ("BK-2", "P2", "K2", "2024-04-03 09:00:00", 60.0, "completed", "video", 3)]
    assert sessions(con, name) == []
    assert "2 loaded rows replaced by a later file" in manifest(con, name)[4]
    no_free_text(con, "private matter")


# --- attendance -----------------------------------------------------------------------------

def test_zoom_2024_preamble_overlapping_rejoin_and_guest(tmp_path):
    name = "zoom_2024_preamble.csv"
    con = load(landing(tmp_path, "sessions", [name],
                       {"z.yml": "source: sessions\nfiles: [sessions/zoom_*]\ntimezone: America/New_York\n"}))
    # Ana: 10:01:00-10:30:00 and 10:25:00-11:02:30 overlap: merged 10:01:00-11:02:30 = 61.5 min (EST = UTC-5)
    assert sessions(con, name) == [("zoom:K1:P1:20240305T1501", "P1", "K1", "2024-03-05 15:01:00", 61.5, "completed",
                                    "video", 6)]
    assert rejected(con, name) == [(8, "participant", "guest_without_email")]
    assert manifest(con, name)[:4] == (4, 3, 1, "ok")


def test_zoom_unique_users(tmp_path):
    name = "zoom_unique_users.csv"
    con = load(landing(tmp_path, "sessions", [name]))
    # no join times in this mode: the meeting's start, and the total minutes; the host (Lou) is the coach
    assert sessions(con, name) == [("zoom:K2:P2:20240514T1400", "P2", "K2", "2024-05-14 14:00:00", 52.0, "completed",
                                    "video", 6)]
    assert manifest(con, name)[:4] == (2, 2, 0, "ok")


def test_teams_2022_summary_missing_leave(tmp_path):
    name = "teams_2022_summary_utf16.csv"
    con = load(landing(tmp_path, "sessions", [name],
                       {"t.yml": "source: sessions\nfiles: [sessions/teams_*]\ntimezone: Europe/Berlin\n"}))
    # Cy: 9:02-9:40 (38 min) and 9:45:30 to the meeting's end 10:05 (no Leave Time: 19.5 min); CEST = UTC+2
    assert sessions(con, name) == [("teams:K1:P3:20240613T0702", "P3", "K1", "2024-06-13 07:02:00", 57.5, "completed",
                                    "video", 10)]
    assert rejected(con, name) == [(12, "participant", "guest_without_email")]
    assert manifest(con, name)[:4] == (4, 3, 1, "ok")


def test_teams_2020_comma_missing_left(tmp_path):
    name = "teams_2020_bom_comma.csv"
    con = load(landing(tmp_path, "sessions", [name],
                       {"t.yml": "source: sessions\nfiles: [sessions/teams_*]\ndate_order: MDY\n"}))
    # Ana: 9:55-10:20 and 10:22 with no Left (to the last event, 10:50): 25 + 28; Ben: 10:00-10:50
    assert sessions(con, name) == [
        ("teams:K1:P1:20201104T0955", "P1", "K1", "2020-11-04 09:55:00", 53.0, "completed", "video", 3),
        ("teams:K1:P2:20201104T1000", "P2", "K1", "2020-11-04 10:00:00", 50.0, "completed", "video", 6)]
    assert manifest(con, name)[:4] == (6, 6, 0, "ok")


def test_a_booking_and_its_attendance_are_one_session(tmp_path):
    files = ["calendly_before_2025.csv", "zoom_2024_preamble.csv"]
    mappings = {"c.yml": "source: sessions\nfiles: [sessions/calendly_*]\ntimezone: America/Chicago\n",
                "z.yml": "source: sessions\nfiles: [sessions/zoom_*]\ntimezone: America/New_York\n"}
    con = load(landing(tmp_path, "sessions", files, mappings))
    # Calendly INV-1: Ana with Kim 2024-03-05 15:00 UTC; Zoom: Ana with Kim from 15:01 UTC, 61.5 min: one session,
    # the booking's id with the attendance's start and duration
    rows = con.execute("""SELECT session_id, strftime(scheduled_start, '%Y-%m-%d %H:%M:%S'), duration_minutes, status,
                                 _source_file FROM raw.sessions WHERE _participant_id = 'P1' ORDER BY 1""").fetchall()
    assert rows == [("INV-1", "2024-03-05 15:01:00", 61.5, "completed", "sessions/calendly_before_2025.csv"),
                    ("INV-3", "2024-04-02 14:00:00", 60.0, "no_show", "sessions/calendly_before_2025.csv")]
    read, loaded, rej, status, message = manifest(con, "zoom_2024_preamble.csv")
    assert (read, loaded, rej) == (4, 3, 1) and "1 attended session is the same meeting as a booking" in message


@pytest.mark.parametrize("text, tool, what", [
    ("StartDate,EndDate,ResponseId,Q1\nStart,End,Id,Q\n1,2,3,4\n", "Qualtrics", "header row 3"),
    ("Respondent ID,Collector ID,Q1\n1,2,3\n", "SurveyMonkey", "second header row"),
    ("Invitee Email,Start Date & Time,User Email\na@x.org,2024-01-01 10:00 am,k@c.org\n", "Calendly", "end date & time"),
    ("Meeting ID,Topic,Start Time\n1,T,2024-01-01\n", "Zoom", "participants header"),
    ("Meeting Summary\nMeeting Title\tX\n", "Microsoft Teams", "participants table"),
    ("Date Time\tCustomer Email\tStaff\n01-01-2024 10:00\ta@x.org\tK\n", "Microsoft Bookings", "duration (mins.)"),
    ("Timestamp,Email address,Q\nyesterday,a@x.org,4\n", "Google Forms", "not a date-time"),
])
def test_an_export_that_breaks_its_layout_fails_naming_the_tool(tmp_path, text, tool, what):
    source = "sessions" if tool in ("Calendly", "Zoom", "Microsoft Teams", "Microsoft Bookings") else "survey_responses"
    root = write_landing(tmp_path, ROSTER)
    (root / source / "export.csv").write_text(text, encoding="utf-8")
    con = load(root)
    status, message = manifest(con, "export.csv")[3:]
    assert status == "failed" and message.startswith(tool) and what in message, message


def test_an_export_in_the_wrong_folder_fails_saying_where_it_belongs(tmp_path):
    root = landing(tmp_path, "survey_responses", ["zoom_unique_users.csv"])
    con = load(root)
    status, message = manifest(con, "zoom_unique_users.csv")[3:]
    assert status == "failed" and "Zoom" in message and "move it to sessions/" in message


def test_a_meeting_without_a_known_coach_rejects_each_of_its_rows(tmp_path):
    name = "zoom_2024_preamble.csv"
    root = landing(tmp_path, "sessions", [name])
    (root / "coaches" / "coaches.csv").write_text("coach_id,email,full_name\nK2,lou@c.org,Lou Coach\n", encoding="utf-8")
    con = load(root)
    # Kim (host) is on no roster: no coach; Ana's second segment (line 7) shares her session's verdict
    assert rejected(con, name) == [(5, "participant", "unknown_person"), (6, "coach", "no_coach"),
                                   (7, "coach", "no_coach"), (8, "participant", "guest_without_email")]
    assert manifest(con, name)[:4] == (4, 0, 4, "ok")
    assert sessions(con, name) == []


def test_an_attendance_mapping_can_name_the_participant_column(tmp_path):
    name = "zoom_2024_preamble.csv"
    mapping = 'source: sessions\nfiles: [sessions/zoom_*]\ntimezone: UTC\nparticipant: {column: "Name (original name)"}\n'
    con = load(landing(tmp_path, "sessions", [name], {"z.yml": mapping}))
    # names now identify people: "Kim Coach" is the coach, "Ana Lee" P1; "iPhone (Ana Lee)" matches nobody
    assert [s[:5] for s in sessions(con, name)] == [("zoom:K1:P1:20240305T1001", "P1", "K1", "2024-03-05 10:01:00",
                                                     61.5)]
    assert rejected(con, name) == [(8, "participant", "unknown_person")]
