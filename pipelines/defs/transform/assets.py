"""dbt models as Dagster assets; dbt tests become asset checks."""

import contextlib
import json
import os
import shutil
from typing import Any, Iterator, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.defs.resources import CoachlensResource
from pipelines.defs.transform import selection, spark
from pipelines.lib.carry_over import fingerprints
from pipelines.lib.progress import progress
from pipelines.defs.transform.project import DBT_PROJECT_DIR, dbt_executable, dbt_project, ensure_manifest
from pipelines.lib.refresh_inputs import (build_inputs, changed_sources, incremental_base, published_checks,
                                          read_published)


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
        return
    changed = _changed_sources(coachlens)
    if changed is None:
        yield from _build(context, dbt, [*dbt_vars, *selection.exclude_args({}, [])])
    else:
        yield from _build_changed(context, dbt, dbt_vars, changed, coachlens.workspace().warehouse)


def _changed_sources(coachlens: CoachlensResource) -> set[str] | None:
    """The sources loaded again by an incremental refresh (one that started from a copy of the published
    warehouse, see refresh_inputs.incremental_base), or None when every model must be built."""
    cfg = coachlens.config()
    published = read_published(coachlens.workspace().warehouse)
    if not incremental_base(published, build_inputs(cfg.dbt_vars(), cfg.engine), coachlens.full_refresh):
        return None
    with coachlens.connect() as con:
        return changed_sources(published, fingerprints(con))


def _build_changed(context: dg.AssetExecutionContext, dbt: DbtCliResource, dbt_vars: list[str], changed: set[str],
                   published) -> Iterator:
    """`dbt build` of the models downstream of the changed sources; every other model is already in the
    warehouse (a copy of the published one) and is reported as materialized, with its tests' published
    results, so the assets downstream of it run."""
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    rebuilt = selection.rebuilt_nodes(manifest, changed)
    reused = selection.reused_nodes(manifest, rebuilt)
    progress(f"dbt: {len(rebuilt)} model(s) downstream of {', '.join(sorted(changed)) or 'the run tables'} "
             f"rebuilt, {len(reused)} reused")
    selected = set(context.selected_asset_keys)
    for key in (translator.get_asset_key(manifest["nodes"][uid]) for uid in reused):  # parents first
        if key in selected:
            yield dg.MaterializeResult(asset_key=key, metadata={"reused": "unchanged inputs: kept from the "
                                                                          "published refresh"})
    seen_checks = set()
    for event in _build(context, dbt, [*dbt_vars, *selection.exclude_args(manifest, reused)]):
        if isinstance(event, dg.AssetCheckResult):
            seen_checks.add(dg.AssetCheckKey(event.asset_key, event.check_name))
        yield event
    yield from _published_check_results(published, set(context.selected_asset_check_keys) - seen_checks)


def _published_check_results(published, keys: set) -> Iterator[dg.AssetCheckResult]:
    """The results, in the published refresh's evidence record, of the dbt tests that were not run again
    (their models were reused, so their rows are the ones tested there)."""
    before = published_checks(published)
    for key in sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        found = before.get((key.asset_key.to_user_string(), key.name))
        yield dg.AssetCheckResult(
            asset_key=key.asset_key, check_name=key.name, passed=found["passed"] if found else True,
            severity=dg.AssetCheckSeverity(found["severity"]) if found else dg.AssetCheckSeverity.ERROR,
            description=(found["description"] if found else "") or "",
            metadata={"reused": "not run again: the model was kept from the published refresh"})


def _build_on_spark(context: dg.AssetExecutionContext, dbt: DbtCliResource, coachlens: CoachlensResource,
                    dbt_vars: list[str]):
    """Raw tables to Parquet, `dbt build` on Spark, then the marts (and staging views) into the DuckDB file."""
    folder = spark.spark_folder(coachlens.workspace().work_warehouse)
    with coachlens.connect() as con:
        exported = spark.export_sources(con, folder)
    progress(f"{len(exported)} loaded tables written as Parquet for Spark")
    os.environ.update(spark.spark_environment(folder))
    built = set()
    for event in _build(context, dbt, [*dbt_vars, "--target", spark.SPARK_TARGET, *selection.exclude_args({}, [])]):
        built.add(_event_asset_key(context, event))
        yield event
    with coachlens.connect() as con:
        spark.import_marts(con, folder, spark.mart_names(ensure_manifest()))
    # the staging views, and the views of marts that describe the run (refresh_run_info; not built on Spark)
    with _dbt_output(coachlens, "run of the views on DuckDB", mode="a"):
        views = dbt.cli(["run", "--select", "staging marts,config.materialized:view", "--target",
                         spark.DUCKDB_TARGET, *dbt_vars])
        views.wait()
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    on_duckdb = selection.in_dependency_order(manifest, [r["unique_id"] for r in views.get_artifact(
        "run_results.json")["results"] if r["unique_id"] in manifest["nodes"]])
    shutil.rmtree(views.target_path, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    progress("marts built by Spark copied into the warehouse")
    selected = set(context.selected_asset_keys)
    for key in (translator.get_asset_key(manifest["nodes"][uid]) for uid in on_duckdb):
        if key in selected and key not in built:
            # a model disabled on the Spark target (the run's own views), built by the DuckDB run above
            yield dg.MaterializeResult(asset_key=key, metadata={"built": "on DuckDB, after the Spark build"})


def _event_asset_key(context: dg.AssetExecutionContext, event) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    return getattr(event, "asset_key", None)


def dbt_log_path(warehouse) -> "os.PathLike":
    """The output of the last refresh's dbt build, beside the warehouse (dagster-dbt echoes every dbt event to
    stdout; the command line shows progress lines instead)."""
    return warehouse.with_name(warehouse.name + ".dbt.log")


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, args: list[str]):
    """`dbt build` of the whole project (unit tests run in the test suite), streamed to Dagster."""
    progress("dbt build started")
    with _dbt_output(context.resources.coachlens, "build") as log_path:
        invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", *args], context=context)
        yield from invocation.stream()
    progress(f"dbt build finished (dbt's output: {log_path})")
    shutil.rmtree(invocation.target_path, ignore_errors=True)


@contextlib.contextmanager
def _dbt_output(coachlens: CoachlensResource, step: str, mode: str = "w"):
    """dbt's output into the dbt log (dagster-dbt echoes every dbt event to stdout; the command line shows
    progress lines instead); a failure is raised again quoting dbt's errors."""
    log_path = dbt_log_path(coachlens.workspace().warehouse)
    with open(log_path, mode, encoding="utf-8") as log:
        try:
            with contextlib.redirect_stdout(log):
                yield log_path
        except Exception as exc:
            log.flush()
            raise RuntimeError(f"dbt {step} failed: {_dbt_errors(log_path)} (dbt's output: {log_path})") from exc


def _dbt_errors(log_path) -> str:
    """The lines of a dbt log that say what failed."""
    lines = [line.strip() for line in open(log_path, encoding="utf-8", errors="replace")]
    found = [line for line in lines if "ERROR" in line or "Error" in line or "error:" in line.lower()]
    return " | ".join(found[-8:]) or "see the log"


dbt_resource = DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
