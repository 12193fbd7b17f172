"""Dashboard pages, and publishing a finished refresh."""

import json

import dagster as dg

from dashboards.data import page_marts
from pipelines.defs.resources import CoachlensResource
from pipelines.defs.serve import pages
from pipelines.lib.progress import progress
from pipelines.lib.evidence import EVIDENCE_FILE
from pipelines.lib.salt import require_secret_salt

MART_DEPS = [dg.AssetKey(["marts", m]) for m in sorted(set().union(*page_marts().values()))]
"""The pages wait for every mart a page reads: the ones the dbt exposures declare (the same list the pages'
PageReader enforces)."""


def publish_evidence(context, coachlens: CoachlensResource, ws) -> tuple[str, dict]:
    """The run's evidence record: into audit.evidence (the pages show its fingerprint) and the site."""
    from pipelines.defs.transform.project import MANIFEST
    from pipelines.lib.evidence import EVIDENCE_DDL, build_evidence, canonical, fingerprint

    with coachlens.connect() as con:
        record = build_evidence(con, coachlens.config().dbt_vars(), MANIFEST,
                                context.instance.all_logs(context.run.run_id))
        fp = fingerprint(record)
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")
        con.execute(EVIDENCE_DDL)
        con.execute("INSERT INTO audit.evidence VALUES (?, ?)", [fp, canonical(record)])
    (ws.work_site / EVIDENCE_FILE).write_text(canonical(record), encoding="utf-8")
    return fp, record


@dg.asset(key=["site", "pages"], deps=MART_DEPS, group_name="serve", kinds={"plotly", "html"},
          description="Sponsor pages and the index, written into the refresh's new site folder.")
def dashboard_pages(context: dg.AssetExecutionContext, coachlens: CoachlensResource) -> dg.MaterializeResult:
    from dashboards.data import run_info
    from pipelines.defs.transform.project import ensure_manifest
    from pipelines.lib.refresh_inputs import page_code_version

    cfg = coachlens.config()
    ws = coachlens.workspace()
    fp, record = publish_evidence(context, coachlens, ws)
    with coachlens.connect(read_only=True) as con:
        facts = pages.run_facts(run_info(con), min_group_size=cfg.min_group_size, currency=cfg.reporting_currency)
    keys = pages.page_keys(json.loads(ensure_manifest().read_text(encoding="utf-8")), record["marts"], facts,
                           page_code_version())
    cited = None if coachlens.full_refresh else \
        pages.reusable(keys, pages.published_keys(ws.warehouse), ws.site)
    if cited is None:
        written = _write_every_page(coachlens, ws, context.log.info)
    else:
        copied = pages.copy_pages(ws.site, ws.work_site, cited, EVIDENCE_FILE)
        written = [*copied, _write_operations_page(coachlens, ws)]
    with coachlens.connect() as con:
        pages.record_keys(con, keys, cited or fp)
    progress(f"pages written: {len(written)}" + (f" ({len(written) - 1} unchanged, copied)" if cited else ""))
    return dg.MaterializeResult(metadata={"pages": len(written), "site": str(cfg.site), "evidence_fingerprint": fp,
                                          "pages_copied": len(written) - 1 if cited else 0})


def _write_every_page(coachlens: CoachlensResource, ws, log) -> list:
    from dashboards.site import build_site

    cfg = coachlens.config()
    with coachlens.connect(read_only=True) as con:
        return build_site(con, ws.work_site, cfg.min_group_size, log=log, currency=cfg.reporting_currency,
                          cron=cfg.schedule_cron, cron_tz=cfg.schedule_timezone)


def _write_operations_page(coachlens: CoachlensResource, ws):
    """operations.html alone (every other page was copied): it reports this run."""
    from dashboards.data import run_info
    from dashboards.operations_page import build_operations_page
    from dashboards.page import INTERNAL_NAV
    from dashboards.site import internal_status

    cfg = coachlens.config()
    with coachlens.connect(read_only=True) as con:
        run = run_info(con)
        page = build_operations_page(con, run, internal_status(run), INTERNAL_NAV, cfg.schedule_cron,
                                     cfg.schedule_timezone)
    path = ws.work_site / "operations.html"
    path.write_text(page.render(), encoding="utf-8")
    return path


@dg.asset(key=["site", "published"], deps=[dg.AssetKey(["site", "pages"])], group_name="serve",
          description="Moves the new warehouse and site into place in one step each, so readers never see "
                      "half a refresh.")
def published_refresh(context: dg.AssetExecutionContext, coachlens: CoachlensResource) -> dg.MaterializeResult:
    require_secret_salt(coachlens.config().pseudonym_salt)
    ws = coachlens.workspace()
    ws.publish()
    progress(f"published {ws.warehouse} and {ws.site}")
    context.log.info(f"published {ws.warehouse} and {ws.site}")
    return dg.MaterializeResult(metadata={"warehouse": str(ws.warehouse), "site": str(ws.site)})
