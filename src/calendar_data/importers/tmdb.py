"""``calendar-data import tmdb``: films and shows with per-country dates and providers.

For each region, TMDB's discover lists give the films with a digital or TV release date in the
window and the shows with an episode in it; each title's details (release dates, watch
providers, credits) and the seasons concerned are then fetched and turned into releases (see
:mod:`.tmdb_releases`). The result is written as a new catalog or merged into one. Nothing is
written unless the whole import succeeds.

:func:`fetch_tmdb_releases` and :func:`changed_ids` are the plain functions a scheduled
refresh calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from ..arguments import is_quiet
from ..catalog import LATEST, CatalogError
from ..regions import iso_region
from ..reporting import run_reported
from ..schema import SCHEMA
from . import command
from .command import ImportFailed, progress, session, unique_releases
from .http import not_found
from .licences import JUSTWATCH_CREDIT, NOTICE, TMDB
from .tmdb_client import (
    DEFAULT_BASE_URL,
    Credentials,
    TmdbClient,
    TmdbError,
    UnusableResponse,
)
from .tmdb_parse import (
    DatedRelease,
    Episode,
    Film,
    Page,
    Show,
    parse_film,
    parse_page,
    parse_season,
    parse_show,
)
from .tmdb_releases import (
    PROVIDER_SERVICES,
    SITE_URL,
    film_row,
    group_episodes,
    provider_ids,
    service_from_note,
    services_in,
    show_row,
)

Kind = Literal["movie", "tv"]
MAX_DAYS = 366
#: TMDB's discover endpoints stop at page 500 (10,000 results).
MAX_PAGES = 500
#: TMDB's change lists cover at most 14 days per request.
MAX_CHANGE_DAYS = 14
MOVIE_PARTS = "release_dates,watch/providers,credits,external_ids"
SHOW_PARTS = "credits,external_ids,watch/providers"
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")


@dataclass
class FetchReport:
    """What a fetch looked at and left out, for the summary."""

    films: int = 0
    shows: int = 0
    skipped: int = 0
    requests: int = 0
    warnings: list[str] = field(default_factory=list)
    #: ``title_id`` -> the IMDb/TVDB ids TMDB gives it, for :func:`.merge.unify_titles`.
    external_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Providers of imported releases that :data:`PROVIDER_SERVICES` does not map: id -> name.
    unknown_providers: dict[int, str] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.warnings.append(reason)


@dataclass
class ImportSummary(command.ImportSummary):
    report: FetchReport = field(default_factory=FetchReport)

    def describe(self) -> str:
        r = self.report
        return (
            f"{self.target}: {r.films} film(s) and {r.shows} show(s) fetched from TMDB with "
            f"{r.requests} request(s) in {self.seconds:.1f} s; releases added {self.added}, "
            f"updated {self.updated}, moved {self.moved}, unchanged {self.unchanged}, "
            f"removed {self.removed}; skipped {r.skipped}"
        )


# --------------------------------------------------------------------------- fetching


def fetch_tmdb_releases(
    client: TmdbClient,
    regions: Sequence[str],
    start: dt.date,
    days: int,
    services: Sequence[str] = (),
    language: str | None = None,
    *,
    stale_movies: Collection[int] = (),
    stale_shows: Collection[int] = (),
    report: FetchReport | None = None,
    quiet: bool = True,
) -> pa.Table:
    """The releases TMDB knows in ``regions`` for ``days`` days from ``start``, as a catalog
    table (``SCHEMA``); only on ``services`` (catalog names) when some are given.

    Details of films and shows in ``stale_movies``/``stale_shows`` (from :func:`changed_ids`)
    are fetched again rather than read from the client's cache. Raises :class:`ValueError`
    for a bad region, service or language, :class:`TmdbError` when TMDB fails or a list is
    malformed; a malformed title is skipped with a warning in ``report``.
    """
    report = report if report is not None else FetchReport()
    regions = [iso_region(region) for region in regions]
    wanted, providers = _wanted_services(services)
    if language is not None and not LANGUAGE.fullmatch(language):
        raise ValueError(f"language {language!r} is not a code like en or en-GB")
    end = start + dt.timedelta(days=days - 1)
    requests_before = client.requests
    options = {"language": language} if language else {}
    films, shows = (
        _listed(client, kind, regions, start, end, providers, options, report)
        for kind in ("movie", "tv")
    )
    scope = _Scope(start, end, wanted, dt.datetime.now(dt.UTC).replace(microsecond=0))
    rows: list[dict] = []
    for kind, titles, stale_ids in (("movie", films, stale_movies), ("tv", shows, stale_shows)):
        for title_id in progress(titles, "TMDB", "films" if kind == "movie" else "shows", quiet):
            stale = title_id in stale_ids
            title = _details(client, kind, title_id, options, stale, report)
            if title is None:
                continue
            if kind == "movie":
                report.films += 1
            else:
                report.shows += 1
            report.external_ids[f"tmdb-{kind}-{title_id}"] = title.external_ids
            try:
                rows += _title_rows(client, title, titles[title_id], scope, options, stale, report)
            except UnusableResponse as exc:
                report.skip(f"{exc}; skipped the show")
    report.requests += client.requests - requests_before
    report.warnings += [
        f"TMDB provider {pid} ({name}) is not in PROVIDER_SERVICES; its releases keep TMDB's name"
        for pid, name in sorted(report.unknown_providers.items())
    ]
    return pa.Table.from_pylist(_unique(rows, report), schema=SCHEMA)


def releases_now(
    client: TmdbClient,
    title_id: str,
    regions: Sequence[str],
    start: dt.date,
    language: str | None = None,
) -> list[dict]:
    """The releases TMDB now dates for one title (``tmdb-movie-N`` or ``tmdb-tv-N``) in
    ``regions`` on or after ``start``, its details fetched again: where a release it no
    longer lists on its day went. Nothing for another id, or a title TMDB no longer has
    (HTTP 404); raises :class:`TmdbError` when TMDB cannot say (a refusal, a malformed
    answer, a failure)."""
    kind, _, number = title_id.removeprefix("tmdb-").partition("-")
    if kind not in ("movie", "tv") or not number.isascii() or not number.isdigit():
        return []
    options = {"language": language} if language else {}
    try:
        title = _fetched_details(client, kind, int(number), options, stale=True)
    except UnusableResponse as exc:
        if not_found(exc):
            return []
        raise
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    scope = _Scope(start, LATEST, set(), now)
    return _title_rows(client, title, regions, scope, options, True, FetchReport())


def _title_rows(
    client: TmdbClient,
    title: Film | Show,
    regions: Sequence[str],
    scope: _Scope,
    options: Mapping[str, str],
    stale: bool,
    report: FetchReport,
) -> list[dict]:
    """A film's or a show's rows in ``regions`` within ``scope``. Raises
    :class:`UnusableResponse` when a show's season cannot be read."""
    if isinstance(title, Film):
        return [row for region in regions for row in _film_rows(title, region, scope, report)]
    episodes = _episodes(client, title, scope.start, scope.end, options, stale)
    return [row for region in regions for row in _show_rows(title, episodes, region, scope, report)]


def changed_ids(
    client: TmdbClient, kind: Kind, since: dt.date, until: dt.date | None = None
) -> set[int]:
    """Ids of the films (``"movie"``) or shows (``"tv"``) TMDB changed from ``since`` to
    ``until`` (default today), from ``/movie/changes`` or ``/tv/changes``; never cached."""
    if kind not in ("movie", "tv"):
        raise ValueError(f"kind must be movie or tv, not {kind!r}")
    until = until or dt.date.today()
    changed: set[int] = set()
    while since <= until:
        last = min(until, since + dt.timedelta(days=MAX_CHANGE_DAYS - 1))
        query = {"start_date": since.isoformat(), "end_date": last.isoformat()}
        page, pages = 1, 1
        while page <= pages:
            what = f"{kind} changes {since} to {last}, page {page}"
            body = client.get_json(
                f"/{kind}/changes", {**query, "page": str(page)}, what=what, cache=False
            )
            parsed = _page(body, what)
            changed.update(parsed.ids)
            pages, page = min(parsed.total_pages, MAX_PAGES), page + 1
        since = last + dt.timedelta(days=1)
    return changed


def _wanted_services(services: Sequence[str]) -> tuple[set[str], str | None]:
    """The catalog names asked for (case-folded) and the ``with_watch_providers`` filter."""
    ids, unknown = [], []
    for service in services:
        found = provider_ids(service)
        ids += found
        if not found:
            unknown.append(service)
    if unknown:
        known = ", ".join(sorted(set(PROVIDER_SERVICES.values())))
        raise ValueError(f"no TMDB provider is known for {', '.join(unknown)}; known: {known}")
    return {s.casefold() for s in services}, "|".join(str(i) for i in sorted(set(ids))) or None


def _listed(
    client: TmdbClient,
    kind: Kind,
    regions: Sequence[str],
    start: dt.date,
    end: dt.date,
    providers: str | None,
    options: Mapping[str, str],
    report: FetchReport,
) -> dict[int, list[str]]:
    """Title id -> the regions whose discover list has it, in TMDB's order."""
    listed: dict[int, list[str]] = {}
    for region in regions:
        for title_id in _discover(client, kind, region, start, end, providers, options, report):
            listed.setdefault(title_id, []).append(region)
    return listed


def _discover(
    client: TmdbClient,
    kind: Kind,
    region: str,
    start: dt.date,
    end: dt.date,
    providers: str | None,
    options: Mapping[str, str],
    report: FetchReport,
) -> list[int]:
    """Ids of the titles TMDB's discover list has in ``region`` from ``start`` to ``end``.
    A window with more than :data:`MAX_PAGES` pages is halved until each part has fewer."""
    ids: dict[int, None] = {}
    windows = [(start, end)]
    while windows:
        low, high = windows.pop(0)
        query = {**options, **_discover_query(kind, region, low, high, providers)}
        what = f"{'films' if kind == 'movie' else 'shows'} in {region} from {low} to {high}"
        first = _discover_page(client, kind, query, 1, what)
        if first.total_pages > MAX_PAGES and low < high:
            middle = low + (high - low) // 2
            windows[:0] = [(low, middle), (middle + dt.timedelta(days=1), high)]
            continue
        if first.total_pages > MAX_PAGES:
            report.warnings.append(f"{what}: more than {MAX_PAGES} pages; the rest left out")
        ids.update(dict.fromkeys(first.ids))
        for number in range(2, min(first.total_pages, MAX_PAGES) + 1):
            ids.update(dict.fromkeys(_discover_page(client, kind, query, number, what).ids))
    return list(ids)


def _discover_query(
    kind: Kind, region: str, low: dt.date, high: dt.date, providers: str | None
) -> dict[str, str]:
    query = {"include_adult": "false", "sort_by": "popularity.desc"}
    if kind == "movie":
        query |= {
            "region": region,
            "with_release_type": "4|6",  # digital, TV
            "release_date.gte": low.isoformat(),
            "release_date.lte": high.isoformat(),
        }
    else:
        query |= {"air_date.gte": low.isoformat(), "air_date.lte": high.isoformat()}
    if providers or kind == "tv":
        query |= {"watch_region": region, "with_watch_monetization_types": "flatrate|free|ads"}
    if providers:
        query["with_watch_providers"] = providers
    return query


def _discover_page(client: TmdbClient, kind: Kind, query: dict, number: int, what: str) -> Page:
    what = f"{what}, page {number}"
    body = client.get_json(f"/discover/{kind}", {**query, "page": str(number)}, what=what)
    return _page(body, what)


def _page(body, what: str) -> Page:
    try:
        return parse_page(body)
    except ValueError as exc:
        raise UnusableResponse(f"{what}: malformed response: {exc}") from None


def _details(
    client: TmdbClient,
    kind: Kind,
    title_id: int,
    options: Mapping[str, str],
    stale: bool,
    report: FetchReport,
) -> Film | Show | None:
    """A film's or a show's details; one TMDB cannot give or that is malformed is skipped."""
    try:
        return _fetched_details(client, kind, title_id, options, stale)
    except UnusableResponse as exc:
        report.skip(f"{exc}; skipped")
    return None


def _fetched_details(
    client: TmdbClient, kind: Kind, title_id: int, options: Mapping[str, str], stale: bool
) -> Film | Show:
    """A film's or a show's details; raises :class:`UnusableResponse` for a refusal (see
    :func:`~.http.not_found`) or a malformed answer."""
    what = f"{'film' if kind == 'movie' else 'show'} {title_id}"
    parts = MOVIE_PARTS if kind == "movie" else SHOW_PARTS
    body = client.get_json(
        f"/{kind}/{title_id}",
        {**options, "append_to_response": parts},
        what=what,
        fresh_for="week",
        refresh=stale,
    )
    try:
        return parse_film(body) if kind == "movie" else parse_show(body)
    except ValueError as exc:
        raise UnusableResponse(f"{what}: malformed response: {exc}") from None


def _episodes(
    client: TmdbClient,
    show: Show,
    start: dt.date,
    end: dt.date,
    options: Mapping[str, str],
    stale: bool,
) -> dict[int, list[Episode]]:
    """Season number -> its dated episodes, for the seasons that may air in the window."""
    seasons = sorted((s for s in show.seasons if s.number > 0), key=lambda s: s.number)
    episodes = {}
    for index, season in enumerate(seasons):
        following = seasons[index + 1].air_date if index + 1 < len(seasons) else None
        if season.air_date is None or season.air_date > end:
            continue
        if following is not None and following <= start:
            continue
        what = f"show {show.tmdb_id} ({show.name}) season {season.number}"
        body = client.get_json(
            f"/tv/{show.tmdb_id}/season/{season.number}",
            dict(options),
            what=what,
            fresh_for="week",
            refresh=stale,
        )
        try:
            episodes[season.number] = parse_season(body)
        except ValueError as exc:
            raise UnusableResponse(f"{what}: malformed response: {exc}") from None
    return episodes


@dataclass(frozen=True)
class _Scope:
    """What a title's rows are cut to: the window, the services asked for (case-folded; none
    means all), and the time they are stamped with."""

    start: dt.date
    end: dt.date
    wanted: set[str]
    now: dt.datetime

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def asked_for(self, services: list[str]) -> list[str]:
        return [s for s in services if not self.wanted or s.casefold() in self.wanted]


def _film_rows(film: Film, region: str, scope: _Scope, report: FetchReport) -> list[dict]:
    label = f"film {film.tmdb_id} ({film.name}) in {region}"
    releases = film.releases.get(region, ())
    in_window = [r for r in releases if scope.covers(r.date)]
    if not in_window:
        report.skip(f"{label}: no digital or TV date in the window")
        return []
    noted = [s for s in map(service_from_note, in_window) if s]
    services = services_in(film, region) or list(dict.fromkeys(noted))
    if not services:
        report.skip(f"{label}: no subscription, free or ad-supported provider listed")
        return []
    services = scope.asked_for(services)
    _note_unknown_providers(film, region, services, report)
    dated = {service: _release_on(service, releases) or in_window[0] for service in services}
    return [
        film_row(film, region, release, service, scope.now)
        for service, release in dated.items()
        if scope.covers(release.date)
    ]


def _release_on(service: str, releases: Sequence[DatedRelease]) -> DatedRelease | None:
    """The release whose note names ``service``: TMDB's date for that service, which may
    come after an earlier digital date (a rental) in the same country."""
    return next((r for r in releases if service_from_note(r) == service), None)


def _show_rows(
    show: Show,
    episodes: Mapping[int, list[Episode]],
    region: str,
    scope: _Scope,
    report: FetchReport,
) -> list[dict]:
    label = f"show {show.tmdb_id} ({show.name}) in {region}"
    services = scope.asked_for(services_in(show, region))
    dated = [e for season in episodes.values() for e in season if scope.covers(e.air_date)]
    if not dated:
        report.skip(f"{label}: no episode dated in the window")
        return []
    if not services:
        report.skip(f"{label}: no subscription, free or ad-supported provider listed")
        return []
    _note_unknown_providers(show, region, services, report)
    return [
        show_row(show, group, episodes[group[0].season], region, service, scope.now)
        for group in group_episodes(dated)
        for service in services
    ]


def _note_unknown_providers(
    title: Film | Show, region: str, services: list[str], report: FetchReport
) -> None:
    for provider in title.providers.get(region, ()):
        if provider.id not in PROVIDER_SERVICES and provider.name in services:
            report.unknown_providers[provider.id] = provider.name


def _unique(rows: Iterable[dict], report: FetchReport) -> list[dict]:
    def repeated(row: dict, first: dict) -> None:
        report.skip(f"release {row['release_id']!r} listed twice; kept the first")

    return unique_releases(rows, repeated)


# --------------------------------------------------------------------------- importing


def import_tmdb(
    regions: Sequence[str],
    start: dt.date,
    days: int,
    out: str | os.PathLike | None = None,
    *,
    into: str | os.PathLike | None = None,
    services: Sequence[str] = (),
    language: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    cache_dir: str | os.PathLike | None = None,
    rate: float = 20.0,
    client: TmdbClient | None = None,
    environ: Mapping[str, str] = os.environ,
    quiet: bool = False,
) -> ImportSummary:
    """Import ``days`` days of TMDB releases in ``regions`` into ``out`` or ``into``.

    ``client`` (tests pass one with a mock transport and a fake sleep) replaces ``base_url``,
    ``cache_dir``, ``rate`` and the credentials read from ``environ``. Raises
    :class:`ImportFailed`, :class:`TmdbError` or :class:`CatalogError` with a message naming
    the problem; the target is then untouched.
    """
    summary = ImportSummary(_check_options(days, out, into, regions))
    report = summary.report

    def open_client() -> TmdbClient:
        credentials = Credentials.from_environment(environ)
        return TmdbClient(credentials, base_url, rate=rate, cache_dir=cache_dir)

    def fetch() -> pa.Table:
        with session(client, open_client) as api:
            try:
                return fetch_tmdb_releases(
                    api, regions, start, days, services, language, report=report, quiet=quiet
                )
            except ValueError as exc:
                raise ImportFailed(str(exc)) from None

    conflicts, written = command.publish_import(
        summary,
        TMDB,
        fetch,
        merge=into is not None,
        nothing=f"TMDB lists no releases in the {days} day(s) from {start}",
        days=[start + dt.timedelta(days=n) for n in range(days)],
        external_ids=report.external_ids,
    )
    for conflict in conflicts:
        report.skip(conflict)
    summary.warnings = report.warnings + written
    return summary


def _check_options(days, out, into, regions) -> Path:
    command.check_days_and_target(days, MAX_DAYS, out, into)
    if not regions:
        raise ImportFailed("give at least one --region, e.g. --region GB")
    for region in regions:
        try:
            iso_region(region)
        except ValueError as exc:
            raise ImportFailed(f"--region: {exc}") from None
    return command.target_file(out, into)


# --------------------------------------------------------------------------- command line


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``tmdb`` to the ``import`` sub-commands."""
    parser = subparsers.add_parser(
        "tmdb",
        help="import films and shows with per-country dates and providers from TMDB",
        description=f"Import films and shows with per-country streaming dates and providers "
        f"from TMDB ({SITE_URL}). Needs TMDB_API_KEY or TMDB_READ_TOKEN. {NOTICE} "
        f"{JUSTWATCH_CREDIT}",
    )
    parser.add_argument(
        "--region",
        action="append",
        type=_region_argument,
        required=True,
        metavar="CC",
        help="ISO 3166-1 alpha-2 region, e.g. GB (repeatable)",
    )
    command.add_window_options(parser, MAX_DAYS)
    command.add_target_options(parser)
    parser.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="NAME",
        help="only this service, e.g. Netflix (repeatable)",
    )
    parser.add_argument("--language", metavar="xx", help="TMDB language for texts, e.g. en-GB")
    command.add_client_options(
        parser,
        service="TMDB",
        base_url=DEFAULT_BASE_URL,
        rate=20.0,
        rate_type=command.rate_argument(40),
        rate_help="at most this many requests per second (default: 20; TMDB allows about 40)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    quiet = is_quiet(args)

    def work() -> ImportSummary:
        return import_tmdb(
            args.region,
            args.start or dt.date.today(),
            args.days,
            args.out,
            into=args.into,
            services=args.service,
            language=args.language,
            base_url=args.base_url,
            cache_dir=args.cache_dir,
            rate=args.rate,
            quiet=quiet,
        )

    return run_reported(work, (ImportFailed, TmdbError, CatalogError, OSError), quiet=quiet)


def _region_argument(text: str) -> str:
    try:
        return iso_region(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
