"""Command-line argument types and options shared by ``calendar-data`` and its sub-commands."""

from __future__ import annotations

import argparse
import datetime as dt

from .catalog import EARLIEST, LATEST
from .days import closest_zone, parse_date, valid_timezone
from .files import URI


def date_argument(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument on a day a catalog can hold; argparse shows the message of
    anything else as a usage error (exit code 2)."""
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not EARLIEST <= day <= LATEST:
        raise argparse.ArgumentTypeError(
            f"{text} is outside {EARLIEST} to {LATEST}, the days a catalog can hold"
        )
    return day


def timezone_argument(text: str) -> str:
    """An IANA time zone name such as ``Europe/Paris``; anything else is a usage error."""
    zone = valid_timezone(text)
    if zone is None:
        close = closest_zone(text)
        example = f"did you mean {close!r}?" if close else "e.g. Europe/Paris"
        raise argparse.ArgumentTypeError(f"{text!r} is not a known time zone ({example})")
    return zone


def local_file_argument(text: str) -> str:
    """A file to write on this machine: a URI (``s3://...``) is a usage error rather than a
    folder named ``s3:`` written beside the command."""
    if URI.match(text):
        raise argparse.ArgumentTypeError(
            f"{text}: give a local path, not a URI (calendar-data partition writes a catalog "
            "to object storage)"
        )
    return text


def quiet_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``-q/--quiet`` on a sub-command. SUPPRESS: a --quiet given before the sub-command
    (``calendar-data -q import ...``) survives; :func:`is_quiet` reads either."""
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=help)


def is_quiet(args: argparse.Namespace) -> bool:
    return getattr(args, "quiet", False)
