"""One refresh at a time per catalog: a lock file beside it naming who holds it.

The lock is ``.<catalog name>.refresh.lock`` holding ``{"pid", "host", "since"}``, and its
holder keeps an exclusive ``flock`` on it for as long as it refreshes. A new lock is written
whole to a temporary file, locked, then linked into place (a link fails when the lock exists),
so of two refreshes starting together exactly one wins. A lock whose process is gone (a
refresh that was killed) is stale and is taken over: the refresh that gets the ``flock`` of the
stale file renames its own lock over it while holding that ``flock``, so of two refreshes
taking over the same stale lock exactly one wins too. A lock held on another host cannot be
checked and is respected. A lock file that cannot be read is being written if it is young, and
was left by a refresh killed while writing it if not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import tempfile
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
    fd = _acquire(path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)  # while still locked: a waiter then sees it was replaced
        os.close(fd)


def _acquire(path: Path) -> int:
    """Put a lock naming this process at ``path``; return its file, locked, to keep open."""
    fd, mine = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
    try:
        os.fchmod(fd, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, json.dumps(_me()).encode())
        while not _link(mine, path):
            stale = _open_stale(path)
            if stale is not None:
                try:
                    os.replace(mine, path)
                finally:
                    os.close(stale)
                break
        return fd
    except BaseException:
        os.close(fd)
        Path(mine).unlink(missing_ok=True)
        raise


def _me() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def _link(mine: str, path: Path) -> bool:
    """Link the lock ``mine`` into place unless a lock is there."""
    try:
        os.link(mine, path)
    except FileExistsError:
        return False
    os.unlink(mine)
    return True


def _open_stale(path: Path) -> int | None:
    """The lock at ``path``, opened and ``flock``-ed, when it is stale; None when it was
    released meanwhile. Raises :class:`LockHeld` when it is not stale."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(_held(path, _holder(fd))) from None
        if not _still_at(fd, path):
            os.close(fd)
            return None
        holder = _holder(fd)
        if holder is None and _age(fd) < UNREADABLE_GRACE_SECONDS:
            raise LockHeld(_held(path, None))
        if holder is not None and not _is_stale(holder):
            raise LockHeld(_held(path, holder))
        return fd
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def _held(path: Path, holder: dict | None) -> str:
    if holder is None:
        return f"{path}: another refresh is taking this catalog's lock"
    return (
        f"{path}: another refresh holds this catalog (pid {holder['pid']} on "
        f"{holder['host']} since {holder['since']}); try again when it has finished"
    )


def _still_at(fd: int, path: Path) -> bool:
    """Whether the open lock ``fd`` is still the file at ``path`` (not released and replaced)."""
    try:
        here = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(fd: int) -> dict | None:
    """Who holds the lock open as ``fd``, or None when it is unreadable (being written, or a
    holder killed while writing it)."""
    try:
        holder = json.loads(os.pread(fd, 4096, 0))
    except (OSError, ValueError):
        return None
    if not isinstance(holder, dict) or not isinstance(holder.get("pid"), int):
        return None
    return {"pid": holder["pid"], "host": str(holder.get("host")), "since": holder.get("since")}


def _age(fd: int) -> float:
    return time.time() - os.fstat(fd).st_mtime


def _is_stale(holder: dict) -> bool:
    if holder["host"] != socket.gethostname():
        return False
    return not process_alive(holder["pid"])
