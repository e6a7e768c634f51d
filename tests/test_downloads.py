"""The export links, /export.csv and /export.ics (the Browse page's buttons: test_app.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit
from xml.etree import ElementTree

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from route_client import get, get_raw
from sample import REFERENCE
from starlette.responses import Response

from calendar_data import feeds, routes
from calendar_data.catalog import load_catalog
from calendar_data.days import local_days, valid_timezone
from calendar_data.filters import MAX_NOTICES, SWAPPED_RANGE, ReleaseFilter, read_view, refusals
from calendar_data.live import DEFAULT_CATALOG
from calendar_data.mine import my_view, settings_in_link
from calendar_data.params import KNOWN_PARAMS

NETFLIX_NOVEMBER = "service=Netflix&from=2023-11-01&to=2023-11-30"


@pytest.fixture(autouse=True)
def _routes_unmounted(monkeypatch):
    """Mounting marks the routes as served for the process: undo it after each test."""
    monkeypatch.setattr(routes, "_mounted", False)


def text(response: Response) -> str:
    return response.body.decode()


def expected_ids(catalog: Path, query: str, tz: str = "UTC") -> list[str]:
    table = load_catalog(catalog).table
    release_filter, _ = ReleaseFilter.from_query_params(parse_qs(query))
    return sorted(release_filter.apply(table, local_days(table, tz))["release_id"].to_pylist())


def csv_ids(body: bytes) -> list[str]:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    return sorted(row["release_id"] for row in rows)


def test_the_csv_link_gives_the_views_rows(catalog):
    response = get(f"/export.csv?{NETFLIX_NOVEMBER}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="releases_netflix_2023-11.csv"'
    ids = csv_ids(response.body)
    assert ids == expected_ids(catalog, NETFLIX_NOVEMBER) and REFERENCE["release_id"] in ids


def test_the_ics_link_gives_the_views_events(catalog):
    response = get(f"/export.ics?{NETFLIX_NOVEMBER}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.body)
    uids = sorted(str(event["UID"]) for event in calendar.walk("VEVENT"))
    assert uids == [f"{i}@calendar-data" for i in expected_ids(catalog, NETFLIX_NOVEMBER)]
    assert str(calendar["X-WR-CALNAME"]) == "Netflix · 2023-11"


def test_a_link_without_parameters_exports_the_whole_catalog(catalog):
    response = get("/export.csv")
    assert response.status_code == 200
    assert len(csv_ids(response.body)) == load_catalog(catalog).num_rows


def test_the_time_zone_decides_which_day_a_timed_release_lands_on(catalog):
    day = "from=2023-11-01&to=2023-11-01"
    honolulu = csv_ids(get(f"/export.csv?{day}&tz=Pacific/Honolulu").body)
    utc = csv_ids(get(f"/export.csv?{day}").body)
    assert REFERENCE["release_id"] in honolulu and REFERENCE["release_id"] not in utc
    assert honolulu == expected_ids(catalog, day, "Pacific/Honolulu")


def test_the_dashboards_own_parameters_are_accepted(catalog):
    response = get(f"/export.csv?{NETFLIX_NOVEMBER}&view=week&date=2023-11-02&id=x")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("service=Nowhere%2B", "Ignored service 'Nowhere+': not in this catalog."),
        ("from=2023-13-45", "Ignored from='2023-13-45': not a date"),
        ("type=trailer", "Ignored unknown release type 'trailer'."),
        ("colour=red", "Ignored unknown parameter 'colour'."),
        ("tz=Mars/Olympus", "Ignored tz='Mars/Olympus': not a known time zone."),
        ("tz=localtime", "Ignored tz='localtime': not a known time zone."),  # the server's
        ("tz=europe/london", "not a known time zone. Did you mean 'Europe/London'?"),
        ("service=%3Cscript%3Ealert(1)%3C/script%3E", "'<script>alert(1)</script>'"),
    ],
)
def test_a_link_the_view_would_read_differently_is_refused_by_name(catalog, query, named):
    response = get(f"/export.csv?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert text(response).startswith("Export refused")
    assert named in text(response)
    assert "Traceback" not in text(response)


def test_a_link_naming_more_services_than_a_view_reads_is_refused():
    """A view reads the first 100 values of a list filter: a link naming more is refused,
    whatever the values after the hundredth are."""
    query = urlencode([("service", "Netflix")] + [("service", f"Svc{n}") for n in range(100)])
    response = get(f"/export.csv?{query}")
    assert response.status_code == 400
    assert "- Only the first 100 service values are kept." in text(response)
    assert len(text(response).splitlines()) == 1 + MAX_NOTICES + 2  # counted, not listed


@pytest.mark.parametrize("fmt", sorted({**routes.EXPORT_PATHS, **routes.FEED_PATHS}))
def test_a_backwards_range_is_served_swapped_as_the_page_shows_it(catalog, fmt):
    path = {**routes.EXPORT_PATHS, **routes.FEED_PATHS}[fmt]
    backwards = get(f"{path}?service=Netflix&from=2023-11-30&to=2023-11-01")
    assert backwards.status_code == 200, text(backwards)
    forwards = get(f"{path}?{NETFLIX_NOVEMBER}")
    assert rows_of(fmt, backwards.body) == rows_of(fmt, forwards.body) != []


def test_a_backwards_range_does_not_excuse_what_is_refused(catalog):
    response = get("/export.csv?service=Nowhere&from=2023-11-30&to=2023-11-01")
    assert response.status_code == 400
    assert text(response).splitlines()[1:] == ["- Ignored service 'Nowhere': not in this catalog."]
    assert SWAPPED_RANGE not in text(response)


def test_a_feed_link_of_bytes_that_are_not_utf8_names_itself_percent_encoded(catalog):
    response = get_raw(routes.FEED_PATHS["atom"], b"q=%C3%A9&q=\xff\xfe")
    assert response.status_code == 200, text(response)
    links = ElementTree.fromstring(response.body).iter(f"{{{feeds.ATOM}}}link")
    self_link = next(link.get("href") for link in links if link.get("rel") == "self")
    assert self_link == "http://calendar.test/feed.atom?q=%C3%A9&q=%FF%FE"


def test_a_broken_catalog_is_named_not_a_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "catalog.parquet"
    broken.write_text("release_id,title\n1,Not parquet\n")
    monkeypatch.setenv("CALENDAR_CATALOG", str(broken))
    response = get("/export.ics")
    assert response.status_code == 503
    assert "could not be loaded" in text(response) and "not a Parquet file" in text(response)
    # Named by its file's name: a client of the links learns why, not where the server keeps it.
    assert "catalog.parquet" in text(response) and str(tmp_path) not in text(response)


def rows_of_link(query: str, language: str | None = None) -> list[str]:
    response = get(f"/export.csv?{query}", language)
    assert response.status_code == 200, text(response)
    return csv_ids(response.body)


def test_a_page_link_with_my_services_on_exports_the_rows_the_page_shows(catalog):
    """Mine's parameters narrow an export as they narrow the page: a page's URL pasted onto
    an export route gives the page's rows."""
    netflix = rows_of_link("service=Netflix")
    assert rows_of_link("mine=true&my_service=Netflix&my_service=Hulu") == sorted(
        netflix + rows_of_link("service=Hulu")
    )
    assert rows_of_link("mine=TRUE&my_service=Netflix") == netflix
    assert rows_of_link("mine=true&my_service=netflix") == netflix  # any case, as service=
    everything = rows_of_link("")
    assert rows_of_link("mine=false&my_service=Netflix") == everything != netflix
    assert rows_of_link("my_service=Netflix") == everything  # the switch is off


def test_a_filter_outside_my_services_exports_the_filters_choice_as_the_page_shows(catalog):
    assert rows_of_link("service=Hulu&mine=true&my_service=Netflix") == rows_of_link("service=Hulu")


def test_my_region_is_the_links_else_the_browsers_languages_as_on_the_page(monkeypatch):
    monkeypatch.setenv("CALENDAR_CATALOG", str(DEFAULT_CATALOG))  # the sample has no regions
    britain, everything = rows_of_link("region=GB"), rows_of_link("")
    assert len(britain) < len(everything)
    assert rows_of_link("mine=true&my_region=GB") == britain
    assert rows_of_link("mine=true", "en-GB,en;q=0.9") == britain
    assert rows_of_link("mine=true&my_region=US", "en-GB") == rows_of_link("region=US") != britain
    assert rows_of_link("mine=true", "en") == everything  # a language alone names no country


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("mine=true&my_service=Nowhere", "Ignored my service 'Nowhere': not in this catalog."),
        ("my_region=XX", "Ignored my region 'XX': not a country code (ISO 3166-1, e.g. GB)."),
        ("mine=yes", "Ignored mine='yes': use true or false."),
        ("followed=1", "Ignored followed='1': use true or false."),
    ],
)
def test_a_setting_the_page_would_ignore_is_refused_by_name(catalog, query, named):
    response = get(f"/export.csv?{query}")
    assert response.status_code == 400
    assert text(response).splitlines()[1:] == [f"- {named}"]


def test_an_export_url_reads_back_as_its_view(catalog):
    live_values = {"service": {"Netflix"}, "genre": {"Drama"}, "kind": set(), "type": set()}
    release_filter = ReleaseFilter(
        services=("Netflix",), genres=("Drama",), query="light & dark", start=None
    )
    url = routes.export_url("ics", release_filter, "Europe/Paris")
    path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
    assert path == "/export.ics" and query["tz"] == ["Europe/Paris"]
    assert read_view(query, {**live_values, "region": set()}) == (release_filter, [])
    assert routes.export_url("csv", ReleaseFilter(), "UTC") == "/export.csv"


# --------------------------------------------------------------------------- fuzzed links

#: The values each filter of the sample catalog can take (``LiveCatalog.known_values``).
SAMPLE_OPTIONS = {
    "service": {"Netflix", "Max", "Hulu", "Disney+"},
    "genre": {"Drama", "Comedy", "War"},
    "kind": {"series", "movie", "limited_series"},
    "type": {"episode", "full_drop", "movie"},
    "region": set(),
}
#: Values a link's parameters may carry: likely ones (mostly the sample catalog's own), and
#: anything else (unicode, blanks, huge numbers, impossible dates, 5,000 characters).
LIKELY_VALUES = {
    "service": ["Netflix", "Max", "Hulu", "Disney+"],
    "genre": ["Drama", "Comedy", "War"],
    "kind": ["series", "movie", "limited_series"],
    "type": ["episode", "full_drop", "movie"],
    "from": ["2023-11-01", "2023-11-20"],
    "to": ["2023-11-20", "2023-12-31"],
    "q": ["test", "light", "show 2"],
    "tz": ["UTC", "Pacific/Honolulu", "Asia/Tokyo"],
    "view": ["month", "week", "agenda"],
    "date": ["2023-11-01"],
    "id": [REFERENCE["title_id"]],
    "region": ["US"],
    "mine": ["true", "false", "TRUE"],
    "my_service": ["Netflix", "Hulu"],
    "my_region": ["US", "GB"],
    "followed": ["true"],
}
ODD_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "9" * 400,
            "-1",
            "1e999",
            "NaN",
            "99999-01-01",
            "0000-00-00",
            "2023-02-30",
            "2023-W44-4",
            "../../etc/passwd",
            "Mars/Olympus",
            "x" * 5_000,
            "<script>alert(1)</script>",
            "Netflix\x00",
            "ñetflix",
            "🎬",
            "premiere",
        ]
    ),
)
PARAMETERS = st.one_of(
    st.sampled_from(sorted(LIKELY_VALUES)).flatmap(
        lambda key: st.tuples(st.just(key), st.sampled_from(LIKELY_VALUES[key]) | ODD_VALUES)
    ),
    st.tuples(st.text(min_size=1, max_size=12) | st.sampled_from(["SERVICE", "a[]"]), ODD_VALUES),
)
#: Bytes a query string should not hold: bad escapes, bytes that are not UTF-8, stray
#: separators.
JUNK = st.sampled_from([b"", b"&&", b"=x", b"service", b"q=%", b"q=%zz", b"q=%ff%fe", b"q=\xff"])
FUZZ_LINKS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    # The catalog fixture is the same file for every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def queries(draw) -> bytes:
    """A query string of a few parameters, repeated (one alone up to 150 times), maybe with
    junk after them."""
    pairs = draw(st.lists(PARAMETERS, max_size=6))
    pairs *= draw(st.integers(1, 150 if len(pairs) == 1 else 3))
    query = urlencode(pairs).encode()
    return b"&".join(part for part in (query, draw(JUNK)) if part)


#: Every link a view offers: the downloads and the feeds.
ROUTES = {**routes.EXPORT_PATHS, **routes.FEED_PATHS}


def rows_of(fmt: str, body: bytes) -> list[str]:
    """The releases an answer holds: release ids, or the feed's entry ids."""
    if fmt == "csv":
        return csv_ids(body)
    if fmt == "json":
        return sorted(row["release_id"] for row in json.loads(body))
    if fmt == "atom":
        entries = ElementTree.fromstring(body).iter(f"{{{feeds.ATOM}}}entry")
        return sorted(entry.findtext(f"{{{feeds.ATOM}}}id") for entry in entries)
    uids = (str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT"))
    return sorted(uid.removesuffix("@calendar-data") for uid in uids)


def rows_for(catalog: Path, release_filter: ReleaseFilter, tz: str, fmt: str) -> list[str]:
    """What :func:`rows_of` finds in the view's answer: an iCalendar export leaves the undated
    releases out, and a feed has an entry per release (the sample keeps no change log)."""
    table = load_catalog(catalog).table
    table = release_filter.apply(table, local_days(table, tz))
    if fmt == "ics":
        table = table.filter(pc.is_valid(table["release_date"]))
    ids = table["release_id"].to_pylist()
    return sorted(feeds.release_entry_id(i) for i in ids) if fmt == "atom" else sorted(ids)


@settings(FUZZ_LINKS, max_examples=150)
@given(fmt=st.sampled_from(sorted(ROUTES)), query=queries())
def test_any_link_gives_its_rows_or_names_what_it_refuses(catalog, fmt, query):
    """200 with the rows of the view the link describes, or 400 naming every part the
    dashboard would ignore; never an error (a 500)."""
    response = get_raw(ROUTES[fmt], query)
    event(f"answered {response.status_code}")
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        params.setdefault(key, []).append(value)
    release_filter, notices = read_view(params, SAMPLE_OPTIONS)
    settings, more = settings_in_link(params, SAMPLE_OPTIONS["service"])
    notices = refusals(notices + more)
    if not notices:
        assert response.status_code == 200, text(response)
        tz = valid_timezone((params.get("tz") or [None])[-1]) or "UTC"
        mine = my_view(release_filter, settings)[0]
        assert rows_of(fmt, response.body) == rows_for(catalog, mine, tz, fmt)
        return
    assert response.status_code == 400, text(response)
    assert text(response).startswith("Export refused")
    unknown = [key for key in params if key not in KNOWN_PARAMS]
    for key in unknown[:MAX_NOTICES]:  # the rest are counted
        assert repr(key if len(key) <= 40 else key[:40] + "…") in text(response)
    assert text(response).splitlines()[1:] == [f"- {notice}" for notice in notices]


@settings(FUZZ_LINKS, max_examples=40)
@given(
    fmt=st.sampled_from(sorted(ROUTES)),
    chosen=st.fixed_dictionaries(
        {
            key: st.lists(st.sampled_from(LIKELY_VALUES[key]), max_size=3, unique=True)
            for key in ("service", "genre", "kind", "type")
        }
    ),
    span=st.tuples(st.sampled_from(LIKELY_VALUES["from"]), st.sampled_from(LIKELY_VALUES["to"])),
    query=st.sampled_from(["", *LIKELY_VALUES["q"]]),
    tz=st.sampled_from(LIKELY_VALUES["tz"]),
)
def test_a_link_of_the_catalogs_own_values_exports_its_rows(catalog, fmt, chosen, span, query, tz):
    pairs = [(key, value) for key, values in chosen.items() for value in values]
    pairs += [("from", span[0]), ("to", span[1]), ("q", query), ("tz", tz)]
    response = get(f"{ROUTES[fmt]}?{urlencode(pairs)}")
    assert response.status_code == 200, text(response)
    release_filter = ReleaseFilter(
        services=tuple(chosen["service"]),
        genres=tuple(chosen["genre"]),
        kinds=tuple(chosen["kind"]),
        types=tuple(chosen["type"]),
        start=dt.date.fromisoformat(span[0]),
        end=dt.date.fromisoformat(span[1]),
        query=query,
    )
    assert rows_of(fmt, response.body) == rows_for(catalog, release_filter, tz, fmt)
