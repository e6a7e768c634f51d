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


#: How late, as a share of the refresh interval, a refresh may come before it is overdue: a
#: timer fires a little after the hour and at a random delay, and a refresh takes a while.
GRACE = 0.25


def freshness(refresh: Mapping, now: dt.datetime) -> Freshness:
    """When each source was last refreshed, and a warning naming the sources overdue (or the
    catalog, when all are)."""
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
    if not _usable_hours(interval):
        return Freshness(text)
    late = dt.timedelta(hours=interval * (1 + GRACE))
    overdue = {name: when for name, when in times.items() if now - when > late}
    if not overdue:
        return Freshness(text)
    oldest = age(now - min(overdue.values()))
    if len(overdue) == len(times):
        what = f"The catalog was last refreshed {oldest}, longer than its refresh interval"
    else:  # name the sources behind: the others are fresh
        late = " and ".join(overdue)
        what = f"{late} last refreshed {oldest}, longer than the catalog's refresh interval"
    return Freshness(text, f"{what} of {interval:g} h: its dates may be out of date.")


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
