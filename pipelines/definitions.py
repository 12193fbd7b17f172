"""The Dagster code location: assets, checks, resources and the nightly schedule."""
from __future__ import annotations

import dagster as dg

from pipelines.defs.alerts import alert_sensors
from pipelines.defs.ingest.assets import raw_assets, start_refresh
from pipelines.defs.quality.checks import contract_checks
from pipelines.defs.resources import CoachlensResource
from pipelines.defs.schedules import nightly_schedule, refresh_job
from pipelines.defs.serve.assets import dashboard_pages, published_refresh
from pipelines.defs.transform.assets import coachlens_dbt_models, dbt_resource
from pipelines.lib.config import load_config


def build_definitions() -> dg.Definitions:
    cfg = load_config()
    return dg.Definitions(
        assets=[start_refresh, *raw_assets, coachlens_dbt_models, dashboard_pages, published_refresh],
        asset_checks=contract_checks,
        jobs=[refresh_job],
        schedules=[nightly_schedule(cfg)],
        sensors=alert_sensors,
        resources={"coachlens": CoachlensResource(), "dbt": dbt_resource},
    )


defs = build_definitions()
