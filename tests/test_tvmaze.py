"""The TVmaze importer, run for real against a local HTTP server serving recorded-shape fixtures.

Fixtures in tests/fixtures/tvmaze follow TVmaze's documented shapes; their shows are synthetic
(see its README). Schedule days without a fixture are empty lists (as TVmaze answers for a
quiet day); shows without one are 404s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pyarrow as pa
import pytest
from http_standin import Reply, standin

from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.importers import tvmaze
from calendar_data.importers.http import USER_AGENT
from calendar_data.importers.tvmaze import ImportFailed, import_tvmaze
from calendar_data.importers.tvmaze_client import TvmazeClient, TvmazeError, UnusableResponse
from calendar_data.importers.tvmaze_parse import (
    Airing,
    Channel,
    crew_role,
    language_code,
    plain_text,
)
from calendar_data.importers.tvmaze_releases import release_id
from calendar_data.refresh_lock import refresh_lock
from calendar_data.schema import SCHEMA

FIXTURES = Path(__file__).parent / "fixtures" / "tvmaze"
WED, THU, NEXT_WED = dt.date(2025, 3, 5), dt.date(2025, 3, 6), dt.date(2025, 3, 12)
GLASS, HARBOUR_PREMIERE, HARBOUR_FINALE = (
    "tvmaze-101-s2e1-8-netflix",
    "tvmaze-202-s1e1-2-apple-tv",
    "tvmaze-202-s1e3-apple-tv",
)
NIGHT_DESK, LEDGER, STANDUP = (
    "tvmaze-303-s4e5-crave-ca",
    "tvmaze-404-s1e4-nbc-us",
    "tvmaze-505-special-5001-netflix",
)
THU_WEB = "/schedule/web?date=2025-03-06"


# --------------------------------------------------------------------------- fake TVmaze


def canonical(target: str) -> str:
    """Path and sorted query, so tests need not know the client's parameter order."""
    parts = urlsplit(target)
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + (f"?{urlencode(query)}" if query else "")


def fixture_name(path: str, query: dict[str, str]) -> str:
    if path == "/schedule/web":
        country = query.get("country")
        region = "" if country is None else f"{country or 'world'}-"
        return f"schedule-web-{region}{query['date']}.json"
    if path == "/schedule":
        return f"schedule-{query['country']}-{query['date']}.json"
    if path == "/updates/shows":
        return f"updates-shows-{query['since']}.json"
    return "show-" + "-".join(path.strip("/").split("/")[1:]) + ".json"


class FakeTvmaze:
    """Serves the fixtures; ``script`` queues one-off replies, ``serve`` replaces a fixture."""

    def __init__(self) -> None:
        self.scripted: dict[str, list[Reply]] = {}
        self.replaced: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.url = ""

    def script(self, target: str, *replies: Reply) -> None:
        self.scripted.setdefault(canonical(target), []).extend(replies)

    def serve(self, target: str, body: object) -> None:
        self.replaced[canonical(target)] = json.dumps(body).encode()

    def reply(self, target: str) -> Reply:
        key = canonical(target)
        self.requests.append(key)
        if self.scripted.get(key):
            return self.scripted[key].pop(0)
        if key in self.replaced:
            return Reply(body=self.replaced[key])
        parts = urlsplit(target)
        file = FIXTURES / fixture_name(parts.path, dict(parse_qsl(parts.query, True)))
        if file.exists():
            return Reply(body=file.read_bytes())
        if parts.path.startswith("/schedule"):
            return Reply(body=b"[]")
        return Reply(404, b'{"name":"Not Found","status":404}')


@pytest.fixture
def server():
    fake = FakeTvmaze()

    def answer(request):
        fake.user_agents.add(request.headers.get("User-Agent", ""))
        return fake.reply(request.path)

    with standin(answer) as url:
        fake.url = url
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(server, sleeps):
    """A real client that records its waits instead of waiting."""
    with TvmazeClient(server.url, rate=1000, sleep=sleeps.append, backoff=0.5, timeout=2.0) as api:
        yield api


def run_import(client, start, days, **options):
    return import_tvmaze(start, days, client=client, quiet=True, **options)


def rows_by_id(path) -> dict[str, dict]:
    return {row["release_id"]: row for row in load_catalog(path).table.to_pylist()}


def editorial_catalog(path: Path) -> dict:
    """A catalog holding one row from another source; returns that row."""
    row = {
        "release_id": "editorial-1",
        "title_id": "ed-1",
        "title": "A Film",
        "kind": "movie",
        "release_type": "movie",
        "service": "Netflix",
        "status": "confirmed",
        "source": "editorial sample",
        "release_date": dt.date(2025, 3, 6),
        "genres": ["Drama"],
        "updated_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    }
    write_catalog(
        pa.Table.from_pylist([row], schema=SCHEMA), path, [SourceInfo("editorial sample")]
    )
    return load_catalog(path).table.to_pylist()[0]


# --------------------------------------------------------------------------- rows


def test_import_builds_one_row_per_release(client, server, tmp_path):
    out = tmp_path / "tvmaze.parquet"
    summary = run_import(client, WED, 2, out=out)

    rows = rows_by_id(out)
    assert set(rows) == {HARBOUR_PREMIERE, STANDUP, GLASS, NIGHT_DESK}
    assert (summary.days, summary.added, summary.skipped) == (2, 4, 3)
    assert summary.requests == len(server.requests) == 2 + 4 * 3
    assert server.user_agents == {USER_AGENT}

    glass = rows[GLASS]  # worldwide full-season drop, no airtime
    assert glass["kind"] == "series" and glass["release_type"] == "full_season"
    assert (glass["season"], glass["episode_start"], glass["episode_end"]) == (2, 1, 8)
    assert glass["episode_count"] == 8 and len(glass["episode_titles"]) == 8
    assert glass["episode_titles"][0] == "The Cataloguer"
    assert glass["runtime_minutes"] == 62
    assert glass["release_date"] == THU
    assert glass["release_at"] is None and glass["release_tz"] is None  # never the placeholder
    assert glass["service"] == "Netflix" and glass["region"] is None
    assert glass["title"] == "The Glass Archive" and glass["title_id"] == "tvmaze-101"
    assert glass["genres"] == ["Drama", "Mystery"] and glass["language"] == "en"
    assert glass["synopsis"] == (
        "The Glass Archive follows an archivist & a thief through a museum's locked wing.\n"
        'Season two: the "east vault".'
    )
    assert glass["cast"] == [
        {"name": "Mara Quist", "character": "Ilse Brandt"},
        {"name": "Tomas Reyes", "character": "Felix"},
    ]
    assert glass["crew"] == [
        {"name": "Ana Ruiz", "role": "creator"},
        {"name": "Ana Ruiz", "role": "executive producer"},
        {"name": "Ben Cole", "role": "executive producer"},
    ]
    # The medium poster (210x295) is sized for cards; the original can be megabytes.
    assert glass["image_url"] == (
        "https://static.tvmaze.com/uploads/images/medium_portrait/1/101.jpg"
    )
    assert glass["homepage_url"] == "https://www.netflix.com/title/81000101"
    assert glass["source"] == "TVmaze" and glass["rating"] is None
    assert glass["source_url"] == "https://www.tvmaze.com/shows/101/the-glass-archive"
    assert glass["status"] == "confirmed" and glass["updated_at"] is not None

    premiere = rows[HARBOUR_PREMIERE]  # two episodes on premiere day
    assert premiere["release_type"] == "series_premiere"
    assert (premiere["episode_start"], premiere["episode_end"]) == (1, 2)
    assert premiere["episode_titles"] == ["Low Tide", "The Keeper"]
    assert premiere["runtime_minutes"] == 58
    assert premiere["crew"][-1] == {"name": "R. Marsh", "role": "based-on author"}

    night = rows[NIGHT_DESK]  # local channel with a country and an airtime
    assert night["release_type"] == "episode"
    assert night["service"] == "Crave" and night["region"] == "CA"
    assert night["release_date"] == THU
    assert night["release_at"] == dt.datetime(2025, 3, 7, 2, tzinfo=dt.UTC)
    assert night["release_tz"] == "America/Toronto"
    assert night["language"] == "fr"
    assert night["synopsis"] == "Night Desk follows a Montréal newsroom's graveyard shift."
    assert night["image_url"].startswith("https://static.tvmaze.com/uploads/images/medium")
    assert night["source_url"] == "https://www.tvmaze.com/episodes/4005/night-desk-4x5"
    assert night["cast"] is None and night["crew"] is None and night["homepage_url"] is None

    special = rows[STANDUP]  # null number, null image/runtime/summary, no show details
    assert special["kind"] == "special" and special["release_type"] == "episode"
    assert special["episode_start"] is None and special["episode_end"] is None
    assert special["episode_count"] == 1 and special["episode_titles"] == ["Live from Montreal"]
    assert special["runtime_minutes"] is None and special["image_url"] is None
    assert special["synopsis"] is None and special["cast"] is None

    assert load_catalog(out).sources == (tvmaze.TVMAZE,)


def test_malformed_entries_are_skipped_with_named_warnings(client, tmp_path):
    summary = run_import(client, WED, 2, out=tmp_path / "c.parquet")

    skipped = [w for w in summary.warnings if "skipped" in w]
    assert len(skipped) == summary.skipped == 3
    assert any("2025-03-05" in w and "episode 9001" in w and "no show" in w for w in skipped)
    assert any("episode 9002" in w and "'soon' is not a date" in w for w in skipped)
    assert any("not an object" in w for w in skipped)
    assert any("show 505" in w and "404" in w and "without cast" in w for w in summary.warnings)


def test_premiere_then_finale_over_two_imports(client, tmp_path):
    catalog = tmp_path / "c.parquet"
    run_import(client, WED, 1, out=catalog)
    summary = run_import(client, NEXT_WED, 1, into=catalog)

    rows = rows_by_id(catalog)
    assert summary.added == 1 and summary.unchanged == 0
    assert rows[HARBOUR_PREMIERE]["release_type"] == "series_premiere"
    finale = rows[HARBOUR_FINALE]
    assert finale["release_type"] == "season_finale"
    assert (finale["episode_start"], finale["episode_end"], finale["episode_count"]) == (3, 3, 1)
    assert finale["release_date"] == NEXT_WED


def test_a_reimport_replaces_a_release_grouped_otherwise(client, server, tmp_path):
    """Episode 2 moved a day later: the premiere day's 'E1-E2' release gave way to E1 and E2,
    where it once stayed beside them (episode 2 twice, two premieres)."""
    catalog = tmp_path / "c.parquet"
    run_import(client, WED, 2, out=catalog)
    entries = json.loads((FIXTURES / "schedule-web-2025-03-05.json").read_bytes())
    moved = {**entries[1], "airdate": "2025-03-06", "airstamp": "2025-03-06T12:00:00+00:00"}
    server.serve("/schedule/web?date=2025-03-05", [entries[0], *entries[2:]])
    thursday = json.loads((FIXTURES / "schedule-web-2025-03-06.json").read_bytes())
    server.serve(THU_WEB, [*thursday, moved])

    summary = run_import(client, WED, 2, into=catalog)
    rows = rows_by_id(catalog)
    harbour = sorted(
        (row["release_date"], row["episode_start"], row["episode_end"])
        for row in rows.values()
        if row["title_id"] == "tvmaze-202"
    )
    assert harbour == [(WED, 1, 1), (THU, 2, 2)]
    assert HARBOUR_PREMIERE not in rows and summary.removed == 1
    assert "removed 1" in summary.describe()
    assert GLASS in rows and NIGHT_DESK in rows  # other titles' releases stay


def test_broadcast_episode_with_airtime(client, server, tmp_path):
    out = tmp_path / "c.parquet"
    run_import(client, THU, 1, out=out, country="US", include_broadcast=True)

    assert "/schedule?country=US&date=2025-03-06" in server.requests
    assert "/schedule/web?country=US&date=2025-03-06" in server.requests
    ledger = rows_by_id(out)[LEDGER]
    assert ledger["service"] == "NBC" and ledger["region"] == "US"
    assert ledger["release_at"] == dt.datetime(2025, 3, 7, 1, tzinfo=dt.UTC)
    assert ledger["release_tz"] == "America/New_York" and ledger["release_date"] == THU
    assert {"name": "Lia Brandt", "role": "director"} in ledger["crew"]
    assert {"name": "No One", "role": "director"} not in ledger["crew"]  # casting director


def test_country_and_worldwide_only_select_schedules(client, server, tmp_path):
    run_import(client, THU, 1, out=tmp_path / "ca.parquet", country="CA")
    run_import(client, THU, 1, out=tmp_path / "world.parquet", worldwide_only=True)

    assert "/schedule/web?country=CA&date=2025-03-06" in server.requests
    assert "/schedule/web?country=&date=2025-03-06" in server.requests
    assert set(rows_by_id(tmp_path / "ca.parquet")) == {NIGHT_DESK}
    assert set(rows_by_id(tmp_path / "world.parquet")) == {GLASS}


# --------------------------------------------------------------------------- bad network


def test_429_waits_for_retry_after_then_succeeds(client, server, sleeps, tmp_path):
    server.script(THU_WEB, Reply(429, b"{}", {"Retry-After": "7"}))
    summary = run_import(client, THU, 1, out=tmp_path / "c.parquet")

    assert 7.0 in sleeps
    assert server.requests.count(THU_WEB) == 2
    assert GLASS in rows_by_id(tmp_path / "c.parquet") and summary.requests == 2 + 2 * 3


def test_500_and_timeout_are_retried_with_backoff(server, sleeps, tmp_path):
    server.script(THU_WEB, Reply(500, b"oops"), Reply(body=b"[]", delay=0.6))
    with TvmazeClient(server.url, rate=1000, sleep=sleeps.append, backoff=0.5, timeout=0.2) as api:
        run_import(api, THU, 1, out=tmp_path / "c.parquet")

    assert server.requests.count(THU_WEB) == 3
    assert [s for s in sleeps if s >= 0.5] == [0.5, 1.0]  # exponential backoff
    assert NIGHT_DESK in rows_by_id(tmp_path / "c.parquet")


def test_a_day_that_keeps_failing_fails_the_run_and_writes_nothing(client, server, tmp_path):
    catalog = tmp_path / "c.parquet"
    editorial_catalog(catalog)
    before = catalog.read_bytes()
    server.script(THU_WEB, *[Reply(503, b"down")] * 4)

    with pytest.raises(TvmazeError, match=r"web schedule for 2025-03-06: .*HTTP 503.* 4 attempts"):
        run_import(client, WED, 2, into=catalog)
    assert catalog.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.parquet"]


def test_a_schedule_that_is_not_json_fails_the_run_and_writes_nothing(client, server, tmp_path):
    catalog = tmp_path / "c.parquet"
    run_import(client, WED, 1, out=catalog)
    before = catalog.read_bytes()
    server.script(THU_WEB, Reply(200, b"<html>Bad Gateway</html>"))

    with pytest.raises(UnusableResponse, match="web schedule for 2025-03-06: the response is not"):
        run_import(client, WED, 2, into=catalog)
    assert catalog.read_bytes() == before


def test_a_schedule_nested_past_reason_is_a_one_line_error(client, server, tmp_path):
    server.script(THU_WEB, Reply(200, b"[" * 200_000 + b"]" * 200_000))
    with pytest.raises(UnusableResponse, match="2025-03-06: the response is not JSON .nested too"):
        run_import(client, THU, 1, out=tmp_path / "c.parquet")
    assert not (tmp_path / "c.parquet").exists()


def test_fields_of_the_wrong_type_are_read_as_unknown(client, server, tmp_path):
    """One odd field never fails a title: an episode's type as a list, genres as a number."""
    entries = json.loads((FIXTURES / "schedule-web-2025-03-05.json").read_bytes())
    entries[0]["type"] = ["regular"]
    for entry in entries[:2]:
        entry["_embedded"]["show"]["genres"] = 5
    server.serve("/schedule/web?date=2025-03-05", entries)
    run_import(client, WED, 1, out=tmp_path / "c.parquet")
    premiere = rows_by_id(tmp_path / "c.parquet")[HARBOUR_PREMIERE]
    assert premiere["genres"] is None and premiere["release_type"] == "series_premiere"


def test_a_schedule_of_the_wrong_shape_fails_the_run(client, server, tmp_path):
    server.serve(THU_WEB, {"error": "maintenance"})
    with pytest.raises(UnusableResponse, match="expected a list of episodes, got dict"):
        run_import(client, THU, 1, out=tmp_path / "c.parquet")
    assert not (tmp_path / "c.parquet").exists()


def test_retry_after_beyond_reason_gives_up_naming_the_show(client, server, tmp_path):
    server.script("/shows/303/crew", Reply(429, b"{}", {"Retry-After": "3600"}))
    with pytest.raises(TvmazeError, match=r"show 303 \(Night Desk\) crew: .*wait 3600 s"):
        run_import(client, THU, 1, out=tmp_path / "c.parquet", country="CA")


def test_requests_are_paced_to_the_rate(server):
    now, waits = [0.0], []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    with TvmazeClient(server.url, rate=2, sleep=sleep, clock=lambda: now[0]) as api:
        for _ in range(3):
            api.get_json("/schedule/web", {"date": "2025-03-12"}, what="test")
    assert waits == [0.5, 0.5]


# --------------------------------------------------------------------------- merging


def serve_night_desk_a_day_later(server) -> None:
    """The schedule as it reads once Night Desk has moved from Thursday to Friday."""
    thursday = json.loads((FIXTURES / "schedule-web-2025-03-06.json").read_text())
    night = next(e for e in thursday if isinstance(e, dict) and e["id"] == 4005)
    thursday.remove(night)
    server.serve(THU_WEB, thursday)
    server.serve(
        "/schedule/web?date=2025-03-07",
        [{**night, "airdate": "2025-03-07", "airstamp": "2025-03-08T02:00:00+00:00"}],
    )


def test_a_moved_release_keeps_its_previous_date(client, server, tmp_path):
    catalog = tmp_path / "c.parquet"
    run_import(client, THU, 1, out=catalog)
    first = rows_by_id(catalog)

    serve_night_desk_a_day_later(server)
    summary = run_import(client, THU, 2, into=catalog)

    rows = rows_by_id(catalog)
    moved = rows[NIGHT_DESK]
    assert moved["release_date"] == dt.date(2025, 3, 7)
    assert moved["previous_release_date"] == THU
    assert moved["release_at"] == dt.datetime(2025, 3, 8, 2, tzinfo=dt.UTC)
    assert (summary.moved, summary.unchanged, summary.added, summary.updated) == (1, 1, 0, 0)
    assert rows[GLASS] == first[GLASS]  # unchanged, updated_at included


def test_an_import_into_a_refreshed_catalog_keeps_its_refresh_record(client, tmp_path):
    """The record says when each source was refreshed: without it the sidebar loses its
    freshness and the next refresh starts over from nothing."""
    catalog = tmp_path / "c.parquet"
    run_import(client, THU, 1, out=catalog)
    refreshed = {"TVmaze": {"refreshed_at": "2025-03-05T12:00:00+00:00"}}
    record = {"every_hours": 6, "sources": refreshed}
    loaded = load_catalog(catalog)
    write_catalog(loaded.table, catalog, loaded.sources, refresh=record)
    run_import(client, THU, 2, into=catalog)
    assert load_catalog(catalog).refresh == record


def test_an_import_refuses_while_a_refresh_holds_the_catalog(client, tmp_path):
    """A refresh publishes the copy it read before: an import merged meanwhile would be lost."""
    catalog = tmp_path / "c.parquet"
    run_import(client, THU, 1, out=catalog)
    before = catalog.read_bytes()
    with refresh_lock(catalog), pytest.raises(ImportFailed, match="another refresh holds"):
        run_import(client, THU, 2, into=catalog)
    assert catalog.read_bytes() == before
    run_import(client, THU, 2, into=catalog)  # the lock is let go once the refresh ends


def test_an_updated_release_is_replaced_in_place(client, server, tmp_path):
    catalog = tmp_path / "c.parquet"
    run_import(client, THU, 1, out=catalog, country="CA")
    [night] = json.loads((FIXTURES / "schedule-web-CA-2025-03-06.json").read_text())
    night["_embedded"]["show"]["genres"] = ["News"]
    server.serve("/schedule/web?country=CA&date=2025-03-06", [night])

    summary = run_import(client, THU, 1, into=catalog, country="CA")

    assert (summary.updated, summary.moved, summary.added) == (1, 0, 0)
    row = rows_by_id(catalog)[NIGHT_DESK]
    assert row["genres"] == ["News"] and row["previous_release_date"] is None


def test_rows_from_other_sources_survive_a_merge(client, tmp_path):
    catalog = tmp_path / "c.parquet"
    editorial = editorial_catalog(catalog)

    summary = run_import(client, WED, 2, into=catalog)

    rows = rows_by_id(catalog)
    assert rows["editorial-1"] == editorial
    assert summary.added == 4 and len(rows) == 5
    names = [s.name for s in load_catalog(catalog).sources]
    assert names == ["editorial sample", "TVmaze"]


def test_an_id_owned_by_another_source_is_not_overwritten(client, tmp_path):
    catalog = tmp_path / "c.parquet"
    row = {**editorial_catalog(catalog), "release_id": NIGHT_DESK}
    write_catalog(pa.Table.from_pylist([row], schema=SCHEMA), catalog)

    summary = run_import(client, THU, 1, into=catalog, country="CA")

    assert rows_by_id(catalog)[NIGHT_DESK]["source"] == "editorial sample"
    assert summary.skipped == 1 and any("already comes from" in w for w in summary.warnings)


# --------------------------------------------------------------------------- cache


def test_the_cache_spares_requests_on_a_rerun(server, sleeps, tmp_path):
    def client_on(day):
        return TvmazeClient(
            server.url, rate=1000, sleep=sleeps.append, cache_dir=tmp_path / "cache", today=day
        )

    out = tmp_path / "c.parquet"
    with client_on(dt.date(2025, 3, 3)) as api:
        first = run_import(api, WED, 2, out=out)
    with client_on(dt.date(2025, 3, 3)) as api:
        same_day = run_import(api, WED, 2, out=out)
    with client_on(dt.date(2025, 3, 4)) as api:
        next_day = run_import(api, WED, 2, out=out)

    assert first.requests == 14
    assert same_day.requests == 3  # only the 404s of show 505, which are never cached
    assert next_day.requests == 2 + 3  # schedules are fresh for one day, shows for the week
    assert rows_by_id(out).keys() == {HARBOUR_PREMIERE, STANDUP, GLASS, NIGHT_DESK}


# --------------------------------------------------------------------------- options, CLI


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"days": 0, "out": "x.parquet"}, "between 1 and 62"),
        ({"days": 63, "out": "x.parquet"}, "between 1 and 62"),
        ({"days": 1}, "exactly one of"),
        ({"days": 1, "out": "a", "into": "b"}, "exactly one of"),
        ({"days": 1, "out": "x", "include_broadcast": True}, "needs --country"),
        ({"days": 1, "out": "x", "country": "CA", "worldwide_only": True}, "exclude each other"),
    ],
)
def test_bad_options_are_refused(client, options, message):
    with pytest.raises(ImportFailed, match=message):
        run_import(client, WED, **options)


def test_an_empty_window_writes_nothing(client, tmp_path):
    with pytest.raises(ImportFailed, match="no releases"):
        run_import(client, dt.date(2025, 3, 20), 2, out=tmp_path / "c.parquet")
    assert not (tmp_path / "c.parquet").exists()


def parse_cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="calendar-data import")
    tvmaze.add_parser(parser.add_subparsers(dest="source"))
    return parser.parse_args(["tvmaze", *argv])


def test_cli_imports_and_summarises(server, tmp_path, capsys):
    out = tmp_path / "c.parquet"
    args = parse_cli(
        "--start", "2025-03-05", "--days", "2", "-o", str(out),
        "--base-url", server.url, "--rate", "100", "--quiet",
    )  # fmt: skip
    assert args.func(args) == 0

    printed = capsys.readouterr()
    assert "2 day(s) fetched with 14 request(s)" in printed.out
    assert "releases added 4" in printed.out and "entries skipped 3" in printed.out
    assert "warning: web schedule for 2025-03-05: skipped entry 3" in printed.err
    assert len(rows_by_id(out)) == 4


def test_cli_failure_is_one_line_and_leaves_the_catalog(server, tmp_path, capsys):
    catalog = tmp_path / "c.parquet"
    editorial_catalog(catalog)
    before = catalog.read_bytes()
    server.script(THU_WEB, Reply(200, b"not json"))
    args = parse_cli(
        "--start", "2025-03-06", "--days", "1", "--into", str(catalog),
        "--base-url", server.url, "--rate", "100", "-q",
    )  # fmt: skip

    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: web schedule for 2025-03-06: the response is not JSON")
    assert "Traceback" not in err
    assert catalog.read_bytes() == before


def test_cli_missing_catalog_is_an_error(server, tmp_path, capsys):
    args = parse_cli("--days", "1", "--into", str(tmp_path / "nope.parquet"), "-q")
    assert args.func(args) == 1
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ("--days", "63", "-o", "x"),
        ("--days", "1", "--start", "5 March", "-o", "x"),
        ("--days", "1", "--country", "USA", "-o", "x"),
        ("--days", "1", "--rate", "0", "-o", "x"),
        ("--days", "1", "-o", "x", "--into", "y"),
        ("--days", "1", "--country", "US", "--worldwide-only", "-o", "x"),
    ],
)
def test_cli_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        parse_cli(*argv)
    assert stop.value.code == 2 and "error:" in capsys.readouterr().err


# --------------------------------------------------------------------------- values


def test_plain_text_strips_tags_and_decodes_entities():
    html = "<p>One &amp; <b>two</b>\n  three&#39;s</p><p>Next&nbsp;line<br>end</p>"
    assert plain_text(html) == "One & two three's\nNext line\nend"
    assert plain_text(None) is None and plain_text("<p> </p>") is None


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("Creator", "creator"),
        ("Series Director", "director"),
        ("Director of Photography", None),
        ("Casting Director", None),
        ("Head Writer", "writer"),
        ("Executive Producer", "executive producer"),
        ("Co-Executive Producer", None),
        ("Producer", None),
        ("Based on the novel by", "based-on author"),
        ("Comic Book by", "based-on author"),
        ("Theme Music by", None),
        (None, None),
    ],
)
def test_crew_roles(kind, role):
    assert crew_role(kind) == role


def test_language_names_become_codes_where_known():
    assert language_code("English") == "en" and language_code("Klingon") == "Klingon"
    assert language_code(None) is None


def test_release_ids_keep_the_channel_as_earlier_imports_wrote_it():
    """Ids never change across versions: a re-import merges instead of adding duplicates."""
    airing = Airing(
        show={"id": 42},
        episode_id=7,
        name=None,
        season=2,
        number=3,
        special=False,
        airdate=dt.date(2024, 1, 5),
        airstamp=None,
        runtime=None,
        url=None,
        channel=Channel("France Télévisions", "FR", None),
    )
    assert release_id([airing]) == "tvmaze-42-s2e3-france-t-l-visions-fr"
