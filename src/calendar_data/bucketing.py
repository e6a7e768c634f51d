"""Calendar bucketing: which days a view shows, and the cards each day holds.

Weeks start on Monday. Same-day releases of one title on one service collapse into one card,
so a binge drop of eight episodes is one card, not eight.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

VIEWS = ("month", "week", "agenda")
PREMIERES = {"series_premiere", "season_premiere"}
FINALES = {"season_finale", "series_finale"}
CARD_COLUMNS = [
    "release_id",
    "title_id",
    "title",
    "service",
    "kind",
    "release_type",
    "season",
    "episode_start",
    "episode_end",
    "episode_count",
    "status",
]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    length = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, length))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


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


def cards(table: pa.Table, days: pa.ChunkedArray | pa.Array) -> pd.DataFrame:
    """One card per (day, title, service): the episodes of that day merged into one range.

    ``table`` holds at least :data:`CARD_COLUMNS`; ``days`` are its rows' local days. The result
    is sorted by day, then premieres and drops before plain episodes, then title.
    """
    frame = table.select(CARD_COLUMNS).to_pandas(types_mapper=_nullable)
    frame["day"] = pa.chunked_array(days).to_pandas() if len(frame) else pd.Series(dtype=object)
    frame = frame[frame["day"].notna()]
    if frame.empty:
        return _empty_cards()
    grouped = frame.groupby(["day", "title_id", "service"], sort=False, observed=True)
    merged = grouped.agg(
        release_id=("release_id", "first"),
        title=("title", "first"),
        kind=("kind", "first"),
        types=("release_type", lambda s: tuple(dict.fromkeys(s))),
        season=("season", "first"),
        episode_start=("episode_start", "min"),
        episode_end=("episode_end", "max"),
        episode_count=("episode_count", "sum"),
        tentative=("status", lambda s: bool((s != "confirmed").any())),
        releases=("release_id", "size"),
    ).reset_index()
    merged["badge"] = [badge(row) for row in merged.itertuples()]
    merged["rank"] = [_rank(types) for types in merged["types"]]
    merged = merged.sort_values(["day", "rank", "title"], kind="stable").drop(columns="rank")
    return merged.reset_index(drop=True)


def badge(card) -> str:
    """A short label: Movie, Premiere, Finale, Full drop with its episodes, Tentative."""
    types = set(card.types)
    parts = []
    episodes = _episode_label(card)
    if "movie" in types:
        parts.append("Movie")
    elif "full_season" in types:
        parts.append("Full drop")
    elif types & PREMIERES:
        parts.append("Premiere")
    elif types & FINALES:
        parts.append("Finale")
    if episodes and "movie" not in types:
        parts.append(episodes)
    if card.tentative:
        parts.append("Tentative")
    return " · ".join(parts)


def _episode_label(card) -> str:
    start, end, count = card.episode_start, card.episode_end, card.episode_count
    if pd.isna(start):
        return f"{int(count)} episodes" if not pd.isna(count) and count > 1 else ""
    season = "" if pd.isna(card.season) else f"S{int(card.season)} "
    if pd.isna(end) or end == start:
        return f"{season}E{int(start)}"
    total = int(count) if not pd.isna(count) and count else int(end) - int(start) + 1
    return f"{season}E{int(start)}-E{int(end)} · {total} episodes"


def _rank(types: tuple[str, ...]) -> int:
    kinds = set(types)
    if kinds & PREMIERES or "full_season" in kinds:
        return 0
    if "movie" in kinds:
        return 1
    if kinds & FINALES:
        return 2
    return 3


def _nullable(kind: pa.DataType):
    if pa.types.is_integer(kind):
        return pd.Int64Dtype()
    return None


def _empty_cards() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "day",
            "title_id",
            "service",
            "release_id",
            "title",
            "kind",
            "types",
            "season",
            "episode_start",
            "episode_end",
            "episode_count",
            "tentative",
            "releases",
            "badge",
        ]
    )
