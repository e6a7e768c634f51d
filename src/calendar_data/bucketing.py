"""Calendar bucketing: the releases of each day as the calendar's cards.

Same-day releases of one title on one service collapse into one card, so a binge drop of
eight episodes is one card, not eight. Which days a view shows is ``grid``'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import describe
from .days import chunked_days
from .filters import TYPE_GROUPS

CARD_COLUMNS = [*describe.LABEL_COLUMNS, "title_id", "service", "status"]


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
    rows = table.select(CARD_COLUMNS).append_column("day", chunked_days(days))
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
