"""Plotly figures for the Planner page, built from the small frames of :mod:`..planner`.

Every clickable point carries ``customdata = [service, first day, last day]`` for
:func:`calendar_data.planner.narrowing`. Catalog strings are HTML-escaped before they reach
figure text, since plotly renders some tags in labels and hovers; a service keeps its
:func:`~calendar_data.palette.colour` in every chart.

The figures are drawn as wide as the page, which the server does not know, so they are laid
out to read at a phone's 390 px as at a desktop's: weeks are numbered and named by their
Mondays (plotly names as many as fit), the colour scale and legends sit above the plot, and
season titles sit above their bars rather than beside them.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go

from ..palette import colour
from ..planner import mondays
from ..text import one_line

DAY_MS = 24 * 60 * 60 * 1000
WEEK = dt.timedelta(days=7)
ROW_PX = 28
#: A season's row in the timeline: its title, then its bar.
SEASON_ROW_PX = 36
#: Room above a plot for its colour scale or legend.
TOP_PX = 60
#: Up to this many weeks, every week is named (they fit a phone's width).
ALL_WEEKS_NAMED = 6
#: A timeline spans at least this long, so its ticks stay whole days.
MIN_TIMELINE = dt.timedelta(days=14)
#: Above its plot, as a row that wraps.
LEGEND = {
    "title_text": "",
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 1,
    "yanchor": "bottom",
}


def load_heatmap(grid: pd.DataFrame, label: str) -> go.Figure:
    """Services x weeks, shaded by ``label``'s value.

    Heatmap cells cannot be selected in plotly, so an invisible marker sits in the middle of
    each cell to take the click (and carry the hover text).
    """
    services = list(grid.index)
    weeks = list(grid.columns)
    names = [_service_label(service) for service in services]
    figure = go.Figure(
        go.Heatmap(
            x=list(range(len(weeks))),
            y=names,
            z=grid.to_numpy(),
            zmin=0,
            zmax=max(1, grid.to_numpy().max()),
            colorscale="Blues",
            colorbar={
                "title": {"text": label, "side": "top"},
                "orientation": "h",
                "thickness": 10,
                "len": 200,
                "lenmode": "pixels",
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yanchor": "bottom",
                "ypad": 4,
            },
            hoverinfo="skip",
            xgap=1,
            ygap=1,
        )
    )
    cells = [
        (service, name, week)
        for service, name in zip(services, names, strict=True)
        for week in range(len(weeks))
    ]
    values = grid.to_numpy().ravel()
    figure.add_trace(
        go.Scatter(
            x=[week for _, _, week in cells],
            y=[name for _, name, _ in cells],
            mode="markers",
            marker={"symbol": "square", "size": 14, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            customdata=[  # an empty cell has nothing to narrow to
                _week_data(service, weeks[week]) if value else []
                for (service, _, week), value in zip(cells, values, strict=True)
            ],
            hovertext=[
                _week_hover(service, weeks[week], value, label)
                for (service, _, week), value in zip(cells, values, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(hoverdistance=-1)  # anywhere in a cell reaches its marker
    _week_axis(figure, weeks)
    return _layout(figure, height=max(220, ROW_PX * len(services) + 110 + TOP_PX), top=TOP_PX)


def load_bars(load: pd.DataFrame, metric: str, label: str) -> go.Figure:
    """Stacked weekly bars, one colour per service, busiest service at the bottom."""
    figure = go.Figure()
    totals = load.groupby("service")[metric].sum().sort_values(ascending=False, kind="stable")
    weeks = mondays(load["week_start"].min(), load["week_start"].max())
    for service in totals.index:
        rows = load[load["service"] == service]
        figure.add_trace(
            go.Bar(
                x=[(week - weeks[0]) // WEEK for week in rows["week_start"]],
                y=rows[metric],
                name=_service_name(service),
                marker_color=colour(service),
                customdata=[_week_data(service, week) for week in rows["week_start"]],
                hovertext=[
                    _week_hover(service, week, value, label)
                    for week, value in zip(rows["week_start"], rows[metric], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", legend=LEGEND)
    _week_axis(figure, weeks)
    figure.update_yaxes(title_text=label)
    return _layout(figure, height=420 + TOP_PX, top=TOP_PX)


def season_timeline(spans: pd.DataFrame) -> go.Figure:
    """One bar per season from its first to its last day, earliest at the top, its title
    above it at the plot's left edge (so bars get the whole width, and titles too)."""
    figure = go.Figure()
    spans = spans.reset_index(drop=True)
    for service, rows in spans.groupby("service", sort=True):
        ends = [end + dt.timedelta(days=1) for end in rows["end"]]  # the last day is included
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=list(rows.index),
                width=0.45,
                offset=0.05,  # below the row's middle, where its title sits
                base=[start.isoformat() for start in rows["start"]],
                x=[
                    (end - start).days * DAY_MS
                    for start, end in zip(rows["start"], ends, strict=True)
                ],
                name=_service_name(service),
                marker_color=colour(service),
                customdata=[
                    [service, start.isoformat(), end.isoformat()]
                    for start, end in zip(rows["start"], rows["end"], strict=True)
                ],
                hovertext=[_season_hover(row) for row in rows.itertuples()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    figure.update_yaxes(
        showticklabels=False,
        showgrid=False,
        range=[len(spans) - 0.5, -0.5],  # earliest on top
    )
    figure.update_layout(  # not inside tick labels: plotly hides the dates they stand over
        annotations=[
            {
                "text": label,
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": row,
                "yref": "y",
                "yanchor": "bottom",
                "showarrow": False,
            }
            for row, label in enumerate(_season_labels(spans))
        ]
    )
    first = spans["start"].min()
    last = max(spans["end"].max() + dt.timedelta(days=1), first + MIN_TIMELINE)
    figure.update_xaxes(
        type="date",
        range=[(first - dt.timedelta(days=1)).isoformat(), last.isoformat()],
        tickformat="%-d %b<br>%Y",
    )
    figure.update_layout(barmode="overlay", legend=LEGEND)
    height = SEASON_ROW_PX * len(spans) + 60 + TOP_PX
    return _layout(figure, height=max(180, height), top=TOP_PX)


def _layout(figure: go.Figure, height: int, top: int = 10) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        clickmode="event+select",
        hovermode="closest",
    )
    return figure


def _week_label(week: dt.date) -> str:
    return f"{week:%-d %b}<br>{week:%Y}"


def _week_axis(figure: go.Figure, weeks: list[dt.date]) -> None:
    """Weeks as numbers 0, 1, 2... shown by their Mondays' dates: plotly then picks how many
    to name from the chart's width (every 5th on a phone, every 2nd on a desktop). A few
    weeks are all named, lest plotly tick halves of them."""
    figure.update_xaxes(
        range=[-0.5, len(weeks) - 0.5],
        labelalias={str(i): _week_label(week) for i, week in enumerate(weeks)},
        tickformat="d",  # plain integers, as the aliases are keyed ("1000", never "1k")
        tickangle=0,
        showgrid=False,
        zeroline=False,
        title_text="Week starting",
    )
    if len(weeks) <= ALL_WEEKS_NAMED:
        figure.update_xaxes(tickmode="array", tickvals=list(range(len(weeks))))


def _week_data(service: str, week: dt.date) -> list[str]:
    return [service, week.isoformat(), (week + dt.timedelta(days=6)).isoformat()]


def _service_name(service: str) -> str:
    return html.escape(one_line(service, 40))


def _service_label(service: str) -> str:
    """The service's name behind a square of its colour."""
    return f'<span style="color:{colour(service)}">■</span> {_service_name(service)}'


def _week_hover(service: str, week: dt.date, value: float, label: str) -> str:
    amount = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    unit = label.lower().removesuffix("s") if value == 1 else label.lower()  # 1 release
    return f"<b>{_service_name(service)}</b><br>Week of {week:%-d %b %Y}<br>{amount} {unit}"


def _season_label(row) -> str:
    season = "" if pd.isna(row.season) else f" · S{row.season}"
    return html.escape(one_line(row.title, 60) + season)


def _season_labels(spans: pd.DataFrame) -> list[str]:
    """Each span's title and season, and its service where the same season is on several
    (colour alone would tell them apart)."""
    shared = spans.duplicated(["title_id", "season"], keep=False)
    return [
        _season_label(row) + (f" · {_service_name(row.service)}" if on_several else "")
        for row, on_several in zip(spans.itertuples(), shared, strict=True)
    ]


def _season_hover(row) -> str:
    releases = f"{row.releases} release{'s' if row.releases != 1 else ''}"
    return (
        f"<b>{_season_label(row)}</b><br>{_service_name(row.service)}<br>"
        f"{row.start:%-d %b %Y} – {row.end:%-d %b %Y} · {releases}"
    )
