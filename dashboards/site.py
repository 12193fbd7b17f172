"""Write every page of the site from the warehouse of a refresh."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

from .data import run_info, sponsors
from .page import Page, esc
from .sponsor_page import build_sponsor_page


def sponsor_file_name(sponsor_id: str) -> str:
    """A file name for any sponsor id: safe characters kept, everything else percent-encoded."""
    name = urllib.parse.quote(sponsor_id, safe="-_")
    return f"{name}.html"


def status_of(run) -> tuple[str, str]:
    if run.files_failed:
        return "bad", f"{run.files_failed} landing file(s) could not be read; figures may be incomplete."
    if run.rows_rejected:
        return "warn", (f"All checks passed; {run.rows_rejected:,} of {run.rows_read:,} landing rows were rejected "
                        "and are not in these figures (see the operations page).")
    return "ok", "All checks passed: every landing row was loaded."


def build_site(con, out: Path, k: int, log=print) -> list[Path]:
    out = Path(out)
    (out / "sponsors").mkdir(parents=True, exist_ok=True)
    run = run_info(con)
    status = status_of(run)
    written = []
    sponsor_rows = list(sponsors(con).iter_rows())
    for sponsor_id, sponsor_name in sponsor_rows:
        sponsor_status = status if status[0] != "warn" else ("ok", "All checks passed.")
        page = build_sponsor_page(con, sponsor_id, sponsor_name, run, k, sponsor_status, nav=[])
        path = out / "sponsors" / sponsor_file_name(sponsor_id)
        path.write_text(page.render(), encoding="utf-8")
        written.append(path)
    index = Page(title="coachlens", subtitle="Coaching programme reports", as_of=run.as_of,
                 refreshed_at=run.refreshed_at, status=status[0], status_text=status[1])
    items = "".join(f'<li><a href="sponsors/{esc(sponsor_file_name(sid))}">{esc(name)}</a></li>'
                    for sid, name in sponsor_rows)
    index.add_html(f"<h2>Sponsor reports</h2><ul>{items or '<li>No sponsors yet.</li>'}</ul>")
    extra = [p for p in ("finance.html", "operations.html") if (out / p).exists()]
    if extra:
        index.add_html("<h2>Internal</h2><ul>" + "".join(f'<li><a href="{p}">{p[:-5].title()}</a></li>' for p in extra) + "</ul>")
    index.methods = ["Each sponsor report is a single file that opens without a network connection."]
    (out / "index.html").write_text(index.render(), encoding="utf-8")
    written.append(out / "index.html")
    log(f"  wrote {len(written)} page(s) to {out}")
    return written
