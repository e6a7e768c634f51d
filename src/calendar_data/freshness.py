"""How fresh a catalog is, from what ``calendar-data refresh`` recorded in its metadata
(``{"every_hours": 6, "sources": {"TVmaze": {"refreshed_at": ISO time, ...}}}``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

#: A refresh interval longer than ten years is no interval.
MAX_INTERVAL_HOURS = 10 * 366 * 24


@dataclass(frozen=True)
class Freshness:
    #: ``TVmaze 3 h ago · TMDB 3 h ago``; empty when the catalog was never refreshed.
    text: str
    #: Set when the oldest refresh is older than the catalog's refresh interval.
    warning: str = ""


def freshness(refresh: Mapping, now: dt.datetime) -> Freshness:
    """When each source was last refreshed, and a warning when the catalog is overdue."""
    sources = refresh.get("sources") if isinstance(refresh, Mapping) else None
    times = {}
    for name, state in sources.items() if isinstance(sources, Mapping) else ():
        when = _instant(state.get("refreshed_at")) if isinstance(state, Mapping) else None
        if when is not None:
            times[str(name)] = when
    if not times:
        return Freshness("")
    text = " · ".join(f"{name} {age(now - when)}" for name, when in times.items())
    interval = refresh.get("every_hours")
    oldest = min(times.values())
    if not _usable_hours(interval) or now - oldest <= dt.timedelta(hours=interval):
        return Freshness(text)
    return Freshness(
        text,
        f"The catalog was last refreshed {age(now - oldest)}, longer than its refresh interval "
        f"of {interval:g} h: its dates may be out of date.",
    )


def age(elapsed: dt.timedelta) -> str:
    """``just now``, ``12 min ago``, ``3 h ago``, ``2 d ago``."""
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} d ago"


def _usable_hours(interval) -> bool:
    """Whether ``interval`` (from the catalog's metadata: untrusted) is a number of hours a
    timedelta can hold."""
    if not isinstance(interval, int | float) or isinstance(interval, bool):
        return False
    return 0 < interval <= MAX_INTERVAL_HOURS


def _instant(text) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else None
