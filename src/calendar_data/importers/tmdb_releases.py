"""From TMDB films and shows to catalog rows.

A film gives one release per region and service: the region's digital (or TV) date, on each
subscription, free or ad-supported provider TMDB lists there. A show's episodes are grouped
the way the TVmaze importer groups airings: the episodes of one season on one day are one
release, and a season whose episodes all share one date is a full-season drop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import groupby

from ..text import slug
from .tmdb_parse import DatedRelease, Episode, Film, Provider, Show, Title

SOURCE = "TMDB"
IMAGE_BASE_URL = "https://image.tmdb.org/t/p/w342"
SITE_URL = "https://www.themoviedb.org"

#: TMDB watch-provider ids -> the catalog's service names: the one place they are mapped.
#: Ids checked against TMDB's provider lists (``/watch/providers/movie?watch_region=..``);
#: a provider missing here keeps TMDB's own name.
PROVIDER_SERVICES: dict[int, str] = {
    8: "Netflix",
    1796: "Netflix",  # Netflix basic with Ads
    9: "Prime Video",  # Amazon Prime Video
    119: "Prime Video",  # Amazon Prime Video (listed under this id in some regions)
    2100: "Prime Video",  # Amazon Prime Video with Ads
    337: "Disney+",
    1899: "Max",
    384: "Max",  # HBO Max, before the 2023 rename
    350: "Apple TV+",
    15: "Hulu",
    531: "Paramount+",
    386: "Peacock",
    38: "BBC iPlayer",
}


def service_name(provider: Provider) -> str:
    """The catalog's name for a TMDB provider; unknown providers keep TMDB's name."""
    return PROVIDER_SERVICES.get(provider.id, provider.name)


def provider_ids(service: str) -> list[int]:
    """The TMDB provider ids the catalog calls ``service`` (case-insensitive)."""
    wanted = service.casefold()
    return sorted(pid for pid, name in PROVIDER_SERVICES.items() if name.casefold() == wanted)


def services_in(title: Title, region: str) -> list[str]:
    """The catalog services ``title`` streams on in ``region``, each once, in TMDB's order."""
    return list(dict.fromkeys(service_name(p) for p in title.providers.get(region, ())))


def service_from_note(release: DatedRelease) -> str | None:
    """A service named by a release's note ("Netflix"), for a film TMDB does not list a
    provider for yet (provider lists are a snapshot of today, release dates are not)."""
    if not release.note:
        return None
    names = {name.casefold(): name for name in PROVIDER_SERVICES.values()}
    return names.get(release.note.strip().casefold())


# --------------------------------------------------------------------------- films


def film_row(
    film: Film, region: str, release: DatedRelease, service: str, updated_at: dt.datetime
) -> dict:
    """The catalog row of ``film`` landing on ``service`` in ``region``."""
    return {
        **_title_columns(film, "movie", updated_at),
        "release_id": f"tmdb-movie-{film.tmdb_id}-{slug(service) or 'service'}-{region.lower()}",
        "kind": "movie",
        "release_type": "movie",
        "runtime_minutes": film.runtime,
        "rating": release.certification,
        "service": service,
        "region": region,
        "release_date": release.date,
    }


# --------------------------------------------------------------------------- shows


def group_episodes(episodes: Iterable[Episode]) -> list[list[Episode]]:
    """Episodes grouped into releases: one season on one day, each group in episode order.
    Specials (season 0) are a release each."""
    ordered = sorted(episodes, key=lambda e: (e.season, e.air_date, e.number))
    groups: list[list[Episode]] = []
    for (season, _), group in groupby(ordered, key=lambda e: (e.season, e.air_date)):
        episodes_of_day = list(group)
        groups += [[e] for e in episodes_of_day] if season == 0 else [episodes_of_day]
    return groups


def show_row(
    show: Show,
    group: list[Episode],
    season_episodes: list[Episode],
    region: str,
    service: str,
    updated_at: dt.datetime,
) -> dict:
    """The catalog row of one group of episodes (see :func:`group_episodes`) on ``service``
    in ``region``; ``season_episodes`` is the whole season, to tell a full drop."""
    first, last = group[0], group[-1]
    runtimes = [e.runtime for e in group if e.runtime]
    episodes = f"e{first.number}" + (f"-{last.number}" if last.number != first.number else "")
    where = f"{slug(service) or 'service'}-{region.lower()}"
    special = first.season == 0
    return {
        **_title_columns(show, "tv", updated_at),
        "release_id": f"tmdb-tv-{show.tmdb_id}-s{first.season}{episodes}-{where}",
        "kind": "special" if special else _show_kind(show),
        "release_type": "episode" if special else release_type(show, group, season_episodes),
        "season": first.season,
        "episode_start": first.number,
        "episode_end": last.number,
        "episode_count": len(group),
        "episode_titles": [e.name or f"Episode {e.number}" for e in group],
        "runtime_minutes": max(runtimes, default=None) or show.runtime,
        "service": service,
        "region": region,
        "release_date": first.air_date,
    }


def release_type(show: Show, group: list[Episode], season_episodes: list[Episode]) -> str:
    """Full season, premiere, finale or plain episode.

    A season whose episodes all share one date is one full drop; TMDB's ``episode_type``
    ``finale`` (or ``mid_season``) on the group's last episode marks a finale.
    """
    first, last = group[0], group[-1]
    if len(season_episodes) > 1 and {e.air_date for e in season_episodes} == {first.air_date}:
        return "full_season"
    if first.number == 1:
        return "series_premiere" if first.season == 1 else "season_premiere"
    if last.episode_type in ("finale", "mid_season"):
        last_season = max((s.number for s in show.seasons), default=first.season)
        ended = show.status in ("Ended", "Canceled")
        if last.episode_type == "finale" and ended and first.season == last_season:
            return "series_finale"
        return "season_finale"
    return "episode"


def _show_kind(show: Show) -> str:
    return "limited_series" if show.type == "Miniseries" else "series"


# --------------------------------------------------------------------------- shared


def _title_columns(title: Title, path: str, updated_at: dt.datetime) -> dict:
    return {
        "title_id": f"tmdb-{path}-{title.tmdb_id}",
        "title": title.name,
        "original_title": title.original_name,
        "genres": title.genres or None,
        "language": title.language,
        "synopsis": title.overview,
        "cast": title.cast or None,
        "crew": title.crew or None,
        "status": "confirmed",
        "image_url": image_url(title.poster_path),
        "homepage_url": title.homepage,
        "source": SOURCE,
        "source_url": f"{SITE_URL}/{path}/{title.tmdb_id}",
        "updated_at": updated_at,
    }


def image_url(poster_path: str | None) -> str | None:
    """The w342 poster (sized for cards and the title page) at TMDB's image host."""
    return f"{IMAGE_BASE_URL}{poster_path}" if poster_path else None
