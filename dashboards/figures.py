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
    horizontal = max((len(str(c)) for c in categories), default=0) > 12  # long names: no rotated, overlapping text
    for i, (name, values) in enumerate(series.items()):
        cats = [label(c) for c in categories]
        fig.add_bar(x=values if horizontal else cats, y=cats if horizontal else values, name=label(name),
                    orientation="h" if horizontal else "v", marker_color=OKABE_ITO[i % len(OKABE_ITO)])
    fig.update_layout(barmode="group")
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
        if percent:
            fig.update_xaxes(tickformat=".0%")
        return _layout(fig, title, y_title, x_title, height=max(320, 22 * len(categories) * len(series) + 160))
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


RATER_LABEL = {"self": "Self-rated", "manager": "Observer-rated: manager", "peer": "Observer-rated: peers",
               "direct_report": "Observer-rated: direct reports"}
RATER_COLOUR = {"self": BLUE, "manager": ORANGE, "peer": "#009E73", "direct_report": "#CC79A7"}
RATER_SYMBOL = {"self": "circle", "manager": "diamond", "peer": "square", "direct_report": "triangle-up"}

# Published meta-analytic effects of coaching (docs/metrics.md, "Published effects shown beside outcomes").
PUBLISHED = [
    ("Theeboom et al. 2014", 0.43, 0.74, "g = 0.43-0.74"),
    ("Jones et al. 2016", 0.36, 0.36, "δ = 0.36"),
    ("de Haan & Nilsson 2023 (RCTs)", 0.59, 0.59, "g = 0.59"),
]


def change_with_intervals(rows: list[dict], title: str) -> go.Figure:
    """Mean change per competency with its 95% interval, one marker series per rater type."""
    fig = go.Figure()
    for rater in RATER_LABEL:
        mine = [r for r in rows if r["rater_type"] == rater]
        if not mine:
            continue
        fig.add_trace(go.Scatter(
            x=[r["mean_change"] for r in mine], y=[label(r["competency"]) for r in mine], mode="markers",
            name=RATER_LABEL[rater], marker={"color": RATER_COLOUR[rater], "symbol": RATER_SYMBOL[rater], "size": 11},
            error_x={"type": "data", "symmetric": False,
                     "array": [r["ci95_high"] - r["mean_change"] for r in mine],
                     "arrayminus": [r["mean_change"] - r["ci95_low"] for r in mine]},
            hovertemplate="%{y}: change %{x:.2f} points<extra>" + RATER_LABEL[rater] + "</extra>"))
    fig.add_vline(x=0, line_color=GREY, line_dash="dot")
    fig.update_layout(scattermode="group")
    return _layout(fig, title, "Mean change, post minus pre (scale points), with 95% interval", "Competency",
                   height=max(300, 90 * len({r['competency'] for r in rows}) + 120))


def effect_sizes(rows: list[dict], title: str) -> go.Figure:
    """Hedges' g per competency and rater type beside the published range for coaching."""
    fig = go.Figure()
    comps = sorted({label(r["competency"]) for r in rows})
    fig.add_vrect(x0=0.43, x1=0.74, fillcolor="#56B4E9", opacity=0.18, line_width=0,
                  annotation_text="Theeboom et al. 2014: g 0.43-0.74", annotation_position="bottom right")
    fig.add_vline(x=0.36, line_color="#D55E00", line_dash="dash",
                  annotation_text="Jones et al. 2016: δ 0.36", annotation_position="bottom left")
    fig.add_vline(x=0.59, line_color="#000000", line_dash="dot",
                  annotation_text="de Haan & Nilsson 2023 RCTs: g 0.59", annotation_position="top right")
    for rater in RATER_LABEL:
        mine = [r for r in rows if r["rater_type"] == rater]
        if mine:
            fig.add_trace(go.Scatter(x=[r["hedges_g"] for r in mine], y=[label(r["competency"]) for r in mine],
                                     mode="markers", name=RATER_LABEL[rater],
                                     marker={"color": RATER_COLOUR[rater], "symbol": RATER_SYMBOL[rater], "size": 11},
                                     hovertemplate="%{y}: g = %{x:.2f}<extra>" + RATER_LABEL[rater] + "</extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=comps)
    return _layout(fig, title, "Hedges' g (standardised mean change, no unit)", "Competency",
                   height=max(320, 90 * len(comps) + 140))


def bars(categories: list, values: list, title: str, x_title: str, y_title: str, horizontal: bool = False,
         percent: bool = False, colour: str = BLUE) -> go.Figure:
    cats = [label(c) for c in categories]
    if horizontal:
        fig = go.Figure(go.Bar(x=values, y=cats, orientation="h", marker_color=colour))
        fig.update_yaxes(autorange="reversed")
        if percent:
            fig.update_xaxes(tickformat=".0%")
        return _layout(fig, title, x_title, y_title, height=max(320, 26 * len(cats) + 140))
    fig = go.Figure(go.Bar(x=cats, y=values, marker_color=colour))
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, title, x_title, y_title)


def stacked_by(months: list, series: dict[str, list], title: str, x_title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_bar(x=months, y=values, name=label(name), marker_color=OKABE_ITO[i % len(OKABE_ITO)])
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickformat="%b %Y")
    return _layout(fig, title, x_title, y_title)


def histogram(values: list, title: str, x_title: str, y_title: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, marker_color=BLUE, xbins={"size": 7}))
    return _layout(fig, title, x_title, y_title)


def differences_with_intervals(labels: list[str], diffs: list[float], lows: list[float], highs: list[float],
                               title: str, x_title: str, percent: bool = False) -> go.Figure:
    """One marker per row (e.g. cohort and outcome) with its 95% interval, and the line of no difference."""
    scale = 100 if percent else 1
    fig = go.Figure(go.Scatter(
        x=[d * scale for d in diffs], y=[label(x) for x in labels], mode="markers",
        marker={"color": BLUE, "size": 11}, name="Participants minus comparison",
        error_x={"type": "data", "symmetric": False, "array": [(h - d) * scale for h, d in zip(highs, diffs)],
                 "arrayminus": [(d - lo) * scale for d, lo in zip(diffs, lows)]},
        hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.add_vline(x=0, line_color=GREY, line_dash="dot")
    return _layout(fig, title, x_title, "", height=max(300, 45 * len(labels) + 140))


def tornado(labels: list[str], at_low: list[float], at_high: list[float], central: float, title: str) -> go.Figure:
    """How ROI (%) moves when each assumption moves: one bar per assumption from its low to its high end."""
    order = sorted(range(len(labels)), key=lambda i: abs(at_high[i] - at_low[i]))
    fig = go.Figure()
    fig.add_bar(y=[label(labels[i]) for i in order], x=[at_low[i] - central for i in order], base=central,
                orientation="h", name="Assumption at its low value", marker_color=VERMILION,
                hovertemplate="%{y}: ROI %{x:.0f}%<extra>low value</extra>")
    fig.add_bar(y=[label(labels[i]) for i in order], x=[at_high[i] - central for i in order], base=central,
                orientation="h", name="Assumption at its high value", marker_color=BLUE,
                hovertemplate="%{y}: ROI %{x:.0f}%<extra>high value</extra>")
    fig.add_vline(x=central, line_color=GREY, line_dash="dot")
    fig.update_layout(barmode="overlay")
    return _layout(fig, title, "ROI (%) with the assumption moved, the others as configured", "",
                   height=max(300, 60 * len(labels) + 160))


def value_bars(benefits: dict[str, float], costs: dict[str, float], title: str, currency: str) -> go.Figure:
    """Benefit and fully loaded cost, each stacked by its parts."""
    fig = go.Figure()
    for i, (name, amount) in enumerate(benefits.items()):
        fig.add_bar(x=[amount], y=["Benefit (estimate)"], orientation="h", name=label(name),
                    marker_color=OKABE_ITO[(i + 2) % len(OKABE_ITO)])
    for i, (name, amount) in enumerate(costs.items()):
        fig.add_bar(x=[amount], y=["Fully loaded cost"], orientation="h", name=label(name),
                    marker_color=OKABE_ITO[(i + 5) % len(OKABE_ITO)])
    fig.update_layout(barmode="relative")
    return _layout(fig, title, f"Amount ({currency})", "", height=300)
