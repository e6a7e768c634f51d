"""The catalog, loaded once per process and shared read-only by every session.

It is held in ``st.cache_resource`` keyed on the file's signature, so a replaced file is picked
up on the next interaction, and no session ever copies it. A replacement that fails to load is
rejected: the last good catalog keeps serving and the viewer is told once.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections import OrderedDict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from ..catalog import Catalog, CatalogError, file_signature, load_catalog
from ..days import local_days
from ..filters import TYPE_GROUPS, ReleaseFilter, search_text

CATALOG_ENV = "CALENDAR_CATALOG"
DEFAULT_CATALOG = Path(__file__).resolve().parents[3] / "data" / "catalog.parquet"
SELECTIONS_KEPT = 16
TIMEZONES_KEPT = 8


@dataclasses.dataclass
class LiveCatalog:
    """A loaded catalog plus what every view derives from it, computed once."""

    catalog: Catalog
    signature: tuple
    search: pa.Array
    options: dict[str, list[tuple[str, int]]]
    _days: OrderedDict = dataclasses.field(default_factory=OrderedDict)
    _selections: OrderedDict = dataclasses.field(default_factory=OrderedDict)
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def table(self) -> pa.Table:
        return self.catalog.table

    def days(self, tz: str) -> pa.ChunkedArray:
        """Every row's local day in ``tz`` (computed once per zone, a few zones kept)."""
        with self._lock:
            if tz in self._days:
                self._days.move_to_end(tz)
                return self._days[tz]
        days = local_days(self.table, tz)
        with self._lock:
            self._days[tz] = days
            while len(self._days) > TIMEZONES_KEPT:
                self._days.popitem(last=False)
        return days

    def select(self, release_filter: ReleaseFilter, tz: str) -> pa.Array:
        """Positions of the rows that match, cached per (filter, zone)."""
        key = (release_filter, tz)
        with self._lock:
            if key in self._selections:
                self._selections.move_to_end(key)
                return self._selections[key]
        needs_days = release_filter.start or release_filter.end
        mask = release_filter.mask(self.table, self.days(tz) if needs_days else None, self.search)
        positions = pc.indices_nonzero(mask)
        with self._lock:
            self._selections[key] = positions
            while len(self._selections) > SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        return positions

    def rows(self, positions: pa.Array, columns: list[str] | None = None) -> pa.Table:
        table = self.table if columns is None else self.table.select(columns)
        return table.take(positions)


def catalog_location() -> str:
    return os.environ.get(CATALOG_ENV) or str(DEFAULT_CATALOG)


@st.cache_resource(show_spinner="Loading the release catalog…", max_entries=2)
def _load(location: str, signature: tuple) -> LiveCatalog:
    catalog = load_catalog(location)
    return LiveCatalog(catalog, signature, search_text(catalog.table), _options(catalog.table))


@st.cache_resource
def _last_good() -> dict[str, LiveCatalog]:
    return {}


def live_catalog() -> LiveCatalog:
    """The current catalog, or the last good one when a replacement is broken.

    With nothing good to show, the page shows one clear message and stops.
    """
    location = catalog_location()
    signature = file_signature(location)
    last_good = _last_good()
    try:
        live = _load(location, signature)
    except CatalogError as error:
        previous = last_good.get(location)
        if previous is None:
            st.error(f"The release catalog could not be loaded. {error}", icon="⚠️")
            st.stop()
        if st.session_state.get("_rejected_signature") != signature:
            st.session_state["_rejected_signature"] = signature
            st.warning(
                f"A new version of the catalog was rejected, so the last good one is shown. "
                f"{error}",
                icon="⚠️",
            )
        return previous
    last_good[location] = live
    return live


def _options(table: pa.Table) -> dict[str, list[tuple[str, int]]]:
    """Each filter's values with their row counts, most common first."""
    return {
        "service": _counts(table["service"]),
        "genre": _counts(pc.list_flatten(table["genres"])),
        "kind": _counts(table["kind"]),
        "type": _type_counts(table["release_type"]),
        "region": _counts(table["region"]),
    }


def _counts(values) -> list[tuple[str, int]]:
    if isinstance(values, pa.ChunkedArray) and pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    counted = pc.value_counts(values)
    pairs = [
        (v, c)
        for v, c in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
        if v
    ]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def _type_counts(release_types) -> list[tuple[str, int]]:
    per_type = dict(_counts(release_types))
    groups = [
        (group, sum(per_type.get(t, 0) for t in types)) for group, types in TYPE_GROUPS.items()
    ]
    return [(group, count) for group, count in groups if count]
