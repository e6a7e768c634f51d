"""How the live catalog holds its text compactly: columns held once per distinct value
(:class:`SharedColumn`) and the dictionary-encoded search text (:func:`search_index`).

Both are encoded in pieces of :data:`ENCODED_ROWS` rows on every core, then the pieces' distinct
values once more (:func:`_merged`), so a value is held once however many pieces repeat it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .filters import search_text

#: Columns the views read only a page of rows at a time (details, exports), most of them
#: repeated by every release of a title or mostly empty: held once per distinct value, see
#: :class:`SharedColumn`. The views filter, sort and count on the others.
SHARED_COLUMNS = (
    "original_title",
    "episode_titles",
    "synopsis",
    "cast",
    "crew",
    "release_window",
    "image_url",
    "trailer_url",
    "homepage_url",
    "source_url",
    "updated_at",
    "previous_release_date",
)
#: Rows encoded together, on every core: hash tables this size stay in the CPU's caches. Their
#: distinct values, fewer than the rows where a title's releases are close in date order, are
#: then encoded together (:func:`_merged`).
ENCODED_ROWS = 131_072
#: The columns a row's search text is made of (:func:`~calendar_data.filters.search_text`).
SEARCHED = ("title", "original_title", "cast", "crew")
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclasses.dataclass(frozen=True)
class SharedColumn:
    """A column held once per distinct value: row ``i`` holds ``values[index[i]]``."""

    values: pa.Array
    index: pa.Array

    @classmethod
    def of(cls, column: pa.ChunkedArray) -> SharedColumn:
        """Each distinct value of ``column`` once, in order of first appearance, and every
        row's index into them."""
        if len(column) and column.null_count == len(column):  # an optional column left out
            return cls(pa.nulls(1, column.type), pa.array(np.zeros(len(column), np.uint8)))
        pieces = _pieces(column)
        encoded = on_every_core(_encoded, _pieces(_identity(column)))
        if not encoded:
            return cls(column.combine_chunks(), pa.array([], pa.uint8()))
        index, first = _merged([(distinct, codes) for distinct, _, codes in encoded])
        # ``first`` counts through the pieces' distinct values: each piece gives its share.
        bounds = np.cumsum([0] + [len(distinct) for distinct, _, _ in encoded])
        cuts = np.searchsorted(first, bounds)
        values = [
            piece.take(rows[first[low:high] - start])
            for piece, (_, rows, _), start, low, high in zip(
                pieces, encoded, bounds[:-1], cuts[:-1], cuts[1:], strict=True
            )
        ]
        narrowest = np.min_scalar_type(max(len(first) - 1, 0))  # 1, 2 or 4 bytes a row
        return cls(pa.concat_arrays(values), pa.array(index.astype(narrowest)))

    def take(self, positions: pa.Array) -> pa.Array:
        return self.values.take(self.index.take(positions))


def search_index(
    table: pa.Table, shared: Mapping[str, SharedColumn] | None = None
) -> pa.ChunkedArray:
    """Every row's search text, dictionary-encoded in one chunk.

    The text is made once per distinct combination of the columns it is made of
    (:data:`SEARCHED`), found from their codes (``shared`` gives those it holds) rather than by
    hashing the texts: at ten million rows there are five million distinct texts, and a hash
    table of them no longer fits in the CPU's caches. (Two combinations may make the same text,
    say the same names playing other characters: a search then reads that text twice.)
    """
    parts = [
        _column_codes(table[name], (shared or {}).get(name))
        for name in SEARCHED
        if name in table.column_names
    ]
    codes = _combined(parts, table.num_rows)
    first = _first_rows(codes)
    starts = range(0, table.num_rows, ENCODED_ROWS)
    cuts = np.searchsorted(first, [*starts, table.num_rows])

    def texts(piece: int) -> pa.ChunkedArray:
        rows = first[cuts[piece] : cuts[piece + 1]] - starts[piece]
        return search_text(table.slice(starts[piece], ENCODED_ROWS).take(rows))

    made = on_every_core(texts, range(len(starts)))
    dictionary = pa.chunked_array([c for text in made for c in text.chunks], pa.string())
    whole = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), dictionary.combine_chunks()
    )
    return pa.chunked_array([whole], pa.dictionary(pa.int32(), pa.string()))


def _column_codes(column: pa.ChunkedArray, shared: SharedColumn | None) -> np.ndarray:
    """A code per row, equal for equal values."""
    if shared is not None:
        return shared.index.to_numpy().astype(np.uint32)
    if not len(column):
        return np.zeros(0, np.uint32)
    encoded = pc.dictionary_encode(_identity(column), null_encoding="encode").chunks
    return np.concatenate([c.indices.to_numpy() for c in encoded]).astype(np.uint32)


def _combined(parts: list[np.ndarray], rows: int) -> np.ndarray:
    """A code per row for its codes in all ``parts`` together, numbered in order of
    appearance: the codes side by side as one fixed-width key, encoded in one pass."""
    keys = np.ascontiguousarray(
        np.stack(parts, axis=1) if parts else np.zeros((rows, 1), np.uint32)
    )
    width = keys.shape[1] * keys.itemsize
    joined = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), rows, [None, pa.py_buffer(keys)]
    )
    return pc.dictionary_encode(joined).indices.to_numpy()


def on_every_core(work: Callable[[Any], Any], items) -> list:
    """``work`` of each item, in order, on as many threads as the machine has cores (Arrow's
    kernels let go of the GIL): a catalog of several pieces loads that much sooner."""
    items = list(items)
    if len(items) < 2 or CORES < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(CORES, len(items))) as pool:
        return list(pool.map(work, items))


def _encoded(piece: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The distinct values of ``piece`` in order of appearance, the row where each first
    appears, and each row's code."""
    encoded = pc.dictionary_encode(piece, null_encoding="encode")
    codes = encoded.indices.to_numpy()
    return encoded.dictionary, _first_rows(codes), codes


def _merged(pieces: list[tuple[pa.Array, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Pieces encoded each on its own (its distinct values, its rows' codes into them) as one:
    every row's code into the distinct values of all the pieces, and where each first appears
    among the pieces' distinct values, one piece's after another.

    The pieces' distinct values are encoded once more (a value a title repeats in every piece,
    as a weekly series does over the weeks, is held once): one hash table over the values,
    which at ten million rows no longer fits in the CPU's caches.
    """
    merged = pc.dictionary_encode(
        pa.chunked_array([distinct for distinct, _ in pieces]), null_encoding="encode"
    )
    renumbered = np.concatenate([chunk.indices.to_numpy() for chunk in merged.chunks])
    starts = np.cumsum([0] + [len(distinct) for distinct, _ in pieces])
    codes = np.concatenate(
        [renumbered[codes + start] for (_, codes), start in zip(pieces, starts[:-1], strict=True)]
    )
    return codes, _first_rows(renumbered)


def _pieces(column: pa.ChunkedArray) -> list[pa.Array]:
    """``column`` in pieces of at most :data:`ENCODED_ROWS` rows, cut from its chunks as they
    are: joining a million-row text or list column's chunks first costs more than encoding it."""
    return [
        chunk.slice(start, ENCODED_ROWS)
        for chunk in column.chunks
        for start in range(0, len(chunk), ENCODED_ROWS)
    ]


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Where each code first appears. Arrow numbers values in order of appearance, so these
    are the rows where the running maximum grows; anything else is sorted out."""
    if not len(codes):
        return np.zeros(0, np.int64)
    seen = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate([[True], seen[1:] > seen[:-1]]))
    if np.array_equal(codes[first], np.arange(len(first))):
        return first
    return np.unique(codes, return_index=True)[1]


def _identity(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Per value, something two values share exactly when they are equal, in the same chunks
    as ``column``: text as it is; a list as the bytes of its items' codes (one int64 per item,
    0 for a null item), numbered over the whole column, so equal lists match across pieces."""
    if not pa.types.is_list(column.type) or not len(column):
        return column
    offsets = [chunk.offsets.to_numpy().astype(np.int64) for chunk in column.chunks]
    items = pa.chunked_array(
        [
            chunk.values.slice(first[0], first[-1] - first[0])  # a slice's, into all the items
            for chunk, first in zip(column.chunks, offsets, strict=True)
        ],
        column.type.value_type,
    )
    codes = _item_codes(items)
    identities, start = [], 0
    for chunk, ends in zip(column.chunks, offsets, strict=True):
        ends = ends - ends[0]
        mine = codes[start : start + ends[-1]]
        spans = pa.LargeBinaryArray.from_buffers(
            pa.large_binary(),
            len(chunk),
            [None, pa.py_buffer(ends * codes.itemsize), pa.py_buffer(mine)],
        )
        identities.append(pc.if_else(chunk.is_valid(), spans, pa.scalar(None, pa.large_binary())))
        start += ends[-1]
    return pa.chunked_array(identities, pa.large_binary())


def _item_codes(items: pa.ChunkedArray) -> np.ndarray:
    """A code per list item, equal for equal items: a struct's fields' codes combined. Each
    field is encoded in pieces on every core, then the pieces' distinct values together
    (:func:`_merged`): a million releases' casts hold three million names."""
    if not len(items):
        return np.zeros(0, np.int64)
    parts = [items]
    if pa.types.is_struct(items.type):
        parts = [pc.struct_field(items, i) for i in range(items.type.num_fields)]
    codes = np.zeros(len(items), np.int64)
    for part in parts:
        encoded = on_every_core(_encoded, _pieces(part))
        part_codes, first = _merged([(distinct, piece) for distinct, _, piece in encoded])
        width = len(first)
        if int(codes.max(initial=0)) * width >= 2**62:  # renumber densely: no overflow
            codes = pc.dictionary_encode(pa.array(codes)).indices.to_numpy().astype(np.int64)
        codes = codes * width + part_codes
    return np.where(items.is_valid().to_numpy(), codes + 1, 0)
