"""The sources ``calendar-data refresh`` can keep current, and how it talks to each.

A :class:`RefreshSource` says how to open a client from a ``[sources.NAME]`` config table, how
to ask which titles changed since the last refresh, and how to fetch what a :class:`Plan`
asks for. :data:`SOURCES` lists them by config name: ``tvmaze`` and ``tmdb``.

- TVmaze: ``/updates/shows?since=day|week|month`` names the shows updated since then; the
  schedules of the plan's days are read and only wanted shows are fetched in detail; an
  episode missing from its day is looked up (``/shows/:id/episodebynumber``, a special by
  its id) for a new day.
  Nothing is cached: a cached schedule or show would hide the very changes the refresh is for.
- TMDB: ``/movie/changes`` and ``/tv/changes`` name the films and shows changed since the
  last refresh's day; the discover lists of the plan's days are read (from the client's cache
  when ``cache_dir`` is set, as it should be) and the details of changed titles fetched again;
  a title with a release missing from its day is fetched again to see where it went.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import SourceInfo
from .importers import tmdb, tvmaze
from .importers.http import JsonClient, not_found
from .importers.merge import own_title_id
from .importers.tmdb_client import DEFAULT_BASE_URL as TMDB_BASE_URL
from .importers.tmdb_client import Credentials, TmdbClient, TmdbError
from .importers.tvmaze_client import (
    DEFAULT_BASE_URL,
    TvmazeClient,
    TvmazeError,
    UnusableResponse,
)
from .importers.tvmaze_parse import episode_airing
from .importers.tvmaze_releases import title_id
from .refresh_config import Options, SourceConfig
from .text import one_line


@dataclass(frozen=True)
class Plan:
    """What one refresh fetches from a source.

    ``changed`` None: the source cannot say what changed (first refresh, too long ago, other
    settings); the whole ``window`` is fetched. Else the days after ``through`` (the last day
    fetched before) are fetched whole, and when titles changed, every day of the window again
    for the changed titles and those not in the catalog yet (``known`` holds those that are):
    a new show may have joined any day.
    """

    window: tuple[dt.date, ...]
    through: dt.date
    changed: frozenset[str] | None = None
    known: frozenset[str] = frozenset()

    @property
    def days(self) -> list[dt.date]:
        """The days to fetch, in order, without a gap."""
        if self.changed is None or self.changed:
            return list(self.window)
        return [day for day in self.window if day > self.through]

    def wants(self, title_id: str, day: dt.date) -> bool:
        """Whether a release of ``title_id`` on ``day`` is to be imported."""
        if self.changed is None or day > self.through:
            return True
        return title_id in self.changed or title_id not in self.known


@dataclass
class Fetched:
    rows: list[dict]
    warnings: list[str] = field(default_factory=list)
    #: ``title_id`` -> the titles' ids elsewhere (IMDb, TVDB), to match them across sources.
    external_ids: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RefreshSource:
    info: SourceInfo
    #: A client (a :class:`~.importers.http.JsonClient`, which counts its ``requests``).
    open_client: Callable[[SourceConfig], contextlib.AbstractContextManager[JsonClient]]
    #: ``changed_titles(client, since, now)``: the title ids changed since then, or None when
    #: the source cannot tell that far back from now (the refresh then fetches everything).
    changed_titles: Callable[[Any, dt.datetime, dt.datetime], set[str] | None]
    #: ``fetch(client, config, plan, quiet)``: the releases the plan wants on its days.
    fetch: Callable[[Any, SourceConfig, Plan, bool], Fetched]
    #: ``relocate(client, config, rows)``: of the releases (catalog rows) the fetch no longer
    #: found on their days, those the source now gives another day, with that day, and those
    #: it could not be asked about, as they were.
    relocate: Callable[[Any, SourceConfig, list[dict]], Fetched] | None = None
    #: What the client and fetch raise when the source fails (reported as one line).
    errors: tuple[type[Exception], ...] = ()
    #: Options of its own a ``[sources.NAME]`` table may set: name -> type.
    options: Options = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The source's name in the catalog's ``source`` column and metadata."""
        return self.info.name


# --------------------------------------------------------------------------- TVmaze

#: TVmaze's ``/updates/shows?since=`` periods, shortest first, and how far back each reaches.
TVMAZE_UPDATE_PERIODS = (
    ("day", dt.timedelta(days=1)),
    ("week", dt.timedelta(weeks=1)),
    ("month", dt.timedelta(days=30)),
)


@contextlib.contextmanager
def _tvmaze_client(config: SourceConfig) -> Iterator[TvmazeClient]:
    with TvmazeClient(config.base_url or DEFAULT_BASE_URL, rate=config.rate or 2.0) as api:
        yield api


def tvmaze_changed_titles(
    api: TvmazeClient, since: dt.datetime, now: dt.datetime
) -> set[str] | None:
    """The shows TVmaze updated at or after ``since``, from ``/updates/shows`` (an object of
    show id -> last update as Unix time), asking for the shortest period that reaches back."""
    period = next((name for name, span in TVMAZE_UPDATE_PERIODS if now - since <= span), None)
    if period is None:
        return None
    what = f"shows updated in the last {period}"
    body = api.get_json("/updates/shows", {"since": period}, what=what)
    if not isinstance(body, dict):
        raise UnusableResponse(f"{what}: expected an object of show ids, got {type(body).__name__}")
    cutoff = since.timestamp()
    return {
        title_id(int(show))
        for show, updated in body.items()
        if show.isascii()
        and show.isdigit()
        and isinstance(updated, int | float)
        and updated >= cutoff
    }


def tvmaze_fetch(api: TvmazeClient, config: SourceConfig, plan: Plan, quiet: bool) -> Fetched:
    """The releases on ``days`` of the web channels of ``config.regions`` and worldwide ones
    (every web channel when no region is given), plus each region's broadcast networks when
    the ``broadcast`` option is set. Only the details of wanted shows on ``config.services``
    are fetched."""
    feeds = []
    if config.regions:
        feeds += tvmaze.schedule_feeds(None, True, False)
        broadcast = config.options.get("broadcast", False)
        for region in config.regions:
            feeds += tvmaze.schedule_feeds(region, False, broadcast)
    else:
        feeds += tvmaze.schedule_feeds(None, False, False)

    services = {service.casefold() for service in config.services}  # in any case

    def keep(airing) -> bool:
        on_service = not services or airing.channel.name.casefold() in services
        return on_service and plan.wants(title_id(airing.show_id), airing.airdate)

    summary = tvmaze.ImportSummary(Path())
    rows = tvmaze.fetch_release_rows(api, plan.days, feeds, summary, quiet=quiet, wanted=keep)
    return Fetched(rows, summary.warnings)


def tvmaze_relocate(api: TvmazeClient, _config: SourceConfig, missing: list[dict]) -> Fetched:
    """Of the releases no longer in their day's schedule, those TVmaze now airs another day
    (a postponement, perhaps past the window), with that day and time: a release of several
    episodes only when its first and last moved to the same day (when they part, the episodes
    still listed arrive as releases of their own). One request an episode
    (:func:`_episode_requests`). An episode TVmaze no longer has (HTTP 404) is left out, to
    be removed; one TVmaze cannot answer for, or gives no day, is kept as it was, with a
    warning."""
    kept, warnings = [], []
    for row in missing:
        requests = _episode_requests(row)
        if not requests:
            continue
        try:
            airings = [_tvmaze_airing(api, *request) for request in requests]
        except TvmazeError as exc:
            kept.append(row)
            warnings.append(f"{exc}; {_kept_as_it_was(row)}")
            continue
        days = {airing[0] if airing else None for airing in airings}
        if None not in days and len(days) == 1 and airings[0][0] != row["release_date"]:
            day, at = airings[0]
            zone = row["release_tz"] if at is not None else None
            kept.append({**row, "release_date": day, "release_at": at, "release_tz": zone})
    return Fetched(kept, warnings)


#: A TVmaze special's release id names its episode (see tvmaze_releases.release_id).
_SPECIAL = re.compile(r"tvmaze-\d+-special-(\d+)-")


def _episode_requests(row: dict) -> list[tuple[str, dict[str, str] | None, str]]:
    """The requests that say when TVmaze airs a release's episodes (path, query, what): a
    special's by its episode id (``/episodes/:id``), else its first and last by number
    (``/shows/:id/episodebynumber``); none for a release without either."""
    special = _SPECIAL.match(row["release_id"])
    if special:
        return [(f"/episodes/{special[1]}", None, f"episode {special[1]}")]
    show = own_title_id(row["release_id"]).removeprefix("tvmaze-")
    season, first = row["season"], row["episode_start"]
    if season is None or first is None or not show.isdigit():
        return []
    return [
        (
            f"/shows/{show}/episodebynumber",
            {"season": str(season), "number": str(number)},
            f"show {show}'s season {season} episode {number}",
        )
        for number in dict.fromkeys((first, row["episode_end"] or first))
    ]


def _tvmaze_airing(
    api: TvmazeClient, path: str, query: dict[str, str] | None, what: str
) -> tuple[dt.date, dt.datetime | None] | None:
    """When TVmaze now airs an episode (:func:`episode_airing`); None where it no longer has
    the episode. Raises :class:`UnusableResponse` for an answer without a day (an episode
    not dated any more, or not an episode)."""
    try:
        episode = api.get_json(path, query, what=what, cache=False)
    except UnusableResponse as exc:
        if not_found(exc):
            return None
        raise
    airing = episode_airing(episode)
    if airing is None:
        raise UnusableResponse(f"{what}: TVmaze gives it no day")
    return airing


def _kept_as_it_was(row: dict) -> str:
    """What a warning says of a release a lookup could not place."""
    return f"{one_line(row['title'], 80)} ({row['release_id']}) kept as it was"


TVMAZE = RefreshSource(
    info=tvmaze.TVMAZE,
    open_client=_tvmaze_client,
    changed_titles=tvmaze_changed_titles,
    fetch=tvmaze_fetch,
    relocate=tvmaze_relocate,
    errors=(TvmazeError,),
    options={"broadcast": bool},
)

# --------------------------------------------------------------------------- TMDB

#: How far back TMDB's change lists are read; a refresh older than this fetches everything.
TMDB_CHANGES_REACH = dt.timedelta(days=30)


@contextlib.contextmanager
def _tmdb_client(config: SourceConfig) -> Iterator[TmdbClient]:
    credentials = Credentials.from_environment()
    with TmdbClient(
        credentials,
        config.base_url or TMDB_BASE_URL,
        rate=config.rate or 20.0,
        cache_dir=config.options.get("cache_dir"),
    ) as api:
        yield api


def tmdb_changed_titles(api: TmdbClient, since: dt.datetime, now: dt.datetime) -> set[str] | None:
    """The films and shows TMDB changed from the day of ``since`` to the day of ``now``."""
    if now - since > TMDB_CHANGES_REACH:
        return None
    return {
        f"tmdb-{kind}-{number}"
        for kind in ("movie", "tv")
        for number in tmdb.changed_ids(api, kind, since.date(), now.date())
    }


def tmdb_fetch(api: TmdbClient, config: SourceConfig, plan: Plan, quiet: bool) -> Fetched:
    """The releases on the plan's days in ``config.regions`` (required) on
    ``config.services``; details of the changed titles are fetched again, not read from the
    cache."""
    if not config.regions:
        raise ValueError('the tmdb source needs regions, e.g. regions = ["GB"]')
    stale = {
        kind: {
            int(t.rsplit("-", 1)[1]) for t in plan.changed or () if t.startswith(f"tmdb-{kind}-")
        }
        for kind in ("movie", "tv")
    }
    report = tmdb.FetchReport()
    table = tmdb.fetch_tmdb_releases(
        api,
        config.regions,
        plan.days[0],
        len(plan.days),
        config.services,
        config.options.get("language"),
        stale_movies=stale["movie"],
        stale_shows=stale["tv"],
        report=report,
        quiet=quiet,
    )
    rows = [r for r in table.to_pylist() if plan.wants(r["title_id"], r["release_date"])]
    return Fetched(rows, report.warnings, report.external_ids)


def tmdb_relocate(api: TmdbClient, config: SourceConfig, missing: list[dict]) -> Fetched:
    """Of the releases no longer in their day's discover list, those TMDB now dates another
    day (a film or an episode postponed, perhaps past the window), with that day and time,
    and those it still dates on theirs (the list left them out), as they were. One details
    request a title (and its seasons', for a show); the releases of a title TMDB cannot
    answer for are kept as they were, with a warning."""
    by_title: dict[str, list[dict]] = {}
    for row in missing:
        by_title.setdefault(own_title_id(row["release_id"]), []).append(row)
    kept, warnings = [], []
    language = config.options.get("language")
    for title, rows in by_title.items():
        start = min(row["release_date"] for row in rows)
        regions = sorted({row["region"] for row in rows if row["region"]})
        try:
            now = tmdb.releases_now(api, title, regions, start, language)
        except TmdbError as exc:
            kept += rows
            warnings += [f"{exc}; {_kept_as_it_was(row)}" for row in rows]
            continue
        found = {release["release_id"]: release for release in now}
        for row in rows:
            release = found.get(row["release_id"])
            if release is not None:
                day, at = release["release_date"], release.get("release_at")
                kept.append({**row, "release_date": day, "release_at": at})
    return Fetched(kept, warnings)


TMDB = RefreshSource(
    info=tmdb.TMDB,
    open_client=_tmdb_client,
    changed_titles=tmdb_changed_titles,
    fetch=tmdb_fetch,
    relocate=tmdb_relocate,
    # ValueError: a region, service or language TMDB's importer refuses.
    errors=(TmdbError, ValueError),
    options={"language": str, "cache_dir": str},
)

#: Config name -> source.
SOURCES: dict[str, RefreshSource] = {"tvmaze": TVMAZE, "tmdb": TMDB}

#: Everything a source may raise when it fails.
SOURCE_ERRORS = tuple({error for source in SOURCES.values() for error in source.errors})
#: Each source's own config options, as :func:`~calendar_data.refresh_config.load_config`
#: takes them.
SOURCE_OPTIONS = {name: source.options for name, source in SOURCES.items()}
