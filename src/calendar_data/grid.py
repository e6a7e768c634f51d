"""What the calendar draws: the days of a view, each with its first cards, as plain data.

The browser draws this in one element (``ui/calendar_grid``), so the payload carries only
bounded, printable text; it is set as text, never parsed as markup.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .bucketing import month_grid, week_start
from .palette import colour_index
from .text import one_line

#: How many cards a day shows in each view before "+N more".
CARDS_PER_DAY = {"month": 3, "week": 12, "agenda": 50}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def view_days(view: str, anchor: dt.date, cards: pd.DataFrame) -> list[dt.date]:
    """The days a view lays out: the month's weeks, one week, or the agenda's days with cards."""
    if view == "week":
        first = week_start(anchor)
        return [first + dt.timedelta(days=offset) for offset in range(7)]
    if view == "agenda":
        return sorted(set(cards["day"])) if not cards.empty else []
    return [day for week in month_grid(anchor) for day in week]


def calendar_payload(cards: pd.DataFrame, view: str, anchor: dt.date, today: dt.date) -> dict:
    """Everything the calendar element needs to draw ``view`` around ``anchor``."""
    shown = shown_cards(cards, CARDS_PER_DAY[view])
    return {
        "view": view,
        "weekdays": list(WEEKDAYS) if view == "month" else [],
        "days": [
            day_cell(day, view, anchor, today, *shown.get(day, ([], 0)))
            for day in view_days(view, anchor, cards)
        ],
    }


def shown_cards(cards: pd.DataFrame, per_day: int) -> dict[dt.date, tuple[list[dict], int]]:
    """Each day's first ``per_day`` cards and its number of cards in all.

    A busy month of a large catalog holds 100,000+ cards and a month cell shows three, so
    only the shown ones become Python objects.
    """
    if cards.empty:
        return {}
    totals = cards.groupby("day", sort=False).size()
    shown: dict[dt.date, list[dict]] = {day: [] for day in totals.index}
    for card in cards.groupby("day", sort=False).head(per_day).itertuples():
        shown[card.day].append(card_data(card))
    return {day: (shown[day], int(total)) for day, total in totals.items()}


def card_data(card) -> dict:
    details = " · ".join(part for part in (card.service, card.badge) if part)
    return {
        "title": one_line(card.title, 80),
        "details": one_line(details, 120),
        "slot": colour_index(card.service),
        "title_id": card.title_id,
        "release_id": card.release_id,
    }


def day_cell(
    day: dt.date, view: str, anchor: dt.date, today: dt.date, cards: list[dict], total: int
) -> dict:
    if view == "agenda":
        label = f"{day:%A %-d %B %Y}"
    elif view == "week":
        label = f"{day:%a} {day.day}"
    else:
        label = str(day.day)
    return {
        "day": day.isoformat(),
        "label": label,
        "name": f"{day:%A %-d %B %Y}",  # what a screen reader announces for the cell
        "today": day == today,
        "faded": view == "month" and day.month != anchor.month,
        "cards": cards,
        "more": total - len(cards),
    }
