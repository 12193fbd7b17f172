"""Date-times as vendor exports write them -> UTC ISO text (docs/exports.md, "What every export goes through").

A naive time is placed in the zone the export states (a suffix such as `PST` or `GMT+5:30`, or the
zone the caller read from the file's header), else the mapping's `timezone`, else configuration.
Day/month order comes from the file itself when any value shows it, else from the mapping's
`date_order`; a file whose order cannot be told fails with a message saying how to fix it.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from ..readers import FileError

_ABBREVIATIONS = {"utc": 0, "gmt": 0, "z": 0, "pst": -480, "pdt": -420, "mst": -420, "mdt": -360,
                  "cst": -360, "cdt": -300, "est": -300, "edt": -240, "akst": -540, "akdt": -480,
                  "hst": -600, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "ist": 330,
                  "jst": 540, "kst": 540, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780}
_ZONE = re.compile(r"\s*(?:(?P<abbr>[A-Za-z]{1,5})(?P<off>[+-]\d{1,2}(?::?\d{2})?)?|(?P<bare>[+-]\d{2}:?\d{2}))$")
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
_YMD = re.compile(r"(?P<a>\d{4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,2})(?:[T ,]+" + _TIME + r")?$")
_XYZ = re.compile(r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{4}|\d{2})(?:[T ,]+" + _TIME + r")?$")
_SERIAL = re.compile(r"\d{4,6}(\.\d+)?$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
ORDERS = ("MDY", "DMY", "YMD")


def zone_of(name: str | None) -> dt.tzinfo | None:
    """An IANA zone, `UTC`, or an abbreviation/offset such as `PST`, `GMT+5:30`; None when unknown."""
    if not name:
        return None
    text = name.strip()
    m = _ZONE.fullmatch(" " + text) if text else None
    if m and (m.group("abbr") or "").lower() in _ABBREVIATIONS | {"": 0} or (m and m.group("bare")):
        base = _ABBREVIATIONS.get((m.group("abbr") or "").lower(), 0)
        off = m.group("off") or m.group("bare")
        minutes = base
        if off:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            hours, mins = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
            minutes += sign * (int(hours) * 60 + int(mins))
        return dt.timezone(dt.timedelta(minutes=minutes))
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def split_zone(text: str) -> tuple[str, str | None]:
    """('2021/02/19 12:09:45 AM', 'PST') for a time stamp with a stated zone; (text, None) otherwise."""
    t = text.strip()
    m = re.search(r"\s+((?:[A-Za-z]{2,5})(?:[+-]\d{1,2}(?::?\d{2})?)?)$", t)
    if m and m.group(1).lower().rstrip("0123456789:+-") in _ABBREVIATIONS and m.group(1).lower()[:2] not in ("am", "pm"):
        return t[:m.start()], m.group(1)
    return t, None


def _parts(text: str):
    t = re.sub(r"\s+", " ", text.strip())
    m = _YMD.match(t)
    if m:
        return "Y", m
    m = _XYZ.match(t)
    if m:
        return "X", m
    return None, None


def infer_order(values, default: str | None = None) -> str | None:
    """MDY or DMY when some value shows it (a first part above 12 is a day), else `default`."""
    first_day = second_day = False
    for v in values:
        kind, m = _parts(v or "")
        if kind != "X":
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        first_day |= a > 12
        second_day |= b > 12
    if first_day and not second_day:
        return "DMY"
    if second_day and not first_day:
        return "MDY"
    return default


def needs_order(values) -> bool:
    """True when some value has the form NN/NN/YYYY (day and month could be swapped)."""
    return any(_parts(v or "")[0] == "X" for v in values)


def parse_naive(text: str, order: str | None, allow_serial: bool = False) -> dt.datetime | None:
    """A naive datetime, or None when the text is not a date-time this module knows."""
    t = text.strip()
    if allow_serial and _SERIAL.match(t):
        return EXCEL_EPOCH + dt.timedelta(days=float(t))
    kind, m = _parts(t)
    if kind is None:
        try:
            return dt.datetime.fromisoformat(t).replace(tzinfo=None)
        except ValueError:
            return None
    if kind == "Y":
        year, month, day = int(m.group("a")), int(m.group("b")), int(m.group("c"))
    else:
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("c"))
        if year < 100:
            year += 2000
        if order == "DMY":
            day, month = a, b
        elif order == "MDY":
            month, day = a, b
        else:
            return None
    hour, minute, second = int(m.group("H") or 0), int(m.group("M") or 0), int(m.group("S") or 0)
    ampm = (m.group("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def to_utc_text(naive: dt.datetime, zone: dt.tzinfo) -> str:
    return naive.replace(tzinfo=zone).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Clock:
    """Reads one export's time stamps: its date order, and the zone for naive times."""

    def __init__(self, zone: dt.tzinfo, order: str | None, allow_serial: bool = False):
        self.zone, self.order, self.allow_serial = zone, order, allow_serial

    def instant(self, text: str | None, zone: dt.tzinfo | None = None) -> dt.datetime | None:
        """An aware UTC datetime, or None when the text is empty or not a date-time."""
        if text is None or not str(text).strip():
            return None
        body, stated = split_zone(str(text))
        naive = parse_naive(body, self.order, self.allow_serial)
        if naive is None:
            return None
        tz = zone_of(stated) if stated else None
        return naive.replace(tzinfo=tz or zone or self.zone).astimezone(dt.timezone.utc)

    def text(self, text: str | None, zone: dt.tzinfo | None = None) -> str | None:
        """UTC ISO text; an unreadable value is passed on unchanged so the contract rejects it, shown."""
        when = self.instant(text, zone)
        if when is None:
            return text.strip() if text and str(text).strip() else None
        return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def clock_for(values, tool: str, mapping_zone: str | None, config_zone: str, date_order: str | None,
              default_order: str | None = None, allow_serial: bool = False) -> Clock:
    """The Clock of one file; FileError when its day/month order cannot be told."""
    zone = zone_of(mapping_zone) or zone_of(config_zone) or dt.timezone.utc
    values = [v for v in values if v]
    order = date_order or infer_order(values) or default_order
    if order is None and needs_order(values):
        sample = next(v for v in values if _parts(v)[0] == "X")
        raise FileError(f"{tool}: dates such as {sample!r} could be day/month or month/day and no value in the file "
                        "tells: add `date_order: DMY` (or MDY) to a mapping file for this export "
                        "(coachlens map FILE writes one)")
    return Clock(zone, order, allow_serial)
