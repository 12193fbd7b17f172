"""An independent implementation of SPEC section 5 in plain Python (csv, datetime, zoneinfo),
used by the end-to-end tests to check the dbt marts. It shares no code with the pipeline and
reads only clean landing folders (the generator's output): no validation here."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo


def read_source(landing: Path, source: str) -> list[dict]:
    rows = []
    folder = Path(landing) / source
    if not folder.is_dir():
        return rows
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                rows.append({k.strip().lower(): (v.strip() if v is not None else "") for k, v in row.items()})
    return rows


def parse_instant(text: str, tz: str) -> dt.datetime:
    text = text.replace("Z", "+00:00").replace(" ", "T", 1)
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value


class Programme:
    def __init__(self, landing: Path, as_of: dt.date, timezone: str = "UTC", late_cancel_hours: float = 24,
                 stalled_after_days: int = 30, salt: str = "change-me"):
        self.as_of = as_of
        self.salt = salt
        self.cohorts = {r["cohort_id"]: r for r in read_source(landing, "cohorts")}
        for c in self.cohorts.values():
            c["tz"] = c.get("timezone") or timezone
        self.participants = {r["participant_id"]: r for r in read_source(landing, "participants")}
        by_email = defaultdict(list)
        for p in self.participants.values():
            by_email[p["email"].lower()].append(p["participant_id"])
        self.pid = lambda ref: ref if ref in self.participants else (
            by_email[ref.lower()][0] if len(by_email.get(ref.lower(), [])) == 1 else None)
        self.assignments = read_source(landing, "assignments")
        self.sessions = []
        for s in read_source(landing, "sessions"):
            pid = self.pid(s["participant"])
            cohort = self.cohorts[self.participants[pid]["cohort_id"]]
            start = parse_instant(s["scheduled_start"], cohort["tz"])
            status = s["status"].lower()
            if status == "cancelled" and s.get("cancelled_at"):
                cancelled = parse_instant(s["cancelled_at"], cohort["tz"])
                if (start - cancelled).total_seconds() < late_cancel_hours * 3600:
                    status = "late_cancelled"
            self.sessions.append({"pid": pid, "cohort_id": cohort["cohort_id"], "status": status,
                                  "local_date": start.astimezone(ZoneInfo(cohort["tz"])).date(),
                                  "minutes": float(s["duration_minutes"])})
        self.stalled_after_days = stalled_after_days

    def journey(self) -> dict[str, dict]:
        out = {}
        matched = defaultdict(list)
        for a in self.assignments:
            matched[self.pid(a["participant"])].append(dt.date.fromisoformat(a["matched_on"]))
        sessions = defaultdict(list)
        for s in self.sessions:
            sessions[s["pid"]].append(s)
        n = self.stalled_after_days
        for pid, p in self.participants.items():
            cohort = self.cohorts[p["cohort_id"]]
            planned = int(cohort["planned_sessions"])
            done = [s for s in sessions[pid] if s["status"] == "completed"]
            dates = sorted(s["local_date"] for s in done)
            enrolled = dt.date.fromisoformat(p["enrolled_on"])
            status = p["status"].lower()
            is_completed = status == "completed" or len(done) >= planned
            row = {
                "participant_id": pid,
                "participant_key": hashlib.sha256((self.salt + pid).encode()).hexdigest()[:16],
                "cohort_id": p["cohort_id"], "sponsor_id": cohort["sponsor_id"], "status": status,
                "is_matched": bool(matched[pid]), "matched_on": min(matched[pid]) if matched[pid] else None,
                "first_session_on": dates[0] if dates else None, "last_session_on": dates[-1] if dates else None,
                "days_to_first_session": (dates[0] - enrolled).days if dates else None,
                "sessions_completed": len(done),
                "sessions_no_show": sum(s["status"] == "no_show" for s in sessions[pid]),
                "sessions_late_cancelled": sum(s["status"] == "late_cancelled" for s in sessions[pid]),
                "coaching_hours": sum(s["minutes"] for s in done) / 60,
                "is_activated": len(done) >= 1,
                "reached_midpoint": len(done) >= planned / 2,
                "is_completed": is_completed,
                "is_stalled": (status == "active" and not is_completed and (self.as_of - enrolled).days >= n
                               and not any(d > self.as_of - dt.timedelta(days=n) for d in dates)),
            }
            out[pid] = row
        return out

    def cohort_engagement(self, min_group_size: int = 5) -> dict[str, dict]:
        journey = self.journey()
        out = {}
        for cid, c in self.cohorts.items():
            people = [j for j in journey.values() if j["cohort_id"] == cid]
            sess = [s for s in self.sessions if s["cohort_id"] == cid]
            enrolled = len(people)
            activated = [j for j in people if j["is_activated"]]
            completed_sessions = sum(s["status"] == "completed" for s in sess)
            eligible = sum(s["status"] in ("completed", "no_show", "late_cancelled") for s in sess)

            def ratio(a, b):
                return a / b if b else None

            completed = sum(j["is_completed"] for j in people)
            out[cid] = {
                "cohort_id": cid, "sponsor_id": c["sponsor_id"], "enrolled": enrolled,
                "matched": sum(j["is_matched"] for j in people), "activated": len(activated),
                "reached_midpoint": sum(j["reached_midpoint"] for j in people), "completed": completed,
                "activation_rate": ratio(len(activated), enrolled),
                "median_days_to_first_session": (statistics.median([j["days_to_first_session"] for j in activated])
                                                 if activated else None),
                "sessions_completed": completed_sessions,
                "sessions_per_activated": ratio(completed_sessions, len(activated)),
                "attendance_rate": ratio(completed_sessions, eligible),
                "no_show_rate": ratio(sum(s["status"] == "no_show" for s in sess), eligible),
                "late_cancel_rate": ratio(sum(s["status"] == "late_cancelled" for s in sess), eligible),
                "completion_rate": ratio(completed, enrolled),
                "stalled": sum(j["is_stalled"] for j in people),
                "coaching_hours": sum(j["coaching_hours"] for j in people),
                "utilisation": ratio(completed_sessions, enrolled * int(c["planned_sessions"])),
                "suppressed": enrolled < min_group_size,
            }
        return out
