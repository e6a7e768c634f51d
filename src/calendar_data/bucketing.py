"""Calendar bucketing: the releases of each day as the calendar's cards.

Same-day releases of one title on one service collapse into one card, so a binge drop of
eight episodes is one card, not eight. Which days a view shows is ``grid``'s.

A view draws only each day's first few cards (a month cell three, then "+N more"), and a six-
week month of a ten-million-row catalog holds over a million releases: :func:`day_cards` places
the cards on a few columns and counts them, and :func:`cards` builds only the ones drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import describe
from .days import chunked_days
from .filters import TYPE_GROUPS

CARD_COLUMNS = [*describe.LABEL_COLUMNS, "title_id", "service", "region", "status", "image_url"]


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
    columns["rank"] = _rank(flags)
    order = pc.sort_indices(pa.table({name: columns[name] for name in ORDER}), sort_keys=_ORDER)
    ordered = pa.table(columns).take(order).drop_columns(["rank"])
    frame = ordered.to_pandas(types_mapper=_nullable)
    releases = merged["releases"].take(order)
    types = _distinct_types(merged["release_type"].take(order), releases)
    frame.insert(frame.columns.get_loc("season"), "types", types)
    frame.insert(frame.columns.get_loc("badge"), "releases", releases.to_numpy())
    return frame


#: The release types behind each flag that decides a card's label and rank.
FLAGS = {group: TYPE_GROUPS[group] for group in ("movie", "full_drop", "premiere", "finale")}
#: The cards' order: by day, then rank (:func:`_rank`), title and release (which settles ties).
ORDER = ("day", "rank", "title", "release_id")
_ORDER = [(name, "ascending") for name in ORDER]
_NO_TEXT = pa.scalar(None, pa.string())

#: What placing the cards needs of every row (see :func:`day_cards`).
PLACING_COLUMNS = ["title_id", "service", "release_type"]
#: A card's title and release decide its place among cards of the same rank.
_TIE_KEYS = [("title", "ascending"), ("release_id", "ascending")]
#: Ranks run from 0 (premieres and full drops) to 3 (the rest), see :func:`_rank`.
_RANKS = 4
_NO_DAY = np.iinfo(np.int32).max

#: ``rows(columns, positions)``: those columns of the releases at ``positions``.
Rows = Callable[[list[str], pa.Array], pa.Table]


@dataclass(frozen=True)
class DayCards:
    """Each day's first cards, in card order (see :func:`cards`), and how many cards each day
    has (days in order)."""

    shown: pd.DataFrame
    totals: dict[dt.date, int]

    @property
    def total(self) -> int:
        """How many cards in all."""
        return sum(self.totals.values())

    def total_within(self, first: dt.date, last: dt.date) -> int:
        """How many cards on the days from ``first`` to ``last``: a month's own, of the six
        weeks its grid shows."""
        return sum(count for day, count in self.totals.items() if first <= day <= last)

    def __len__(self) -> int:
        """The rows it holds: what the shared cache bounds (``LiveCatalog.derived``)."""
        return len(self.shown) + len(self.totals)


def day_cards(days: pa.ChunkedArray | pa.Array, rows: Rows, per_day: int) -> DayCards:
    """The first ``per_day`` cards of each day, built, and every day's number of cards, of
    the releases whose local days are ``days`` (``rows`` gives their columns).

    A six-week month of a ten-million-row catalog holds over a million releases and its grid
    shows three cards a day. So every release is read only for what places it (title id,
    service and type), the titles only of the cards that compete for the last places, and
    the rest only for the cards shown.
    """
    days = chunked_days(days)
    numbers = pc.fill_null(days.cast(pa.int32()), _NO_DAY).to_numpy()
    # Catalogs come sorted by date, so this is fast; rows without a day sort last, and go.
    by_day = np.argsort(numbers, kind="stable")[: len(days) - days.null_count]
    numbers = numbers[by_day]
    placing = rows(PLACING_COLUMNS, pa.array(by_day))
    title_id = placing["title_id"].combine_chunks()
    service = _codes(placing["service"])
    rank = _ranks(placing["release_type"])
    changes = np.flatnonzero(np.diff(numbers, prepend=numbers[:1] - 1))  # each day's first
    bounds = np.append(changes, len(numbers))
    services = service.max(initial=0) + 1
    shown, totals = [], {}
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        day = slice(start, end)
        titles = pc.dictionary_encode(title_id[start:end]).indices.to_numpy()
        pairs = titles.astype(np.int64) * services + service[day]
        _, first, card = np.unique(pairs, return_index=True, return_inverse=True)
        card_rank = np.full(len(first), _RANKS - 1)
        np.minimum.at(card_rank, card, rank[day])
        chosen = _first_places(card_rank, by_day[start + first], per_day, rows)
        shown.append(by_day[day][chosen[card]])
        totals[days[int(by_day[start])].as_py()] = len(first)
    positions = pa.array(np.sort(np.concatenate(shown)) if shown else [], pa.int64())
    chosen_rows = rows(CARD_COLUMNS, positions)
    return DayCards(cards(chosen_rows, days.take(positions)), totals)


def _first_places(ranks: np.ndarray, first_rows: np.ndarray, places: int, rows: Rows) -> np.ndarray:
    """Which of a day's cards take its first ``places``: by rank, then by the title and
    release of their first rows (at ``first_rows``)."""
    reaching = np.cumsum(np.bincount(ranks, minlength=_RANKS))
    last_rank = int(np.searchsorted(reaching, places))  # the rank the last place goes to
    chosen = ranks < last_rank
    if last_rank < _RANKS:
        tied = np.flatnonzero(ranks == last_rank)
        left = places - int(chosen.sum())
        ties = rows(["title", "release_id"], pa.array(first_rows[tied]))
        chosen[tied[pc.select_k_unstable(ties, left, _TIE_KEYS).to_numpy()]] = True
    return chosen


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Each value's number: equal values, equal numbers."""
    return _encoded(column).indices.to_numpy()


def _encoded(column: pa.ChunkedArray) -> pa.DictionaryArray:
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    return column.unify_dictionaries().combine_chunks()


def _ranks(release_type: pa.ChunkedArray) -> np.ndarray:
    """Each release's :func:`_rank`, worked out once per type."""
    types = _encoded(release_type)
    of_type = _rank(_flags(types.dictionary.cast(pa.string()))).to_numpy()
    none = len(of_type)  # a release without a type ranks last
    return np.append(of_type, _RANKS - 1)[pc.fill_null(types.indices, none).to_numpy()]


def _flags(release_type: pa.ChunkedArray | pa.Array) -> dict[str, pa.ChunkedArray]:
    return {flag: pc.is_in(release_type, pa.array(kinds)) for flag, kinds in FLAGS.items()}


def _rank(flags: dict) -> pa.ChunkedArray:
    """Premieres and full drops first (0), then movies, then finales, then the rest (3). Of
    merged flags (any of a card's releases), a card's rank: its releases' best."""
    first = pc.or_(flags["premiere"], flags["full_drop"])
    rank = pc.case_when(pc.make_struct(first, flags["movie"], flags["finale"]), 0, 1, 2)
    return pc.fill_null(rank, _RANKS - 1)


CARD_KEYS = ("day", "title_id", "service")
#: How each value of a card comes from its releases.
MERGED = {
    "release_id": "first",
    "title": "first",
    "kind": "first",
    "season": "min",
    "season_end": "max",  # a card of several seasons is worded S1-S3 (describe.episodes)
    "episode_start": "min",
    "episode_end": "max",
    "episode_count": "sum",  # of the country releasing the most (:func:`_episode_counts`)
    "tentative": "any",
    "image_url": "first",  # the first release's picture that has one (nulls are skipped)
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
    aggregations = [(name, how) for name, how in MERGED.items() if name != "episode_count"]
    grouped = rows.group_by(keys, use_threads=False).aggregate(
        [*aggregations, ([], "count_all"), ("release_type", "list")]
    )
    merged = {name: grouped[name] for name in keys}
    merged |= {name: grouped[f"{name}_{how}"] for name, how in aggregations}
    merged["episode_count"] = _episode_counts(rows, grouped)
    merged["releases"] = grouped["count_all"]
    merged["release_type"] = grouped["release_type_list"]
    return merged


def _episode_counts(rows: pa.Table, cards: pa.Table) -> pa.ChunkedArray:
    """The episodes of each of ``cards`` (keyed by :data:`CARD_KEYS`), of its ``rows``: those
    of the country that releases the most of them, each once. A title's releases in several
    countries repeat its episodes, one row each, and a sum over them all counted each episode
    once per country. Releases without episode numbers (specials) are told apart by their
    ids."""
    keys = list(CARD_KEYS)
    totals = describe.episode_totals(
        rows["episode_count"], rows["episode_start"], rows["episode_end"]
    )
    unnumbered = pc.if_else(pc.is_null(rows["episode_start"]), rows["release_id"], None)
    episodes = [*keys, "region", "season", "episode_start", "episode_end", "unnumbered"]
    distinct = (
        rows.set_column(rows.column_names.index("episode_count"), "episode_count", totals)
        .append_column("unnumbered", unnumbered)
        .group_by(episodes)
        .aggregate([("episode_count", "max")])
    )
    total = pc.ScalarAggregateOptions(min_count=0)  # a sum of nothing is 0
    regions = distinct.group_by([*keys, "region"]).aggregate(
        [("episode_count_max", "sum", total)]
    )
    most = regions.group_by(keys).aggregate([("episode_count_max_sum", "max")])
    places = cards.select(keys).append_column("place", pa.array(np.arange(cards.num_rows)))
    return places.join(most, keys).sort_by("place")["episode_count_max_sum_max"]


def _card_rows(table: pa.Table, days) -> pa.Table:
    """The rows that have a day, with the text, numbers and flags the cards are made of."""
    rows = table.select(CARD_COLUMNS).append_column("day", chunked_days(days))
    rows = rows.filter(pc.is_valid(rows["day"]))
    release_type = rows["release_type"].cast(pa.string())
    names = ("day", "title_id", "service", "region", "release_id", "title")
    columns = {name: rows[name] for name in names}
    columns["kind"] = rows["kind"].cast(pa.string())
    for name in ("season", "episode_start", "episode_end", "episode_count"):
        columns[name] = rows[name].cast(pa.int64())
    columns["season_end"] = columns["season"]
    columns["tentative"] = pc.not_equal(rows["status"].cast(pa.string()), "confirmed")
    columns["image_url"] = rows["image_url"].cast(pa.string())
    columns |= _flags(release_type)
    columns["release_type"] = release_type
    return pa.table(columns)


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
    episodes = describe.episode_labels(
        *(columns[name] for name in numbers), flags["movie"], columns["season_end"]
    )
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
            "season_end",
            "episode_start",
            "episode_end",
            "episode_count",
            "tentative",
            "image_url",
            "releases",
            "badge",
        ]
    )
