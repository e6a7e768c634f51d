"""The TMDB importer, through the real httpx client: answered in-process by an
``httpx.MockTransport`` replaying tests/fixtures/tmdb (see its README), and once by a local
HTTP server the test starts. Discover requests without a fixture get TMDB's empty page;
anything else unknown gets TMDB's 404.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyarrow as pa
import pytest
from http_standin import Reply, standin

from calendar_data import cli
from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.changes import change_log_path
from calendar_data.importers import tmdb
from calendar_data.importers.merge import (
    FIELD_PRIORITY,
    merge_releases,
    title_keys,
    unify_titles,
)
from calendar_data.importers.tmdb import ImportFailed, changed_ids, fetch_tmdb_releases, import_tmdb
from calendar_data.importers.tmdb_client import (
    HOW_TO_GET_A_KEY,
    Credentials,
    MissingCredentials,
    TmdbClient,
    TmdbError,
    UnusableResponse,
)
from calendar_data.importers.tmdb_parse import Provider, parse_film, parse_show
from calendar_data.importers.tmdb_releases import PROVIDER_SERVICES, service_name
from calendar_data.regions import iso_region
from calendar_data.schema import SCHEMA

FIXTURES = Path(__file__).parent / "fixtures" / "tmdb"
KEY = "0123456789abcdef0123456789abcdef"
TMDB_API = "https://api.themoviedb.org/3"
FILMS_START, SHOWS_START, DROP_DAY = dt.date(2024, 5, 1), dt.date(2023, 9, 26), dt.date(2021, 9, 17)
GODZILLA_US, GODZILLA_JP = "tmdb-movie-940721-netflix-us", "tmdb-movie-940721-prime-video-jp"


# --------------------------------------------------------------------------- fake TMDB


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_name(path: str, query: dict[str, str]) -> str | None:
    parts = path.strip("/").split("/")
    if parts[0] == "discover":
        region = query.get("region") or query.get("watch_region")
        first = query.get("release_date.gte") or query.get("air_date.gte")
        return f"discover-{parts[1]}-{region}-{first}.json"
    if parts[-1] == "changes":
        return f"{parts[0]}-changes.json"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}.json"
    if len(parts) == 4 and parts[2] == "season":
        return f"tv-{parts[1]}-season-{parts[3]}.json"
    return None


class FakeTmdb:
    """Replays the fixtures; ``script`` queues one-off replies for a path, ``serve`` replaces
    an answer, ``pages`` changes how many pages a discover window reports."""

    def __init__(self) -> None:
        self.scripted: dict[str, list[Reply]] = {}
        self.replaced: dict[str, Callable[[dict], Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.auth: list[str] = []

    def script(self, path: str, *replies: Reply) -> None:
        self.scripted.setdefault(path, []).extend(replies)

    def serve(self, path: str, answer: object | Callable[[dict], object]) -> None:
        make = answer if callable(answer) else (lambda query: answer)
        self.replaced[path] = lambda query: Reply(body=json.dumps(make(query)).encode())

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def reply(self, path: str, query: dict[str, str], authorization: str | None) -> Reply:
        path = path.removeprefix("/3")
        self.requests.append((path, query))
        self.auth.append(authorization or f"api_key={query.get('api_key')}")
        if query.get("api_key") != KEY and authorization != f"Bearer {KEY}":
            return Reply(401, fixture("error-401.json"))
        if self.scripted.get(path):
            return self.scripted[path].pop(0)
        if path in self.replaced:
            return self.replaced[path](query)
        name = fixture_name(path, query)
        if name and (FIXTURES / name).exists():
            return Reply(body=fixture(name))
        if path.startswith("/discover/"):
            return Reply(body=fixture("discover-empty.json"))
        return Reply(404, fixture("error-404.json"))


@pytest.fixture
def fake() -> FakeTmdb:
    return FakeTmdb()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def mock_client(fake: FakeTmdb, sleeps: list[float], **options) -> TmdbClient:
    def handle(request: httpx.Request) -> httpx.Response:
        query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        reply = fake.reply(request.url.path, query, request.headers.get("Authorization"))
        return httpx.Response(reply.status, content=reply.body, headers=reply.headers)

    options = {"credentials": Credentials(api_key=KEY), **options}
    seconds = itertools.count()  # a clock a second ahead at each look: pacing never waits
    return TmdbClient(
        base_url=TMDB_API,
        rate=1000,
        sleep=sleeps.append,
        clock=lambda: float(next(seconds)),
        backoff=0.5,
        transport=httpx.MockTransport(handle),
        **options,
    )


@pytest.fixture
def client(fake, sleeps):
    with mock_client(fake, sleeps) as api:
        yield api


def run_import(client, regions, start, days, **options):
    return import_tmdb(regions, start, days, client=client, quiet=True, **options)


def rows_by_id(path) -> dict[str, dict]:
    return {row["release_id"]: row for row in load_catalog(path).table.to_pylist()}


# --------------------------------------------------------------------------- films


def test_a_film_is_dated_on_each_service_as_its_note_says():
    """A rental date before the subscription service's own: the service gets the date whose
    note names it, whichever day the window starts on (a synthetic film)."""
    body = {
        "id": 1,
        "title": "A Synthetic Film",
        "release_dates": {
            "results": [
                {
                    "iso_3166_1": "US",
                    "release_dates": [
                        {"type": 4, "note": "", "release_date": "2024-05-03T00:00:00.000Z"},
                        {"type": 4, "note": "Netflix", "release_date": "2024-05-24T00:00:00.000Z"},
                    ],
                }
            ]
        },
        "watch/providers": {
            "results": {"US": {"flatrate": [{"provider_id": 8, "provider_name": "Netflix"}]}}
        },
    }
    film, report = parse_film(body), tmdb.FetchReport()
    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    for start, end, days in [(1, 31, [24]), (1, 10, []), (20, 31, [24])]:
        scope = tmdb._Scope(dt.date(2024, 5, start), dt.date(2024, 5, end), set(), now)
        rows = tmdb._film_rows(film, "US", scope, report)
        assert [r["release_date"] for r in rows] == [dt.date(2024, 5, day) for day in days]


def test_a_film_in_two_regions_gets_each_regions_date_and_service(client, fake, tmp_path):
    out = tmp_path / "tmdb.parquet"
    summary = run_import(client, ["US", "JP"], FILMS_START, 35, out=out)

    rows = rows_by_id(out)
    assert set(rows) == {GODZILLA_US, GODZILLA_JP}
    us, jp = rows[GODZILLA_US], rows[GODZILLA_JP]
    assert (us["region"], us["release_date"], us["service"]) == (
        "US",
        dt.date(2024, 6, 1),
        "Netflix",
    )
    assert (jp["region"], jp["release_date"], jp["service"]) == (
        "JP",
        dt.date(2024, 5, 3),
        "Prime Video",
    )
    assert us["title_id"] == jp["title_id"] == "tmdb-movie-940721"
    assert us["title"] == "Godzilla Minus One" and us["original_title"] == "ゴジラ-1.0"
    assert us["kind"] == "movie" and us["release_type"] == "movie"
    assert us["runtime_minutes"] == 125 and us["language"] == "ja"
    assert us["genres"] == ["Science Fiction", "Horror", "Action"]
    assert (us["rating"], jp["rating"]) == ("PG-13", "G")
    assert us["cast"][0] == {"name": "Ryunosuke Kamiki", "character": "Koichi Shikishima"}
    assert us["crew"] == [
        {"name": "Takashi Yamazaki", "role": "director"},
        {"name": "Takashi Yamazaki", "role": "writer"},
    ]
    assert us["image_url"] == "https://image.tmdb.org/t/p/w342/hkxxMIGaiCTmrEArK7J56JTKUlB.jpg"
    assert us["source"] == "TMDB" and us["source_url"] == "https://www.themoviedb.org/movie/940721"
    assert us["homepage_url"] == "https://tickets.godzilla.com"

    # Spenser Confidential is listed for Japan but has no digital date there.
    assert summary.report.skipped == 1
    assert "film 581600 (Spenser Confidential) in JP: no digital or TV date" in summary.warnings[0]
    assert (summary.report.films, summary.report.shows) == (2, 0)
    # Two discover lists per region (no TV shows), then each film once.
    assert summary.report.requests == len(fake.requests) == 6
    assert fake.paths().count("/movie/940721") == 1


def test_discover_asks_for_digital_and_tv_dates_in_the_window(client, fake, tmp_path):
    run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")

    films = dict(fake.requests)["/discover/movie"]
    assert films["region"] == "US" and films["with_release_type"] == "4|6"
    assert (films["release_date.gte"], films["release_date.lte"]) == ("2024-05-01", "2024-06-04")
    shows = dict(fake.requests)["/discover/tv"]
    assert (shows["air_date.gte"], shows["air_date.lte"]) == ("2024-05-01", "2024-06-04")
    assert shows["watch_region"] == "US"
    details = dict(fake.requests)["/movie/940721"]
    assert details["append_to_response"] == "release_dates,watch/providers,credits,external_ids"


def test_a_provider_missing_from_the_map_keeps_tmdbs_name(client, tmp_path):
    out = tmp_path / "t.parquet"
    summary = run_import(client, ["GB"], dt.date(2023, 1, 1), 14, out=out)
    assert summary.warnings == [
        "TMDB provider 11 (MUBI) is not in PROVIDER_SERVICES; its releases keep TMDB's name"
    ]

    (row,) = rows_by_id(out).values()
    assert row["title"] == "Aftersun" and row["service"] == "MUBI" and row["region"] == "GB"
    assert row["release_date"] == dt.date(2023, 1, 6)  # not the Cannes premiere
    assert row["image_url"] is None and row["rating"] == "12"
    assert 11 not in PROVIDER_SERVICES


def test_a_festival_note_is_not_a_release():
    body = json.loads(fixture("movie-965150.json"))
    body["release_dates"]["results"][1]["release_dates"].append(
        {"certification": "", "descriptors": [], "iso_639_1": "", "note": "BFI London Film "
         "Festival", "release_date": "2022-10-08T00:00:00.000Z", "type": 4}
    )  # fmt: skip
    film = parse_film(body)
    assert [r.date for r in film.releases["GB"]] == [dt.date(2023, 1, 6)]
    assert "FR" not in film.releases  # the Cannes premiere


def test_the_release_note_names_the_service_before_providers_list_it(client, fake, tmp_path):
    body = json.loads(fixture("movie-940721.json"))
    body["watch/providers"]["results"] = {}  # a snapshot of today: not on Netflix yet
    fake.serve("/movie/940721", body)
    out = tmp_path / "t.parquet"
    run_import(client, ["US"], FILMS_START, 35, out=out)
    assert rows_by_id(out)[GODZILLA_US]["service"] == "Netflix"


def test_services_filter_the_discover_lists_and_the_rows(client, fake, tmp_path):
    out = tmp_path / "t.parquet"
    run_import(client, ["US", "JP"], FILMS_START, 35, out=out, services=["prime video"])

    assert set(rows_by_id(out)) == {GODZILLA_JP}
    films = dict(fake.requests)["/discover/movie"]
    assert films["with_watch_providers"] == "9|119|2100" and films["watch_region"] == "JP"


def test_an_unknown_service_or_language_is_refused_before_any_request(client, fake, tmp_path):
    with pytest.raises(ImportFailed, match="no TMDB provider is known for Netflux; known: "):
        run_import(client, ["US"], FILMS_START, 3, out=tmp_path / "t.parquet", services=["Netflux"])
    with pytest.raises(ImportFailed, match="language 'english' is not a code like en"):
        run_import(client, ["US"], FILMS_START, 3, out=tmp_path / "t.parquet", language="english")
    assert fake.requests == [] and not (tmp_path / "t.parquet").exists()


# --------------------------------------------------------------------------- shows


def test_weekly_episodes_and_the_finale(client, fake, tmp_path):
    out = tmp_path / "t.parquet"
    summary = run_import(client, ["US"], SHOWS_START, 14, out=out)

    rows = rows_by_id(out)
    assert set(rows) == {"tmdb-tv-114461-s1e7-disney-us", "tmdb-tv-114461-s1e8-disney-us"}
    seven, finale = rows["tmdb-tv-114461-s1e7-disney-us"], rows["tmdb-tv-114461-s1e8-disney-us"]
    assert seven["release_type"] == "episode" and seven["release_date"] == SHOWS_START
    assert seven["episode_titles"] == ["Part Seven: Dreams and Madness"]
    assert finale["release_type"] == "series_finale"  # TMDB: finale, show Ended, last season
    assert finale["release_date"] == dt.date(2023, 10, 3) and finale["runtime_minutes"] == 49
    assert finale["kind"] == "limited_series" and finale["service"] == "Disney+"
    assert finale["crew"] == [{"name": "Dave Filoni", "role": "creator"}]
    assert finale["cast"][0] == {"name": "Rosario Dawson", "character": "Ahsoka Tano"}
    assert finale["genres"] == ["Sci-Fi & Fantasy", "Action & Adventure"]
    assert finale["image_url"] == "https://image.tmdb.org/t/p/w342/laCJxobHoPVaLQTKxc14Y2zV64J.jpg"
    assert finale["homepage_url"] == "https://www.disneyplus.com/series/ahsoka/pdpjs2TO4zJ4"
    assert finale["source_url"] == "https://www.themoviedb.org/tv/114461"
    # Discover films (empty page) and shows, the show, its one season.
    assert fake.paths() == ["/discover/movie", "/discover/tv", "/tv/114461", "/tv/114461/season/1"]
    assert summary.report.requests == 4 and summary.report.shows == 1


def test_a_season_on_one_date_is_one_full_drop_per_region(client, fake, tmp_path):
    out = tmp_path / "t.parquet"
    run_import(client, ["US", "GB"], DROP_DAY, 1, out=out)

    rows = rows_by_id(out)
    assert set(rows) == {"tmdb-tv-93405-s1e1-9-netflix-us", "tmdb-tv-93405-s1e1-9-netflix-gb"}
    drop = rows["tmdb-tv-93405-s1e1-9-netflix-gb"]
    assert drop["release_type"] == "full_season" and drop["episode_count"] == 9
    assert drop["episode_titles"][0] == "Red Light, Green Light"
    assert drop["episode_titles"][-1] == "One Lucky Day" and drop["runtime_minutes"] == 56
    assert drop["original_title"] == "오징어 게임" and drop["language"] == "ko"
    assert drop["crew"] == [{"name": "Hwang Dong-hyuk", "role": "creator"}]
    assert fake.paths().count("/tv/93405") == 1  # listed in both regions, fetched once


# --------------------------------------------------------------------------- failures


def test_429_waits_for_retry_after_then_succeeds(client, fake, sleeps, tmp_path):
    fake.script("/discover/movie", Reply(429, fixture("error-429.json"), {"Retry-After": "3"}))
    run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert sleeps == [3.0]
    assert fake.paths()[:2] == ["/discover/movie", "/discover/movie"]


def test_500s_are_retried_with_backoff(client, fake, sleeps, tmp_path):
    fake.script("/movie/940721", Reply(500), Reply(503))
    summary = run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert sleeps == [0.5, 1.0]
    assert summary.report.requests == 5 and GODZILLA_US in rows_by_id(tmp_path / "t.parquet")


def test_a_list_that_keeps_failing_fails_the_run_and_writes_nothing(client, fake, tmp_path):
    fake.script("/discover/tv", *[Reply(502)] * 4)
    with pytest.raises(TmdbError, match=r"shows in US from 2024-05-01 to 2024-06-04, page 1: "
                       r"server error \(HTTP 502\) after 4 attempts"):  # fmt: skip
        run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert not (tmp_path / "t.parquet").exists()


def test_an_empty_window_writes_nothing(client, tmp_path):
    with pytest.raises(ImportFailed, match="TMDB lists no releases in the 3 day"):
        run_import(client, ["GB"], FILMS_START, 3, out=tmp_path / "t.parquet")
    assert not (tmp_path / "t.parquet").exists()


def test_a_malformed_list_is_a_one_line_error(client, fake, tmp_path):
    fake.serve("/discover/movie", {"page": 1, "results": "none", "total_pages": 1})
    with pytest.raises(UnusableResponse) as error:
        run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert str(error.value) == (
        "films in US from 2024-05-01 to 2024-06-04, page 1: malformed response: "
        "the page has no results list"
    )


def test_a_malformed_title_is_skipped_with_a_warning(client, fake, tmp_path):
    fake.serve("/movie/581600", {"id": 581600, "overview": "no title"})
    summary = run_import(client, ["JP"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert set(rows_by_id(tmp_path / "t.parquet")) == {GODZILLA_JP}
    assert summary.warnings == [
        "film 581600: malformed response: the response has no title; skipped"
    ]


def test_a_runtime_list_of_the_wrong_type_is_unknown():
    show = parse_show({"id": 114461, "name": "Ahsoka", "episode_run_time": 56})
    assert show.name == "Ahsoka" and show.runtime is None


def test_a_missing_title_is_skipped_with_tmdbs_message(client, fake, tmp_path):
    fake.script("/movie/581600", Reply(404, fixture("error-404.json")))
    summary = run_import(client, ["JP"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert (
        "film 581600: HTTP 404 (The resource you requested could not be found.)"
        in (summary.warnings[0])
    )


def test_a_season_tmdb_cannot_give_skips_the_show_with_a_warning(client, fake):
    fake.script("/tv/114461/season/1", Reply(404, fixture("error-404.json")))
    report = tmdb.FetchReport()
    table = fetch_tmdb_releases(client, ["US"], SHOWS_START, 14, report=report)
    assert table.num_rows == 0 and report.skipped == 1
    assert report.warnings[0].startswith("show 114461 (Ahsoka) season 1: HTTP 404")


def test_a_window_past_the_page_cap_is_split(client, fake, tmp_path):
    def pages(query):
        days = dt.date.fromisoformat(query["release_date.lte"]) - dt.date.fromisoformat(
            query["release_date.gte"]
        )
        body = json.loads(fixture("discover-movie-US-2024-05-01.json"))
        return body | {"total_pages": 501 if days.days > 20 else 1}

    fake.serve("/discover/movie", pages)
    run_import(client, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    windows = [
        (q["release_date.gte"], q["release_date.lte"]) for p, q in fake.requests
        if p == "/discover/movie"
    ]  # fmt: skip
    assert windows == [
        ("2024-05-01", "2024-06-04"),
        ("2024-05-01", "2024-05-18"),
        ("2024-05-19", "2024-06-04"),
    ]
    assert fake.paths().count("/movie/940721") == 1


@pytest.mark.parametrize("region", ["XX", "UK", "USA", "g1"])
def test_a_region_that_is_not_iso_3166_is_refused(client, fake, region, tmp_path):
    with pytest.raises(ImportFailed, match=f"--region: '{region}' is not an ISO 3166-1 alpha-2"):
        run_import(client, [region], FILMS_START, 3, out=tmp_path / "t.parquet")
    assert fake.requests == []


def test_iso_regions():
    assert iso_region("gb") == "GB"
    with pytest.raises(ValueError, match="did you mean GB"):
        iso_region("UK")


def test_a_refused_key_says_how_to_get_one(fake, sleeps, tmp_path):
    with mock_client(fake, sleeps, credentials=Credentials(api_key="wrong")) as api:
        with pytest.raises(UnusableResponse, match="TMDB refused the credentials .*HTTP 401: "
                           "Invalid API key"):  # fmt: skip
            run_import(api, ["US"], FILMS_START, 3, out=tmp_path / "t.parquet")
    assert "wrong" not in str(fake.requests[0][0])


def test_a_read_token_goes_in_the_authorization_header(fake, sleeps, tmp_path):
    with mock_client(fake, sleeps, credentials=Credentials(read_token=KEY)) as api:
        run_import(api, ["US"], FILMS_START, 35, out=tmp_path / "t.parquet")
    assert set(fake.auth) == {f"Bearer {KEY}"}
    assert all("api_key" not in query for _, query in fake.requests)


def test_credentials_come_from_the_environment():
    assert Credentials.from_environment({"TMDB_API_KEY": KEY}).params() == {"api_key": KEY}
    token = Credentials.from_environment({"TMDB_READ_TOKEN": "t", "TMDB_API_KEY": KEY})
    assert token.headers() == {"Authorization": "Bearer t"} and token.params() == {}
    with pytest.raises(MissingCredentials, match="themoviedb.org/settings/api"):
        Credentials.from_environment({"TMDB_API_KEY": "  "})


# --------------------------------------------------------------------------- refresh hooks


def test_changed_ids_cover_the_period_in_windows_of_14_days(client, fake):
    found = changed_ids(client, "movie", dt.date(2024, 5, 1), dt.date(2024, 5, 20))
    assert found == {940721, 581600}
    assert [(q["start_date"], q["end_date"]) for _, q in fake.requests] == [
        ("2024-05-01", "2024-05-14"),
        ("2024-05-15", "2024-05-20"),
    ]
    assert changed_ids(client, "tv", dt.date(2024, 5, 20), dt.date(2024, 5, 20)) == {114461}


def test_a_rerun_reads_the_cache_and_refetches_only_stale_titles(fake, sleeps, tmp_path):
    with mock_client(fake, sleeps, cache_dir=tmp_path / "cache", today=FILMS_START) as api:
        first = fetch_tmdb_releases(api, ["US"], FILMS_START, 35)
        assert api.requests == 3
        again = fetch_tmdb_releases(api, ["US"], FILMS_START, 35)
        assert api.requests == 3 and again.num_rows == first.num_rows == 1
        changed = changed_ids(api, "movie", FILMS_START, FILMS_START)
        fetch_tmdb_releases(api, ["US"], FILMS_START, 35, stale_movies=changed)
    assert fake.paths()[3:] == ["/movie/changes", "/movie/940721"]
    assert not any(KEY in path.name for path in (tmp_path / "cache").rglob("*"))


def test_fetch_returns_a_catalog_table(client):
    table = fetch_tmdb_releases(client, ["US", "GB"], DROP_DAY, 1, ["Netflix"], "en-US")
    assert table.schema == SCHEMA and table.num_rows == 2


# --------------------------------------------------------------------------- merging


def catalog_with(path: Path, *rows: dict) -> None:
    base = {"status": "confirmed", "updated_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    table = pa.Table.from_pylist([base | row for row in rows], schema=SCHEMA)
    write_catalog(table, path, [SourceInfo("editorial sample"), SourceInfo("TVmaze")])


EDITORIAL_FINALE = {
    "release_id": "ahsoka-s1e8", "title_id": "ahsoka", "title": "Ahsoka", "kind": "series",
    "release_type": "season_finale", "season": 1, "episode_start": 8, "episode_end": 8,
    "service": "Disney+", "region": None, "release_date": dt.date(2023, 10, 3),
    "synopsis": "Former Jedi Ahsoka Tano investigates a threat to the New Republic.",
    "source": "editorial sample",
}  # fmt: skip
TVMAZE_EPISODE = {
    "release_id": "tvmaze-52043-s1e7-disney", "title_id": "tvmaze-52043", "title": "Ahsoka",
    "kind": "series", "release_type": "episode", "season": 1, "episode_start": 7,
    "episode_end": 7, "service": "Disney+", "region": None,
    "release_date": dt.date(2023, 9, 26), "synopsis": "From TVmaze.",
    "image_url": "https://static.tvmaze.com/uploads/images/medium_portrait/1.jpg",
    "source": "TVmaze",
}  # fmt: skip


def test_a_title_other_sources_describe_becomes_one_title(client, tmp_path):
    catalog = tmp_path / "c.parquet"
    catalog_with(catalog, EDITORIAL_FINALE, TVMAZE_EPISODE)
    editorial_before = rows_by_id(catalog)["ahsoka-s1e8"]
    summary = run_import(client, ["US"], SHOWS_START, 14, into=catalog)

    rows = rows_by_id(catalog)
    assert summary.added == 2 and len(rows) == 4
    assert {row["title_id"] for row in rows.values()} == {"ahsoka"}
    assert rows["ahsoka-s1e8"] == editorial_before  # editorial rows are never changed
    for release_id in ("tmdb-tv-114461-s1e8-disney-us", TVMAZE_EPISODE["release_id"]):
        row = rows[release_id]
        assert row["synopsis"] == EDITORIAL_FINALE["synopsis"]  # editorial wins
        assert row["image_url"].startswith("https://image.tmdb.org/")  # then TMDB over TVmaze
        assert row["cast"][0]["name"] == "Rosario Dawson"
        assert row["kind"] == "series"  # one title, one kind: a --kind filter keeps it whole
    # Release facts stay each row's own.
    assert rows["tmdb-tv-114461-s1e8-disney-us"]["release_type"] == "series_finale"
    sources = load_catalog(catalog).sources
    assert [s.name for s in sources] == ["editorial sample", "TVmaze", "TMDB"]

    again = run_import(client, ["US"], SHOWS_START, 14, into=catalog)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert rows_by_id(catalog) == rows


def test_titles_with_external_ids_match_on_them_only():
    imdb = {"imdb": "tt13622776"}
    assert title_keys("Ahsoka", "Disney+", 2023, imdb) & title_keys("AHSOKA!", "Disney+", 2023)
    rows = [
        {"release_id": "a", "title_id": "tmdb-tv-1", "title": "Ahsoka", "source": "TMDB"},
        {"release_id": "b", "title_id": "tvmaze-1", "title": "Ahsoka", "source": "TVmaze"},
        {"release_id": "c", "title_id": "tvmaze-2", "title": "Star Wars: Ahsoka",
         "source": "TVmaze", "synopsis": "TVmaze's"},
    ]  # fmt: skip
    common = {
        "kind": "series", "release_type": "episode", "service": "Disney+", "status": "confirmed",
        "release_date": dt.date(2023, 9, 26),
    }  # fmt: skip
    table = pa.Table.from_pylist([common | row for row in rows], schema=SCHEMA)

    by_name = {r["release_id"]: r["title_id"] for r in unify_titles(table).to_pylist()}
    assert by_name == {"a": "tvmaze-1", "b": "tvmaze-1", "c": "tvmaze-2"}
    ids = {"tmdb-tv-1": imdb, "tvmaze-1": {"imdb": "tt0000001"}, "tvmaze-2": imdb}
    by_id = {r["release_id"]: r for r in unify_titles(table, ids).to_pylist()}
    assert {k: r["title_id"] for k, r in by_id.items()} == {"a": "tvmaze-2", "b": "tvmaze-1",
                                                          "c": "tvmaze-2"}  # fmt: skip
    assert by_id["a"]["title"] == "Star Wars: Ahsoka"  # TVmaze's title, by FIELD_PRIORITY


def test_titles_in_other_scripts_match_only_their_own_name():
    """Titles in no Latin letters, with no external ids (test rows, not release facts): each
    stays itself, and the same name from two sources is one title."""
    rows = [
        {"release_id": "a", "title_id": "tvmaze-1", "title": "進撃の巨人", "source": "TVmaze"},
        {"release_id": "b", "title_id": "tmdb-tv-2", "title": "오징어 게임", "source": "TMDB"},
        {"release_id": "c", "title_id": "tmdb-tv-3", "title": "Пацаны", "source": "TMDB"},
        {"release_id": "d", "title_id": "tvmaze-4", "title": "오징어  게임", "source": "TVmaze"},
    ]
    common = {
        "kind": "series", "release_type": "episode", "service": "Netflix", "status": "confirmed",
        "release_date": dt.date(2025, 6, 27),
    }  # fmt: skip
    table = pa.Table.from_pylist([common | row for row in rows], schema=SCHEMA)
    unified = {r["release_id"]: r["title_id"] for r in unify_titles(table).to_pylist()}
    assert unified == {"a": "tvmaze-1", "b": "tvmaze-4", "c": "tmdb-tv-3", "d": "tvmaze-4"}
    assert not title_keys("!!!", "Netflix", 2025)  # no name to match on at all


def test_a_film_and_a_series_of_one_name_stay_two_titles():
    """TMDB's film and TVmaze's series of one name on one service in one year (test rows, not
    release facts): once joined, the film took the series' id and kind."""
    rows = [
        {"release_id": "a", "title_id": "tmdb-movie-1", "kind": "movie", "source": "TMDB",
         "release_type": "movie", "season": None, "episode_start": None, "episode_end": None},
        {"release_id": "b", "title_id": "tvmaze-1", "kind": "series", "source": "TVmaze"},
        {"release_id": "c", "title_id": "tmdb-tv-1", "kind": "limited_series", "source": "TMDB"},
    ]  # fmt: skip
    common = {
        "title": "Frankenstein", "release_type": "episode", "service": "Netflix",
        "status": "confirmed", "release_date": dt.date(2025, 11, 7),
    }  # fmt: skip
    table = pa.Table.from_pylist([common | row for row in rows], schema=SCHEMA)
    unified = {r["release_id"]: (r["title_id"], r["kind"]) for r in unify_titles(table).to_pylist()}
    assert unified == {
        "a": ("tmdb-movie-1", "movie"),
        "b": ("tvmaze-1", "limited_series"),  # TMDB tells a miniseries from a series
        "c": ("tvmaze-1", "limited_series"),
    }


def test_a_title_keeps_the_id_its_catalog_published_when_another_source_joins():
    """TMDB first, then TVmaze (test rows): the title's id once became TVmaze's, which broke
    the links and followed titles that name it. Into an empty catalog TVmaze's id wins."""
    common = {
        "title": "Ahsoka", "kind": "series", "release_type": "episode", "service": "Disney+",
        "status": "confirmed", "release_date": dt.date(2023, 9, 26),
    }  # fmt: skip
    tmdb = pa.Table.from_pylist(
        [common | {"release_id": "a", "title_id": "tmdb-tv-1", "source": "TMDB"}], schema=SCHEMA
    )
    tvmaze = pa.Table.from_pylist(
        [common | {"release_id": "b", "title_id": "tvmaze-1", "source": "TVmaze"}], schema=SCHEMA
    )
    merged = merge_releases(tmdb, tvmaze, "TVmaze").table
    assert set(merged["title_id"].to_pylist()) == {"tmdb-tv-1"}
    assert set(merged["title"].to_pylist()) == {"Ahsoka"}
    both = unify_titles(pa.concat_tables([tmdb, tvmaze]))
    assert set(both["title_id"].to_pylist()) == {"tvmaze-1"}


def test_the_field_priority_puts_editorial_first_everywhere():
    assert all(order[0] == "editorial sample" for order in FIELD_PRIORITY.values())
    assert FIELD_PRIORITY["synopsis"].index("TMDB") < FIELD_PRIORITY["synopsis"].index("TVmaze")


def test_provider_map():
    assert service_name(Provider(8, "Netflix")) == "Netflix"
    assert service_name(Provider(119, "Amazon Prime Video")) == "Prime Video"
    assert service_name(Provider(1899, "Max")) == service_name(Provider(384, "HBO Max")) == "Max"
    assert service_name(Provider(11, "MUBI")) == "MUBI"


# --------------------------------------------------------------------------- attribution


def test_the_catalog_carries_tmdbs_notice_and_justwatchs_credit(client, tmp_path):
    out = tmp_path / "t.parquet"
    run_import(client, ["US"], DROP_DAY, 1, out=out)
    (source,) = load_catalog(out).sources
    notice = "This product uses the TMDB API but is not endorsed or certified by TMDB."
    assert notice in source.attribution and "JustWatch" in source.attribution
    assert source.url == "https://www.themoviedb.org"


# --------------------------------------------------------------------------- command line


@pytest.fixture
def server(fake):
    """A local stand-in for TMDB replaying the fixtures over real HTTP."""

    def answer(request):
        parts = urlsplit(request.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return fake.reply(parts.path, query, request.headers.get("Authorization"))

    with standin(answer) as url:
        yield f"{url}/3"


def test_cli_imports_from_a_local_stand_in_server(server, fake, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TMDB_API_KEY", KEY)
    monkeypatch.delenv("TMDB_READ_TOKEN", raising=False)
    out = tmp_path / "c.parquet"
    code = cli.main([
        "import", "tmdb", "--region", "US", "--region", "gb", "--start", "2021-09-17",
        "--days", "1", "-o", str(out), "--base-url", server, "--rate", "40",
        "--cache-dir", str(tmp_path / "cache"), "-q",
    ])  # fmt: skip
    assert code == 0
    assert len(rows_by_id(out)) == 2
    # Films and shows for each region, then the show and its season once.
    assert len(fake.requests) == 6 and capsys.readouterr().err == ""

    code = cli.main([
        "import", "tmdb", "--region", "US", "--start", "2021-09-17", "--days", "1",
        "--into", str(out), "--base-url", server, "--cache-dir", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert code == 0 and len(fake.requests) == 6  # all from the cache
    assert "releases added 0, updated 0, moved 0, unchanged 1" in capsys.readouterr().out


def test_cli_without_a_key_says_how_to_get_one(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("TMDB_READ_TOKEN", raising=False)
    out = tmp_path / "c.parquet"
    assert cli.main(["import", "tmdb", "--region", "GB", "--days", "3", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {HOW_TO_GET_A_KEY}\n"
    assert not out.exists() and not change_log_path(out).exists()


def test_cli_malformed_response_is_one_line_and_leaves_the_catalog(
    server, fake, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("TMDB_API_KEY", KEY)
    catalog = tmp_path / "c.parquet"
    catalog_with(catalog, EDITORIAL_FINALE)
    before = catalog.read_bytes()
    fake.script("/discover/movie", Reply(200, b"<html>Service Unavailable</html>"))
    code = cli.main([
        "import", "tmdb", "--region", "US", "--start", "2021-09-17", "--days", "1",
        "--into", str(catalog), "--base-url", server, "-q",
    ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: films in US from 2021-09-17 to 2021-09-17, page 1: the response")
    assert err.count("\n") == 1 and KEY not in err
    assert catalog.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--region", "XX"), "'XX' is not an ISO 3166-1 alpha-2 region code"),
        (("--region", "UK"), "did you mean GB?"),
        (("--region", "GB", "--days", "0"), "is not a whole number from 1 to 366"),
        (("--region", "GB", "--rate", "100"), "'100' is not a rate from 0.01 to 40 a second"),
        (("--region", "GB", "--rate", "1e-300"), "'1e-300' is not a rate from 0.01 to 40"),
        (("--days", "3"), "the following arguments are required: --region"),
    ],
)
def test_cli_rejects_bad_arguments(argv, message, capsys):
    argv = ["import", "tmdb", "-o", "x.parquet", *argv]
    if "--days" not in argv:
        argv += ["--days", "3"]
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_the_key_is_never_written_to_a_cache_file_name(fake, sleeps, tmp_path):
    with mock_client(fake, sleeps, cache_dir=tmp_path) as api:
        fetch_tmdb_releases(api, ["US"], DROP_DAY, 1)
    names = [os.fspath(p) for p in tmp_path.rglob("*.json")]
    assert names and not any(KEY in name for name in names)
