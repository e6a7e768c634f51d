"""Drawing the calendar: month grid, week and agenda, each day's release cards.

Only the visible range is filtered into cards; the catalog never goes to the browser.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from .. import bucketing
from ..filters import ReleaseFilter
from ..palette import PALETTE, colour_index
from ..text import escape_markdown
from .data import LiveCatalog
from .detail import DAY_KEY, open_release

CARDS_PER_DAY = {"month": 3, "week": 12, "agenda": 200}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
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
    positions = live.select(window, tz)
    table = live.rows(positions, bucketing.CARD_COLUMNS)
    return bucketing.cards(table, live.days(tz).take(positions))


def undated(live: LiveCatalog, release_filter: ReleaseFilter, tz: str) -> pd.DataFrame:
    """TBA releases matching the filter's services, genres and kinds (dates ignored)."""
    positions = live.select(replace(release_filter, start=None, end=None), tz)
    status = live.table["status"].take(positions).cast("string")
    positions = pc.filter(positions, pc.equal(status, "tba"))
    columns = ["title_id", "release_id", "title", "service", "release_window", "kind"]
    return live.rows(positions, columns).to_pandas()


def draw_month(cards: pd.DataFrame, anchor: dt.date, today: dt.date) -> None:
    by_day = _by_day(cards)
    header = st.columns(7, gap="small")
    for column, name in zip(header, WEEKDAYS, strict=True):
        column.markdown(f"**{name}**")
    for week in bucketing.month_grid(anchor):
        columns = st.columns(7, gap="small")
        for column, day in zip(columns, week, strict=True):
            with column.container(border=True, key=f"day-{day.isoformat()}"):
                _day_heading(day, today, faded=day.month != anchor.month)
                _day_cards(by_day.get(day), day, "month")


def draw_week(cards: pd.DataFrame, anchor: dt.date, today: dt.date) -> None:
    by_day = _by_day(cards)
    start = bucketing.week_start(anchor)
    columns = st.columns(7, gap="small")
    for offset, column in enumerate(columns):
        day = start + dt.timedelta(days=offset)
        with column.container(border=True, key=f"day-{day.isoformat()}"):
            _day_heading(day, today, faded=False, weekday=True)
            _day_cards(by_day.get(day), day, "week")


def draw_agenda(cards: pd.DataFrame, today: dt.date) -> None:
    for day, group in _by_day(cards).items():
        marker = " · today" if day == today else ""
        st.markdown(f"#### {day:%A %-d %B %Y}{marker}")
        with st.container(key=f"day-{day.isoformat()}"):
            _day_cards(group, day, "agenda")


def _close_day() -> None:
    st.session_state.pop(DAY_KEY, None)


@st.dialog("All releases of the day", position="right", on_dismiss=_close_day)
def show_day(cards: pd.DataFrame, day: dt.date) -> None:
    """Every card of one day: the "+N more" drawer."""
    st.subheader(f"{day:%A %-d %B %Y}", anchor=False)
    _day_cards(cards[cards["day"] == day], day, "day", limit=None)


def card_css() -> str:
    """Per-service colour stripes, keyed on the CSS class each card's key produces."""
    rules = [
        f'div[class*="st-key-card-"][class*="-svc{_SLOTS[i]}"] '
        f"{{border-left: 5px solid {colour}; padding-left: 6px;}}"
        for i, colour in enumerate(PALETTE)
    ]
    rules.append('div[class*="st-key-card-"] button {text-align: left; justify-content: start;}')
    rules.append('div[class*="st-key-card-"] p {margin-bottom: 0;}')
    return "<style>" + "\n".join(rules) + "</style>"


def _by_day(cards: pd.DataFrame) -> dict[dt.date, pd.DataFrame]:
    if cards.empty:
        return {}
    return {day: group for day, group in cards.groupby("day", sort=True)}


def _day_heading(day: dt.date, today: dt.date, faded: bool, weekday: bool = False) -> None:
    label = f"{day:%a} {day.day}" if weekday else str(day.day)
    if day == today:
        st.markdown(f":blue-background[**{label}**]")
    elif faded:
        st.caption(label)
    else:
        st.markdown(f"**{label}**")


def _day_cards(group: pd.DataFrame | None, day: dt.date, view: str, limit: int | None = -1):
    if group is None or group.empty:
        return
    limit = CARDS_PER_DAY.get(view) if limit == -1 else limit
    shown = group if limit is None else group.head(limit)
    for index, card in enumerate(shown.itertuples()):
        _card(card, f"{view}-{day.isoformat()}-{index}")
    hidden = len(group) - len(shown)
    if hidden > 0:
        st.button(
            f"+{hidden} more",
            key=f"more-{view}-{day.isoformat()}",
            type="tertiary",
            on_click=_open_day,
            args=(day,),
        )


def _card(card, key: str) -> None:
    slot = _SLOTS[colour_index(card.service)]
    with st.container(key=f"card-{key}-svc{slot}", gap=None):
        st.button(
            escape_markdown(card.title, 80),
            key=f"open-{key}",
            type="tertiary",
            on_click=open_release,
            args=(card.title_id, card.release_id),
        )
        details = " · ".join(part for part in (card.service, card.badge) if part)
        st.caption(escape_markdown(details, 120))


def _open_day(day: dt.date) -> None:
    st.session_state[DAY_KEY] = day
