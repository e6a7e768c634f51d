"""Which calendar day a release lands on, for a viewer in a given time zone.

Timed releases (``release_at``) land on the viewer's local day; date-only releases stay on
their platform date everywhere.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_TIMEZONE = "UTC"


def valid_timezone(name: object) -> str | None:
    """``name`` if it is an IANA zone both Python and Arrow know, else ``None``.

    The browser's and the URL's values are untrusted. Python alone also takes files such as
    ``posixrules`` or ``Factory`` that Arrow cannot use for :func:`local_days`.
    """
    if not isinstance(name, str) or not name or len(name) > 64:
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
    return pc.coalesce(local, dates)
