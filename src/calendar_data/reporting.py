"""How the long-running sub-commands (``import ...``, ``refresh``) end: one ``error:`` line and
exit code 1 for a failure they name, else a ``warning:`` line per warning and their summary."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol


class Summary(Protocol):
    warnings: list[str]

    def describe(self) -> str: ...


def run_reported(
    work: Callable[[], Summary], errors: tuple[type[Exception], ...], *, quiet: bool
) -> int:
    """Do ``work``; report what it raised of ``errors``, or its warnings and (unless
    ``quiet``) its summary. The exit code."""
    try:
        summary = work()
    except errors as exc:
        return fail(str(exc))
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not quiet:
        print(summary.describe())
    return 0


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
