"""``calendar-data refresh``: keep a catalog current, one source at a time, incrementally.

For each source of the config (:mod:`.refresh_config`, :mod:`.refresh_sources`) a refresh

1. asks the source which titles changed since its last refresh (recorded in the catalog's
   metadata); when it cannot tell (first refresh, too long ago, other settings) it fetches the
   whole window instead;
2. fetches the days of the window it has not fetched yet, and, when titles changed, every day
   again, keeping only the releases of changed and unknown titles;
3. merges them in (:func:`~calendar_data.importers.merge.merge_releases`) and removes the
   source's releases in the fetched scope that the source no longer lists, once it has said
   which of them it now gives another day (those are moved: a postponement past the window
   is not a removal).

Then releases of the refreshed sources older than ``days_behind`` are dropped, each offer's
``first_seen`` is stamped (:mod:`.arrivals`), and the catalog is published atomically with
what was refreshed when; the change log records the changes, arrivals and departures. A lock
beside the catalog (:mod:`.refresh_lock`) keeps a second refresh out. Nothing is written
until everything is fetched and merged: a refresh that fails, or is killed before it
publishes, leaves the catalog and its change log as they were.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import arrivals, changes
from .arguments import date_argument, is_quiet, quiet_option
from .catalog import LATEST, CatalogError, load_catalog, write_catalog
from .files import URI
from .importers.merge import merge_releases, own_title_id
from .refresh_config import EXAMPLE_CONFIG, ConfigError, RefreshConfig, SourceConfig, load_config
from .refresh_lock import LockHeld, refresh_lock
from .refresh_sources import (
    SOURCE_ERRORS,
    SOURCE_OPTIONS,
    SOURCES,
    Fetched,
    Plan,
    RefreshSource,
)
from .reporting import fail, run_reported
from .schema import SCHEMA
from .text import quoted

#: The change log's ``source`` of what a refresh changed.
CHANGE_SOURCE = "refresh"


#: The source's own title id a release id starts with: its words up to the first number.


class RefreshFailed(Exception):
    """A refresh that cannot go ahead; nothing was written."""


@dataclass
class SourceReport:
    name: str
    full: bool
    days: int = 0
    changed: int = 0
    requests: int = 0
    fetched: int = 0

    def describe(self) -> str:
        how = "full" if self.full else f"incremental ({self.changed} title(s) changed there)"
        return (
            f"{self.name}: {how}, {self.days} day(s) fetched, {self.fetched} release(s) "
            f"fetched with {self.requests} request(s)"
        )


@dataclass
class RefreshReport:
    catalog: Path
    sources: list[SourceReport] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    dropped: int = 0
    arrived: int = 0
    left: int = 0
    rows: int = 0
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [source.describe() for source in self.sources]
        lines.append(
            f"{self.catalog}: {self.rows:,} releases; added {self.added}, updated {self.updated}, "
            f"moved {self.moved}, removed {self.removed}, dropped as past the window "
            f"{self.dropped}; arrived {self.arrived}, left {self.left}"
        )
        return "\n".join(lines)


def refresh_catalog(
    catalog: str | os.PathLike,
    config: RefreshConfig,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    quiet: bool = True,
) -> RefreshReport:
    """Refresh the catalog at ``catalog`` as ``config`` says (see the module's docstring).

    ``today`` is the first day of the window (default: today, UTC); ``now`` the time recorded
    as the refresh's. Raises :class:`LockHeld`, :class:`RefreshFailed`, :class:`CatalogError`
    or a source's own error with a message naming the problem; the catalog is then untouched.
    """
    if URI.match(os.fspath(catalog)):
        raise RefreshFailed(
            f"{os.fspath(catalog)}: refresh keeps a local Parquet file current; give a path, "
            "not a URI"
        )
    catalog = Path(catalog)
    if catalog.is_dir():
        raise RefreshFailed(f"{catalog} is a folder; refresh keeps a single Parquet file current")
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    today = today or now.date()
    window = [today + dt.timedelta(days=n) for n in range(config.days_ahead)]
    report = RefreshReport(catalog)
    with refresh_lock(catalog):
        existing = load_catalog(catalog) if catalog.exists() else None
        table = existing.table if existing is not None else SCHEMA.empty_table()
        before = table
        recorded = existing.refresh.get("sources") if existing is not None else None
        recorded = recorded if isinstance(recorded, dict) else {}
        state = {}
        infos = {info.name: info for info in (existing.sources if existing else ())}
        for source_config in config.sources:
            source = SOURCES[source_config.name]
            table, state[source.name] = _refresh_source(
                source, source_config, table, recorded.get(source.name), window, now, report, quiet
            )
            infos[source.name] = source.info
        names = set(state)
        cutoff = today - dt.timedelta(days=config.days_behind)
        table = _drop_before(table, names, cutoff, report)
        table = arrivals.stamp_first_seen(table, names, now)
        if not table.num_rows:
            raise RefreshFailed(
                f"{catalog}: the sources list no releases in the {config.days_ahead} day(s) "
                f"from {today}; nothing written"
            )
        report.rows = table.num_rows
        refresh = {"every_hours": config.every_hours, "sources": {**recorded, **state}}
        report.warnings += write_catalog(table, catalog, infos.values(), refresh=refresh)
        if existing is not None:
            report.warnings += _record(before, catalog, names, cutoff, now, report)
    return report


def _refresh_source(
    source: RefreshSource,
    config: SourceConfig,
    table: pa.Table,
    previous: dict | None,
    window: list[dt.date],
    now: dt.datetime,
    report: RefreshReport,
    quiet: bool,
) -> tuple[pa.Table, dict]:
    """``table`` with ``source`` refreshed over ``window``, and the state to record."""
    settings = _settings(config)
    ours = table.filter(pc.equal(table["source"].cast(pa.string()), source.name))
    known = {own_title_id(release) for release in ours["release_id"].to_pylist()}
    with source.open_client(config) as client:
        requests_before = client.requests
        changed = None
        last = _last_refresh(previous, settings)
        if last is not None:
            since, through = last
            changed = source.changed_titles(client, since, now)
        if changed is None:
            through = window[0] - dt.timedelta(days=1)
        plan = Plan(tuple(window), through, _frozen(changed), frozenset(known))
        fetched = source.fetch(client, config, plan, quiet) if plan.days else None
        if fetched is not None:
            report.warnings += fetched.warnings
            incoming = _incoming(fetched, source.name, config, report)
            fetched_rows = incoming.num_rows
            if source.relocate is not None:
                incoming = _with_relocated(source, client, table, incoming, plan, config, report)
        requests = client.requests - requests_before
    sourced = SourceReport(
        source.name, changed is None, len(plan.days), len(changed or ()), requests
    )
    report.sources.append(sourced)
    if fetched is not None:
        sourced.fetched = fetched_rows
        table = _merge(table, incoming, source.name, plan, fetched.external_ids, report, config)
    state = {
        "refreshed_at": now.isoformat(),
        "through": max(window[-1], through).isoformat(),
        "settings": settings,
    }
    return table, state


def _frozen(changed: set[str] | None) -> frozenset[str] | None:
    return None if changed is None else frozenset(changed)


def _settings(config: SourceConfig) -> dict:
    """What a source was refreshed with; other settings mean a full refresh (another base URL
    does not: it is the same source through a mirror or a stand-in)."""
    return {
        "regions": list(config.regions),
        "services": list(config.services),
        "options": dict(config.options),
    }


def _last_refresh(previous: dict | None, settings: dict) -> tuple[dt.datetime, dt.date] | None:
    """When the source was last refreshed with these settings, and the last day fetched."""
    if not isinstance(previous, dict) or previous.get("settings") != settings:
        return None
    try:
        since = dt.datetime.fromisoformat(previous["refreshed_at"])
        through = dt.date.fromisoformat(previous["through"])
    except (KeyError, TypeError, ValueError):
        return None
    return (since, through) if since.tzinfo is not None else None


def _on_services(table: pa.Table, services: tuple[str, ...]) -> pa.Array:
    """Which rows are on one of ``services``, in any case (as a link's or a flag's are)."""
    wanted = pa.array([service.casefold() for service in services], pa.string())
    return pc.is_in(pc.utf8_lower(table["service"].cast(pa.string())), value_set=wanted)


def _unlisted_services(source: str, services: tuple[str, ...], incoming: pa.Table) -> list[str]:
    """A warning for each configured service no release the source listed is on (a typo, most
    likely): its releases are left as they are, neither refreshed nor removed."""
    listed = {service.casefold() for service in incoming["service"].cast(pa.string()).to_pylist()}
    return [
        f"{source}: no release it listed is on the configured service {quoted(service)} "
        "(check its spelling); its releases in the catalog were left as they are"
        for service in services
        if service.casefold() not in listed
    ]


def _incoming(fetched: Fetched, source: str, config: SourceConfig, report: RefreshReport):
    """The fetched releases as a table, of the configured services only (a warning names a
    configured service the source did not list)."""
    incoming = pa.Table.from_pylist(fetched.rows, schema=SCHEMA)
    if config.services:
        report.warnings += _unlisted_services(source, config.services, incoming)
        incoming = incoming.filter(_on_services(incoming, config.services))
    return incoming


def _with_relocated(
    source: RefreshSource,
    client,
    table: pa.Table,
    incoming: pa.Table,
    plan: Plan,
    config: SourceConfig,
    report: RefreshReport,
) -> pa.Table:
    """``incoming`` and the releases it no longer lists on their days that the source now
    gives a day after the fetched ones (postponed; a day that was fetched would have listed
    them) and none of whose episodes it lists (those stayed), or could not be asked about
    (kept as they were)."""
    gone = table.filter(_unlisted(table, incoming, source.name, plan, config)).to_pylist()
    was = {row["release_id"]: row["release_date"] for row in gone}
    relocated = source.relocate(client, config, gone)
    report.warnings += relocated.warnings
    last = max(plan.days)
    listed = incoming.select(list(_EPISODES_OF)).to_pylist()
    kept = [
        row
        for row in relocated.rows
        if row["release_date"] == was[row["release_id"]]
        or (last < row["release_date"] <= LATEST and not any(_share(row, r) for r in listed))
    ]
    return pa.concat_tables([incoming, pa.Table.from_pylist(kept, SCHEMA)])


#: What tells whether two releases share an episode (:func:`_share`).
_EPISODES_OF = ("release_id", "service", "region", "season", "episode_start", "episode_end")


def _share(one: dict, other: dict) -> bool:
    """Whether two releases of a source hold an episode in common: same title, service,
    region and season, and numbers that overlap."""
    same = all(one[key] == other[key] for key in ("service", "region", "season"))
    if not same or own_title_id(one["release_id"]) != own_title_id(other["release_id"]):
        return False
    if one["episode_start"] is None or other["episode_start"] is None:
        return False
    one_end = one["episode_end"] or one["episode_start"]
    other_end = other["episode_end"] or other["episode_start"]
    return one["episode_start"] <= other_end and other["episode_start"] <= one_end


def _merge(
    table: pa.Table,
    incoming: pa.Table,
    source: str,
    plan: Plan,
    external_ids: dict[str, dict[str, str]],
    report: RefreshReport,
    config: SourceConfig,
) -> pa.Table:
    """``incoming`` merged into ``table``, without the source's releases it no longer lists
    (:func:`_unlisted`)."""
    merged = merge_releases(table, incoming, source, external_ids)
    report.warnings += merged.conflicts
    report.added += merged.added
    report.updated += merged.updated
    report.moved += merged.moved
    gone = _unlisted(merged.table, incoming, source, plan, config)
    report.removed += pc.sum(gone).as_py() or 0
    return merged.table.filter(pc.invert(gone))


def _unlisted(
    table: pa.Table, incoming: pa.Table, source: str, plan: Plan, config: SourceConfig
) -> pa.Array:
    """Which of ``table``'s releases the source no longer lists: its own that were fetched
    again (a wanted title on a fetched day, on a configured service) but are not in
    ``incoming``. A release on a service the config leaves out is not the refresh's to
    remove."""
    fresh = set(incoming["release_id"].to_pylist())
    days = set(plan.days)
    rows = table.select(["release_id", "source", "release_date"]).to_pylist()
    in_scope = (
        _on_services(table, config.services).to_pylist() if config.services else [True] * len(rows)
    )
    return pa.array(
        [
            row["source"] == source
            and scoped
            and row["release_id"] not in fresh
            and row["release_date"] in days
            and plan.wants(own_title_id(row["release_id"]), row["release_date"])
            for row, scoped in zip(rows, in_scope, strict=True)
        ],
        pa.bool_(),
    )


def _drop_before(
    table: pa.Table, sources: set[str], cutoff: dt.date, report: RefreshReport | None = None
) -> pa.Table:
    """``table`` without the releases of ``sources`` dated before ``cutoff``."""
    old = pc.and_(
        pc.is_in(table["source"].cast(pa.string()), pa.array(list(sources), pa.string())),
        pc.less(table["release_date"], pa.scalar(cutoff, pa.date32())),
    )
    old = pc.fill_null(old, False)
    if report is not None:
        report.dropped += pc.sum(old).as_py() or 0
    return table.filter(pc.invert(old))


def _record(
    before: pa.Table,
    catalog: Path,
    sources: set[str],
    cutoff: dt.date,
    now: dt.datetime,
    report: RefreshReport,
) -> list[str]:
    """Append the refresh's changes to the change log, comparing with the previous catalog cut
    to the same window (releases that grew old are dropped, not "removed")."""
    before = _drop_before(before, sources, cutoff)
    after = load_catalog(catalog).table
    moves = arrivals.arrival_changes(before, after, sources, changed_at=now, source=CHANGE_SOURCE)
    kinds = moves["change"].to_pylist()
    report.arrived, report.left = kinds.count("arrived"), kinds.count("left")
    snapshot = changes.Snapshot(before.select(list(changes.READ)))
    return changes.record_changes(snapshot, catalog, CHANGE_SOURCE, now=now, more=moves)


# --------------------------------------------------------------------------- command line


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``refresh`` to the ``calendar-data`` sub-commands."""
    parser = subparsers.add_parser(
        "refresh",
        help="keep a catalog current: fetch what changed from the sources of a config file",
        description="Fetch what changed from the sources of a TOML config, merge it into "
        "CATALOG, drop releases past the window and record the changes. Run it every few hours "
        "(see deploy/ and the README).",
    )
    parser.add_argument("catalog", nargs="?", metavar="CATALOG", help="Parquet catalog to keep")
    parser.add_argument("--config", metavar="FILE", help="TOML config (see --example-config)")
    parser.add_argument(
        "--example-config", action="store_true", help="print a commented config and exit"
    )
    parser.add_argument(
        "--today",
        type=date_argument,
        metavar="DATE",
        help="first day of the window, YYYY-MM-DD (default: today; for replaying recordings)",
    )
    quiet_option(parser, "no summary")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.example_config:
        sys.stdout.write(EXAMPLE_CONFIG)
        return 0
    if args.catalog is None or args.config is None:
        return fail("give CATALOG and --config FILE (or --example-config for a sample config)")
    quiet = is_quiet(args)

    def work() -> RefreshReport:
        config = load_config(args.config, SOURCE_OPTIONS)
        return refresh_catalog(args.catalog, config, today=args.today, quiet=quiet)

    errors = (ConfigError, LockHeld, RefreshFailed, CatalogError, *SOURCE_ERRORS)
    return run_reported(work, errors, quiet=quiet)
