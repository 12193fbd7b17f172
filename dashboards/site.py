"""Write every page of the site from the warehouse of a refresh."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

from .data import PageReader, run_info, sponsors
from .finance_page import build_finance_page
from .operations_page import build_operations_page
from .page import INTERNAL_NAV, Page, esc
from .sponsor_page import build_sponsor_page


def sponsor_file_name(sponsor_id: str) -> str:
    """A file name for any sponsor id: safe characters kept, everything else percent-encoded."""
    name = urllib.parse.quote(sponsor_id, safe="-_")
    return f"{name}.html"


def internal_status(run) -> tuple[str, str]:
    """The status line of the internal pages: marts.refresh_status.status, in words."""
    if run.status == "bad":
        return "bad", f"{run.files_failed} landing file(s) could not be read; figures may be incomplete."
    notes = []
    if run.stale_sources:
        notes.append(f"stale data: {', '.join(run.stale_sources)} (no new file within the maximum age)")
    if run.rows_rejected:
        notes.append(f"{run.rows_rejected:,} of {run.rows_read:,} landing rows were rejected and are not in "
                     "these figures (see the operations page)")
    if run.status == "warn":
        return "warn", "All blocking checks passed; " + "; ".join(notes) + "."
    return "ok", "All checks passed: every landing row was loaded and every source is fresh."


def sponsor_status(run) -> tuple[str, str]:
    """The status line of the sponsor pages: marts.refresh_status.sponsor_status, in words."""
    if run.sponsor_status == "warn":
        return "warn", ("All checks passed, but some data is not recent: " + ", ".join(run.stale_sources)
                        + " has had no update within its expected interval.")
    return "ok", "All checks passed; the figures include every valid record up to the as-of date."


def build_site(con, out: Path, k: int, *, currency: str, cron: str, cron_tz: str, log=print) -> list[Path]:
    """Every page from the marts. k, currency and the schedule are the configuration's (no defaults here: they are
    defined once, in pipelines/lib/config.py)."""
    out = Path(out)
    (out / "sponsors").mkdir(parents=True, exist_ok=True)
    index_reader = PageReader(con, "site_index")
    run = run_info(index_reader)
    status = internal_status(run)
    written = []
    sponsor_rows = list(sponsors(index_reader).iter_rows())
    sponsor_reader = PageReader(con, "sponsor_pages")
    for sponsor_id, sponsor_name in sponsor_rows:
        page = build_sponsor_page(sponsor_reader, sponsor_id, sponsor_name, run, k, sponsor_status(run), nav=[],
                                  currency=currency)
        path = out / "sponsors" / sponsor_file_name(sponsor_id)
        path.write_text(page.render(), encoding="utf-8")
        written.append(path)
    finance = build_finance_page(PageReader(con, "finance_page"), run, status, INTERNAL_NAV, currency)
    operations = build_operations_page(PageReader(con, "operations_page"), run, status, INTERNAL_NAV, cron, cron_tz)
    for name, page in (("finance.html", finance), ("operations.html", operations)):
        (out / name).write_text(page.render(), encoding="utf-8")
        written.append(out / name)
    index = Page(title="coachlens", subtitle="Coaching programme reports (internal index)", as_of=run.as_of,
                 refreshed_at=run.refreshed_at, status=status[0], status_text=status[1], nav=INTERNAL_NAV)
    items = "".join(f'<li><a href="sponsors/{esc(sponsor_file_name(sid))}">{esc(name)}</a></li>'
                    for sid, name in sponsor_rows)
    index.add_html(f"<h2>Sponsor reports</h2><p>Send each sponsor their own file only.</p>"
                   f"<ul>{items or '<li>No sponsors yet.</li>'}</ul>")
    index.add_html('<h2>Internal</h2><ul><li><a href="finance.html">Finance: spend, budgets and unit costs</a></li>'
                   '<li><a href="operations.html">Operations: data health, stalled participants, coaches</a></li></ul>')
    index.methods = ["Each page is a single file that opens without a network connection; formulas are in the "
                     "methods section of each page."]
    (out / "index.html").write_text(index.render(), encoding="utf-8")
    written.append(out / "index.html")
    log(f"  wrote {len(written)} page(s) to {out}")
    return written
