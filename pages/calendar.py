"""Calendar: month grid, week and agenda, with the title's detail panel."""

import streamlit as st

from calendar_data import bucketing, grid
from calendar_data.catalog import EARLIEST, LATEST
from calendar_data.days import local_today
from calendar_data.mine import mark_followed
from calendar_data.text import escape_markdown
from calendar_data.ui import calendar_grid, calendar_view
from calendar_data.ui.context import current
from calendar_data.ui.detail import DAY_KEY, show_open_panel
from calendar_data.ui.mine import followed_ids

context = current()
live, release_filter, tz = context.live, context.release_filter, context.tz
today = local_today(tz)
all_days = live.days(tz)
opening = bucketing.opening_day(all_days, today)

st.title("Release calendar", anchor=False)


def _step(steps: int) -> None:
    anchor = st.session_state.get("date") or opening
    shifted = bucketing.shift(st.session_state.get("view") or "month", anchor, steps)
    st.session_state["date"] = min(max(shifted, EARLIEST), LATEST)


def _today() -> None:
    st.session_state["date"] = today


# On a phone the calendar opens as the agenda (see calendar_grid.draw_calendar).
follow_width = calendar_grid.may_follow_width()
controls = st.columns([3, 3, 2], vertical_alignment="bottom")
view = (
    controls[0].segmented_control(
        "View",
        bucketing.VIEWS,
        default="month",
        key="view",
        bind="query-params",
    )
    or "month"
)
steps = controls[1].container(horizontal=True)  # one row, even where the columns stack
steps.button(
    "Previous",
    key="previous",
    on_click=_step,
    args=(-1,),
    icon=":material/chevron_left:",
    width="stretch",
)
steps.button("Today", key="today", on_click=_today, width="stretch")
steps.button(
    "Next", key="next", on_click=_step, args=(1,), icon=":material/chevron_right:", width="stretch"
)
chosen = controls[2].date_input(
    "Date",
    value=None,
    key="date",
    bind="query-params",
    format="YYYY-MM-DD",
    min_value=EARLIEST,  # every date a catalog can hold, not the picker's ten years around today
    max_value=LATEST,
    help="Any day of the period to show. Empty: this month, or the catalog's first.",
)
anchor = chosen or opening
if chosen is None and opening != today:
    first, last = bucketing.span(all_days)
    st.info(
        f"This catalog covers {first.day} {first:%B %Y} to {last.day} {last:%B %Y} and has "
        "nothing from today "
        "on, so the calendar opens on its first month.",
        icon=":material/event_busy:",
    )

start, end = bucketing.view_range(view, anchor)
cards = calendar_view.visible_cards(live, release_filter, tz, start, end)
heading = f"{anchor:%B %Y}" if view != "week" else f"Week of {start:%-d %B %Y}"
st.subheader(heading, anchor=False)
shown = f"{len(cards):,} release{'s' if len(cards) != 1 else ''} shown"
st.caption(f"{shown} · days in {escape_markdown(tz)}")

if cards.empty:
    st.info(
        "No releases match these filters in this period. Try another month or clear some filters.",
        icon=":material/search_off:",
    )
if view != "agenda" or not cards.empty:
    calendar_grid.draw_calendar(
        mark_followed(grid.calendar_payload(cards, view, anchor, today), set(followed_ids())),
        follow_width=follow_width,
    )

tba = calendar_view.undated(live, release_filter, tz)
# Drawn only while open: its hundred buttons would slow every redraw of the month.
with st.expander(f"Undated / TBA ({len(tba)})", key="tba", on_change="rerun") as tba_panel:
    if tba_panel.open:
        calendar_view.draw_undated(tba)

if not show_open_panel(live, tz) and st.session_state.get(DAY_KEY):
    calendar_view.show_day(cards, st.session_state[DAY_KEY])
