import datetime as dt
from pathlib import Path

import pytest

from pipelines.lib.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "coachlens.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_file_then_environment_then_flags(tmp_path):
    path = write(tmp_path, 'min_group_size = 7\nlanding = "in"\n[schedule]\ncron = "0 3 * * *"\n')
    cfg = load_config(path, environ={})
    assert cfg.min_group_size == 7 and cfg.schedule_cron == "0 3 * * *"
    assert cfg.landing == tmp_path / "in"          # relative paths are relative to the config file
    assert cfg.late_cancel_hours == 24 and cfg.gas_rho == 0.3 and cfg.reporting_currency == "USD"
    cfg = load_config(path, environ={"COACHLENS_MIN_GROUP_SIZE": "9", "COACHLENS_SCHEDULE_CRON": "5 1 * * *"})
    assert cfg.min_group_size == 9 and cfg.schedule_cron == "5 1 * * *"
    cfg = load_config(path, overrides={"min_group_size": 11}, environ={"COACHLENS_MIN_GROUP_SIZE": "9"})
    assert cfg.min_group_size == 11


@pytest.mark.parametrize("text, key", [
    ("min_group_size = 2", "min_group_size"),
    ('reporting_currency = "dollars"', "reporting_currency"),
    ('timezone = "Mars/Olympus"', "timezone"),
    ("gas_rho = 1.5", "gas_rho"),
    ('[schedule]\ncron = "every night"', "schedule_cron"),
    ("stalled_after_days = 0", "stalled_after_days"),
    ("bogus_key = 1", "bogus_key"),
])
def test_bad_values_give_one_line_naming_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), environ={})
    message = str(info.value)
    assert key in message and "\n" not in message


def test_min_group_size_below_three_refused_from_environment(tmp_path):
    with pytest.raises(ConfigError, match="min_group_size"):
        load_config(write(tmp_path, ""), environ={"COACHLENS_MIN_GROUP_SIZE": "1"})


def test_as_of_defaults_to_today_in_the_configured_zone(tmp_path):
    # Kiritimati is UTC+14 and Pago Pago UTC-11 all year (no daylight saving): 25 hours apart, so their
    # dates always differ, and each is worked out here from UTC by its fixed offset
    utc_now = dt.datetime.now(dt.timezone.utc)
    for zone, hours in (("Pacific/Kiritimati", 14), ("Pacific/Pago_Pago", -11)):
        cfg = load_config(write(tmp_path, f'timezone = "{zone}"'), environ={})
        assert cfg.resolved_as_of() == (utc_now + dt.timedelta(hours=hours)).date(), zone
    cfg = load_config(write(tmp_path, ""), overrides={"as_of": "2025-02-03"}, environ={})
    assert cfg.resolved_as_of() == dt.date(2025, 2, 3)


def test_committed_config_file_is_valid():
    root = Path(__file__).resolve().parents[2]
    cfg = load_config(root / "coachlens.toml", environ={})
    assert cfg.schedule_cron == "0 2 * * *" and cfg.min_group_size == 5


def test_engine_is_duckdb_or_spark_from_file_or_environment(tmp_path):
    assert load_config(write(tmp_path, ""), environ={}).engine == "duckdb"
    assert load_config(write(tmp_path, 'engine = "spark"'), environ={}).engine == "spark"
    assert load_config(write(tmp_path, ""), environ={"COACHLENS_ENGINE": "Spark"}).engine == "spark"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, ""), environ={"COACHLENS_ENGINE": "snowflake"})
    assert str(info.value) == "config key 'engine': 'snowflake' is not allowed; expected \"duckdb\" or \"spark\""


def test_value_assumptions_reach_dbt_and_bad_values_name_the_key(tmp_path):
    cfg = load_config(write(tmp_path, "[value]\nparticipant_hour_cost = 80\nestimate_discount = 0.2\n"), environ={})
    assert cfg.dbt_vars()["participant_hour_cost"] == 80.0 and cfg.dbt_vars()["estimate_discount"] == 0.2
    assert cfg.dbt_vars()["replacement_cost"] is None and cfg.dbt_vars()["window_days"] == 365
    cfg = load_config(write(tmp_path, ""), environ={"COACHLENS_VALUE_REPLACEMENT_COST": "42000",
                                                     "COACHLENS_VALUE_WINDOW_DAYS": "180"})
    assert cfg.dbt_vars()["replacement_cost"] == 42000.0 and cfg.dbt_vars()["window_days"] == 180
    for text, key in (("[value]\nestimate_discount = 1.5", "value_estimate_discount"),
                      ("[value]\nwindow_days = 0", "value_window_days"),
                      ('[value]\nreplacement_cost = "lots"', "value_replacement_cost")):
        with pytest.raises(ConfigError, match=key):
            load_config(write(tmp_path, text), environ={})
