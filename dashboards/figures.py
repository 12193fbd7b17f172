"""Figure builders: plain data in, go.Figure out. Labels from input files are HTML-escaped,
because Plotly reads a few HTML tags inside label text."""
from __future__ import annotations

import html

import plotly.graph_objects as go

from .palette import BLUE, GREY, ORANGE, OKABE_ITO, VERMILION


def label(text) -> str:
    return html.escape("" if text is None else str(text), quote=False)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": label(title), "x": 0, "xanchor": "left"},
        template="simple_white", height=height, margin={"l": 70, "r": 20, "t": 60, "b": 60},
        font={"family": "system-ui, sans-serif", "size": 13}, colorway=OKABE_ITO,
        legend={"orientation": "h", "y": -0.22},
    )
    fig.update_xaxes(title_text=label(x_title))
    fig.update_yaxes(title_text=label(y_title))
    return fig


def funnel(stages: list[str], counts: list[int], title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=counts, y=[label(s) for s in stages], orientation="h", marker_color=BLUE,
                           text=[f"{c:,}" for c in counts], textposition="auto",
                           hovertemplate="%{y}: %{x:,} participants<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, "Participants (people)", "Stage")


def sessions_per_month(months: list, completed: list[int], no_show: list[int], late: list[int],
                       title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=months, y=completed, name="Completed", marker_color=BLUE)
    fig.add_bar(x=months, y=no_show, name="No-show", marker_color=VERMILION)
    fig.add_bar(x=months, y=late, name="Late cancellation", marker_color=ORANGE)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%b %Y")
    return _layout(fig, title, "Month (cohort local time)", "Sessions (count)")


def grouped_bars(categories: list[str], series: dict[str, list], title: str, x_title: str, y_title: str,
                 percent: bool = False) -> go.Figure:
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_bar(x=[label(c) for c in categories], y=values, name=label(name),
                    marker_color=OKABE_ITO[i % len(OKABE_ITO)])
    fig.update_layout(barmode="group")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, title, x_title, y_title)


def empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=label(message), showarrow=False, font={"size": 15, "color": GREY},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, "", "", height=220)
