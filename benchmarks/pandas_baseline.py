"""The baseline a user would pick instead of coachlens: one plain pandas script, what an analyst writes in a
notebook, computing the same marts from the same landing folder (issue 14; README "Benchmarks").

    .venv/bin/python benchmarks/pandas_baseline.py --landing DIR [--as-of 2026-06-30] [--out DIR]

It reads every `<source>/*.csv` of the folder (the canonical CSV files `coachlens generate` writes; no vendor
exports, spreadsheets or other delimiters) and keeps coachlens' row rules in spirit, so the figures are the
same: a file missing a required column is skipped; within one file every copy of a duplicated natural key is
dropped; a row whose text does not parse as its column's type (data_contracts/*.yml), breaks a range, names
an unknown participant, coach, sponsor, cohort or survey item, or breaks a source rule (end before start, a
completed session after as_of, a score outside its item's scale, a cost with neither cohort nor sponsor or
without an FX rate) is dropped; across files the later file (by name) wins on a duplicated key. Naive
timestamps are wall-clock times of the participant's cohort time zone. Nothing of coachlens' code is used:
the contracts are read as the documented format of the landing files, and the formulas are the ones of
docs/metrics.md, written again in pandas.

Not covered: ragged rows (pandas pads a short row with blanks, coachlens rejects it); numbers and timestamps
are checked by pandas' parsers, not coachlens' patterns (they differ on rare forms, such as a timestamp
without a time); `participant_key` (a salted pseudonym); the marts of the HR comparison and value (cohort_comparison*, cohort_value, sponsor_value*,
cohort_durability, data_quality, participant_employee_links).

The parameters (min_group_size, late_cancel_hours, ...) are read from coachlens.toml (--config). With --out
the marts are written there as Parquet files; the time printed is reading plus computing plus
writing, one process, what `make bench` compares with a coachlens refresh.
"""
from __future__ import annotations

import argparse
import sys
import datetime as dt
import time
import zoneinfo
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import yaml
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS, CONFIG = ROOT / "data_contracts", ROOT / "coachlens.toml"
LOAD_ORDER = ["sponsors", "cohorts", "participants", "coaches", "assignments", "sessions", "survey_items",
              "survey_responses", "goals", "fx_rates", "costs"]
REFERENCE_KEYS = {"sponsors": "sponsor_id", "cohorts": "cohort_id", "survey_items": "item_id"}
TRUE_WORDS, FALSE_WORDS = ("true", "t", "yes", "y", "1"), ("false", "f", "no", "n", "0")
OFFSET_AT_END = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$"
ZONES = {}
for _name in sorted(zoneinfo.available_timezones(), reverse=True):
    ZONES[_name.lower()] = _name  # a case-insensitive match gives the first spelling in code-point order


PARAMETERS = ("reporting_currency", "timezone", "min_group_size", "late_cancel_hours", "stalled_after_days",
              "gas_rho", "default_reliability")
Settings = SimpleNamespace  # as_of and the PARAMETERS


def load_settings(as_of: dt.date, config: Path = CONFIG) -> Settings:
    """The marts' parameters in force for a coachlens.toml (this repository's by default): the values it sets,
    and coachlens' documented defaults for the rest. Only the parameters come from coachlens; every figure is
    computed here."""
    sys.path.insert(0, str(ROOT))
    from pipelines.lib.config import load_config

    cfg = load_config(config if config.exists() else None)
    return Settings(as_of=as_of, **{name: getattr(cfg, name) for name in PARAMETERS})


# --- reading the landing folder ----------------------------------------------------------------------------

def read_landing(landing: Path, settings: Settings) -> dict[str, pd.DataFrame]:
    contracts = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in CONTRACTS.glob("*.yml")}
    tables: dict[str, pd.DataFrame] = {}
    for source in LOAD_ORDER:
        tables[source] = read_source(Path(landing) / source, contracts[source], tables, settings)
    return tables


def read_source(folder: Path, contract: dict, tables: dict, settings: Settings) -> pd.DataFrame:
    files = sorted(folder.glob("*.csv"), key=lambda p: p.name) if folder.is_dir() else []
    frames = [f for f in (read_file(p, contract, tables, settings) for p in files) if f is not None]
    if not frames:
        return read_file(None, contract, tables, settings)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame.drop_duplicates(contract["natural_key"], keep="last", ignore_index=True)  # later file wins


def read_file(path: Path | None, contract: dict, tables: dict, settings: Settings) -> pd.DataFrame | None:
    columns = contract["columns"]
    if path is None:
        text = pd.DataFrame({name: pd.Series([], dtype="str") for name in columns})
    else:
        text = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", on_bad_lines="skip")
        if any(spec.get("required") and name not in text.columns for name, spec in columns.items()):
            return None  # coachlens fails the whole file
        text = pd.DataFrame({name: blank_to_na(text[name]) if name in text.columns
                             else pd.Series(np.nan, index=text.index, dtype="str") for name in columns})
        text = text[~duplicated_keys(text, contract)]
    typed, bad = type_columns(text, columns, tables, settings)
    for rule in contract.get("rules", []):
        bad |= RULES[rule](typed, tables, settings).fillna(False).astype(bool)
    return typed[~bad].reset_index(drop=True)


def blank_to_na(values: pd.Series) -> pd.Series:
    values = values.str.strip(" ")
    return values.mask(values == "")


def duplicated_keys(text: pd.DataFrame, contract: dict) -> pd.Series:
    key = pd.DataFrame(index=text.index)
    for name in contract["natural_key"]:
        kind = contract["columns"][name]["type"]
        value = text[name].str.upper() if kind == "currency" else text[name].str.lower() if kind == "enum" \
            else text[name]
        key[name] = value.fillna("")
    return key.duplicated(keep=False)


def type_columns(text: pd.DataFrame, columns: dict, tables: dict, settings: Settings):
    """The typed frame and the rows to drop; participant and coach references first (their zone)."""
    typed = pd.DataFrame(index=text.index)
    bad = pd.Series(False, index=text.index)
    zone = None
    for name, spec in columns.items():
        if spec["type"] in ("participant", "coach"):
            ids, zones = resolve(text[name], spec["type"], tables, settings)
            typed[name], typed[f"_{spec['type']}_id"] = text[name], ids
            bad |= text[name].notna() & ids.isna()
            if spec["type"] == "participant":
                zone = typed["_tz"] = zones.fillna(settings.timezone)
    for name, spec in columns.items():
        raw = text[name]
        if spec.get("required"):
            bad |= raw.isna()
        if spec["type"] in ("participant", "coach"):
            continue
        value = convert(raw, spec, zone)
        bad |= raw.notna() & value.isna()
        if "default" in spec:
            value = value.mask(raw.isna(), default_value(spec["default"], settings))
        if spec["type"] == "boolean":
            value = value.astype("boolean")
        if spec.get("references"):
            known = tables[spec["references"]][REFERENCE_KEYS[spec["references"]]]
            bad |= raw.notna() & ~raw.isin(known)
        for bound, breaks in (("min", value.lt), ("max", value.gt), ("min_exclusive", value.le)):
            if bound in spec:
                bad |= breaks(spec[bound]).fillna(False).astype(bool)
        typed[name] = value
    return typed, bad


def convert(raw: pd.Series, spec: dict, zone: pd.Series) -> pd.Series:
    kind = spec["type"]
    if kind == "email":
        return raw.str.lower()
    if kind == "enum":
        lowered = raw.str.lower()
        return lowered.where(lowered.isin(spec["values"]))
    if kind == "currency":
        upper = raw.str.upper()
        return upper.where(upper.str.fullmatch("[A-Z]{3}").fillna(False).astype(bool))
    if kind == "timezone":
        return raw.str.lower().map(ZONES)
    if kind == "boolean":
        lowered = raw.str.lower()
        return lowered.map({**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}})
    if kind == "integer":
        whole = raw.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
        return pd.to_numeric(raw.where(whole), errors="coerce")
    if kind in ("number", "money", "rate"):  # an analyst reads amounts and rates as floats
        number = pd.to_numeric(raw, errors="coerce").astype("float64")
        return number.where(np.isfinite(number))
    if kind == "date":
        return pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    if kind == "timestamp":
        return to_instants(raw, zone)
    return raw  # id, text


def to_instants(raw: pd.Series, zone: pd.Series) -> pd.Series:
    """UTC instants: text with an offset as written, naive text as a wall-clock time of the row's zone (a time
    a clock change repeats is taken in standard time, one it skips an hour later, as DuckDB does)."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    offset = raw.str.contains(OFFSET_AT_END, regex=True).fillna(False).astype(bool)
    if offset.any():
        out[offset] = pd.to_datetime(raw[offset], format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(raw[~offset], format="ISO8601", errors="coerce")
    naive_zone = zone[~offset]
    for name in naive_zone.unique():
        rows = naive_zone.index[naive_zone == name]
        local = naive[rows].dt.tz_localize(name, ambiguous=False, nonexistent=pd.Timedelta(hours=1))
        out[rows] = local.dt.tz_convert("UTC")
    return out


def local_dates(instants: pd.Series, zone: pd.Series) -> pd.Series:
    """Calendar dates (midnight, no zone) of UTC instants in each row's zone."""
    out = pd.Series(pd.NaT, index=instants.index, dtype="datetime64[us]")
    for name in zone.unique():
        rows = zone.index[zone == name]
        out[rows] = instants[rows].dt.tz_convert(name).dt.tz_localize(None).dt.normalize()
    return out


def default_value(default, settings: Settings):
    return {"reporting_currency": settings.reporting_currency, "config_timezone": settings.timezone}.get(
        default, default) if isinstance(default, str) else default


def resolve(refs: pd.Series, kind: str, tables: dict, settings: Settings) -> tuple[pd.Series, pd.Series]:
    """A participant or coach by id, else by its email when exactly one has it; with the participant's zone."""
    people = tables["participants" if kind == "participant" else "coaches"]
    ids = people[f"{kind}_id"]
    by_id = pd.Series(ids.values, index=ids.values)
    unique = people["email"].notna() & ~people["email"].duplicated(keep=False)
    by_email = pd.Series(ids[unique].values, index=people["email"][unique].values)
    found = refs.map(by_id).fillna(refs.str.lower().map(by_email))
    if kind != "participant":
        return found, pd.Series(np.nan, index=refs.index, dtype="str")
    cohort_zone = tables["cohorts"].set_index("cohort_id")["timezone"]
    zone_of = pd.Series(people["cohort_id"].map(cohort_zone).fillna(settings.timezone).values, index=ids.values)
    return found, found.map(zone_of)


# --- source rules (data_contracts `rules:`) ----------------------------------------------------------------

def end_not_before_start(t, tables, settings):
    for start, end in (("start_date", "end_date"), ("matched_on", "ended_on"), ("hired_on", "left_on")):
        if start in t.columns:
            return t[end] < t[start]


def completed_not_after_as_of(t, tables, settings):
    local = local_dates(t["scheduled_start"], t["_tz"])
    return (t["status"] == "completed") & (local > pd.Timestamp(settings.as_of))


def scale_valid(t, tables, settings):
    nps_scale_wrong = (t["kind"] == "nps") & ((t["scale_min"] != 0) | (t["scale_max"] != 10))
    return (t["scale_min"] >= t["scale_max"]) | nps_scale_wrong


def competency_named(t, tables, settings):
    return (t["kind"] == "competency") & t["competency"].isna()


def score_in_scale(t, tables, settings):
    items = tables["survey_items"].set_index("item_id")
    low, high = (t["item_id"].map(items[bound]).astype("float64") for bound in ("scale_min", "scale_max"))
    return (t["score"] < low) | (t["score"] > high)


def cohort_or_sponsor(t, tables, settings):
    return t["cohort_id"].isna() & t["sponsor_id"].isna()


def fx_rate_exists(t, tables, settings):
    foreign = t["currency"].notna() & t["incurred_on"].notna() & (t["currency"] != settings.reporting_currency)
    return foreign & fx_rate_on(t["currency"], t["incurred_on"], tables["fx_rates"], settings).isna()


RULES = {f.__name__: f for f in (end_not_before_start, completed_not_after_as_of, scale_valid, competency_named,
                                 score_in_scale, cohort_or_sponsor, fx_rate_exists)}


def fx_rate_on(currency: pd.Series, day: pd.Series, fx: pd.DataFrame, settings: Settings) -> pd.Series:
    """The latest rate of the currency valid on or before the day; 1 for the reporting currency."""
    left = pd.DataFrame({"currency": currency, "day": day, "row": np.arange(len(day))}).dropna()
    left = left.astype({"day": "datetime64[us]"}).sort_values("day")
    right = fx[["currency", "valid_from", "rate_to_reporting"]].astype({"valid_from": "datetime64[us]"})
    matched = pd.merge_asof(left, right.sort_values("valid_from"), left_on="day", right_on="valid_from",
                            by="currency", direction="backward")
    rate = pd.Series(np.nan, index=day.index)
    rate.iloc[matched["row"].to_numpy()] = matched["rate_to_reporting"].to_numpy()
    return rate.mask(currency == settings.reporting_currency, 1.0)


# --- marts -------------------------------------------------------------------------------------------------

def ratio(numerator, denominator):
    """numerator / denominator, NaN when the denominator is 0 or missing (safe_divide)."""
    denominator = pd.Series(denominator, dtype="float64")
    return pd.Series(numerator, dtype="float64") / denominator.where(denominator != 0)


def sessions_classified(t: dict, s: Settings) -> pd.DataFrame:
    sessions = t["sessions"].rename(columns={"_participant_id": "participant_id", "_coach_id": "coach_id"})
    sessions = sessions.merge(t["participants"][["participant_id", "cohort_id"]], on="participant_id")
    sessions = sessions.merge(t["cohorts"][["cohort_id", "sponsor_id", "timezone"]], on="cohort_id")
    notice = (sessions["scheduled_start"] - sessions["cancelled_at"]).dt.total_seconds()
    late = (sessions["status"] == "cancelled") & sessions["cancelled_at"].notna() & (notice < s.late_cancel_hours * 3600)
    sessions["status"] = sessions["status"].mask(late, "late_cancelled")
    sessions["local_date"] = local_dates(sessions["scheduled_start"], sessions["timezone"])
    sessions["month"] = sessions["local_date"].dt.to_period("M").dt.to_timestamp()
    sessions["is_attendance_eligible"] = sessions["status"].isin(["completed", "no_show", "late_cancelled"])
    return sessions


def participant_journey(t: dict, sessions: pd.DataFrame, s: Settings) -> pd.DataFrame:
    journey = t["participants"][["participant_id", "cohort_id", "enrolled_on", "status"]].merge(
        t["cohorts"][["cohort_id", "sponsor_id", "planned_sessions"]], on="cohort_id")
    matched = t["assignments"].groupby("_participant_id")["matched_on"].min()
    journey["is_matched"] = journey["participant_id"].isin(matched.index)
    journey["matched_on"] = journey["participant_id"].map(matched)
    done = sessions[sessions["status"] == "completed"].groupby("participant_id")
    journey["first_session_on"] = journey["participant_id"].map(done["local_date"].min())
    journey["last_session_on"] = journey["participant_id"].map(done["local_date"].max())
    journey["days_to_first_session"] = (journey["first_session_on"] - journey["enrolled_on"]).dt.days
    counts = sessions.groupby(["participant_id", "status"]).size().unstack(fill_value=0)
    for status in ("completed", "no_show", "late_cancelled"):
        column = counts[status] if status in counts.columns else pd.Series(dtype="int64")
        journey[f"sessions_{status}"] = journey["participant_id"].map(column).fillna(0).astype("int64")
    journey["coaching_hours"] = journey["participant_id"].map(done["duration_minutes"].sum() / 60.0).fillna(0.0)
    journey["is_activated"] = journey["sessions_completed"] >= 1
    journey["reached_midpoint"] = journey["sessions_completed"] >= journey["planned_sessions"] / 2.0
    journey["is_completed"] = (journey["status"] == "completed") | (
        journey["sessions_completed"] >= journey["planned_sessions"])
    as_of = pd.Timestamp(s.as_of)
    quiet_since = as_of - pd.Timedelta(days=s.stalled_after_days)
    journey["is_stalled"] = ((journey["status"] == "active") & ~journey["is_completed"]
                             & ((as_of - journey["enrolled_on"]).dt.days >= s.stalled_after_days)
                             & ~(journey["last_session_on"] > quiet_since))
    return journey.drop(columns="planned_sessions").sort_values("participant_id", ignore_index=True)


def funnel_counts(journey: pd.DataFrame, group: str) -> pd.DataFrame:
    grouped = journey.groupby(group)
    counts = grouped[["is_matched", "is_activated", "reached_midpoint", "is_completed", "is_stalled"]].sum()
    counts.columns = ["matched", "activated", "reached_midpoint", "completed", "stalled"]
    counts["enrolled"] = grouped.size()
    counts["median_days_to_first_session"] = (
        journey[journey["is_activated"]].groupby(group)["days_to_first_session"].median())
    counts["coaching_hours"] = grouped["coaching_hours"].sum()
    return counts


def cohort_engagement(t: dict, journey: pd.DataFrame, sessions: pd.DataFrame, s: Settings) -> pd.DataFrame:
    out = t["cohorts"][["cohort_id", "sponsor_id", "planned_sessions"]].set_index("cohort_id")
    people = funnel_counts(journey, "cohort_id")
    for column in ("enrolled", "matched", "activated", "reached_midpoint", "completed", "stalled", "coaching_hours"):
        out[column] = people[column].reindex(out.index).fillna(0)
    out["median_days_to_first_session"] = people["median_days_to_first_session"].astype("float64")
    by_cohort = sessions.groupby("cohort_id")
    for status in ("completed", "no_show", "late_cancelled"):
        out[f"sessions_{status}"] = (sessions["status"] == status).groupby(sessions["cohort_id"]).sum()
    out["sessions_eligible"] = by_cohort["is_attendance_eligible"].sum()
    out = out.fillna({c: 0 for c in out.columns if c.startswith("sessions_")})
    out["activation_rate"] = ratio(out["activated"], out["enrolled"])
    out["sessions_per_activated"] = ratio(out["sessions_completed"], out["activated"])
    out["attendance_rate"] = ratio(out["sessions_completed"], out["sessions_eligible"])
    out["no_show_rate"] = ratio(out["sessions_no_show"], out["sessions_eligible"])
    out["late_cancel_rate"] = ratio(out["sessions_late_cancelled"], out["sessions_eligible"])
    out["completion_rate"] = ratio(out["completed"], out["enrolled"])
    out["utilisation"] = ratio(out["sessions_completed"], out["enrolled"] * out["planned_sessions"])
    out["suppressed"] = out["enrolled"] < s.min_group_size
    return out.drop(columns=["planned_sessions", "sessions_no_show", "sessions_late_cancelled",
                             "sessions_eligible"]).sort_index().reset_index()


def competency_responses(t: dict) -> pd.DataFrame:
    """One row per response and competency: the mean item score, reverse-scored items turned round."""
    items = t["survey_items"][t["survey_items"]["kind"] == "competency"]
    answers = t["survey_responses"].rename(columns={"_participant_id": "participant_id"}).merge(
        items[["item_id", "competency", "scale_min", "scale_max", "reverse_scored"]], on="item_id")
    answers["item_score"] = answers["score"].where(
        ~answers["reverse_scored"], answers["scale_min"] + answers["scale_max"] - answers["score"])
    answers = answers.merge(t["participants"][["participant_id", "cohort_id"]], on="participant_id")
    keys = ["response_id", "participant_id", "cohort_id", "wave", "rater_type", "competency"]
    return answers.groupby(keys, as_index=False).agg(submitted_at=("submitted_at", "min"),
                                                     score=("item_score", "mean"))


def competency_reliability(t: dict, s: Settings) -> pd.Series:
    """Cronbach's alpha per competency over each participant's earliest complete pre self response."""
    items = t["survey_items"][t["survey_items"]["kind"] == "competency"]
    n_items = items.groupby("competency").size()
    answers = t["survey_responses"].rename(columns={"_participant_id": "participant_id"})
    answers = answers[(answers["wave"] == "pre") & (answers["rater_type"] == "self")].merge(
        items[["item_id", "competency", "scale_min", "scale_max", "reverse_scored"]], on="item_id")
    answers["item_score"] = answers["score"].where(
        ~answers["reverse_scored"], answers["scale_min"] + answers["scale_max"] - answers["score"])
    keys = ["participant_id", "response_id", "competency"]
    complete = answers.groupby(keys, as_index=False).agg(answered=("item_id", "nunique"),
                                                         submitted_at=("submitted_at", "min"))
    complete = complete[complete["answered"] == complete["competency"].map(n_items)]
    earliest = complete.sort_values(["submitted_at", "response_id"]).drop_duplicates(["participant_id", "competency"])
    chosen = answers.merge(earliest[keys], on=keys)
    item_var = chosen.groupby(["competency", "item_id"])["item_score"].var().groupby("competency").sum(min_count=1)
    totals = chosen.groupby(["competency", "participant_id"])["item_score"].sum()
    n_respondents = totals.groupby("competency").size().reindex(n_items.index).fillna(0)
    total_var = totals.groupby("competency").var().reindex(n_items.index)
    alpha = n_items / (n_items - 1.0) * (1 - item_var.reindex(n_items.index) / total_var)
    from_data = (n_items >= 2) & (n_respondents >= 30) & (total_var > 0)
    return alpha.where(from_data, s.default_reliability)


def participant_outcomes(t: dict, s: Settings) -> pd.DataFrame:
    """Pre and post score per participant, competency and rater type, with the Jacobson-Truax RCI."""
    scores = competency_responses(t)
    scores = scores[scores["wave"].isin(["pre", "post"])]
    self_ = scores[scores["rater_type"] == "self"]
    pre = self_[self_["wave"] == "pre"].sort_values(["submitted_at", "response_id"])
    post = self_[self_["wave"] == "post"].sort_values(["submitted_at", "response_id"], ascending=False)
    keys = ["participant_id", "cohort_id", "competency", "rater_type", "wave"]
    chosen = pd.concat([pre.drop_duplicates(["participant_id", "competency"]),
                        post.drop_duplicates(["participant_id", "competency"]),
                        scores[scores["rater_type"] != "self"].groupby(keys, as_index=False)["score"].mean()])
    wide = chosen.pivot_table(index=keys[:-1], columns="wave", values="score", aggfunc="max")
    wide = wide.reindex(columns=["pre", "post"]).rename(columns={"pre": "pre_score", "post": "post_score"})
    wide = wide.reset_index()
    sd_pre = wide.groupby(["competency", "rater_type"])["pre_score"].std().rename("sd_pre")
    wide = wide.merge(sd_pre.reset_index(), on=["competency", "rater_type"], how="left")
    wide["reliability"] = wide["competency"].map(competency_reliability(t, s)).fillna(s.default_reliability)
    s_diff = np.sqrt(2) * wide["sd_pre"] * np.sqrt(1 - wide["reliability"])
    rci = (wide["post_score"] - wide["pre_score"]) / s_diff.where(s_diff != 0)
    wide["is_paired"] = wide["pre_score"].notna() & wide["post_score"].notna()
    wide["change"] = wide["post_score"] - wide["pre_score"]
    wide["reliably_improved"] = (rci > 1.96).fillna(False)
    wide["reliably_deteriorated"] = (rci < -1.96).fillna(False)
    return wide


def t975(df: pd.Series) -> pd.Series:
    return pd.Series(stats.t.ppf(0.975, df.where(df >= 1)), index=df.index)


def paired_change_stats(outcomes: pd.DataFrame, keys: list[str], s: Settings) -> pd.DataFrame:
    paired = outcomes[outcomes["is_paired"]]
    grouped = paired.groupby(keys)
    out = pd.DataFrame({"n_pre": outcomes["pre_score"].notna().groupby([outcomes[k] for k in keys]).sum()})
    out["n_paired"] = grouped.size().reindex(out.index).fillna(0).astype("int64")
    out["mean_pre"] = grouped["pre_score"].mean()
    out["mean_post"] = grouped["post_score"].mean()
    out["mean_change"] = grouped["change"].mean()
    out["sd_change"] = grouped["change"].std().where(out["n_paired"] >= 2)
    margin = t975(out["n_paired"] - 1) * out["sd_change"] / np.sqrt(out["n_paired"])
    out["ci95_low"], out["ci95_high"] = out["mean_change"] - margin, out["mean_change"] + margin
    correction = 1 - 3 / (4 * (out["n_paired"] - 1) - 1.0)
    out["hedges_g"] = (out["mean_change"] / out["sd_change"] * correction).where(
        (out["n_paired"] >= 3) & (out["sd_change"] > 0))
    out["n_reliably_improved"] = grouped["reliably_improved"].sum().reindex(out.index).fillna(0).astype("int64")
    out["n_reliably_deteriorated"] = grouped["reliably_deteriorated"].sum().reindex(out.index).fillna(0).astype("int64")
    out["pct_reliably_improved"] = ratio(100.0 * out["n_reliably_improved"], out["n_paired"])
    out["response_rate_post"] = ratio(out["n_paired"], out["n_pre"])
    out["suppressed"] = out["n_paired"] < s.min_group_size
    return out


def cohort_outcomes(t: dict, outcomes: pd.DataFrame, s: Settings) -> pd.DataFrame:
    keys = ["cohort_id", "competency", "rater_type"]
    out = paired_change_stats(outcomes, keys, s)
    paired = outcomes[outcomes["is_paired"]].groupby(keys)
    out["n_with_pre"] = out.pop("n_pre")
    out["itt_mean_change"] = ratio(paired["change"].sum().reindex(out.index).fillna(0), out["n_with_pre"])
    out["pct_reliably_improved_itt"] = ratio(100.0 * out["n_reliably_improved"], out["n_with_pre"])
    out = out.reset_index().merge(t["cohorts"][["cohort_id", "sponsor_id"]], on="cohort_id")
    return out.sort_values(keys, ignore_index=True)


def cohorts_reported(engagement: pd.DataFrame) -> pd.Index:
    return pd.Index(engagement.loc[~engagement["suppressed"], "cohort_id"])


def sponsor_outcomes(t: dict, outcomes: pd.DataFrame, reported: pd.Index, s: Settings) -> pd.DataFrame:
    rows = outcomes[outcomes["cohort_id"].isin(reported)].merge(t["cohorts"][["cohort_id", "sponsor_id"]],
                                                               on="cohort_id")
    out = paired_change_stats(rows, ["sponsor_id", "competency", "rater_type"], s).drop(columns="n_pre")
    return out.reset_index().sort_values(["sponsor_id", "competency", "rater_type"], ignore_index=True)


def cohort_goals(t: dict, s: Settings) -> pd.DataFrame:
    goals = t["goals"].rename(columns={"_participant_id": "participant_id"})
    latest_first = goals.sort_values("rated_on", ascending=False, na_position="last", kind="stable")
    current = latest_first.drop_duplicates("goal_id")[["goal_id", "participant_id", "status"]].merge(
        t["participants"][["participant_id", "cohort_id"]], on="participant_id")
    scored = latest_first[latest_first["gas_score"].notna()].drop_duplicates("goal_id")
    scored = scored.assign(weight=scored["weight"].fillna(1))[["goal_id", "gas_score", "weight"]]
    rated = current[current["status"] != "abandoned"].merge(scored, on="goal_id")
    rated = rated.assign(wx=rated["weight"] * rated["gas_score"], w2=rated["weight"] ** 2)
    per_person = rated.groupby(["cohort_id", "participant_id"])[["wx", "w2", "weight"]].sum()
    spread = np.sqrt((1 - s.gas_rho) * per_person["w2"] + s.gas_rho * per_person["weight"] ** 2)
    per_person["gas_tscore"] = 50 + 10 * per_person["wx"] / spread.where(spread != 0)
    gas = per_person.groupby("cohort_id")["gas_tscore"]
    by_cohort = current.groupby("cohort_id")
    out = t["cohorts"][["cohort_id", "sponsor_id"]].set_index("cohort_id")
    out["goals_set"] = by_cohort["goal_id"].nunique()
    out["participants_with_goals"] = by_cohort["participant_id"].nunique()
    out["goals_achieved"] = current[current["status"] == "achieved"].groupby("cohort_id")["goal_id"].nunique()
    not_abandoned = current[current["status"] != "abandoned"].groupby("cohort_id")["goal_id"].nunique()
    out["goal_achievement_rate"] = ratio(out["goals_achieved"].fillna(0).where(out["goals_set"].notna()),
                                         not_abandoned.reindex(out.index))
    out["n_gas_participants"] = gas.count()
    out["mean_gas_tscore"] = gas.mean()
    counts = ["goals_set", "participants_with_goals", "goals_achieved", "n_gas_participants"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["suppressed"] = out["participants_with_goals"] < s.min_group_size
    return out.sort_index().reset_index()


def cohort_satisfaction(t: dict, s: Settings) -> pd.DataFrame:
    responses = t["survey_responses"].rename(columns={"_participant_id": "participant_id"}).merge(
        t["survey_items"][["item_id", "kind", "scale_min", "scale_max"]], on="item_id")
    responses = responses.merge(t["participants"][["participant_id", "cohort_id"]], on="participant_id")
    nps = responses[(responses["kind"] == "nps") & (responses["rater_type"] == "self")]
    latest = nps.sort_values(["submitted_at", "response_id", "item_id"]).drop_duplicates("participant_id", keep="last")
    score = latest.set_index("cohort_id")["score"]
    out = t["cohorts"][["cohort_id", "sponsor_id"]].set_index("cohort_id")
    out["nps_responses"] = score.groupby(level=0).size()
    out["promoters"] = (score >= 9).groupby(level=0).sum()
    out["passives"] = ((score > 6) & (score < 9)).groupby(level=0).sum()
    out["detractors"] = (score <= 6).groupby(level=0).sum()
    counts = ["nps_responses", "promoters", "passives", "detractors"]
    out["nps"] = ratio(100.0 * (out["promoters"] - out["detractors"]), out["nps_responses"])
    sat = responses[responses["kind"] == "satisfaction"]
    rescaled = (sat["score"] - sat["scale_min"]) / (sat["scale_max"] - sat["scale_min"])
    out["mean_session_rating"] = rescaled.groupby(sat["cohort_id"]).mean()
    out["satisfaction_responses"] = sat.groupby("cohort_id")["response_id"].nunique()
    counts.append("satisfaction_responses")
    out[counts] = out[counts].fillna(0).astype("int64")
    out["suppressed"] = out["nps_responses"] < s.min_group_size
    return out.sort_index().reset_index()


def costs_allocated(t: dict, s: Settings) -> pd.DataFrame:
    """Cost rows in the reporting currency; a sponsor's shared cost split over its cohorts by enrolment."""
    costs = t["costs"].rename(columns={"_coach_id": "coach_id"})
    costs["fx_rate"] = fx_rate_on(costs["currency"], costs["incurred_on"], t["fx_rates"], s)
    cohorts = t["cohorts"][["cohort_id", "sponsor_id"]].copy()
    cohorts["enrolled"] = cohorts["cohort_id"].map(t["participants"].groupby("cohort_id").size()).fillna(0)
    per_sponsor = cohorts.groupby("sponsor_id")["enrolled"]
    cohorts["share"] = (cohorts["enrolled"] / per_sponsor.transform("sum")).where(
        per_sponsor.transform("sum") > 0, 1.0 / per_sponsor.transform("size"))
    own = costs[costs["cohort_id"].notna()].assign(share=1.0, is_shared=False)
    shared = costs[costs["cohort_id"].isna()].drop(columns="cohort_id").merge(
        cohorts[["sponsor_id", "cohort_id", "share"]], on="sponsor_id").assign(is_shared=True)
    allocated = pd.concat([own, shared], ignore_index=True).drop(columns="sponsor_id")
    allocated = allocated.merge(cohorts[["cohort_id", "sponsor_id"]], on="cohort_id")
    allocated = allocated[allocated["share"] > 0]
    allocated["month"] = allocated["incurred_on"].dt.to_period("M").dt.to_timestamp()
    allocated["amount_reporting"] = allocated["amount"] * allocated["fx_rate"] * allocated["share"]
    return allocated


def monthly_costs(allocated: pd.DataFrame) -> pd.DataFrame:
    keys = ["sponsor_id", "cohort_id", "month", "category"]
    return allocated.groupby(keys, as_index=False)["amount_reporting"].sum().rename(
        columns={"amount_reporting": "amount"})


def cohort_costs(t: dict, allocated: pd.DataFrame, engagement: pd.DataFrame, sessions: pd.DataFrame,
                 outcomes: pd.DataFrame, s: Settings) -> pd.DataFrame:
    cohorts = t["cohorts"].set_index("cohort_id")
    out = cohorts[["sponsor_id"]].copy()
    spend = allocated.pivot_table(index="cohort_id", columns="category", values="amount_reporting", aggfunc="sum")
    out["total_cost"] = allocated.groupby("cohort_id")["amount_reporting"].sum()
    for category in ("coaching_fee", "licence", "assessment", "administration", "other"):
        out[category] = spend[category] if category in spend.columns else np.nan
    money = ["total_cost", "coaching_fee", "licence", "assessment", "administration", "other"]
    out[money] = out[money].fillna(0.0)
    rate = fx_rate_on(cohorts["currency"], cohorts["start_date"], t["fx_rates"], s)
    out["budget"] = cohorts["budget_amount"] * rate
    out["budget_used_pct"] = ratio(100.0 * out["total_cost"], out["budget"])
    engaged = engagement.set_index("cohort_id")
    improved = outcomes[outcomes["is_paired"] & outcomes["reliably_improved"]].groupby("cohort_id")[
        "participant_id"].nunique().reindex(out.index).fillna(0)
    for name, denominator in (("enrolled", engaged["enrolled"]), ("activated", engaged["activated"]),
                              ("completed", engaged["completed"]), ("session", engaged["sessions_completed"]),
                              ("coaching_hour", engaged["coaching_hours"]), ("reliably_improved", improved)):
        out[f"cost_per_{name}"] = ratio(out["total_cost"], denominator)
    missed_ids = sessions.loc[sessions["status"].isin(["no_show", "late_cancelled"]), "session_id"]
    missed = allocated[(allocated["category"] == "coaching_fee") & allocated["session_id"].isin(missed_ids)]
    out["spend_on_missed_sessions"] = missed.groupby("cohort_id")["amount_reporting"].sum()
    out["spend_on_missed_sessions"] = out["spend_on_missed_sessions"].fillna(0.0)
    as_of = pd.Timestamp(s.as_of)
    cohort_days = (cohorts["end_date"] - cohorts["start_date"]).dt.days + 1
    elapsed = np.minimum((as_of - cohorts["start_date"]).dt.days + 1, cohort_days)
    forecast = out["total_cost"] / elapsed.where(elapsed != 0) * cohort_days
    out["forecast_total_at_end"] = forecast.mask(as_of < cohorts["start_date"], out["total_cost"])
    return out.sort_index().reset_index()


def monthly_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    keys = ["sponsor_id", "cohort_id", "month"]
    counts = sessions.groupby(keys + ["status"]).size().unstack(fill_value=0)
    out = pd.DataFrame(index=counts.index)
    for status in ("completed", "no_show", "late_cancelled", "cancelled", "scheduled"):
        out[f"sessions_{status}"] = counts[status] if status in counts.columns else 0
    done = sessions[sessions["status"] == "completed"]
    out["coaching_hours"] = (done.groupby(keys)["duration_minutes"].sum() / 60.0).reindex(out.index).fillna(0.0)
    return out.reset_index()


def sponsor_monthly_sessions(monthly: pd.DataFrame, reported: pd.Index) -> pd.DataFrame:
    rows = monthly[monthly["cohort_id"].isin(reported)]
    columns = ["sessions_completed", "sessions_no_show", "sessions_late_cancelled", "coaching_hours"]
    return rows.groupby(["sponsor_id", "month"], as_index=False)[columns].sum()


def coach_utilisation(t: dict, sessions: pd.DataFrame) -> pd.DataFrame:
    done = sessions[sessions["status"] == "completed"]
    monthly = done.groupby(["coach_id", "month"]).agg(sessions=("session_id", "size"),
                                                      minutes=("duration_minutes", "sum"),
                                                      participants=("participant_id", "nunique"))
    monthly["hours"] = monthly.pop("minutes") / 60.0
    capacity = t["coaches"].set_index("coach_id")["monthly_capacity_hours"]
    out = monthly.reset_index().merge(capacity.rename("capacity").reset_index(), on="coach_id")
    out["utilisation"] = ratio(out["hours"], out["capacity"])
    responses = t["survey_responses"].merge(t["survey_items"][t["survey_items"]["kind"] == "satisfaction"],
                                            on="item_id")
    responses = responses[responses["session_id"].notna()]
    rating = (responses["score"] - responses["scale_min"]) / (responses["scale_max"] - responses["scale_min"])
    rated = done[["session_id", "coach_id", "month"]].merge(
        pd.DataFrame({"session_id": responses["session_id"], "rating": rating}), on="session_id")
    mean = rated.groupby(["coach_id", "month"])["rating"].mean().rename("mean_session_rating")
    out = out.merge(mean.reset_index(), on=["coach_id", "month"], how="left")
    out = out.merge(t["coaches"][["coach_id", "full_name"]].rename(columns={"full_name": "coach_name"}), on="coach_id")
    out["is_over_capacity"] = ((out["capacity"] > 0) & (out["hours"] > out["capacity"])).fillna(False).astype(bool)
    return out


def sponsor_summary(t: dict, journey, sessions, engagement, satisfaction, costs, goals, outcomes,
                    s: Settings) -> pd.DataFrame:
    reported = cohorts_reported(engagement)
    out = t["sponsors"][["sponsor_id", "sponsor_name"]].set_index("sponsor_id")
    cohorts = t["cohorts"]
    out["cohorts"] = cohorts.groupby("sponsor_id").size()
    out["cohorts_reported"] = cohorts["cohort_id"].isin(reported).groupby(cohorts["sponsor_id"]).sum()
    people = funnel_counts(journey[journey["cohort_id"].isin(reported)], "sponsor_id")
    for column in ("enrolled", "matched", "activated", "reached_midpoint", "completed"):
        out[column] = people[column]
    counted = sessions[sessions["cohort_id"].isin(reported)]
    completed = (counted["status"] == "completed").groupby(counted["sponsor_id"]).sum()
    eligible = counted.groupby("sponsor_id")["is_attendance_eligible"].sum()
    out["activation_rate"] = ratio(people["activated"], people["enrolled"]).reindex(out.index)
    out["attendance_rate"] = ratio(completed, eligible).reindex(out.index)
    out["completion_rate"] = ratio(people["completed"], people["enrolled"]).reindex(out.index)
    out["median_days_to_first_session"] = people["median_days_to_first_session"].astype("float64")
    out["sessions_completed"] = completed
    out["coaching_hours"] = people["coaching_hours"]
    shown = satisfaction[satisfaction["cohort_id"].isin(reported) & ~satisfaction["suppressed"]]
    nps = shown.groupby("sponsor_id")[["nps_responses", "promoters", "detractors"]].sum()
    out["nps_responses"] = nps["nps_responses"]
    out["nps"] = ratio(100.0 * (nps["promoters"] - nps["detractors"]), nps["nps_responses"]).reindex(out.index)
    shown = goals[goals["cohort_id"].isin(reported) & ~goals["suppressed"]]
    shown = shown.assign(gas_sum=shown["mean_gas_tscore"] * shown["n_gas_participants"])
    goal_sums = shown.groupby("sponsor_id")[["participants_with_goals", "goals_set", "goals_achieved",
                                             "n_gas_participants", "gas_sum"]].sum(min_count=1)
    for column in ("participants_with_goals", "goals_set", "goals_achieved", "n_gas_participants"):
        out[column] = goal_sums[column]
    out["mean_gas_tscore"] = ratio(goal_sums["gas_sum"], goal_sums["n_gas_participants"]).reindex(out.index)
    improved = outcomes[outcomes["is_paired"] & outcomes["reliably_improved"] & outcomes["cohort_id"].isin(reported)]
    improved = improved.merge(cohorts[["cohort_id", "sponsor_id"]], on="cohort_id")
    out["reliably_improved"] = improved.groupby("sponsor_id")["participant_id"].nunique()
    spend = costs[costs["cohort_id"].isin(reported)].groupby("sponsor_id")["total_cost"].sum()
    out["total_cost"] = spend
    out["cost_per_enrolled"] = ratio(spend, people["enrolled"]).reindex(out.index)
    out["cost_per_reliably_improved"] = ratio(spend, out["reliably_improved"]).reindex(out.index)
    zero_filled = ["cohorts", "cohorts_reported", "enrolled", "matched", "activated", "reached_midpoint",
                   "completed", "sessions_completed", "nps_responses", "participants_with_goals", "goals_set",
                   "goals_achieved", "n_gas_participants", "reliably_improved"]
    out[zero_filled] = out[zero_filled].fillna(0).astype("int64")
    out[["coaching_hours", "total_cost"]] = out[["coaching_hours", "total_cost"]].fillna(0.0)
    out["suppressed"] = out["enrolled"] < s.min_group_size
    for flag, count in (("nps_suppressed", "nps_responses"), ("goals_suppressed", "participants_with_goals"),
                        ("gas_suppressed", "n_gas_participants"), ("reliably_improved_suppressed", "reliably_improved")):
        out[flag] = out["suppressed"] | (out[count] < s.min_group_size)  # a figure about fewer than k people
    return out.sort_index().reset_index()


def compute_marts(landing: Path, settings: Settings) -> dict[str, pd.DataFrame]:
    t = read_landing(landing, settings)
    sessions = sessions_classified(t, settings)
    journey = participant_journey(t, sessions, settings)
    engagement = cohort_engagement(t, journey, sessions, settings)
    outcomes = participant_outcomes(t, settings)
    reported = cohorts_reported(engagement)
    allocated = costs_allocated(t, settings)
    goals = cohort_goals(t, settings)
    satisfaction = cohort_satisfaction(t, settings)
    costs = cohort_costs(t, allocated, engagement, sessions, outcomes, settings)
    monthly = monthly_sessions(sessions)
    return {
        "participant_journey": journey,
        "cohort_engagement": engagement,
        "cohort_outcomes": cohort_outcomes(t, outcomes, settings),
        "sponsor_outcomes": sponsor_outcomes(t, outcomes, reported, settings),
        "cohort_goals": goals,
        "cohort_satisfaction": satisfaction,
        "cohort_costs": costs,
        "monthly_costs": monthly_costs(allocated),
        "monthly_sessions": monthly,
        "sponsor_monthly_sessions": sponsor_monthly_sessions(monthly, reported),
        "coach_utilisation": coach_utilisation(t, sessions),
        "sponsor_summary": sponsor_summary(t, journey, sessions, engagement, satisfaction, costs, goals, outcomes,
                                           settings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--config", type=Path, default=CONFIG, help="the coachlens.toml of the parameters")
    parser.add_argument("--out", type=Path, help="write every mart here as <name>.parquet")
    args = parser.parse_args()
    t0 = time.perf_counter()
    marts = compute_marts(args.landing, load_settings(args.as_of, args.config))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, frame in marts.items():
            frame.to_parquet(args.out / f"{name}.parquet", index=False)
    elapsed = time.perf_counter() - t0
    print(f"pandas baseline: {len(marts)} marts in {elapsed:.1f} s "
          f"({len(marts['participant_journey']):,} participants)")


if __name__ == "__main__":
    main()
