"""Alerts for the scheduled refresh: a run-failure sensor, and a sensor for refreshes that finished with stale data.

Runs started by `coachlens refresh` (tagged coachlens/launched_by=cli) are skipped: the command sends their
alerts itself, so a lead gets one alert per refresh even when `coachlens serve` is running.
"""
from __future__ import annotations

import dagster as dg

from pipelines.defs.schedules import refresh_job
from pipelines.lib.alerts import alert_on
from pipelines.lib.config import load_config
from pipelines.lib.outcome import Outcome, published_stale_sources, read_outcome

CLI_TAG = "coachlens/launched_by"


def alert_for_run(instance: dg.DagsterInstance, run: dg.DagsterRun, success: bool, log=print) -> Outcome:
    """Read the run's outcome from its events (and, when it published, the stale sources from its warehouse)
    and alert if it failed or left stale data."""
    cfg = load_config()
    outcome = read_outcome(run.run_id, instance.all_logs(run.run_id), success=success)
    if success:
        outcome.stale = published_stale_sources(cfg.warehouse)
    if not success and not outcome.problems:
        outcome.problems.append("the run failed before any step reported why; see the run in the Dagster UI")
    alert_on(outcome, cfg.alerts, str(cfg.warehouse), str(cfg.site), log=log)
    return outcome


@dg.run_failure_sensor(name="refresh_failure_alert", monitored_jobs=[refresh_job],
                       default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Sends the [alerts] of coachlens.toml when a scheduled refresh fails.")
def refresh_failure_alert(context: dg.RunFailureSensorContext):
    if context.dagster_run.tags.get(CLI_TAG) == "cli":
        return dg.SkipReason("started by coachlens refresh, which sends its own alerts")
    alert_for_run(context.instance, context.dagster_run, success=False, log=context.log.info)


@dg.run_status_sensor(name="refresh_stale_alert", run_status=dg.DagsterRunStatus.SUCCESS,
                      monitored_jobs=[refresh_job], default_status=dg.DefaultSensorStatus.RUNNING,
                      description="Sends the [alerts] of coachlens.toml when a scheduled refresh leaves stale data.")
def refresh_stale_alert(context: dg.RunStatusSensorContext):
    if context.dagster_run.tags.get(CLI_TAG) == "cli":
        return dg.SkipReason("started by coachlens refresh, which sends its own alerts")
    alert_for_run(context.instance, context.dagster_run, success=True, log=context.log.info)


alert_sensors = [refresh_failure_alert, refresh_stale_alert]
