"""The operations page of a refresh that failed: the failure at the top with what to fix, then that run's
manifest and rejected rows. Sponsor and finance pages are not rebuilt: they stay those of the last good refresh.

The one page that does not read `marts`: a failed refresh builds no marts, so the marts of its warehouse are the
last good refresh's (or, on a first run, there are none), while raw.file_manifest and quarantine.rejected_rows
are this run's (pipelines/lib/failed_refresh.py). It lists those two tables' rows as they are, and computes
nothing from them."""
from __future__ import annotations

from .data import rows
from .formatting import num
from .page import Page, esc, table
from .operations_page import METHODS

NAV = [("Index", "index.html"), ("Finance", "finance.html"), ("Operations", "operations.html")]


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def _banner(outcome, last_good) -> str:
    kept = (f"Sponsor and finance pages still show the last good refresh ({_when(last_good)})."
            if last_good is not None else "There is no good refresh yet, so there are no sponsor or finance pages.")
    return f"The last refresh FAILED: {len(outcome.problems)} problem(s) to fix, listed below. {kept}"


def build_failure_page(con, outcome, as_of, failed_at, last_good) -> Page:
    page = Page(title="Operations: the last refresh failed", subtitle="Internal page for programme leads.",
                as_of=str(as_of), refreshed_at=f"{_when(last_good)} (last good); this refresh failed at {_when(failed_at)}",
                status="bad", status_text=_banner(outcome, last_good), nav=NAV)
    page.add_html('<h2 id="what-to-fix">What to fix</h2><ol class="problems">'
                  + "".join(f"<li>{esc(p)}</li>" for p in outcome.problems) + "</ol>"
                  "<p>Fix these and run the refresh again (<code>coachlens refresh</code>, or wait for the nightly "
                  "run).</p>")
    # this run's manifest, not marts.landing_files (the last good refresh's): see the module docstring
    files = rows(con, """SELECT path, status, rows_read, rows_loaded, rows_rejected, message
                         FROM raw.file_manifest ORDER BY status <> 'failed', path""")
    page.add_html(f"<h2>Files of this refresh ({len(files)})</h2>")
    page.add_html(table(["File", "Status", "Rows read", "Loaded", "Rejected", "Message"],
                        [[f["path"], f["status"].upper() if f["status"] == "failed" else f["status"],
                          num(f["rows_read"]), num(f["rows_loaded"]), num(f["rows_rejected"]), f["message"] or ""]
                         for f in files], numeric={2, 3, 4}))
    # this run's quarantine, not marts.rejections_by_file (the last good refresh's): see the module docstring
    rejected = rows(con, """SELECT file, row_number, column_name, reason_code, reason FROM quarantine.rejected_rows
                            ORDER BY file, row_number, column_name LIMIT 50""")
    page.add_html("<h2>Rejected rows of this refresh</h2>")
    if rejected:
        page.add_html("<p>The first 50 rejected rows; the rows rejected per file are in the table above.</p>"
                      + table(["File", "Row", "Column", "Reason"],
                              [[r["file"], r["row_number"], r["column_name"], f"{r['reason_code']}: {r['reason']}"]
                               for r in rejected], numeric={1}))
    else:
        page.add_html("<p>No rejected rows in the files that could be read.</p>")
    page.methods = METHODS[:2] + [
        "A failed refresh publishes its manifest, quarantine and this page; the marts and the sponsor and finance "
        "pages stay those of the last good refresh until a refresh succeeds."]
    return page


def build_failure_index(outcome, as_of, failed_at) -> Page:
    """The index of a first run that failed: nothing good to show yet, a link to what to fix."""
    page = Page(title="coachlens", subtitle="Coaching programme reports (internal index)", as_of=str(as_of),
                refreshed_at=f"never successfully; the last refresh failed at {_when(failed_at)}", status="bad",
                status_text=_banner(outcome, None), nav=NAV[2:])
    page.add_html('<p>See <a href="operations.html">the operations page</a> for what to fix.</p>')
    return page
