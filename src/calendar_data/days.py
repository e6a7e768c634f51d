"""Which calendar day a release lands on, for a viewer in a given time zone.

Timed releases (``release_at``) land on the viewer's local day; date-only releases stay on
their platform date everywhere.
"""

from __future__ import annotations

import zoneinfo

import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_TIMEZONE = "UTC"


def valid_timezone(name: str | None) -> str | None:
    """``name`` if it is a real IANA zone, else ``None`` (the browser's value is untrusted)."""
    if not name or len(name) > 64:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError, OSError):
        return None
    return name


def local_days(table: pa.Table, tz: str = DEFAULT_TIMEZONE) -> pa.ChunkedArray:
    """Each row's calendar day (date32) as seen from ``tz``; null for undated (tba) rows."""
    dates = table["release_date"]
    instants = table["release_at"]
    if instants.null_count == len(instants):
        return dates
    local = pc.local_timestamp(instants.cast(pa.timestamp("us", tz=tz))).cast(pa.date32())
    return pc.coalesce(local, dates)
