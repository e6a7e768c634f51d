"""How the live catalog holds its text compactly: columns held once per distinct value
(:class:`SharedColumn`) and the dictionary-encoded search text (:func:`search_index`).

Both are encoded in pieces of :data:`ENCODED_ROWS` rows on every core.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
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
#: Rows encoded together: hash tables this size stay in the CPU's caches, so loading grows
#: linearly with the catalog (and a title's releases are mostly close in date order); a larger
#: catalog's pieces are encoded on every core.
ENCODED_ROWS = 131_072
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclasses.dataclass(frozen=True)
class SharedColumn:
    """A column held once per distinct value: row ``i`` holds ``values[index[i]]``."""

    values: pa.Array
    index: pa.Array

    @classmethod
    def of(cls, column: pa.ChunkedArray) -> SharedColumn:
        """Values are shared within pieces of :data:`ENCODED_ROWS` rows."""
        if len(column) and column.null_count == len(column):  # an optional column left out
            return cls(pa.nulls(1, column.type), pa.array(np.zeros(len(column), np.uint8)))
        values, index, known = [], [], 0
        for distinct, codes in on_every_core(_encoded, _pieces(column)):
            values.append(distinct)
            index.append(codes + known)
            known += len(distinct)
        if not values:
            return cls(column.combine_chunks(), pa.array([], pa.uint8()))
        narrowest = np.min_scalar_type(max(known - 1, 0))  # an index of 1, 2 or 4 bytes a row
        return cls(pa.concat_arrays(values), pa.array(np.concatenate(index).astype(narrowest)))

    def take(self, positions: pa.Array) -> pa.Array:
        return self.values.take(self.index.take(positions))


def search_index(table: pa.Table) -> pa.ChunkedArray:
    """Every row's search text, dictionary-encoded a piece of :data:`ENCODED_ROWS` at a time."""
    encoded = on_every_core(
        lambda start: pc.dictionary_encode(search_text(table.slice(start, ENCODED_ROWS))),
        range(0, table.num_rows, ENCODED_ROWS),
    )
    # Built from arrays: given chunked arrays, pa.chunked_array reads them value by value.
    return pa.chunked_array(
        [chunk for piece in encoded for chunk in piece.chunks],
        pa.dictionary(pa.int32(), pa.string()),
    )


def on_every_core(work: Callable[[Any], Any], items) -> list:
    """``work`` of each item, in order, on as many threads as the machine has cores (Arrow's
    kernels let go of the GIL): a catalog of several pieces loads that much sooner."""
    items = list(items)
    if len(items) < 2 or CORES < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(CORES, len(items))) as pool:
        return list(pool.map(work, items))


def _encoded(piece: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of ``piece`` in order of appearance, and each row's code."""
    codes = pc.dictionary_encode(_identity(piece), null_encoding="encode").indices.to_numpy()
    return piece.take(_first_rows(codes)), codes


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


def _identity(values: pa.Array) -> pa.Array:
    """Per value, something two values share exactly when they are equal: text as it is; a
    list as the bytes of its items' codes (one int64 per item, 0 for a null item)."""
    if not pa.types.is_list(values.type):
        return values
    offsets = values.offsets.to_numpy().astype(np.int64)  # a slice's, into all the items
    items = values.values.slice(offsets[0], offsets[-1] - offsets[0])
    parts = [items]
    if pa.types.is_struct(items.type):
        parts = [pc.struct_field(items, i) for i in range(items.type.num_fields)]
    codes = np.zeros(len(items), np.int64)
    for part in parts:
        encoded = pc.dictionary_encode(part, null_encoding="encode")
        width = len(encoded.dictionary)
        if int(codes.max(initial=0)) * width >= 2**62:  # renumber densely: no overflow
            codes = pc.dictionary_encode(pa.array(codes)).indices.to_numpy().astype(np.int64)
        codes = codes * width + encoded.indices.to_numpy()
    codes = np.where(items.is_valid().to_numpy(zero_copy_only=False), codes + 1, 0)
    spans = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(),
        len(values),
        [None, pa.py_buffer((offsets - offsets[0]) * codes.itemsize), pa.py_buffer(codes)],
    )
    return pc.if_else(values.is_valid(), spans, pa.scalar(None, pa.large_binary()))
