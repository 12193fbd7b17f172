"""Configuration: one typed model (pydantic-settings). Every key's default, meaning and allowed values live
here and nowhere else; coachlens.toml, then COACHLENS_<KEY> environment variables, then CLI flags override
them. `coachlens config` prints every key with its default and the value in force."""
from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import tomllib
import zoneinfo
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = "coachlens.toml"
ENGINES = ("duckdb", "spark")  # what builds the dbt project (README "Running on Spark")
TABLES = ("schedule", "value")  # [schedule] cron = ... is the key schedule_cron (and COACHLENS_SCHEDULE_CRON)
PATH_KEYS = ("landing", "warehouse", "site")
_READING: contextvars.ContextVar = contextvars.ContextVar("coachlens_config_reading", default=None)


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key."""


# --- value checks: each says what is allowed (the `expected` text of its fields) ---------------------------

def _text(value) -> str:
    return value.strip() if isinstance(value, str) else value


def _path(value) -> Path:
    """Relative paths are relative to the working directory (the TOML source resolves its own first)."""
    if not str(value).strip():
        raise ValueError("empty")
    path = Path(str(value).strip()).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not a time zone") from exc
    return value


def _empty_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _iso_date(value):
    """A date, or text exactly YYYY-MM-DD (not a number of seconds, which pydantic would also take)."""
    value = _empty_is_none(value)
    if value is None or isinstance(value, dt.date):
        return value
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        raise ValueError("not YYYY-MM-DD")
    return str(value).strip()


def _cron(value: str) -> str:
    """Five fields (or @daily and the like) that fire at least once: what Dagster's ScheduleDefinition takes
    (tests/unit/test_config.py compares the two), less crons that never fire, such as '0 0 31 4 *'."""
    from croniter import CroniterBadDateError, croniter

    if not croniter.is_valid(value) or len(croniter.expand(value)[0]) != 5:
        raise ValueError("not a five-field cron expression")
    try:
        croniter(value, dt.datetime(2000, 1, 1)).get_next(dt.datetime)
    except CroniterBadDateError as exc:  # no such date: 30 February, 31 April
        raise ValueError("never fires") from exc
    return value


Hours = Annotated[float, Field(ge=0)]
Text = BeforeValidator(_text)


def key(default, expected: str, description: str, **constraints):
    """A configuration key: its default, what is allowed (for the one-line error) and what it means."""
    return Field(default, description=description, json_schema_extra={"expected": expected}, **constraints)


class Config(BaseSettings):
    """coachlens configuration. Keys of a TOML table are named table_key (schedule.cron is schedule_cron)."""

    model_config = SettingsConfigDict(env_prefix="COACHLENS_", case_sensitive=False, extra="forbid", frozen=True,
                                      validate_default=True, env_nested_delimiter="_", env_nested_max_split=1)

    landing: Annotated[Path, BeforeValidator(_path)] = key(
        "data/landing", "a path", "the landing folder: one sub-folder per source (README: \"Landing files\")")
    warehouse: Annotated[Path, BeforeValidator(_path)] = key(
        "data/warehouse.duckdb", "a path", "the DuckDB file the refresh publishes")
    site: Annotated[Path, BeforeValidator(_path)] = key("data/site", "a path", "where the HTML pages are written")
    reporting_currency: Annotated[str, Text, AfterValidator(str.upper)] = key(
        "USD", "a three-letter currency code such as USD", "all money on the pages is converted to it",
        pattern=r"^[A-Za-z]{3}$")
    timezone: Annotated[str, Text, AfterValidator(_time_zone)] = key(
        "UTC", "an IANA time zone such as UTC or Europe/London", "for cohorts that give none, and for today's date")
    min_group_size: int = key(
        5, "a whole number of at least 3 (smaller groups would identify people)",
        "figures about fewer people are suppressed on sponsor pages", ge=3)
    late_cancel_hours: float = key(24.0, "a number of hours, 0 or more",
                                   "a cancellation less than this before the start is late", ge=0)
    stalled_after_days: int = key(30, "a whole number of days of at least 1",
                                  "an active participant with no completed session for this long is stalled", ge=1)
    gas_rho: float = key(0.3, "a number from 0 to 1 (below 1)", "inter-goal correlation of the GAS T-score",
                         ge=0, lt=1)
    default_reliability: float = key(
        0.8, "a number between 0 and 1 (below 1)",
        "reliability for reliable change when Cronbach's alpha cannot be estimated", ge=0, lt=1)
    pseudonym_salt: Annotated[str, BeforeValidator(str)] = key(
        "change-me", "text",
        "secret salt of the participant pseudonym; this placeholder makes the first refresh generate the "
        "installation's own into <warehouse>.salt (mode 0600); a refresh never publishes with the placeholder")
    memory_limit: Annotated[str, Text, AfterValidator(lambda v: v.replace(" ", ""))] = key(
        "4GB", "a size such as 4GB or 512MB", "DuckDB memory per process (ingest, dbt); larger work spills to disk",
        pattern=r"(?i)^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
    engine: Annotated[str, Text, BeforeValidator(lambda v: v.lower() if isinstance(v, str) else v)] = key(
        "duckdb", " or ".join(f'"{e}"' for e in ENGINES),
        "what builds the marts (README \"Running on Spark\")", pattern=f"^({'|'.join(ENGINES)})$")
    freshness: dict[str, Hours] = key(
        {"sessions": 36.0, "survey_responses": 168.0, "costs": 744.0}, "a number of hours, 0 or more",
        "[freshness] per source: the maximum age in hours of its newest file before it is stale (a table in "
        "coachlens.toml replaces this one; unlisted sources are not checked)")
    as_of: Annotated[dt.date | None, BeforeValidator(_iso_date)] = key(
        None, "a date YYYY-MM-DD", "the reporting date (default: today in `timezone`; usually set with --as-of)")
    schedule_cron: Annotated[str, Text, AfterValidator(_cron)] = key(
        "0 2 * * *", "a five-field cron expression such as '0 2 * * *'",
        "when the nightly refresh runs")
    schedule_timezone: Annotated[str, Text, AfterValidator(_time_zone)] = key(
        "UTC", "an IANA time zone such as UTC or Europe/London", "the time zone of schedule.cron")
    value_participant_hour_cost: float = key(
        0.0, "an amount in the reporting currency, 0 or more",
        "what an hour of a participant's time costs the employer (0 leaves participant time out)", ge=0)
    value_replacement_cost: Annotated[float | None, BeforeValidator(_empty_is_none)] = key(
        None, "an amount in the reporting currency, 0 or more (or empty: unset)",
        "the cost of replacing one leaver; unset = no retention benefit", ge=0)
    value_estimate_discount: float = key(
        0.0, "a fraction from 0 to 1 (below 1), e.g. 0.2 to take a fifth off every estimate",
        "fraction taken off every participant's impact estimate, on top of their own confidence", ge=0, lt=1)
    value_window_days: int = key(
        365, "a whole number of days of at least 1",
        "days after a cohort's start over which retention, promotion and ratings are compared", ge=1)
    alerts: tuple = key((), "a table ([alerts])",
                        "[alerts]: where a failed or stale refresh is reported (pipelines/lib/alerts.py)")
    _source_file: Path | None = PrivateAttr(default=None)

    @field_validator("freshness")
    @classmethod
    def _known_sources(cls, value: dict) -> dict:
        from .contracts import load_contracts

        unknown = sorted(set(value) - set(load_contracts()))
        if unknown:
            raise PydanticCustomError("unknown_source", "unknown source '{source}'", {"source": unknown[0]})
        return dict(sorted(value.items()))

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """Flags (init), then the environment, then coachlens.toml: the ones load_config is reading."""
        reading = _READING.get()
        if reading is None:
            return (init_settings, env_settings)
        data, base, environ = reading
        return (init_settings, EnvironmentSource(settings_cls, environ), TomlSource(settings_cls, data, base))

    @property
    def source_file(self) -> Path | None:
        return self._source_file

    def resolved_as_of(self) -> dt.date:
        """The reporting date: the configured one, else today in `timezone`."""
        if self.as_of is not None:
            return self.as_of
        return dt.datetime.now(zoneinfo.ZoneInfo(self.timezone)).date()

    def dbt_vars(self) -> dict:
        return {
            "as_of": self.resolved_as_of().isoformat(),
            "reporting_currency": self.reporting_currency,
            "timezone": self.timezone,
            "min_group_size": self.min_group_size,
            "late_cancel_hours": self.late_cancel_hours,
            "stalled_after_days": self.stalled_after_days,
            "gas_rho": self.gas_rho,
            "default_reliability": self.default_reliability,
            "pseudonym_salt": self.pseudonym_salt,
            "freshness": dict(self.freshness),
            "participant_hour_cost": self.value_participant_hour_cost,
            "replacement_cost": self.value_replacement_cost,
            "estimate_discount": self.value_estimate_discount,
            "window_days": self.value_window_days,
        }

    def max_age_hours(self, source: str) -> float | None:
        return self.freshness.get(source)

    def with_salt(self, salt: str) -> "Config":
        copy = self.model_copy(update={"pseudonym_salt": salt})
        copy._source_file = self._source_file
        return copy


KEYS = [name for name in Config.model_fields if name not in ("freshness", "alerts")]


def describe() -> list[tuple[str, Any, str]]:
    """(key as written in coachlens.toml, default, meaning) of every key: what `coachlens config` prints."""
    rows = []
    for name, info in Config.model_fields.items():
        table = next((t for t in TABLES if name.startswith(f"{t}_")), None)
        rows.append((f"{table}.{name[len(table) + 1:]}" if table else name, info.default, info.description))
    return rows


# --- sources: the TOML file and the environment --------------------------------------------------------------

class TomlSource(PydanticBaseSettingsSource):
    """coachlens.toml: tables flattened to table_key, relative paths resolved against the file's folder, and
    the defaults that depend on where the file is (paths; freshness, which env variables add to)."""

    def __init__(self, settings_cls, data: dict, base: Path):
        super().__init__(settings_cls)
        self.data, self.base = data, base

    def get_field_value(self, field, field_name):  # required by the base class; __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values = {name: self.base / Path(Config.model_fields[name].default) for name in PATH_KEYS}
        values["freshness"] = dict(Config.model_fields["freshness"].default)
        for name, value in _flatten(self.data).items():
            if name in PATH_KEYS and str(value).strip() and not Path(str(value).strip()).expanduser().is_absolute():
                value = self.base / Path(str(value).strip())
            values[name] = value
        return values


class EnvironmentSource(EnvSettingsSource):
    """COACHLENS_<KEY> variables of the given environment (os.environ unless a test passes its own)."""

    def __init__(self, settings_cls, environ):
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self):
        return {k.lower(): v for k, v in self._environ.items()}

    def prepare_field_value(self, field_name, field, value, value_is_complex):
        if field_name == "alerts":  # COACHLENS_ALERTS_<KEY> are read by pipelines.lib.alerts
            return None
        return super().prepare_field_value(field_name, field, value, value_is_complex)


def _flatten(data: dict) -> dict:
    out = {}
    for name, value in data.items():
        if name in TABLES and isinstance(value, dict):
            out.update({f"{name}_{k}": v for k, v in value.items()})
        else:
            out[name] = value
    return out


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _config_path(path: Path | None, environ) -> Path | None:
    """The file given, else $COACHLENS_CONFIG, else ./coachlens.toml, else the project's."""
    if path is not None:
        return Path(path)
    env_path = environ.get("COACHLENS_CONFIG")
    candidates = [Path(env_path)] if env_path else [Path.cwd() / CONFIG_FILE, PROJECT_ROOT / CONFIG_FILE]
    return next((p for p in candidates if p.exists()), None)


def _alerts(table, environ) -> tuple:
    from .alerts import AlertConfigError, parse_alerts

    if table is not None and not isinstance(table, dict):
        raise ConfigError("config key 'alerts': expected a table ([alerts])")
    try:
        return parse_alerts(table or {}, environ)
    except AlertConfigError as exc:
        raise ConfigError(str(exc)) from exc


def _one_line(error: ValidationError) -> ConfigError:
    """The first problem as one line naming the key: what was given and what is allowed."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if first["type"] == "extra_forbidden":
        return ConfigError(f"unknown config key '{loc[0]}'; allowed keys: {', '.join(KEYS)}")
    if first["type"] == "unknown_source":
        from .contracts import load_contracts

        return ConfigError(f"config key 'freshness.{first['ctx']['source']}': unknown source; allowed: "
                           f"{', '.join(load_contracts())}")
    if first["type"] == "dict_type":
        return ConfigError(f"config key '{loc[0]}': expected a table of source = hours")
    expected = Config.model_fields[loc[0]].json_schema_extra["expected"]
    return ConfigError(f"config key '{'.'.join(loc)}': {first['input']!r} is not allowed; expected {expected}")


def load_config(path: Path | None = None, overrides: dict | None = None, environ=None) -> Config:
    """Read the TOML file (default: ./coachlens.toml, else the project's), then env, then overrides."""
    environ = os.environ if environ is None else environ
    path = _config_path(path, environ)
    data = _read_toml(path) if path is not None else {}
    alerts = _alerts(data.pop("alerts", None), environ)
    base = path.resolve().parent if path is not None else Path.cwd()
    init = {k: v for k, v in (overrides or {}).items() if v is not None}
    token = _READING.set((data, base, environ))
    try:
        config = Config(**init, alerts=alerts)
    except ValidationError as exc:
        raise _one_line(exc) from None
    finally:
        _READING.reset(token)
    config._source_file = path
    return config
