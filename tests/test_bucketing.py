"""Calendar bucketing: the cards of each day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from sample import synthetic_release as release

from calendar_data import bucketing, grid
from calendar_data.catalog import load_catalog
from calendar_data.days import local_days
from calendar_data.live import DEFAULT_CATALOG
from calendar_data.schema import SCHEMA

D = dt.date
NOV_1, NOV_2 = D(2023, 11, 1), D(2023, 11, 2)


# --------------------------------------------------------------------------- cards


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


def test_a_drop_in_two_countries_counts_its_episodes_once():
    """One row per country, as TVmaze and TMDB imports write them: one card of E1-E9, nine
    episodes (not eighteen, as it once summed)."""
    drop = {"title_id": "show", "title": "Show", "release_type": "full_season"}
    drop |= {"episode_end": 8, "episode_count": 8}
    cards = cards_of(
        release("us", region="US", **drop),
        release("gb", region="GB", **drop),
        episode("e9-us", 9, region="US"),
        episode("e9-gb", 9, region="GB"),
    )
    assert len(cards) == 1
    card = cards.iloc[0]
    assert (card.episode_start, card.episode_end, card.episode_count) == (1, 9, 9)
    assert card.badge == "Full drop · S1 E1-E9 · 9 episodes"


@pytest.mark.parametrize(
    ("seasons", "badge"),
    [
        ([(1, 8, 8), (2, 1, 1)], "Premiere · S1-S2 · 2 episodes"),  # a finale, the next premiere
        ([(1, 1, 8), (2, 1, 8), (3, 1, 10)], "Full drop · S1-S3 · 26 episodes"),
    ],
)
def test_a_card_of_several_seasons_names_them_all(seasons, badge):
    """Seasons released on one day are one card, which once said S1 E1-E8 of them all."""
    types = ["season_finale", "season_premiere"] if len(seasons) == 2 else ["full_season"] * 3
    cards = cards_of(
        *(
            release(
                f"s{season}",
                title_id="show",
                title="Show",
                season=season,
                episode_start=start,
                episode_end=end,
                episode_count=end - start + 1,
                release_type=kind,
            )
            for (season, start, end), kind in zip(seasons, types, strict=True)
        )
    )
    assert len(cards) == 1
    assert cards.iloc[0].badge == badge


def test_a_card_counts_releases_without_a_count_as_the_drawer_does():
    """S1 E8 and S2 E1 without counts: the card said "S1-S2" and its drawer "2 episodes"."""
    rows = [
        release(
            f"s{season}",
            title_id="show",
            title="Show",
            season=season,
            episode_start=n,
            episode_end=n,
            episode_count=None,
        )
        for season, n in ((1, 8), (2, 1))
    ]
    assert cards_of(*rows).iloc[0].badge == "S1-S2 · 2 episodes"


SHOW = {"title_id": "show", "title": "Show"}
UNNUMBERED = {"season": None, "episode_start": None, "episode_end": None}
DROP = {"release_type": "full_season", "episode_start": 1}
SPECIAL = {"kind": "special", "release_type": "special", **UNNUMBERED}


@pytest.mark.parametrize(
    ("rows", "count"),
    [
        (  # a country's share of the drop: the US's eight, not twelve
            [
                release("us", region="US", **DROP, episode_end=8, episode_count=8),
                release("gb", region="GB", **DROP, episode_end=4, episode_count=4),
            ],
            8,
        ),
        (  # one episode listed twice in one country is one episode
            [
                release("e1", region="US", episode_start=1, episode_end=1),
                release("e1-again", region="US", episode_start=1, episode_end=1),
                release("e2", region="US", episode_start=2, episode_end=2),
            ],
            2,
        ),
        (  # two specials in one country are two releases, numbered or not
            [release("one", region="US", **SPECIAL), release("two", region="US", **SPECIAL)],
            2,
        ),
        (  # a count one country lacks is the other's
            [
                release("us", region="US", **{**UNNUMBERED, "season": 1}, episode_count=None),
                release("gb", region="GB", **{**UNNUMBERED, "season": 1}, episode_count=6),
            ],
            6,
        ),
    ],
)
def test_a_cards_episodes_are_those_of_the_country_releasing_the_most(rows, count):
    """Each country's rows, each episode once: the sum of them all once counted 12, 3, 1 (two
    releases as one) and 0 (a missing count hiding the other country's)."""
    cards = cards_of(*({**row, **SHOW} for row in rows))
    assert len(cards) == 1
    assert cards.iloc[0].episode_count == count
    assert f"{count} episodes" in cards.iloc[0].badge


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


# --------------------------------------------------------------------------- first cards

RANKS = {"series_premiere": 0, "season_premiere": 0, "full_season": 0, "movie": 1}
RANKS |= {"season_finale": 2, "series_finale": 2}


def reference_order(rows: list[dict]) -> list[tuple]:
    """Cards as (day, title_id, service), ordered the plain way: a card's rank is its releases'
    best, its title and release are its first release's."""
    found: dict[tuple, dict] = {}
    for row in rows:
        key = (row["release_date"], row["title_id"], row["service"])
        rank = RANKS.get(row["release_type"], 3)
        card = found.setdefault(key, {"rank": rank, "title": row["title"], "id": row["release_id"]})
        card["rank"] = min(card["rank"], rank)
    return sorted(found, key=lambda k: (k[0], found[k]["rank"], found[k]["title"], found[k]["id"]))


def crowded_days() -> list[dict]:
    """Two days of ties: same titles, same ranks, binge drops whose premiere is not their first
    release, and a film on two services."""
    rows = [
        episode("z-e2", 2, title_id="show", title="Show"),
        episode("z-e1", 1, title_id="show", title="Show", release_type="series_premiere"),
        episode("a-e1", 1, title_id="other-show", title="Show"),  # same title, other id
        episode("m-e5", 5, title_id="twin", title="Show"),
        episode("b-e3", 3, title_id="twin", title="Show", service="Max"),
        release("film", kind="movie", release_type="movie", title="Film"),
        release(
            "film-max",
            title_id="film",
            kind="movie",
            release_type="movie",
            title="Film",
            service="Max",
        ),
        release("finale", release_type="season_finale", title="Ending"),
        release("aardvark", title="Aardvark"),
        release("aardvark-2", title="Aardvark"),
        release("drop", release_type="full_season", title="Zed", episode_count=8),
    ]
    later = [
        {**row, "release_id": row["release_id"] + "-later", "release_date": D(2023, 11, 3)}
        for row in rows[::2]
    ]
    return rows + later + [release("tba", release_date=None, status="tba")]


def day_cards(table: pa.Table, per_day: int, tz: str = "UTC") -> bucketing.DayCards:
    def rows(columns: list[str], positions: pa.Array) -> pa.Table:
        return table.select(columns).take(positions)

    return bucketing.day_cards(local_days(table, tz), rows, per_day)


@pytest.mark.parametrize("per_day", [1, 3, 5, 100])
def test_the_cards_shown_are_each_days_first_cards_of_the_full_order(per_day):
    rows = crowded_days()
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    days = local_days(table, "UTC")
    shown = day_cards(table, per_day)
    order = reference_order([row for row in rows if row["release_date"]])
    expected = [key for key in order if order.index(key) - first_of_day(order, key) < per_day]
    keys = list(zip(shown.shown.day, shown.shown.title_id, shown.shown.service, strict=True))
    assert keys == expected
    everything = bucketing.cards(table, days)
    first = everything.groupby("day", sort=False).head(per_day).reset_index(drop=True)
    pd.testing.assert_frame_equal(shown.shown.reset_index(drop=True), first)


def first_of_day(order: list[tuple], key: tuple) -> int:
    return next(i for i, other in enumerate(order) if other[0] == key[0])


def test_every_day_counts_all_its_cards():
    rows = crowded_days()
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    shown = day_cards(table, 2)
    order = reference_order([row for row in rows if row["release_date"]])
    assert shown.totals == {NOV_2: 10, D(2023, 11, 3): 6}
    assert shown.total == len(order) == 16
    assert list(shown.totals) == [NOV_2, D(2023, 11, 3)]


def test_the_cards_within_a_period_count_only_its_days():
    shown = day_cards(pa.Table.from_pylist(crowded_days(), schema=SCHEMA), 2)
    assert shown.total_within(NOV_2, NOV_2) == 10
    assert shown.total_within(D(2023, 11, 3), D(2023, 11, 30)) == 6
    assert shown.total_within(NOV_1, D(2023, 11, 30)) == shown.total == 16
    assert shown.total_within(D(2023, 10, 1), NOV_1) == 0


def test_a_binge_drop_is_one_card_ranked_by_its_best_release():
    rows = crowded_days()
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    card = day_cards(table, 1).shown.iloc[0]
    assert (card.title_id, card.release_id, card.releases) == ("show", "z-e2", 2)
    assert card.badge.startswith("Premiere")


def test_a_day_asked_for_whole_gives_all_its_cards():
    rows = crowded_days()
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    of_day = pc.equal(table["release_date"], pa.scalar(NOV_2, pa.date32()))
    whole = day_cards(table.filter(of_day), 200)
    assert len(whole.shown) == whole.totals[NOV_2] == 10
    assert day_cards(table.slice(0, 0), 3).totals == {}


def test_a_cards_badge_counts_a_negative_count_as_missing_as_its_total_does():
    """The badge's wording kept its own rule (any count but 0), and said "-3 episodes"."""
    row = release("odd", title_id="odd", episode_start=1, episode_end=4, episode_count=-3)
    assert cards_of(row).iloc[0].badge.endswith("S1 E1-E4 · 4 episodes")
