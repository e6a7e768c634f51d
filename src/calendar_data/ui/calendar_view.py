"""The calendar in the page: its cards for the visible range, the month, week or agenda
drawn by one browser component, its TBA list and its "+N more" day drawer.

Only the visible range is filtered into cards, and only the cards a view draws are built
(``bucketing.day_cards``; the "+N more" drawer builds its day's); the catalog never goes to
the browser. Cards are kept on the shared catalog (``LiveCatalog.derived``), so sessions
looking at the same month and filters, and every rerun that changes neither, reuse them.

A month drawn with Streamlit elements was about 300 of them (a container, a heading and
buttons per day), each turned into a React component on every filter change. The component
(assets/calendar.js and calendar.css) gets the days as data (``grid.calendar_payload``) and
draws them itself. A click on a card or on "+N more" comes back as a trigger value and opens
the same drawers a button would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from .. import bucketing, grid
from ..filters import ReleaseFilter, in_set
from ..live import LiveCatalog
from ..mine import mark_followed
from ..palette import PALETTE
from ..params import DATE
from ..text import escape_markdown, one_line
from .detail import DAY_KEY, open_release
from .mine import followed_ids
from .sidebar import keeps_url_notices

#: Cards the day drawer draws: a day of a million-row catalog holds thousands.
DRAWER_CARDS = 200
GRID_KEY = "calendar_grid"
DRAWER_KEY = "day_drawer_cards"
VIEW_KEY = "view"  # the calendar page's view control, bound to ?view=
_FOLLOW_KEY = "_view_follows_width"  # set on the session's first calendar: may the view follow?
_PHONE_KEY = "_view_on_a_phone"  # the browser said its screen is a phone's
_AGENDA_AGAIN_KEY = "_view_agenda_again"  # see chosen_view
_ASSETS = Path(__file__).parent / "assets"


def _css() -> str:
    stripes = (
        f".svc-{slot} {{ border-left-color: {colour}; }}" for slot, colour in enumerate(PALETTE)
    )
    return _assets("poster.css", "calendar.css") + "\n".join(stripes)


def _assets(*names: str) -> str:
    """The named files of assets/, one after the other (the agenda's cards draw pictures
    with poster.js and poster.css, which the title's poster element shares)."""
    return "\n".join((_ASSETS / name).read_text(encoding="utf-8") for name in names)


_CALENDAR = st.components.v2.component(
    "calendar_data.calendar",
    css=_css(),
    js=_assets("poster.js", "calendar.js"),
)


#: The "+N more" drawer's calendar: the same cards, drawn in the page's DOM, not in a shadow
#: root. The dialog's focus trap (React Aria's FocusScope, in Streamlit 1.67) looks for the
#: next card to Tab to in the page's DOM only: in a shadow root, Tab only ever reached "Close".
#: Its style sheet, then not isolated, is nested under its element, so it styles nothing else.
_DRAWER = st.components.v2.component(
    "calendar_data.day_drawer",
    css=f".st-key-{DRAWER_KEY} {{\ncontainer: calendar / inline-size;\n{_css()}\n}}",
    js=_assets("poster.js", "calendar.js"),
    isolate_styles=False,
)


#: The page's own style sheet (assets/calendar_page.css), from a component that draws nothing:
#: its styles are not isolated, so they apply to the page.
_PAGE_STYLE = st.components.v2.component(
    "calendar_data.page_style", css=_assets("calendar_page.css"), isolate_styles=False
)


def style_the_page() -> None:
    """The page's frame styled for the calendar."""
    _PAGE_STYLE(key="calendar_page_style")


def ask_the_screen() -> bool:
    """Whether this run's calendar asks the browser if its screen is a phone's: on the
    session's first calendar only. The view follows the answer only when the URL names no view
    (``?view=month`` stays a month on a phone, and a view picked later stays picked).

    Call it before the view control, which drops a default ``view`` from the URL.
    """
    first = _FOLLOW_KEY not in st.session_state
    if first:
        st.session_state[_FOLLOW_KEY] = VIEW_KEY not in st.query_params
    return first


def keep_a_view() -> None:
    """The agenda that :func:`chosen_view` asked for, chosen again. Call it before the view
    control."""
    if st.session_state.pop(_AGENDA_AGAIN_KEY, False):
        st.session_state[VIEW_KEY] = "agenda"


def chosen_view(picked: str | None) -> str:
    """The view to draw: the one picked; with none, the month, but on a phone the agenda.

    The browser's Back past the phone's turn to the agenda restores a link naming no view, and
    a history step's URL outranks whatever the script sets before the control, which then
    shows no view chosen: the agenda is chosen in one more run (:func:`keep_a_view`).
    """
    if picked is None and st.session_state.get(_PHONE_KEY):
        st.session_state[_AGENDA_AGAIN_KEY] = True
        st.rerun()
    return picked or "month"


def default_view() -> str | None:
    """The view control's default: the month, but none on a phone, where the calendar opens as
    the agenda. A bound widget drops a value equal to its default from the URL, so a month
    picked on a phone would be left out of the link, which would then open as the agenda."""
    return None if st.session_state.get(_PHONE_KEY) else "month"


def draw_calendar(payload: dict, ask: bool = False) -> None:
    """Draw the days of ``payload`` (see :func:`calendar_data.grid.calendar_payload`).

    With ``ask`` the browser tells whether its screen is a phone's (calendar.js):
    the server cannot know the width. :func:`_on_a_phone` then opens the agenda, if the view may
    follow the screen (:func:`ask_the_screen`), which the URL then records.
    """
    _CALENDAR(
        key=GRID_KEY,
        data={**payload, "fit": ask},
        on_open_change=_card_clicked,
        on_more_change=_more_clicked,
        on_narrow_change=_on_a_phone,
    )


@keeps_url_notices
def _on_a_phone() -> None:
    """The agenda, when the view may follow the screen; else the view the URL named, set again
    so that the URL holds it now that no view is the default (:func:`default_view`)."""
    st.session_state[_PHONE_KEY] = True
    follows = st.session_state.get(_FOLLOW_KEY)
    st.session_state[VIEW_KEY] = "agenda" if follows else st.session_state.get(VIEW_KEY)


def _card_clicked(key: str = GRID_KEY) -> None:
    match st.session_state[key]["open"]:  # from the browser: checked, not trusted
        case [str() as title_id, str() as release_id]:
            open_release(title_id, release_id)


def _more_clicked() -> None:
    try:
        st.session_state[DAY_KEY] = dt.date.fromisoformat(st.session_state[GRID_KEY]["more"])
    except (TypeError, ValueError):
        pass  # not a day: nothing to open


def visible_cards(
    live: LiveCatalog,
    release_filter: ReleaseFilter,
    tz: str,
    start: dt.date,
    end: dt.date,
    per_day: int,
) -> bucketing.DayCards:
    """The first ``per_day`` cards of each day between ``start`` and ``end`` that match the
    filter, and every day's number of them."""
    first = max(start, release_filter.start or start)
    last = min(end, release_filter.end or end)
    if first > last:
        return _day_cards(live, pa.array([], pa.uint64()), tz, per_day)
    window = replace(release_filter, start=first, end=last)
    return live.derived(
        ("cards", window, tz, per_day),
        lambda: _day_cards(live, live.select(window, tz), tz, per_day),
    )


def _day_cards(live: LiveCatalog, positions: pa.Array, tz: str, per_day: int) -> bucketing.DayCards:
    return bucketing.day_cards(
        live.days(tz).take(positions),
        lambda columns, which: live.rows(positions.take(which), columns),
        per_day,
    )


def empty_period(
    live: LiveCatalog,
    release_filter: ReleaseFilter,
    tz: str,
    period: tuple[dt.date, dt.date],
    catalog_span: tuple[dt.date | None, dt.date | None],
) -> None:
    """Say that nothing matches in ``period``, what the catalog covers, and offer a button to
    the nearest month (or week) with releases that match."""
    first, last = catalog_span
    covers = f" This catalog covers {first:%-d %B %Y} to {last:%-d %B %Y}." if first else ""
    matching = live.days(tz).take(live.select(release_filter, tz))
    nearest = grid.nearest_day(matching, *period)
    if nearest is None:
        advice = " Clear some filters to see more."
    else:
        advice = f" The nearest release that matches is on {nearest:%-d %B %Y}."
    st.info(
        f"No releases match these filters in this period.{covers}{advice}",
        icon=":material/search_off:",
    )
    if nearest is not None:
        st.button(
            f"Go to {nearest:%B %Y}",
            key="nearest_releases",
            on_click=_go_to,
            args=(nearest,),
            icon=":material/event_available:",
        )


def _go_to(day: dt.date) -> None:
    st.session_state[DATE] = day


def prepare(live: LiveCatalog, tz: str) -> None:
    """Compute what every calendar in ``tz`` shares before any filter: its rows' days and the
    undated releases (a fresh server does, so that its first visitor does not wait for them)."""
    live.days(tz)
    undated(live, ReleaseFilter(), tz)


def undated(live: LiveCatalog, release_filter: ReleaseFilter, tz: str) -> pd.DataFrame:
    """TBA releases matching the filter's services, genres and kinds (dates ignored)."""
    dateless = replace(release_filter, start=None, end=None)
    return live.derived(("undated", dateless), lambda: _undated(live, dateless, tz))


def _undated(live: LiveCatalog, dateless: ReleaseFilter, tz: str) -> pd.DataFrame:
    positions = live.select(dateless, tz)
    positions = pc.filter(positions, in_set(live.table["status"].take(positions), ["tba"]))
    columns = ["title_id", "release_id", "title", "service", "release_window", "kind"]
    return live.rows(positions, columns).to_pandas()


def draw_undated(tba: pd.DataFrame, limit: int = 100) -> None:
    """The first ``limit`` TBA releases, each opening its detail drawer."""
    if tba.empty:
        st.caption("No undated releases for these filters.")
    for index, row in enumerate(tba.head(limit).itertuples()):
        window = f" · expected {row.release_window}" if row.release_window else ""
        st.button(
            escape_markdown(one_line(f"{row.title} — {row.service}{window}", 150)),
            key=f"tba-{index}",
            type="tertiary",
            on_click=open_release,
            args=(row.title_id, row.release_id),
        )


def _close_day() -> None:
    st.session_state.pop(DAY_KEY, None)


@st.dialog("All releases of the day", position="right", on_dismiss=_close_day)
def show_day(live: LiveCatalog, release_filter: ReleaseFilter, tz: str, day: dt.date) -> None:
    """The cards of one day that match the filter, the first :data:`DRAWER_CARDS` of them:
    the "+N more" drawer, drawn by the calendar's script and style, so its cards are the
    calendar's."""
    st.subheader(f"{day:%A %-d %B %Y}", anchor=False)
    of_day = visible_cards(live, release_filter, tz, day, day, DRAWER_CARDS)
    if of_day.total > DRAWER_CARDS:
        st.caption(
            f"The first {DRAWER_CARDS} of {of_day.total:,} releases. Narrow the filters, or "
            "list them all on Browse."
        )
    payload = grid.drawer_payload(of_day.shown, day)
    clicked = _DRAWER(
        key=DRAWER_KEY,
        data={**mark_followed(payload, set(followed_ids())), "fit": False},
        on_open_change=partial(_card_clicked, DRAWER_KEY),
    )
    if clicked.open is not None:
        st.rerun()  # a click inside the day's drawer reran only the drawer
