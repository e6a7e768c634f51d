"""Planner: the filtered slate per service and week, season timelines and clashes."""

import functools

import streamlit as st

from calendar_data import planner
from calendar_data.filters import ReleaseFilter
from calendar_data.live import LiveCatalog
from calendar_data.text import counted, escape_markdown
from calendar_data.ui import charts
from calendar_data.ui.context import current
from calendar_data.ui.sidebar import set_filters

SERIES_SHOWN = 40
COLUMNS = [
    "title_id",
    "title",
    "service",
    "season",
    "release_type",
    "runtime_minutes",
    "episode_count",
]
CHARTS = ("Heatmap", "Stacked bars")

context = current()
live, release_filter, tz = context.live, context.release_filter, context.tz


def slate(live: LiveCatalog, release_filter: ReleaseFilter, tz: str):
    """Weekly load, the busiest series' seasons and how many series there are in all
    (shared by every session: :meth:`LiveCatalog.derived`)."""

    def compute():
        table, days = live.selected_rows(release_filter, tz, COLUMNS)
        spans = planner.season_spans(table, days)
        busiest = planner.busiest(spans, SERIES_SHOWN)
        return planner.weekly_load(table, days), busiest, spans["title_id"].nunique()

    with st.spinner("Adding up the slate…"):
        return live.derived(("planner_slate", release_filter, tz), compute)


def clash_tables(
    live: LiveCatalog,
    release_filter: ReleaseFilter,
    tz: str,
    per_day: int,
    per_week: int,
    movies: bool,
):
    def compute():
        table, days = live.selected_rows(release_filter, tz, COLUMNS)
        return planner.clashes(table, days, per_day, per_week, include_movies=movies)

    key = ("planner_clashes", release_filter, tz, per_day, per_week, movies)
    return live.derived(key, compute)


def narrow(key: str) -> None:
    """Set the sidebar filters to the clicked point's service and dates."""
    set_filters(planner.narrowing(st.session_state[key].selection.points))


def chart(figure, key: str) -> None:
    st.plotly_chart(
        figure,
        key=key,
        on_select=functools.partial(narrow, key),
        selection_mode="points",
        config={"displayModeBar": False},  # it covered the colour scale and legends
    )


def clash_table(crowded, period: str, threshold: int, counted: str) -> None:
    """One clash table (``period`` is "day" or "week"), or a line saying there is none."""
    st.markdown(f"**Crowded {period}s**")
    if crowded.empty:
        st.caption(f"No {period} has {threshold} or more {counted}.")
        return
    first = crowded.columns[0]
    st.dataframe(
        crowded,
        key=f"planner_clash_{period}s",
        hide_index=True,
        column_config={
            first: st.column_config.DateColumn(
                "Day" if period == "day" else "Week of",
                format="ddd D MMM YYYY" if period == "day" else "D MMM YYYY",
            ),
            "count": st.column_config.NumberColumn(
                "Count", help=f"How many {counted} land that {period}", width="small"
            ),
            "services": st.column_config.TextColumn("Services", width="medium"),
            "titles": st.column_config.TextColumn("Titles", width="large"),
        },
    )


st.title("Planner", anchor=False)
load, spans, series = slate(live, release_filter, tz)
st.caption(
    f"{counted(int(load['releases'].sum()), 'dated release')} · "
    f"{escape_markdown(release_filter.short_name())} · weeks start on Monday · "
    f"days in {escape_markdown(tz)}"
)

if load.empty:
    st.info(
        "No dated releases match these filters, so there is nothing to plan. "
        "Clear some filters or widen the dates in the sidebar.",
        icon=":material/search_off:",
    )
else:
    st.header("Weekly load", anchor=False)
    left, right = st.columns(2)
    label = left.segmented_control(
        "Measure",
        list(planner.METRICS),
        default="Releases",
        required=True,
        key="planner_metric",
        persist_state="session",
    )
    drawn = right.segmented_control(
        "Chart",
        CHARTS,
        default="Heatmap",
        required=True,
        key="planner_chart",
        persist_state="session",
    )
    metric = planner.METRICS[label]
    if drawn == "Heatmap":
        chart(charts.load_heatmap(planner.week_grid(load, metric), label), "planner_heatmap")
    else:
        chart(charts.load_bars(load, metric, label), "planner_bars")
    target = "cell" if drawn == "Heatmap" else "bar"
    st.caption(f"Click or tap a {target} to show only that service and week.")
    if metric == "runtime_hours":
        st.caption(planner.runtime_coverage(load))

    st.header("Season timeline", anchor=False)
    if spans.empty:
        st.caption("No series or seasons in this selection.")
    else:
        chart(charts.season_timeline(spans), "planner_timeline")
        if series > SERIES_SHOWN:
            which = f"the {SERIES_SHOWN} series with most releases, of {series:,}"
        else:
            which = f"all {series:,} series"
        st.caption(
            f"Showing {which}: each season runs from its first to its last release in the "
            "selection. Click or tap a season to show only its service and dates."
        )

    st.header("Clashes", anchor=False)
    st.caption("Days and weeks where several premieres or full-season drops land at once.")
    controls = st.columns(3, vertical_alignment="bottom")
    per_day = controls[0].number_input(
        "On one day, at least",
        min_value=2,
        max_value=99,
        value=2,
        key="planner_per_day",
        persist_state="session",
    )
    per_week = controls[1].number_input(
        "In one week, at least",
        min_value=2,
        max_value=99,
        value=3,
        key="planner_per_week",
        persist_state="session",
    )
    movies = controls[2].toggle("Count movies too", key="planner_movies", persist_state="session")
    crowded_days, crowded_weeks = clash_tables(live, release_filter, tz, per_day, per_week, movies)
    counted = "premieres, drops and movies" if movies else "premieres and drops"
    clash_table(crowded_days, "day", per_day, counted)
    clash_table(crowded_weeks, "week", per_week, counted)
