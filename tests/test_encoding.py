"""How the live catalog holds its text (encoding.py): each distinct value once per column,
however many of the pieces it is encoded in repeat it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from calendar_data import encoding
from calendar_data.demo import demo_table
from calendar_data.encoding import SharedColumn, search_index
from calendar_data.filters import search_text


@pytest.fixture
def shuffled(monkeypatch) -> pa.Table:
    """A catalog in many pieces whose titles' releases are spread over all of them (as a weekly
    series' are over the weeks of a catalog sorted by date), in chunks cut across the pieces."""
    monkeypatch.setattr(encoding, "ENCODED_ROWS", 300)
    monkeypatch.setattr(encoding, "CORES", 3)  # pieces finish out of order
    table = demo_table(3_000, seed=5)
    order = np.random.default_rng(5).permutation(table.num_rows)
    return pa.Table.from_batches(table.take(order).to_batches(max_chunksize=700))


def distinct(column: pa.ChunkedArray) -> set[str]:
    return {repr(value) for value in column.to_pylist()}


@pytest.mark.parametrize("name", ["synopsis", "cast", "crew", "episode_titles", "updated_at"])
def test_a_shared_column_holds_each_value_once(shuffled, name):
    column = shuffled[name]
    shared = SharedColumn.of(column)
    assert len(shared.values) == len(distinct(column))
    assert shared.take(pa.array(range(len(column)))).equals(column.combine_chunks())


def test_the_search_text_has_one_dictionary_with_each_text_once(shuffled):
    search = search_index(shuffled)
    assert search.num_chunks == 1
    assert len(search.chunk(0).dictionary) == len(distinct(search_text(shuffled)))
    assert search.cast(pa.string()).equals(search_text(shuffled))


def test_an_empty_catalog_encodes_to_nothing():
    empty = demo_table(1).slice(0, 0)
    assert len(search_index(empty)) == 0
    assert len(SharedColumn.of(empty["cast"]).index) == 0
