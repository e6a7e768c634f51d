"""atomic_write: a file is published whole or not at all (calendar_data.files)."""

import errno
import os
import socket
import stat
import tempfile
from pathlib import Path

import pytest

from calendar_data.files import NotAFileError, atomic_write, remove_stale_temporaries


def test_publishes_what_write_writes_in_a_new_folder(tmp_path):
    target = tmp_path / "new" / "out.csv"
    atomic_write(target, lambda handle: handle.write(b"a,b\r\n"))
    assert target.read_bytes() == b"a,b\r\n"
    assert os.listdir(target.parent) == ["out.csv"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_replaces_the_target_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write(str(target), lambda handle: handle.write(b"new"))
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failing_write_leaves_the_target_and_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def write_half_then_fail(handle):
        handle.write(b"ha")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, write_half_then_fail)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_refusing_check_sees_the_whole_file_and_keeps_the_target(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    seen = []

    def refuse(temporary):
        seen.append(temporary.read_bytes())
        raise ValueError("not good enough")

    with pytest.raises(ValueError, match="not good enough"):
        atomic_write(target, lambda handle: handle.write(b"new"), check=refuse)
    assert seen == [b"new"]
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_removes_only_temporaries_of_writers_that_are_gone(tmp_path):
    target = tmp_path / "out.csv"
    dead = tmp_path / ".out.csv.999999999.abc.tmp"  # beyond any pid_max
    alive = tmp_path / f".out.csv.{os.getpid()}.abc.tmp"
    other = tmp_path / ".other.csv.999999999.abc.tmp"
    for path in (dead, alive, other):
        path.write_bytes(b"half")
    assert remove_stale_temporaries(target) == [dead]
    atomic_write(target, lambda handle: handle.write(b"x"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name, "out.csv"])


def test_a_link_stays_and_the_file_it_points_to_is_replaced(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(Path("elsewhere") / "real.csv")
    atomic_write(link, lambda handle: handle.write(b"new"))
    assert link.is_symlink() and link.readlink() == Path("elsewhere") / "real.csv"
    assert real.read_bytes() == b"new"
    assert sorted(os.listdir(elsewhere)) == ["real.csv"]


def test_a_dangling_link_gets_the_file_it_points_to(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "new.csv")
    atomic_write(link, lambda handle: handle.write(b"x"))
    assert link.is_symlink() and (tmp_path / "new.csv").read_bytes() == b"x"


def not_files(tmp_path: Path) -> dict[str, Path]:
    """A folder, a FIFO, a socket, a device and a link to a device, by what the refusal says."""
    folder, fifo, link = tmp_path / "folder", tmp_path / "fifo.csv", tmp_path / "null.csv"
    folder.mkdir()
    os.mkfifo(fifo)
    device = tmp_path / "null"
    try:  # root's own /dev/null, so that a failing test cannot replace the system's
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:  # not root: the system's, which only root could replace
        device = Path("/dev/null")
    link.symlink_to(device)
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "sock"))
    listening.close()  # the socket file stays
    return {
        "a folder": folder,
        "a FIFO (named pipe)": fifo,
        "a socket": tmp_path / "sock",
        "a character device": device,
        f"a link to {device}, a character device": link,
    }


def test_what_is_not_a_regular_file_is_refused_by_name_before_anything_is_written(tmp_path):
    for what, target in not_files(tmp_path).items():
        before = sorted(os.listdir(target.parent))
        written = []
        with pytest.raises(NotAFileError) as refused:
            atomic_write(target, written.append)
        assert str(refused.value) == (
            f"[Errno {refused.value.errno}] {what}, not a regular file; nothing was written: "
            f"'{target}'"
        )
        assert written == [] and sorted(os.listdir(target.parent)) == before
    assert stat.S_ISFIFO((tmp_path / "fifo.csv").stat().st_mode)
    assert stat.S_ISCHR(os.stat(tmp_path / "null.csv").st_mode)
    assert (tmp_path / "null.csv").is_symlink()


def test_a_failure_names_the_file_asked_for_not_the_temporary(tmp_path, monkeypatch):
    """As the system would: a read-only folder refuses the temporary, by its name."""
    target = tmp_path / "out.csv"

    def read_only_folder(prefix, suffix, dir):
        temporary = os.path.join(dir, f"{prefix}7wf4hu2_{suffix}")
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), temporary)

    monkeypatch.setattr(tempfile, "mkstemp", read_only_folder)
    with pytest.raises(PermissionError) as failed:
        atomic_write(target, lambda handle: handle.write(b"x"))
    assert (failed.value.filename, failed.value.strerror) == (str(target), "Permission denied")


def test_a_failed_rename_names_the_link_asked_for(tmp_path, monkeypatch):
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")

    def cannot_rename(source, destination):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source), str(destination))

    monkeypatch.setattr(os, "replace", cannot_rename)
    with pytest.raises(OSError) as failed:
        atomic_write(link, lambda handle: handle.write(b"x"))
    assert failed.value.filename == str(link)
    assert os.listdir(tmp_path) == ["link.csv"]
