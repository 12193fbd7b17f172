"""Wide survey exports (Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms) -> survey_responses.

Each tool's reader turns its header rows into a WideSurvey: the columns (with the names a mapping
may use for them and their question text), the data rows with their physical lines, and what the
tool says about each response (its disposition). `survey_records` then applies a mapping file:
every mapped, non-empty answer becomes one canonical record, or a pre-rejected one with a reason.
"""
from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..readers import normalise_header
from .cells import LayoutError, cell as _cell, norm_row as _norm_row
from .mapping import RATERS, WAVES, Mapping
from .records import ExportRecord, rejected
from .timeparse import clock_for, parse_naive, split_zone, zone_of

COLUMNS = ["response_id", "participant", "instrument", "wave", "rater_type", "item_id", "score", "submitted_at",
           "session_id"]


@dataclass
class SurveyColumn:
    index: int
    keys: list[str]            # the names a mapping may use: first-row name, Qualtrics ImportId, ...
    text: str = ""             # the question text, for the starter mapping's comments
    zone: str | None = None    # the zone the export states for this column's times (Qualtrics)
    question: bool = True      # False for the tool's metadata columns
    free_text: bool = False    # a text-entry column (never a score)

    @property
    def name(self) -> str:
        return self.keys[0]


@dataclass
class WideSurvey:
    tool: str
    variant: str
    columns: list[SurveyColumn]
    data: list[tuple[int, list]]
    disposition: Callable | None = None   # (cells) -> (reason code, reason) when the tool marks it not an answer
    default_order: str | None = None
    allow_serial: bool = False
    defaults: dict = field(default_factory=dict)   # suggested mapping columns: participant, response_id, ...

    def find(self, name: str) -> SurveyColumn | None:
        key = normalise_header(name)
        for c in self.columns:
            if any(normalise_header(k) == key for k in c.keys):
                return c
        return None


def _unique(keys: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        n = seen.get(normalise_header(k), 0) + 1
        seen[normalise_header(k)] = n
        out.append(k if n == 1 else f"{k} ({n})")
    return out


# --- Qualtrics -------------------------------------------------------------------

QUALTRICS_STATUS = {"1": ("survey_preview", "a survey preview"), "survey preview": ("survey_preview", "a survey preview"),
                    "2": ("survey_test", "a survey test"), "survey test": ("survey_test", "a survey test"),
                    "8": ("survey_spam", "spam"), "spam": ("survey_spam", "spam")}


def recognise_qualtrics(rows) -> str | None:
    if not rows:
        return None
    r1 = _norm_row(rows[0][1])
    r2 = _norm_row(rows[1][1]) if len(rows) > 1 else []
    if r1[:3] == ["v1", "v2", "v3"] and "responseid" in r2:
        return "legacy"
    if "responseid" in r1 and ({"startdate", "enddate", "responseset", "recordeddate"} & set(r1)):
        if len(rows) < 3:
            raise LayoutError("Qualtrics export: the three header rows (names, question text, ImportId) are "
                              "missing; export again from Data & Analysis > Export, CSV")
        first = (rows[2][1][0] or "").replace(" ", "").casefold() if rows[2][1] else ""
        if first.startswith('{"importid"'):
            return "current"
        if first.startswith("{'importid'"):
            return "2016 transitional"
        raise LayoutError(f"Qualtrics export: header row 3 (line {rows[2][0]}) should hold an ImportId per column "
                          f"({{\"ImportId\":...}}) but starts with {str(rows[2][1][0] if rows[2][1] else '')[:40]!r}; "
                          "export the file again without editing its header rows")
    return None


def _import_ids(cells: list, python_style: bool, line: int) -> list[dict]:
    out = []
    for i, cell in enumerate(cells):
        if cell is None:
            out.append({})
            continue
        try:
            obj = ast.literal_eval(cell) if python_style else json.loads(cell)
        except (ValueError, SyntaxError):
            raise LayoutError(f"Qualtrics export: header row 3 (line {line}), column {i + 1} is not an ImportId "
                              f"object: {cell[:60]!r}")
        if not isinstance(obj, dict) or "ImportId" not in obj:
            raise LayoutError(f"Qualtrics export: header row 3 (line {line}), column {i + 1} has no ImportId: "
                              f"{cell[:60]!r}")
        out.append(obj)
    return out


def read_qualtrics(rows, variant: str) -> WideSurvey:
    values_rows = rows[2:] if variant == "legacy" else rows[3:]
    data = [(n, c) for n, c in values_rows if c]
    if variant == "legacy":
        codes, texts = rows[0][1], rows[1][1]
        width = max(len(codes), len(texts))
        columns = []
        for i in range(width):
            code, text = _cell(codes, i), _cell(texts, i) or ""
            if code is None and not text:
                continue  # the empty column a trailing comma makes
            meta = bool(re.fullmatch(r"V\d+", code or "")) or code in (
                "LocationLatitude", "LocationLongitude", "LocationAccuracy")
            keys = [text] if re.fullmatch(r"V\d+", code or "") else [k for k in (code, text) if k]
            columns.append(SurveyColumn(i, keys, text, question=not meta,
                                        free_text="TEXT" in (code or "").upper()))
    else:
        names, texts = rows[0][1], rows[1][1]
        ids = _import_ids(rows[2][1], variant != "current", rows[2][0])
        columns = []
        for i, name in enumerate(names):
            if name is None:
                continue
            info = ids[i] if i < len(ids) else {}
            import_id = str(info.get("ImportId", ""))
            keys = [name] + ([import_id] if import_id and import_id != name else [])
            question = import_id.upper().startswith("QID") or (not import_id and re.match(r"Q\d", name) is not None)
            columns.append(SurveyColumn(i, keys, _cell(texts, i) or "", zone=info.get("timeZone"), question=question,
                                        free_text="TEXT" in import_id.upper() or name.upper().endswith("_TEXT")
                                        or name.endswith(" - Topics")))
    survey = WideSurvey("Qualtrics", variant, columns, data)
    status, finished, progress = survey.find("Status"), survey.find("Finished"), survey.find("Progress")
    numeric = all(re.fullmatch(r"\d+", _cell(c, status.index) or "0") for _, c in data) if status else True
    survey.variant = f"{variant}, {'numeric values' if numeric else 'choice text'}"

    def disposition(cells):
        if status is not None:
            value = (_cell(cells, status.index) or "").casefold()
            if value in QUALTRICS_STATUS:
                code, what = QUALTRICS_STATUS[value]
                return code, f"Qualtrics marks this response as {what} (Status = {_cell(cells, status.index)}): not a real answer"
        if finished is not None and (_cell(cells, finished.index) or "").casefold() in ("0", "false"):
            return "unfinished_response", (f"Qualtrics marks this response as unfinished (Finished = "
                                           f"{_cell(cells, finished.index)}): not a complete answer")
        if finished is None and progress is not None:
            p = _cell(cells, progress.index)
            if p and re.fullmatch(r"\d+(\.\d+)?", p) and float(p) < 100:
                return "unfinished_response", f"Qualtrics marks this response as unfinished (Progress = {p}%)"
        return None

    survey.disposition = disposition
    email = survey.find("RecipientEmail") or survey.find("EmailAddress")
    survey.defaults = {"participant": email.name if email else "ExternalReference",
                       "response_id": (survey.find("ResponseId") or survey.find("ResponseID")).name
                       if (survey.find("ResponseId") or survey.find("ResponseID")) else None,
                       "submitted_at": (survey.find("RecordedDate") or survey.find("EndDate")).name
                       if (survey.find("RecordedDate") or survey.find("EndDate")) else None}
    return survey


# --- SurveyMonkey ------------------------------------------------------------------

MONKEY_META = {"respondent id", "collector id", "start date", "end date", "ip address", "email address", "first name",
               "last name", "custom data 1", "custom data", "respondentid", "collectorid", "startdate", "enddate",
               "ipaddress", "emailaddress", "firstname", "lastname", "customdata"}
MONKEY_SINGLE = {"response", "open-ended response", "other (please specify)"}


def recognise_surveymonkey(rows) -> str | None:
    if not rows:
        return None
    r1 = set(_norm_row(rows[0][1]))
    if {"respondentid", "collectorid"} <= r1:
        return "older, one header row"
    if {"respondent id", "collector id"} <= r1:
        row2 = rows[1][1] if len(rows) > 1 else []
        first = _norm_row(rows[0][1]).index("respondent id")
        if len(rows) < 2 or _cell(row2, first) is not None:
            raise LayoutError("SurveyMonkey export: the second header row (Response / Open-Ended Response under each "
                              "question) is missing; download 'All responses data' with expanded columns")
        return "expanded, two header rows"
    return None


def read_surveymonkey(rows, variant: str, kind: str) -> WideSurvey:
    if variant.startswith("older"):
        header, sub, data_rows = rows[0][1], [], rows[1:]
    else:
        header, sub, data_rows = rows[0][1], rows[1][1], rows[2:]
    width = max(len(header), len(sub))
    keys, texts, metas = [], [], []
    current = ""
    for i in range(width):
        top = _cell(header, i)
        if top is not None:
            current = top
        below = _cell(sub, i)
        meta = normalise_header(current) in MONKEY_META and top is not None
        key = current if below is None or normalise_header(below) in MONKEY_SINGLE or meta else f"{current} - {below}"
        keys.append(key)
        texts.append(key)
        metas.append(meta)
    keys = _unique(keys)
    columns = [SurveyColumn(i, [k], t, question=not m,
                            free_text=normalise_header(_cell(sub, i) or "") == "open-ended response")
               for i, (k, t, m) in enumerate(zip(keys, texts, metas)) if k]
    survey = WideSurvey("SurveyMonkey", f"{variant}, {kind.upper()}", columns, [(n, c) for n, c in data_rows if c],
                        default_order="MDY")
    email = survey.find("Email Address") or survey.find("EmailAddress")
    rid = survey.find("Respondent ID") or survey.find("RespondentID")
    end = survey.find("End Date") or survey.find("EndDate")
    survey.defaults = {"participant": email.name if email else None, "response_id": rid.name if rid else None,
                       "submitted_at": end.name if end else None}
    return survey


# --- Google Forms ---------------------------------------------------------------

TIMESTAMP_NAMES = {"timestamp", "marca temporal", "zeitstempel", "horodateur", "carimbo de data/hora", "タイムスタンプ",
                   "informazioni cronologiche", "tijdstempel"}


def recognise_google_forms(rows) -> str | None:
    if not rows or not rows[0][1]:
        return None
    if normalise_header(rows[0][1][0] or "") not in TIMESTAMP_NAMES:
        return None
    first = next(((n, c) for n, c in rows[1:] if c), None)
    if first is None:
        return "downloaded from the form"
    n, cells = first
    stamp = _cell(cells, 0) or ""
    body, zone = split_zone(stamp)
    if parse_naive(body, "MDY") is None and parse_naive(body, "DMY") is None:
        raise LayoutError(f"Google Forms export: the Timestamp on line {n} is {stamp[:40]!r}, not a date-time; "
                          "download the responses again (Responses > Download responses (.csv))")
    return "downloaded from the form" if zone else "downloaded from its Sheet"


def read_google_forms(rows, variant: str) -> WideSurvey:
    header = rows[0][1]
    keys = _unique([(c or "").strip() or f"column {i + 1}" for i, c in enumerate(header)])
    meta_names = {"timestamp", "email address", "score"} | TIMESTAMP_NAMES
    columns = [SurveyColumn(i, [k], k, question=normalise_header(k) not in meta_names) for i, k in enumerate(keys)]
    survey = WideSurvey("Google Forms", variant, columns, [(n, c) for n, c in rows[1:] if c])
    email = survey.find("Email address")
    survey.defaults = {"participant": email.name if email else None, "response_id": None,
                       "submitted_at": columns[0].name}
    return survey


# --- Microsoft Forms -------------------------------------------------------------

START_NAMES = {"start time", "開始時刻", "startzeit", "hora de início", "hora de inicio", "heure de début", "ora di inizio",
               "begintijd"}
COMPLETION_NAMES = {"completion time", "完了時刻", "abschlusszeit", "fertigstellungszeit", "hora de conclusão",
                    "hora de finalización", "heure de fin", "ora di completamento", "tijdstip van voltooiing"}
MSFORMS_META = {"total points", "quiz feedback", "last modified time", "最終更新時刻", "letzte änderung",
                "hora da última modificação"}


def recognise_microsoft_forms(rows) -> str | None:
    if not rows:
        return None
    r1 = _norm_row(rows[0][1])
    if len(r1) < 3 or r1[0] != "id" or not (r1[1] in START_NAMES or r1[2] in COMPLETION_NAMES):
        return None
    if r1[1] not in START_NAMES or r1[2] not in COMPLETION_NAMES or len(r1) < 5:
        raise LayoutError("Microsoft Forms export: the first columns should be ID, Start time, Completion time, "
                          f"Email, Name (in any language), but they are {', '.join(rows[0][1][:5])}; "
                          "download the responses again (Open in Excel)")
    english = r1[1] == "start time"
    return "English headers" if english else "localised headers"


def read_microsoft_forms(rows, variant: str) -> WideSurvey:
    header = rows[0][1]
    keys = _unique([(c or "").strip() or f"column {i + 1}" for i, c in enumerate(header)])
    columns = []
    for i, k in enumerate(keys):
        nk = normalise_header(k)
        meta = i < 5 or nk in MSFORMS_META or nk.startswith(("points - ", "feedback - "))
        columns.append(SurveyColumn(i, [k], k, question=not meta))
    survey = WideSurvey("Microsoft Forms", variant, columns, [(n, c) for n, c in rows[1:] if c], allow_serial=True)
    email_index = 3

    def disposition(cells):
        if (_cell(cells, email_index) or "").casefold() == "anonymous":
            return "anonymous_response", ("Microsoft Forms recorded this response anonymously (Email = anonymous): "
                                          "no respondent to match; make the form record names")
        return None

    survey.disposition = disposition
    survey.defaults = {"participant": keys[3], "response_id": keys[0], "submitted_at": keys[2]}
    return survey


# --- mapping -> canonical records ------------------------------------------------------

def _number(text: str) -> float | None:
    t = text.strip().replace(",", ".") if re.fullmatch(r"[+-]?\d+,\d+", text.strip()) else text.strip()
    try:
        return float(t) if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", t) else None
    except ValueError:
        return None


def _shown(answer: str, times: int) -> str:
    """An answer as a rejection may show it: a choice label is shared by several respondents, free text is
    personal; so only a short, one-line answer that at least two responses gave is shown."""
    if times >= 2 and len(answer) <= 40 and "\n" not in answer:
        return f'"{answer}"'
    return "an answer given once (not shown: it may be free text)"


def _column(survey: WideSurvey, mapping: Mapping, key: str, name: str) -> SurveyColumn:
    col = survey.find(name)
    if col is None:
        shown = ", ".join(c.name for c in survey.columns[:30])
        raise mapping.error(f"{key}: column {name!r} is not in this {survey.tool} export (its columns: {shown})")
    return col


def _resolver(survey: WideSurvey, mapping: Mapping, key: str, allowed: tuple[str, ...]):
    f = getattr(mapping, key)
    if f.column is None:
        return lambda cells: f.value
    col = _column(survey, mapping, key, f.column)
    values = {normalise_header(k): v for k, v in (f.values or {}).items()}
    present = {_cell(c, col.index) for _, c in survey.data} - {None}  # an empty cell: the contract's "required"
    unmapped = sorted(v for v in present if (values.get(normalise_header(v)) or v) not in allowed)
    if unmapped:
        raise mapping.error(f"{key}: column {f.column!r} has the value{'s' if len(unmapped) > 1 else ''} "
                            f"{', '.join(repr(u) for u in unmapped)} with no entry in {key}.values "
                            f"(allowed {key} values: {', '.join(allowed)})")
    return lambda cells: values.get(normalise_header(_cell(cells, col.index) or "")) or _cell(cells, col.index)


def survey_records(survey: WideSurvey, mapping: Mapping, ctx) -> list[ExportRecord]:
    """One record per mapped, non-empty answer, each with the export line it came from."""
    items = []
    for key, item_id in mapping.items.items():
        col = _column(survey, mapping, "items", key)
        if ctx.item_ids is not None and item_id not in ctx.item_ids:
            raise mapping.error(f"items: {key} -> {item_id!r}: no such item_id in survey_items")
        items.append((col, item_id))
    wave = _resolver(survey, mapping, "wave", WAVES)
    rater = _resolver(survey, mapping, "rater_type", RATERS)
    person = _column(survey, mapping, "participant", mapping.participant.column)
    when = _column(survey, mapping, "submitted_at", mapping.submitted_at.column)
    rid = _column(survey, mapping, "response_id", mapping.response_id.column) if mapping.response_id else None
    session = mapping.session_id
    session_col = _column(survey, mapping, "session_id", session.column) if session and session.column else None
    clock = clock_for([_cell(c, when.index) for _, c in survey.data], survey.tool, mapping.timezone, ctx.timezone,
                      mapping.date_order, survey.default_order, survey.allow_serial)
    stated = when.zone

    given = {col.index: Counter(_cell(c, col.index) for _, c in survey.data) for col, _ in items}
    out: list[ExportRecord] = []
    for line, cells in survey.data:
        who = _cell(cells, person.index)
        submitted = clock.text(_cell(cells, when.index), zone_of(stated) if stated else None)
        tool_id = _cell(cells, rid.index) if rid else f"{_cell(cells, when.index)}|{who}"
        session_id = _cell(cells, session_col.index) if session_col else (session.value if session else None)
        base = [f"{mapping.instrument}:{tool_id}", who, mapping.instrument, wave(cells), rater(cells)]
        disposition = survey.disposition(cells) if survey.disposition else None
        for col, item_id in items:
            answer = _cell(cells, col.index)
            if answer is None:
                continue  # an empty answer is no row
            score = _number(answer)
            if score is None and not col.free_text:
                score = mapping.score_of(answer)
            fields = base + [item_id, None if score is None else f"{score:g}", submitted, session_id]
            if disposition:
                out.append(rejected(line, fields, disposition[0], disposition[1]))
            elif score is None and col.free_text:
                out.append(rejected(line, fields, "unscored_answer",
                                    f"{col.name} is a free-text question: a free-text answer (not shown) has no score; "
                                    f"remove it from items in {mapping.name}", "score"))
            elif score is None:
                out.append(rejected(line, fields, "unscored_answer",
                                    f"the answer {_shown(answer, given[col.index][answer])} to {col.name} has no score: add it under scores: "
                                    f"in {mapping.name} (or map only scored questions)", "score"))
            elif who is not None and ctx.people.participants.find(who) is None:
                out.append(rejected(line, fields, "unknown_participant",
                                    f'no participant has the id or email "{who}": add them to participants or '
                                    "correct the export, then refresh", "participant"))
            else:
                out.append(ExportRecord(line, fields))
    return out
