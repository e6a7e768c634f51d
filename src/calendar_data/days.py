"""Calendar days and instants: reading a typed date, which day a release lands on for a viewer,
whole months, and instants in UTC.

Timed releases (``release_at``) land on the viewer's local day; date-only releases stay on
their platform date everywhere.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import difflib
import functools
import re
import zoneinfo

import pyarrow as pa
import pyarrow.compute as pc

from .text import quoted

DEFAULT_TIMEZONE = "UTC"
#: Arrow's time zone rules end in 2037: later instants would keep standard time all year
#: (00:30 BST on 2 July 2038 read as 23:30 on 1 July), so their days are found by zoneinfo.
ARROW_ZONES_END = dt.datetime(2037, 1, 1, tzinfo=dt.UTC)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date:
    """The date ``text`` spells as ``YYYY-MM-DD``, else a :class:`ValueError` quoting it.

    The one date reader of the command line, the source files, the importers and the URL.
    ``date.fromisoformat`` alone also takes ``20231102``, ``2023-W44-4`` and non-ASCII digits.
    """
    if isinstance(text, str) and _ISO_DATE.fullmatch(text):
        with contextlib.suppress(ValueError):  # e.g. 2023-02-30
            return dt.date.fromisoformat(text)
    raise ValueError(f"{quoted(text)} is not a date (YYYY-MM-DD)")


@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zones of places: the tz database's names less ``localtime`` (the server's own
    zone, whichever it is), ``Factory``, ``posixrules`` and the ``posix/`` and ``right/`` copies."""
    return frozenset(
        zone
        for zone in zoneinfo.available_timezones()
        if zone not in ("Factory", "localtime", "posixrules")
        and not zone.startswith(("posix/", "right/"))
    )


def closest_zone(name: str) -> str | None:
    """The zone ``name`` most likely means: the one it spells in another case
    (``europe/london``), else the closest name, if any is close."""
    zones = {zone.casefold(): zone for zone in zone_names()}
    close = difflib.get_close_matches(name.casefold(), list(zones), n=1, cutoff=0.8)
    return zones.get(name.casefold()) or (zones[close[0]] if close else None)


def valid_timezone(name: object) -> str | None:
    """``name`` if it is one of :func:`zone_names` that Arrow can use too, else ``None``.

    The browser's and the URL's values are untrusted. Python alone also takes files such as
    ``localtime``, a zone that depends on the server, or ``Factory``, which Arrow cannot use
    for :func:`local_days`.
    """
    if not isinstance(name, str) or name not in zone_names():
        return None
    try:
        zoneinfo.ZoneInfo(name)
        pc.local_timestamp(pa.array([0], pa.timestamp("s", tz=name)))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError, OSError, pa.ArrowInvalid):
        return None
    return name


def local_today(tz: str = DEFAULT_TIMEZONE, now: dt.datetime | None = None) -> dt.date:
    """Today where the viewer is (``now`` is for tests): the calendar marks this day."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(zoneinfo.ZoneInfo(tz)).date()


def local_days(table: pa.Table, tz: str = DEFAULT_TIMEZONE) -> pa.ChunkedArray:
    """Each row's calendar day (date32) as seen from ``tz``; null for undated (tba) rows."""
    dates = table["release_date"]
    instants = table["release_at"]
    if instants.null_count == len(instants):
        return dates
    local = pc.local_timestamp(instants.cast(pa.timestamp("us", tz=tz))).cast(pa.date32())
    end = pa.scalar(ARROW_ZONES_END, instants.type)
    late = pc.fill_null(pc.greater_equal(instants, end), False)
    if pc.any(late).as_py():
        local = _days_by_zoneinfo(instants, local, late, tz)
    return pc.coalesce(local, dates)


def _days_by_zoneinfo(
    instants: pa.ChunkedArray, days: pa.ChunkedArray, late: pa.ChunkedArray, tz: str
) -> pa.ChunkedArray:
    """``days`` with the ``late`` rows' day found by Python's zoneinfo (see
    :data:`ARROW_ZONES_END`): a few rows, far ahead."""
    zone = zoneinfo.ZoneInfo(tz)
    found = [i.astimezone(zone).date() for i in pc.filter(instants, late).to_pylist()]
    mended = pc.replace_with_mask(days.combine_chunks(), late.combine_chunks(), pa.array(found))
    return pa.chunked_array([mended])


def day_start(day: dt.date, tz: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """The instant ``day`` begins in ``tz``."""
    return dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(tz))


def local_day(row: dict, tz: str = DEFAULT_TIMEZONE) -> dt.date | None:
    """One row's calendar day as seen from ``tz``, as :func:`local_days` reads a table's."""
    instant = row.get("release_at")
    if instant is None:
        return row.get("release_date")
    return as_utc(instant).astimezone(zoneinfo.ZoneInfo(tz)).date()


def is_whole_month(start: dt.date, end: dt.date) -> bool:
    """Whether ``start`` to ``end`` is one calendar month, first day to last."""
    last_day = calendar.monthrange(start.year, start.month)[1]
    return start.day == 1 and end == start.replace(day=last_day)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Aware UTC to the second (naive values are taken as UTC); ``None`` stays ``None``."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: weeks start on Monday everywhere (calendar, digest)."""
    return day - dt.timedelta(days=day.weekday())


def chunked_days(days: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """``days`` (date32) as a chunked array, the shape a table's column takes."""
    return days if isinstance(days, pa.ChunkedArray) else pa.chunked_array([days], pa.date32())
