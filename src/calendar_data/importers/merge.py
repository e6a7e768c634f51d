"""Merging imported releases into an existing catalog.

Releases are matched by ``release_id``. A new id is added; a known id is replaced by the
imported row, and when its date changed the old date is kept in ``previous_release_date``.
Rows the import did not mention, and rows of other sources, are left exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ..schema import SCHEMA

#: Columns that say when a row was touched rather than what it holds.
BOOKKEEPING = ("updated_at", "previous_release_date", "first_seen")


@dataclass
class MergeResult:
    table: pa.Table
    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def merge_releases(existing: pa.Table, incoming: pa.Table, source: str) -> MergeResult:
    """``existing`` with the rows of ``incoming`` (all from ``source``) added or updated.

    An incoming id already used by a row of another source is not imported: the existing row
    wins and the clash is reported in ``conflicts``.
    """
    matched = pc.is_in(existing["release_id"], value_set=incoming["release_id"].combine_chunks())
    previous = {row["release_id"]: row for row in existing.filter(matched).to_pylist()}
    result = MergeResult(existing)
    rows = []
    for row in incoming.to_pylist():
        old = previous.get(row["release_id"])
        if old is None:
            result.added += 1
            rows.append(row)
        elif old["source"] != source:
            result.conflicts.append(
                f"release {row['release_id']!r} already comes from {old['source']}; kept that row"
            )
            rows.append(old)
        elif _same_content(old, row):
            result.unchanged += 1
            rows.append(old)
        else:
            rows.append(_updated(old, row, result))
    kept = existing.filter(pc.invert(matched)).cast(SCHEMA)
    merged = pa.concat_tables([kept, pa.Table.from_pylist(rows, schema=SCHEMA)])
    result.table = merged.unify_dictionaries().combine_chunks()
    return result


def _updated(old: dict, new: dict, result: MergeResult) -> dict:
    # An import that does not track arrivals keeps the first sighting a refresh recorded.
    first_seen = new["first_seen"] or old["first_seen"]
    if new["release_date"] != old["release_date"]:
        result.moved += 1
        return {**new, "previous_release_date": old["release_date"], "first_seen": first_seen}
    result.updated += 1
    previous = old["previous_release_date"]
    return {**new, "previous_release_date": previous, "first_seen": first_seen}


def _same_content(old: dict, new: dict) -> bool:
    return all(old[name] == new[name] for name in SCHEMA.names if name not in BOOKKEEPING)
