"""Calendar bucketing: month grids, view ranges and navigation, and the cards of each day."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from calendar_data import bucketing
from calendar_data.catalog import load_catalog
from calendar_data.days import local_days
from calendar_data.live import DEFAULT_CATALOG
from calendar_data.schema import SCHEMA

D = dt.date
NOV_1, NOV_2 = D(2023, 11, 1), D(2023, 11, 2)


# --------------------------------------------------------------------------- grids and ranges


def test_november_2023_grid():
    weeks = bucketing.month_grid(D(2023, 11, 17))
    assert weeks[0][0] == D(2023, 10, 30)
    assert weeks[-1][-1] == D(2023, 12, 3)
    assert len(weeks) == 5


def test_february_2021_is_exactly_four_weeks():
    weeks = bucketing.month_grid(D(2021, 2, 10))
    assert len(weeks) == 4
    assert (weeks[0][0], weeks[-1][-1]) == (D(2021, 2, 1), D(2021, 2, 28))


@pytest.mark.parametrize("year", [2020, 2021, 2023, 2024, 2100])
def test_every_month_grid_covers_each_day_once_in_monday_weeks(year):
    for month in range(1, 13):
        weeks = bucketing.month_grid(D(year, month, 15))
        days = [day for week in weeks for day in week]
        assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)
        assert all(b - a == dt.timedelta(days=1) for a, b in zip(days, days[1:], strict=False))
        in_month = [day for day in days if day.month == month]
        assert in_month[0] == D(year, month, 1)
        assert in_month == sorted(set(in_month))
        assert in_month[-1] == bucketing.month_end(D(year, month, 1))
        # No week lies wholly outside the month.
        assert all(any(day.month == month for day in week) for week in weeks)


@pytest.mark.parametrize(
    ("view", "anchor", "expected"),
    [
        ("month", D(2023, 11, 17), (D(2023, 10, 30), D(2023, 12, 3))),
        ("week", D(2023, 11, 17), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2023, 11, 13), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2023, 11, 19), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2024, 1, 2), (D(2024, 1, 1), D(2024, 1, 7))),
        ("agenda", D(2023, 11, 17), (D(2023, 11, 1), D(2023, 11, 30))),
        ("agenda", D(2024, 2, 3), (D(2024, 2, 1), D(2024, 2, 29))),
    ],
)
def test_view_range(view, anchor, expected):
    assert bucketing.view_range(view, anchor) == expected


@pytest.mark.parametrize(
    ("view", "anchor", "steps", "expected"),
    [
        ("month", D(2024, 1, 31), 1, D(2024, 2, 29)),
        ("month", D(2023, 1, 31), 1, D(2023, 2, 28)),
        ("month", D(2024, 3, 31), -1, D(2024, 2, 29)),
        ("month", D(2023, 12, 15), 1, D(2024, 1, 15)),
        ("month", D(2024, 1, 15), -1, D(2023, 12, 15)),
        ("month", D(2023, 11, 2), 12, D(2024, 11, 2)),
        ("month", D(2023, 11, 2), -25, D(2021, 10, 2)),
        ("agenda", D(2023, 10, 31), 1, D(2023, 11, 30)),
        ("week", D(2023, 12, 28), 1, D(2024, 1, 4)),
        ("week", D(2023, 11, 2), -2, D(2023, 10, 19)),
    ],
)
def test_shift(view, anchor, steps, expected):
    assert bucketing.shift(view, anchor, steps) == expected


def test_views_are_known():
    assert bucketing.VIEWS == ("month", "week", "agenda")


# --------------------------------------------------------------------------- opening day, span


def dates(*days) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(list(days), pa.date32())])


TODAY = D(2023, 11, 15)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (dates(D(2023, 11, 1), D(2023, 12, 24), None), TODAY),
        (dates(TODAY), TODAY),
        (dates(D(2023, 3, 1), D(2023, 1, 5), None), D(2023, 1, 5)),
        (dates(None, None), TODAY),
        (dates(), TODAY),
    ],
)
def test_opening_day(days, expected):
    assert bucketing.opening_day(days, TODAY) == expected


def test_span():
    assert bucketing.span(dates(D(2023, 3, 1), None, D(2023, 1, 5))) == (
        D(2023, 1, 5),
        D(2023, 3, 1),
    )
    assert bucketing.span(dates(None)) == (None, None)


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
    first, last = bucketing.span(days)
    month = bucketing.month_start(first)
    while month <= last:
        start, end = bucketing.view_range("month", month)
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
        month = bucketing.add_months(month, 1)


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


@pytest.mark.parametrize(
    ("view", "anchor", "first", "last", "expected"),
    [
        ("month", dt.date(2023, 10, 1), dt.date(2023, 11, 1), None, dt.date(2023, 11, 1)),
        ("month", dt.date(2023, 10, 1), dt.date(2023, 10, 31), None, dt.date(2023, 10, 1)),
        ("month", dt.date(2023, 12, 1), None, dt.date(2023, 11, 30), dt.date(2023, 11, 30)),
        (
            "month",
            dt.date(2023, 12, 1),
            dt.date(2023, 10, 5),
            dt.date(2023, 11, 2),
            dt.date(2023, 10, 5),
        ),
        ("week", dt.date(2023, 11, 1), dt.date(2023, 11, 6), None, dt.date(2023, 11, 6)),
        ("week", dt.date(2023, 11, 1), dt.date(2023, 11, 5), None, dt.date(2023, 11, 1)),
        ("agenda", dt.date(2023, 10, 1), None, None, dt.date(2023, 10, 1)),
    ],
)
def test_anchor_in_range_moves_only_a_period_the_range_misses(view, anchor, first, last, expected):
    """A month is its own days, not its grid's (October 2023's grid runs to 5 November)."""
    assert bucketing.anchor_in_range(view, anchor, first, last) == expected


def test_nearest_day_looks_both_ways_and_prefers_the_closer():
    days = pa.array([dt.date(2023, 10, 1), dt.date(2023, 11, 28), None], pa.date32())
    assert bucketing.nearest_day(days, dt.date(2023, 11, 1), dt.date(2023, 11, 7)) == dt.date(
        2023, 11, 28
    )
    assert bucketing.nearest_day(days, dt.date(2023, 10, 2), dt.date(2023, 10, 9)) == dt.date(
        2023, 10, 1
    )
    assert bucketing.nearest_day(days.slice(2), dt.date(2023, 1, 1), dt.date(2023, 1, 2)) is None
