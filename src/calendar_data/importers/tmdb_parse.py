"""Reading TMDB's JSON: discover pages, film and show details, seasons and change lists.

Each ``parse_*`` function takes one decoded response and raises :class:`ValueError` naming
the problem when the response is not of the expected shape; optional parts that are missing
or odd are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .json_values import as_date, as_integer, as_items, as_text, positive_count, web_link

#: TMDB release types (``release_dates[].type``) that put a film on a service: 4 digital, 6 TV.
STREAMING_RELEASE_TYPES = (4, 6)
#: Watch-provider kinds that mean "included with a subscription, free, or with ads";
#: ``rent`` and ``buy`` are not releases on a service.
STREAMING_KINDS = ("flatrate", "free", "ads")
#: Release notes that name an event rather than a service.
EVENT_NOTE = re.compile(r"festival|premiere|screening", re.I)
CAST_SIZE = 10
#: TMDB crew jobs and the catalog's crew roles; other jobs are not imported.
CREW_ROLES = {
    "Director": "director",
    "Screenplay": "writer",
    "Writer": "writer",
    "Teleplay": "writer",
    "Story": "writer",
    "Executive Producer": "executive producer",
    "Novel": "based-on author",
    "Book": "based-on author",
    "Comic Book": "based-on author",
    "Short Story": "based-on author",
}
LARGEST_NUMBER = 2**15 - 1  # season and episode numbers are int16 in the catalog


@dataclass(frozen=True)
class Provider:
    id: int
    name: str


@dataclass(frozen=True)
class DatedRelease:
    """One digital or TV release of a film in one region."""

    date: dt.date
    type: int
    note: str | None
    certification: str | None


@dataclass
class Title:
    """What films and shows share: identity, description, credits and providers."""

    tmdb_id: int
    name: str
    original_name: str | None = None
    overview: str | None = None
    genres: list[str] = field(default_factory=list)
    language: str | None = None
    poster_path: str | None = None
    homepage: str | None = None
    runtime: int | None = None
    cast: list[dict[str, str | None]] = field(default_factory=list)
    crew: list[dict[str, str]] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)
    #: Region -> providers of the streaming kinds, in TMDB's display order.
    providers: dict[str, list[Provider]] = field(default_factory=dict)
    year: int | None = None


@dataclass
class Film(Title):
    #: Region -> digital and TV releases, festival showings left out.
    releases: dict[str, list[DatedRelease]] = field(default_factory=dict)


@dataclass(frozen=True)
class SeasonSummary:
    number: int
    air_date: dt.date | None
    episode_count: int | None


@dataclass
class Show(Title):
    type: str | None = None
    status: str | None = None
    seasons: list[SeasonSummary] = field(default_factory=list)


@dataclass(frozen=True)
class Episode:
    season: int
    number: int
    name: str | None
    air_date: dt.date
    episode_type: str
    runtime: int | None


@dataclass(frozen=True)
class Page:
    ids: list[int]
    total_pages: int


# --------------------------------------------------------------------------- lists


def parse_page(body: Any) -> Page:
    """A ``/discover`` or ``/changes`` page: the ids on it and how many pages there are."""
    if not isinstance(body, dict):
        raise ValueError(f"expected a page object, got {type(body).__name__}")
    results, total_pages = body.get("results"), body.get("total_pages")
    if not isinstance(results, list):
        raise ValueError("the page has no results list")
    if as_integer(total_pages) is None or total_pages < 0:
        raise ValueError(f"total_pages {total_pages!r} is not a count")
    ids = [r["id"] for r in results if isinstance(r, dict) and as_integer(r.get("id")) is not None]
    return Page(ids, total_pages)


# --------------------------------------------------------------------------- details


def parse_film(body: Any) -> Film:
    """``/movie/{id}?append_to_response=release_dates,watch/providers,credits,external_ids``."""
    film = Film(**_title_fields(body, "title", "original_title"))
    film.runtime = positive_count(body.get("runtime"))
    film.year = _year(body.get("release_date"))
    imdb = as_text(body.get("imdb_id"))
    if imdb:
        film.external_ids["imdb"] = imdb
    film.crew = _crew(body)
    film.releases = _release_dates(body.get("release_dates"))
    return film


def parse_show(body: Any) -> Show:
    """``/tv/{id}?append_to_response=credits,external_ids,watch/providers``."""
    show = Show(**_title_fields(body, "name", "original_name"))
    runtimes = [positive_count(r) for r in as_items(body.get("episode_run_time"))]
    show.runtime = max((r for r in runtimes if r), default=None)
    show.year = _year(body.get("first_air_date"))
    show.type, show.status = as_text(body.get("type")), as_text(body.get("status"))
    creators = [
        {"name": name, "role": "creator"}
        for person in _list(body.get("created_by"))
        if (name := as_text(person.get("name")))
    ]
    show.crew = _unique(creators + _crew(body))
    show.seasons = [
        SeasonSummary(number, as_date(s.get("air_date")), positive_count(s.get("episode_count")))
        for s in _list(body.get("seasons"))
        if (number := as_integer(s.get("season_number"))) is not None and number <= LARGEST_NUMBER
    ]
    return show


def parse_season(body: Any) -> list[Episode]:
    """``/tv/{id}/season/{n}``: the episodes that have an air date, in order."""
    if not isinstance(body, dict) or not isinstance(body.get("episodes"), list):
        raise ValueError("the season has no episodes list")
    episodes = []
    for entry in _list(body["episodes"]):
        season, number = (
            as_integer(entry.get("season_number")),
            as_integer(entry.get("episode_number")),
        )
        air_date = as_date(entry.get("air_date"))
        if season is None or number is None or air_date is None:
            continue
        if not (0 <= season <= LARGEST_NUMBER and 0 <= number <= LARGEST_NUMBER):
            continue
        episodes.append(
            Episode(
                season,
                number,
                as_text(entry.get("name")),
                air_date,
                as_text(entry.get("episode_type")) or "standard",
                positive_count(entry.get("runtime")),
            )
        )
    return sorted(episodes, key=lambda e: e.number)


def _title_fields(body: Any, name_key: str, original_key: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError(f"expected an object, got {type(body).__name__}")
    tmdb_id, name = as_integer(body.get("id")), as_text(body.get(name_key))
    if tmdb_id is None:
        raise ValueError("the response has no id")
    if not name:
        raise ValueError(f"the response has no {name_key}")
    original = as_text(body.get(original_key))
    external = body.get("external_ids")
    external = external if isinstance(external, dict) else {}
    ids = {
        "imdb": as_text(external.get("imdb_id")),
        "tvdb": str(external["tvdb_id"]) if as_integer(external.get("tvdb_id")) else None,
    }
    return {
        "tmdb_id": tmdb_id,
        "name": name,
        "original_name": original if original != name else None,
        "overview": as_text(body.get("overview")),
        "genres": [n for g in _list(body.get("genres")) if (n := as_text(g.get("name")))],
        "language": as_text(body.get("original_language")),
        "poster_path": _image_path(body.get("poster_path")),
        "homepage": web_link(body.get("homepage")),
        "cast": _cast(body.get("credits")),
        "external_ids": {key: value for key, value in ids.items() if value},
        "providers": _providers(body.get("watch/providers")),
    }


def _cast(credits: Any) -> list[dict[str, str | None]]:
    people = _list(credits.get("cast")) if isinstance(credits, dict) else []
    people = sorted(people, key=lambda p: as_integer(p.get("order")) or 0)
    cast = [
        {"name": name, "character": as_text(person.get("character"))}
        for person in people
        if (name := as_text(person.get("name")))
    ]
    return cast[:CAST_SIZE]


def _crew(body: Mapping[str, Any]) -> list[dict[str, str]]:
    credits = body.get("credits")
    people = _list(credits.get("crew")) if isinstance(credits, dict) else []
    crew = [
        {"name": name, "role": role}
        for person in people
        if (name := as_text(person.get("name"))) and (role := CREW_ROLES.get(person.get("job")))
    ]
    return _unique(crew)


def _unique(crew: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, unique = set(), []
    for member in crew:
        key = (member["name"], member["role"])
        if key not in seen:
            seen.add(key)
            unique.append(member)
    return unique


def _providers(block: Any) -> dict[str, list[Provider]]:
    """``watch/providers.results``: region -> providers of the streaming kinds."""
    results = block.get("results") if isinstance(block, dict) else None
    if not isinstance(results, dict):
        return {}
    found: dict[str, list[Provider]] = {}
    for region, offers in results.items():
        if not (isinstance(offers, dict) and re.fullmatch(r"[A-Z]{2}", str(region))):
            continue
        providers: list[Provider] = []
        for kind in STREAMING_KINDS:
            for item in _list(offers.get(kind)):
                pid, name = as_integer(item.get("provider_id")), as_text(item.get("provider_name"))
                if pid is not None and name and all(p.id != pid for p in providers):
                    providers.append(Provider(pid, name))
        if providers:
            found[region] = providers
    return found


def _release_dates(block: Any) -> dict[str, list[DatedRelease]]:
    """``release_dates.results``: region -> digital and TV releases, events left out."""
    results = _list(block.get("results")) if isinstance(block, dict) else []
    found: dict[str, list[DatedRelease]] = {}
    for entry in results:
        region = as_text(entry.get("iso_3166_1"))
        if not region:
            continue
        for item in _list(entry.get("release_dates")):
            kind, note = item.get("type"), as_text(item.get("note"))
            when = _instant_date(item.get("release_date"))
            if kind not in STREAMING_RELEASE_TYPES or when is None:
                continue
            if note and EVENT_NOTE.search(note):
                continue
            release = DatedRelease(when, kind, note, as_text(item.get("certification")))
            found.setdefault(region, []).append(release)
    for releases in found.values():
        releases.sort(key=lambda r: (r.date, r.type))
    return found


# --------------------------------------------------------------------------- values


def _list(value: Any) -> list[dict]:
    """The objects in a JSON list; anything else is an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _instant_date(value: Any) -> dt.date | None:
    """The calendar date of TMDB's ``2023-11-10T00:00:00.000Z`` (a date stored as midnight)."""
    text = as_text(value)
    return as_date(text[:10]) if text else None


def _year(value: Any) -> int | None:
    day = as_date(value)
    return day.year if day else None


def _image_path(value: Any) -> str | None:
    text = as_text(value)
    return text if text and re.fullmatch(r"/[A-Za-z0-9_\-]+\.(jpg|jpeg|png|svg)", text) else None
