"""The Dagster code location loads, with the nightly schedule on the configured cron."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from pipelines.definitions import defs
s = defs.resolve_schedule_def("nightly_refresh")
graph = defs.resolve_asset_graph()
keys = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
checks = sorted(k.name for k in graph.asset_check_keys)
job = defs.resolve_job_def("refresh")
print(json.dumps({"cron": s.cron_schedule, "tz": s.execution_timezone, "job": s.job_name, "keys": keys,
                  "checks": checks, "executor": job.executor_def.name}))
"""


def load_defs(**env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COACHLENS_")}
    environ.update(env)
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environ, cwd=ROOT,
                         check=True).stdout
    import json
    return json.loads(out.strip().splitlines()[-1])


def test_definitions_load_with_every_layer():
    d = load_defs()
    assert d["cron"] == "0 2 * * *" and d["tz"] == "UTC" and d["job"] == "refresh"
    assert d["executor"] == "in_process"  # one process, one writer of the DuckDB file
    for key in ("raw/sessions", "raw/survey_responses", "marts/cohort_engagement", "marts/participant_journey",
                "site/pages", "site/published"):
        assert key in d["keys"]
    assert "files_readable" in d["checks"]
    assert any(c.startswith("not_null") or c.startswith("unique") for c in d["checks"]), "dbt tests are asset checks"


def test_schedule_follows_configuration():
    d = load_defs(COACHLENS_SCHEDULE_CRON="30 4 * * 1-5", COACHLENS_SCHEDULE_TIMEZONE="Europe/London")
    assert d["cron"] == "30 4 * * 1-5" and d["tz"] == "Europe/London"
