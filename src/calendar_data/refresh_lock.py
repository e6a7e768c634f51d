"""One refresh at a time per catalog: a lock file beside it naming who holds it.

The lock is ``.<catalog name>.refresh.lock`` holding ``{"pid", "host", "since"}``. It is
created with ``O_EXCL``, so of two refreshes starting together exactly one wins. A lock whose
process is gone (a refresh that was killed) is stale and is taken over; one held on another
host cannot be checked and is respected. A lock file that cannot be read is being written by
its holder if it is young, and was left by a refresh killed while writing it if not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from .files import process_alive

#: A lock file still unreadable this long after it was made is stale.
UNREADABLE_GRACE_SECONDS = 10.0


class LockHeld(Exception):
    """Another refresh holds the catalog's lock; the message says who and since when."""


def lock_path(catalog: str | os.PathLike) -> Path:
    catalog = Path(os.fspath(catalog).rstrip("/"))
    return catalog.with_name(f".{catalog.name}.refresh.lock")


@contextlib.contextmanager
def refresh_lock(catalog: str | os.PathLike) -> Iterator[Path]:
    """Hold the refresh lock of ``catalog`` for the ``with`` block; raise :class:`LockHeld`
    when a live refresh holds it."""
    path = lock_path(catalog)
    path.parent.mkdir(parents=True, exist_ok=True)
    _acquire(path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _acquire(path: Path) -> None:
    me = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    for _ in range(2):  # a stale lock is removed once, then the lock is tried again
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder is None and _age(path) < UNREADABLE_GRACE_SECONDS:
                raise LockHeld(f"{path}: another refresh is taking this catalog's lock") from None
            if holder is not None and not _is_stale(holder):
                raise LockHeld(
                    f"{path}: another refresh holds this catalog (pid {holder['pid']} on "
                    f"{holder['host']} since {holder['since']}); try again when it has finished"
                ) from None
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as handle:
            json.dump(me, handle)
        return
    raise LockHeld(f"{path}: another refresh took this catalog's lock at the same moment")


def _holder(path: Path) -> dict | None:
    """Who holds the lock, or None when the file is unreadable (a holder killed while writing
    it): then it is stale."""
    try:
        holder = json.loads(path.read_text())
    except FileNotFoundError:
        return {"pid": 0, "host": "", "since": ""}  # released meanwhile: try again
    except (OSError, ValueError):
        return None
    if not isinstance(holder, dict) or not isinstance(holder.get("pid"), int):
        return None
    return {"pid": holder["pid"], "host": str(holder.get("host")), "since": holder.get("since")}


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return UNREADABLE_GRACE_SECONDS  # released meanwhile: try again


def _is_stale(holder: dict) -> bool:
    if holder["pid"] == 0:
        return True
    if holder["host"] != socket.gethostname():
        return False
    return not process_alive(holder["pid"])
