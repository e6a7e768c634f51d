"""Calendar: month grid, week and agenda, with the title's detail panel."""

import streamlit as st

from calendar_data import grid
from calendar_data.catalog import EARLIEST, LATEST
from calendar_data.days import local_today
from calendar_data.mine import mark_followed
from calendar_data.params import DATE, VIEW, VIEWS
from calendar_data.text import counted, escape_markdown
from calendar_data.ui import calendar_view
from calendar_data.ui.context import current
from calendar_data.ui.date_picker import date_picker
from calendar_data.ui.detail import DAY_KEY, show_open_panel
from calendar_data.ui.mine import followed_ids

context = current()
live, release_filter, tz = context.live, context.release_filter, context.tz
today = local_today(tz)
all_days = live.days(tz)
opening = grid.opening_day(all_days, today)

calendar_view.style_the_page()
st.title("Release calendar", anchor=False)


def _step(steps: int) -> None:
    view = st.session_state.get(VIEW) or "month"
    anchor = st.session_state.get(DATE) or grid.anchor_in_range(
        view, opening, release_filter.start, release_filter.end
    )
    shifted = grid.shift(view, anchor, steps)
    st.session_state[DATE] = min(max(shifted, EARLIEST), LATEST)


def _today() -> None:
    st.session_state[DATE] = today


# On a phone the calendar opens as the agenda (see calendar_view.draw_calendar).
ask = calendar_view.ask_the_screen()
calendar_view.keep_a_view()
controls = st.columns([3, 5], vertical_alignment="bottom")
view = calendar_view.chosen_view(
    controls[0].segmented_control(
        "View",
        VIEWS,
        default=calendar_view.default_view(),
        required=True,
        key=VIEW,
        bind="query-params",
    )
)
# One row, even where the columns stack: on a phone the calendar starts in the first screen.
steps = controls[1].container(horizontal=True, vertical_alignment="bottom")
steps.button("Previous", key="previous", on_click=_step, args=(-1,), icon=":material/chevron_left:")
steps.button("Today", key="today", on_click=_today)
steps.button("Next", key="next", on_click=_step, args=(1,), icon=":material/chevron_right:")
# In a popover: a date field in the page loads its code, which slows every new session's first
# paint (benchmarks/RESULTS.md); a closed popover's field loads on opening.
chosen = date_picker(
    "Date",
    DATE,
    steps.popover("Go to date", icon=":material/event:", key="go_to_date"),
    help="Any day of the period to show. Empty: this month, or the catalog's first.",
)
# A date in the URL holds; else the filters' range, when the opening period is outside it.
anchor = chosen or grid.anchor_in_range(view, opening, release_filter.start, release_filter.end)
first, last = grid.span(all_days)
if chosen is None and anchor == opening != today:
    st.caption(  # a line, not a box: on a phone the calendar starts in the first screen
        f"This catalog covers {first.day} {first:%B %Y} to {last.day} {last:%B %Y}, so the "
        "calendar opens on its first month."
    )

start, end = grid.view_range(view, anchor)
cards = calendar_view.visible_cards(live, release_filter, tz, start, end, grid.CARDS_PER_DAY[view])
st.header(grid.period_heading(view, anchor), anchor=False)
# The period's own releases: not those of the days a month's grid shows of the months around it.
period = grid.shown_period(view, anchor)
own = cards.total_within(*period)
st.caption(f"{counted(own, 'release')} shown · days in {escape_markdown(tz)}")

if not own:
    calendar_view.empty_period(live, release_filter, tz, period, (first, last))
if view != "agenda" or own:
    calendar_view.draw_calendar(
        mark_followed(grid.calendar_payload(cards, view, anchor, today), set(followed_ids())),
        ask=ask,
    )

tba = calendar_view.undated(live, release_filter, tz)
# Drawn only while open: its hundred buttons would slow every redraw of the month.
with st.expander(f"Undated / TBA ({len(tba)})", key="tba", on_change="rerun") as tba_panel:
    if tba_panel.open:
        calendar_view.draw_undated(tba)

if not show_open_panel(live, tz, gathered=release_filter) and st.session_state.get(DAY_KEY):
    calendar_view.show_day(live, release_filter, tz, st.session_state[DAY_KEY])
