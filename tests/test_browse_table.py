"""The Browse table: sorting row positions on the server and one page of display rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from calendar_data import browse_table
from calendar_data.days import local_days
from calendar_data.schema import SCHEMA

NOV_1, NOV_5 = dt.date(2023, 11, 1), dt.date(2023, 11, 5)


def release(release_id: str, title: str, service: str, runtime, day, **values) -> dict:
    row = {
        "release_id": release_id,
        "title_id": release_id,
        "title": title,
        "kind": "series",
        "release_type": "episode",
        "runtime_minutes": runtime,
        "service": service,
        "release_date": day,
        "status": "confirmed" if day else "tba",
        "source": "test",
    }
    return row | values


# The service dictionary is built in order of appearance (Max, Netflix, Hulu, Apple TV+), so a
# sort on dictionary indices instead of names would put Max first.
ROWS = [
    release("r0", "Bravo", "Max", 30, NOV_5),
    release("r1", "Alpha", "Netflix", None, NOV_5),
    release("r2", "Charlie", "Hulu", 60, None),
    release("r3", "Delta", "Apple TV+", 30, NOV_1),
    release("r4", "Bravo", "Max", 30, NOV_5),  # ties with r0 on every key
]


def table() -> pa.Table:
    return pa.Table.from_pylist(ROWS, schema=SCHEMA)


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("date", False, [3, 1, 0, 4, 2]),
        ("date", True, [1, 0, 4, 3, 2]),
        ("title", False, [1, 0, 4, 2, 3]),
        ("title", True, [3, 2, 0, 4, 1]),
        ("service", False, [3, 2, 0, 4, 1]),
        ("service", True, [1, 0, 4, 2, 3]),
        ("runtime", False, [3, 0, 4, 2, 1]),
        ("runtime", True, [2, 3, 0, 4, 1]),
    ],
)
def test_sorted_positions(sort, descending, expected):
    """Nulls (undated rows, unknown runtimes) come last either way; ties keep their order."""
    source = table()
    positions = pa.array(range(source.num_rows), pa.int64())
    ordered = browse_table.sorted_positions(source, local_days(source), positions, sort, descending)
    assert ordered.to_pylist() == expected


def test_sorted_positions_of_a_subset_keep_the_given_order_on_ties():
    source = table()
    positions = pa.array([4, 2, 0, 1], pa.int64())
    ordered = browse_table.sorted_positions(source, local_days(source), positions, "date", False)
    assert ordered.to_pylist() == [1, 4, 0, 2]


def test_sorted_positions_on_a_chunked_table():
    whole = table()
    pieces = pa.concat_tables([whole.slice(0, 2), whole.slice(2)])
    positions = pa.array(range(whole.num_rows), pa.int64())
    for sort in browse_table.SORTS:
        expected = browse_table.sorted_positions(whole, local_days(whole), positions, sort, True)
        got = browse_table.sorted_positions(pieces, local_days(pieces), positions, sort, True)
        assert got.to_pylist() == expected.to_pylist()


def test_sorted_positions_of_nothing():
    source = table()
    empty = pa.array([], pa.int64())
    assert browse_table.sorted_positions(source, local_days(source), empty, "title", False) == empty


DROP = release(
    "drop",
    "All the Light We Cannot See",
    "Netflix",
    60,
    dt.date(2023, 11, 2),
    kind="limited_series",
    release_type="full_season",
    season=1,
    episode_start=1,
    episode_end=4,
    episode_count=4,
    genres=["Drama", "War"],
    region="US",
)


def test_display_frame_columns_and_values():
    rows = pa.Table.from_pylist([DROP, ROWS[2]], schema=SCHEMA)
    frame = browse_table.display_frame(rows, local_days(rows))
    assert list(frame.columns) == [
        "Followed",
        "Date",
        "Title",
        "Service",
        "Kind",
        "Release",
        "Episodes",
        "Runtime (min)",
        "Genres",
        "Region",
        "Status",
    ]
    assert frame.iloc[0].to_dict() == {
        "Followed": "",
        "Date": dt.date(2023, 11, 2),
        "Title": "All the Light We Cannot See",
        "Service": "Netflix",
        "Kind": "Limited series",
        "Release": "Full season drop",
        "Episodes": "S1 E1-E4 · 4 episodes",
        "Runtime (min)": 60,
        "Genres": ["Drama", "War"],
        "Region": "US",
        "Status": "confirmed",
    }
    undated = frame.iloc[1]
    assert pd.isna(undated["Date"])
    assert (undated["Region"], undated["Genres"], undated["Status"]) == ("Worldwide", [], "tba")
    assert str(frame["Runtime (min)"].dtype) == "Int64"


def test_display_frame_marks_the_followed_titles_rows():
    rows = pa.Table.from_pylist([DROP, ROWS[2], DROP], schema=SCHEMA)
    frame = browse_table.display_frame(rows, local_days(rows), (DROP["title_id"], "gone"))
    assert list(frame["Followed"]) == ["★", "", "★"]


def test_display_frame_accepts_chunked_days():
    rows = pa.concat_tables([table().slice(0, 2), table().slice(2)])
    frame = browse_table.display_frame(rows, local_days(rows))
    assert list(frame["Date"])[:2] == [NOV_5, NOV_5]
    assert len(frame) == len(ROWS)


def test_display_frame_bounds_hostile_text():
    hostile = DROP | {
        "title": "\u202e" + "A very long title\n" * 60_000,
        "service": "S" * 1_000_000,
        "region": "R" * 1_000_000,
        "genres": ["G" * 100_000, "Drama\x00"],
    }
    rows = pa.Table.from_pylist([hostile], schema=SCHEMA)
    row = browse_table.display_frame(rows, local_days(rows)).iloc[0]
    assert len(row["Title"]) == 120
    assert row["Title"].startswith("A very long title A very")
    assert row["Title"].endswith("…") and "\n" not in row["Title"]
    assert len(row["Service"]) <= 40
    assert len(row["Region"]) <= 40
    assert [len(genre) <= 40 for genre in row["Genres"]] == [True, True]
    assert row["Genres"][1] == "Drama"


def test_empty_page():
    rows = table().slice(0, 0)
    frame = browse_table.display_frame(rows, local_days(rows))
    assert frame.empty
    assert "Title" in frame.columns
