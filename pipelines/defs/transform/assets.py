"""dbt models as Dagster assets; dbt tests become asset checks."""

import json
import os
import shutil
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.defs.resources import CoachlensResource
from pipelines.defs.transform import spark
from pipelines.lib.progress import progress
from pipelines.defs.transform.project import DBT_PROJECT_DIR, dbt_executable, dbt_project, ensure_manifest


class CoachlensTranslator(DagsterDbtTranslator):
    """dbt sources map onto the raw.<source> ingest assets; models are keyed <schema>/<name>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


translator = CoachlensTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator, name="coachlens_dbt_models")
def coachlens_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, coachlens: CoachlensResource):
    cfg = coachlens.config()
    work_warehouse = coachlens.workspace().work_warehouse
    os.environ["COACHLENS_DBT_DATABASE"] = str(work_warehouse)
    os.environ["COACHLENS_DBT_MEMORY_LIMIT"] = cfg.memory_limit
    dbt_vars = ["--vars", json.dumps(cfg.dbt_vars())]
    if cfg.engine == "spark":
        yield from _build_on_spark(context, dbt, coachlens, dbt_vars)
    else:
        yield from _build(context, dbt, dbt_vars)


def _build_on_spark(context: dg.AssetExecutionContext, dbt: DbtCliResource, coachlens: CoachlensResource,
                    dbt_vars: list[str]):
    """Raw tables to Parquet, `dbt build` on Spark, then the marts (and staging views) into the DuckDB file."""
    folder = spark.spark_folder(coachlens.workspace().work_warehouse)
    with coachlens.connect() as con:
        exported = spark.export_sources(con, folder)
    progress(f"{len(exported)} loaded tables written as Parquet for Spark")
    os.environ.update(spark.spark_environment(folder))
    yield from _build(context, dbt, [*dbt_vars, "--target", spark.SPARK_TARGET])
    with coachlens.connect() as con:
        spark.import_marts(con, folder, spark.mart_names(ensure_manifest()))
    # the staging views, and the views of marts that describe the run (refresh_run_info; not built on Spark)
    views = dbt.cli(["run", "--select", "staging", "marts,config.materialized:view", "--target", spark.DUCKDB_TARGET,
                     *dbt_vars])
    views.wait()
    shutil.rmtree(views.target_path, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    progress("marts built by Spark copied into the warehouse")


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, args: list[str]):
    """`dbt build` of the whole project (unit tests run in the test suite), streamed to Dagster."""
    progress("dbt build started")
    invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", *args], context=context)
    yield from invocation.stream()
    progress("dbt build finished")
    shutil.rmtree(invocation.target_path, ignore_errors=True)


dbt_resource = DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
