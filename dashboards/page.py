"""The HTML shell every page shares: header with as-of and refresh time, status banner,
charts with text alternatives and CSV downloads, a methods section, print styles."""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .privacy import to_csv

INTERNAL_NAV = [("Index", "index.html"), ("Finance", "finance.html"), ("Operations", "operations.html")]
"""The links of the internal pages (index, finance, operations); sponsor pages link nowhere."""

CSS = """
:root { --ink:#1b1b1b; --muted:#555; --line:#d0d0d0; --accent:#0072B2; --warn:#8a4b00; --bad:#9b1c1c; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 0 1.25rem 3rem; line-height: 1.45; }
header { border-bottom: 3px solid var(--accent); padding: 1rem 0 .6rem; margin-bottom: 1rem; }
h1 { margin: 0 0 .25rem; font-size: 1.7rem; } h2 { margin-top: 2rem; font-size: 1.25rem; }
.meta { color: var(--muted); font-size: .92rem; margin: 0; }
.banner { padding: .7rem 1rem; border-radius: 6px; margin: 1rem 0; font-weight: 600; }
.banner.ok { background: #e6f2ea; color: #0b5130; border: 1px solid #9cc7ae; }
.banner.warn { background: #fff4e0; color: var(--warn); border: 1px solid #e3b873; }
.banner.bad { background: #fde8e8; color: var(--bad); border: 1px solid #e3a0a0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin: 1rem 0; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .8rem; }
.kpi .label { color: var(--muted); font-size: .85rem; } .kpi .value { font-size: 1.45rem; font-weight: 700; }
.kpi .note { color: var(--muted); font-size: .78rem; }
figure.chart { margin: 1.2rem 0 1.8rem; border: 1px solid var(--line); border-radius: 8px; padding: .5rem .75rem; }
figure.chart figcaption { color: var(--muted); font-size: .88rem; margin-top: .3rem; }
a.csv { font-size: .85rem; color: #005a8c; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.suppressed { color: var(--muted); font-style: italic; }
section.methods { font-size: .9rem; border-top: 1px solid var(--line); margin-top: 2.5rem; }
section.methods code { background: #f3f3f3; padding: 0 .2rem; }
nav a { margin-right: 1rem; }
@media print {
  body { max-width: none; padding: 0; } a.csv, nav { display: none; }
  figure.chart, .kpis, table { break-inside: avoid; }
}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Chart:
    id: str
    figure: go.Figure
    alt: str                      # text alternative: what the chart shows, in words
    csv_header: list[str]
    csv_rows: list[list]


@dataclass
class Page:
    title: str
    subtitle: str
    as_of: str
    refreshed_at: str
    status: str                   # ok | warn | bad
    status_text: str
    body: list[str] = field(default_factory=list)   # HTML fragments in order
    methods: list[str] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)
    refreshed_label: str = "last refreshed"

    def add_html(self, fragment: str) -> None:
        self.body.append(fragment)

    def add_chart(self, chart: Chart) -> None:
        fig_html = pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, div_id=chart.id,
                               config={"displaylogo": False, "responsive": True,
                                       "modeBarButtonsToRemove": ["sendDataToCloud"]})
        data = base64.b64encode(to_csv(chart.csv_header, chart.csv_rows).encode("utf-8")).decode("ascii")
        self.body.append(
            f'<figure class="chart" data-chart="{esc(chart.id)}" role="group" aria-label="{esc(chart.alt)}">'
            f"{fig_html}"
            f"<figcaption>{esc(chart.alt)} "
            f'<a class="csv" download="{esc(chart.id)}.csv" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"Download the numbers (CSV)</a></figcaption></figure>")

    def add_table(self, id: str, caption: str, header: list[str], rows: list[list], csv_header: list[str],
                  csv_rows: list[list], numeric: set[int] = frozenset()) -> None:
        """A table with a CSV download of its numbers (the same data-chart hook as charts)."""
        data = base64.b64encode(to_csv(csv_header, csv_rows).encode("utf-8")).decode("ascii")
        self.body.append(
            f'<div class="table" data-chart="{esc(id)}">{table(header, rows, numeric, caption)}'
            f'<a class="csv" download="{esc(id)}.csv" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"Download this table (CSV)</a></div>")

    def render(self) -> str:
        nav = "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in self.nav)
        methods = "".join(f"<li>{m}</li>" for m in self.methods)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'">
<title>{esc(self.title)}</title>
<style>{CSS}</style>
<script>{get_plotlyjs()}</script>
</head><body>
<header><nav>{nav}</nav><h1>{esc(self.title)}</h1><p class="meta">{esc(self.subtitle)}</p>
<p class="meta">Data as of <strong>{esc(self.as_of)}</strong> &middot; {esc(self.refreshed_label)} {esc(self.refreshed_at)}</p></header>
<main>
<div class="banner {esc(self.status)}" role="status">{esc(self.status_text)}</div>
{''.join(self.body)}
<section class="methods"><h2>Methods</h2><ul>{methods}</ul></section>
</main></body></html>
"""


def kpi(label: str, value: str, note: str = "", suppressed: bool = False) -> str:
    cls = "value suppressed" if suppressed else "value"
    return (f'<div class="kpi"><div class="label">{esc(label)}</div><div class="{cls}">{esc(value)}</div>'
            f'<div class="note">{esc(note)}</div></div>')


def table(header: list[str], rows: list[list], numeric: set[int] = frozenset(), caption: str = "") -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            if isinstance(v, str) and v.startswith("suppressed"):
                cls = ' class="suppressed"'
            cells.append(f"<td{cls}>{esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
