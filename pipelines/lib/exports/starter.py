"""`coachlens map FILE`: say which tool wrote an export and write a starter mapping file for it.

The starter lists every question column of a survey export with its question text as a comment;
a lead fills in the item ids (and scores, for exports of answer labels) and the file loads.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..readers import FileError
from . import read_survey
from .detect import Detected, detect
from .mapping import MAPPINGS_FOLDER, WAVES
from .rawrows import read_rows
from .timeparse import needs_order, infer_order


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()[:200]


def _y(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def describe(path: Path) -> Detected:
    detected = detect(path)
    if detected is None:
        raise FileError(f"{path.name} is not an export coachlens recognises (Qualtrics, SurveyMonkey, Google Forms, "
                        "Microsoft Forms, Calendly, Microsoft Bookings, Zoom, Microsoft Teams); a file already in "
                        "the canonical columns of docs/landing.md needs no mapping")
    if detected.tool.family == "survey":
        _, survey = read_survey(path)
        detected = Detected(detected.tool, survey.variant)
    return detected


def starter_text(path: Path, files_glob: str) -> tuple[Detected, str]:
    detected = describe(path)
    head = [f"# Starter mapping written by coachlens map for {path.name}: a {detected.label} export.",
            f"# It feeds {detected.tool.feeds}. Complete it, keep it in <landing>/{MAPPINGS_FOLDER}/, then refresh.",
            f"source: {detected.tool.feeds}", f"files: [{_y(files_glob)}]   # globs relative to the landing folder"]
    if detected.tool.family != "survey":
        raw = read_rows(path)
        values = [c for _, cells in raw.rows for c in cells[:4] if c]
        order = "" if not needs_order(values) or infer_order(values) else \
            "date_order:            # REQUIRED: MDY or DMY, the file's dates could be either\n"
        return detected, "\n".join(head + [
            "# timezone: Europe/London   # the zone of the export's times (default: coachlens.toml timezone)",
            "# coach: coach@example.org   # the coach of every session in this file (default: from the rows)",
        ]) + "\n" + order
    _, survey = read_survey(path)
    d = survey.defaults
    lines = head + [
        f"instrument: {_y(path.stem)}   # the questionnaire's name, the same for every wave",
        f"wave: pre                # {', '.join(WAVES)}; or {{column: C, values: {{\"Baseline\": pre}}}}",
        "rater_type: self         # self, manager, peer or direct_report; same forms as wave",
        f"participant: {{column: {_y(d.get('participant') or 'CHOOSE A COLUMN')}}}   # a participant id or email",
    ]
    if d.get("response_id"):
        lines.append(f"response_id: {{column: {_y(d['response_id'])}}}")
    else:
        lines.append("# response_id: none in this tool: the submission time and the respondent identify a response")
    lines += [f"submitted_at: {{column: {_y(d.get('submitted_at') or 'CHOOSE A COLUMN')}}}",
              "# session_id: {column: C}     # optional",
              "# timezone: Europe/London     # for naive times; a zone the export states wins",
              "# date_order: DMY             # only when the file's dates could be day/month or month/day",
              "items:                        # export column -> item_id of survey_items; delete questions you skip"]
    for col in survey.columns:
        if not col.question:
            continue
        if col.free_text:
            lines.append(f"  # {_y(col.name)}: free text, never loaded: {_comment(col.text)}")
        else:
            lines.append(f"  {_y(col.name)}: \"\"   # {_comment(col.text)}")
    lines += ["# scores:                     # for exports of answer labels: label -> score",
              "#   \"Strongly disagree\": 1", "#   \"Strongly agree\": 5"]
    return detected, "\n".join(lines) + "\n"


def write_starter(path: Path, landing: Path, source: str | None, out: Path | None) -> tuple[Detected, Path]:
    path = Path(path).resolve()
    detected = describe(path)
    if source and source != detected.tool.feeds:
        raise FileError(f"{path.name} is a {detected.label} export, which feeds {detected.tool.feeds}, not {source}")
    landing = Path(landing).resolve()
    try:
        glob = path.relative_to(landing).as_posix()
    except ValueError:
        glob = f"{detected.tool.feeds}/{path.name}"
    detected, text = starter_text(path, glob)
    target = Path(out) if out else landing / MAPPINGS_FOLDER / f"{path.stem}.yml"
    if target.exists():
        raise FileError(f"{target} already exists: pass --out to write the starter elsewhere")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return detected, target
