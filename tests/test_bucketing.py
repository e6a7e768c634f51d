"""Calendar bucketing: the cards of each day."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from calendar_data import bucketing, grid
from calendar_data.catalog import load_catalog
from calendar_data.days import local_days
from calendar_data.live import DEFAULT_CATALOG
from calendar_data.schema import SCHEMA

D = dt.date
NOV_1, NOV_2 = D(2023, 11, 1), D(2023, 11, 2)


# --------------------------------------------------------------------------- cards


def release(release_id: str, **values) -> dict:
    row = {
        "release_id": release_id,
        "title_id": release_id,
        "title": release_id.title(),
        "kind": "series",
        "release_type": "episode",
        "service": "Netflix",
        "season": 1,
        "episode_start": 1,
        "episode_end": 1,
        "episode_count": 1,
        "release_date": NOV_2,
        "status": "confirmed",
        "source": "test",
    }
    return row | values


def episode(release_id: str, number: int, **values) -> dict:
    values = {"title_id": "show", "title": "Show", "episode_start": number} | values
    return release(release_id, episode_end=number, **values)


def cards_of(*rows: dict, tz: str = "UTC"):
    table = pa.Table.from_pylist(list(rows), schema=SCHEMA)
    return bucketing.cards(table, local_days(table, tz))


def test_same_day_episodes_of_one_show_become_one_card():
    cards = cards_of(
        episode("e1", 1, release_type="series_premiere"),
        episode("e2", 2),
        episode("e3", 3, release_date=D(2023, 11, 9)),
    )
    assert len(cards) == 2
    first = cards.iloc[0]
    assert (first.day, first.title, first.service) == (NOV_2, "Show", "Netflix")
    assert (first.episode_start, first.episode_end, first.episode_count) == (1, 2, 2)
    assert first.releases == 2
    assert first.badge == "Premiere · S1 E1-E2 · 2 episodes"
    assert cards.iloc[1].badge == "S1 E3"


@pytest.mark.parametrize(
    ("row", "label"),
    [
        (
            release("drop", release_type="full_season", episode_end=4, episode_count=4),
            "Full drop · S1 E1-E4 · 4 episodes",
        ),
        (
            release(
                "film",
                kind="movie",
                release_type="movie",
                season=None,
                episode_start=None,
                episode_end=None,
                episode_count=None,
            ),
            "Movie",
        ),
        (
            release(
                "film",
                kind="movie",
                release_type="movie",
                season=None,
                episode_start=None,
                episode_end=None,
                episode_count=None,
                status="tentative",
            ),
            "Movie · Tentative",
        ),
        (
            release(
                "finale", release_type="season_finale", season=2, episode_start=8, episode_end=8
            ),
            "Finale · S2 E8",
        ),
        (release("plain", season=3, episode_start=5, episode_end=5), "S3 E5"),
        (release("no-season", season=None, episode_start=7, episode_end=7), "E7"),
        (
            release(
                "count-only", season=None, episode_start=None, episode_end=None, episode_count=6
            ),
            "6 episodes",
        ),
        (
            release("premiere", release_type="season_premiere", status="tentative"),
            "Premiere · S1 E1 · Tentative",
        ),
    ],
    ids=lambda value: value["release_id"] if isinstance(value, dict) else "",
)
def test_badges(row, label):
    assert cards_of(row).iloc[0].badge == label


def test_a_card_with_nothing_to_badge_keeps_its_place():
    # pyarrow 26 drops the rows whose parts are all null from a "skip" join; such a card
    # (no type label, no episode numbers, confirmed) once shifted every badge after it.
    bare = release("special", season=None, episode_start=None, episode_end=None, episode_count=None)
    cards = cards_of(release("a"), bare, release("z", release_type="series_premiere"))
    assert dict(zip(cards.release_id, cards.badge, strict=True)) == {
        "a": "S1 E1",
        "special": "",
        "z": "Premiere · S1 E1",
    }


def test_every_month_of_the_embedded_catalog_makes_its_cards():
    table = load_catalog(DEFAULT_CATALOG).table
    days = local_days(table, "UTC")
    first, last = grid.span(days)
    month = grid.month_start(first)
    while month <= last:
        start, end = grid.view_range("month", month)
        inside = pc.and_(pc.greater_equal(days, start), pc.less_equal(days, end))
        rows = table.filter(inside)
        cards = bucketing.cards(rows, days.filter(inside))
        expected = set(
            zip(
                days.filter(inside).to_pylist(),
                rows["title_id"].to_pylist(),
                rows["service"].to_pylist(),
                strict=True,
            )
        )
        assert set(zip(cards.day, cards.title_id, cards.service, strict=True)) == expected
        assert len(cards) == len(expected) and cards.badge.notna().all(), month
        month = grid.add_months(month, 1)


def test_one_tentative_release_makes_the_card_tentative():
    cards = cards_of(episode("e1", 1), episode("e2", 2, status="tentative"))
    assert cards.iloc[0].tentative
    assert cards.iloc[0].badge.endswith("· Tentative")


def test_same_title_on_two_services_is_two_cards():
    cards = cards_of(episode("e1", 1), episode("e1-max", 1, service="Max"))
    assert sorted(cards["service"].astype(str)) == ["Max", "Netflix"]
    assert list(cards["releases"]) == [1, 1]


def test_cards_are_ordered_by_day_then_premieres_and_drops_first_then_title():
    cards = cards_of(
        release("aardvark"),  # a plain episode
        release("bison", release_type="season_finale"),
        release("cobra", kind="movie", release_type="movie", episode_start=None),
        release("zebra", release_type="full_season", episode_end=8, episode_count=8),
        release("yak", release_type="series_premiere"),
        release("earlier", release_date=NOV_1),
    )
    assert list(cards["title"]) == ["Earlier", "Yak", "Zebra", "Cobra", "Bison", "Aardvark"]
    assert list(cards["day"]) == [NOV_1] + [NOV_2] * 5


def test_rows_without_a_day_are_dropped():
    cards = cards_of(release("dated"), release("tba", release_date=None, status="tba"))
    assert list(cards["release_id"]) == ["dated"]
    assert cards_of(release("tba", release_date=None, status="tba")).empty


def test_empty_input_gives_the_same_columns():
    table = pa.Table.from_pylist([release("x")], schema=SCHEMA)
    empty = bucketing.cards(table.slice(0, 0), local_days(table, "UTC").slice(0, 0))
    full = bucketing.cards(table, local_days(table, "UTC"))
    assert empty.empty
    assert list(empty.columns) == list(full.columns)


def test_a_timed_release_moves_to_the_viewers_day():
    rows = (
        episode("e1", 1, release_at=dt.datetime(2023, 11, 2, 2, tzinfo=dt.UTC)),
        episode("e2", 2, release_at=dt.datetime(2023, 11, 2, 9, tzinfo=dt.UTC)),
    )
    in_utc = cards_of(*rows, tz="UTC")
    assert list(in_utc["day"]) == [NOV_2]
    assert in_utc.iloc[0].badge == "S1 E1-E2 · 2 episodes"
    # 02:00 UTC is the evening before in Los Angeles: the show splits over two days.
    in_los_angeles = cards_of(*rows, tz="America/Los_Angeles")
    assert list(in_los_angeles["day"]) == [NOV_1, NOV_2]
    assert list(in_los_angeles["badge"]) == ["S1 E1", "S1 E2"]


def test_days_may_be_a_plain_array_and_the_table_chunked():
    rows = [episode("e1", 1), episode("e2", 2), release("other", release_date=NOV_1)]
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    table = pa.concat_tables([table.slice(0, 1), table.slice(1)])
    cards = bucketing.cards(table, local_days(table, "UTC").combine_chunks())
    assert list(cards["title"]) == ["Other", "Show"]
    assert cards.iloc[1].badge == "S1 E1-E2 · 2 episodes"
