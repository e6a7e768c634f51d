"""Command-line argument types shared by ``calendar-data`` and its importers' sub-commands."""

from __future__ import annotations

import argparse
import datetime as dt

from .days import parse_date


def date_argument(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument; argparse shows the message of anything else as a usage
    error (exit code 2)."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
