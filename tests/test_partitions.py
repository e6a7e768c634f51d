"""Partitioned catalogs: write_partitioned's layout, and a month query that opens only its
month's files through load_catalog's own path."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.fs as pafs
import pytest

from calendar_data import catalog
from calendar_data.catalog import (
    CatalogError,
    SourceInfo,
    load_catalog,
    month_filter,
    write_partitioned,
)
from calendar_data.cli import main
from calendar_data.demo import demo_table

START = dt.date(2026, 1, 1)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture(scope="module")
def table():
    return demo_table(3_000, start=START, seed=7)


@pytest.fixture
def folder(tmp_path, table) -> Path:
    path = tmp_path / "catalog"
    write_partitioned(table, path, sources=[SourceInfo("demo")], generated_at="2026-01-01T00:00Z")
    return path


def parquet_files(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*.parquet")}


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["release_id"]: row for row in rows}


class CountingFiles(pafs.FileSystemHandler):
    """The local file system, noting every file opened for reading."""

    def __init__(self):
        self.local = pafs.LocalFileSystem()
        self.opened: list[str] = []

    def open_input_file(self, path):
        self.opened.append(path)
        return self.local.open_input_file(path)

    def open_input_stream(self, path):
        self.opened.append(path)
        return self.local.open_input_stream(path)

    def get_type_name(self):
        return "counting"

    def normalize_path(self, path):
        return self.local.normalize_path(path)

    def get_file_info(self, paths):
        return self.local.get_file_info(paths)

    def get_file_info_selector(self, selector):
        return self.local.get_file_info(selector)

    def equals(self, other):
        return other is self

    def create_dir(self, path, recursive):
        raise NotImplementedError("read only")

    delete_dir = delete_dir_contents = delete_root_dir_contents = delete_file = create_dir
    move = copy_file = open_output_stream = open_append_stream = create_dir


@pytest.fixture
def counting(monkeypatch) -> CountingFiles:
    """load_catalog reads local paths through this handler for the rest of the test."""
    handler = CountingFiles()
    module = types.SimpleNamespace(**vars(pafs))
    module.LocalFileSystem = lambda: pafs.PyFileSystem(handler)
    monkeypatch.setattr(catalog.read, "pafs", module)
    return handler


# --------------------------------------------------------------------------- layout


def test_layout_is_month_then_service(folder, table):
    months = sorted(p.name for p in folder.iterdir())
    assert months[0] == "release_month=2026-01"
    assert "release_month=__HIVE_DEFAULT_PARTITION__" in months  # undated (tba) releases
    assert (folder / "release_month=2026-03" / "service=Netflix" / "part-0.parquet").is_file()
    assert (folder / "release_month=2026-03" / "service=Disney%2B").is_dir()


def test_round_trip_keeps_every_row_and_the_metadata(folder, table):
    loaded = load_catalog(folder)
    assert loaded.warnings == []  # the month key is a folder name, not an unknown column
    assert loaded.table.schema.equals(table.schema)
    assert by_id(loaded.table.to_pylist()) == by_id(table.to_pylist())
    assert loaded.generated_at == "2026-01-01T00:00Z"
    assert [s.name for s in loaded.sources] == ["demo"]


def test_rewriting_replaces_the_folder_whole(folder, table):
    write_partitioned(table.slice(0, 10), folder)
    assert load_catalog(folder).num_rows == 10
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_partition_keys_must_exist(tmp_path, table):
    with pytest.raises(CatalogError, match="cannot partition by nonsense"):
        write_partitioned(table, tmp_path / "x", by=("nonsense",))
    assert not (tmp_path / "x").exists()


def test_cli_writes_a_partitioned_copy(tmp_path, table, capsys):
    source = tmp_path / "catalog.parquet"
    catalog.write_catalog(table, source)
    assert main(["partition", str(source), "-o", str(tmp_path / "parts")]) == 0
    assert "partitioned by release_month, service" in capsys.readouterr().out
    assert load_catalog(tmp_path / "parts").num_rows == table.num_rows


def test_a_partitioned_copy_keeps_the_refresh_record(tmp_path, table):
    """The dashboard's "Refreshed: ... ago" and its overdue warning read it."""
    source = tmp_path / "catalog.parquet"
    record = {"every_hours": 6.0, "sources": {"TVmaze": {"refreshed_at": "2026-01-01T00:00Z"}}}
    catalog.write_catalog(table, source, refresh=record)
    assert main(["partition", str(source), "-o", str(tmp_path / "parts"), "-q"]) == 0
    assert load_catalog(tmp_path / "parts").refresh == record


def test_partitioning_into_a_folder_of_other_files_deletes_nothing(tmp_path, table, capsys):
    """Publishing replaces the folder whole: only an earlier partitioned catalog may be
    there. Folder of the catalog itself, with its source and notes: refused, all kept."""
    data = tmp_path / "data"
    data.mkdir()
    source = data / "catalog.parquet"
    catalog.write_catalog(table, source)
    (data / "NOTES.md").write_text("notes")
    before = {p: p.read_bytes() for p in data.iterdir()}
    assert main(["partition", str(source), "-o", str(data)]) == 1
    assert "holds 'NOTES.md' and 1 more, which a partitioned catalog" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in data.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    with pytest.raises(CatalogError, match="a file, which a partitioned catalog would replace"):
        write_partitioned(table, source)
    assert source.read_bytes() == before[source]


def test_partitioning_into_another_apps_hive_folders_deletes_nothing(tmp_path, table, capsys):
    """Folders named like partitions are not enough: every file must be a catalog's part."""
    lake = tmp_path / "lake"
    (lake / "year=2024").mkdir(parents=True)
    (lake / "year=2024" / "sales.csv").write_text("precious")
    (lake / "todo=urgent.txt").write_text("notes")
    source = tmp_path / "catalog.parquet"
    catalog.write_catalog(table, source)
    assert main(["partition", str(source), "-o", str(lake)]) == 1
    assert "holds 'todo=urgent.txt' and 1 more" in capsys.readouterr().err
    assert (lake / "year=2024" / "sales.csv").read_text() == "precious"
    assert (lake / "todo=urgent.txt").read_text() == "notes"


def test_partitioning_again_replaces_the_earlier_partitioned_catalog(tmp_path, table):
    write_partitioned(table, tmp_path / "parts", by=["region"])
    write_partitioned(table.slice(0, 5), tmp_path / "parts")
    assert load_catalog(tmp_path / "parts").num_rows == 5


def test_partitioning_again_keeps_an_empty_folder_or_a_link_put_there(tmp_path, table, capsys):
    """Only a catalog's own parts and key folders may be replaced: not a folder of drafts
    with nothing in it yet, nor a link to another folder."""
    parts, elsewhere = tmp_path / "parts", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "kept.txt").write_text("kept")
    source = tmp_path / "catalog.parquet"
    catalog.write_catalog(table, source)
    write_partitioned(table, parts)
    (parts / "drafts").mkdir()
    assert main(["partition", str(source), "-o", str(parts), "-q"]) == 1
    assert "holds 'drafts/', which a partitioned catalog" in capsys.readouterr().err
    (parts / "drafts").rmdir()
    (parts / "shared").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CatalogError, match=r"holds 'shared \(link\)'"):
        write_partitioned(table, parts)
    assert (parts / "shared").is_symlink()
    (parts / "shared").unlink()
    (parts / "region=US").mkdir()
    linked = parts / "region=US" / "part-9.parquet"
    linked.symlink_to(elsewhere / "kept.txt")  # named like a part, still not one
    with pytest.raises(CatalogError, match=r"holds 'region=US/part-9.parquet \(link\)'"):
        write_partitioned(table, parts)
    assert linked.is_symlink()
    assert (elsewhere / "kept.txt").read_text() == "kept"


def test_partitioning_through_a_link_writes_into_the_folder_it_names(tmp_path, table):
    """The link stays: it once became the new folder, and the old one an error."""
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real, target_is_directory=True)
    write_partitioned(table, link)
    write_partitioned(table.slice(0, 5), link)
    assert link.is_symlink()
    assert load_catalog(real).num_rows == load_catalog(link).num_rows == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_partitioning_into_a_link_to_itself_says_so(tmp_path, table, capsys):
    """It once wrote a folder beside it and failed with "Not a directory"."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    source = tmp_path / "catalog.parquet"
    catalog.write_catalog(table, source)
    assert main(["partition", str(source), "-o", str(loop), "-q"]) == 1
    assert "a link that leads back to itself" in capsys.readouterr().err
    assert loop.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.parquet", "loop"]


@pytest.mark.parametrize("key", ["release_date", "season"])
def test_a_catalog_partitioned_by_a_date_or_number_column_is_read_by_dates(tmp_path, table, key):
    """The keys are typed as their columns: a date filter once compared text with dates."""
    write_partitioned(table, tmp_path / "parts", by=[key])
    march = load_catalog(tmp_path / "parts", dated=MARCH)
    day = pc.field("release_date")
    expected = table.filter((day >= MARCH[0]) & (day <= MARCH[1]))
    assert march.num_rows == expected.num_rows > 0
    assert load_catalog(tmp_path / "parts").num_rows == table.num_rows


def test_partitioning_into_a_folder_inside_the_input_is_refused(tmp_path, table, capsys):
    """Its files once joined the input's: every release twice, the input unreadable."""
    write_partitioned(table, tmp_path / "parts")
    before = load_catalog(tmp_path / "parts").num_rows
    output = tmp_path / "parts" / "backup"
    assert main(["partition", str(tmp_path / "parts"), "-o", str(output), "-q"]) == 1
    assert "lies inside the input" in capsys.readouterr().err
    assert not output.exists() and load_catalog(tmp_path / "parts").num_rows == before


@pytest.mark.parametrize("key", ["genres", "cast"])
def test_partitioning_by_a_list_column_is_refused(tmp_path, table, key):
    with pytest.raises(CatalogError, match=f"cannot partition by {key}: a release holds several"):
        write_partitioned(table, tmp_path / "parts", by=[key])


def test_partitioning_into_an_empty_folder_writes_there(tmp_path, table):
    (tmp_path / "parts").mkdir()
    write_partitioned(table, tmp_path / "parts")
    assert load_catalog(tmp_path / "parts").num_rows == table.num_rows


# --------------------------------------------------------------------------- pruning


def test_month_query_returns_that_month(folder, table):
    march = load_catalog(folder, row_filter=month_filter(*MARCH))
    days = {row["release_date"] for row in march.table.to_pylist()}
    assert days and min(days) >= MARCH[0] and max(days) <= MARCH[1]
    expected = [
        r
        for r in table.to_pylist()
        if r["release_date"] and MARCH[0] <= r["release_date"] <= MARCH[1]
    ]
    assert march.num_rows == len(expected)


def test_month_query_opens_only_that_months_files(folder, counting):
    everything = parquet_files(folder)
    march = {f for f in everything if "/release_month=2026-03/" in f}

    load_catalog(folder)
    assert set(counting.opened) == everything

    counting.opened.clear()
    load_catalog(folder, row_filter=month_filter(*MARCH))
    opened = set(counting.opened)
    # Discovery reads one file's schema; every other file opened is one of March's.
    assert march <= opened
    assert len(opened - march) <= 1
    assert len(opened) < len(everything) / 4


def test_other_months_are_not_even_checked(folder, table):
    """Garbage in the files of later months: only a month query that never opens them loads."""
    for path in parquet_files(folder):
        if path.split("release_month=")[1][:7] > "2026-03":
            Path(path).write_bytes(b"not parquet at all")
    with pytest.raises(CatalogError):
        load_catalog(folder)
    assert load_catalog(folder, row_filter=month_filter(*MARCH)).num_rows > 0


def test_a_range_with_no_partition_gives_an_empty_catalog(folder, table):
    empty = load_catalog(folder, row_filter=month_filter(dt.date(2031, 1, 1), dt.date(2031, 1, 31)))
    assert empty.num_rows == 0
    assert empty.table.schema.equals(table.schema)


@pytest.mark.parametrize("dated", [MARCH, (MARCH[0], None), (None, MARCH[1])])
def test_dated_keeps_the_same_rows_from_a_file_or_a_partitioned_folder(
    tmp_path, folder, table, dated
):
    """``dated`` (either end open) reads the rows dated in it, whether the catalog is one
    file (no month key to prune on) or a folder partitioned by month."""
    single = tmp_path / "one.parquet"
    catalog.write_catalog(table, single)
    start, end = dated[0] or dt.date.min, dated[1] or dt.date.max
    expected = sorted(
        r["release_id"]
        for r in table.to_pylist()
        if r["release_date"] and start <= r["release_date"] <= end
    )
    for location in (single, folder):
        rows = load_catalog(location, dated=dated).table["release_id"].to_pylist()
        assert sorted(rows) == expected
