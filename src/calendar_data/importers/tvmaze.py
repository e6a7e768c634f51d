"""``calendar-data import tvmaze``: upcoming streaming releases from TVmaze's schedules.

For each day the web schedule (and, with ``--include-broadcast``, a country's broadcast
schedule) is fetched; the episodes are grouped into releases and completed with each show's
cast, crew and season data; the result is written as a new catalog or merged into one.
Nothing is written unless the whole import succeeds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..arguments import is_quiet
from ..catalog import CatalogError
from ..reporting import run_reported
from ..schema import SCHEMA
from . import command
from .command import ImportFailed, progress, session, unique_releases
from .licences import TVMAZE
from .tvmaze_client import DEFAULT_BASE_URL, TvmazeClient, TvmazeError, UnusableResponse
from .tvmaze_parse import (
    Airing,
    Feed,
    ShowDetails,
    parse_cast,
    parse_crew,
    parse_schedule,
    parse_seasons,
)
from .tvmaze_releases import group_airings, release_row

MAX_DAYS = 62
#: What each show's detail requests fetch, and how each answer is read.
DETAIL_PARTS = (
    ("cast", "/shows/{id}", {"embed[]": "cast"}, parse_cast),
    ("crew", "/shows/{id}/crew", None, parse_crew),
    ("seasons", "/shows/{id}/seasons", None, parse_seasons),
)


@dataclass
class ImportSummary(command.ImportSummary):
    days: int = 0
    skipped: int = 0
    requests: int = 0

    def describe(self) -> str:
        return (
            f"{self.target}: {self.days} day(s) fetched with {self.requests} request(s) "
            f"in {self.seconds:.1f} s; releases added {self.added}, updated {self.updated}, "
            f"moved {self.moved}, unchanged {self.unchanged}, removed {self.removed}; "
            f"entries skipped {self.skipped}"
        )


def import_tvmaze(
    start: dt.date,
    days: int,
    out: str | os.PathLike | None = None,
    *,
    country: str | None = None,
    worldwide_only: bool = False,
    include_broadcast: bool = False,
    into: str | os.PathLike | None = None,
    base_url: str = DEFAULT_BASE_URL,
    cache_dir: str | os.PathLike | None = None,
    rate: float = 2.0,
    client: TvmazeClient | None = None,
    quiet: bool = False,
) -> ImportSummary:
    """Import ``days`` days of TVmaze schedules from ``start`` into ``out`` or ``into``.

    ``client`` (tests pass one with a short timeout and a fake sleep) replaces ``base_url``,
    ``cache_dir`` and ``rate``. Raises :class:`ImportFailed`, :class:`TvmazeError` or
    :class:`CatalogError` with a message naming the problem; the target is then untouched.
    """
    summary = ImportSummary(
        _check_options(days, out, into, country, worldwide_only, include_broadcast)
    )
    dates = [start + dt.timedelta(days=n) for n in range(days)]

    def fetch() -> pa.Table:
        with session(client, lambda: TvmazeClient(base_url, rate=rate, cache_dir=cache_dir)) as api:
            feeds = schedule_feeds(country, worldwide_only, include_broadcast)
            rows = fetch_release_rows(api, dates, feeds, summary, quiet=quiet)
        return pa.Table.from_pylist(rows, schema=SCHEMA)

    nothing = f"TVmaze lists no releases in the {days} day(s) from {start}"
    conflicts, written = command.publish_import(
        summary, TVMAZE, fetch, merge=into is not None, nothing=nothing, days=dates
    )
    summary.skipped += len(conflicts)
    summary.warnings += conflicts + written
    return summary


def fetch_release_rows(
    api: TvmazeClient,
    dates: list[dt.date],
    feeds: list[tuple[Feed, str, dict[str, str]]],
    summary: ImportSummary,
    *,
    quiet: bool,
    wanted: Callable[[Airing], bool] | None = None,
) -> list[dict]:
    """The catalog rows of the releases that ``feeds`` (see :func:`schedule_feeds`) list on
    ``dates``, each show completed with its details; ``summary`` counts the requests.

    ``wanted`` picks the airings to import (``calendar-data refresh`` fetches only the shows
    that changed); the details of shows without a wanted airing are not fetched.
    """
    requests_before = api.requests
    airings = _fetch_schedules(api, dates, feeds, summary, quiet)
    groups = group_airings(a for a in airings if wanted is None or wanted(a))
    details = _fetch_details(api, {g[0].show_id: g[0].show for g in groups}, summary, quiet)
    summary.requests += api.requests - requests_before
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return _unique_rows((release_row(g, details[g[0].show_id], now) for g in groups), summary)


def _check_options(days, out, into, country, worldwide_only, include_broadcast) -> Path:
    """The path to write, once the options are known to make sense together."""
    command.check_days_and_target(days, MAX_DAYS, out, into)
    if country is not None and worldwide_only:
        raise ImportFailed("--country and --worldwide-only exclude each other")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise ImportFailed(f"--country must be an ISO 3166 alpha-2 code like US, not {country!r}")
    if include_broadcast and country is None:
        raise ImportFailed("--include-broadcast needs --country: broadcast schedules are national")
    return command.target_file(out, into)


def schedule_feeds(
    country: str | None, worldwide_only: bool, include_broadcast: bool
) -> list[tuple[Feed, str, dict[str, str]]]:
    """The schedules to fetch each day: (feed, path, query)."""
    web: dict[str, str] = {}
    if country is not None or worldwide_only:
        web["country"] = country or ""  # an empty country means worldwide channels only
    feeds: list[tuple[Feed, str, dict[str, str]]] = [("web", "/schedule/web", web)]
    if include_broadcast and country is not None:
        feeds.append(("broadcast", "/schedule", {"country": country}))
    return feeds


def _fetch_schedules(
    api: TvmazeClient,
    dates: list[dt.date],
    feeds: list[tuple[Feed, str, dict[str, str]]],
    summary: ImportSummary,
    quiet: bool,
) -> Iterator[Airing]:
    """Every usable airing of every day; a day that cannot be fetched fails the import."""
    for day in progress(dates, "TVmaze", "days", quiet):
        for feed, path, params in feeds:
            what = f"{feed} schedule for {day}"
            body = api.get_json(path, {**params, "date": day.isoformat()}, what=what)
            try:
                airings, problems = parse_schedule(body, feed)
            except ValueError as exc:
                raise UnusableResponse(f"{what}: {exc}") from None
            summary.skipped += len(problems)
            summary.warnings += [f"{what}: skipped {problem}" for problem in problems]
            yield from airings
        summary.days += 1


def _fetch_details(
    api: TvmazeClient, shows: dict[int, dict], summary: ImportSummary, quiet: bool
) -> dict[int, ShowDetails]:
    """Cast, crew and seasons of each show. A part TVmaze cannot give is left out, with a
    warning; a network failure fails the import."""
    details = {}
    for show_id in progress(shows, "TVmaze", "shows", quiet):
        label = f"show {show_id} ({shows[show_id]['name']})"
        parts = {}
        for part, path, params, parse in DETAIL_PARTS:
            what = f"{label} {part}"
            try:
                parts[part] = parse(
                    api.get_json(path.format(id=show_id), params, what=what, fresh_for="week")
                )
            except UnusableResponse as exc:
                summary.warnings.append(f"{exc}; imported without {part}")
            except ValueError as exc:
                summary.warnings.append(f"{what}: {exc}; imported without {part}")
        details[show_id] = ShowDetails(**parts)
    return details


def _unique_rows(rows: Iterable[dict], summary: ImportSummary) -> list[dict]:
    """The rows with the first of each ``release_id``; ids clash only when two channel names
    make the same slug."""

    def repeated(row: dict, first: dict) -> None:
        summary.skipped += 1
        summary.warnings.append(
            f"skipped release {row['release_id']!r} on {row['release_date']}: "
            f"the same id is already imported for {first['release_date']}"
        )

    return unique_releases(rows, repeated)


# --------------------------------------------------------------------------- command line


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``tvmaze`` to the ``import`` sub-commands."""
    parser = subparsers.add_parser(
        "tvmaze",
        help="import upcoming streaming releases from TVmaze",
        description="Import upcoming streaming releases from TVmaze's schedules "
        "(data CC BY-SA 4.0, https://www.tvmaze.com).",
    )
    command.add_window_options(parser, MAX_DAYS)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--country",
        type=_country_argument,
        metavar="CC",
        help="only this country's local web channels (ISO 3166 alpha-2)",
    )
    where.add_argument(
        "--worldwide-only", action="store_true", help="only web channels that stream worldwide"
    )
    parser.add_argument(
        "--include-broadcast", action="store_true", help="also the broadcast networks of --country"
    )
    command.add_target_options(parser)
    command.add_client_options(
        parser,
        service="TVmaze",
        base_url=DEFAULT_BASE_URL,
        rate=2.0,
        rate_type=command.rate_argument(100),
        rate_help="at most this many requests per second (default: 2)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    def work() -> ImportSummary:
        return import_tvmaze(
            args.start or dt.date.today(),
            args.days,
            args.out,
            country=args.country,
            worldwide_only=args.worldwide_only,
            include_broadcast=args.include_broadcast,
            into=args.into,
            base_url=args.base_url,
            cache_dir=args.cache_dir,
            rate=args.rate,
            quiet=is_quiet(args),
        )

    # --quiet hides the progress bar only: the summary line is printed all the same.
    return run_reported(work, (ImportFailed, TvmazeError, CatalogError, OSError), quiet=False)


def _country_argument(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a two-letter country code like US")
    return text.upper()
