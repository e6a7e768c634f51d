"""The ``calendar-data`` command: check, inspect, build, generate, export, partition and
import catalogs, list what builds and imports changed, and write weekly digests
(``calendar-data --help`` lists every sub-command).

Every sub-command is a function taking the parsed arguments and returning an exit code;
importers add their own (see :mod:`calendar_data.importers.tvmaze`). Problems with the input
end as ``error: ...`` lines on stderr and exit code 1, never as a traceback; bad usage is
argparse's exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
from tqdm import tqdm

from . import changes, demo, refresh, sources
from .arguments import date_argument, local_file_argument, timezone_argument
from .catalog import (
    PARTITION_KEYS,
    CatalogError,
    SourceInfo,
    load_catalog,
    write_catalog,
    write_partitioned,
)
from .days import DEFAULT_TIMEZONE, local_days
from .files import atomic_write, publishable
from .filters import TYPE_GROUPS, ReleaseFilter, read_values, refusals
from .importers import tmdb, tvmaze
from .live import catalog_filtering, prepare_snapshot, with_logged_values
from .schema import KINDS
from .summary import disk_size, render, summarise
from .text import counted

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: ``-o -``: standard output, for the commands that write a file's text or bytes.
STDOUT = "-"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # the reader had enough (``| head``): not an error
        _drop_standard_output()
        return EXIT_OK
    except OSError as exc:
        return _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    except ValueError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calendar-data",
        description="Check, inspect, build, generate and export streaming release catalogs.",
    )
    _add_quiet(parser, default=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # --quiet is accepted after the sub-command too; SUPPRESS keeps the sub-command from
    # resetting a --quiet given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_quiet(common, default=argparse.SUPPRESS)
    # The filters of export, changes and digest: the dashboard's URL parameters, as flags, read
    # as its export links read them (a name in any case; one the catalog lacks is refused).
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument(
        "--service", action="append", help="e.g. Netflix, in any case (repeatable)"
    )
    filters.add_argument("--genre", action="append", help="e.g. Drama, in any case (repeatable)")
    filters.add_argument("--kind", action="append", choices=KINDS)
    filters.add_argument("--type", action="append", choices=tuple(TYPE_GROUPS))
    filters.add_argument("--region", action="append", help="e.g. GB, in any case (repeatable)")
    filters.add_argument("--from", dest="start", type=date_argument, help="first day, YYYY-MM-DD")
    filters.add_argument("--to", dest="end", type=date_argument, help="last day, YYYY-MM-DD")
    filters.add_argument("--query", help="search titles, cast and crew")
    filters.add_argument(
        "--arrived-since",
        type=date_argument,
        metavar="DATE",
        help="titles a refresh first saw on their service on or after this UTC day",
    )

    validate = commands.add_parser(
        "validate", parents=[common], help="check a catalog and summarise it"
    )
    validate.add_argument("path", help="catalog file, folder or URI")
    validate.set_defaults(func=validate_command)

    info = commands.add_parser(
        "info", parents=[common], help="summarise a catalog with per-service counts and size"
    )
    info.add_argument("path", help="catalog file, folder or URI")
    info.set_defaults(func=info_command)

    build = commands.add_parser(
        "build", parents=[common], help="build a catalog from CSV, JSON, JSONL or Parquet sources"
    )
    build.add_argument("sources", nargs="+", metavar="SOURCE")
    build.add_argument(
        "-o", "--output", type=local_file_argument, required=True, help="catalog file to write"
    )
    build.set_defaults(func=build_command)

    generate = commands.add_parser(
        "demo", parents=[common], help="write a synthetic catalog for trying things out"
    )
    generate.add_argument("--rows", type=_at_least(1), required=True, help="how many releases")
    generate.add_argument(
        "--start", type=date_argument, default=dt.date(2026, 1, 1), help="first day"
    )
    generate.add_argument("--seed", type=_at_least(0), default=0, help="same seed, same catalog")
    generate.add_argument(
        "-o", "--output", type=local_file_argument, required=True, help="catalog file to write"
    )
    generate.set_defaults(func=demo_command)

    export = commands.add_parser(
        "export",
        parents=[common, filters],
        help="export the releases that match filters as CSV, JSON or iCalendar",
    )
    export.add_argument("path", help="catalog file, folder or URI")
    export.add_argument("--format", choices=("csv", "ics", "json"), required=True)
    export.add_argument(
        "-o",
        "--output",
        type=local_file_argument,
        required=True,
        help="file to write, or - for standard output",
    )
    export.add_argument(
        "--tz",
        type=timezone_argument,
        default=DEFAULT_TIMEZONE,
        help="IANA zone whose days --from and --to mean, as the dashboard's tz (default: UTC)",
    )
    export.add_argument(
        "--no-spoilers",
        dest="spoilers",
        action="store_false",
        help="leave episode titles and synopses out (the links' spoilers=0)",
    )
    export.set_defaults(func=export_command)

    history = commands.add_parser(
        "changes",
        parents=[common, filters],
        help="list what builds and imports changed in a catalog, newest first",
    )
    history.add_argument("path", help="catalog file or folder (its change log lies beside it)")
    history.add_argument(
        "--since", type=date_argument, help="changes recorded on or after this UTC day"
    )
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.set_defaults(func=changes_command)

    weekly = commands.add_parser(
        "digest",
        parents=[common, filters],
        help='write a "coming this week" digest of the releases that match filters',
    )
    weekly.add_argument("path", help="catalog file, folder or URI")
    weekly.add_argument(
        "--week", type=date_argument, required=True, help="any day of the week (Monday-Sunday)"
    )
    weekly.add_argument("--format", choices=("md", "html"), default="md")
    weekly.add_argument(
        "-o",
        "--output",
        type=local_file_argument,
        required=True,
        help="file to write, or - for standard output",
    )
    weekly.set_defaults(func=digest_command)

    partition = commands.add_parser(
        "partition",
        parents=[common],
        help="write a catalog as a hive-partitioned folder (by month and service)",
    )
    partition.add_argument("path", help="catalog file, folder or URI")
    partition.add_argument("-o", "--output", required=True, help="folder to write")
    partition.add_argument(
        "--by",
        action="append",
        metavar="KEY",
        help=f"partition key, repeatable (default: {' '.join(PARTITION_KEYS)})",
    )
    partition.set_defaults(func=partition_command)

    refresh.add_parser(commands)

    importer = commands.add_parser("import", parents=[common], help="import from an outside source")
    _add_importers(importer.add_subparsers(dest="importer", required=True, metavar="SOURCE"))
    return parser


def _add_quiet(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="no progress bars or summaries; warnings and errors still go to stderr",
    )


def _add_importers(subparsers) -> None:
    for module, name in ((tvmaze, "import tvmaze"), (tmdb, "import tmdb")):
        importer = module.add_parser(subparsers)
        importer.set_defaults(func=_recording_changes(module.run, name))


def _recording_changes(run, source: str):
    """An importer's command that also logs what it changed in the catalog it wrote
    (``--into`` or ``-o``; see :mod:`calendar_data.changes`)."""

    def run_and_record(args: argparse.Namespace) -> int:
        target = args.into or args.out
        publishable(target)
        before = changes.snapshot(target)
        code = run(args)
        if code == EXIT_OK:
            _warn(changes.record_changes(before, target, source))
            prepare_snapshot(target)
        return code

    return run_and_record


# --------------------------------------------------------------------------- commands


def validate_command(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.path)
    _say(args, render(summarise(catalog)))
    return EXIT_OK


def info_command(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.path)
    _say(args, render(summarise(catalog), per_service=True, size=disk_size(args.path)))
    return EXIT_OK


def build_command(args: argparse.Namespace) -> int:
    _check_output(args.output, *args.sources)
    before = changes.snapshot(args.output)
    result = sources.build(args.sources, args.output, quiet=args.quiet)
    source = "build " + " ".join(str(path) for path in args.sources)
    _warn(result.warnings + changes.record_changes(before, args.output, source))
    prepare_snapshot(args.output)
    names = ", ".join(info.name for info in result.sources)
    _say(args, f"wrote {counted(result.rows, 'release')} ({names}) to {result.path}")
    return EXIT_OK


def demo_command(args: argparse.Namespace) -> int:
    _check_output(args.output)
    # disable=None: a bar only on a terminal, never in logs.
    with tqdm(total=2, desc="demo", unit="step", delay=1, disable=args.quiet or None) as progress:
        progress.set_postfix_str(f"generating {args.rows:,} rows")
        generated = [demo.demo_table(args.rows, start=args.start, seed=args.seed)]
        progress.update()
        progress.set_postfix_str(f"writing {args.output}")
        # Handed over, not kept here: the writer lets the rows go once sorted (memory at 10M).
        warnings = write_catalog(generated.pop(), args.output, [SourceInfo(demo.SOURCE)])
        progress.update()
    _warn(warnings)
    _say(args, f"wrote {counted(args.rows, 'synthetic release')} to {args.output}")
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    from . import exports  # imported here: only the exports need icalendar, slow to import

    _check_output(args.output, args.path, str(changes.change_log_path(args.path)))
    release_filter = _release_filter(args)
    table = load_catalog(args.path, dated=_release_dates(release_filter)).table
    table = release_filter.apply(table, local_days(table, args.tz))
    log = _change_log(args.path) if args.format == "ics" else None
    data = exports.export_bytes(
        args.format, table, release_filter, changes=log, spoilers=args.spoilers
    )
    _write_output(args.output, data)
    if table.num_rows == 0:
        _warn(["no releases match these filters; the export is empty"])
    releases = counted(table.num_rows, "release")
    _said_to(args, f"wrote {releases} ({release_filter.short_name()})")
    return EXIT_OK


def _release_dates(release_filter: ReleaseFilter) -> tuple | None:
    """The release dates that can fall on the filter's days in any time zone, for reading only
    those; of a catalog partitioned by month, only those months. Two days either side: a
    platform's date and a viewer's day are each up to a day from the UTC one (zones run from
    UTC-12 to UTC+14), so a Pago Pago release lands two days later in Kiritimati."""
    if not (release_filter.start or release_filter.end):
        return None
    days = dt.timedelta(days=2)
    start, end = release_filter.start, release_filter.end
    return (start and start - days, end and end + days)


def changes_command(args: argparse.Namespace) -> int:
    log = changes.change_log_path(args.path)
    history = changes.read_log(log)
    release_filter = _release_filter(args, history)  # a removed release's service too
    arrivals = (  # when each release arrived: the catalog says, not its change log
        load_catalog(args.path, columns=["release_id", "first_seen"]).table
        if release_filter.arrived_since
        else None
    )
    found = changes.select_changes(
        history, since=args.since, release_filter=release_filter, catalog=arrivals
    )
    if args.format == "json":
        from . import exports

        sys.stdout.write(exports.json_bytes(found).decode())
        return EXIT_OK
    for row in found.to_pylist():
        print(changes.change_line(row))
    if not log.exists():
        _say(args, f"no change log: {log}")
    elif not found.num_rows:
        narrowed = args.since is not None or not release_filter.is_empty
        _say(args, f"no changes {'match' if narrowed else 'recorded'} in {log}")
    return EXIT_OK


def digest_command(args: argparse.Namespace) -> int:
    from . import digest

    _check_output(args.output, args.path, str(changes.change_log_path(args.path)))
    release_filter = _release_filter(args)
    table = load_catalog(args.path).table
    since = digest.week_start(args.week) - dt.timedelta(days=7)
    try:
        recent = changes.read_changes(changes.change_log_path(args.path), since=since)
    except changes.ChangeLogError as exc:
        _warn([f"{exc}; the digest leaves last week's date changes out"])
        recent = None
    result = digest.build_digest(table, args.week, release_filter, recent)
    _write_output(args.output, digest.render(result, args.format).encode())
    week = f"{result.start} to {result.end}"
    _said_to(args, f"wrote the digest of {week} ({result.counts()})")
    return EXIT_OK


def partition_command(args: argparse.Namespace) -> int:
    _refuse_overwriting(args.output, args.path)
    catalog = load_catalog(args.path)
    keys = tuple(args.by or PARTITION_KEYS)
    warnings = write_partitioned(
        catalog.table,
        args.output,
        keys,
        catalog.sources,
        catalog.generated_at or None,
        catalog.refresh,
    )
    _warn(warnings)
    _say(
        args,
        f"wrote {counted(catalog.num_rows, 'release')} to {args.output}, "
        f"partitioned by {', '.join(keys)}",
    )
    return EXIT_OK


# --------------------------------------------------------------------------- helpers


def _release_filter(args: argparse.Namespace, history: pa.Table | None = None) -> ReleaseFilter:
    """The filter the filter flags describe, read as the export links read theirs
    (:func:`read_values`): a name in another case takes the catalog's spelling, and a value
    the dashboard would ignore (a service the catalog lacks...) is refused, in the links'
    words. A backwards range is swapped, with a warning. A change log (``history``) adds the
    values its releases had, as a feed's link takes them."""
    names = {
        "services": args.service or (),
        "genres": args.genre or (),
        "kinds": args.kind or (),
        "types": args.type or (),
        "regions": args.region or (),
    }
    asks = any(names.values()) or args.arrived_since  # of the catalog's values: read them
    known, arrivals = catalog_filtering(args.path) if asks else ({}, True)
    if asks and history is not None:
        known = with_logged_values(known, history)
    release_filter, notices = read_values(
        known,
        arrivals,
        **names,
        start=args.start,
        end=args.end,
        query=args.query or "",
        arrived_since=args.arrived_since,
    )
    refused = refusals(notices)
    if refused:
        ignored = " ".join(refused)
        raise ValueError(f"filters refused: the dashboard would ignore part of them. {ignored}")
    _warn(notices)
    return release_filter


def _check_output(output: str, *inputs: str) -> None:
    """Refuse, before anything is read or written, an output file that is one of the inputs
    or is not a regular file (a folder, FIFO, device...); ``-`` is standard output."""
    if output == STDOUT:
        return
    _refuse_overwriting(output, *inputs)
    publishable(output)


def _refuse_overwriting(output: str, *inputs: str) -> None:
    """Refuse an output that is one of the inputs, however spelled (a link, a relative path),
    or lies inside an input folder (its files would join the input's)."""
    for given in inputs:
        if _same_file(given, output):
            raise ValueError(f"-o {output} would overwrite the input {given}; choose another -o")
        if _inside(output, given):
            raise ValueError(f"-o {output} lies inside the input {given}; choose another -o")


def _inside(output: str, folder: str) -> bool:
    try:
        return Path(folder).is_dir() and Path(output).resolve().is_relative_to(
            Path(folder).resolve()
        )
    except (OSError, ValueError):
        return False


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):  # either is missing, or not a path (a URI)
        return False


def _write_output(output: str, data: bytes) -> None:
    """``data`` to the ``-o`` file, atomically, or to standard output for ``-o -``."""
    if output != STDOUT:
        atomic_write(output, lambda handle: handle.write(data))
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _said_to(args: argparse.Namespace, done: str) -> None:
    """What was written where; on stderr when standard output holds what was written."""
    if args.output == STDOUT:
        if not args.quiet:
            print(f"{done} to standard output", file=sys.stderr)
    else:
        _say(args, f"{done} to {args.output}")


def _change_log(catalog: str) -> pa.Table | None:
    """The change log beside ``catalog``, which numbers the revisions of iCalendar events; a
    warning and none when it cannot be read."""
    try:
        return changes.read_log(changes.change_log_path(catalog))
    except changes.ChangeLogError as exc:
        _warn([f"{exc}; every event is exported as never revised (SEQUENCE 0)"])
        return None


def _at_least(least: int) -> Callable[[str], int]:
    """The type of a whole-number argument of ``least`` or more."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{value} is not at least {least}")
        return value

    return whole_number


def _drop_standard_output() -> None:
    """Send what is left of standard output nowhere: the pipe's reader is gone, and Python's
    last flush of it would fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text)


def _warn(warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _fail(message: str) -> int:
    first, *rest = message.splitlines() or [""]
    print(f"error: {first}", file=sys.stderr)
    for line in rest:
        print(f"       {line}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
