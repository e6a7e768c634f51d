"""The synthetic demo catalog: deterministic, schema-valid and realistically spread."""

from __future__ import annotations

import datetime as dt
import itertools
import time
import zoneinfo
from collections import Counter

import pyarrow.compute as pc
import pytest

from calendar_data import catalog, schema
from calendar_data.demo import GENRES, SERVICES, SOURCE, demo_table

START = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def table():
    return demo_table(20_000, start=START, seed=7)


@pytest.fixture(scope="module")
def rows(table):
    return table.to_pylist()


def share(values, wanted) -> float:
    return sum(v == wanted for v in values) / len(values)


def test_same_seed_same_table_other_seed_other_table():
    assert demo_table(3_000, seed=3).equals(demo_table(3_000, seed=3))
    assert not demo_table(3_000, seed=3).equals(demo_table(3_000, seed=4))


def test_schema_valid_with_exact_row_count_and_unique_ids(table):
    assert table.schema == schema.SCHEMA
    assert table.num_rows == 20_000
    catalog.validate(table, "demo")
    _, warnings = catalog.conform(table, "demo")
    assert warnings == []
    assert pc.count_distinct(table["release_id"]).as_py() == 20_000
    assert table["release_id"][0].as_py() == "demo-00000000"


def test_visibly_synthetic_with_no_links(table):
    assert pc.all(pc.starts_with(table["title"], "Demo: ")).as_py()
    assert set(table["source"].to_pylist()) == {SOURCE}
    for name in schema.LINK_COLUMNS:
        assert table[name].null_count == table.num_rows


def test_services_genres_and_kinds_are_spread(table, rows):
    services = Counter(table["service"].to_pylist())
    assert set(services) == {name for name, _ in SERVICES}
    assert services.most_common(1)[0][0] == "Netflix"
    assert 0.15 < share(table["kind"].to_pylist(), "movie") < 0.35
    assert set(table["kind"].to_pylist()) == set(schema.KINDS)
    genres = [r["genres"] for r in rows]
    assert {g for gs in genres for g in gs} == {name for name, _ in GENRES}
    assert {len(gs) for gs in genres} == {1, 2, 3}
    assert all(len(set(gs)) == len(gs) for gs in genres)
    assert all(2 <= len(r["cast"]) <= 4 and 1 <= len(r["crew"]) <= 3 for r in rows)
    assert all(r["runtime_minutes"] and r["synopsis"] for r in rows)


def test_regions_mostly_worldwide(table):
    regions = table["region"].to_pylist()
    assert 0.6 < share(regions, None) < 0.85
    assert {"US", "GB", "DE", "FR", "JP", "KR"} <= set(regions)


def test_dates_span_a_year_with_tentative_and_tba_rows(table, rows):
    span = pc.min_max(table["release_date"]).as_py()
    assert START <= span["min"] < START + dt.timedelta(days=14)
    assert START + dt.timedelta(days=340) < span["max"] < START + dt.timedelta(days=365)
    tba = [r for r in rows if r["status"] == "tba"]
    assert tba and all(r["release_date"] is None and r["release_window"] == "2027" for r in tba)
    assert all(r["release_window"] is None for r in rows if r["status"] != "tba")
    assert 0.03 < share([r["status"] for r in rows], "tentative") < 0.15


def test_about_half_timed_at_midnight_in_los_angeles(rows):
    timed = [r for r in rows if r["release_at"] is not None]
    assert 0.35 < len(timed) / len(rows) < 0.65
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    for r in timed[:500]:
        local = r["release_at"].astimezone(la)
        assert (local.date(), local.time()) == (r["release_date"], dt.time(0, 0))
        assert r["release_tz"] == "America/Los_Angeles"
    assert all(r["release_tz"] is None for r in rows if r["release_at"] is None)


def test_weekly_runs_go_from_premiere_to_finale(rows):
    runs: dict[str, list[dict]] = {}
    for r in rows:
        if r["release_type"] not in ("movie", "full_season"):
            runs.setdefault(r["title_id"], []).append(r)
    complete = [run for title_id, run in runs.items() if title_id != rows[-1]["title_id"]]
    assert len(complete) > 100
    for run in complete:
        assert run[0]["release_type"] in ("series_premiere", "season_premiere")
        assert run[-1]["release_type"] in ("season_finale", "series_finale")
        assert {r["release_type"] for r in run[1:-1]} <= {"episode"}
        assert [r["episode_start"] for r in run] == list(range(1, len(run) + 1))
        gaps = {(b["release_date"] - a["release_date"]).days for a, b in itertools.pairwise(run)}
        assert gaps == {7}


def test_binge_drops_cover_the_whole_season(rows):
    drops = [r for r in rows if r["release_type"] == "full_season"]
    assert drops
    for r in drops:
        assert r["episode_start"] == 1
        assert r["episode_end"] == r["episode_count"] >= 4
    movies = [r for r in rows if r["release_type"] == "movie"]
    assert all(r["season"] is None and r["episode_start"] is None for r in movies)


def test_ten_thousand_rows_are_fast():
    began = time.perf_counter()
    demo_table(10_000, seed=1)
    assert time.perf_counter() - began < 2


def test_start_moves_the_dates():
    later = demo_table(500, start=dt.date(2030, 6, 1))
    assert pc.min(later["release_date"]).as_py() >= dt.date(2030, 6, 1)


@pytest.mark.parametrize("count", [1, 2])
def test_tiny_tables(count):
    catalog.validate(demo_table(count), "demo")


def test_needs_a_positive_row_count():
    with pytest.raises(ValueError, match="at least 1"):
        demo_table(0)
