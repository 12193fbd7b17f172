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


CRONS = ["0 2 * * *", "30 4 * * 1-5", "@daily", "*/15 * * * *", "0 9 * * MON-FRI", "0 0 29 2 *", "0 2 ? * *",
         "every night", "0 2 * *", "0 2 * * * *", "61 2 * * *", "0 25 * * *", "0 0 30 2 *", "0 0 31 2 *",
         "@reboot", "H 2 * * *", ""]


@pytest.mark.parametrize("cron", CRONS)
def test_a_cron_dagster_refuses_is_refused_when_the_configuration_is_read(tmp_path, cron):
    """Dagster's own judgement (building the ScheduleDefinition) is the expectation, not the code under test."""
    import dagster as dg

    try:
        dg.ScheduleDefinition(name="nightly_refresh", cron_schedule=cron, job_name="refresh")
        dagster_accepts = True
    except dg.DagsterInvalidDefinitionError:
        dagster_accepts = False
    path = write(tmp_path, f'[schedule]\ncron = "{cron}"\n')
    if dagster_accepts:
        assert load_config(path, environ={}).schedule_cron == cron
    else:
        with pytest.raises(ConfigError) as info:
            load_config(path, environ={})
        assert str(info.value).startswith(f"config key 'schedule_cron': '{cron}' is not allowed")
    with pytest.raises(ConfigError, match="schedule_cron"):  # a cron that never fires: Dagster takes it
        load_config(path, environ={"COACHLENS_SCHEDULE_CRON": "0 0 31 4 *"})


def test_freshness_table_replaces_the_default_and_environment_adds_to_it(tmp_path):
    default = load_config(write(tmp_path, ""), environ={}).freshness
    assert default == {"costs": 744.0, "sessions": 36.0, "survey_responses": 168.0}
    cfg = load_config(write(tmp_path, ""), environ={"COACHLENS_FRESHNESS_SURVEY_RESPONSES": "12"})
    assert cfg.freshness == {"costs": 744.0, "sessions": 36.0, "survey_responses": 12.0}
    cfg = load_config(write(tmp_path, "[freshness]\nsessions = 48\n"), environ={"COACHLENS_FRESHNESS_COSTS": "1"})
    assert cfg.freshness == {"costs": 1.0, "sessions": 48.0}  # survey_responses unlisted: not checked
    assert cfg.max_age_hours("survey_responses") is None and cfg.dbt_vars()["freshness"] == cfg.freshness
    for text, env, message in (
            ("[freshness]\nbogus = 3\n", {}, "config key 'freshness.bogus': unknown source; allowed: "),
            ("", {"COACHLENS_FRESHNESS_NOPE": "3"}, "config key 'freshness.nope': unknown source; allowed: "),
            ("[freshness]\nsessions = -1\n", {}, "config key 'freshness.sessions': -1 is not allowed; expected a "
                                                 "number of hours, 0 or more"),
            ("freshness = 3\n", {}, "config key 'freshness': expected a table of source = hours")):
        with pytest.raises(ConfigError) as info:
            load_config(write(tmp_path, text), environ=env)
        assert str(info.value).startswith(message)


def test_other_coachlens_variables_are_not_configuration_keys(tmp_path):
    """Variables the code sets for itself or for dbt, and the alert switches, are not refused as unknown keys."""
    env = {"COACHLENS_PROGRESS": "1", "COACHLENS_DBT_DATABASE": "x.duckdb", "COACHLENS_ALERTS_OFF": "1",
           "COACHLENS_SPARK_DIR": "/tmp/s", "COACHLENS_ALERTS_WEBHOOK": "https://chat.example.org/hook"}
    cfg = load_config(write(tmp_path, ""), environ=env)
    assert cfg.alerts == (("webhook", "https://chat.example.org/hook"),)
    with pytest.raises(ConfigError, match="unknown config key 'bogus'"):
        load_config(write(tmp_path, "bogus = 1"), environ={})


def test_values_are_typed_and_normalised(tmp_path):
    cfg = load_config(write(tmp_path, 'reporting_currency = "eur"\nmemory_limit = "512 MB"\npseudonym_salt = 42\n'
                                      "as_of = 2025-02-03\n[value]\nreplacement_cost = 40000\n"), environ={})
    assert (cfg.reporting_currency, cfg.memory_limit, cfg.pseudonym_salt) == ("EUR", "512MB", "42")
    assert cfg.as_of == dt.date(2025, 2, 3) and cfg.value_replacement_cost == 40000.0
    assert load_config(write(tmp_path, ""), environ={"COACHLENS_VALUE_REPLACEMENT_COST": ""}).value_replacement_cost is None
    with pytest.raises(ConfigError, match="config key 'as_of': 20250203 is not allowed; expected a date YYYY-MM-DD"):
        load_config(write(tmp_path, "as_of = 20250203"), environ={})
    (tmp_path / "sub").mkdir()
    cfg = load_config(write(tmp_path, ""), environ={"COACHLENS_SITE": "/srv/site"})
    assert cfg.site == Path("/srv/site") and cfg.warehouse == tmp_path / "data" / "warehouse.duckdb"


def test_readme_lists_every_key_with_the_models_default():
    """The defaults live in the Config model; the README table must say the same, key by key."""
    import re

    from pipelines.lib.config import describe

    root = Path(__file__).resolve().parents[2]
    rows = {}
    for line in (root / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([^`]+)` \| (.+?) \| .+ \|$", line)
        if m:
            rows[m.group(1).strip("[]")] = m.group(2)
    for name, default, _ in describe():
        assert name in rows, f"README 'Configuration' lacks {name}"
        text = rows[name]
        if isinstance(default, dict):
            assert text == ", ".join(f"`{k} = {v:g}`" for k, v in default.items()), name
        elif default is None:
            assert text.startswith(("unset", "today", "none")), name
        elif name != "alerts":
            shown = f"{default:g}" if isinstance(default, (int, float)) else str(default)
            assert text.startswith(f"`{shown}`"), (name, text)


def test_the_command_line_refuses_a_bad_cron_before_anything_runs(monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.setenv("COACHLENS_SCHEDULE_CRON", "0 0 30 2 *")
    assert main(["config"]) == 2
    assert capsys.readouterr().err == ("error: config key 'schedule_cron': '0 0 30 2 *' is not allowed; expected a "
                                       "five-field cron expression such as '0 2 * * *'\n")


def test_coachlens_config_prints_the_value_in_force_beside_the_default(monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.setenv("COACHLENS_MIN_GROUP_SIZE", "7")
    monkeypatch.setenv("COACHLENS_SCHEDULE_CRON", "30 4 * * 1-5")
    assert main(["config"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "min_group_size = 7    # default 5" in lines
    assert 'schedule.cron = "30 4 * * 1-5"    # default "0 2 * * *"' in lines
    assert "late_cancel_hours = 24" in lines  # unchanged keys show their default only
