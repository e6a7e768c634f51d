"""Publishing a file whole or not at all: the catalog, an export, a cached download.

:func:`atomic_write` writes a temporary file beside the target and renames it over the target,
so readers see the old file or the new one, never half of one, and a failed or killed write
leaves the old file byte-for-byte intact.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: Permissions of a file that did not exist before: readable by others, like a plain write
#: under the usual umask (``mkstemp`` alone would make it owner-only).
NEW_FILE_MODE = 0o644


def atomic_write(
    target: str | os.PathLike,
    write: Callable[[BinaryIO], object],
    *,
    check: Callable[[Path], object] | None = None,
) -> None:
    """Publish at ``target`` what ``write(handle)`` writes, whole or not at all.

    The temporary file (``.NAME.PID.random.tmp`` in the target's folder) is flushed to disk
    with the target's permissions, handed to ``check`` (which may raise to refuse it), and only
    then renamed over the target with :func:`os.replace`. On any failure it is removed and the
    target is untouched. Temporaries of writers that were killed are removed on the next write.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    mode = _mode_of(target)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if check is not None:
            check(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def remove_stale_temporaries(target: str | os.PathLike) -> list[Path]:
    """Delete the temporaries of ``target`` left by writers that are no longer running."""
    target = Path(target)
    removed = []
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        pid = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def fsync_folder(folder: str | os.PathLike) -> None:
    """Make a rename in ``folder`` durable, so a power cut cannot bring back the old file."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode_of(target: Path) -> int:
    """The permissions the target keeps across the replacement."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return NEW_FILE_MODE


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
