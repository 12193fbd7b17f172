"""Vendor exports in (docs/exports.md): recognise a tool's download and turn it into canonical records.

`open_export(source, path, rel, ctx)` is what the loader calls for every landing file: None for a
canonical file (read as before), else a TableFile of canonical columns whose records are
ExportRecords (see records.py), each keeping the export's physical line. Modules: detect
(signatures), rawrows (reading every row), timeparse (dates and zones), mapping (mapping files),
surveys / bookings / attendance (one per tool family), people (the roster), merge (one meeting
booked and attended counts once).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..readers import FileError, TableFile
from . import attendance, bookings, surveys
from .detect import Detected, detect
from .mapping import MAPPINGS_FOLDER, find_mapping
from .people import People
from .rawrows import read_rows


@dataclass
class ExportContext:
    landing: Path
    as_of: dt.date
    timezone: str
    con: object = None                  # the warehouse connection: the roster and survey items are read from it
    _people: People | None = field(default=None, repr=False)
    _item_ids: set | None = field(default=None, repr=False)

    @property
    def people(self) -> People:
        if self._people is None:
            self._people = People.from_warehouse(self.con) if self.con is not None else People.of_nothing()
        return self._people

    @property
    def item_ids(self) -> set | None:
        if self._item_ids is None and self.con is not None:
            try:
                self._item_ids = {r[0] for r in self.con.execute("SELECT item_id FROM raw.survey_items").fetchall()}
            except Exception:  # no survey_items loaded yet: item ids are then checked by the contract
                return None
        return self._item_ids


def records_of(detected: Detected, rows, source: str, rel: str, ctx: ExportContext, kind: str):
    """(canonical columns, records, what the manifest says about the export) of one export."""
    tool, family = detected.tool.name, detected.tool.family
    mapping = find_mapping(ctx.landing, source, rel)
    if family == "survey":
        if mapping is None:
            raise FileError(f"{detected.label} export: no mapping in {MAPPINGS_FOLDER}/ has files matching {rel}; "
                            f"run `coachlens map {rel}` and complete the mapping it writes")
        survey = _survey(detected, rows, kind)
        note = "rows counted are its answers (one per mapped question answered), each with its export line"
        return surveys.COLUMNS, surveys.survey_records(survey, mapping, ctx), f"{tool} ({survey.variant})", note
    if family == "booking":
        note = "bookings: cancelled, no-show, past (completed) or future (scheduled)"
        return bookings.COLUMNS, bookings.booking_records(rows, tool, ctx, mapping), detected.label, note
    if tool == "Zoom":
        segments, host, _ = attendance.zoom_segments(rows, ctx, mapping)
    else:
        segments, host, _ = attendance.teams_segments(rows, detected.variant, ctx, mapping)
    note = "attendance: a participant's join segments make one session; the coach's rows count as loaded"
    return bookings.COLUMNS, attendance.attendance_records(segments, host, tool, ctx, mapping), detected.label, note


def _survey(detected: Detected, rows, kind: str):
    tool = detected.tool.name
    if tool == "Qualtrics":
        return surveys.read_qualtrics(rows, detected.variant)
    if tool == "SurveyMonkey":
        return surveys.read_surveymonkey(rows, detected.variant, kind)
    if tool == "Google Forms":
        return surveys.read_google_forms(rows, detected.variant)
    return surveys.read_microsoft_forms(rows, detected.variant)


def read_survey(path: Path):
    """The WideSurvey of a survey export (for `coachlens map`), with what detected it."""
    detected = detect(path)
    if detected is None:
        return None, None
    raw = read_rows(path)
    rows = _from_first(raw.rows)
    if detected.tool.family != "survey":
        return detected, None
    return detected, _survey(detected, rows, raw.kind)


def _from_first(rows):
    first = next((k for k, (_, cells) in enumerate(rows) if cells), 0)
    return rows[first:]


def open_export(source: str, path: Path, rel: str, ctx: ExportContext) -> TableFile | None:
    """A TableFile of canonical records for a recognised export; None for any other file."""
    detected = detect(path)
    if detected is None:
        return None
    if detected.tool.feeds != source:
        raise FileError(f"this is a {detected.label} export, which feeds {detected.tool.feeds}: move it to "
                        f"{detected.tool.feeds}/")
    raw = read_rows(path)
    try:
        columns, records, label, note = records_of(detected, _from_first(raw.rows), source, rel, ctx, raw.kind)
    except (IndexError, KeyError, ValueError, TypeError, AttributeError) as exc:  # a layout no recogniser foresaw
        raise FileError(f"{detected.label} export: it cannot be read ({type(exc).__name__}: {exc}); check that it is "
                        "the tool's unedited download")
    return TableFile(list(columns), list(columns), iter([records]), raw.encoding, raw.delimiter,
                     adapter=label, note=note, family=detected.tool.family)
