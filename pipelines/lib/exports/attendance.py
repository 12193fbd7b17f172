"""Attendance reports (Zoom participants, Microsoft Teams) -> completed sessions.

One report is one meeting. Each row (a join segment, or a Teams join/leave event) belongs to a
person: the coach (matched among coaches, or named by a mapping's `coach:`), a participant, or
neither (a guest, an unknown email: rejected with that reason). A participant's segments with the
coach make one completed session: it starts at the first join and lasts the merged time of the
segments (rejoins overlap). The first row of a participant carries the session, their further rows
are members of it, the coach's rows count as loaded without a session of their own.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..readers import normalise_header
from .records import ExportRecord, rejected
from .cells import LayoutError, cell as _cell
from .timeparse import clock_for

ZOOM_NAME = {"name (original name)", "name", "名前 (元の名前)", "名前", "nombre (nombre original)",
             "name (ursprünglicher name)", "nome (nome original)"}
ZOOM_EMAIL = {"user email", "email", "ユーザーメール", "メール", "correo electrónico del usuario", "e-mail des benutzers",
              "e-mail do usuário"}
ZOOM_JOIN = {"join time", "参加時刻", "hora de entrada", "beitrittszeit", "hora de ingresso"}
ZOOM_LEAVE = {"leave time", "退出時刻", "hora de salida", "austrittszeit", "hora de saída"}
ZOOM_TOTAL = {"total duration (minutes)", "合計所要時間(分)"}
TEAMS_2020 = (["full name", "user action", "timestamp"], ["vollständiger name", "benutzeraktion", "zeitstempel"])
TEAMS_SUMMARY = {"meeting summary", "1. summary", "zusammenfassung der besprechung", "besprechungszusammenfassung"}


@dataclass
class Segment:
    line: int
    name: str | None
    email: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    minutes: float | None = None     # Zoom "unique users": total minutes, no end
    member: bool = False             # a Teams Left event: part of the segment its Joined row opened


def _norm(cells) -> list[str]:
    return [normalise_header(c or "") for c in cells]


def _find(header: list[str], names: set) -> int | None:
    return next((i for i, h in enumerate(header) if h in names), None)


def _person_column(header: list[str], mapping, names: set) -> int | None:
    """The column that identifies a person: the mapping's `participant: {column: C}`, else the email column."""
    if mapping and mapping.participant and mapping.participant.column:
        i = _find(header, {normalise_header(mapping.participant.column)})
        if i is None:
            raise mapping.error(f"participant: column {mapping.participant.column!r} is not in this report")
        return i
    return _find(header, names)


# --- Zoom ----------------------------------------------------------------------------

def _zoom_header_index(rows) -> int | None:
    for k, (_, cells) in enumerate(rows[:12]):
        h = _norm(cells)
        if h and h[0] in ZOOM_NAME and ((_find(h, ZOOM_JOIN) is not None and _find(h, ZOOM_LEAVE) is not None)
                                        or _find(h, ZOOM_TOTAL) is not None):
            return k
    return None


def recognise_zoom(rows) -> str | None:
    if not rows:
        return None
    first = _norm(rows[0][1])
    classic = {"meeting id", "topic", "start time"} <= set(first)
    modern = {"topic", "id", "host", "start time"} <= set(first)
    k = _zoom_header_index(rows)
    if k is None:
        if classic or modern:
            raise LayoutError("Zoom participants report: the meeting preamble is there but not the participants header "
                              "(Name (Original Name), User Email, Join Time, Leave Time, ...); export the report again "
                              "with 'Show meeting data' and without 'Show unique users' edits")
        return None
    header = _norm(rows[k][1])
    parts = ["with meeting preamble" if classic else "2024+ preamble" if modern else "no preamble"]
    if _find(header, ZOOM_TOTAL) is not None:
        parts.append("unique users")
    if header[0] not in {"name (original name)", "name"}:
        parts.append("localised headers")
    return ", ".join(parts)


def zoom_segments(rows, ctx, mapping):
    k = _zoom_header_index(rows)
    header = _norm(rows[k][1])
    first = _norm(rows[0][1])
    meeting = {}
    if k > 0 and len(rows) > 1 and rows[1][1]:
        meeting = dict(zip(first, rows[1][1]))
    host = meeting.get("user email")
    if not host and meeting.get("host"):
        m = re.search(r"\(([^()]+@[^()]+)\)", meeting["host"])
        host = m.group(1) if m else meeting["host"]
    i_name, i_mail = 0, _person_column(header, mapping, ZOOM_EMAIL)
    i_join, i_leave, i_total = _find(header, ZOOM_JOIN), _find(header, ZOOM_LEAVE), _find(header, ZOOM_TOTAL)
    data = [(n, c) for n, c in rows[k + 1:] if c]
    times = [_cell(c, i_join) for _, c in data] if i_join is not None else []
    times += [meeting.get("start time")]
    clock = clock_for(times, "Zoom", mapping and mapping.timezone, ctx.timezone, mapping and mapping.date_order,
                      default_order="MDY")
    segments = []
    meeting_start = clock.instant(meeting.get("start time"))
    if i_total is not None and meeting_start is None:
        raise LayoutError("Zoom participants report in 'unique users' mode without the meeting preamble: it has no "
                          "times; export it again with 'Show meeting data' (or without 'Show unique users')")
    for n, c in data:
        email = _cell(c, i_mail) if i_mail is not None else None
        if i_total is not None:
            total = _cell(c, i_total)
            segments.append(Segment(n, _cell(c, i_name), email, meeting_start, None,
                                    float(total) if total and total.replace(".", "", 1).isdigit() else None))
        else:
            segments.append(Segment(n, _cell(c, i_name), email, clock.instant(_cell(c, i_join)),
                                    clock.instant(_cell(c, i_leave))))
    return segments, host, clock.instant(meeting.get("end time"))


# --- Teams ---------------------------------------------------------------------------

def _teams_participants_index(rows) -> int | None:
    for k, (_, cells) in enumerate(rows[:40]):
        h = _norm(cells)
        if h and h[0] in ("full name", "name", "vollständiger name") and "join time" in h and "leave time" in h:
            return k
    return None


def recognise_teams(rows) -> str | None:
    if not rows:
        return None
    first = _norm(rows[0][1])
    if first[:3] in TEAMS_2020:
        return "2020 event log"
    if first and first[0] in TEAMS_SUMMARY:
        if _teams_participants_index(rows) is None:
            raise LayoutError("Microsoft Teams attendance report: the Meeting Summary is there but not the participants "
                              "table (Full Name, Join Time, Leave Time, Duration, Email, Role); download the report "
                              "again from the meeting's Attendance tab")
        return "2021-22 summary and segments"
    return None


def teams_segments(rows, variant, ctx, mapping):
    if variant.startswith("2020"):
        data = [(n, c) for n, c in rows[1:] if c]
        clock = clock_for([_cell(c, 2) for _, c in data], "Microsoft Teams", mapping and mapping.timezone,
                          ctx.timezone, mapping and mapping.date_order)
        events = [(n, _cell(c, 0), (_cell(c, 1) or "").casefold(), clock.instant(_cell(c, 2))) for n, c in data]
        known = [e[3] for e in events if e[3] is not None]
        meeting_end = max(known) if known else None
        segments, open_by_name = [], {}
        for n, name, action, when in events:
            if action.startswith("left"):
                seg = open_by_name.pop(name, None)
                if seg is not None and when is not None:
                    seg.end = when
                if seg is not None:
                    segments.append(Segment(n, name, None, None, None, member=True))
                else:  # a Left event with no Joined before it: there since the first event of the report
                    segments.append(Segment(n, name, None, min(known) if known else None, when))
            else:
                seg = Segment(n, name, None, when, None)
                open_by_name[name] = seg
                segments.append(seg)
        for seg in segments:
            if not seg.member and seg.start is not None and seg.end is None:
                seg.end = meeting_end  # no Left event: the person stayed to the end
        return segments, None, meeting_end
    summary = {}
    k = _teams_participants_index(rows)
    for _, cells in rows[:k]:
        if len(cells) >= 2 and cells[0]:
            summary[normalise_header(cells[0])] = _cell(cells, 1)
    header = _norm(rows[k][1])
    i_join, i_leave = header.index("join time"), header.index("leave time")
    i_mail = _person_column(header, mapping, {"email", "e-mail"})
    i_upn = _find(header, {"participant id (upn)", "upn"})
    i_role = _find(header, {"role", "rolle"})
    data = [(n, c) for n, c in rows[k + 1:] if c]
    clock = clock_for([_cell(c, i_join) for _, c in data] + [summary.get("meeting start time")], "Microsoft Teams",
                      mapping and mapping.timezone, ctx.timezone, mapping and mapping.date_order)
    meeting_end = clock.instant(summary.get("meeting end time"))
    segments, host = [], None
    for n, c in data:
        email = (_cell(c, i_mail) if i_mail is not None else None) or (_cell(c, i_upn) if i_upn is not None else None)
        if i_role is not None and (_cell(c, i_role) or "").casefold() == "organizer" and email:
            host = email
        segments.append(Segment(n, _cell(c, 0), email, clock.instant(_cell(c, i_join)),
                                clock.instant(_cell(c, i_leave)) or meeting_end))
    return segments, host, meeting_end


# --- segments -> sessions ---------------------------------------------------------------

def _merged_minutes(intervals) -> float:
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += (cur_end - cur_start).total_seconds()
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += (cur_end - cur_start).total_seconds()
    return total / 60


def _who(seg: Segment, people, tool: str):
    """('coach', id) | ('participant', id) | ('reject', code, reason)."""
    if seg.email and people.participants.find(seg.email):  # an id or email (the mapping may name an id column)
        return ("participant", people.participants.find(seg.email))
    if seg.email and "@" in seg.email:
        coach = people.coaches.find(seg.email)
        if coach:
            return ("coach", coach)
        participant = people.participants.find(seg.email)
        if participant:
            return ("participant", participant)
        return ("reject", "unknown_person", f'no participant or coach has the email "{seg.email}" ({tool} attendee '
                f'"{seg.name or ""}"): a guest, or add them to participants')
    coach = people.coaches.find_name(seg.name)
    if coach:
        return ("coach", coach)
    participant = people.participants.find_name(seg.name)
    if participant:
        return ("participant", participant)
    if seg.email:
        return ("reject", "unknown_person", f'no participant or coach has the id, email or name "{seg.email}" '
                f"({tool} attendee)")
    return ("reject", "guest_without_email", f'{tool} attendee "{seg.name or ""}" has no email and matches no '
            "participant's or coach's full name: a guest, not counted")


def attendance_records(segments, host, tool: str, ctx, mapping) -> list[ExportRecord]:
    people = ctx.people
    whose = {}
    for seg in segments:
        if seg.member:
            continue
        whose[seg.line] = _who(seg, people, tool)
    if mapping and mapping.coach and mapping.coach.value:
        coach = people.coaches.find(mapping.coach.value) or people.coaches.find_name(mapping.coach.value)
        if coach is None:
            raise mapping.error(f"coach: no coach has the id, email or name {mapping.coach.value!r}")
        coaches = {coach}
    else:
        coaches = {w[1] for w in whose.values() if w[0] == "coach"}
        host_coach = people.coaches.find(host) if host else None
        if host_coach:
            coaches = {host_coach}
    coach = next(iter(coaches)) if len(coaches) == 1 else None

    # a Teams 2020 Left event belongs to the segment its person opened last
    owner_line, last_open = {}, {}
    for seg in segments:
        if seg.member:
            owner_line[seg.line] = last_open.get(seg.name)
        else:
            last_open[seg.name] = seg.line
            owner_line[seg.line] = seg.line

    groups: dict[str, list[Segment]] = {}
    for seg in segments:
        w = whose.get(owner_line[seg.line] or -1)
        if w and w[0] == "participant" and not seg.member and seg.start is not None:
            groups.setdefault(w[1], []).append(seg)
    out: list[ExportRecord] = []
    primary_of: dict[str, int] = {}
    for seg in segments:
        w = whose.get(owner_line[seg.line] or -1)
        if w[0] == "coach":
            out.append(ExportRecord(seg.line, [None] * 8, count_only=True))
            continue
        if w[0] == "reject":
            out.append(rejected(seg.line, [None, seg.email or seg.name, None, None, None, None, None, None], w[1], w[2],
                                "participant"))
            continue
        participant = w[1]
        if seg.member:
            out.append(ExportRecord(seg.line, [None] * 8, member_of=primary_of.get(participant)))
            continue
        if seg.start is None:
            out.append(rejected(seg.line, [None, participant, coach, None, None, "completed", "video", None],
                                "bad_time", f"{tool}: this row's join time cannot be read as a date-time",
                                "scheduled_start"))
            continue
        if participant in primary_of:
            out.append(ExportRecord(seg.line, [None] * 8, member_of=primary_of[participant]))
            continue
        fields = _session_fields(groups.get(participant, []), participant, coach, tool)
        if coach is None:
            reason = ("no row of this report is a coach (no email or name matches coaches): add `coach:` to a "
                      "mapping for this export" if not coaches else
                      f"several coaches attended ({', '.join(sorted(coaches))}): add `coach:` to a mapping")
            out.append(rejected(seg.line, fields, "no_coach", f"{tool}: {reason}", "coach"))
        else:
            out.append(ExportRecord(seg.line, fields))
        primary_of[participant] = len(out)
    return out


def _session_fields(segs: list[Segment], participant: str, coach: str | None, tool: str) -> list:
    start = min(s.start for s in segs)
    if all(s.minutes is not None for s in segs):
        minutes = sum(s.minutes for s in segs)
    else:
        minutes = _merged_minutes([(s.start, s.end or s.start) for s in segs])
    session_id = f"{tool.split()[-1].lower()}:{coach}:{participant}:{start:%Y%m%dT%H%M}"
    return [session_id, participant, coach, start.strftime("%Y-%m-%dT%H:%M:%S+00:00"), f"{round(minutes, 2):g}",
            "completed", "video", None]
