"""How the calendar draws a month, a week or an agenda: which days a view shows, where
its arrows lead, and each day's cell with its first cards, as plain data.

The cards come from ``bucketing``; the browser draws this payload in one element
(``ui/calendar_view``), so it carries only bounded, printable text, set as text and never
parsed as markup, and the agenda's pictures as http(s) links (``posters``). Weeks start on
Monday.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .bucketing import DayCards
from .days import week_start
from .palette import colour_index
from .posters import poster
from .text import one_line

#: How many cards a day shows in each view before "+N more".
CARDS_PER_DAY = {"month": 3, "week": 12, "agenda": 50}
#: The views whose cards show the title's picture (a month's or a week's cell is too small).
WITH_POSTERS = ("agenda",)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    length = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, length))


def month_grid(anchor: dt.date) -> list[list[dt.date]]:
    """The Monday-to-Sunday weeks that cover ``anchor``'s month."""
    first = week_start(month_start(anchor))
    last = month_end(anchor)
    weeks = []
    while first <= last:
        weeks.append([first + dt.timedelta(days=i) for i in range(7)])
        first += dt.timedelta(days=7)
    return weeks


def view_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day a view shows. The month view includes its leading/trailing days."""
    if view == "week":
        start = week_start(anchor)
        return start, start + dt.timedelta(days=6)
    if view == "agenda":
        return month_start(anchor), month_end(anchor)
    weeks = month_grid(anchor)
    return weeks[0][0], weeks[-1][-1]


def period_heading(view: str, anchor: dt.date) -> str:
    """What the page calls the period: ``November 2023``, or ``Week of 13 November 2023``."""
    if view == "week":
        return f"Week of {week_start(anchor):%-d %B %Y}"
    return f"{anchor:%B %Y}"


def shift(view: str, anchor: dt.date, steps: int) -> dt.date:
    """The anchor one view earlier (``steps=-1``) or later (``steps=1``)."""
    if view == "week":
        return anchor + dt.timedelta(days=7 * steps)
    return add_months(anchor, steps)


def opening_day(days: pa.ChunkedArray, today: dt.date) -> dt.date:
    """Today when the catalog has releases from today on, else its first dated release."""
    latest = pc.max(days).as_py()
    if latest is None or latest >= today:
        return today
    return pc.min(days).as_py()


def span(days: pa.ChunkedArray) -> tuple[dt.date | None, dt.date | None]:
    """First and last dated day."""
    return pc.min(days).as_py(), pc.max(days).as_py()


def view_days(view: str, anchor: dt.date, cards: DayCards) -> list[dt.date]:
    """The days a view lays out: the month's weeks, one week, or the agenda's days with cards."""
    if view == "week":
        first = week_start(anchor)
        return [first + dt.timedelta(days=offset) for offset in range(7)]
    if view == "agenda":
        return sorted(cards.totals)
    return [day for week in month_grid(anchor) for day in week]


def calendar_payload(cards: DayCards, view: str, anchor: dt.date, today: dt.date) -> dict:
    """Everything the calendar element needs to draw ``view`` around ``anchor``. Pictures
    (in :data:`WITH_POSTERS` views) only when a card shown has one: a view of placeholders
    alone, as a catalog without pictures would give, says nothing."""
    posters = view in WITH_POSTERS and bool(cards.shown["image_url"].notna().any())
    shown = shown_cards(cards, CARDS_PER_DAY[view], posters=posters)
    return {
        "view": view,
        "weekdays": list(WEEKDAYS) if view == "month" else [],
        "days": [
            day_cell(day, view, anchor, today, *shown.get(day, ([], 0)))
            for day in view_days(view, anchor, cards)
        ],
    }


def drawer_payload(cards: pd.DataFrame, day: dt.date) -> dict:
    """The "+N more" drawer's cards of ``day``: all of ``cards``, in one unlabelled column
    (the drawer names the day)."""
    shown = [card_data(card) for card in cards.itertuples()]
    cell = day_cell(day, "drawer", day, None, shown, total=len(shown))
    return {"view": "drawer", "weekdays": [], "days": [cell]}


def shown_cards(
    cards: DayCards, per_day: int, posters: bool = False
) -> dict[dt.date, tuple[list[dict], int]]:
    """Each day's first ``per_day`` cards (with their pictures if ``posters``) and its number
    of cards in all."""
    shown: dict[dt.date, list[dict]] = {day: [] for day in cards.totals}
    for card in cards.shown.groupby("day", sort=False).head(per_day).itertuples():
        shown[card.day].append(card_data(card, posters))
    return {day: (shown[day], total) for day, total in cards.totals.items()}


def card_data(card, with_poster: bool = False) -> dict:
    """A card's text, colour and ids; with ``with_poster`` also its ``poster`` (see
    :func:`calendar_data.posters.poster`)."""
    details = " · ".join(part for part in (card.service, card.badge) if part)
    data = {
        "title": one_line(card.title, 80),
        "details": one_line(details, 120),
        "slot": colour_index(card.service),
        "title_id": card.title_id,
        "release_id": card.release_id,
    }
    if with_poster:
        data["poster"] = poster(card.title, card.image_url)
    return data


def day_cell(
    day: dt.date, view: str, anchor: dt.date, today: dt.date | None, cards: list[dict], total: int
) -> dict:
    if view == "drawer":
        label = ""
    elif view == "agenda":
        label = f"{day:%A %-d %B %Y}"
    elif view == "week":
        label = f"{day:%a} {day.day}"
    else:
        label = str(day.day)
    return {
        "day": day.isoformat(),
        "label": label,
        # A phone lays a month or a week out as one column: its days name weekday and month.
        "phone_label": label if view in ("agenda", "drawer") else f"{day:%a %-d %b}",
        "name": f"{day:%A %-d %B %Y}",  # what a screen reader announces for the cell
        "today": day == today,
        "faded": view == "month" and day.month != anchor.month,
        "cards": cards,
        "more": total - len(cards),
    }


def shown_period(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The period a view is of: its week, or its month (without the month grid's days of the
    months around it)."""
    if view == "week":
        return view_range(view, anchor)
    return month_start(anchor), month_end(anchor)


def anchor_in_range(
    view: str, anchor: dt.date, first: dt.date | None, last: dt.date | None
) -> dt.date:
    """``anchor``, or the first day of the range ``first`` to ``last`` (either end may be
    open; then its other end) when the view's period and the range do not meet."""
    start, end = shown_period(view, anchor)
    if (first and end < first) or (last and start > last):
        return first or last
    return anchor


def nearest_day(days: pa.Array | pa.ChunkedArray, start: dt.date, end: dt.date) -> dt.date | None:
    """The day of ``days`` closest to the period ``start`` to ``end`` (outside it); None when
    there is none."""
    before = pc.max(pc.filter(days, pc.less(days, pa.scalar(start, pa.date32())))).as_py()
    after = pc.min(pc.filter(days, pc.greater(days, pa.scalar(end, pa.date32())))).as_py()
    if before is None or after is None:
        return before or after
    return before if start - before <= after - end else after
