"""From airings to catalog rows.

The episodes of one show that land on the same channel on the same day become one release; a
special is always a release of its own. Season data from TVmaze labels premieres, finales and
whole-season drops.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .json_values import as_items, positive_count, web_link
from .tvmaze_parse import Airing, Season, ShowDetails, language_code, plain_text

SOURCE = "TVmaze"


def group_airings(airings: Iterable[Airing]) -> list[list[Airing]]:
    """Airings grouped into releases, each group in episode order.

    An episode listed again on the same channel (a repeat, or the same day fetched twice) is
    dropped: its first listing is its release.
    """
    groups: dict[tuple, list[Airing]] = {}
    seen: set[tuple] = set()
    for airing in airings:
        identity = (airing.episode_id, airing.channel)
        if identity in seen:
            continue
        seen.add(identity)
        if airing.special:
            key: tuple = ("special", airing.episode_id, airing.channel)
        else:
            key = (airing.show_id, airing.season, airing.airdate, airing.channel)
        groups.setdefault(key, []).append(airing)
    return [sorted(group, key=lambda a: a.number or 0) for group in groups.values()]


def release_row(group: list[Airing], details: ShowDetails, updated_at: dt.datetime) -> dict:
    """The catalog row of one group of airings (see :func:`group_airings`)."""
    first, show, channel = group[0], group[0].show, group[0].channel
    numbers = [a.number for a in group if a.number is not None]
    stamps = [a.airstamp for a in group if a.airstamp is not None]
    runtimes = [a.runtime for a in group if a.runtime is not None]
    return {
        "release_id": release_id(group),
        "title_id": title_id(first.show_id),
        "title": show["name"].strip(),
        "kind": "special" if first.special else "series",
        "release_type": "episode" if first.special else release_type(group, details, show),
        "season": first.season,
        "episode_start": min(numbers, default=None),
        "episode_end": max(numbers, default=None),
        "episode_count": len(group),
        "episode_titles": [_episode_title(a) for a in group],
        "runtime_minutes": max(runtimes, default=None) or _show_runtime(show),
        "genres": [g for g in as_items(show.get("genres")) if isinstance(g, str) and g] or None,
        "language": language_code(show.get("language")),
        "synopsis": plain_text(show.get("summary")),
        "cast": details.cast or None,
        "crew": details.crew or None,
        "rating": None,
        "service": channel.name,
        "region": channel.region,
        "release_date": first.airdate,
        "release_at": min(stamps, default=None),
        "release_tz": channel.timezone if stamps else None,
        "status": "confirmed",
        "image_url": _image(show),
        "homepage_url": web_link(show.get("officialSite")),
        "source": SOURCE,
        "source_url": (first.url if len(group) == 1 else None) or web_link(show.get("url")),
        "updated_at": updated_at,
    }


def title_id(show_id: int) -> str:
    """The catalog's ``title_id`` of a TVmaze show."""
    return f"tvmaze-{show_id}"


def release_id(group: list[Airing]) -> str:
    """Stable across imports: show, episodes and channel, never the date (which may move)."""
    first = group[0]
    where = _channel_slug(first.channel.name) + (
        f"-{first.channel.region.lower()}" if first.channel.region else ""
    )
    if first.special:
        return f"tvmaze-{first.show_id}-special-{first.episode_id}-{where}"
    start, end = group[0].number, group[-1].number
    episodes = f"e{start}" + (f"-{end}" if end != start else "")
    return f"tvmaze-{first.show_id}-s{first.season}{episodes}-{where}"


def _channel_slug(name: str) -> str:
    """``Disney+`` -> ``disney``. Not :func:`~calendar_data.text.slug`: release ids must stay as
    earlier imports wrote them, so a re-import merges rather than duplicates, and these never
    folded accents (``France Télévisions`` -> ``france-t-l-visions``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "channel"


def release_type(group: list[Airing], details: ShowDetails, show: Mapping[str, Any]) -> str:
    """Full season, premiere, finale or plain episode, from TVmaze's season data."""
    first, start, end = group[0], group[0].number, group[-1].number
    season: Season | None = details.seasons.get(first.season)
    if season is not None and (
        len(group) == season.order or season.premiere == season.end == first.airdate
    ):
        return "full_season"
    if start == 1:
        return "series_premiere" if first.season == 1 else "season_premiere"
    if season is not None and season.order is not None and end >= season.order:
        last_season = max(details.seasons)
        if show.get("status") == "Ended" and first.season == last_season:
            return "series_finale"
        return "season_finale"
    return "episode"


def _episode_title(airing: Airing) -> str:
    if airing.name:
        return airing.name
    return f"Episode {airing.number}" if airing.number is not None else "Special"


def _show_runtime(show: Mapping[str, Any]) -> int | None:
    return positive_count(show.get("runtime")) or positive_count(show.get("averageRuntime"))


def _image(show: Mapping[str, Any]) -> str | None:
    image = show.get("image")
    if not isinstance(image, dict):
        return None
    # The medium poster is sized for cards and the title page; the original can be megabytes.
    return web_link(image.get("medium"), secure_only=True) or web_link(
        image.get("original"), secure_only=True
    )
