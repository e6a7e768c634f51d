"""The sources ``calendar-data refresh`` can keep current, and how it talks to each.

A :class:`RefreshSource` says how to open a client from a ``[sources.NAME]`` config table, how
to ask which titles changed since the last refresh, and how to fetch the releases of a window
of days (only the wanted ones). :data:`SOURCES` lists them by config name.

TMDB plugs in the same way: ``changed_titles`` reads ``changed_ids(client, "movie", since)``
and ``changed_ids(client, "tv", since)`` (``/movie/changes``, ``/tv/changes``) as title ids,
and ``fetch`` calls ``fetch_tmdb_releases(...)`` and keeps the rows ``wanted`` accepts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import SourceInfo
from .importers import tvmaze
from .importers.tvmaze_client import (
    DEFAULT_BASE_URL,
    TvmazeClient,
    TvmazeError,
    UnusableResponse,
)
from .importers.tvmaze_releases import title_id
from .refresh_config import Options, SourceConfig

#: ``wanted(title_id, day)``: whether to import a release of this title on this day.
Wanted = Callable[[str, dt.date], bool]


@dataclass
class Fetched:
    rows: list[dict]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RefreshSource:
    #: The source's name in the catalog's ``source`` column and metadata.
    name: str
    info: SourceInfo
    open_client: Callable[[SourceConfig], contextlib.AbstractContextManager[Any]]
    #: ``changed_titles(client, since)``: the title ids changed since then, or None when the
    #: source cannot tell that far back (the refresh then fetches everything).
    changed_titles: Callable[[Any, dt.datetime, dt.datetime], set[str] | None]
    #: ``fetch(client, config, days, wanted, quiet)``: the wanted releases on those days.
    fetch: Callable[[Any, SourceConfig, list[dt.date], Wanted, bool], Fetched]
    #: ``requests(client)``: how many HTTP requests the client has sent.
    requests: Callable[[Any], int]
    #: What the client and fetch raise when the source fails (reported as one line).
    errors: tuple[type[Exception], ...] = ()
    #: Options of its own a ``[sources.NAME]`` table may set: name -> type.
    options: Options = field(default_factory=dict)


# --------------------------------------------------------------------------- TVmaze

#: TVmaze's ``/updates/shows?since=`` periods, shortest first, and how far back each reaches.
TVMAZE_UPDATE_PERIODS = (
    ("day", dt.timedelta(days=1)),
    ("week", dt.timedelta(weeks=1)),
    ("month", dt.timedelta(days=30)),
)


@contextlib.contextmanager
def _tvmaze_client(config: SourceConfig) -> Iterator[TvmazeClient]:
    with TvmazeClient(
        config.base_url or DEFAULT_BASE_URL, rate=config.rate, cache_dir=config.cache_dir
    ) as api:
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
        if show.isdigit() and isinstance(updated, int | float) and updated >= cutoff
    }


def tvmaze_fetch(
    api: TvmazeClient, config: SourceConfig, days: list[dt.date], wanted: Wanted, quiet: bool
) -> Fetched:
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

    def keep(airing) -> bool:
        on_service = not config.services or airing.channel.name in config.services
        return on_service and wanted(title_id(airing.show_id), airing.airdate)

    summary = tvmaze.ImportSummary(Path())
    rows = tvmaze.fetch_release_rows(api, days, feeds, summary, quiet=quiet, wanted=keep)
    return Fetched(rows, summary.warnings)


TVMAZE = RefreshSource(
    name=tvmaze.TVMAZE.name,
    info=tvmaze.TVMAZE,
    open_client=_tvmaze_client,
    changed_titles=tvmaze_changed_titles,
    fetch=tvmaze_fetch,
    requests=lambda api: api.requests,
    errors=(TvmazeError,),
    options={"broadcast": bool},
)

#: Config name -> source.
SOURCES: dict[str, RefreshSource] = {"tvmaze": TVMAZE}
#: Everything a source may raise when it fails.
SOURCE_ERRORS = tuple({error for source in SOURCES.values() for error in source.errors})
#: Each source's own config options, as :func:`~calendar_data.refresh_config.load_config`
#: takes them.
SOURCE_OPTIONS = {name: source.options for name, source in SOURCES.items()}
