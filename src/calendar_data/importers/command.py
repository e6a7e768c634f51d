"""What the ``calendar-data import`` sub-commands share: their common options, the checks of
where an import writes, and publishing the fetched releases as a new catalog or merged into
one. Each importer adds what it fetches and how it says so.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from ..arguments import date_argument, local_file_argument, quiet_option
from ..catalog import SourceInfo, load_catalog, write_catalog
from ..refresh_lock import LockHeld, refresh_lock
from .http import MIN_RATE
from .merge import merge_releases, superseded, unify_titles

Client = TypeVar("Client", bound=contextlib.AbstractContextManager)


class ImportFailed(Exception):
    """An import that cannot go ahead; nothing was written."""


@dataclass
class ImportSummary:
    """What an import did to its target; each importer's summary adds what it fetched."""

    target: Path
    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- importing


def check_days_and_target(days: int, max_days: int, out, into) -> None:
    """Refuse a window of ``days`` outside 1 to ``max_days``, and anything but one target."""
    if not 1 <= days <= max_days:
        raise ImportFailed(f"--days must be between 1 and {max_days}, not {days}")
    if (out is None) == (into is None):
        raise ImportFailed("give exactly one of -o/--out and --into")


def target_file(out, into) -> Path:
    """The catalog file to write: ``into`` (merged into) or ``out`` (a new one)."""
    target = Path(into if into is not None else out)
    if target.is_dir():
        raise ImportFailed(f"{target} is a folder; give the path of a Parquet file")
    return target


@contextlib.contextmanager
def session(client: Client | None, open_client: Callable[[], Client]) -> Iterator[Client]:
    """The caller's client as it is, or a new one closed afterwards; a client refusing its
    settings (a ``ValueError``) fails the import."""
    if client is not None:
        yield client
        return
    try:
        api = open_client()
    except ValueError as exc:
        raise ImportFailed(str(exc)) from None
    with api:
        yield api


def publish_import(
    summary: ImportSummary,
    source: SourceInfo,
    fetch: Callable[[], pa.Table],
    *,
    merge: bool,
    nothing: str,
    days: Collection[dt.date],
    external_ids: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[list[str], list[str]]:
    """Fetch the releases of ``days`` and write them to ``summary.target``: merged into the
    catalog there (``merge``, read before fetching so that a bad catalog costs no request; the
    releases the fetch replaces without naming them are removed, see
    :func:`.merge.superseded`) or as a new catalog, whose sources then name ``source``.
    ``external_ids`` are the titles' ids elsewhere, as ``fetch`` fills them (see
    :func:`.merge.unify_titles`).

    Fills the summary's counts and time; returns the merge's conflicts (releases left to
    another source) and the write's warnings. An empty fetch into a new catalog raises
    :class:`ImportFailed` saying ``nothing``.
    """
    began = time.monotonic()
    # Merging, hold the catalog's refresh lock: a refresh writing it meanwhile would publish
    # its own copy read before this import's, and this import's releases would be lost.
    with _locked(summary.target) if merge else contextlib.nullcontext():
        existing = load_catalog(summary.target) if merge else None
        incoming = fetch()
        if existing is None and not incoming.num_rows:
            raise ImportFailed(nothing)
        conflicts: list[str] = []
        if existing is None:
            summary.added = incoming.num_rows
            table, sources = unify_titles(incoming, external_ids), (source,)
            refresh = None
        else:
            stale = superseded(existing.table, incoming, source.name, set(days))
            summary.removed = pc.sum(stale).as_py() or 0
            current = existing.table.filter(pc.invert(stale))
            merged = merge_releases(current, incoming, source.name, external_ids)
            summary.added, summary.updated = merged.added, merged.updated
            summary.moved, summary.unchanged = merged.moved, merged.unchanged
            conflicts = merged.conflicts
            others = tuple(s for s in existing.sources if s.name != source.name)
            table, sources = merged.table, (*others, source)
            refresh = existing.refresh  # the next refresh goes on from where the last ended
        written = write_catalog(table, summary.target, sources, refresh=refresh)
    summary.seconds = time.monotonic() - began
    return conflicts, written


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    try:
        with refresh_lock(target):
            yield
    except LockHeld as exc:
        raise ImportFailed(str(exc)) from None


def unique_releases(rows: Iterable[dict], repeated: Callable[[dict, dict], None]) -> list[dict]:
    """The rows with the first of each ``release_id``; ``repeated(row, first)`` is told of
    each later one."""
    unique: dict[str, dict] = {}
    for row in rows:
        if row["release_id"] in unique:
            repeated(row, unique[row["release_id"]])
        else:
            unique[row["release_id"]] = row
    return list(unique.values())


def progress(items: Iterable, service: str, unit: str, quiet: bool) -> Iterable:
    """``items`` with a progress bar on stderr counting ``unit`` (a plural), unless ``quiet``."""
    return tqdm(
        items, desc=f"{service} {unit}", unit=unit[:-1], file=sys.stderr, disable=quiet, leave=False
    )


# --------------------------------------------------------------------------- command line


def add_window_options(parser: argparse.ArgumentParser, max_days: int) -> None:
    """``--start`` and ``--days``: the days to import."""
    parser.add_argument(
        "--start", type=date_argument, metavar="DATE", help="first day, YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--days",
        type=days_argument(max_days),
        required=True,
        metavar="N",
        help=f"how many days to fetch, 1 to {max_days}",
    )


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``--into`` or ``-o/--out``: where the import goes."""
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--into",
        metavar="CATALOG",
        type=local_file_argument,
        help="merge into this catalog (it is replaced atomically)",
    )
    target.add_argument(
        "-o", "--out", metavar="PATH", type=local_file_argument, help="write a new catalog here"
    )


def add_client_options(
    parser: argparse.ArgumentParser,
    *,
    service: str,
    base_url: str,
    rate: float,
    rate_type: Callable[[str], float],
    rate_help: str,
) -> None:
    """``--base-url``, ``--cache-dir``, ``--rate`` and ``-q/--quiet``: how the service is asked."""
    parser.add_argument(
        "--base-url", default=base_url, metavar="URL", help=f"{service} API (default: {base_url})"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="keep raw responses here for reruns")
    parser.add_argument("--rate", type=rate_type, default=rate, help=rate_help)
    quiet_option(parser, "no progress bar")


def days_argument(most: int) -> Callable[[str], int]:
    """The type of ``--days``: a whole number from 1 to ``most``."""

    def days(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= most:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {most}")
        return int(text)

    return days


def rate_argument(most: float) -> Callable[[str], float]:
    """The type of ``--rate``: requests per second, from :data:`MIN_RATE` to ``most``."""

    def rate(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not MIN_RATE <= value <= most:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a rate from {MIN_RATE} to {most} a second"
            )
        return value

    return rate
