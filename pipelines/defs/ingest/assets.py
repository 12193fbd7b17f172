"""Ingestion: one asset per landing source, loaded into raw.<source> of the refresh's new warehouse.

`start_refresh` starts the refresh: a new warehouse file beside the published
one, and raw.refresh_run (the run's reporting date and settings). Every raw asset
then loads its source folder with the contract loader and reports a blocking
`contract` check: a file that could not be read at all fails it, which stops
everything downstream, so nothing is published.
"""

import datetime as dt

import dagster as dg
import duckdb

from pipelines.defs.resources import CoachlensResource
from pipelines.lib.carry_over import (carried_in_place, carry_over, drop_source_rows, fingerprints,
                                     record_fingerprint, source_fingerprint)
from pipelines.lib.contracts import Contract, load_contracts
from pipelines.lib.erasure import apply_erasures, erased_pseudonyms, record_erasures
from pipelines.lib.loader import FileResult, LoadSettings, SourceResult, load_source, prepare_warehouse
from pipelines.lib.progress import progress
from pipelines.lib.refresh_inputs import build_inputs, incremental_base, read_published, record_build_inputs, settings_for

INGEST_GROUP = "ingest"


def _carry_audit_history(con, published) -> None:
    """Keep the contract validation results of earlier refreshes (audit trail) in the new warehouse."""
    from pipelines.defs.quality.checks import AUDIT_DDL

    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(AUDIT_DDL)
    if not published.exists():
        return
    try:
        con.execute(f"ATTACH '{published}' AS published (READ_ONLY)")
        try:
            con.execute("INSERT INTO audit.contract_validations SELECT * FROM published.audit.contract_validations")
        except duckdb.Error:
            pass
        finally:
            con.execute("DETACH published")
    except duckdb.Error:
        pass


def _previous_loaded_at(published) -> dict:
    """(path, sha256) -> loaded_at from the published warehouse, so an unchanged file keeps its time."""
    if not published.exists():
        return {}
    try:
        con = duckdb.connect(str(published), read_only=True)
        try:
            rows = con.execute("SELECT path, sha256, loaded_at FROM raw.file_manifest WHERE status <> 'failed'").fetchall()
        finally:
            con.close()
    except duckdb.Error:
        return {}
    return {(p, s): t for p, s, t in rows}


def _start_from_published(ws, inputs: dict, full: bool) -> bool:
    """An incremental refresh starts from a copy of the published warehouse (see refresh_inputs.incremental_base);
    every step then replaces only what changed. Returns whether it did."""
    import shutil

    if not incremental_base(read_published(ws.warehouse), inputs, full):
        return False
    shutil.copyfile(ws.warehouse, ws.work_warehouse)
    progress("incremental refresh: starting from a copy of the published warehouse")
    return True


@dg.asset(key=["raw", "refresh_run"], group_name=INGEST_GROUP,
          description="Starts a refresh: a new warehouse file beside the published one, and raw.refresh_run "
                      "(the run's reporting date and settings).")
def start_refresh(context: dg.AssetExecutionContext, coachlens: CoachlensResource) -> dg.MaterializeResult:
    cfg = coachlens.config()
    ws = coachlens.workspace()
    ws.reset()
    progress(f"refresh of {cfg.landing} as of {cfg.resolved_as_of()} started")
    if not cfg.landing.is_dir():
        raise dg.Failure(f"the landing folder {cfg.landing} does not exist: put one sub-folder per source there "
                         "(see README, 'Landing files') or pass --landing")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    inputs = build_inputs(cfg.dbt_vars(), cfg.engine)
    copied = _start_from_published(ws, inputs, coachlens.full_refresh)
    with coachlens.connect() as con:
        prepare_warehouse(con)
        record_build_inputs(con, inputs)
        con.execute("""CREATE OR REPLACE TABLE raw.refresh_run (
            run_id VARCHAR, started_at TIMESTAMPTZ, as_of DATE, landing VARCHAR, settings JSON)""")
        import json
        con.execute("INSERT INTO raw.refresh_run VALUES (?, ?, ?, ?, ?)",
                    [context.run_id, started, cfg.resolved_as_of(), str(cfg.landing),
                     json.dumps({**cfg.dbt_vars(), "pseudonym_salt": "(hidden)"})])
        if not copied:  # a copy already holds the audit history
            _carry_audit_history(con, ws.warehouse)
        record_erasures(con, cfg.warehouse)
    folders = sorted(p.name for p in cfg.landing.iterdir() if p.is_dir())
    return dg.MaterializeResult(metadata={"landing": str(cfg.landing), "as_of": str(cfg.resolved_as_of()),
                                          "incremental": copied,
                                          "source_folders": ", ".join(folders) or "(none)"})


def build_raw_asset(contract: Contract) -> dg.AssetsDefinition:
    source = contract.source
    deps = [dg.AssetKey(["raw", "refresh_run"])] + [dg.AssetKey(["raw", d]) for d in contract.depends_on]

    @dg.asset(
        key=["raw", source],
        deps=deps,
        group_name=INGEST_GROUP,
        description=f"{contract.description} Loaded from <landing>/{source}/ under data_contracts/{source}.yml.",
        check_specs=[dg.AssetCheckSpec("files_readable", asset=dg.AssetKey(["raw", source]), blocking=True,
                                       description="Every file of the source could be read as a table.")],
        kinds={"duckdb", "polars"},
    )
    def _raw(context: dg.AssetExecutionContext, coachlens: CoachlensResource):
        cfg = coachlens.config()
        settings = LoadSettings(as_of=cfg.resolved_as_of(), reporting_currency=cfg.reporting_currency,
                                timezone=cfg.timezone)
        with coachlens.connect() as con:
            started = con.execute("SELECT started_at FROM raw.refresh_run").fetchall()[0][0]
            erased = erased_pseudonyms(cfg.warehouse)
            fingerprint = source_fingerprint(contract, cfg.landing, settings_for(cfg, erased), fingerprints(con))
            carried = None if coachlens.full_refresh else carried_in_place(con, source, fingerprint)
            if carried is None and not coachlens.full_refresh:
                carried = carry_over(con, coachlens.workspace().warehouse, source, fingerprint)
            if carried is not None:
                result = _carried_result(con, source, carried)
            else:
                drop_source_rows(con, source)
                previous = _previous_loaded_at(coachlens.workspace().warehouse)
                result = load_source(con, contract, cfg.landing, settings, started, previous, log=context.log.info)
                apply_erasures(con, contract, result, cfg.pseudonym_salt, erased)
            record_fingerprint(con, source, None if result.failed else fingerprint)
        totals = result.totals()
        progress(f"ingest {source:<17} {totals['rows_read']:>10,} read {totals['rows_loaded']:>10,} loaded "
                 f"{totals['rows_rejected']:>8,} rejected" + (f"  {totals['files_failed']} FILE(S) FAILED" if result.failed else "")
                 + ("  (unchanged: carried over)" if carried is not None else ""))
        for f in result.files:
            context.log.info(f"{f.path}: {f.status}, read {f.rows_read}, loaded {f.rows_loaded}, "
                             f"rejected {f.rows_rejected}{'; ' + f.message if f.message else ''}")
        failed = result.failed
        yield dg.MaterializeResult(
            metadata={**{k: dg.MetadataValue.int(v) for k, v in totals.items()},
                      "files_detail": dg.MetadataValue.md(_files_table(result))},
            check_results=[dg.AssetCheckResult(
                check_name="files_readable",
                passed=not failed,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"failed_files": dg.MetadataValue.json([{"file": f.path, "message": f.message} for f in failed])},
                description="; ".join(f"{f.path}: {f.message}" for f in failed) or "all files read",
            )],
        )

    _raw.__name__ = f"raw_{source}"
    return _raw


def _carried_result(con, source: str, manifest_rows: list) -> SourceResult:
    """The SourceResult of a source carried over from the published warehouse (its manifest rows)."""
    result = SourceResult(source, [FileResult(*row) for row in manifest_rows])
    result.rows_in_raw = con.execute(f'SELECT count(*) FROM raw."{source}"').fetchall()[0][0]
    return result


def _files_table(result) -> str:
    lines = ["| file | status | read | loaded | rejected | message |", "|---|---|---|---|---|---|"]
    for f in result.files:
        lines.append(f"| {f.path} | {f.status} | {f.rows_read} | {f.rows_loaded} | {f.rows_rejected} | "
                     f"{f.message.replace('|', '/')} |")
    return "\n".join(lines)


raw_assets = [build_raw_asset(c) for c in load_contracts().values()]
