"""Drawing the calendar: month grid, week and agenda, each day's release cards.

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

from .. import bucketing
from ..filters import ReleaseFilter, in_set
from ..palette import PALETTE, colour_index
from ..text import escape_markdown, one_line
from .data import LiveCatalog
from .detail import DAY_KEY, open_release

CARDS_PER_DAY = {"month": 3, "week": 12, "agenda": 200}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NO_CARDS: tuple[list, int] = ([], 0)
_SLOTS = string.ascii_lowercase


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


def undated(live: LiveCatalog, release_filter: ReleaseFilter, tz: str) -> pd.DataFrame:
    """TBA releases matching the filter's services, genres and kinds (dates ignored)."""
    dateless = replace(release_filter, start=None, end=None)
    return live.derived(("undated", dateless), lambda: _undated(live, dateless, tz))


def _undated(live: LiveCatalog, dateless: ReleaseFilter, tz: str) -> pd.DataFrame:
    positions = live.select(dateless, tz)
    positions = pc.filter(positions, in_set(live.table["status"].take(positions), ["tba"]))
    columns = ["title_id", "release_id", "title", "service", "release_window", "kind"]
    return live.rows(positions, columns).to_pandas()


def draw_month(cards: pd.DataFrame, anchor: dt.date, today: dt.date) -> None:
    by_day = _by_day(cards, "month")
    header = st.columns(7, gap="small")
    for column, name in zip(header, WEEKDAYS, strict=True):
        column.markdown(f"**{name}**")
    for week in bucketing.month_grid(anchor):
        columns = st.columns(7, gap="small")
        for column, day in zip(columns, week, strict=True):
            with column.container(border=True, key=f"day-{day.isoformat()}"):
                _day_heading(day, today, faded=day.month != anchor.month)
                _day_cards(*by_day.get(day, _NO_CARDS), day, "month")


def draw_week(cards: pd.DataFrame, anchor: dt.date, today: dt.date) -> None:
    by_day = _by_day(cards, "week")
    start = bucketing.week_start(anchor)
    columns = st.columns(7, gap="small")
    for offset, column in enumerate(columns):
        day = start + dt.timedelta(days=offset)
        with column.container(border=True, key=f"day-{day.isoformat()}"):
            _day_heading(day, today, faded=False, weekday=True)
            _day_cards(*by_day.get(day, _NO_CARDS), day, "week")


def draw_agenda(cards: pd.DataFrame, today: dt.date) -> None:
    for day, (shown, total) in _by_day(cards, "agenda").items():
        marker = " · today" if day == today else ""
        st.markdown(f"#### {day:%A %-d %B %Y}{marker}")
        with st.container(key=f"day-{day.isoformat()}"):
            _day_cards(shown, total, day, "agenda")


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
    """Every card of one day: the "+N more" drawer."""
    st.subheader(f"{day:%A %-d %B %Y}", anchor=False)
    of_day = list(cards[cards["day"] == day].itertuples())
    _day_cards(of_day, len(of_day), day, "day")


def card_css() -> str:
    """Per-service colour stripes, keyed on the CSS class each card's key produces."""
    rules = [
        f'div[class*="st-key-card-"][class*="-svc{_SLOTS[i]}"] button '
        f"{{border-left: 5px solid {colour}; padding-left: 6px;}}"
        for i, colour in enumerate(PALETTE)
    ]
    rules.append('div[class*="st-key-card-"] button {text-align: left; justify-content: start;}')
    rules.append('div[class*="st-key-card-"] p {margin-bottom: 0;}')
    return "<style>" + "\n".join(rules) + "</style>"


def _by_day(cards: pd.DataFrame, view: str) -> dict[dt.date, tuple[list, int]]:
    """Each day's cards to draw (the view's limit) and how many it has in all, in day order.

    A busy month of a large catalog holds 100,000+ cards and a month cell shows three, so
    only the shown ones become rows, in one pass.
    """
    if cards.empty:
        return {}
    totals = cards.groupby("day", sort=True).size()
    shown: dict[dt.date, list] = {day: [] for day in totals.index}
    for card in cards.groupby("day", sort=False).head(CARDS_PER_DAY[view]).itertuples():
        shown[card.day].append(card)
    return {day: (shown[day], int(total)) for day, total in totals.items()}


def _day_heading(day: dt.date, today: dt.date, faded: bool, weekday: bool = False) -> None:
    label = f"{day:%a} {day.day}" if weekday else str(day.day)
    if day == today:
        st.markdown(f":blue-background[**{label}**]")
    elif faded:
        st.caption(label)
    else:
        st.markdown(f"**{label}**")


def _day_cards(shown: list, total: int, day: dt.date, view: str) -> None:
    """Draw ``shown`` (the first cards of the day) and a "+N more" for the rest of ``total``."""
    for index, card in enumerate(shown):
        _card(card, f"{view}-{day.isoformat()}-{index}")
    hidden = total - len(shown)
    if hidden > 0:
        st.button(
            f"+{hidden} more",
            key=f"more-{view}-{day.isoformat()}",
            type="tertiary",
            on_click=_open_day,
            args=(day,),
        )


def _card(card, key: str) -> None:
    """One button per card, the title over the service and badges: a month holds up to 200
    cards, and every element costs the browser time on each redraw."""
    slot = _SLOTS[colour_index(card.service)]
    details = " · ".join(part for part in (card.service, card.badge) if part)
    title = escape_markdown(one_line(card.title, 80))
    clicked = st.button(
        f"{title}  \n:small[:gray[{escape_markdown(one_line(details, 120))}]]",
        key=f"card-{key}-svc{slot}",
        type="tertiary",
        width="stretch",
        wrap=True,
        on_click=open_release,
        args=(card.title_id, card.release_id),
    )
    if clicked and key.startswith("day-"):
        st.rerun()  # a click inside the day's drawer reran only the drawer


def _open_day(day: dt.date) -> None:
    st.session_state[DAY_KEY] = day
