"""Human wording for release facts: episodes, runtimes, release times, credits.

Pure functions over plain Python values (one row as a dict), shared by the detail panel, the
Title page and the exports.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping

from .days import valid_timezone
from .schema import CREW_ROLES

KIND_NAMES = {
    "movie": "Movie",
    "series": "Series",
    "limited_series": "Limited series",
    "special": "Special",
}
RELEASE_TYPE_NAMES = {
    "movie": "Movie release",
    "series_premiere": "Series premiere",
    "season_premiere": "Season premiere",
    "episode": "Episode",
    "season_finale": "Season finale",
    "series_finale": "Series finale",
    "full_season": "Full season drop",
}
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "da": "Danish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "sv": "Swedish",
    "tr": "Turkish",
    "zh": "Chinese",
}
ROLE_NAMES = {
    "creator": "Created by",
    "director": "Directed by",
    "writer": "Written by",
    "executive producer": "Executive producers",
    "based-on author": "Based on the work of",
}


def episodes(row: Mapping) -> str:
    """``S1 E1-E4 · 4 episodes``, ``S2 E3``, or empty for films."""
    if row.get("kind") == "movie" or row.get("release_type") == "movie":
        return ""
    season = f"S{row['season']} " if row.get("season") is not None else ""
    start, end = row.get("episode_start"), row.get("episode_end")
    count = row.get("episode_count")
    if start is None:
        return f"{season}{count} episodes".strip() if count else season.strip()
    if end is None or end == start:
        return f"{season}E{start}"
    total = count or end - start + 1
    return f"{season}E{start}-E{end} · {total} episodes"


def runtime(row: Mapping) -> str:
    """``60 min per episode · 4 h total`` or ``118 min``."""
    minutes = row.get("runtime_minutes")
    if not minutes:
        return ""
    count = row.get("episode_count") or 1
    if row.get("kind") == "movie" or count == 1:
        return f"{minutes} min"
    return f"{minutes} min per episode · {hours(minutes * count)} total"


def hours(minutes: int) -> str:
    whole, rest = divmod(int(minutes), 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h" + (f" {rest} min" if rest else "")


def release_time(row: Mapping, viewer_tz: str) -> str:
    """The platform's rule beside the viewer's local time, or the plain date."""
    instant: dt.datetime | None = row.get("release_at")
    day: dt.date | None = row.get("release_date")
    if instant is None:
        if day is None:
            window = row.get("release_window")
            return f"To be announced{f' ({window})' if window else ''}"
        return f"{_date(day)} (date only: the same day everywhere)"
    local = instant.astimezone(zoneinfo.ZoneInfo(viewer_tz))
    text = f"{_date(local)}, {local:%H:%M} {viewer_tz}"
    rule_zone = valid_timezone(row.get("release_tz"))
    if rule_zone:
        at_platform = instant.astimezone(zoneinfo.ZoneInfo(rule_zone))
        text += f" (platform rule: {at_platform:%H:%M} {rule_zone})"
    return text


def _date(day: dt.date) -> str:
    """``Thu 2 Nov 2023`` (``%-d`` is not portable)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def language(code: str | None) -> str:
    """``English`` for ``en``; other values as they are."""
    if not code:
        return ""
    return LANGUAGE_NAMES.get(code.lower(), code)


def crew_by_role(crew: Iterable[Mapping] | None) -> dict[str, list[str]]:
    """Names per role, roles in the schema's order, names de-duplicated."""
    grouped: dict[str, list[str]] = {role: [] for role in CREW_ROLES}
    for member in crew or ():
        role, name = member.get("role"), member.get("name")
        if role in grouped and name and name not in grouped[role]:
            grouped[role].append(name)
    return {role: names for role, names in grouped.items() if names}


def cast_lines(cast: Iterable[Mapping] | None) -> list[str]:
    lines = []
    for member in cast or ():
        name, character = member.get("name"), member.get("character")
        if name:
            lines.append(f"{name} as {character}" if character else name)
    return lines
