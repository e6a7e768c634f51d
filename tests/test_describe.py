"""Human wording of release facts: episodes, runtimes, release times and credits."""

from __future__ import annotations

import datetime as dt
import itertools

import pyarrow as pa
import pytest

from calendar_data import describe
from calendar_data.schema import CREW_ROLES, KIND_NAMES, KINDS, RELEASE_TYPES

DROP = {
    "kind": "limited_series",
    "release_type": "full_season",
    "season": 1,
    "episode_start": 1,
    "episode_end": 4,
    "episode_count": 4,
    "runtime_minutes": 60,
    "release_date": dt.date(2023, 11, 2),
    "release_at": dt.datetime(2023, 11, 2, 7, tzinfo=dt.UTC),
    "release_tz": "America/Los_Angeles",
}
MOVIE = {"kind": "movie", "release_type": "movie", "runtime_minutes": 118}


def test_every_kind_and_release_type_has_a_name():
    assert set(KIND_NAMES) == set(KINDS)
    assert set(describe.RELEASE_TYPE_NAMES) == set(RELEASE_TYPES)
    assert set(describe.ROLE_NAMES) == set(CREW_ROLES)


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (DROP, "S1 E1-E4 · 4 episodes"),
        ({"season": 2, "episode_start": 3, "episode_end": 3}, "S2 E3"),
        ({"season": 2, "episode_start": 3}, "S2 E3"),
        ({"episode_start": 5, "episode_end": 6}, "E5-E6 · 2 episodes"),
        # A gap in the numbering: the count given wins over the range.
        (
            {"season": 1, "episode_start": 1, "episode_end": 10, "episode_count": 8},
            "S1 E1-E10 · 8 episodes",
        ),
        ({"season": 3, "episode_count": 6}, "S3 6 episodes"),
        ({"season": 3}, "S3"),
        # A card of several seasons (a season's finale and the next one's premiere, a
        # service adding a show's seasons at once): not S1 E1-E8, as it once said.
        ({"season": 1, "season_end": 3, "episode_start": 1, "episode_end": 8}, "S1-S3"),
        (
            {"season": 1, "season_end": 2, "episode_start": 1, "episode_count": 16},
            "S1-S2 · 16 episodes",
        ),
        ({"season": 2, "season_end": 2, "episode_start": 3}, "S2 E3"),
        ({}, ""),
        (MOVIE, ""),
        ({"kind": "movie", "season": 1, "episode_start": 1}, ""),
    ],
)
def test_episodes(row, text):
    assert describe.episodes(row) == text


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (DROP, "S1 E1-E4"),
        ({"season": 2, "episode_start": 3, "episode_end": 3}, "S2 E3"),
        ({"season": 3, "episode_count": 6}, "S3"),
        ({"episode_count": 1}, ""),
    ],
)
def test_episodes_without_their_count(row, text):
    assert describe.episodes(row, counted=False) == text


def test_one_unnumbered_episode_is_not_counted():
    assert describe.episodes({"season": 2, "episode_count": 1}) == "S2"


def test_episode_labels_of_columns_say_what_episodes_says_of_each_row():
    """The calendar's cards (Arrow) and the detail panel (Python) word episodes alike."""
    values = (None, 0, 1, 2, 8)
    rows = [
        {"kind": kind, "season": s, "episode_start": a, "episode_end": b, "episode_count": c}
        | {"season_end": last}
        for kind, s, a, b, c, last in itertools.product(("movie", "series"), *[values] * 5)
    ]
    numbers = ("season", "episode_start", "episode_end", "episode_count")
    columns = [pa.array([row[name] for row in rows], pa.int64()) for name in numbers]
    movie = pa.array([row["kind"] == "movie" for row in rows])
    last = pa.array([row["season_end"] for row in rows], pa.int64())
    labels = describe.episode_labels(*columns, movie, last).to_pylist()
    assert [label or "" for label in labels] == [describe.episodes(row) for row in rows]


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (DROP, "Season 1, episodes 1–4"),
        ({"episode_start": 3}, "Episode 3"),
        ({"episode_count": 8}, "8 episodes"),
        ({"season": 2, "episode_count": 1}, "Season 2, 1 episode"),
        ({}, ""),
    ],
)
def test_episodes_in_words(row, text):
    assert describe.episodes_in_words(row) == text


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (DROP, "60 min per episode · 4 h total"),
        (MOVIE, "118 min"),
        ({"runtime_minutes": 25, "episode_count": 3}, "25 min per episode · 1 h 15 min total"),
        ({"runtime_minutes": 15, "episode_count": 2}, "15 min per episode · 30 min total"),
        ({"runtime_minutes": 45, "episode_count": 1}, "45 min"),
        ({"runtime_minutes": 45}, "45 min"),
        ({"runtime_minutes": None, "episode_count": 4}, ""),
        ({}, ""),
    ],
)
def test_runtime(row, text):
    assert describe.runtime(row) == text


def test_a_titles_runtimes_cover_every_release_not_its_first():
    """Several releases: their episodes' runtimes (the page's Total adds them up)."""
    series = {"kind": "series", "episode_count": 5}
    assert describe.runtimes([{**series, "runtime_minutes": 45}] * 3) == "45 min per episode"
    mixed = [{**series, "runtime_minutes": m} for m in (None, 50, 60, 50)]
    assert describe.runtimes(mixed) == "50–60 min per episode"  # the first has none
    assert describe.runtimes([MOVIE, MOVIE]) == "118 min"
    assert describe.runtimes([{**series, "runtime_minutes": None}]) == ""


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (59, "59 min"), (60, "1 h"), (61, "1 h 1 min"), (600, "10 h")],
)
def test_hours(minutes, text):
    assert describe.hours(minutes) == text


def test_release_time_shows_the_viewers_time_beside_the_platform_rule():
    assert describe.release_time(DROP, "Europe/Paris") == (
        "Thu 2 Nov 2023, 08:00 Europe/Paris (platform rule: 00:00 America/Los_Angeles)"
    )
    assert describe.release_time(DROP, "Asia/Tokyo") == (
        "Thu 2 Nov 2023, 16:00 Asia/Tokyo (platform rule: 00:00 America/Los_Angeles)"
    )


def test_release_time_crosses_the_date_line_for_the_viewer():
    row = DROP | {"release_at": dt.datetime(2023, 11, 2, 2, tzinfo=dt.UTC)}
    assert describe.release_time(row, "America/Los_Angeles").startswith(
        "Wed 1 Nov 2023, 19:00 America/Los_Angeles"
    )


def test_release_time_says_which_of_an_hour_shown_twice_it_means():
    # New York's clocks went from 01:59 EDT back to 01:00 EST on 5 November 2023.
    first = DROP | {"release_at": dt.datetime(2023, 11, 5, 5, 30, tzinfo=dt.UTC)}
    second = DROP | {"release_at": dt.datetime(2023, 11, 5, 6, 30, tzinfo=dt.UTC)}
    assert describe.release_time(first, "America/New_York") == (
        "Sun 5 Nov 2023, 01:30 (EDT) America/New_York (platform rule: 22:30 America/Los_Angeles)"
    )
    assert describe.release_time(second, "America/New_York").startswith(
        "Sun 5 Nov 2023, 01:30 (EST) America/New_York"
    )
    rule = {**first, "release_tz": "America/New_York"}
    assert describe.release_time(rule, "UTC").endswith("rule: 01:30 (EDT) America/New_York)")


def test_release_time_without_a_rule_zone_shows_the_viewer_time_only():
    row = DROP | {"release_tz": None}
    assert describe.release_time(row, "UTC") == "Thu 2 Nov 2023, 07:00 UTC"


@pytest.mark.parametrize("zone", ["Not/AZone", "America", "../x", "Factory", "x" * 200])
def test_release_time_ignores_a_bad_rule_zone(zone):
    row = DROP | {"release_tz": zone}
    assert describe.release_time(row, "Europe/Paris") == "Thu 2 Nov 2023, 08:00 Europe/Paris"


def test_release_time_of_date_only_rows_is_the_date():
    row = DROP | {"release_at": None, "release_date": dt.date(2023, 11, 5)}
    assert describe.release_time(row, "Asia/Tokyo") == (
        "Sun 5 Nov 2023 (date only: the same day everywhere)"
    )


def test_release_time_of_tba_rows():
    tba = {"release_at": None, "release_date": None}
    assert describe.release_time(tba | {"release_window": "2027"}, "UTC") == (
        "To be announced (2027)"
    )
    assert describe.release_time(tba, "UTC") == "To be announced"


CREW = [
    {"name": "Steven Knight", "role": "writer"},
    {"name": "Shawn Levy", "role": "executive producer"},
    {"name": "Shawn Levy", "role": "director"},
    {"name": "Dan Levine", "role": "executive producer"},
    {"name": "Shawn Levy", "role": "executive producer"},
    {"name": "Anthony Doerr", "role": "based-on author"},
    {"name": "Nobody", "role": "caterer"},
    {"name": None, "role": "director"},
    {"name": "", "role": "writer"},
]


def test_crew_by_role_orders_roles_as_the_schema_and_names_as_given():
    grouped = describe.crew_by_role(CREW)
    assert list(grouped) == ["director", "writer", "executive producer", "based-on author"]
    assert grouped == {
        "director": ["Shawn Levy"],
        "writer": ["Steven Knight"],
        "executive producer": ["Shawn Levy", "Dan Levine"],
        "based-on author": ["Anthony Doerr"],
    }


def test_crew_by_role_of_nothing():
    assert describe.crew_by_role(None) == {}
    assert describe.crew_by_role([]) == {}


def test_cast_lines():
    cast = [
        {"name": "Mark Ruffalo", "character": "Daniel LeBlanc"},
        {"name": "Hugh Laurie", "character": None},
        {"name": None, "character": "Uncredited"},
        {"name": "", "character": "Nobody"},
    ]
    assert describe.cast_lines(cast) == ["Mark Ruffalo as Daniel LeBlanc", "Hugh Laurie"]
    assert describe.cast_lines(None) == []


def test_language_names_common_codes_and_keeps_others():
    assert describe.language("en") == "English"
    assert describe.language("KO") == "Korean"
    assert describe.language("Klingon") == "Klingon"
    assert describe.language(None) == ""


def test_links_are_the_http_ones_in_the_pages_order():
    row = {
        "trailer_url": "https://trailers.example/1",
        "homepage_url": "javascript:alert(1)",
        "source_url": "https://source.example/shows/1",
    }
    assert describe.links(row) == [
        "[Trailer](https://trailers.example/1)",
        "[Source](https://source.example/shows/1)",
    ]


FILM_JP = {"rating": "G", "region": "JP", "runtime_minutes": 125, "season": None}
FILM_US = {**FILM_JP, "rating": "PG-13", "region": "US"}


def test_ratings_name_their_regions_only_where_they_differ():
    assert describe.ratings([FILM_JP, FILM_US]) == "G (JP) · PG-13 (US)"
    assert describe.ratings([FILM_US, {**FILM_US, "region": "GB"}]) == "PG-13"
    assert describe.ratings([{**FILM_US, "rating": None}]) == ""


def test_a_total_runtime_counts_a_release_of_several_countries_once():
    assert describe.total_runtime([FILM_JP, FILM_US]) == (125, 1)
    episodes = [
        {"season": 1, "episode_start": n, "episode_end": n, "runtime_minutes": 50} for n in (1, 2)
    ]
    assert describe.total_runtime([*episodes, {**episodes[0], "region": "GB"}]) == (100, 2)


def test_a_total_runtime_tells_unnumbered_specials_apart():
    """Two specials of a season were one release in the title's total; the same special in
    two countries is still one."""
    special = {"kind": "special", "season": 1, "episode_start": None, "runtime_minutes": 60}
    one = {**special, "episode_titles": ["The Reunion"], "release_date": dt.date(2023, 12, 1)}
    two = {**special, "episode_titles": ["Behind the Scenes"], "release_date": dt.date(2023, 12, 1)}
    untitled = {**special, "episode_titles": None, "release_date": dt.date(2023, 12, 24)}
    assert describe.total_runtime([one, {**one, "region": "GB"}, two, untitled]) == (180, 3)


@pytest.mark.parametrize(
    ("row", "total"),
    [
        ({"episode_count": 8, "episode_start": 1, "episode_end": 4}, 8),  # the count given wins
        ({"episode_count": None, "episode_start": 1, "episode_end": 4}, 4),
        ({"episode_count": 0, "episode_start": 3, "episode_end": 3}, 1),
        ({"episode_count": None, "episode_start": 5, "episode_end": 2}, 1),  # backwards
        ({"episode_count": -3, "episode_start": 1, "episode_end": 4}, 4),  # as the cards
        ({}, 1),
    ],
)
def test_a_releases_episode_total_is_its_count_else_its_span(row, total):
    assert describe.episode_total(row) == total
    minutes = describe.runtime({**row, "kind": "series", "runtime_minutes": 30})
    each = f"30 min per episode · {describe.hours(30 * total)} total"
    assert minutes == ("30 min" if total == 1 else each)


def test_a_cards_runtime_counts_each_of_its_releases():
    """A card's releases are distinct (one country's, each episode once): two unnumbered
    specials on one day once totalled one special's runtime."""
    special = {"kind": "special", "season": None, "episode_start": None, "runtime_minutes": 45}
    specials = [{**special, "release_id": "one"}, {**special, "release_id": "two"}]
    assert describe.card_runtime(specials) == "45 min per episode · 1 h 30 min total"


def test_a_release_in_one_country_names_it_beside_its_service():
    """Two releases of a film, worldwide and in GB, read apart in a change history."""
    row = {"title": "Fair Play", "kind": "movie", "release_type": "movie", "service": "Netflix"}
    assert describe.release_label(row) == "Fair Play (Netflix)"
    assert describe.release_label({**row, "region": "GB"}) == "Fair Play (Netflix, GB)"
