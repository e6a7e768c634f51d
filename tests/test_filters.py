"""ReleaseFilter: URL round trip, parameter hygiene, and every filter applied to a table."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_data.days import local_days
from calendar_data.filters import (
    MAX_NOTICES,
    MAX_QUERY_LENGTH,
    MAX_VALUES,
    SWAPPED_RANGE,
    TYPE_GROUPS,
    ReleaseFilter,
    list_contains_any,
    read_values,
    read_view,
    refusals,
    repeated_param_notices,
    search_text,
)
from calendar_data.schema import KINDS, SCHEMA
from calendar_data.text import visible

NOV_1, NOV_30 = dt.date(2023, 11, 1), dt.date(2023, 11, 30)


def release(release_id: str, **values) -> dict:
    row = {
        "release_id": release_id,
        "title_id": f"title-{release_id}",
        "title": f"Show {release_id}",
        "kind": "series",
        "release_type": "episode",
        "service": "Netflix",
        "release_date": dt.date(2023, 11, 15),
        "status": "confirmed",
        "source": "test",
    }
    return row | values


ROWS = [
    release(
        "light",
        title="All the Light We Cannot See",
        kind="limited_series",
        release_type="full_season",
        genres=["Drama", "War"],
        release_date=dt.date(2023, 11, 2),
        release_at=dt.datetime(2023, 11, 2, 7, tzinfo=dt.UTC),
        cast=[{"name": "Mark Ruffalo", "character": "Daniel LeBlanc"}],
        crew=[{"name": "Shawn Levy", "role": "director"}],
    ),
    release(
        "heist",
        title="Money Heist",
        original_title="La Casa de Papel",
        service="Max",
        release_type="series_premiere",
        genres=["Comedy"],
        region="US",
        release_date=dt.date(2023, 11, 10),
        # A member without a name, and a null member, must not hide the others.
        cast=[{"name": None, "character": "Extra"}, None, {"name": "Úrsula Corberó"}],
    ),
    release(
        "film",
        title="İSTANBUL NIGHTS",
        service="Hulu",
        kind="movie",
        release_type="movie",
        genres=None,
        region="GB",
        release_date=dt.date(2023, 11, 30),
    ),
    release(
        "finale",
        service="Disney+",
        release_type="season_finale",
        genres=[],
        region="US",
        release_date=dt.date(2023, 12, 1),
    ),
    release(
        "undated",
        kind="series",
        genres=["Comedy", "Drama"],
        region="FR",
        release_date=None,
        status="tba",
        crew=[None, {"name": "Greta Gerwig", "role": "writer"}],
    ),
    release(
        "late",
        service="Max",
        kind="special",
        release_type="season_premiere",
        genres=["Documentary"],
        release_date=dt.date(2023, 11, 1),
        # 02:00 UTC on Nov 1 is still Oct 31 in Los Angeles.
        release_at=dt.datetime(2023, 11, 1, 2, tzinfo=dt.UTC),
        release_tz="America/Los_Angeles",
    ),
]
IDS = [row["release_id"] for row in ROWS]


def table() -> pa.Table:
    return pa.Table.from_pylist(ROWS, schema=SCHEMA)


def chunked() -> pa.Table:
    """The same rows in three chunks per column, the middle one a slice."""
    whole = table()
    return pa.concat_tables([whole.slice(0, 2), whole.slice(2, 1), whole.slice(3)])


def selected(release_filter: ReleaseFilter, source: pa.Table | None = None, **kwargs) -> list:
    source = table() if source is None else source
    mask = release_filter.mask(source, **kwargs)
    assert len(mask) == source.num_rows
    return source.filter(mask)["release_id"].to_pylist()


class StreamlitLikeParams:
    """Like ``st.query_params``: ``get`` gives the last value, ``get_all`` every value."""

    def __init__(self, query: str):
        self._pairs = [tuple(part.split("=", 1)) for part in query.split("&")]

    def get(self, key, default=None):
        values = self.get_all(key)
        return values[-1] if values else default

    def get_all(self, key):
        return [value for name, value in self._pairs if name == key]


# --------------------------------------------------------------------------- URL round trip

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda s: s == s.strip() and s != ""
)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))


@st.composite
def filters(draw) -> ReleaseFilter:
    start, end = draw(st.none() | dates), draw(st.none() | dates)
    if start and end and start > end:
        start, end = end, start
    query = " ".join(visible(draw(st.text(max_size=MAX_QUERY_LENGTH))).split())
    return ReleaseFilter(
        services=tuple(draw(st.lists(names, max_size=4, unique=True))),
        genres=tuple(draw(st.lists(names, max_size=4, unique=True))),
        kinds=tuple(draw(st.lists(st.sampled_from(KINDS), max_size=4, unique=True))),
        types=tuple(draw(st.lists(st.sampled_from(list(TYPE_GROUPS)), max_size=5, unique=True))),
        regions=tuple(draw(st.lists(names, max_size=3, unique=True))),
        start=start,
        end=end,
        query=query,
    )


@settings(max_examples=150, deadline=None)
@given(filters())
def test_query_params_round_trip(release_filter):
    params = release_filter.to_query_params()
    assert ReleaseFilter.from_query_params(params) == (release_filter, [])
    # Through a real query string and back, as a browser would carry it.
    parsed = parse_qs(urlencode(params, doseq=True), keep_blank_values=True)
    assert ReleaseFilter.from_query_params(parsed) == (release_filter, [])


def test_default_filter_has_no_params_and_is_empty():
    assert ReleaseFilter().to_query_params() == {}
    assert ReleaseFilter().is_empty
    assert ReleaseFilter.from_query_params({}) == (ReleaseFilter(), [])
    assert not ReleaseFilter(query="x").is_empty
    assert not ReleaseFilter(start=NOV_1).is_empty


def test_to_query_params_lists_values_in_order():
    release_filter = ReleaseFilter(
        services=("Netflix", "Max"), types=("movie",), start=NOV_1, end=NOV_30, query="light"
    )
    assert release_filter.to_query_params() == {
        "service": ["Netflix", "Max"],
        "type": ["movie"],
        "from": ["2023-11-01"],
        "to": ["2023-11-30"],
        "q": ["light"],
    }


def test_mapping_of_strings_mapping_of_lists_and_get_all_agree():
    expected = ReleaseFilter(services=("Netflix",), genres=("Drama",), start=NOV_1, query="x y")
    as_strings = {"service": "Netflix", "genre": "Drama", "from": "2023-11-01", "q": " x  y "}
    as_lists = {"service": ["Netflix"], "genre": ["Drama"], "from": ["2023-11-01"], "q": ["x y"]}
    streamlit = StreamlitLikeParams("service=Netflix&genre=Drama&from=2023-11-01&q=x y")
    for params in (as_strings, as_lists, streamlit):
        assert ReleaseFilter.from_query_params(params) == (expected, [])


def test_repeated_keys_keep_every_value_once_and_the_last_date():
    params = StreamlitLikeParams(
        "service=Netflix&service=Max&service=Netflix&from=2023-01-01&from=2023-11-01&q=a&q=b"
    )
    release_filter, notices = ReleaseFilter.from_query_params(params)
    assert release_filter.services == ("Netflix", "Max")
    assert release_filter.start == NOV_1
    assert release_filter.query == "b"
    assert notices == []


# --------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("param", "value", "named"),
    [("type", "trailer", "'trailer'"), ("kind", "anime", "'anime'")],
)
def test_unknown_type_or_kind_is_dropped_with_a_notice(param, value, named):
    release_filter, notices = ReleaseFilter.from_query_params({param: [value, "movie"]})
    assert getattr(release_filter, f"{param}s") == ("movie",)
    assert len(notices) == 1 and named in notices[0]


@pytest.mark.parametrize(
    "bad", ["2023-13-01", "2023-02-30", "yesterday", "2023-11", "2023-W44-4", "２０２３-１１-０１"]
)
@pytest.mark.parametrize("param", ["from", "to"])
def test_bad_dates_are_ignored_with_a_notice(param, bad):
    release_filter, notices = ReleaseFilter.from_query_params({param: bad})
    assert release_filter.start is None and release_filter.end is None
    assert len(notices) == 1
    assert f"{param}=" in notices[0] and "YYYY-MM-DD" in notices[0]


def test_typed_values_make_the_filter_their_url_makes():
    typed = ReleaseFilter.from_values(
        services=[" Netflix ", "Max", "Netflix"],
        kinds=["series", "anime"],
        start=NOV_30,
        end=NOV_1,
        query=" light  ",
    )
    from_url = ReleaseFilter.from_query_params(
        {"service": [" Netflix ", "Max", "Netflix"], "kind": ["series", "anime"]}
        | {"from": "2023-11-30", "to": "2023-11-01", "q": " light  "}
    )
    assert typed == from_url
    assert typed[0] == ReleaseFilter(
        services=("Netflix", "Max"), kinds=("series",), start=NOV_1, end=NOV_30, query="light"
    )
    assert typed[1] == [
        "Ignored unknown kind 'anime'.",
        "The date range was backwards; its ends were swapped.",
    ]


def test_dates_may_carry_surrounding_whitespace():
    release_filter, notices = ReleaseFilter.from_query_params({"from": " 2023-11-01 "})
    assert (release_filter.start, notices) == (NOV_1, [])


def test_backwards_range_is_swapped_with_a_notice():
    release_filter, notices = ReleaseFilter.from_query_params(
        {"from": "2023-11-30", "to": "2023-11-01"}
    )
    assert (release_filter.start, release_filter.end) == (NOV_1, NOV_30)
    assert len(notices) == 1 and "swapped" in notices[0]


def test_long_query_is_cut_with_a_notice():
    release_filter, notices = ReleaseFilter.from_query_params({"q": "x" * 250})
    assert release_filter.query == "x" * MAX_QUERY_LENGTH
    assert len(notices) == 1 and str(MAX_QUERY_LENGTH) in notices[0]


def test_whitespace_only_values_are_dropped_silently():
    params = {
        "service": [" ", "\t", " Netflix "],
        "genre": ["   "],
        "region": [""],
        "from": "  ",
        "to": "",
        "q": " \n ",
    }
    release_filter, notices = ReleaseFilter.from_query_params(params)
    assert release_filter == ReleaseFilter(services=("Netflix",))
    assert notices == []


HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE releases; --",
    "\x00\x1b[31m\u202etxt.exe",
    "../../etc/passwd",
    "%00%ff",
    "x" * 1_000_000,
    "🎬" * 300,
    "[a](javascript:alert(1))",
    "\ud800",
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_never_raise_and_notices_stay_short(hostile):
    params = {name: [hostile] for name in ("service", "genre", "kind", "type", "region")}
    params |= {"from": hostile, "to": hostile, "q": hostile}
    release_filter, notices = ReleaseFilter.from_query_params(params)
    assert all(len(notice) < 200 for notice in notices)
    assert all(len(value) <= MAX_QUERY_LENGTH for value in release_filter.services)
    assert len(release_filter.query) <= MAX_QUERY_LENGTH
    assert release_filter.kinds == () and release_filter.types == ()
    assert release_filter.start is None and release_filter.end is None
    release_filter.short_name()
    selected(release_filter)


def test_a_flood_of_values_is_capped():
    release_filter, _ = ReleaseFilter.from_query_params(
        {"service": [str(n) for n in range(10_000)]}
    )
    assert len(release_filter.services) == 100


# --------------------------------------------------------------------------- restrict, short_name


def test_restrict_drops_values_the_catalog_lacks_with_notices():
    release_filter = ReleaseFilter(
        services=("Netflix", "Nope+"), genres=("Drama",), regions=("US", "ZZ"), query="x"
    )
    options = {"service": {"Netflix", "Max"}, "genre": {"Drama"}, "region": ["US"]}
    restricted, notices = release_filter.restrict(options)
    assert restricted == ReleaseFilter(
        services=("Netflix",), genres=("Drama",), regions=("US",), query="x"
    )
    assert len(notices) == 2
    assert "'Nope+'" in notices[0] and "service" in notices[0]
    assert "'ZZ'" in notices[1] and "region" in notices[1]


def test_restrict_matches_names_whatever_their_case_in_the_catalogs_spelling():
    release_filter = ReleaseFilter(services=("netflix", "NETFLIX", "max"), genres=("drama",))
    options = {"service": {"Netflix", "Max"}, "genre": {"Drama"}}
    assert release_filter.restrict(options) == (
        ReleaseFilter(services=("Netflix", "Max"), genres=("Drama",)),
        [],
    )


def test_restrict_keeps_names_that_differ_only_in_case_apart():
    options = {"genre": {"Anime", "ANIME"}}
    for spelled in ("Anime", "ANIME"):
        assert ReleaseFilter(genres=(spelled,)).restrict(options)[0].genres == (spelled,)


def test_restrict_suggests_the_closest_names_for_a_miss():
    options = {"service": {"Netflix", "Max", "Hulu", "Disney+"}}
    _, notices = ReleaseFilter(services=("Netflx", "zzz")).restrict(options)
    assert notices == [
        "Ignored service 'Netflx': not in this catalog. Did you mean 'Netflix'?",
        "Ignored service 'zzz': not in this catalog.",
    ]


def test_restrict_keeps_a_filter_the_catalog_satisfies():
    release_filter = ReleaseFilter(services=("Max",))
    assert release_filter.restrict({"service": {"Max"}}) == (release_filter, [])


def test_typed_values_are_held_to_the_catalog_as_a_link_is():
    """The command line's flags and a link of the same values: one filter, the same notices."""
    options = {"service": {"Netflix", "Max"}, "genre": {"Drama"}, "region": {"US"}}
    link = {"service": ["netflix", "Netflx"], "region": ["gb"], "from": ["2023-11-30"]}
    typed = read_values(
        options, services=["netflix", "Netflx"], regions=["gb"], start=NOV_30, end=NOV_1
    )
    assert typed == read_view({**link, "to": ["2023-11-01"]}, options)
    assert typed == (
        ReleaseFilter(services=("Netflix",), regions=("GB",), start=NOV_1, end=NOV_30),
        [SWAPPED_RANGE, "Ignored service 'Netflx': not in this catalog. Did you mean 'Netflix'?"],
    )
    assert refusals(typed[1]) == typed[1][1:]


@pytest.mark.parametrize(
    ("release_filter", "description"),
    [
        (ReleaseFilter(), "All services"),
        (ReleaseFilter(services=("Netflix",), start=NOV_1, end=NOV_30), "Netflix · 2023-11"),
        (
            ReleaseFilter(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29)),
            "All services · 2024-02",
        ),
        (
            ReleaseFilter(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 28)),
            "All services · 2024-02-01 to 2024-02-28",
        ),
        (ReleaseFilter(start=dt.date(2023, 11, 2)), "All services · 2023-11-02 to …"),
        (ReleaseFilter(end=NOV_30), "All services · … to 2023-11-30"),
        (
            ReleaseFilter(
                services=("Netflix", "Max"),
                genres=("Drama",),
                kinds=("series",),
                types=("premiere", "full_drop"),
                regions=("US",),
                query="light",
            ),
            "Netflix · Max · Drama · series · Premieres · Full drops · US · “light”",
        ),
    ],
)
def test_short_name(release_filter, description):
    assert release_filter.short_name() == description


# --------------------------------------------------------------------------- applying


@pytest.mark.parametrize(
    ("release_filter", "expected"),
    [
        (ReleaseFilter(), IDS),
        (ReleaseFilter(services=("Max",)), ["heist", "late"]),
        (ReleaseFilter(services=("Netflix", "Hulu")), ["light", "film", "undated"]),
        (ReleaseFilter(services=("Nope",)), []),
        (ReleaseFilter(genres=("Drama",)), ["light", "undated"]),
        (ReleaseFilter(genres=("War", "Comedy")), ["light", "heist", "undated"]),
        (ReleaseFilter(kinds=("movie", "special")), ["film", "late"]),
        (ReleaseFilter(types=("premiere",)), ["heist", "late"]),
        (ReleaseFilter(types=("finale",)), ["finale"]),
        (ReleaseFilter(types=("full_drop",)), ["light"]),
        (ReleaseFilter(types=("episode",)), ["undated"]),
        (ReleaseFilter(types=("movie", "finale")), ["film", "finale"]),
        # A release without a region is worldwide: it is in every region.
        (ReleaseFilter(regions=("US",)), ["light", "heist", "finale", "late"]),
        (ReleaseFilter(regions=("GB", "FR")), ["light", "film", "undated", "late"]),
        (ReleaseFilter(start=dt.date(2023, 11, 10)), ["heist", "film", "finale"]),
        (ReleaseFilter(end=dt.date(2023, 11, 10)), ["light", "heist", "late"]),
        (ReleaseFilter(start=NOV_30, end=NOV_30), ["film"]),
        (ReleaseFilter(start=NOV_1, end=NOV_30), ["light", "heist", "film", "late"]),
        (ReleaseFilter(query="RUFFALO"), ["light"]),
        (ReleaseFilter(query="shawn levy"), ["light"]),
        (ReleaseFilter(query="casa de"), ["heist"]),
        (ReleaseFilter(query="light we"), ["light"]),
        (ReleaseFilter(query="CORBERÓ"), ["heist"]),
        (ReleaseFilter(query="gerwig"), ["undated"]),
        (ReleaseFilter(query="İstanbul"), ["film"]),
        (ReleaseFilter(query="show"), ["finale", "undated", "late"]),
        (ReleaseFilter(query="(.*"), []),
        (ReleaseFilter(services=("Max",), types=("premiere",), end=dt.date(2023, 11, 5)), ["late"]),
        (ReleaseFilter(genres=("Comedy",), regions=("US",), query="money"), ["heist"]),
        (ReleaseFilter(services=("Netflix",), kinds=("movie",)), []),
    ],
    ids=lambda value: value.short_name() if isinstance(value, ReleaseFilter) else "",
)
@pytest.mark.parametrize("layout", ["one chunk", "chunked"])
def test_mask(release_filter, expected, layout):
    source = table() if layout == "one chunk" else chunked()
    assert selected(release_filter, source) == expected
    assert release_filter.apply(source)["release_id"].to_pylist() == expected


def test_services_match_on_plain_string_columns_too():
    plain = table()
    plain = plain.set_column(
        plain.schema.get_field_index("service"), "service", plain["service"].cast(pa.string())
    )
    assert selected(ReleaseFilter(services=("Max",)), plain) == ["heist", "late"]


def test_dictionary_chunks_with_different_dictionaries():
    """Each chunk of a categorical column carries its own dictionary."""
    first = table().slice(0, 3)
    second = pa.Table.from_pylist(ROWS[3:] + [release("extra", service="Apple TV+")], SCHEMA)
    combined = pa.concat_tables([first, second])
    assert combined["service"].chunk(0).dictionary != combined["service"].chunk(1).dictionary
    assert selected(ReleaseFilter(services=("Max", "Apple TV+")), combined) == [
        "heist",
        "late",
        "extra",
    ]


def test_date_filter_uses_the_days_it_is_given():
    november = ReleaseFilter(start=NOV_1, end=NOV_30)
    los_angeles = local_days(table(), "America/Los_Angeles")
    assert "late" in selected(november)
    assert "late" not in selected(november, days=los_angeles)


def test_query_uses_the_search_text_it_is_given():
    search = pa.array(["", "", "", "", "", "needle"])
    assert selected(ReleaseFilter(query="needle"), search=search) == ["late"]


def test_sliced_table():
    sliced = table().slice(1, 4)
    assert selected(ReleaseFilter(genres=("Drama",)), sliced) == ["undated"]
    assert selected(ReleaseFilter(query="gerwig"), sliced) == ["undated"]
    assert selected(ReleaseFilter(query="ruffalo"), sliced) == []


@pytest.mark.parametrize("layout", ["whole", "sliced", "chunked"])
def test_list_contains_any(layout):
    lists = pa.array([["a"], None, ["b", "c"], [], ["a", "c"], None, ["c"]], pa.list_(pa.string()))
    expected = [False, False, True, False, True, False, True]
    if layout == "sliced":
        lists, expected = lists.slice(1, 5), expected[1:6]
    if layout == "chunked":
        lists = pa.chunked_array([lists.slice(0, 2), lists.slice(2, 3), lists.slice(5)])
    assert list_contains_any(lists, ["c", "zzz"]).to_pylist() == expected


def test_list_contains_any_ignores_values_hidden_behind_null_lists():
    """A null list may still span child values; they are not part of the row."""
    lists = pa.ListArray.from_arrays(
        pa.array([0, 1, 2, 3]), pa.array(["a", "b", "c"]), mask=pa.array([False, True, False])
    )
    assert lists.to_pylist() == [["a"], None, ["c"]]
    assert list_contains_any(lists, ["b"]).to_pylist() == [False, False, False]
    assert list_contains_any(lists, ["c"]).to_pylist() == [False, False, True]
    assert list_contains_any(lists.slice(1), ["b", "c"]).to_pylist() == [False, True]


def test_search_text_is_lower_case_and_the_same_for_chunked_input():
    whole = search_text(table()).to_pylist()
    assert whole == search_text(chunked()).to_pylist()
    assert "mark ruffalo" in whole[0] and "shawn levy" in whole[0]
    assert "la casa de papel" in whole[1] and "úrsula corberó" in whole[1]
    assert "greta gerwig" in whole[4]


def test_search_text_without_people_columns():
    slim = table().select(["title", "original_title"])
    assert search_text(slim).to_pylist()[1] == "money heist\nla casa de papel"


# --------------------------------------------------------------------------- a reference model


def reference(release_filter: ReleaseFilter, row: dict) -> bool:
    """The filter's meaning, spelt out in plain Python, one row at a time."""
    wanted_types = {t for group in release_filter.types for t in TYPE_GROUPS[group]}
    day = row["release_date"] if row.get("release_at") is None else row["release_at"].date()
    people = [p["name"] for p in (row.get("cast") or []) + (row.get("crew") or []) if p]
    haystack = [row["title"], row.get("original_title")] + people
    checks = [
        not release_filter.services or row["service"] in release_filter.services,
        not release_filter.kinds or row["kind"] in release_filter.kinds,
        not release_filter.types or row["release_type"] in wanted_types,
        not release_filter.regions
        or row.get("region") is None
        or row["region"] in release_filter.regions,
        not release_filter.genres
        or bool(set(row.get("genres") or ()) & set(release_filter.genres)),
        not release_filter.start or (day is not None and day >= release_filter.start),
        not release_filter.end or (day is not None and day <= release_filter.end),
        not release_filter.query
        or any(release_filter.query.lower() in (text or "").lower() for text in haystack),
    ]
    return all(checks)


small_filters = st.builds(
    ReleaseFilter,
    services=st.lists(st.sampled_from(["Netflix", "Max", "Hulu", "Disney+", "Nope"])).map(tuple),
    genres=st.lists(st.sampled_from(["Drama", "Comedy", "War", "Documentary"])).map(tuple),
    kinds=st.lists(st.sampled_from(KINDS), max_size=2).map(tuple),
    types=st.lists(st.sampled_from(list(TYPE_GROUPS)), max_size=2).map(tuple),
    regions=st.lists(st.sampled_from(["US", "GB", "FR"]), max_size=2).map(tuple),
    start=st.none() | st.dates(dt.date(2023, 10, 30), dt.date(2023, 12, 2)),
    end=st.none() | st.dates(dt.date(2023, 10, 30), dt.date(2023, 12, 2)),
    query=st.sampled_from(["", "show", "light", "ruffalo", "casa", "levy", "zz"]),
)


@settings(max_examples=100, deadline=None)
@given(small_filters)
def test_mask_agrees_with_the_reference_model(release_filter):
    expected = [row["release_id"] for row in ROWS if reference(release_filter, row)]
    assert selected(release_filter) == expected
    assert selected(release_filter, chunked()) == expected


def test_mask_is_a_boolean_without_nulls():
    mask = ReleaseFilter(start=NOV_1, query="show").mask(table())
    assert mask.type == pa.bool_()
    assert mask.null_count == 0
    assert pc.sum(mask).as_py() == 2


def test_a_link_full_of_bad_follow_values_gets_a_few_notices_not_thousands():
    from calendar_data.filters import MAX_NOTICES, parse_title_ids

    ids, notices = parse_title_ids([",".join(f"!{n}" for n in range(5_000)) + ",loki"])
    assert ids == ("loki",)
    assert len(notices) == MAX_NOTICES + 1
    assert notices[-1] == "Ignored 4,995 more follow values: not title ids."


def test_a_list_filter_reads_its_first_hundred_values_and_says_so():
    services = [f"Service {n}" for n in range(150)]
    release_filter, notices = ReleaseFilter.from_query_params({"service": services})
    assert release_filter.services == tuple(services[:MAX_VALUES])
    assert notices == [f"Only the first {MAX_VALUES} service values are kept."]
    # Past the cut, a value the catalog lacks is not named, but the cut is.
    _, notices = read_view({"service": [*services[:MAX_VALUES], "Nope"]}, {"service": services})
    assert notices == [f"Only the first {MAX_VALUES} service values are kept."]
    assert ReleaseFilter.from_query_params({"service": services[:MAX_VALUES]})[1] == []


def test_a_link_full_of_values_the_catalog_lacks_names_a_few_and_counts_the_rest():
    genres = [f"Nope {n}" for n in range(50)]
    _, notices = read_view({"genre": genres}, {"genre": ["Drama"]})
    assert len(notices) == MAX_NOTICES + 1
    assert notices[0] == "Ignored genre 'Nope 0': not in this catalog."
    assert notices[-1] == "Ignored 45 more genre values: not in this catalog."
    _, notices = read_view({f"x{n}": "1" for n in range(5_000)}, {})
    assert notices[-1] == "Ignored 4,995 more unknown parameters."
    _, notices = ReleaseFilter.from_query_params({"type": [f"t{n}" for n in range(9)]})
    assert notices[-1] == "Ignored 4 more unknown release types."


@pytest.mark.parametrize(
    "pasted", ["ruffalo\u200b", "\u200bruffalo", "ruf\u202efalo", "\x00ruffalo"]
)
def test_a_search_holding_invisible_characters_matches_what_it_shows(pasted):
    """A search pasted with a zero-width space (or a control character) is shown without it;
    it matches as shown."""
    release_filter, _ = ReleaseFilter.from_query_params({"q": pasted})
    assert release_filter.query == "ruffalo"


def test_a_repeated_parameter_whose_last_value_is_empty_is_said_so():
    """``?q=multi&q=`` was said as "only the last, '', is read"."""
    notices = repeated_param_notices({"q": ["multi", ""], "view": ["week", "agenda"]})
    assert notices == {
        "q": "The link gives q more than once; only the last, which is empty, is read.",
        "view": "The link gives view more than once; only the last, 'agenda', is read.",
    }
