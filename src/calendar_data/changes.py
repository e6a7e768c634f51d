"""The change log: what each build or import changed in a catalog, kept beside it.

Every ``calendar-data build`` and ``import`` compares the catalog it publishes with the one it
replaces, release by release (by ``release_id``), and appends one row per change to
``<catalog stem>.changes.parquet`` in the catalog's folder (:func:`change_log_path`):

- ``added``: a release the old catalog did not have;
- ``removed``: a release the new catalog no longer has;
- ``date_moved``: ``release_date`` differs (``old_value``/``new_value`` hold the ISO dates);
- ``status_changed``: ``status`` differs (e.g. ``tentative`` -> ``confirmed``);
- ``episodes_changed``: the episode numbers, count or titles differ;
- ``arrived`` and ``left`` (recorded by ``calendar-data refresh`` only, see
  :mod:`calendar_data.arrivals`): a title showed up on a service in a region, or left it.

Each row also carries the release's own filterable columns (its new values; a removed
release's last ones), so :func:`read_changes` filters changes with the same
:class:`~calendar_data.filters.ReleaseFilter` as releases. The first catalog written at a path
records nothing: there is nothing it changed. The log is rewritten whole and atomically on
each append, and a log that cannot be read is left as it is, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import describe, schema
from .catalog import load_catalog
from .days import day_start, local_days
from .files import atomic_write, interrupts_deferred
from .filters import ReleaseFilter
from .text import one_line

LOG_SUFFIX = ".changes.parquet"
#: The kinds of change, in the order a batch lists them, and their names.
CHANGE_LABELS = {
    "added": "Added",
    "removed": "Removed",
    "date_moved": "Date moved",
    "status_changed": "Status changed",
    "episodes_changed": "Episodes changed",
    "arrived": "Arrived",
    "left": "Left",
}
#: The release's columns kept on each change row: what filters, labels and links need.
CARRIED = (
    *describe.LABEL_COLUMNS,
    "title_id",
    "original_title",
    "genres",
    "cast",
    "crew",
    "service",
    "region",
    "release_date",
    "release_at",
)
EPISODE_COLUMNS = ("episode_start", "episode_end", "episode_count", "episode_titles")
COMPARED = ("release_date", "status", *EPISODE_COLUMNS)
#: Catalog columns read to compare two catalogs.
READ = tuple(dict.fromkeys((*CARRIED, *COMPARED)))


def _carried_type(name: str) -> pa.DataType:
    kind = schema.COLUMNS_BY_NAME[name].type
    return pa.string() if kind == schema.CATEGORY else kind


CHANGE_SCHEMA = pa.schema(
    [
        pa.field("changed_at", schema.TIMESTAMP, nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("change", pa.string(), nullable=False),
        *(pa.field(name, _carried_type(name)) for name in CARRIED),
        pa.field("old_value", pa.string()),
        pa.field("new_value", pa.string()),
        pa.field("old_date", pa.date32()),
        pa.field("new_date", pa.date32()),
    ]
)
CHANGE_COLUMNS = tuple(CHANGE_SCHEMA.names)


class ChangeLogError(ValueError):
    """A change log that cannot be read; the message names the file."""


def change_log_path(catalog: str | os.PathLike) -> Path:
    """``data/catalog.changes.parquet`` for ``data/catalog.parquet`` (or a ``data/catalog``
    folder): beside the catalog, never inside a partitioned one."""
    path = Path(os.fspath(catalog).rstrip("/"))
    stem = path.name[: -len(".parquet")] if path.name.endswith(".parquet") else path.name
    return path.with_name(stem + LOG_SUFFIX)


# --------------------------------------------------------------------------- comparing


def diff_catalogs(
    old: pa.Table, new: pa.Table, *, changed_at: dt.datetime, source: str
) -> pa.Table:
    """The changes from ``old`` to ``new`` (catalog tables holding :data:`READ`), as rows of
    :data:`CHANGE_SCHEMA`: added and removed releases first, then each kind of change."""
    old, new = _comparable(old), _comparable(new)
    kept = pc.is_in(new["release_id"], value_set=old["release_id"])
    still = pc.is_in(old["release_id"], value_set=new["release_id"])
    after = new.filter(kept)
    before = old.take(pc.index_in(after["release_id"], value_set=old["release_id"]))
    pieces = [
        _added_or_removed(new.filter(pc.invert(kept)), "added"),
        _added_or_removed(old.filter(pc.invert(still)), "removed"),
    ]
    moved = _differs(before["release_date"], after["release_date"])
    pieces.append(_changed(before, after, moved, "date_moved", _iso_dates))
    status = _differs(before["status"], after["status"])
    pieces.append(_changed(before, after, status, "status_changed", lambda t: t["status"]))
    episodes = reduce(pc.or_, (_differs(before[name], after[name]) for name in EPISODE_COLUMNS))
    pieces.append(_changed(before, after, episodes, "episodes_changed", _episodes_values))
    changes = pa.concat_tables(pieces)
    stamp = pa.array([changed_at] * changes.num_rows, schema.TIMESTAMP)
    changes = changes.add_column(0, "source", pa.array([source] * changes.num_rows, pa.string()))
    return changes.add_column(0, "changed_at", stamp).select(CHANGE_COLUMNS).cast(CHANGE_SCHEMA)


def _comparable(table: pa.Table) -> pa.Table:
    """The ``READ`` columns, categories as plain text, in one chunk each."""
    columns = {}
    for name in READ:
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns[name] = column
    return pa.table(columns).combine_chunks()


def _differs(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.Array:
    """``a != b`` where two nulls are equal and a null differs from any value."""
    if pa.types.is_list(a.type):
        a, b = _joined_titles(a), _joined_titles(b)
    same = pc.fill_null(pc.equal(a, b), False)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.invert(pc.or_(same, both_null))


def _joined_titles(titles: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each list of titles as one text (a null list stays null), so lists compare by value."""
    joined = pc.binary_join(titles, "\x1f")
    return pc.if_else(pc.is_null(titles), pa.scalar(None, pa.string()), joined)


def _added_or_removed(rows: pa.Table, change: str) -> pa.Table:
    """Releases in one catalog only: their date is the ``new_date`` of an added one, the
    ``old_date`` of a removed one."""
    dates, nothing = rows["release_date"], pa.nulls(rows.num_rows, pa.date32())
    added = change == "added"
    return _rows(
        rows,
        change,
        old=pa.nulls(rows.num_rows, pa.string()),
        new=pa.nulls(rows.num_rows, pa.string()),
        old_date=nothing if added else dates,
        new_date=dates if added else nothing,
    )


def _changed(before: pa.Table, after: pa.Table, mask, change: str, values) -> pa.Table:
    """Releases in both catalogs where ``mask`` holds; ``values(table)`` is the text of what
    changed, on each side."""
    before, after = before.filter(mask), after.filter(mask)
    return _rows(
        after,
        change,
        old=values(before),
        new=values(after),
        old_date=before["release_date"],
        new_date=after["release_date"],
    )


def _rows(release: pa.Table, change: str, *, old, new, old_date, new_date) -> pa.Table:
    columns = {"change": pa.array([change] * release.num_rows, pa.string())}
    columns.update({name: release[name] for name in CARRIED})
    columns.update(old_value=old, new_value=new, old_date=old_date, new_date=new_date)
    return pa.table(columns)


def _iso_dates(table: pa.Table) -> pa.Array:
    """``2023-11-02``, or ``tba`` for an undated release."""
    return pc.fill_null(table["release_date"].cast(pa.string()), "tba")


def _episodes_values(table: pa.Table) -> pa.Array:
    """``E1-E4 · 4 episodes: Pilot | Two | Three | Four`` for each row."""
    rows = table.select(["kind", "release_type", *EPISODE_COLUMNS]).to_pylist()
    return pa.array([episodes_text(row) for row in rows], pa.string())


def episodes_text(row: Mapping) -> str:
    """What a release's episodes are, titles included, as one line of text."""
    numbers = describe.episodes({**row, "season": None}) or "no episode numbers"
    titles = [title for title in row.get("episode_titles") or () if title]
    return numbers + (": " + " | ".join(titles) if titles else "")


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class Snapshot:
    """The catalog a write is about to replace: its table, or why there is none to compare."""

    table: pa.Table | None
    problem: str = ""


def snapshot(catalog: str | os.PathLike) -> Snapshot:
    """The columns of the catalog at ``catalog`` that a comparison needs, read before a write
    replaces it. Never raises: no catalog yet, or an unreadable one, is said in the result."""
    if not Path(catalog).exists():
        return Snapshot(None)
    try:
        return Snapshot(load_catalog(catalog, columns=list(READ)).table)
    except Exception as exc:  # whatever it is, the write must go ahead
        return Snapshot(None, f"the catalog it replaced could not be read ({exc})")


def record_changes(
    before: Snapshot,
    catalog: str | os.PathLike,
    source: str,
    *,
    now: dt.datetime | None = None,
    more: pa.Table | None = None,
) -> list[str]:
    """Append what changed from ``before`` to the catalog now at ``catalog`` to its change log,
    then ``more`` change rows (a refresh's arrivals); return warnings. Never raises: the catalog
    is already published, and a change log that cannot be updated must not fail the command
    that published it."""
    if before.table is None:
        return [_not_updated(catalog, before.problem)] if before.problem else []
    with interrupts_deferred():  # a Ctrl-C now would leave the published catalog unlogged
        try:
            after = load_catalog(catalog, columns=list(READ)).table
            changed_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
            changes = diff_catalogs(before.table, after, changed_at=changed_at, source=source)
            if more is not None:
                changes = pa.concat_tables([changes, more.cast(CHANGE_SCHEMA)])
            if changes.num_rows:
                append_changes(change_log_path(catalog), changes)
        except Exception as exc:  # the catalog is published: say why its log is not, go on
            return [_not_updated(catalog, str(exc) or type(exc).__name__)]
    return []


def _not_updated(catalog: str | os.PathLike, why: str) -> str:
    return f"{change_log_path(catalog)}: change log not updated: {why}"


def append_changes(log: str | os.PathLike, changes: pa.Table) -> None:
    """Add ``changes`` (rows of :data:`CHANGE_SCHEMA`) to the log at ``log``, atomically."""
    existing = read_log(log)
    table = pa.concat_tables([existing, changes.cast(CHANGE_SCHEMA)])
    atomic_write(log, lambda handle: pq.write_table(table, handle, compression="zstd"))


# --------------------------------------------------------------------------- reading


def read_changes(log: str | os.PathLike, **selection) -> pa.Table:
    """The changes in the log at ``log`` that ``selection`` picks (see
    :func:`select_changes`), newest first. A missing log is an empty one; an unreadable one
    raises :class:`ChangeLogError`."""
    return select_changes(read_log(log), **selection)


def select_changes(
    table: pa.Table,
    *,
    since: dt.date | dt.datetime | None = None,
    release_filter: ReleaseFilter | None = None,
    title_id: str | None = None,
    tz: str = "UTC",
    catalog: pa.Table | None = None,
) -> pa.Table:
    """The rows of a change log ``table``, newest first: those recorded on or after ``since``
    (a date is a day in ``tz``, where the changes are shown), of releases ``release_filter``
    selects (its dates are the release's local days in ``tz``, as for releases), of one title
    when ``title_id`` is given. ``catalog`` (its ``release_id`` and ``first_seen``) tells
    when each release arrived, which a change row does not hold: a filter's
    ``arrived_since`` needs it."""
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = day_start(since, tz)
        since = pa.scalar(since, schema.TIMESTAMP)
        table = table.filter(pc.greater_equal(table["changed_at"], since))
    if title_id is not None:
        table = table.filter(pc.equal(table["title_id"], title_id))
    if release_filter is not None:
        if release_filter.arrived_since is not None and catalog is not None:
            table = _with_arrivals(table, catalog)
        table = _selected(table, release_filter, tz)
    # Newest first; within one build, in the order it recorded them.
    order = pc.sort_indices(
        pa.table({"at": table["changed_at"], "n": pa.array(range(table.num_rows))}),
        sort_keys=[("at", "descending"), ("n", "ascending")],
    )
    return table.take(order)


def _with_arrivals(table: pa.Table, catalog: pa.Table) -> pa.Table:
    """The change rows with when their release arrived (``first_seen``), from ``catalog``;
    null for a release it no longer holds, whose changes no ``arrived_since`` then selects."""
    if "first_seen" not in catalog.column_names:
        return table
    ids = catalog["release_id"].combine_chunks()
    positions = pc.index_in(table["release_id"], value_set=ids)
    return table.append_column("first_seen", catalog["first_seen"].take(positions))


def _selected(table: pa.Table, release_filter: ReleaseFilter, tz: str) -> pa.Table:
    """The changes of the releases ``release_filter`` selects, on their day before the change
    too: a release that moved out of the filter's dates is news to whoever follows them."""
    days = local_days(table, tz)
    matches = release_filter.mask(table, days)
    if release_filter.start or release_filter.end:
        matches = pc.or_(matches, release_filter.mask(table, _days_before(table, days)))
    return table.filter(matches)


def _days_before(table: pa.Table, days: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each change's release's local day before it: its old date, moved as its new date is
    to become its day in the zone (a timed release's day may be its date's neighbour; one
    that moved to tba has no new day, and its old date is taken as it is)."""
    shift = pc.subtract(days.cast(pa.int32()), table["release_date"].cast(pa.int32()))
    moved = pc.add(table["old_date"].cast(pa.int32()), pc.fill_null(shift, 0))
    return moved.cast(pa.date32())


def read_log(log: str | os.PathLike) -> pa.Table:
    """The whole change log at ``log``, in the order it was recorded; a missing one is empty,
    an unreadable one raises :class:`ChangeLogError`."""
    log = Path(log)
    if not log.exists():
        return CHANGE_SCHEMA.empty_table()
    try:
        table = pq.read_table(log)
        return table.select(CHANGE_COLUMNS).cast(CHANGE_SCHEMA)
    except (pa.ArrowException, OSError, KeyError, ValueError) as exc:
        raise ChangeLogError(f"{log}: not a readable change log ({exc})") from exc


def change_line(row: Mapping) -> str:
    """One change as a line of plain text: when, what, which release, recorded by what."""
    at = row["changed_at"].astimezone(dt.UTC)
    source = one_line(row["source"], 200)
    release = describe.release_label(row)
    return f"{at:%Y-%m-%d %H:%M} UTC  {describe_change(row)}  {release}  [{source}]"


def describe_change(row: Mapping) -> str:
    """``Date moved: 2023-11-02 -> 2023-11-09``, ``Status changed: tentative -> confirmed``,
    ``Added``, ``Arrived on Netflix in GB``: what happened to a release, as one line."""
    label = CHANGE_LABELS.get(row["change"], row["change"])
    if row["change"] in ("added", "removed"):
        return label
    if row["change"] in ("arrived", "left"):
        service = one_line(row.get("service"), 100) or "a service"
        where = f" in {one_line(row['region'], 10)}" if row.get("region") else " worldwide"
        return f"{'Arrived on' if row['change'] == 'arrived' else 'Left'} {service}{where}"
    old, new = one_line(row.get("old_value"), 300), one_line(row.get("new_value"), 300)
    return f"{label}: {old or 'none'} → {new or 'none'}"
