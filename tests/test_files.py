"""atomic_write: a file is published whole or not at all (calendar_data.files)."""

import os
import stat

import pytest

from calendar_data.files import atomic_write, remove_stale_temporaries


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
