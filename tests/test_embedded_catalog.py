"""The embedded catalog: rebuilt from its readable source, and holding the reference title."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.compute as pc
import pytest

from calendar_data.catalog import load_catalog, metadata
from calendar_data.cli import main
from calendar_data.sources import build

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA / "catalog.parquet")


def test_rebuilding_from_the_source_reproduces_the_catalog(tmp_path, catalog):
    build([DATA / "releases.csv"], tmp_path / "catalog.parquet", quiet=True)
    rebuilt = load_catalog(tmp_path / "catalog.parquet")
    assert rebuilt.table.equals(catalog.table), "run `make catalog` and commit the result"
    assert rebuilt.sources == catalog.sources


def test_make_catalog_on_an_unchanged_source_changes_no_byte(tmp_path):
    """``make catalog`` twice leaves git clean: the generation time alone is no change."""
    committed = (DATA / "catalog.parquet").read_bytes()
    target = tmp_path / "catalog.parquet"
    target.write_bytes(committed)
    assert main(["-q", "build", str(DATA / "releases.csv"), "-o", str(target)]) == 0
    assert target.read_bytes() == committed
    assert not list(tmp_path.glob("*.changes.parquet"))


def test_building_twice_gives_the_same_bytes_and_a_change_rewrites(tmp_path, monkeypatch):
    clock = iter(f"2026-01-0{day}T00:00:00Z" for day in range(1, 10))
    monkeypatch.setattr(metadata, "_now_iso", lambda: next(clock))  # each build a day later
    source, target = tmp_path / "releases.csv", tmp_path / "catalog.parquet"
    source.write_text((DATA / "releases.csv").read_text("utf-8"), "utf-8")
    build([source], target, quiet=True)
    first = target.read_bytes()
    build([source], target, quiet=True)
    assert target.read_bytes() == first
    text = source.read_text("utf-8")
    source.write_text(text.replace(",2023-11-02,", ",2023-11-03,", 1), "utf-8")
    build([source], target, quiet=True)
    assert target.read_bytes() != first
    assert load_catalog(target).generated_at == "2026-01-03T00:00:00Z"


def test_it_spans_the_reference_season_across_services(catalog):
    table = catalog.table
    assert table.num_rows >= 150
    assert len(pc.unique(table["service"])) >= 8
    dates = table["release_date"]
    assert pc.min(dates).as_py() >= dt.date(2023, 10, 1)
    assert pc.max(dates).as_py() <= dt.date(2024, 1, 31)
    kinds = set(pc.unique(table["kind"].cast("string")).to_pylist())
    assert {"movie", "series", "limited_series"} <= kinds
    types = set(pc.unique(table["release_type"].cast("string")).to_pylist())
    assert {"movie", "season_premiere", "episode", "season_finale", "full_season"} <= types
    assert set(pc.unique(table["source"].cast("string")).to_pylist()) == {"editorial sample"}


def test_it_holds_the_reference_title_with_the_articles_facts(catalog):
    rows = [r for r in catalog.table.to_pylist() if r["title_id"] == "all-the-light-we-cannot-see"]
    assert len(rows) == 1
    row = rows[0]
    assert row["service"] == "Netflix"
    assert row["kind"] == "limited_series"
    assert row["release_type"] == "full_season"
    assert row["release_date"] == dt.date(2023, 11, 2)
    assert (row["episode_start"], row["episode_end"], row["episode_count"]) == (1, 4, 4)
    assert row["runtime_minutes"] == 60
    assert "Marie-Laure" in row["synopsis"] and "St. Malo" in row["synopsis"]
    cast = {(c["name"], c["character"]) for c in row["cast"]}
    assert {
        ("Aria Mia Loberti", "Marie-Laure LeBlanc"),
        ("Mark Ruffalo", "Daniel LeBlanc"),
        ("Hugh Laurie", "Etienne LeBlanc"),
        ("Louis Hofmann", "Werner Pfennig"),
    } <= cast
    crew = {(c["name"], c["role"]) for c in row["crew"]}
    assert {
        ("Shawn Levy", "director"),
        ("Steven Knight", "writer"),
        ("Shawn Levy", "executive producer"),
        ("Dan Levine", "executive producer"),
        ("Josh Barry", "executive producer"),
        ("Anthony Doerr", "based-on author"),
    } <= crew
