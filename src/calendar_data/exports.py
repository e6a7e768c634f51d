"""Exports of a catalog table: CSV for spreadsheets, JSON for scripts and iCalendar for
calendar apps.

The CSV is what ``calendar-data build`` reads back (lists ``|``-separated, cast
``Name=Character``, crew ``Name=role``), made safe to open in a spreadsheet: a text cell that a
spreadsheet would evaluate as a formula gets a leading ``'``. The JSON (an array of one
object per release, keyed by catalog column) is what ``build`` reads back too.

The iCalendar file holds one event per dated release. An event keeps its ``UID`` (the release
id) across builds, and its ``SEQUENCE`` counts the times the change log saw the release's date
move, so a subscribed calendar app moves the event instead of adding a second one. Values are
encoded by :mod:`icalendar`'s property types (which do the RFC 5545 escaping); the content
lines around them are assembled and folded here, several times faster than building and
serialising icalendar ``Event`` components (docs/scaling.md has the figures).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from icalendar import vCategory, vDDDTypes, vDuration, vText, vUri

from . import describe
from .catalog import is_text
from .days import as_utc, is_whole_month
from .filters import ReleaseFilter
from .schema import COLUMN_NAMES, KIND_NAMES
from .text import one_line, safe_url, slug

BOM = "\ufeff".encode()
LIST_SEPARATOR = "|"
#: A text cell starting with one of these is a formula (or hides one) in Excel, LibreOffice or
#: Google Sheets: ``= + - @``, their full-width forms, tab, CR and LF.
FORMULA_START = r"^([=+\-@\t\r\n＝＋－＠])"

PRODID = "-//calendar-data//Streaming release calendar//EN"
UID_DOMAIN = "calendar-data"
DEFAULT_DURATION = dt.timedelta(hours=1)
#: How often a subscribed calendar app should fetch the calendar again (``REFRESH-INTERVAL``,
#: and ``X-PUBLISHED-TTL`` for the apps that read that one).
REFRESH_INTERVAL = dt.timedelta(hours=12)
#: Line breaks of every flavour, normalised to LF before escaping.
LINE_BREAKS = r"\r\n?|[\x0b\x0c\x{85}\x{2028}\x{2029}]"
#: C0 and C1 controls other than tab and LF, which RFC 5545 TEXT does not allow.
CONTROLS = r"[\x00-\x08\x0e-\x1f\x7f\x{80}-\x{9f}]"
FOLD_OCTETS = 75

FORMATS = ("csv", "ics", "json")
MAX_FILENAME = 80


# --------------------------------------------------------------------------- CSV


def to_csv(table: pa.Table) -> bytes:
    """UTF-8 CSV (with a BOM, so Excel reads accents) of the table's catalog columns."""
    names = [name for name in COLUMN_NAMES if name in table.column_names]
    if not names:
        raise ValueError("nothing to export: the table has none of the catalog's columns")
    cells = pa.table([_csv_cells(table.column(name)) for name in names], names=names)
    sink = pa.BufferOutputStream()
    options = pacsv.WriteOptions(quoting_style="needed", eol="\r\n")
    pacsv.write_csv(cells, sink, write_options=options)
    return BOM + sink.getvalue().to_pybytes()


def _csv_cells(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """The column as the CSV writer should see it: text neutralised, lists joined."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if is_text(kind):
        return neutralise_formulas(column.cast(pa.string()))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return neutralise_formulas(_joined(column))
    if pa.types.is_timestamp(kind):
        return _iso_instants(column)
    return column


def neutralise_formulas(text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Prefix ``'`` to every cell a spreadsheet would read as a formula."""
    return pc.replace_substring_regex(text, FORMULA_START, r"'\1", max_replacements=1)


def _joined(lists: pa.ChunkedArray) -> pa.Array:
    """``a|b`` for lists of text; ``Name=Character`` / ``Name=role`` entries for people."""
    lists = lists.combine_chunks().cast(pa.list_(lists.type.value_type))
    values = lists.values
    if pa.types.is_struct(values.type):
        name, detail = pc.struct_field(values, 0), pc.struct_field(values, 1)
        values = pc.binary_join_element_wise(
            pc.fill_null(name.cast(pa.string()), ""),
            detail.cast(pa.string()),
            "=",
            null_handling="skip",
        )
    values = pc.fill_null(values.cast(pa.string()), "")
    rebuilt = pa.ListArray.from_arrays(lists.offsets, values, mask=lists.is_null())
    return pc.binary_join(rebuilt, LIST_SEPARATOR)


def _iso_instants(instants: pa.ChunkedArray) -> pa.ChunkedArray:
    """``2023-11-05T08:30:00Z``; fractions of a second only when there are any."""
    # Without its zone a timestamp keeps its UTC value and casts to text 20 times faster.
    text = instants.cast(pa.timestamp(instants.type.unit)).cast(pa.string())
    text = pc.replace_substring(text, " ", "T", max_replacements=1)
    return pc.binary_join_element_wise(pc.replace_substring_regex(text, r"\.0+$", ""), "Z", "")


# --------------------------------------------------------------------------- JSON


def to_json(table: pa.Table) -> bytes:
    """A JSON array with one object per row holding every catalog column of the table (null
    when empty), one row per line. Dates are ``YYYY-MM-DD``, instants ``...Z`` in UTC; lists,
    cast and crew stay lists and objects."""
    names = [name for name in COLUMN_NAMES if name in table.column_names]
    if not names:
        raise ValueError("nothing to export: the table has none of the catalog's columns")
    return json_bytes(table.select(names))


def json_bytes(table: pa.Table) -> bytes:
    """Any table (a catalog's or a change log's) as a JSON array of objects, one per line."""
    records = pa.table([_json_cells(column) for column in table.columns], names=table.column_names)
    lines = (json.dumps(record, ensure_ascii=False) for record in records.to_pylist())
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode()


def _json_cells(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Categories as their text; dates and instants as ISO 8601 text."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_timestamp(column.type):
        return _iso_instants(column)
    if pa.types.is_date(column.type):
        return column.cast(pa.string())
    return column


# --------------------------------------------------------------------------- iCalendar

#: Columns an event is made of; the ones missing from a table count as empty.
ICS_COLUMNS = (
    *describe.LABEL_COLUMNS,
    "runtime_minutes",
    "synopsis",
    "service",
    "release_date",
    "release_at",
    "status",
    "homepage_url",
    "source_url",
    "updated_at",
)
ONE_LINE_TEXT = ("release_id", "title", "kind", "release_type", "service", "status")
STATUS_PROPERTY = {"confirmed": b"CONFIRMED", "tentative": b"TENTATIVE"}


def to_ics(
    table: pa.Table,
    calendar_name: str,
    *,
    now: dt.datetime | None = None,
    changes: pa.Table | None = None,
) -> bytes:
    """An iCalendar file with one event per dated release (undated, tba rows are left out).

    Releases with a known instant are timed UTC events; the others are all-day events.
    ``changes`` is the catalog's change log (see :mod:`calendar_data.changes`): an event's
    ``SEQUENCE`` is the number of times its release's date moved, and its ``LAST-MODIFIED``
    (and ``DTSTAMP``) the latest of the row's ``updated_at`` and its last recorded change.
    Without either, ``DTSTAMP`` is ``now`` (default: the current time), so passing ``now``
    makes the output reproducible.
    """
    for needed in ("release_id", "title"):
        if needed not in table.column_names:
            raise ValueError(f"cannot export to iCalendar: the table has no {needed} column")
    stamp = as_utc(now or dt.datetime.now(dt.UTC))
    name = vText(one_line(calendar_name, 300))
    refresh = vDuration(REFRESH_INTERVAL).to_ical()
    lines = [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        _line("PRODID", vText(PRODID)),
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        _line("NAME", name),
        _line("X-WR-CALNAME", name),
        b"REFRESH-INTERVAL;VALUE=DURATION:" + refresh,
        b"X-PUBLISHED-TTL:" + refresh,
    ]
    revisions = _revisions(changes)
    for row in _dated_rows(table):
        lines += _event_lines(row, stamp, revisions.get(row["release_id"], NEVER_CHANGED))
    lines.append(b"END:VCALENDAR")
    return b"".join(_fold(line) + b"\r\n" for line in lines)


def _dated_rows(table: pa.Table) -> list[dict]:
    """Rows with a date or an instant, their text cleaned of control characters."""
    when = [name for name in ("release_date", "release_at") if name in table.column_names]
    if not when:
        raise ValueError("cannot export to iCalendar: the table has no release_date column")
    dated = pc.is_valid(table[when[0]])
    if len(when) == 2:
        dated = pc.or_(dated, pc.is_valid(table[when[1]]))
    table = table.filter(dated)
    columns = {}
    for name in ICS_COLUMNS:
        if name not in table.column_names:
            continue
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if is_text(column.type):
            column = _clean_text(column.cast(pa.string()), one_line=name in ONE_LINE_TEXT)
        columns[name] = column
    return pa.table(columns).to_pylist()


def _clean_text(text: pa.ChunkedArray, one_line: bool) -> pa.ChunkedArray:
    """Line breaks of any kind become LF (or a space); other control characters go."""
    text = pc.replace_substring_regex(text, LINE_BREAKS, " " if one_line else "\n")
    text = pc.replace_substring_regex(text, CONTROLS, "")
    return pc.replace_substring(text, "\n", " ") if one_line else text


class Revision(NamedTuple):
    """What the change log says of one release: how many times its date moved, and when it
    last changed at all."""

    moves: int
    changed_at: dt.datetime | None


NEVER_CHANGED = Revision(0, None)


def _revisions(changes: pa.Table | None) -> dict[str, Revision]:
    """The :class:`Revision` of each release the change log ``changes`` names."""
    if changes is None or not changes.num_rows:
        return {}
    moved = pc.equal(changes["change"], "date_moved").cast(pa.int64())
    per_release = (
        pa.table({"release_id": changes["release_id"], "moved": moved, "at": changes["changed_at"]})
        .group_by("release_id")
        .aggregate([("moved", "sum"), ("at", "max")])
    )
    return {
        release_id: Revision(moves, changed_at)
        for release_id, moves, changed_at in zip(
            *(per_release[name].to_pylist() for name in ("release_id", "moved_sum", "at_max")),
            strict=True,
        )
    }


def _event_lines(row: Mapping, stamp: dt.datetime, revision: Revision) -> list[bytes]:
    start, end = _event_span(row)
    updated = as_utc(row.get("updated_at"))
    modified = max(filter(None, (updated, as_utc(revision.changed_at))), default=None)
    lines = [
        b"BEGIN:VEVENT",
        _line("UID", vText(f"{row['release_id']}@{UID_DOMAIN}")),
        _time_line("DTSTAMP", modified or stamp),
        b"SEQUENCE:%d" % revision.moves,
    ]
    if modified:
        lines.append(_time_line("LAST-MODIFIED", modified))
    lines += [
        _time_line("DTSTART", start),
        _time_line("DTEND", end),
        _line("SUMMARY", vText(describe.release_label(row, counted=False))),
        _line("DESCRIPTION", vText(_description(row))),
        b"TRANSP:TRANSPARENT",
    ]
    if row.get("service"):
        lines.append(b"CATEGORIES:" + _category_value(row["service"]))
    if row.get("status") in STATUS_PROPERTY:
        lines.append(b"STATUS:" + STATUS_PROPERTY[row["status"]])
    url = _event_url(row)
    if url:
        lines.append(_line("URL", vUri(url)))
    lines.append(b"END:VEVENT")
    return lines


def _event_span(row: Mapping) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    """The whole day (end exclusive) without a known instant, else from the instant for the
    runtime of every episode in the release, or an hour when the runtime is unknown."""
    start = as_utc(row.get("release_at"))
    if start is None:
        day = row["release_date"]
        return day, day + dt.timedelta(days=1)
    minutes = row.get("runtime_minutes") or 0
    episodes = describe.episode_total(row)
    if minutes <= 0 or episodes <= 0:
        return start, start + DEFAULT_DURATION
    return start, start + dt.timedelta(minutes=minutes * episodes)


def _description(row: Mapping) -> str:
    """What lands, which episodes, how long, how sure; then the synopsis."""
    what = (KIND_NAMES.get(row.get("kind"), ""), _label(row.get("release_type")))
    lines = [" · ".join(dict.fromkeys(w for w in what if w)), describe.episodes_in_words(row)]
    minutes = row.get("runtime_minutes")
    if minutes:
        per_episode = row.get("kind") not in (None, "movie")
        lines.append(f"Runtime: {minutes} min" + (" per episode" if per_episode else ""))
    if row.get("status") == "tentative":
        lines.append("Date: tentative")
    lines = [line for line in lines if line]
    if row.get("synopsis"):
        lines += ["", row["synopsis"]] if lines else [row["synopsis"]]
    return "\n".join(lines)


def _label(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else ""


def _event_url(row: Mapping) -> str | None:
    for name in ("homepage_url", "source_url"):
        url = safe_url(row.get(name))
        if url:
            return url
    return None


def _line(name: str, value) -> bytes:
    """``NAME:value`` with the value encoded by its icalendar property type."""
    return name.encode() + b":" + value.to_ical()


def _time_line(name: str, moment: dt.date | dt.datetime) -> bytes:
    return name.encode() + _time_value(moment)


@lru_cache(maxsize=4096)
def _time_value(moment: dt.date | dt.datetime) -> bytes:
    """``;VALUE=DATE:20231105`` or ``:20231105T083000Z``. Cached: dates repeat a lot."""
    params = b"" if isinstance(moment, dt.datetime) else b";VALUE=DATE"
    return params + b":" + vDDDTypes(moment).to_ical()


@lru_cache(maxsize=1024)
def _category_value(service: str) -> bytes:
    return vCategory([service]).to_ical()


def _fold(line: bytes) -> bytes:
    """Fold at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character or an escape."""
    if len(line) <= FOLD_OCTETS:
        return line
    pieces, start, limit = [], 0, FOLD_OCTETS
    while len(line) - start > limit:
        end = start + limit
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        if line[end - 1] == ord("\\"):  # keep a backslash escape on one line
            end -= 1
        pieces.append(line[start:end])
        start, limit = end, FOLD_OCTETS - 1  # a continuation line starts with a space
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


# --------------------------------------------------------------------------- spoilers

#: What would spoil an episode for someone who has not watched it.
SPOILER_COLUMNS = ("synopsis", "episode_titles")


def spoilers_shown(values: Sequence[str]) -> bool:
    """Whether a link's ``spoilers`` values (the last one counts) keep spoilers: all but ``0``
    do (:func:`~calendar_data.filters.read_view` names any value but ``0`` and ``1``)."""
    return not values or values[-1] != "0"


def without_spoilers(table: pa.Table) -> pa.Table:
    """``table`` with its synopses and episode titles emptied; in a change log's table, an
    ``episodes_changed`` row keeps its episode numbers and loses their titles."""
    for name in SPOILER_COLUMNS:
        if name in table.column_names:
            field = table.schema.field(name)
            empty = pa.nulls(table.num_rows, field.type)
            table = table.set_column(table.column_names.index(name), field, empty)
    if "change" in table.column_names:
        episodes = pc.equal(table["change"], "episodes_changed")
        for name in ("old_value", "new_value"):
            # changes.episodes_text: "E1-E4 · 4 episodes: Pilot | Two | ..."
            numbers = pc.replace_substring_regex(table[name], r"(?s): .*", "")
            kept = pc.if_else(episodes, numbers, table[name])
            table = table.set_column(table.column_names.index(name), name, kept)
    return table


# --------------------------------------------------------------------------- file names


def export_bytes(
    fmt: str,
    table: pa.Table,
    release_filter: ReleaseFilter,
    *,
    changes: pa.Table | None = None,
    spoilers: bool = True,
) -> bytes:
    """``table`` (the rows ``release_filter`` selected) as a CSV, JSON or iCalendar file; the
    calendar is named after the filter and revises its events from the change log ``changes``
    (see :func:`to_ics`). ``spoilers=False`` leaves episode titles and synopses out."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if not spoilers:
        table = without_spoilers(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "json":
        return to_json(table)
    return to_ics(table, calendar_name=release_filter.short_name(), changes=changes)


def export_filename(release_filter: ReleaseFilter, fmt: str) -> str:
    """A safe file name describing the filter, e.g. ``releases_netflix_2023-11.csv``.

    Only ``[a-z0-9_-]`` and the extension's dot appear, it starts with ``releases`` and is at
    most ``MAX_FILENAME`` characters, whatever the filter holds.
    """
    extension = fmt.lower().lstrip(".")
    if extension not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    f = release_filter
    parts = ["releases", _slug_join(f.services) or "all", _date_part(f.start, f.end)]
    parts += [_slug_join(values) for values in (f.genres, f.kinds, f.types, f.regions)]
    stem = "_".join(part for part in parts if part)
    stem = stem[: MAX_FILENAME - len(extension) - 1].rstrip("_-")
    return f"{stem}.{extension}"


def _slug_join(values: tuple[str, ...]) -> str:
    return "-".join(s for s in map(slug, values) if s)


def _date_part(start: dt.date | None, end: dt.date | None) -> str:
    if start and end and is_whole_month(start, end):
        return start.strftime("%Y-%m")
    if start and end:
        return f"{start.isoformat()}_{end.isoformat()}"
    if start:
        return f"from-{start.isoformat()}"
    if end:
        return f"to-{end.isoformat()}"
    return ""
