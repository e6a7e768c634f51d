"""The Browse table: server-side sorting of the filtered rows and one page of display rows.

Sorting happens on row positions, so a million-row selection never leaves the server; only
the visible page becomes a DataFrame.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import describe
from .mine import FOLLOWED_MARK
from .schema import KIND_NAMES
from .text import one_line

SORTS = {
    "date": "Date",
    "title": "Title",
    "service": "Service",
    "runtime": "Runtime",
}
COLUMNS = [
    *describe.LABEL_COLUMNS,
    "title_id",
    "service",
    "runtime_minutes",
    "genres",
    "region",
    "status",
]
#: The first column: ★ on the rows of followed titles.
FOLLOWED = "Followed"


def sorted_positions(
    table: pa.Table, days: pa.ChunkedArray, positions: pa.Array, sort: str, descending: bool
) -> pa.Array:
    """``positions`` reordered by ``sort`` (then date, then title); undated rows last."""
    order = "descending" if descending else "ascending"
    keys = {
        "day": days.take(positions),
        "title": table["title"].take(positions),
        "service": table["service"].take(positions).cast(pa.string()),
        "runtime": table["runtime_minutes"].take(positions),
    }
    primary = {"date": "day"}.get(sort, sort)
    sort_keys = [(primary, order, "at_end")]
    sort_keys += [(k, "ascending", "at_end") for k in ("day", "title") if k != primary]
    indices = pc.sort_indices(pa.table(keys), sort_keys=sort_keys)
    return positions.take(indices)


def display_frame(
    rows: pa.Table, days: pa.Array | pa.ChunkedArray, followed: Collection[str] = ()
) -> pd.DataFrame:
    """One page of rows as the table shows them: readable, bounded text; the rows of the
    ``followed`` title ids marked ★."""
    records = rows.to_pylist()
    followed = set(followed)
    mark = FOLLOWED_MARK.strip()
    return pd.DataFrame(
        {
            FOLLOWED: [mark if r["title_id"] in followed else "" for r in records],
            "Date": pa.chunked_array([days]).to_pandas() if len(records) else [],
            "Title": [one_line(r["title"], 120) for r in records],
            "Service": [one_line(r["service"], 40) for r in records],
            "Kind": [KIND_NAMES.get(r["kind"], r["kind"]) for r in records],
            "Release": [
                describe.RELEASE_TYPE_NAMES.get(r["release_type"], r["release_type"])
                for r in records
            ],
            "Episodes": [describe.episodes(r) for r in records],
            "Runtime (min)": pd.array([r["runtime_minutes"] for r in records], dtype="Int64"),
            "Genres": [[one_line(g, 40) for g in r["genres"] or []] for r in records],
            "Region": [one_line(r["region"], 40) or "Worldwide" for r in records],
            "Status": [r["status"] for r in records],
        }
    )
