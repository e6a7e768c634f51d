"""write_catalog publishes atomically: readers and crashes never see half a catalog."""

import os
import random
import stat
import subprocess
import sys
import threading
from pathlib import Path

import bad_corpus
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from bad_corpus import with_cell

from calendar_data import catalog, demo
from calendar_data.catalog import CatalogError, load_catalog, write_catalog
from calendar_data.catalog import write as write_module

TESTS = Path(__file__).parent

#: Writes the catalogs (of argv[2:] rows) in turn into argv[1] until killed, from the moment it
#: reads a line: starting Python takes longer than a write, so the test starts writers early.
WRITER = f"""
import itertools
import sys
sys.path.insert(0, {str(TESTS)!r})
import bad_corpus
from calendar_data.catalog import write_catalog

tables = [bad_corpus.sample_table(int(rows)) for rows in sys.argv[2:]]
print("ready", flush=True)
sys.stdin.readline()
for table in itertools.cycle(tables):
    write_catalog(table, sys.argv[1])
"""


def leftovers(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*.tmp"))


def test_failed_validation_leaves_the_previous_catalog_intact(tmp_path, catalog_table):
    target = tmp_path / "catalog.parquet"
    write_catalog(catalog_table, target)
    before = target.read_bytes()
    with pytest.raises(CatalogError, match="duplicate release_id"):
        write_catalog(with_cell("release_id", 3, "r000001"), target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["catalog.parquet"]


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_a_write_failing_halfway_leaves_no_trace(tmp_path, catalog_table, monkeypatch, failure):
    target = tmp_path / "catalog.parquet"
    write_catalog(catalog_table, target)
    before = target.read_bytes()

    def write_half_then_fail(table, where, **options):
        where.write(b"PAR1 and then nothing")
        raise failure

    monkeypatch.setattr(pq, "write_table", write_half_then_fail)
    with pytest.raises(type(failure)):
        write_catalog(catalog_table.slice(0, 6), target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["catalog.parquet"]


def test_published_catalog_is_readable_by_others_and_keeps_its_mode(tmp_path, catalog_table):
    target = tmp_path / "catalog.parquet"
    write_catalog(catalog_table, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o640)
    write_catalog(catalog_table, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_only_temporaries_of_dead_writers_are_removed(tmp_path):
    target = tmp_path / "catalog [v2].parquet"
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = tmp_path / f".{target.name}.{finished.stdout.strip()}.x1.tmp"
    alive = tmp_path / f".{target.name}.{os.getpid()}.x2.tmp"
    other = tmp_path / f".other.parquet.{finished.stdout.strip()}.x3.tmp"
    for path in (dead, alive, other):
        path.write_bytes(b"partial")
    assert catalog.remove_stale_temporaries(target) == [dead]
    assert sorted(tmp_path.iterdir()) == sorted([alive, other])


def start_writer(target: Path, sizes) -> subprocess.Popen:
    command = [sys.executable, "-c", WRITER, str(target), *map(str, sizes)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_killed_writers_never_leave_a_broken_catalog(tmp_path):
    """kill -9 a writer at random moments: the catalog is always one whole version."""
    target = tmp_path / "catalog.parquet"
    sizes = (20_000, 40_000)
    write_catalog(bad_corpus.sample_table(sizes[0]), target)
    delays = random.Random(20251124)
    seen_leftovers = 0
    upcoming = start_writer(target, sizes)
    for _ in range(10):
        writer, upcoming = upcoming, start_writer(target, sizes)
        assert writer.stdout.readline() == "ready\n"
        writer.stdin.write("go\n")
        writer.stdin.flush()
        try:
            writer.wait(timeout=delays.uniform(0.05, 0.5))
        except subprocess.TimeoutExpired:
            writer.kill()
        assert writer.wait() == -9, "the writer stopped by itself"
        assert load_catalog(target).num_rows in sizes
        seen_leftovers += len(leftovers(target))
    upcoming.kill()
    upcoming.wait()
    assert seen_leftovers, "no kill landed mid-write, so this run proved nothing"

    write_catalog(bad_corpus.sample_table(100), target)
    assert leftovers(target) == []
    assert load_catalog(target).num_rows == 100


def test_readers_never_fail_while_a_writer_publishes(tmp_path):
    target = tmp_path / "catalog.parquet"
    versions = [bad_corpus.sample_table(1_000), bad_corpus.sample_table(2_000)]
    write_catalog(versions[0], target)
    done = threading.Event()
    seen: list[int] = []
    failures: list[BaseException] = []

    def read_until_done():
        while not done.is_set():
            try:
                seen.append(load_catalog(target).num_rows)
            except BaseException as exc:  # any failure at all is the finding
                failures.append(exc)

    readers = [threading.Thread(target=read_until_done) for _ in range(10)]
    for reader in readers:
        reader.start()
    try:
        for turn in range(20):
            write_catalog(versions[turn % 2], target)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert set(seen) <= {1_000, 2_000} and len(seen) >= 20
    assert leftovers(target) == []
    assert pq.read_metadata(target).num_rows == 2_000


def test_the_file_is_read_back_without_a_second_copy_of_the_rows(tmp_path, monkeypatch):
    """Once written, the sorted rows are let go before the check reads the file back: at ten
    million releases the two copies side by side took more than half of the machine's memory."""
    held_during_check = []

    def check(path):
        held_during_check.append(pa.total_allocated_bytes())
        return load_catalog(path)

    monkeypatch.setattr(write_module, "load_catalog", check)
    size = demo.demo_table(20_000).nbytes
    before = pa.total_allocated_bytes()
    write_catalog(demo.demo_table(20_000), tmp_path / "catalog.parquet")

    assert held_during_check[0] - before < size / 4
