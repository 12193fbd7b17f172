"""The nightly refresh: the whole asset graph, one run at a time, on the configured cron."""
from __future__ import annotations

import dagster as dg

from pipelines.lib.config import Config

REFRESH_JOB = "refresh"

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest every landing source, check contracts, build the dbt models, write and publish the pages.",
    tags={"dagster/max_runtime": "3600"},
)


def nightly_schedule(cfg: Config) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_refresh",
        job=refresh_job,
        cron_schedule=cfg.schedule_cron,
        execution_timezone=cfg.schedule_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Refresh every night ({cfg.schedule_cron}, {cfg.schedule_timezone}); set schedule.cron in coachlens.toml.",
    )
