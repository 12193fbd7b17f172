"""Mapping files (docs/exports.md, "Mapping files"): YAML in <landing>/mappings/ saying how an export's columns become canonical.

`find_mapping` picks the one mapping whose `files` globs match a landing file; `Mapping.check_against`
validates it against that export's columns and the survey items, one clear error per problem.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..contracts import load_contracts
from ..readers import FileError, normalise_header
from .timeparse import ORDERS, zone_of

SURVEY_KEYS = {"source", "files", "instrument", "wave", "rater_type", "participant", "response_id", "submitted_at",
               "session_id", "timezone", "date_order", "items", "scores"}
SESSION_KEYS = {"source", "files", "timezone", "date_order", "coach", "participant"}
SURVEY_REQUIRED = ("files", "instrument", "wave", "rater_type", "participant", "submitted_at", "items")
_RESPONSES = load_contracts()["survey_responses"]
WAVES = tuple(_RESPONSES.column("wave").values)          # the contract is the one list of waves
RATERS = tuple(_RESPONSES.column("rater_type").values)   # and of rater types
MAPPINGS_FOLDER = "mappings"


class MappingError(FileError):
    """A mapping file is wrong; the message names the file and the key."""


@dataclass
class Field:
    """A mapping value: a constant, or a column of the export (with an optional value translation)."""
    value: str | None = None
    column: str | None = None
    values: dict[str, str] | None = None


@dataclass
class Mapping:
    path: Path
    source: str
    files: list[str]
    timezone: str | None = None
    date_order: str | None = None
    instrument: str | None = None
    wave: Field | None = None
    rater_type: Field | None = None
    participant: Field | None = None
    response_id: Field | None = None
    submitted_at: Field | None = None
    session_id: Field | None = None
    coach: Field | None = None
    items: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{MAPPINGS_FOLDER}/{self.path.name}"

    def matches(self, rel: str) -> bool:
        return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.files)

    def error(self, text: str) -> MappingError:
        return MappingError(f"{self.name}: {text}")

    def score_of(self, answer: str) -> float | None:
        key = normalise_header(answer)
        for label, score in self.scores.items():
            if normalise_header(label) == key:
                return score
        return None


def _field(path: Path, key: str, raw, allowed: tuple[str, ...] | None = None) -> Field:
    where = f"{MAPPINGS_FOLDER}/{path.name}: {key}"
    if isinstance(raw, dict):
        unknown = set(raw) - {"column", "values"}
        if unknown or "column" not in raw:
            raise MappingError(f"{where} must be a value or {{column: NAME}} (optionally with values:), "
                               f"not {raw!r}")
        values = raw.get("values")
        if values is not None and not isinstance(values, dict):
            raise MappingError(f"{where}.values must map the column's values to {key} values")
        values = {str(k): str(v) for k, v in (values or {}).items()} or None
        if allowed and values:
            bad = sorted({v for v in values.values() if v not in allowed})
            if bad:
                raise MappingError(f"{where}.values maps to {', '.join(bad)}, not one of {', '.join(allowed)}")
        return Field(column=str(raw["column"]), values=values)
    if raw is None or isinstance(raw, (list, bool)):
        raise MappingError(f"{where} must be a value or {{column: NAME}}, not {raw!r}")
    if allowed and str(raw) not in allowed:
        raise MappingError(f"{where} is {raw!r}; allowed: {', '.join(allowed)} (or {{column: NAME}})")
    return Field(value=str(raw))


def parse_mapping(path: Path) -> Mapping:
    """Read and check one mapping file's own structure (not yet against an export)."""
    name = f"{MAPPINGS_FOLDER}/{path.name}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{name} is not valid YAML: {exc}")
    if not isinstance(data, dict):
        raise MappingError(f"{name} must be a YAML mapping of keys (source, files, ...)")
    source = data.get("source")
    if source not in ("survey_responses", "sessions"):
        raise MappingError(f"{name}: source is {source!r}; a mapping is for survey_responses or sessions")
    known = SURVEY_KEYS if source == "survey_responses" else SESSION_KEYS
    unknown = sorted(set(data) - known)
    if unknown:
        raise MappingError(f"{name}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                           f"(a {source} mapping has: {', '.join(sorted(known))})")
    files = data.get("files")
    if isinstance(files, str):
        files = [files]
    if not files or not all(isinstance(f, str) for f in files):
        raise MappingError(f"{name}: files must list the globs (relative to the landing folder) it applies to")
    m = Mapping(path, source, list(files))
    if data.get("timezone") is not None:
        if zone_of(str(data["timezone"])) is None:
            raise MappingError(f"{name}: timezone {data['timezone']!r} is not an IANA zone such as Europe/London")
        m.timezone = str(data["timezone"])
    if data.get("date_order") is not None:
        if str(data["date_order"]).upper() not in ORDERS:
            raise MappingError(f"{name}: date_order {data['date_order']!r} must be one of {', '.join(ORDERS)}")
        m.date_order = str(data["date_order"]).upper()
    if source == "sessions":
        for key in ("coach", "participant"):
            if data.get(key) is not None:
                setattr(m, key, _field(path, key, data[key]))
        return m
    missing = [k for k in SURVEY_REQUIRED if data.get(k) in (None, "", {}, [])]
    if missing:
        raise MappingError(f"{name}: missing {', '.join(missing)} (see docs/exports.md or run coachlens map)")
    m.instrument = str(data["instrument"])
    m.wave = _field(path, "wave", data["wave"], WAVES)
    m.rater_type = _field(path, "rater_type", data["rater_type"], RATERS)
    for key in ("participant", "response_id", "submitted_at", "session_id"):
        if data.get(key) is not None:
            f = _field(path, key, data[key])
            if f.column is None and key != "session_id":
                raise MappingError(f"{name}: {key} must name a column: {{column: NAME}}")
            setattr(m, key, f)
    items = data["items"]
    if not isinstance(items, dict):
        raise MappingError(f"{name}: items must map export columns to item ids")
    empty = [str(k) for k, v in items.items() if v in (None, "")]
    if empty:
        raise MappingError(f"{name}: items {', '.join(empty)} have no item_id: fill each in or delete its line")
    m.items = {str(k): str(v) for k, v in items.items()}
    scores = data.get("scores") or {}
    if not isinstance(scores, dict):
        raise MappingError(f"{name}: scores must map answer labels to numbers")
    for label, score in scores.items():
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise MappingError(f"{name}: scores: {label!r} maps to {score!r}, not a number")
    m.scores = {str(k): float(v) for k, v in scores.items()}
    return m


def find_mapping(landing: Path, source: str, rel: str) -> Mapping | None:
    """The one mapping for landing file `rel` (e.g. 'survey_responses/pre.csv'); MappingError for two."""
    folder = Path(landing) / MAPPINGS_FOLDER
    if not folder.is_dir():
        return None
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yml", ".yaml") or path.name.startswith("."):
            continue
        mapping = parse_mapping(path)
        if mapping.source == source and mapping.matches(rel):
            found.append(mapping)
    if len(found) > 1:
        raise MappingError(f"{rel} is matched by {len(found)} mappings ({', '.join(m.name for m in found)}): "
                           "make their files globs exclusive so one mapping applies (coachlens map FILE writes one)")
    return found[0] if found else None
