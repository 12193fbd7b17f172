"""Dashboard pages, and publishing a finished refresh."""

import dagster as dg

from dashboards.site import build_site
from pipelines.defs.resources import CoachlensResource
from pipelines.lib.progress import progress
from pipelines.lib.salt import require_secret_salt

MART_DEPS = [dg.AssetKey(["marts", m]) for m in (
    "participant_journey", "cohort_engagement", "cohort_directory", "monthly_sessions", "data_quality",
    "cohort_outcomes", "cohort_goals", "cohort_satisfaction", "cohort_costs", "monthly_costs", "coach_utilisation",
    "sponsor_outcomes", "sponsor_summary")]


def publish_evidence(context, coachlens: CoachlensResource, ws) -> str:
    """The run's evidence record: into audit.evidence (the pages show its fingerprint) and the site."""
    from pipelines.defs.transform.project import MANIFEST
    from pipelines.lib.evidence import EVIDENCE_DDL, EVIDENCE_FILE, build_evidence, canonical, fingerprint

    with coachlens.connect() as con:
        record = build_evidence(con, coachlens.config().dbt_vars(), MANIFEST,
                                context.instance.all_logs(context.run.run_id))
        fp = fingerprint(record)
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")
        con.execute(EVIDENCE_DDL)
        con.execute("INSERT INTO audit.evidence VALUES (?, ?)", [fp, canonical(record)])
    (ws.work_site / EVIDENCE_FILE).write_text(canonical(record), encoding="utf-8")
    return fp


@dg.asset(key=["site", "pages"], deps=MART_DEPS, group_name="serve", kinds={"plotly", "html"},
          description="Sponsor pages and the index, written into the refresh's new site folder.")
def dashboard_pages(context: dg.AssetExecutionContext, coachlens: CoachlensResource) -> dg.MaterializeResult:
    cfg = coachlens.config()
    ws = coachlens.workspace()
    fp = publish_evidence(context, coachlens, ws)
    with coachlens.connect(read_only=True) as con:
        written = build_site(con, ws.work_site, cfg.min_group_size, log=context.log.info,
                             currency=cfg.reporting_currency, cron=cfg.schedule_cron, cron_tz=cfg.schedule_timezone)
    progress(f"pages written: {len(written)}")
    return dg.MaterializeResult(metadata={"pages": len(written), "site": str(cfg.site), "evidence_fingerprint": fp})


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
