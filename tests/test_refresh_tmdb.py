"""``calendar-data refresh`` of TMDB against test_tmdb.py's local stand-in server, requests
counted. On 2021-09-17 the fixtures list one show, Squid Game (93405), for the US and GB: a
full refresh reads the films' and shows' discover lists of both regions, then the show and its
season."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from http_standin import Reply
from test_tmdb import KEY, fake, fixture, server  # noqa: F401 (fixtures)

from calendar_data import changes
from calendar_data.catalog import load_catalog
from calendar_data.cli import main
from calendar_data.refresh import refresh_catalog
from calendar_data.refresh_config import parse_config
from calendar_data.refresh_sources import SOURCE_OPTIONS

DAY = dt.date(2021, 9, 17)
NOON = dt.datetime(2021, 9, 17, 12, tzinfo=dt.UTC)
SQUID_GAME = "tmdb-tv-93405"
NO_CHANGES = {"results": [], "page": 1, "total_pages": 1, "total_results": 0}


@pytest.fixture
def tmdb(fake, server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TMDB_API_KEY", KEY)
    monkeypatch.delenv("TMDB_READ_TOKEN", raising=False)
    text = f"""days_ahead = 1
regions = ["US", "GB"]
[sources.tmdb]
base_url = "{server}"
rate = 1000
cache_dir = "{tmp_path / "cache"}"
"""
    fake.config = parse_config(text, "refresh.toml", SOURCE_OPTIONS)
    return fake


def refresh(tmdb, catalog, now):
    tmdb.requests.clear()
    return refresh_catalog(catalog, tmdb.config, today=DAY, now=now)


def test_a_refresh_minutes_later_asks_tmdb_what_changed_and_refetches_only_that(tmdb, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    first = refresh(tmdb, catalog, NOON)
    assert len(tmdb.requests) == first.sources[0].requests == 6
    assert first.sources[0].full
    assert set(load_catalog(catalog).table["title_id"].to_pylist()) == {SQUID_GAME}

    # TMDB's change lists (the fixtures) name films and a show this catalog does not hold.
    refresh(tmdb, catalog, NOON + dt.timedelta(minutes=10))
    assert tmdb.paths() == ["/movie/changes", "/tv/changes"]

    tmdb.serve("/movie/changes", NO_CHANGES)
    tmdb.serve("/tv/changes", {**NO_CHANGES, "results": [{"id": 93405, "adult": False}]})
    refresh(tmdb, catalog, NOON + dt.timedelta(minutes=20))
    assert tmdb.paths() == [
        "/movie/changes",
        "/tv/changes",
        "/tv/93405",  # changed: fetched again; the discover lists come from the cache
        "/tv/93405/season/1",
    ]
    loaded = load_catalog(catalog)
    assert set(loaded.table["title_id"].to_pylist()) == {SQUID_GAME}
    assert loaded.sources[0].name == "TMDB" and "not endorsed" in loaded.sources[0].attribution


GODZILLA_US = "tmdb-movie-940721-netflix-us"
JUNE = dt.date(2024, 6, 1)


def godzilla_gone_from_its_day(tmdb, catalog):
    """Godzilla Minus One reaches Netflix in the US on 2024-06-01 (as recorded), then
    TMDB's discover list of that day no longer has it and its change list names it (no
    cache: the list is read again)."""
    listed = json.loads(fixture("discover-movie-US-2024-05-01.json"))
    tmdb.serve("/discover/movie", listed)
    config = replace(tmdb.config.sources[0], regions=("US",), options={})
    tmdb.config = replace(tmdb.config, sources=(config,))
    refresh_catalog(catalog, tmdb.config, today=JUNE, now=NOON)
    assert GODZILLA_US in set(load_catalog(catalog).table["release_id"].to_pylist())
    tmdb.serve("/discover/movie", json.loads(fixture("discover-empty.json")))
    tmdb.serve("/movie/changes", {**NO_CHANGES, "results": [{"id": 940721, "adult": False}]})
    tmdb.serve("/tv/changes", NO_CHANGES)


@pytest.mark.parametrize("later", [dt.date(2024, 6, 15), dt.date(2026, 6, 1)])
def test_a_film_postponed_past_the_window_is_moved_not_removed(tmdb, tmp_path, later):
    """In this test only, TMDB dates Godzilla Minus One a fortnight, then two years later: it
    was removed, and logged as removed and as leaving Netflix, when it had only been
    postponed past the window (a year at most, at first)."""
    catalog = tmp_path / "catalog.parquet"
    godzilla_gone_from_its_day(tmdb, catalog)
    film = json.loads(fixture("movie-940721.json"))
    for country in film["release_dates"]["results"]:
        for release in country["release_dates"]:
            if release["note"] == "Netflix":
                release["release_date"] = f"{later}T00:00:00.000Z"
    tmdb.serve("/movie/940721", film)
    tmdb.requests.clear()

    report = refresh_catalog(catalog, tmdb.config, today=JUNE, now=NOON + dt.timedelta(hours=1))

    assert "/movie/940721" in tmdb.paths()
    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == GODZILLA_US)
    assert (row["release_date"], row["previous_release_date"]) == (later, JUNE)
    assert (report.moved, report.removed) == (1, 0)
    log = changes.read_log(changes.change_log_path(catalog)).to_pylist()
    assert [(r["change"], r["release_id"]) for r in log] == [("date_moved", GODZILLA_US)]


@pytest.mark.parametrize(
    "answers",
    [[Reply(502)] * 4, [Reply(401, fixture("error-401.json"))], [Reply(200, b"<html>")]],
)
def test_a_film_tmdb_cannot_answer_for_is_kept_as_it_was(tmdb, tmp_path, answers):
    """A refusal or an answer that is not the film's details removed it silently."""
    catalog = tmp_path / "catalog.parquet"
    godzilla_gone_from_its_day(tmdb, catalog)
    tmdb.script("/movie/940721", *answers)

    report = refresh_catalog(catalog, tmdb.config, today=JUNE, now=NOON + dt.timedelta(hours=1))

    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == GODZILLA_US)
    assert row["release_date"] == JUNE and report.removed == 0
    kept = f"Godzilla Minus One ({GODZILLA_US}) kept as it was"
    assert any(w.startswith("film 940721: ") and w.endswith(kept) for w in report.warnings)


def test_a_film_its_day_no_longer_lists_but_tmdb_still_dates_there_is_kept(tmdb, tmp_path):
    """The discover list left it out (or the fetch skipped its details) while its details
    still date it on its day: it was removed."""
    catalog = tmp_path / "catalog.parquet"
    godzilla_gone_from_its_day(tmdb, catalog)

    report = refresh_catalog(catalog, tmdb.config, today=JUNE, now=NOON + dt.timedelta(hours=1))

    assert GODZILLA_US in set(load_catalog(catalog).table["release_id"].to_pylist())
    assert report.removed == 0


def test_tmdb_needs_regions_and_a_key(tmdb, tmp_path, capsys, monkeypatch):
    config = tmp_path / "refresh.toml"
    config.write_text(f'[sources.tmdb]\nbase_url = "{tmdb.config.sources[0].base_url}"\n')
    command = ["refresh", str(tmp_path / "c.parquet"), "--config", str(config), "-q"]
    assert main([*command, "--today", "2021-09-17"]) == 1
    assert (
        capsys.readouterr().err == 'error: the tmdb source needs regions, e.g. regions = ["GB"]\n'
    )

    monkeypatch.delenv("TMDB_API_KEY")
    assert main([*command, "--today", "2021-09-17"]) == 1
    assert "TMDB_API_KEY" in capsys.readouterr().err
    assert not (tmp_path / "c.parquet").exists()
