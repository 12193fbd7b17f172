"""Vendor export adapters: map a tool's own layout (FORMATS.md) onto a canonical landing source.

The loader opens every file with readers.open_table and then asks `adapt(source, path, table)`: the
first registered adapter for that source whose `matches` recognises the file rewrites its header and
records into the canonical columns of data_contracts/<source>.yml, keeping each record's row number.
Everything after that (contracts, quarantine, dbt, pages) is unchanged. To support a new export, write
an Adapter and add it to ADAPTERS; nothing else changes.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .readers import Record, TableFile, normalise_header


@dataclass(frozen=True)
class Adapter:
    name: str
    source: str
    signature: tuple[str, ...]   # normalised header names that identify the export
    columns: tuple[str, ...]     # canonical columns produced
    convert: Callable[[dict], list]  # one vendor record (normalised name -> text) -> canonical values

    def matches(self, table: TableFile) -> bool:
        return all(s in table.header for s in self.signature)

    def adapt(self, table: TableFile) -> TableFile:
        header = table.header

        def batches() -> Iterator[list[Record]]:
            for batch in table.batches:
                out = []
                for r in batch:
                    if len(r.fields) != len(header):
                        out.append(r)  # malformed: passed on, rejected by the loader with its row number
                        continue
                    out.append(Record(r.row, self.convert(dict(zip(header, r.fields)))))
                yield out

        return TableFile(list(self.columns), list(self.columns), batches(), table.encoding, table.delimiter,
                         adapter=self.name)


_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_ISO_12H = re.compile(r"(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])$")


def vendor_timestamp(text: str | None) -> str | None:
    """ISO text for the date-time formats seen in scheduling exports; other text is passed on unchanged
    (so the contract rejects it with the value shown)."""
    if text is None:
        return None
    t = text.strip()
    m = _US.match(t) or _ISO_12H.match(t)
    if not m:
        return t
    if m.re is _US:
        month, day, year, hour, minute, second, ampm = m.groups()
    else:
        year, month, day, hour, minute, second, ampm = m.groups()
    hour = int(hour)
    if ampm:
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}T{hour:02d}:{int(minute):02d}:{int(second or 0):02d}"


def _truthy(text: str | None) -> bool:
    return (text or "").strip().lower() in ("true", "yes", "1", "y")


def calendly_session(rec: dict) -> list:
    """Calendly 'scheduled events' export -> sessions. User = coach, invitee = participant."""
    start = vendor_timestamp(rec.get("start date & time"))
    end = vendor_timestamp(rec.get("end date & time"))
    minutes = None
    try:
        minutes = str(int((dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() // 60))
    except (TypeError, ValueError):
        minutes = None
    if _truthy(rec.get("canceled")):
        status = "cancelled"
    elif _truthy(rec.get("marked as no-show")):
        status = "no_show"
    else:
        status = "completed"
    return [rec.get("invitee uuid") or rec.get("event uuid"), rec.get("invitee email"), rec.get("user email"), start,
            minutes, status, "video", None]


ADAPTERS: list[Adapter] = [
    Adapter(
        name="calendly",
        source="sessions",
        signature=("invitee email", "user email", "start date & time", "end date & time", "event uuid"),
        columns=("session_id", "participant", "coach", "scheduled_start", "duration_minutes", "status", "modality",
                 "cancelled_at"),
        convert=calendly_session,
    ),
]


def adapt(source: str, path: Path, table: TableFile) -> TableFile:
    for adapter in ADAPTERS:
        if adapter.source == source and adapter.matches(table):
            return adapter.adapt(table)
    return table


__all__ = ["ADAPTERS", "Adapter", "adapt", "normalise_header", "vendor_timestamp"]
