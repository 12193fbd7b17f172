"""Booking exports (Calendly scheduled events, Microsoft Bookings) -> sessions.

A booking is `cancelled` when the tool says so, `no_show` when marked so, else `completed` if it
starts on or before the refresh's as-of date (on the participant's cohort calendar, as the sessions
contract reads it) and `scheduled` after it. Only canonical columns are produced: Calendly's Meeting Notes and Question/Response
pairs (confidential free text) are never read.
"""
from __future__ import annotations

from ..readers import normalise_header
from .records import ExportRecord, rejected
from .cells import LayoutError, cell as _cell
from .timeparse import clock_for, zone_of

COLUMNS = ["session_id", "participant", "coach", "scheduled_start", "duration_minutes", "status", "modality",
           "cancelled_at"]
TRUE = ("true", "yes", "1", "y")


def recognise_calendly(rows) -> str | None:
    if not rows:
        return None
    header = set(_norm(rows[0][1]))
    if not ({"invitee email", "start date & time"} <= header or {"invitee email", "event type name"} <= header):
        return None
    needed = ["invitee email", "start date & time", "end date & time", "canceled"]
    missing = [n for n in needed if n not in header]
    if missing or not ({"user email", "user name"} & header):
        missing += [] if {"user email", "user name"} & header else ["user email"]
        raise LayoutError(f"Calendly export: missing column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)}; export Scheduled events again as CSV without removing columns")
    return "2025 columns" if {"scheduling method", "invitee scheduled by"} & header else "columns before 2025"


BOOKINGS_9 = ["date time", "customer name", "customer email", "customer phone", "customer address", "staff", "service",
              "location", "duration (mins.)"]


def recognise_bookings(rows) -> str | None:
    if not rows:
        return None
    header = _norm(rows[0][1])
    if not ({"date time", "customer email"} <= set(header)):
        return None
    missing = [n for n in ("staff", "service", "duration (mins.)") if n not in header]
    if missing:
        raise LayoutError(f"Microsoft Bookings export: missing column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)}; export the bookings again (Reporting > Export as TSV)")
    return "21 columns" if "booking id" in header else "9 columns"


def _norm(cells) -> list[str]:
    return [normalise_header(c or "") for c in cells]


def _strip_quote(text: str | None) -> str | None:
    return text[1:] if text and text.startswith("'") else text


def _modality(location: str | None) -> str:
    loc = (location or "").casefold()
    if "phone" in loc:
        return "phone"
    if "chat" in loc:
        return "chat"
    if "in person" in loc or "in-person" in loc or "office" in loc:
        return "in_person"
    return "video"


def booking_records(rows, tool: str, ctx, mapping) -> list[ExportRecord]:
    header = _norm(rows[0][1])
    col = {name: i for i, name in reversed(list(enumerate(header)))}
    data = [(n, [_strip_quote(c) for c in cells]) for n, cells in rows[1:] if cells]

    def get(cells, name):
        return _cell(cells, col[name]) if name in col else None

    if tool == "Calendly":
        start_name, person_name = "start date & time", "invitee email"
        coach_names = ("user email", "user name")
    else:
        start_name, person_name = "date time", "customer email"
        coach_names = ("staff email", "staff", "staff name")
    if mapping and mapping.participant and mapping.participant.column:
        person_name = normalise_header(mapping.participant.column)
    clock = clock_for([get(c, start_name) for _, c in data], tool, mapping and mapping.timezone, ctx.timezone,
                      mapping and mapping.date_order)
    out = []
    for line, cells in data:
        start = clock.instant(get(cells, start_name))
        if tool == "Calendly":
            end = clock.instant(get(cells, "end date & time"))
            minutes = (end - start).total_seconds() / 60 if start and end else None
            session_id = get(cells, "invitee uuid") or get(cells, "event uuid")
            cancelled = (get(cells, "canceled") or "").casefold() in TRUE
            no_show = (get(cells, "marked as no-show") or "").casefold() in TRUE
        else:
            minutes_text = get(cells, "duration (mins.)")
            minutes = float(minutes_text) if minutes_text and minutes_text.replace(".", "", 1).isdigit() else None
            session_id = get(cells, "booking id")
            cancelled = no_show = False
        who = get(cells, person_name)
        coach_value = _coach_value(cells, get, coach_names, mapping)
        if session_id is None:
            session_id = f"{tool.lower().replace(' ', '_')}:{get(cells, start_name)}:{who}"
        if cancelled:
            status = "cancelled"
        elif no_show:
            status = "no_show"
        elif start is not None and start.astimezone(_participant_zone(ctx, who, clock.zone)).date() > ctx.as_of:
            status = "scheduled"
        else:
            status = "completed"
        start_text = start.strftime("%Y-%m-%dT%H:%M:%S+00:00") if start else get(cells, start_name)
        minutes_text = None if minutes is None else f"{round(minutes, 2):g}"
        coach_id = ctx.people.coaches.find(coach_value) or ctx.people.coaches.find_name(coach_value)
        fields = [session_id, who, coach_id or coach_value, start_text, minutes_text, status,
                  _modality(get(cells, "location")), None]
        if who is not None and ctx.people.participants.find(who) is None:
            out.append(rejected(line, fields, "unknown_participant",
                                f'no participant has the email "{who}" ({tool} invitee): add them to participants '
                                "or correct the booking, then refresh", "participant"))
        elif coach_value is not None and coach_id is None:
            out.append(rejected(line, fields, "unknown_coach",
                                f'no coach has the email or name "{coach_value}" ({tool} host): add them to coaches '
                                "or set coach: in a mapping for this export", "coach"))
        else:
            out.append(ExportRecord(line, fields))
    return out


def _participant_zone(ctx, who, default):
    """The zone whose calendar says whether a booking is past: the participant's cohort's, as the contract's
    `completed_not_after_as_of` rule reads it, else the zone the export's times are read in."""
    pid = ctx.people.participants.find(who)
    return zone_of(ctx.people.participants.zone.get(pid) or ctx.timezone if pid else None) or default


def _coach_value(cells, get, names, mapping) -> str | None:
    if mapping and mapping.coach:
        if mapping.coach.value:
            return mapping.coach.value
        return get(cells, normalise_header(mapping.coach.column))
    for name in names:
        if get(cells, name):
            return get(cells, name)
    return None
