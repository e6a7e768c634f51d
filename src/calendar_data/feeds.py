"""An Atom 1.0 feed (RFC 4287) of the releases a filter selects, and of their changes.

One entry per release and one per recorded change (see :mod:`calendar_data.changes`). Entry
ids are ``urn:uuid:`` names derived from the release id (and, for a change, from what changed
and when), so they are stable across rebuilds: a feed reader shows a release once and updates
it when its ``updated`` instant moves. The XML is built with :mod:`xml.etree.ElementTree`,
which escapes every text and attribute; characters XML 1.0 cannot hold are dropped first. The
elements are unprefixed under the root's ``xmlns``, as Atom's attributes are unqualified.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import replace
from urllib.parse import urlencode, urljoin

import pyarrow as pa

from . import describe
from .catalog import SourceInfo
from .changes import describe_change
from .days import as_utc, local_day
from .exports import ICS_COLUMNS, without_spoilers
from .filters import ReleaseFilter
from .params import MULTI_PARAMS, QUERY, SPOILERS, TIMEZONE, TITLE
from .text import clean, one_line, safe_url

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
GENERATOR = "calendar-data"
AUTHOR = "calendar-data"
#: The filter's fields whose values' order means nothing.
_SET_FIELDS = (*MULTI_PARAMS.values(), "titles")
#: The namespace of every id this feed makes; fixed, so ids never change.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:calendar-data:atom")
#: Everything XML 1.0 cannot hold (C0 controls but tab and line breaks, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Columns an entry is made of; the ones missing from a table count as empty.
ENTRY_COLUMNS = (*ICS_COLUMNS, "title_id", "release_tz", "release_window", "updated_at")
#: Changes after which the release is no longer in the catalog.
GONE = ("removed", "left")
CHANGE_ENTRY_COLUMNS = (
    *ENTRY_COLUMNS, "region", "changed_at", "source", "change", "old_value", "new_value"
)  # fmt: skip


def to_atom(
    releases: pa.Table,
    release_filter: ReleaseFilter,
    *,
    feed_url: str,
    changes: pa.Table | None = None,
    updated: dt.datetime | None = None,
    sources: Iterable[SourceInfo] = (),
    tz: str = "UTC",
    spoilers: bool = True,
) -> bytes:
    """The feed of ``releases`` (the rows ``release_filter`` selected) and ``changes`` (rows of
    the change log, newest first), as UTF-8 XML.

    ``feed_url`` is the feed's own address (its ``rel="self"`` link); ``updated`` is when the
    catalog was generated, the ``updated`` of releases without an ``updated_at`` (default: now,
    so pass it for a reproducible feed); ``sources`` are credited in ``<rights>``; ``tz`` is the
    zone the filter's dates are read in and the entries' days and times are told in, which
    names the feed apart from other zones';
    ``spoilers=False`` leaves episode titles and synopses out (see :func:`without_spoilers`).
    """
    if not spoilers:
        releases = without_spoilers(releases)
        changes = None if changes is None else without_spoilers(changes)
    fallback = as_utc(updated) or dt.datetime.now(dt.UTC).replace(microsecond=0)
    entries = [_change_entry(row, tz, feed_url) for row in _rows(changes, CHANGE_ENTRY_COLUMNS)]
    entries += [
        _release_entry(row, fallback, tz, feed_url) for row in _rows(releases, ENTRY_COLUMNS)
    ]
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "id", feed_id(release_filter, tz, spoilers))
    _add(feed, "title", f"Streaming releases · {release_filter.short_name()}")
    _add(feed, "updated", _rfc3339(max([fallback, *(when for when, _ in entries)])))
    author = _add(feed, "author")
    _add(author, "name", AUTHOR)
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "generator", GENERATOR)
    credits = _credits(sources, releases)
    if credits:
        _add(feed, "rights", " · ".join(credits))
    feed.extend(entry for _, entry in entries)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _credits(sources: Iterable[SourceInfo], releases: pa.Table) -> list[str]:
    """The attribution of each source the feed's releases come from, once each (of every
    source, for rows that do not say, or a feed of changes only, whose data came from them)."""
    says = "source" in releases.column_names and releases.num_rows
    named = set(releases["source"].to_pylist()) if says else None
    credits = (
        source.attribution or source.name
        for source in sources
        if named is None or source.name in named
    )
    return list(dict.fromkeys(credit for credit in credits if credit))


def feed_id(release_filter: ReleaseFilter, tz: str = "UTC", spoilers: bool = True) -> str:
    """The same ``urn:uuid:`` for the same filter (zone, and spoilers), wherever the feed is
    served and in whatever order its link names the values."""
    sets = {field: tuple(sorted(getattr(release_filter, field))) for field in _SET_FIELDS}
    params = replace(release_filter, **sets).to_query_params()
    if tz != "UTC":
        params[TIMEZONE] = [tz]
    if not spoilers:
        params[SPOILERS] = ["0"]
    return _urn("feed?" + urlencode(params, doseq=True))


def release_entry_id(release_id: str) -> str:
    return _urn(f"release:{release_id}")


def change_entry_id(row: Mapping) -> str:
    """One id per change: the release, the kind of change, when, and its two values."""
    at = row["changed_at"].astimezone(dt.UTC).isoformat()
    parts = (row["release_id"], row["change"], at, row.get("old_value"), row.get("new_value"))
    return _urn("change:" + "\x1f".join(str(part or "") for part in parts))


# --------------------------------------------------------------------------- entries


def _release_entry(
    row: Mapping, fallback: dt.datetime, tz: str, feed_url: str
) -> tuple[dt.datetime, ET.Element]:
    updated = as_utc(row.get("updated_at")) or fallback
    entry = ET.Element("entry")
    _add(entry, "id", release_entry_id(row["release_id"]))
    _add(entry, "title", f"{describe.release_label(row)} · {_day(row, tz)}")
    _add(entry, "updated", _rfc3339(updated))
    _add(entry, "content", _details(row, tz), type="text")
    _link(entry, row, feed_url)
    _service_category(entry, row)
    return updated, entry


def _change_entry(row: Mapping, tz: str, feed_url: str) -> tuple[dt.datetime, ET.Element]:
    updated = as_utc(row["changed_at"])
    what = describe_change(row)
    entry = ET.Element("entry")
    _add(entry, "id", change_entry_id(row))
    _add(entry, "title", f"{what} · {describe.release_label(row)}")
    _add(entry, "updated", _rfc3339(updated))
    source = f"Recorded by: {one_line(row['source'], 200)}" if row.get("source") else ""
    body = "\n".join(line for line in (what, f"Release date: {_day(row, tz)}", source) if line)
    _add(entry, "content", body + "\n\n" + _details(row, tz), type="text")
    _link(entry, row, feed_url)
    _service_category(entry, row)
    _add(entry, "category", term=row["change"])
    return updated, entry


def _service_category(entry: ET.Element, row: Mapping) -> None:
    if row.get("service"):
        _add(entry, "category", term=one_line(row["service"], 200))


def _day(row: Mapping, tz: str) -> str:
    """The release's day in ``tz`` (the day the feed's filter and the calendar put it on)."""
    day = local_day(row, tz)
    if day is None:
        window = one_line(row.get("release_window"), 60)
        return f"date to be announced{f' ({window})' if window else ''}"
    return day.isoformat() + (" (tentative)" if row.get("status") == "tentative" else "")


def _details(row: Mapping, tz: str) -> str:
    """What lands, when (in ``tz``), how long; then the synopsis."""
    what = describe.RELEASE_TYPE_NAMES.get(row.get("release_type") or "", "")
    lines = [what, describe.release_time(row, tz), describe.runtime(row)]
    if row.get("status") == "tentative":
        lines.append("Date: tentative")
    text = "\n".join(line for line in lines if line)
    synopsis = clean(row.get("synopsis"), 4000)
    return f"{text}\n\n{synopsis}" if synopsis else text


def _link(entry: ET.Element, row: Mapping, feed_url: str) -> None:
    """The release's own page (its homepage, else its source's), else a page of the dashboard
    that serves the feed: its title's, or, for a release that is gone (whose title may be too),
    the Changes page searching for it. Every entry opens somewhere."""
    for name in ("homepage_url", "source_url"):
        url = safe_url(row.get(name))
        if url:
            _add(entry, "link", rel="alternate", type="text/html", href=url)
            return
    if row.get("change") in GONE:
        page = "changes?" + urlencode({QUERY: one_line(row["title"], 200)})
    elif row.get("title_id"):
        page = "title?" + urlencode({TITLE: row["title_id"]})
    else:
        return
    _add(entry, "link", rel="alternate", type="text/html", href=urljoin(feed_url, page))


# --------------------------------------------------------------------------- XML


def _rows(table: pa.Table | None, columns: tuple[str, ...]) -> list[dict]:
    """The table's rows as dicts holding ``columns`` (absent ones as ``None``)."""
    if table is None or table.num_rows == 0:
        return []
    present = [name for name in columns if name in table.column_names]
    rows = table.select(present).to_pylist()
    missing = dict.fromkeys(name for name in columns if name not in table.column_names)
    return [{**missing, **row} for row in rows] if missing else rows


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes) -> ET.Element:
    """A child element; text and attribute values are stripped of what XML cannot hold."""
    element = ET.SubElement(
        parent, name, {key: _NOT_XML.sub("", value) for key, value in attributes.items()}
    )
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def _rfc3339(moment: dt.datetime) -> str:
    """``2023-11-02T07:00:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
