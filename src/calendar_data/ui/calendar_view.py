"""The calendar's cards for the visible range, its TBA list and its "+N more" day drawer.

The month, week and agenda themselves are drawn by ``calendar_grid``.

Only the visible range is filtered into cards; the catalog never goes to the browser. Cards
are kept on the shared catalog (``LiveCatalog.derived``), so sessions looking at the same
month and filters, and every rerun that changes neither, reuse them.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from .. import bucketing, grid
from ..filters import ReleaseFilter, in_set
from ..live import LiveCatalog
from ..palette import PALETTE
from ..params import DATE
from ..text import escape_markdown, one_line
from .detail import DAY_KEY, open_release

_SLOTS = string.ascii_lowercase
#: Cards the day drawer draws: a day of a million-row catalog holds thousands, and each is a
#: button the browser must build.
DRAWER_CARDS = 200


def visible_cards(
    live: LiveCatalog, release_filter: ReleaseFilter, tz: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """The cards between ``start`` and ``end`` that match the filter."""
    first = max(start, release_filter.start or start)
    last = min(end, release_filter.end or end)
    if first > last:
        return bucketing.cards(live.table.slice(0, 0), live.days(tz).slice(0, 0))
    window = replace(release_filter, start=first, end=last)
    return live.derived(("cards", window, tz), lambda: _cards(live, window, tz))


def _cards(live: LiveCatalog, window: ReleaseFilter, tz: str) -> pd.DataFrame:
    positions = live.select(window, tz)
    table = live.rows(positions, bucketing.CARD_COLUMNS)
    return bucketing.cards(table, live.days(tz).take(positions))


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
    nearest = bucketing.nearest_day(matching, *period)
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
def show_day(cards: pd.DataFrame, day: dt.date) -> None:
    """The cards of one day, the first :data:`DRAWER_CARDS` of them: the "+N more" drawer."""
    st.html(_card_css())  # here, not on the page: st.html's code would slow every first paint
    st.subheader(f"{day:%A %-d %B %Y}", anchor=False)
    of_day = cards[cards["day"] == day]
    if len(of_day) > DRAWER_CARDS:
        st.caption(
            f"The first {DRAWER_CARDS} of {len(of_day):,} releases. Narrow the filters, or "
            "list them all on Browse."
        )
    for index, card in enumerate(of_day.head(DRAWER_CARDS).itertuples()):
        _card(card, f"day-{day.isoformat()}-{index}")


def _card_css() -> str:
    """Per-service colour stripes, keyed on the CSS class each card's key produces."""
    rules = [
        f'div[class*="st-key-card-"][class*="-svc{_SLOTS[i]}"] button '
        f"{{border-left: 5px solid {colour}; padding-left: 6px;}}"
        for i, colour in enumerate(PALETTE)
    ]
    rules.append('div[class*="st-key-card-"] button {text-align: left; justify-content: start;}')
    rules.append('div[class*="st-key-card-"] p {margin-bottom: 0;}')
    return "<style>" + "\n".join(rules) + "</style>"


def _card(card, key: str) -> None:
    """A card of the day drawer: one button, its title over its service and badges."""
    shown = grid.card_data(card)
    clicked = st.button(
        f"{escape_markdown(shown['title'])}  \n:small[:gray[{escape_markdown(shown['details'])}]]",
        key=f"card-{key}-svc{_SLOTS[shown['slot']]}",
        type="tertiary",
        width="stretch",
        wrap=True,
        on_click=open_release,
        args=(card.title_id, card.release_id),
    )
    if clicked:
        st.rerun()  # a click inside the day's drawer reran only the drawer
