"""The ``calendar-data`` command: check, inspect, build, generate and export catalogs.

Every sub-command is a function taking the parsed arguments and returning an exit code.
Problems with the input end as ``error: ...`` lines on stderr and exit code 1, never as a
traceback; bad usage is argparse's exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from . import demo, sources
from .catalog import (
    PARTITION_KEYS,
    CatalogError,
    SourceInfo,
    load_catalog,
    write_catalog,
    write_partitioned,
)
from .days import local_days
from .filters import TYPE_GROUPS, ReleaseFilter
from .schema import KINDS
from .summary import disk_size, render, summarise

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogError as exc:
        return _fail(str(exc))
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
    build.add_argument("-o", "--output", required=True, help="catalog file to write")
    build.set_defaults(func=build_command)

    generate = commands.add_parser(
        "demo", parents=[common], help="write a synthetic catalog for trying things out"
    )
    generate.add_argument("--rows", type=_positive_int, required=True, help="how many releases")
    generate.add_argument("--start", type=_iso_date, default=dt.date(2026, 1, 1), help="first day")
    generate.add_argument("--seed", type=int, default=0, help="same seed, same catalog")
    generate.add_argument("-o", "--output", required=True, help="catalog file to write")
    generate.set_defaults(func=demo_command)

    export = commands.add_parser(
        "export",
        parents=[common],
        help="export the releases that match filters as CSV or iCalendar",
    )
    export.add_argument("path", help="catalog file, folder or URI")
    export.add_argument("--format", choices=("csv", "ics"), required=True)
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--service", action="append", help="e.g. Netflix (repeatable)")
    export.add_argument("--genre", action="append", help="e.g. Drama (repeatable)")
    export.add_argument("--kind", action="append", choices=KINDS)
    export.add_argument("--type", action="append", choices=tuple(TYPE_GROUPS))
    export.add_argument("--region", action="append", help="e.g. GB (repeatable)")
    export.add_argument("--from", dest="start", type=_iso_date, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_iso_date, help="last day, YYYY-MM-DD")
    export.add_argument("--query", help="search titles, cast and crew")
    export.set_defaults(func=export_command)

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
    try:
        from .importers import tvmaze
    except ImportError:  # the importer is optional until it ships
        return
    tvmaze.add_parser(subparsers)


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
    result = sources.build(args.sources, args.output, quiet=args.quiet)
    _warn(result.warnings)
    names = ", ".join(info.name for info in result.sources)
    _say(args, f"wrote {result.rows:,} releases ({names}) to {result.path}")
    return EXIT_OK


def demo_command(args: argparse.Namespace) -> int:
    # disable=None: a bar only on a terminal, never in logs.
    with tqdm(total=2, desc="demo", unit="step", delay=1, disable=args.quiet or None) as progress:
        progress.set_postfix_str(f"generating {args.rows:,} rows")
        table = demo.demo_table(args.rows, start=args.start, seed=args.seed)
        progress.update()
        progress.set_postfix_str(f"writing {args.output}")
        warnings = write_catalog(table, args.output, [SourceInfo(demo.SOURCE)])
        progress.update()
    _warn(warnings)
    _say(args, f"wrote {table.num_rows:,} synthetic releases to {args.output}")
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    from . import exports  # written alongside; imported late so the other commands never wait

    params = {
        "service": args.service,
        "genre": args.genre,
        "kind": args.kind,
        "type": args.type,
        "region": args.region,
        "from": args.start and args.start.isoformat(),
        "to": args.end and args.end.isoformat(),
        "q": args.query,
    }
    release_filter, notices = ReleaseFilter.from_query_params(
        {name: value for name, value in params.items() if value}
    )
    _warn(notices)
    table = load_catalog(args.path).table
    table = release_filter.apply(table, local_days(table, "UTC"))
    write_atomically(args.output, exports.export_bytes(args.format, table, release_filter))
    if table.num_rows == 0:
        _warn(["no releases match these filters; the export is empty"])
    _say(args, f"wrote {table.num_rows:,} releases ({release_filter.describe()}) to {args.output}")
    return EXIT_OK


def partition_command(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.path)
    keys = tuple(args.by or PARTITION_KEYS)
    warnings = write_partitioned(
        catalog.table, args.output, keys, catalog.sources, catalog.generated_at or None
    )
    _warn(warnings)
    _say(
        args,
        f"wrote {catalog.num_rows:,} releases to {args.output}, partitioned by {', '.join(keys)}",
    )
    return EXIT_OK


# --------------------------------------------------------------------------- helpers


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Publish ``data`` at ``path`` whole or not at all: temp file in the folder, then replace."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 is too private for an export
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


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
