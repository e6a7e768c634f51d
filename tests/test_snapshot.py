"""The prepared snapshot beside a catalog (snapshot.py): written by the first load, memory-mapped
by the next, and never trusted when stale or damaged."""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from browser import REPO, served
from sample import edited_sample_rows, sample_rows, write_sample

from calendar_data import encoding, snapshot
from calendar_data import live as live_module
from calendar_data.catalog import file_signature, write_catalog
from calendar_data.cli import main
from calendar_data.filters import ReleaseFilter, search_text
from calendar_data.live import LiveCatalog
from calendar_data.schema import SCHEMA

NOVEMBER = ReleaseFilter(start=dt.date(2023, 11, 1), end=dt.date(2023, 11, 30), query="the")


@pytest.fixture
def catalog(tmp_path) -> str:
    return str(write_sample(tmp_path / "catalog.parquet"))


def snapshot_of(catalog: str) -> Path:
    return Path(catalog + snapshot.SUFFIX)


def trusted(catalog: str) -> bool:
    """Whether the snapshot beside ``catalog`` would be used for its current version."""
    return snapshot.read(snapshot_of(catalog), catalog, file_signature(catalog)) is not None


def assert_same(opened: LiveCatalog, loaded: LiveCatalog) -> None:
    """Everything the views read is the same, whichever way the catalog came."""
    everything = pa.array(range(loaded.table.num_rows))
    assert opened.rows(everything).equals(loaded.rows(everything))
    assert opened.table.schema.equals(loaded.table.schema)
    assert opened.search.equals(loaded.search)
    assert opened.options == loaded.options
    assert opened.catalog.sources == loaded.catalog.sources
    assert opened.catalog.generated_at == loaded.catalog.generated_at
    assert opened.catalog.warnings == loaded.catalog.warnings
    assert opened.catalog.refresh == loaded.catalog.refresh
    assert opened.select(NOVEMBER, "Asia/Tokyo").equals(loaded.select(NOVEMBER, "Asia/Tokyo"))


def never_loaded(monkeypatch) -> None:
    def refuse(location, *args, **kwargs):
        raise AssertionError(f"{location} was loaded, not memory-mapped")

    monkeypatch.setattr(live_module, "load_catalog", refuse)


def test_the_first_load_writes_a_snapshot_the_next_start_maps(catalog, monkeypatch):
    loaded = LiveCatalog.load(catalog)
    assert_same(LiveCatalog.open(catalog), loaded)
    assert snapshot_of(catalog).is_file() and trusted(catalog)
    never_loaded(monkeypatch)
    assert_same(LiveCatalog.open(catalog), loaded)


def test_a_snapshot_keeps_what_a_refresh_recorded(tmp_path, monkeypatch):
    catalog = tmp_path / "catalog.parquet"
    refresh = {"every_hours": 6, "sources": {"TVmaze": {"refreshed_at": "2025-03-05T12:00:00"}}}
    write_catalog(pa.Table.from_pylist(sample_rows(), schema=SCHEMA), catalog, refresh=refresh)
    assert LiveCatalog.open(str(catalog)).catalog.refresh == refresh  # loads, writes the snapshot
    never_loaded(monkeypatch)
    assert LiveCatalog.open(str(catalog)).catalog.refresh == refresh


def resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of the file at ``path`` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        first = line.split(maxsplit=1)[0]
        if not first.endswith(":"):  # a mapping's first line: address range ... path
            inside = line.rstrip().endswith(str(path))
        elif inside and first == "Rss:":
            total += int(line.split()[1])
    return total


def test_checking_a_snapshot_does_not_make_it_all_resident(tmp_path):
    """The checksum reads every byte of the snapshot, but through a mapping of its own: the
    mapping the catalog is served from holds only the pages used (at ten million releases,
    summing through it left the whole 4.7 GB snapshot resident, as the server's own)."""
    catalog = tmp_path / "demo.parquet"
    assert main(["--quiet", "demo", "--rows", "50000", "-o", str(catalog)]) == 0
    LiveCatalog.open(str(catalog))  # writes the snapshot
    gc.collect()
    size = snapshot_of(str(catalog)).stat().st_size

    prepared = snapshot.read(snapshot_of(str(catalog)), str(catalog), file_signature(catalog))

    assert prepared is not None
    # only the pages the reader touched (and the kernel maps up to 64 kB around each)
    assert resident_kb(snapshot_of(str(catalog))) * 1024 < size / 2


def test_a_catalog_in_many_pieces_has_each_value_once_in_its_snapshot(tmp_path, monkeypatch):
    """Encoded in pieces, a value repeated across them (a weekly series' cast over the weeks)
    is written once: the snapshot grows with the distinct values, not with the pieces."""
    monkeypatch.setattr(encoding, "ENCODED_ROWS", 300)
    catalog = tmp_path / "demo.parquet"
    assert main(["--quiet", "demo", "--rows", "3000", "-o", str(catalog)]) == 0
    written = pq.read_table(catalog)
    LiveCatalog.open(str(catalog))  # writes the snapshot

    never_loaded(monkeypatch)
    prepared = snapshot.read(snapshot_of(str(catalog)), str(catalog), file_signature(catalog))

    for name in ("cast", "crew", "synopsis", "updated_at"):
        distinct = {repr(value) for value in written[name].to_pylist()}
        assert len(prepared.shared[name].values) == len(distinct)
    texts = set(search_text(written).to_pylist())
    assert [len(chunk.dictionary) for chunk in prepared.search.chunks] == [len(texts)]


def test_a_snapshot_written_by_a_relative_path_serves_the_absolute_one(catalog, monkeypatch):
    """`make catalog` names the file relatively, the server absolutely: one snapshot for both."""
    monkeypatch.chdir(Path(catalog).parent)
    LiveCatalog.open(Path(catalog).name)

    assert trusted(catalog)


def test_a_snapshot_of_a_replaced_catalog_is_not_used(catalog, tmp_path):
    LiveCatalog.open(catalog)
    old = snapshot_of(catalog).read_bytes()
    edited = tmp_path / "edited.parquet"
    pq.write_table(pa.Table.from_pylist(edited_sample_rows(), schema=SCHEMA), edited)
    os.replace(edited, catalog)
    assert not trusted(catalog)
    assert_same(LiveCatalog.open(catalog), LiveCatalog.load(catalog))
    assert trusted(catalog) and snapshot_of(catalog).read_bytes() != old


def test_a_snapshot_written_by_other_code_is_not_used(catalog, monkeypatch):
    LiveCatalog.open(catalog)
    monkeypatch.setattr(snapshot, "code_version", lambda: "another version of the code")
    assert not trusted(catalog)
    assert_same(LiveCatalog.open(catalog), LiveCatalog.load(catalog))
    assert trusted(catalog)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def flipped(data: bytes) -> bytes:
    """One byte in the middle changed: a valid file's structure, not its contents."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        truncated,
        flipped,
        lambda data: data[:-1],
        lambda data: os.urandom(len(data)),
        lambda data: b"",
        lambda data: data + b"more",
        lambda data: bytes(64) + data[64:],
    ],
    ids=["truncated", "one byte flipped", "last byte lost", "garbage", "empty", "appended", "head"],
)
def test_a_damaged_snapshot_is_rebuilt(catalog, damage):
    LiveCatalog.open(catalog)
    path = snapshot_of(catalog)
    path.write_bytes(damage(path.read_bytes()))
    assert not trusted(catalog)
    assert_same(LiveCatalog.open(catalog), LiveCatalog.load(catalog))
    assert trusted(catalog)


def without_synopsis(batch: pa.RecordBatch) -> pa.RecordBatch:
    at = batch.schema.get_field_index("shared/synopsis/values")
    return batch.remove_column(at).remove_column(at)  # its values and its index


def title_as_numbers(batch: pa.RecordBatch) -> pa.RecordBatch:
    at = batch.schema.get_field_index("table/title")
    numbers = pa.LargeListArray.from_arrays(pa.array([0, 1]), pa.array([7]))
    return batch.set_column(at, "table/title", numbers)


def shared_index_signed(batch: pa.RecordBatch) -> pa.RecordBatch:
    at = batch.schema.get_field_index("shared/synopsis/index")
    index = batch.column(at).flatten().cast(pa.int64())
    listed = pa.LargeListArray.from_arrays(pa.array([0, len(index)]), index)
    return batch.set_column(at, "shared/synopsis/index", listed)


def index_not_listed(batch: pa.RecordBatch) -> pa.RecordBatch:
    at = batch.schema.get_field_index("shared/synopsis/index")
    return batch.set_column(at, "shared/synopsis/index", pa.array([0], pa.uint8()))


def rows_missing(batch: pa.RecordBatch) -> pa.RecordBatch:
    at = batch.schema.get_field_index("table/release_id")
    ids = batch.column(at).flatten()
    shorter = pa.LargeListArray.from_arrays(pa.array([0, len(ids) - 1]), ids.slice(1))
    return batch.set_column(at, "table/release_id", shorter)


@pytest.mark.parametrize(
    "reshape",
    [without_synopsis, title_as_numbers, shared_index_signed, index_not_listed, rows_missing],
)
def test_a_snapshot_in_the_wrong_shape_is_rebuilt(catalog, monkeypatch, reshape):
    """Whole, current and from this code, but not in the shape this code reads."""
    loaded = LiveCatalog.load(catalog)
    batch = snapshot._batch

    def reshaped(prepared, signature):
        written = batch(prepared, signature)
        return reshape(written).replace_schema_metadata(written.schema.metadata)

    monkeypatch.setattr(snapshot, "_batch", reshaped)
    snapshot.write(snapshot_of(catalog), loaded.prepared(), file_signature(catalog))
    monkeypatch.undo()
    assert not trusted(catalog)
    assert_same(LiveCatalog.open(catalog), loaded)
    assert trusted(catalog)


def test_a_catalog_whose_snapshot_cannot_be_written_still_loads(catalog, monkeypatch):
    def read_only(*args):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(snapshot, "atomic_write", read_only)
    assert_same(LiveCatalog.open(catalog), LiveCatalog.load(catalog))
    assert not snapshot_of(catalog).exists()


def test_a_remote_catalog_has_no_snapshot():
    assert snapshot.snapshot_path("s3://bucket/catalog/") is None
    assert snapshot.snapshot_path("https://example.org/catalog.parquet") is None


def test_a_partitioned_catalog_keeps_its_snapshot_beside_the_folder(tmp_path):
    folder = tmp_path / "catalog"
    folder.mkdir()
    write_sample(folder / "part-0.parquet")
    LiveCatalog.open(str(folder) + "/")
    assert (tmp_path / f"catalog{snapshot.SUFFIX}").is_file()
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]


def test_the_server_loads_the_catalog_as_it_starts(catalog, tmp_path):
    """No visitor is needed: the server's start loads the catalog (and so writes its
    snapshot), and the export routes answer from it."""
    with served(catalog, tmp_path / "server.log") as (url, _):
        deadline = dt.datetime.now() + dt.timedelta(seconds=60)
        while not trusted(catalog):
            assert dt.datetime.now() < deadline, "the server never loaded the catalog"
            time.sleep(0.1)
        response = httpx.get(f"{url}/export.csv?service=Netflix", timeout=30)
        assert response.status_code == 200 and "release_id" in response.text


def test_a_build_prepares_the_snapshot_for_the_next_server_start(tmp_path, monkeypatch):
    built = str(tmp_path / "catalog.parquet")
    assert main(["build", str(REPO / "data" / "releases.csv"), "-o", built, "--quiet"]) == 0
    assert trusted(built)
    never_loaded(monkeypatch)
    assert LiveCatalog.open(built).table.num_rows == pq.read_metadata(built).num_rows
