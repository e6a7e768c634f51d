"""The live catalog: loaded once per process and shared read-only by every session and route.

It is kept in this module keyed on the file's signature, so a replaced file is picked
up on the next interaction, and no session ever copies it. A replacement that fails to load is
rejected: the last good catalog keeps serving and the viewer is told once. What a load
computes is kept beside the file (:mod:`~calendar_data.snapshot`), so a restart maps it.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import functools
import gc
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import changes, schema, snapshot
from .catalog import Catalog, CatalogError, file_signature, load_catalog
from .days import local_days
from .encoding import SHARED_COLUMNS, SharedColumn, search_index
from .filters import TYPE_GROUPS, ReleaseFilter
from .recent import Recent, held_rows
from .summary import value_counts
from .text import without_credentials

CATALOG_ENV = "CALENDAR_CATALOG"
DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog.parquet"
SELECTIONS_KEPT = 16
#: Row positions the kept selections may hold in all (8 bytes each).
SELECTED_ROWS_KEPT = 4_000_000
TIMEZONES_KEPT = 8
#: Rows per block of the day index: a date-range filter skips blocks it cannot match.
BLOCK_ROWS = 4_096
#: Derived frames (a month's cards...) kept for other sessions, bounded by their total rows.
DERIVED_KEPT = 16
DERIVED_ROWS_KEPT = 200_000
EPOCH = dt.date(1970, 1, 1)


@dataclasses.dataclass
class LiveCatalog:
    """A loaded catalog plus what every view derives from it, computed once.

    ``table`` holds every column but the :data:`SHARED_COLUMNS`, which are in ``shared``;
    :meth:`rows` gives any column.
    """

    catalog: Catalog
    signature: tuple
    search: pa.ChunkedArray
    options: dict[str, list[tuple[str, int]]]
    shared: dict[str, SharedColumn] = dataclasses.field(default_factory=dict)
    _days: Recent = dataclasses.field(default_factory=lambda: Recent(TIMEZONES_KEPT))
    _selections: Recent = dataclasses.field(
        default_factory=lambda: Recent(SELECTIONS_KEPT, SELECTED_ROWS_KEPT)
    )
    _derived: Recent = dataclasses.field(
        default_factory=lambda: Recent(DERIVED_KEPT, DERIVED_ROWS_KEPT, size=held_rows)
    )

    @classmethod
    def open(cls, location: str, signature: tuple = ()) -> LiveCatalog:
        """The catalog at ``location`` (whose :func:`file_signature` is ``signature``) and
        what the views share, memory-mapped from its :mod:`~calendar_data.snapshot` when there
        is one for this version of the file; else loaded (:meth:`load`) and the snapshot
        written for the next start, which every process serving it then shares."""
        signature = signature or file_signature(location)
        path = snapshot.snapshot_path(location)
        prepared = None if path is None else snapshot.read(path, location, signature)
        if prepared is None:
            return _releasing(lambda: cls._loaded(location, signature, path))()
        return cls._mapped(prepared, signature)

    @classmethod
    def _loaded(cls, location: str, signature: tuple, path: Path | None) -> LiveCatalog:
        """The catalog loaded, its snapshot written to ``path`` and mapped (the process then
        holds the mapping, which every process serving the catalog shares); the loaded catalog
        itself when there is no snapshot to write or it cannot be written."""
        loaded = cls.load(location, signature)
        if path is None:
            return loaded
        try:
            snapshot.write(path, loaded.prepared(), signature)
        except (OSError, pa.ArrowException):  # a read-only folder, a column over 2 GB...
            return loaded
        prepared = snapshot.read(path, location, signature)
        return loaded if prepared is None else cls._mapped(prepared, signature)

    @classmethod
    def _mapped(cls, prepared: snapshot.Prepared, signature: tuple) -> LiveCatalog:
        return cls(prepared.catalog, signature, prepared.search, prepared.options, prepared.shared)

    @classmethod
    def load(cls, location: str, signature: tuple = ()) -> LiveCatalog:
        """Load the catalog at ``location`` and derive what the views share (no snapshot).

        A title's releases repeat its search text, synopsis, cast and crew, so these are held
        once per distinct value (the search text dictionary-encoded: a search scans each
        distinct text once). The memory the loading needed for a moment stays with Arrow's
        allocator, for a next load to reuse; :meth:`open` gives it back to the system.
        """
        catalog = load_catalog(location)
        table = catalog.table
        shared = {n: SharedColumn.of(table[n]) for n in SHARED_COLUMNS if n in table.column_names}
        search = search_index(table, shared)
        catalog = dataclasses.replace(catalog, table=_whole(table.drop_columns(list(shared))))
        del table
        return cls(catalog, signature, search, filter_options(catalog.table), shared)

    def prepared(self) -> snapshot.Prepared:
        """What a snapshot of this catalog holds."""
        return snapshot.Prepared(self.catalog, self.shared, self.search, self.options)

    @property
    def table(self) -> pa.Table:
        return self.catalog.table

    @property
    def records_arrivals(self) -> bool:
        """Whether a refresh stamped when its releases arrived (``first_seen``)."""
        return records_arrivals(self.table)

    def known_values(self) -> dict[str, set[str]]:
        """The values each multi-valued filter can take here, keyed by URL parameter."""
        return option_values(self.options)

    def days(self, tz: str) -> pa.ChunkedArray:
        """Every row's local day in ``tz`` (computed once per zone, a few zones kept)."""
        return self._day_index(tz).days

    def _day_index(self, tz: str) -> DayIndex:
        return self._days.get(tz, lambda: DayIndex.of(local_days(self.table, tz)))

    def select(self, release_filter: ReleaseFilter, tz: str) -> pa.Array:
        """Positions of the rows that match, cached per filter (and zone, for dates)."""
        key = (release_filter, tz if release_filter.start or release_filter.end else None)
        return self._selections.get(key, _releasing(lambda: self.match(release_filter, tz)))

    def match(self, release_filter: ReleaseFilter, tz: str) -> pa.Array:
        """Positions of the rows that match, computed afresh (:meth:`select` caches them)."""
        if release_filter.start or release_filter.end:
            return self._match_dated(release_filter, self._day_index(tz))
        return pc.indices_nonzero(release_filter.mask(self.table, None, self.search))

    def _match_dated(self, release_filter: ReleaseFilter, index: DayIndex) -> pa.Array:
        """Filter only the blocks whose days can fall in the filter's date range."""
        parts = [
            pc.add(
                pc.indices_nonzero(
                    release_filter.mask(
                        self.table.slice(first, count),
                        index.days.slice(first, count),
                        self.search.slice(first, count),
                    )
                ),
                pa.scalar(first, pa.uint64()),
            )
            for first, count in index.runs(release_filter.start, release_filter.end)
        ]
        return pa.concat_arrays(parts) if parts else pa.array([], pa.uint64())

    def derived(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept for whoever asks with the same ``key`` next (every session
        shares it, so never modify what it returns). A few are kept, bounded by their rows."""
        return self._derived.get(key, _releasing(compute))

    def change_log(self) -> pa.Table:
        """The change log beside this catalog (see :mod:`~calendar_data.changes`), read once
        per version of its file and shared; empty for a remote catalog or none. Raises
        :class:`~calendar_data.changes.ChangeLogError` for a log that cannot be read."""
        log = self._log_path()
        if log is None:
            return changes.CHANGE_SCHEMA.empty_table()
        return self.derived(("change_log", file_signature(log)), lambda: changes.read_log(log))

    def known_with_history(self) -> dict[str, set[str]]:
        """:meth:`known_values` and the values of the releases the change log names (a feed
        lists their changes, a removed service's too), once per version of the log; the
        catalog's alone when the log cannot be read."""
        log = self._log_path()
        if log is None:
            return self.known_values()

        def merged() -> dict[str, set[str]]:
            try:
                return with_logged_values(self.known_values(), self.change_log())
            except changes.ChangeLogError:
                return self.known_values()

        return self.derived(("known_with_history", file_signature(log)), merged)

    def _log_path(self) -> Path | None:
        """Where the change log lies: beside a local catalog; a remote one keeps none."""
        origin = self.catalog.origin
        return None if "://" in origin else changes.change_log_path(origin)

    def selected_rows(
        self, release_filter: ReleaseFilter, tz: str, columns: list[str]
    ) -> tuple[pa.Table, pa.ChunkedArray]:
        """The ``columns`` of the rows that match (:meth:`select`), and their local days."""
        positions = self.select(release_filter, tz)
        return self.rows(positions, columns), self.days(tz).take(positions)

    def rows(self, positions: pa.Array, columns: list[str] | None = None) -> pa.Table:
        """The rows at ``positions``: ``columns``, or every column in schema order."""
        present = set(self.table.column_names) | set(self.shared)
        names = columns or [c for c in schema.COLUMN_NAMES if c in present]
        own = self.table.select([n for n in names if n not in self.shared]).take(positions)
        if own.num_columns == len(names):
            return own
        arrays, fields = [], []
        for name in names:
            shared = name in self.shared
            arrays.append(self.shared[name].take(positions) if shared else own.column(name))
            fields.append(schema.SCHEMA.field(name) if shared else own.schema.field(name))
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _whole(table: pa.Table) -> pa.Table:
    """``table`` in one piece per column: taking rows from a column in pieces (one per
    Parquet row group) costs several times more, and every view takes rows."""
    try:
        return table.combine_chunks()
    except pa.ArrowInvalid:  # a text column over 2 GB stays in pieces
        return table


def _releasing(compute: Callable[[], Any]) -> Callable[[], Any]:
    """``compute``, then give the memory it used for a moment back to the system (Arrow's
    allocator keeps freed pages otherwise: hundreds of MB after a few month views)."""

    def run():
        try:
            return compute()
        finally:
            pa.default_memory_pool().release_unused()

    return run


@dataclasses.dataclass(frozen=True)
class DayIndex:
    """A zone's local days and each block's first and last day (a zone map).

    Catalogs are written sorted by date, so a month's rows sit in a few consecutive blocks and
    a month view filters those instead of every row. Any order stays correct, only slower.
    """

    days: pa.ChunkedArray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, days: pa.ChunkedArray) -> DayIndex:
        numbers = days.cast(pa.int32())
        starts = np.arange(0, len(days), BLOCK_ROWS)
        if not len(starts):
            return cls(days, np.array([], np.int32), np.array([], np.int32))
        limits = np.iinfo(np.int32)
        # A block of undated rows gets low > high: no date range matches it.
        low = np.minimum.reduceat(pc.fill_null(numbers, limits.max).to_numpy(), starts)
        high = np.maximum.reduceat(pc.fill_null(numbers, limits.min).to_numpy(), starts)
        return cls(days, low, high)

    def runs(self, start: dt.date | None, end: dt.date | None) -> list[tuple[int, int]]:
        """``(first row, row count)`` of each run of blocks that may hold days in range."""
        hit = self.low <= self.high
        if start:
            hit &= self.high >= (start - EPOCH).days
        if end:
            hit &= self.low <= (end - EPOCH).days
        edges = np.flatnonzero(np.diff(np.concatenate([[0], hit.astype(np.int8), [0]])))
        rows = len(self.days)
        return [
            (first * BLOCK_ROWS, min(last * BLOCK_ROWS, rows) - first * BLOCK_ROWS)
            for first, last in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True)
        ]


def catalog_location() -> str:
    return os.environ.get(CATALOG_ENV) or str(DEFAULT_CATALOG)


def named_by_file(message: str) -> str:
    """``message`` naming the catalog (and the files beside it) by its file's name, without
    credentials: a viewer or a client of the export links learns why it failed, not where the
    server keeps it (the operator's log and the command line name the whole path)."""
    location = catalog_location()
    name = os.path.basename(location.rstrip("/")) or location
    if "://" in location:
        return without_credentials(message.replace(location, name))
    for spelled in (os.path.abspath(location), location):
        message = message.replace(spelled, name)
        folder = os.path.dirname(spelled)
        if folder:  # the files beside it too: its change log, its snapshot
            message = message.replace(folder + os.sep, "")
    return without_credentials(message)


#: The catalog's current version and the one before, which sessions may still be drawing.
_CATALOGS = Recent(entries=2)
#: The last version of each catalog file that loaded, served while a replacement is broken.
_LAST_GOOD: dict[str, LiveCatalog] = {}


def _open(location: str, signature: tuple) -> LiveCatalog:
    live = LiveCatalog.open(location, signature)
    _freeze_long_lived()
    return live


def _freeze_long_lived() -> None:
    """Leave the objects alive now (the imported libraries, the catalog) out of every later
    garbage collection.

    They live as long as the process, and Streamlit collects garbage after every script run
    (``runner.postScriptGC``), which walked them all every time (docs/scaling.md has the
    figures). Garbage is collected first, so none of it is kept for good; at exit they are
    handed back, so extension modules see their objects released.
    """
    gc.collect()
    gc.freeze()
    _unfreeze_at_exit()


@functools.cache
def _unfreeze_at_exit() -> None:
    """Register :func:`gc.unfreeze` at exit once, however often a catalog is frozen."""
    atexit.register(gc.unfreeze)


def prepare_snapshot(location: str | os.PathLike) -> None:
    """Write the snapshot of the catalog just written at ``location`` (``build`` and the
    importers do), so that the next server start memory-maps it instead of loading."""
    LiveCatalog.open(str(location))


def preload() -> threading.Thread:
    """Start loading the current catalog in the background (a server start calls this), so
    the first visitor finds it loaded; a visitor who comes sooner waits for the same load."""
    loading = threading.Thread(target=current_catalog, name="catalog-preload", daemon=True)
    loading.start()
    return loading


def current_catalog(
    waiting: AbstractContextManager | None = None,
) -> tuple[LiveCatalog | None, CatalogError | None]:
    """The catalog to serve, and why its file could not be loaded if it could not.

    When a replacement is broken, the last good version is served along with the error; with
    nothing good yet, there is no catalog. ``waiting`` is entered while this call loads a
    file (the page's spinner). Script runs and the export routes share what is loaded.
    """
    location = catalog_location()
    signature = file_signature(location)
    key = (location, signature)
    try:
        live = _CATALOGS.peek(key)
        if live is None:
            with waiting or nullcontext():
                live = _CATALOGS.get(key, lambda: _open(location, signature))
    except CatalogError as error:
        return _LAST_GOOD.get(location), error
    _LAST_GOOD[location] = live
    return live, None


#: What :func:`catalog_filtering` reads: the columns of :func:`filter_options`, and
#: ``first_seen`` (:func:`records_arrivals`).
FILTERED_COLUMNS = ("service", "genres", "kind", "release_type", "region", "first_seen")


def catalog_filtering(location: str | os.PathLike) -> tuple[dict[str, set[str]], bool]:
    """What the command line holds its filter flags to, as the dashboard and its links hold
    theirs, in one read of only the columns it needs: the values each multi-valued filter can
    take in the catalog at ``location`` (as :meth:`LiveCatalog.known_values`), and whether it
    records arrivals (:func:`records_arrivals`)."""
    table = load_catalog(location, FILTERED_COLUMNS).table
    return option_values(filter_options(table)), records_arrivals(table)


def records_arrivals(table: pa.Table) -> bool:
    """Whether ``table`` says when any of its releases arrived: a refreshed catalog."""
    return "first_seen" in table.column_names and table["first_seen"].null_count < table.num_rows


def with_logged_values(known: dict[str, set[str]], log: pa.Table | None) -> dict[str, set[str]]:
    """``known`` (a catalog's values, by URL parameter) and those of the releases its change
    ``log`` names: what a list of changes can be filtered by, the removed releases' too."""
    if log is None or not log.num_rows:
        return known
    logged = option_values(filter_options(log))
    return {param: known.get(param, set()) | logged.get(param, set()) for param in known}


def option_values(options: dict[str, list[tuple[str, int]]]) -> dict[str, set[str]]:
    return {param: {value for value, _ in counts} for param, counts in options.items()}


def filter_options(table: pa.Table) -> dict[str, list[tuple[str, int]]]:
    """Each filter's values with their row counts, most common first."""
    return {
        "service": _counts(table["service"]),
        "genre": _counts(pc.list_flatten(table["genres"])),
        "kind": _counts(table["kind"]),
        "type": _type_counts(table["release_type"]),
        "region": _counts(table["region"]),
    }


def _counts(values) -> list[tuple[str, int]]:
    return [(value, rows) for value, rows in value_counts(values) if value]


def _type_counts(release_types) -> list[tuple[str, int]]:
    per_type = dict(_counts(release_types))
    groups = [
        (group, sum(per_type.get(t, 0) for t in types)) for group, types in TYPE_GROUPS.items()
    ]
    return [(group, count) for group, count in groups if count]
