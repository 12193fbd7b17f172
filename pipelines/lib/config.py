"""Configuration: coachlens.toml, then COACHLENS_<KEY> environment variables, then CLI flags."""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = "coachlens.toml"
_CRON_FIELD = re.compile(r"^[\d*/,\-]+$")
ENGINES = ("duckdb", "spark")  # what builds the dbt project (README "Running on Spark")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Config:
    landing: Path = Path("data/landing")
    warehouse: Path = Path("data/warehouse.duckdb")
    site: Path = Path("data/site")
    reporting_currency: str = "USD"
    timezone: str = "UTC"
    min_group_size: int = 5
    late_cancel_hours: float = 24
    stalled_after_days: int = 30
    gas_rho: float = 0.3
    default_reliability: float = 0.8
    pseudonym_salt: str = "change-me"
    memory_limit: str = "4GB"
    engine: str = "duckdb"
    freshness: tuple = (("sessions", 36.0), ("survey_responses", 168.0), ("costs", 744.0))
    as_of: dt.date | None = None
    schedule_cron: str = "0 2 * * *"
    schedule_timezone: str = "UTC"
    value_participant_hour_cost: float = 0.0
    value_replacement_cost: float | None = None
    value_estimate_discount: float = 0.0
    value_window_days: int = 365
    alerts: tuple = ()  # [alerts]: (key, value) pairs checked by pipelines.lib.alerts
    source_file: Path | None = field(default=None, compare=False)

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
        return dict(self.freshness).get(source)


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}_"))
        else:
            out[name] = value
    return out


def _is_tz(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False


def _coerce(key: str, value, base: Path):
    """Turn a raw value (TOML or environment text) into the typed value of `key`."""
    def fail(allowed: str):
        raise ConfigError(f"config key '{key}': {value!r} is not allowed; expected {allowed}")

    text = str(value).strip()
    if key in ("landing", "warehouse", "site"):
        if not text:
            fail("a path")
        path = Path(text).expanduser()
        return path if path.is_absolute() else base / path
    if key in ("reporting_currency",):
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            fail("a three-letter currency code such as USD")
        return text.upper()
    if key in ("timezone", "schedule_timezone"):
        if not _is_tz(text):
            fail("an IANA time zone such as UTC or Europe/London")
        return text
    if key == "min_group_size":
        try:
            number = int(text)
        except ValueError:
            fail("a whole number of at least 3")
        if number < 3:
            fail("a whole number of at least 3 (smaller groups would identify people)")
        return number
    if key == "stalled_after_days":
        try:
            number = int(text)
        except ValueError:
            fail("a whole number of days of at least 1")
        if number < 1:
            fail("a whole number of days of at least 1")
        return number
    if key == "late_cancel_hours" or key.startswith("freshness_"):
        try:
            number = float(text)
        except ValueError:
            fail("a number of hours, 0 or more")
        if not number >= 0:
            fail("a number of hours, 0 or more")
        return number
    if key == "gas_rho":
        try:
            number = float(text)
        except ValueError:
            fail("a number from 0 to 1 (below 1)")
        if not 0 <= number < 1:
            fail("a number from 0 to 1 (below 1)")
        return number
    if key == "default_reliability":
        try:
            number = float(text)
        except ValueError:
            fail("a number between 0 and 1 (below 1)")
        if not 0 <= number < 1:
            fail("a number between 0 and 1 (below 1)")
        return number
    if key in ("value_participant_hour_cost", "value_replacement_cost"):
        if key == "value_replacement_cost" and not text:
            return None
        try:
            number = float(text)
        except ValueError:
            fail("an amount in the reporting currency, 0 or more" + (" (or empty: unset)" if "replacement" in key else ""))
        if not number >= 0:
            fail("an amount in the reporting currency, 0 or more")
        return number
    if key == "value_estimate_discount":
        try:
            number = float(text)
        except ValueError:
            fail("a fraction from 0 to 1 (below 1), e.g. 0.2 to take a fifth off every estimate")
        if not 0 <= number < 1:
            fail("a fraction from 0 to 1 (below 1), e.g. 0.2 to take a fifth off every estimate")
        return number
    if key == "value_window_days":
        try:
            number = int(text)
        except ValueError:
            fail("a whole number of days of at least 1")
        if number < 1:
            fail("a whole number of days of at least 1")
        return number
    if key == "pseudonym_salt":
        return str(value)
    if key == "memory_limit":
        if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text, flags=re.I):
            fail("a size such as 4GB or 512MB")
        return text.replace(" ", "")
    if key == "engine":
        if text.lower() not in ENGINES:
            fail(" or ".join(f'"{e}"' for e in ENGINES))
        return text.lower()
    if key == "as_of":
        if isinstance(value, dt.date):
            return value
        if not text:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            fail("a date YYYY-MM-DD")
    if key == "schedule_cron":
        parts = text.split()
        if len(parts) != 5 or not all(_CRON_FIELD.match(p) for p in parts):
            fail("a five-field cron expression such as '0 2 * * *'")
        return text
    raise ConfigError(f"unknown config key '{key}'; allowed keys: {', '.join(KEYS)}")


KEYS = [f.name for f in fields(Config) if f.name not in ("source_file", "freshness", "alerts")]


def _freshness(table: dict, environ, base: dict) -> tuple:
    """[freshness] source = hours, then COACHLENS_FRESHNESS_<SOURCE>; unknown sources are refused."""
    from .contracts import load_contracts

    out = dict(base)
    items = list(table.items()) + [(k[len("COACHLENS_FRESHNESS_"):].lower(), v) for k, v in environ.items()
                                   if k.startswith("COACHLENS_FRESHNESS_")]
    for source, hours in items:
        if source not in load_contracts():
            raise ConfigError(f"config key 'freshness.{source}': unknown source; allowed: {', '.join(load_contracts())}")
        out[source] = _coerce(f"freshness_{source}", hours, Path.cwd())
    return tuple(sorted(out.items()))


def _alerts(table, environ) -> tuple:
    from .alerts import AlertConfigError, parse_alerts

    if table is not None and not isinstance(table, dict):
        raise ConfigError("config key 'alerts': expected a table ([alerts])")
    try:
        return parse_alerts(table or {}, environ)
    except AlertConfigError as exc:
        raise ConfigError(str(exc)) from exc


def load_config(path: Path | None = None, overrides: dict | None = None, environ=None) -> Config:
    """Read the TOML file (default: ./coachlens.toml, else the project's), then env, then overrides."""
    environ = os.environ if environ is None else environ
    if path is None:
        env_path = environ.get("COACHLENS_CONFIG")
        candidates = [Path(env_path)] if env_path else [Path.cwd() / CONFIG_FILE, PROJECT_ROOT / CONFIG_FILE]
        path = next((p for p in candidates if p.exists()), None)
    values: dict = {}
    alerts_table = None
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        base = path.resolve().parent
        freshness_table = data.pop("freshness", None)
        if freshness_table is not None:
            if not isinstance(freshness_table, dict):
                raise ConfigError("config key 'freshness': expected a table of source = hours")
            values["freshness"] = _freshness(freshness_table, {}, {})
        alerts_table = data.pop("alerts", None)
        for key, value in _flatten(data).items():
            values[key] = _coerce(key, value, base)
    if any(k.startswith("COACHLENS_FRESHNESS_") for k in environ):
        values["freshness"] = _freshness({}, environ, dict(values.get("freshness", Config.freshness)))
    values["alerts"] = _alerts(alerts_table, environ)
    for key in KEYS:
        env_key = f"COACHLENS_{key.upper()}"
        if env_key in environ:
            values[key] = _coerce(key, environ[env_key], Path.cwd())
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _coerce(key, value, Path.cwd())
    config = Config(source_file=path, **{k: v for k, v in values.items()})
    for key in ("landing", "warehouse", "site"):
        if not Path(getattr(config, key)).is_absolute():
            config = replace(config, **{key: base / getattr(config, key)})
    return config
