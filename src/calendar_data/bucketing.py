"""Calendar bucketing: which days a view shows, and the cards each day holds.

Weeks start on Monday. Same-day releases of one title on one service collapse into one card,
so a binge drop of eight episodes is one card, not eight.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import describe
from .filters import TYPE_GROUPS

VIEWS = ("month", "week", "agenda")
CARD_COLUMNS = [*describe.LABEL_COLUMNS, "title_id", "service", "status"]


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


def span(days: pa.ChunkedArray) -> tuple[dt.date | None, dt.date | None]:
    """First and last dated day."""
    return pc.min(days).as_py(), pc.max(days).as_py()


def cards(table: pa.Table, days: pa.ChunkedArray | pa.Array) -> pd.DataFrame:
    """One card per (day, title, service): the episodes of that day merged into one range.

    ``table`` holds at least :data:`CARD_COLUMNS`; ``days`` are its rows' local days. The result
    is sorted by day, then premieres and drops before plain episodes, then title (then release).

    Grouping, badges and order are computed by Arrow (a month of a million-row catalog holds
    100,000+ rows); only the cards become a DataFrame.
    """
    rows = _card_rows(table, days)
    if not rows.num_rows:
        return _empty_cards()
    merged = _merged(rows)
    flags = {flag: merged[flag] for flag in FLAGS}
    columns = {name: merged[name] for name in [*CARD_KEYS, *MERGED] if name not in FLAGS}
    columns["kind"] = _as_categories(columns["kind"], table["kind"])
    columns["badge"] = _badge_texts(columns, flags)
    first = pc.or_(flags["premiere"], flags["full_drop"])
    rank = pc.case_when(pc.make_struct(first, flags["movie"], flags["finale"]), 0, 1, 2)
    columns["rank"] = pc.fill_null(rank, 3)
    keys = ("day", "rank", "title", "release_id")  # the last one settles ties for good
    order = pc.sort_indices(
        pa.table({name: columns[name] for name in keys}),
        sort_keys=[(name, "ascending") for name in keys],
    )
    ordered = pa.table(columns).take(order).drop_columns(["rank"])
    frame = ordered.to_pandas(types_mapper=_nullable)
    releases = merged["releases"].take(order)
    types = _distinct_types(merged["release_type"].take(order), releases)
    frame.insert(frame.columns.get_loc("season"), "types", types)
    frame.insert(frame.columns.get_loc("badge"), "releases", releases.to_numpy())
    return frame


#: The release types behind each flag that decides a card's label and rank.
FLAGS = {group: TYPE_GROUPS[group] for group in ("movie", "full_drop", "premiere", "finale")}
_NO_TEXT = pa.scalar(None, pa.string())


CARD_KEYS = ("day", "title_id", "service")
#: How each value of a card comes from its releases.
MERGED = {
    "release_id": "first",
    "title": "first",
    "kind": "first",
    "season": "first",
    "episode_start": "min",
    "episode_end": "max",
    "episode_count": "sum",
    "tentative": "any",
    **{flag: "any" for flag in FLAGS},
}


def _merged(rows: pa.Table) -> dict[str, pa.ChunkedArray]:
    """Each card's values: its keys, ``MERGED``, ``releases`` and ``release_type`` (the
    types of its releases: a list each, or one type each when no card merges releases)."""
    keys = list(CARD_KEYS)
    counts = rows.group_by(keys, use_threads=False).aggregate([([], "count_all")])
    if pc.max(counts["count_all"]).as_py() == 1:  # one release a card: nothing to merge
        merged = {name: rows[name] for name in [*keys, *MERGED, "release_type"]}
        merged["episode_count"] = pc.fill_null(rows["episode_count"], 0)  # as a sum would
        merged["releases"] = pa.chunked_array([np.ones(rows.num_rows, np.int64)])
        return merged
    total = pc.ScalarAggregateOptions(min_count=0)  # a sum of nothing is 0
    aggregations = [
        (name, how, total) if how == "sum" else (name, how) for name, how in MERGED.items()
    ]
    grouped = rows.group_by(keys, use_threads=False).aggregate(
        [*aggregations, ([], "count_all"), ("release_type", "list")]
    )
    merged = {name: grouped[name] for name in keys}
    merged |= {name: grouped[f"{name}_{how}"] for name, how in MERGED.items()}
    merged["releases"] = grouped["count_all"]
    merged["release_type"] = grouped["release_type_list"]
    return merged


def _card_rows(table: pa.Table, days) -> pa.Table:
    """The rows that have a day, with the text, numbers and flags the cards are made of."""
    rows = table.select(CARD_COLUMNS).append_column("day", _chunked(days))
    rows = rows.filter(pc.is_valid(rows["day"]))
    release_type = rows["release_type"].cast(pa.string())
    columns = {name: rows[name] for name in ("day", "title_id", "service", "release_id", "title")}
    columns["kind"] = rows["kind"].cast(pa.string())
    for name in ("season", "episode_start", "episode_end", "episode_count"):
        columns[name] = rows[name].cast(pa.int64())
    columns["tentative"] = pc.not_equal(rows["status"].cast(pa.string()), "confirmed")
    for flag, kinds in FLAGS.items():
        columns[flag] = pc.is_in(release_type, pa.array(kinds))
    columns["release_type"] = release_type
    return pa.table(columns)


def _chunked(days) -> pa.ChunkedArray:
    return days if isinstance(days, pa.ChunkedArray) else pa.chunked_array([days], pa.date32())


def _as_categories(text: pa.ChunkedArray, source: pa.ChunkedArray) -> pa.ChunkedArray:
    """``text`` dictionary-encoded like ``source``, so it becomes the same pandas categorical."""
    if not pa.types.is_dictionary(source.type) or not source.num_chunks:
        return text
    dictionary = source.chunk(0).dictionary.cast(pa.string())
    codes = pc.index_in(text, value_set=dictionary).cast(source.type.index_type)
    return pa.chunked_array(
        [pa.DictionaryArray.from_arrays(codes.combine_chunks(), dictionary)], source.type
    )


def _badge_texts(columns: dict, flags: dict) -> pa.Array:
    """Each card's badge: ``Premiere · S1 E1-E4 · 4 episodes · Tentative``."""
    numbers = ("season", "episode_start", "episode_end", "episode_count")
    episodes = describe.episode_labels(*(columns[name] for name in numbers), flags["movie"])
    label = pc.case_when(
        pc.make_struct(*(flags[f] for f in ("movie", "full_drop", "premiere", "finale"))),
        "Movie",
        "Full drop",
        "Premiere",
        "Finale",
    )
    tentative = pc.if_else(columns["tentative"], "Tentative", _NO_TEXT)
    return pc.fill_null(_present_joined(_present_joined(label, episodes), tentative), "")


def _present_joined(first, second, separator: str = " · "):
    """``first · second``, or whichever is present. (``binary_join_element_wise`` with
    ``null_handling="skip"`` drops the rows where every part is null, in pyarrow 26.)"""
    both = pc.binary_join_element_wise(first, second, separator)
    return pc.coalesce(both, first, second)


def _distinct_types(lists: pa.ChunkedArray, counts: pa.ChunkedArray) -> np.ndarray:
    """Each card's release types, once each, in the order they first appear (tuples)."""
    firsts = lists if not pa.types.is_list(lists.type) else pc.list_element(lists, 0)
    encoded = pc.dictionary_encode(firsts).combine_chunks()
    singles = np.empty(len(encoded.dictionary), dtype=object)  # one tuple per type, shared
    for code, kind in enumerate(encoded.dictionary.to_pylist()):
        singles[code] = (kind,)
    types = singles[encoded.indices.to_numpy()]
    if pa.types.is_list(lists.type):
        several = np.flatnonzero(counts.to_numpy() > 1)
        for position, values in zip(several, lists.take(several).to_pylist(), strict=True):
            types[position] = tuple(dict.fromkeys(values))
    return types


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
