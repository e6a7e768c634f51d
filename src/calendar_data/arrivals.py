"""Arrivals: when a title first showed up on a service in a region, and when it left.

An *offer* is a title on a service in a region (no region: worldwide). Each refresh stamps
every release of its sources with the offer's ``first_seen``: the earliest one already in the
catalog, or the time of the refresh for an offer never seen before. The change log gets an
``arrived`` row for each new offer and a ``left`` row for each offer whose releases are gone
(compared after both catalogs are cut to the same window, so releases that merely grew old
do not count as leaving).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pyarrow as pa
import pyarrow.compute as pc

from . import changes, schema

Offer = tuple[str, str | None, str]  # title_id, region, service
OFFER_COLUMNS = ("title_id", "region", "service")


def stamp_first_seen(table: pa.Table, sources: Collection[str], now: dt.datetime) -> pa.Table:
    """``table`` with ``first_seen`` set on every release of ``sources``: the earliest value
    the offer already has, or ``now``. Releases of other sources are left as they are."""
    rows = _offer_rows(table)
    from_sources = [row["source"] in sources for row in rows]
    earliest: dict[Offer, dt.datetime] = {}
    for row, ours in zip(rows, from_sources, strict=True):
        seen = row["first_seen"]
        if ours and seen is not None:
            offer = _offer(row)
            earliest[offer] = min(seen, earliest.get(offer, seen))
    stamped = [
        earliest.get(_offer(row), now) if ours else row["first_seen"]
        for row, ours in zip(rows, from_sources, strict=True)
    ]
    index = table.column_names.index("first_seen")
    return table.set_column(index, "first_seen", pa.array(stamped, schema.TIMESTAMP))


def arrival_changes(
    old: pa.Table, new: pa.Table, sources: Collection[str], *, changed_at: dt.datetime, source: str
) -> pa.Table:
    """``arrived`` and ``left`` rows of the change log (:data:`changes.CHANGE_SCHEMA`) for the
    offers of ``sources`` in ``new`` but not ``old``, and in ``old`` but not ``new``. Each row
    describes the offer's earliest release."""
    before, after = _first_releases(old, sources), _first_releases(new, sources)
    arrived = [row for offer, row in after.items() if offer not in before]
    left = [row for offer, row in before.items() if offer not in after]
    rows = [_change_row(row, "arrived", changed_at, source) for row in arrived]
    rows += [_change_row(row, "left", changed_at, source) for row in left]
    return pa.Table.from_pylist(rows, schema=changes.CHANGE_SCHEMA)


def _first_releases(table: pa.Table, sources: Collection[str]) -> dict[Offer, dict]:
    """Each offer of ``sources`` and its earliest release (undated ones last)."""
    mine = table.filter(pc.is_in(table["source"].cast(pa.string()), pa.array(list(sources))))
    first: dict[Offer, dict] = {}
    for row in mine.select(list(changes.CARRIED)).to_pylist():
        offer = _offer(row)
        if offer not in first or _date_key(row) < _date_key(first[offer]):
            first[offer] = row
    return first


def _change_row(release: dict, change: str, changed_at: dt.datetime, source: str) -> dict:
    date = release["release_date"]
    return {
        **release,
        "changed_at": changed_at,
        "source": source,
        "change": change,
        "old_date": date if change == "left" else None,
        "new_date": date if change == "arrived" else None,
    }


def _offer_rows(table: pa.Table) -> list[dict]:
    return table.select([*OFFER_COLUMNS, "source", "first_seen"]).to_pylist()


def _offer(row: dict) -> Offer:
    return row["title_id"], row["region"], row["service"]


def _date_key(row: dict) -> tuple[bool, dt.date]:
    return row["release_date"] is None, row["release_date"] or dt.date.min
