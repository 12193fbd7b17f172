"""A programme whose surveys and sessions arrive as vendor exports gives the same marts as the same facts in
canonical files (docs/exports.md).

The shared generated programme (tests/conftest.py: 400 participants) is converted here into what its tools
would have written: one Qualtrics export per instrument (current exporter, timeZone stated, embedded data
for the wave and rater, a quoted line break in each question text, two survey previews), one Calendly
export of the bookings (times in Tokyo, confidential questions and notes), and a Zoom participants report
(times in Phoenix, a rejoin overlapping the first segment, the coach and a guest) for some completed
sessions, whose Calendly booking starts 10 minutes earlier and lasts 60 minutes: the attendance wins.
Calendly exports no cancellation time, so the cancellations that count as late stay in a canonical file.
Then every mart but data_quality (which counts the export's own rejections) must equal the canonical one.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zoneinfo
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import query, refresh
from tests.fixtures.exports.lookalike.make_lookalikes import CALENDLY_HEADER
from tests.integration.test_refresh_e2e import close

pytestmark = pytest.mark.e2e
UTC = dt.timezone.utc
WAVE_LABELS = {"pre": "Baseline", "mid": "Midpoint", "post": "Final", "follow_up": "Six months on", "pulse": "Pulse"}
LATE_CANCEL_HOURS = 24
ZOOM_EVERY = 25  # every 25th completed session also has a Zoom report


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[list], newline: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


class Clock:
    """Canonical naive times are in the participant's cohort zone (else UTC, the default configuration)."""

    def __init__(self, landing: Path):
        cohorts = {c["cohort_id"]: c["timezone"] or "UTC" for c in read(landing / "cohorts" / "cohorts.csv")}
        self.people = {p["participant_id"]: p for p in read(landing / "participants" / "participants.csv")}
        self.zone = {pid: cohorts.get(p["cohort_id"], "UTC") for pid, p in self.people.items()}
        self.by_email = {p["email"].strip().lower(): pid for pid, p in self.people.items()}
        coaches = read(landing / "coaches" / "coaches.csv")
        self.coaches = {c["coach_id"]: c for c in coaches}
        self.coaches.update({c["email"].strip().lower(): c for c in coaches})

    def person(self, ref: str) -> dict:
        """A participant referenced by id or email (canonical files use both)."""
        return self.people[ref.strip()] if ref.strip() in self.people else self.people[self.by_email[ref.strip().lower()]]

    def coach(self, ref: str) -> dict:
        return self.coaches[ref.strip()] if ref.strip() in self.coaches else self.coaches[ref.strip().lower()]

    def instant(self, text: str, participant: str) -> dt.datetime:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=zoneinfo.ZoneInfo(self.zone[self.person(participant)["participant_id"]]))
        return t.astimezone(UTC)


def local(instant: dt.datetime, zone: str) -> dt.datetime:
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def qualtrics_exports(landing: Path, out: Path, clock: Clock) -> None:
    items = {i["item_id"]: i for i in read(landing / "survey_items" / "survey_items.csv")}
    by_instrument: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in read(landing / "survey_responses" / "survey_responses.csv"):
        by_instrument[r["instrument"]][r["response_id"]].append(r)
    for n, (instrument, responses) in enumerate(sorted(by_instrument.items()), start=1):
        item_ids = sorted({r["item_id"] for rows in responses.values() for r in rows})
        meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                "RecordedDate", "ResponseId", "RecipientEmail", "Wave", "Rater", "SessionRef"]
        zone = {"ImportId": "recordedDate", "timeZone": "Asia/Kolkata"}
        rows = [meta + [f"Q{k}" for k in range(1, len(item_ids) + 1)],
                meta + [f"{items[i]['text']}\n({i})" for i in item_ids],
                [json.dumps({"ImportId": m[0].lower() + m[1:]} if m != "RecordedDate" else zone) for m in meta]
                + [json.dumps({"ImportId": f"QID{k}"}) for k in range(1, len(item_ids) + 1)]]
        for rid, answers in responses.items():
            first = answers[0]
            when = local(clock.instant(first["submitted_at"], first["participant"]), "Asia/Kolkata")
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            score = {a["item_id"]: a["score"] for a in answers}
            rows.append([stamp, stamp, "0", "10.0.0.1", "100", "300", "1", stamp, rid,
                         clock.person(first["participant"])["email"], WAVE_LABELS[first["wave"]], first["rater_type"],
                         first["session_id"]] + [score.get(i, "") for i in item_ids])
        for k in (1, 2):  # survey previews: rejected, never counted
            rows.append(rows[3][:2] + ["1"] + rows[3][3:8] + [f"R_preview_{k}"] + rows[3][9:])
        name = f"qualtrics_{n}.csv"
        write_csv(out / "survey_responses" / name, rows)
        item_lines = "".join(f'  "QID{k}": {i}\n' for k, i in enumerate(item_ids, start=1))
        (out / "mappings" / f"qualtrics_{n}.yml").write_text(
            f'source: survey_responses\nfiles: ["survey_responses/{name}"]\ninstrument: "{instrument}"\n'
            'wave: {column: Wave, values: {Baseline: pre, Midpoint: mid, Final: post, Six months on: follow_up, Pulse: pulse}}\n'
            "rater_type: {column: Rater}\nparticipant: {column: RecipientEmail}\nresponse_id: {column: ResponseId}\n"
            "submitted_at: {column: RecordedDate}\nsession_id: {column: SessionRef}\ntimezone: Europe/London\n"
            f"items:\n{item_lines}", encoding="utf-8")


def is_late(s: dict, clock: Clock) -> bool:
    if s["status"] == "late_cancelled":
        return True
    if s["status"] != "cancelled" or not s["cancelled_at"]:
        return False
    lead = clock.instant(s["scheduled_start"], s["participant"]) - clock.instant(s["cancelled_at"], s["participant"])
    return lead.total_seconds() < LATE_CANCEL_HOURS * 3600


def calendly_time(instant: dt.datetime) -> str:
    return local(instant, "Asia/Tokyo").strftime("%Y-%m-%d %I:%M %p").lower()


def zoom_time(instant: dt.datetime) -> str:
    return local(instant, "America/Phoenix").strftime("%m/%d/%Y %I:%M:%S %p")


def session_exports(landing: Path, out: Path, clock: Clock) -> int:
    sessions = read(landing / "sessions" / "sessions.csv")
    header = CALENDLY_HEADER.split(",")
    late, bookings, zoom_reports = [], [header], 0
    location = {"video": "Zoom", "phone": "Phone call", "in_person": "In person: office 3", "chat": "Chat", "": "Zoom"}
    completed = 0
    for s in sessions:
        if is_late(s, clock):
            late.append(s)
            continue
        start = clock.instant(s["scheduled_start"], s["participant"])
        minutes = float(s["duration_minutes"])
        booked_start, booked_end = start, start + dt.timedelta(minutes=minutes)
        if s["status"] == "completed":
            completed += 1
            if completed % ZOOM_EVERY == 0 and minutes >= 2:
                zoom_reports += 1
                zoom_report(out / "sessions" / f"zoom_{s['session_id']}.csv", s, start, minutes, clock)
                booked_start = start - dt.timedelta(minutes=10)
                booked_end = booked_start + dt.timedelta(minutes=60)
        person, coach = clock.person(s["participant"]), clock.coach(s["coach"])
        values = {"User Name": coach["full_name"], "Invitee Name": person["full_name"],
                  "Invitee Email": person["email"], "Text Reminder Number": "'+1 555 0100",
                  "Invitee Time Zone": "Japan Time", "Event Type Name": "Coaching",
                  "Start Date & Time": calendly_time(booked_start), "End Date & Time": calendly_time(booked_end),
                  "Location": location[s["modality"]], "Canceled": str(s["status"] == "cancelled").lower(),
                  "Question 1": "What would you like to work on?", "Response 1": "Private: my manager, again",
                  "Marked as No-Show": "Yes" if s["status"] == "no_show" else "No",
                  "Meeting Notes": "Confidential notes\nsecond line", "User Email": coach["email"],
                  "Event UUID": f"EV-{s['session_id']}", "Invitee UUID": s["session_id"]}
        bookings.append([values.get(h, "") for h in header])
    write_csv(out / "sessions" / "calendly_events.csv", bookings)
    columns = list(sessions[0])
    write_csv(out / "sessions" / "late_cancellations.csv", [columns] + [[s[c] for c in columns] for s in late])
    (out / "mappings" / "calendly.yml").write_text(
        "source: sessions\nfiles: [sessions/calendly_*.csv]\ntimezone: Asia/Tokyo\n", encoding="utf-8")
    (out / "mappings" / "zoom.yml").write_text(
        "source: sessions\nfiles: [sessions/zoom_*.csv]\ntimezone: America/Phoenix\n", encoding="utf-8")
    return zoom_reports


def zoom_report(path: Path, s: dict, start: dt.datetime, minutes: float, clock: Clock) -> None:
    seconds = round(minutes * 60)
    assert seconds == minutes * 60
    end = start + dt.timedelta(seconds=seconds)
    first_leave = start + dt.timedelta(seconds=round(seconds * 0.6))
    rejoin = start + dt.timedelta(seconds=round(seconds * 0.4))
    coach, person = clock.coach(s["coach"]), clock.person(s["participant"])
    open_at, close_at = start - dt.timedelta(minutes=2), end + dt.timedelta(minutes=1)
    write_csv(path, [
        ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants"],
        ["8123456", "Coaching", zoom_time(open_at), zoom_time(close_at), coach["email"], "0", "3"],
        [""] * 7,
        ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"],
        [coach["full_name"], coach["email"], zoom_time(open_at), zoom_time(close_at), "0", "No"],
        [person["full_name"], person["email"], zoom_time(start), zoom_time(first_leave), "0", "Yes"],
        [person["full_name"], person["email"], zoom_time(rejoin), zoom_time(end), "0", "Yes"],
        ["iPhone (guest)", "", zoom_time(start), zoom_time(end), "0", "Yes"],
    ], newline="\r\n")


@pytest.fixture(scope="module")
def from_exports(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    landing = out / "landing"
    shutil.copytree(generated, landing, ignore=shutil.ignore_patterns("survey_responses.csv", "sessions.csv"))
    (landing / "mappings").mkdir()
    clock = Clock(generated)
    qualtrics_exports(generated, landing, clock)
    zoom_reports = session_exports(generated, landing, clock)
    assert zoom_reports >= 50
    refresh(landing, out)
    return out / "warehouse.duckdb"


MARTS = ["cohort_outcomes", "cohort_engagement", "cohort_goals", "cohort_satisfaction", "cohort_costs",
         "monthly_costs", "monthly_sessions", "coach_utilisation", "participant_journey", "sponsor_outcomes",
         "sponsor_summary", "cohort_directory"]


@pytest.mark.parametrize("mart", MARTS)
def test_marts_from_vendor_exports_equal_the_canonical_ones(refreshed, from_exports, mart):
    canonical = query(refreshed.warehouse, f"SELECT * FROM marts.{mart} ORDER BY ALL")
    exported = query(from_exports, f"SELECT * FROM marts.{mart} ORDER BY ALL")
    assert canonical, mart
    assert len(exported) == len(canonical)
    bad = [(k, c, e.get(k)) for c, e in zip(canonical, exported) for k in c if not close(c[k], e.get(k))]
    assert not bad, bad[:5]


def test_the_facts_came_from_the_exports(refreshed, from_exports):
    def count(db, sql):
        return query(db, sql)[0]["n"]
    canonical_answers = count(refreshed.warehouse, "SELECT count(*) AS n FROM raw.survey_responses")
    assert count(from_exports, "SELECT count(*) AS n FROM raw.survey_responses WHERE _source_file LIKE "
                               "'survey_responses/qualtrics_%' AND response_id LIKE '%:R_-%'") == canonical_answers
    late = count(from_exports, "SELECT count(*) AS n FROM raw.sessions WHERE _source_file LIKE '%late_cancellations%'")
    booked = count(from_exports, "SELECT count(*) AS n FROM raw.sessions WHERE _source_file LIKE '%calendly%'")
    assert late > 0 and booked + late == count(refreshed.warehouse, "SELECT count(*) AS n FROM raw.sessions")


def test_every_export_row_is_loaded_or_rejected_with_its_reason(from_exports):
    files = query(from_exports, """SELECT m.path, m.rows_read, m.rows_loaded, m.rows_rejected, m.status, m.message,
                                          (SELECT count(*) FROM quarantine.rejected_rows q WHERE q.file = m.path) AS q
                                   FROM raw.file_manifest m WHERE m.source IN ('sessions', 'survey_responses')""")
    assert all(f["status"] == "ok" for f in files), [f for f in files if f["status"] != "ok"][:3]
    assert all(f["rows_read"] == f["rows_loaded"] + f["rows_rejected"] == f["rows_loaded"] + f["q"] for f in files)
    reasons = query(from_exports, "SELECT file, reason_code, count(*) AS n FROM quarantine.rejected_rows GROUP BY ALL")
    assert {r["reason_code"] for r in reasons} == {"survey_preview", "guest_without_email"}
    zoom = [f for f in files if "/zoom_" in f["path"]]
    assert all((f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (4, 3, 1) for f in zoom)
    assert all("same meeting as a booking" in f["message"] for f in zoom)
    dump = str(query(from_exports, "SELECT * FROM raw.sessions")) + str(query(from_exports, "SELECT * FROM "
                                                                              "quarantine.rejected_rows"))
    assert "Private: my manager" not in dump and "Confidential notes" not in dump and "555 0100" not in dump
