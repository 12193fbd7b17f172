"""Which tool wrote a file, from its own signature (header rows, column names, preamble), never its name.

`detect` tries every tool's recogniser on the file's first rows. A recogniser returns the layout
variant, None when the file is not that tool's, or raises LayoutError when the file looks like
the tool's export but breaks its layout (the message names the tool and what is wrong).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import attendance, bookings, surveys
from .rawrows import HEAD_ROWS, read_rows


@dataclass(frozen=True)
class Tool:
    name: str
    feeds: str      # the landing source its rows belong to
    family: str     # survey | booking | attendance
    recognise: object


TOOLS = [
    Tool("Qualtrics", "survey_responses", "survey", surveys.recognise_qualtrics),
    Tool("SurveyMonkey", "survey_responses", "survey", surveys.recognise_surveymonkey),
    Tool("Microsoft Forms", "survey_responses", "survey", surveys.recognise_microsoft_forms),
    Tool("Google Forms", "survey_responses", "survey", surveys.recognise_google_forms),
    Tool("Calendly", "sessions", "booking", bookings.recognise_calendly),
    Tool("Microsoft Bookings", "sessions", "booking", bookings.recognise_bookings),
    Tool("Zoom", "sessions", "attendance", attendance.recognise_zoom),
    Tool("Microsoft Teams", "sessions", "attendance", attendance.recognise_teams),
]


@dataclass(frozen=True)
class Detected:
    tool: Tool
    variant: str

    @property
    def label(self) -> str:
        return f"{self.tool.name} ({self.variant})"


def detect_rows(rows) -> Detected | None:
    first = next((k for k, (_, cells) in enumerate(rows) if cells), None)
    if first is None:
        return None
    rows = rows[first:]
    for tool in TOOLS:
        variant = tool.recognise(rows)
        if variant:
            return Detected(tool, variant)
    return None


def detect(path: Path) -> Detected | None:
    """The tool and variant that wrote `path`, or None for a canonical (or unknown) table."""
    raw = read_rows(Path(path), limit=HEAD_ROWS)
    return detect_rows(raw.rows) if raw is not None else None
