"""The operations page of a refresh that failed: the failure at the top with what to fix, then that run's
files and rejected rows. Sponsor and finance pages are not rebuilt: they stay those of the last good refresh.

A failed refresh builds no marts (the published warehouse keeps the last good refresh's), so the marts this page
reads, `landing_files` and `rejections_by_file` (the `failure_page` exposure), are built by dbt from the failed
run's manifest and quarantine in a scratch file (pipelines/lib/failed_refresh.py, failure_marts)."""
from __future__ import annotations

from .data import PageReader
from .formatting import num
from .page import INTERNAL_NAV, Page, esc, table
from .operations_page import METHODS


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def _banner(outcome, last_good) -> str:
    kept = (f"Sponsor and finance pages still show the last good refresh ({_when(last_good)})."
            if last_good is not None else "There is no good refresh yet, so there are no sponsor or finance pages.")
    return f"The last refresh FAILED: {len(outcome.problems)} problem(s) to fix, listed below. {kept}"


def build_failure_page(con, outcome, as_of, failed_at, last_good, unavailable: str | None = None) -> Page:
    """`con`: the failure page's marts, built from the failed run's tables (None when they could not be built:
    `unavailable` says why)."""
    page = Page(title="Operations: the last refresh failed", subtitle="Internal page for programme leads.",
                as_of=str(as_of), refreshed_at=f"{_when(last_good)} (last good); this refresh failed at {_when(failed_at)}",
                status="bad", status_text=_banner(outcome, last_good), nav=INTERNAL_NAV)
    page.add_html('<h2 id="what-to-fix">What to fix</h2><ol class="problems">'
                  + "".join(f"<li>{esc(p)}</li>" for p in outcome.problems) + "</ol>"
                  "<p>Fix these and run the refresh again (<code>coachlens refresh</code>, or wait for the nightly "
                  "run).</p>")
    if con is None:
        page.add_html(f"<h2>Files of this refresh</h2><p>{esc(unavailable or 'not available')}</p>")
    else:
        _files_and_rejections(page, PageReader(con, "failure_page"))
    page.methods = METHODS[:2] + [
        "A failed refresh publishes its manifest, quarantine and this page; the marts and the sponsor and finance "
        "pages stay those of the last good refresh until a refresh succeeds."]
    return page


def _files_and_rejections(page: Page, marts: PageReader) -> None:
    files = marts.sql("""SELECT path, status, rows_read, rows_loaded, rows_rejected, message
                         FROM marts.landing_files ORDER BY status <> 'failed', path""").fetchall()
    page.add_html(f"<h2>Files of this refresh ({len(files)})</h2>")
    page.add_html(table(["File", "Status", "Rows read", "Loaded", "Rejected", "Message"],
                        [[path, status.upper() if status == "failed" else status, num(read), num(loaded),
                          num(rejected), message or ""]
                         for path, status, read, loaded, rejected, message in files], numeric={2, 3, 4}))
    rejected = marts.sql("""SELECT file, reason_code, rows_rejected, first_row, example_column, example_reason
                            FROM marts.rejections_by_file ORDER BY file, reason_code""").fetchall()
    page.add_html("<h2>Rejected rows of this refresh</h2>")
    if rejected:
        page.add_html("<p>Rows rejected per file and reason, with the first such row as an example.</p>"
                      + table(["File", "Reason", "Rows", "First row", "Column", "Example"],
                              [[file, code, num(n), first, column, reason]
                               for file, code, n, first, column, reason in rejected], numeric={2, 3}))
    else:
        page.add_html("<p>No rejected rows in the files that could be read.</p>")


def build_failure_index(outcome, as_of, failed_at) -> Page:
    """The index of a first run that failed: nothing good to show yet, a link to what to fix."""
    page = Page(title="coachlens", subtitle="Coaching programme reports (internal index)", as_of=str(as_of),
                refreshed_at=f"never successfully; the last refresh failed at {_when(failed_at)}", status="bad",
                status_text=_banner(outcome, None), nav=INTERNAL_NAV[2:])
    page.add_html('<p>See <a href="operations.html">the operations page</a> for what to fix.</p>')
    return page
