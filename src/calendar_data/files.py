"""Publishing a file whole or not at all: the catalog, an export, a cached download.

:func:`atomic_write` writes a temporary file beside the target and renames it over the target,
so readers see the old file or the new one, never half of one, and a failed or killed write
leaves the old file byte-for-byte intact. A symbolic link stays: the file it points to is the one
replaced. Whatever else is not a regular file (a folder, FIFO, socket or device) is refused
before anything is written, and an error names the target, never the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

#: Permissions of a file that did not exist before: readable by others, like a plain write
#: under the usual umask (``mkstemp`` alone would make it owner-only).
NEW_FILE_MODE = 0o644
#: A location given as a URI (``s3://...``) rather than a local path.
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: What is at a path that is not a regular file, by :func:`stat.S_IFMT`.
NOT_FILES = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block whole even if Ctrl-C comes, then raise :class:`KeyboardInterrupt` for
    it: for the work that must follow a publication (a catalog replaced, its change log not
    yet written). Only the main thread receives signals; elsewhere the block just runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted = []
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt


class NotAFileError(OSError):
    """A target that is not a regular file (nor a link to one); the message names it."""


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
    A link at ``target`` stays and the file it points to is replaced (see :func:`publishable`).
    """
    asked = Path(target)
    target = publishable(asked)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _naming(asked, target):
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


def publishable(target: str | os.PathLike) -> Path:
    """The file a write to ``target`` replaces: ``target``, or the file a symbolic link there
    points to (followed to the end; it need not exist yet). Raises :class:`NotAFileError`
    for anything else there."""
    real = Path(os.path.realpath(target))
    try:
        kind = stat.S_IFMT(real.stat().st_mode)
    except FileNotFoundError:
        return real
    if kind != stat.S_IFREG:
        what = NOT_FILES.get(kind, "something else")
        if os.path.islink(target):
            what = f"a link to {real}, {what}"
        code = errno.EISDIR if kind == stat.S_IFDIR else errno.EINVAL
        raise NotAFileError(code, f"{what}, not a regular file; nothing was written", str(target))
    return real


@contextlib.contextmanager
def _naming(asked: Path, target: Path) -> Iterator[None]:
    """An OSError about the target's folder, one of its temporaries or no file in particular
    names the file asked for (a user never asked for the temporary, nor the link's target)."""
    try:
        yield
    except OSError as exc:
        if exc.errno is None or not _about(exc.filename, target):
            raise
        raise type(exc)(exc.errno, exc.strerror, str(asked)) from exc


def _about(filename: str | bytes | int | None, target: Path) -> bool:
    if filename is None:
        return True
    if not isinstance(filename, str):
        return False
    path = Path(filename)
    temporary = path.name.startswith(f".{target.name}.") and path.name.endswith(".tmp")
    return path in (target, target.parent) or (temporary and path.parent == target.parent)


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
