"""``calendar-data refresh`` against the fake TVmaze of test_tvmaze.py, requests counted.

The fixtures list, on Wednesday 2025-03-05, Harbour Lights (202) and Stand-Up Hour (505); on
Thursday The Glass Archive (101) and Night Desk (303). A full refresh of those two days asks
for two schedules and three details of each of the four shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest
import tvmaze_standin
from http_standin import Reply
from test_tvmaze import (  # noqa: F401 (server is a fixture)
    FIXTURES,
    GLASS,
    HARBOUR_PREMIERE,
    NIGHT_DESK,
    STANDUP,
    THU_WEB,
    serve_night_desk_a_day_later,
    server,
)

from calendar_data import changes, feeds
from calendar_data import refresh_lock as refresh_lock_module
from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.cli import build_parser, main
from calendar_data.filters import ReleaseFilter
from calendar_data.importers.merge import EDITORIAL, unify_titles
from calendar_data.refresh import refresh_catalog
from calendar_data.refresh import run as refresh_command
from calendar_data.refresh_config import ConfigError, parse_config
from calendar_data.refresh_lock import LockHeld, lock_path, refresh_lock
from calendar_data.refresh_sources import SOURCE_OPTIONS, Plan, tvmaze_changed_titles
from calendar_data.schema import SCHEMA


@pytest.fixture
def fake(server):  # noqa: F811 (the fake TVmaze of test_tvmaze.py)
    return server


WED = dt.date(2025, 3, 5)
NOON = dt.datetime(2025, 3, 5, 12, tzinfo=dt.UTC)
UPDATES = "/updates/shows?since=day"
FULL_REQUESTS = 2 + 4 * 3


def config(fake, *, days_ahead: int = 2, extra: str = ""):
    text = f"""
days_ahead = {days_ahead}
days_behind = 7
every_hours = 6
{extra}
[sources.tvmaze]
base_url = "{fake.url}"
rate = 1000
"""
    return parse_config(text, "refresh.toml", SOURCE_OPTIONS)


def refresh(fake, catalog, *, now, today=WED, **options):
    fake.requests.clear()
    return refresh_catalog(catalog, config(fake, **options), today=today, now=now)


def updated(fake, **shows: dt.datetime) -> None:
    """TVmaze's answer to /updates/shows?since=day once ``shows`` (show_303=...) changed."""
    body = json.loads((FIXTURES / "updates-shows-day.json").read_text())
    body.update({name.split("_")[1]: int(when.timestamp()) for name, when in shows.items()})
    fake.serve(UPDATES, body)


def thursday() -> list:
    """TVmaze's recorded web schedule of Thursday 2025-03-06."""
    return json.loads((FIXTURES / "schedule-web-2025-03-06.json").read_text())


def refreshed_as_the_glass_archive_arrives(fake, catalog, after: dt.timedelta) -> None:
    """Refresh at noon with Thursday empty, then ``after`` noon once TVmaze's Thursday holds
    The Glass Archive (show 101, on Netflix), updated four minutes before."""
    fake.serve(THU_WEB, [])
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, thursday())
    updated(fake, show_101=NOON + after - dt.timedelta(minutes=4))
    refresh(fake, catalog, now=NOON + after)


def episode_spans(catalog, title_id: str) -> list[tuple[int, int]]:
    """The first and last episode of each of a title's releases in the catalog."""
    rows = load_catalog(catalog).table.to_pylist()
    return [(r["episode_start"], r["episode_end"]) for r in rows if r["title_id"] == title_id]


def ids(catalog) -> set[str]:
    return set(load_catalog(catalog).table["release_id"].to_pylist())


def log(catalog) -> list[tuple[str, str]]:
    rows = changes.read_log(changes.change_log_path(catalog)).to_pylist()
    return [(row["change"], row["release_id"]) for row in rows]


# --------------------------------------------------------------------------- incremental


def test_a_first_refresh_fetches_the_whole_window(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"

    report = refresh(fake, catalog, now=NOON)

    assert len(fake.requests) == FULL_REQUESTS
    assert UPDATES not in fake.requests  # nothing to be incremental from
    assert ids(catalog) == {GLASS, HARBOUR_PREMIERE, NIGHT_DESK, STANDUP}
    loaded = load_catalog(catalog)
    assert set(loaded.table["first_seen"].to_pylist()) == {NOON}
    state = loaded.refresh["sources"]["TVmaze"]
    assert (state["refreshed_at"], state["through"]) == (NOON.isoformat(), "2025-03-06")
    assert loaded.refresh["every_hours"] == 6
    assert [s.name for s in loaded.sources] == ["TVmaze"]
    assert report.sources[0].full and report.sources[0].requests == FULL_REQUESTS
    assert not changes.change_log_path(catalog).exists()  # the first catalog changes nothing


def test_a_refresh_minutes_later_asks_only_what_changed(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    rows = load_catalog(catalog).table.drop_columns(["updated_at"])

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert fake.requests == [UPDATES]  # no show in the catalog changed since noon
    assert load_catalog(catalog).table.drop_columns(["updated_at"]).equals(rows)
    assert not report.sources[0].full
    assert log(catalog) == []


def test_a_changed_show_is_fetched_again_and_its_move_recorded(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON, days_ahead=3)
    serve_night_desk_a_day_later(fake)
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10), days_ahead=3)

    details = [r for r in fake.requests if r.startswith("/shows/")]
    assert {r.split("/")[2].split("?")[0] for r in details} == {"303"}
    assert len(fake.requests) == 1 + 3 + 3  # updates, three schedule days, Night Desk
    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == NIGHT_DESK)
    assert (row["release_date"], row["previous_release_date"]) == (
        dt.date(2025, 3, 7),
        dt.date(2025, 3, 6),
    )
    assert row["first_seen"] == NOON  # still the same offer: Night Desk on Crave in Canada
    assert log(catalog) == [("date_moved", NIGHT_DESK)]


#: TVmaze's answer for Night Desk's episode 4x5 (/shows/303/episodebynumber): the episode
#: object its schedule embeds the show in, on its own.
NIGHT_DESK_EPISODE = "/shows/303/episodebynumber?number=5&season=4"
HARBOUR_E1 = "/shows/202/episodebynumber?number=1&season=1"
WED_WEB = "/schedule/web?date=2025-03-05"


def gone_from_wednesday(fake, episode_id: int) -> dict:
    """Serve Wednesday's recorded web schedule without an episode; return that episode as
    TVmaze gives it alone (the schedule's entry without the show it embeds)."""
    wednesday = json.loads((FIXTURES / "schedule-web-2025-03-05.json").read_text())
    gone = next(e for e in wednesday if isinstance(e, dict) and e["id"] == episode_id)
    fake.serve(WED_WEB, [e for e in wednesday if e is not gone])
    return {k: v for k, v in gone.items() if k != "_embedded"}


def night_desk_episode(**moved) -> dict:
    night = next(e for e in thursday() if isinstance(e, dict) and e["id"] == 4005)
    return {**{k: v for k, v in night.items() if k != "_embedded"}, **moved}


def test_an_episode_postponed_past_the_window_is_moved_not_removed(fake, tmp_path):
    """Night Desk goes from Thursday to the Saturday after the two-day window: it was logged
    as removed (and a departure, on the Changes page and in feeds), and left the catalog."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    saturday = {"airdate": "2025-03-08", "airstamp": "2025-03-09T02:00:00+00:00"}
    fake.serve(NIGHT_DESK_EPISODE, night_desk_episode(**saturday))
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert NIGHT_DESK_EPISODE in fake.requests
    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == NIGHT_DESK)
    assert (row["release_date"], row["previous_release_date"]) == (
        dt.date(2025, 3, 8),
        dt.date(2025, 3, 6),
    )
    assert row["release_at"] == dt.datetime(2025, 3, 9, 2, tzinfo=dt.UTC)
    assert (report.moved, report.removed) == (1, 0)
    assert log(catalog) == [("date_moved", NIGHT_DESK)]


@pytest.mark.parametrize("answer", [None, {"airdate": "2025-03-05"}])
def test_an_episode_tvmaze_no_longer_has_or_lists_is_removed(fake, tmp_path, answer):
    """Gone (404), or on a day that was fetched and does not list it (Wednesday's schedule,
    which another feed may list): removed, as before the lookup."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    if answer is not None:
        fake.serve(NIGHT_DESK_EPISODE, night_desk_episode(**answer))
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert NIGHT_DESK_EPISODE in fake.requests
    assert (report.moved, report.removed) == (0, 1)
    assert ("removed", NIGHT_DESK) in log(catalog)


@pytest.mark.parametrize("answer", [{"airdate": "2025-02-01"}, {"airdate": "9999-12-31"}])
def test_an_episode_moved_before_the_window_or_past_any_date_is_removed(fake, tmp_path, answer):
    """A day before the window said "moved" in the summary and "removed" in the log; an
    impossible one failed the refresh as a fault of the catalog file."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    fake.serve(NIGHT_DESK_EPISODE, night_desk_episode(**answer))
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert (report.moved, report.removed) == (0, 1)
    assert ("removed", NIGHT_DESK) in log(catalog)


def test_a_lookup_tvmaze_cannot_answer_keeps_the_release_and_the_rest_is_published(
    fake, tmp_path
):
    """It failed the whole refresh, which had published the window's other changes before
    the lookup existed."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    fake.script(NIGHT_DESK_EPISODE, *[Reply(503)] * 4)
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))
    later = NOON + dt.timedelta(minutes=10)

    report = refresh(fake, catalog, now=later)

    state = load_catalog(catalog).refresh["sources"]["TVmaze"]
    assert state["refreshed_at"] == later.isoformat()  # published
    assert NIGHT_DESK in ids(catalog) and report.removed == 0
    kept = f"Night Desk ({NIGHT_DESK}) kept as it was"
    assert any("episode 5" in w and w.endswith(kept) for w in report.warnings)


@pytest.mark.parametrize(
    "answer",
    [Reply(401, b'{"name":"Unauthorized","status":401}'), Reply(200, b"<html>"), None],
)
def test_a_lookup_answered_with_no_day_keeps_the_release_with_a_warning(fake, tmp_path, answer):
    """Anything but a 404 (a refusal, a page that is not JSON, an episode TVmaze no longer
    dates) removed the release silently, and logged it as leaving its service."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    if answer is None:
        fake.serve(NIGHT_DESK_EPISODE, night_desk_episode(airdate="", airstamp=None))
    else:
        fake.script(NIGHT_DESK_EPISODE, answer)
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert NIGHT_DESK in ids(catalog) and report.removed == 0
    assert any(w.endswith(f"Night Desk ({NIGHT_DESK}) kept as it was") for w in report.warnings)


def test_a_release_of_several_episodes_moves_only_when_all_of_them_did(fake, tmp_path):
    """Harbour Lights' premiere (E1-E2 on Wednesday): E1 postponed to Saturday moved the
    release there, and E2, still on Wednesday, was in the catalog twice."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    first = gone_from_wednesday(fake, 2001)
    fake.serve(HARBOUR_E1, {**first, "airdate": "2025-03-08"})
    updated(fake, show_202=NOON + dt.timedelta(minutes=5))

    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert episode_spans(catalog, "tvmaze-202") == [(2, 2)]


def test_a_release_moves_only_when_none_of_its_episodes_is_still_listed(fake, tmp_path):
    """Harbour Lights' premiere as three episodes (a synthetic E3 beside the recorded E1 and
    E2): E1 and E3 postponed to Saturday moved the release there while E2, still on
    Wednesday, came in as a release of its own, in the catalog twice."""
    wednesday = json.loads((FIXTURES / "schedule-web-2025-03-05.json").read_text())
    second = next(e for e in wednesday if isinstance(e, dict) and e["id"] == 2002)
    third = {**second, "id": 2003, "number": 3, "name": "Synthetic"}
    fake.serve(WED_WEB, [*wednesday, third])
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    assert "tvmaze-202-s1e1-3-apple-tv" in ids(catalog)
    first = gone_from_wednesday(fake, 2001)  # Wednesday lists E2 alone
    third = {k: v for k, v in third.items() if k != "_embedded"}
    for number, episode in ((1, first), (3, third)):
        path = f"/shows/202/episodebynumber?number={number}&season=1"
        fake.serve(path, {**episode, "airdate": "2025-03-08"})
    updated(fake, show_202=NOON + dt.timedelta(minutes=5))

    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    assert episode_spans(catalog, "tvmaze-202") == [(2, 2)]


def test_a_special_postponed_past_the_window_is_moved_not_removed(fake, tmp_path):
    """Stand-Up Hour's special has no episode number: it was never looked up, and removed.
    TVmaze gives it by its id (/episodes/5001, the episode object its schedule embeds)."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    special = gone_from_wednesday(fake, 5001)
    fake.serve("/episodes/5001", {**special, "airdate": "2025-03-12"})
    updated(fake, show_505=NOON + dt.timedelta(minutes=5))

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == STANDUP)
    assert (row["release_date"], report.moved, report.removed) == (dt.date(2025, 3, 12), 1, 0)


def test_a_postponement_to_a_day_without_a_time_drops_the_time_and_its_zone(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    saturday = {"airdate": "2025-03-08", "airtime": "", "airstamp": "2025-03-08T12:00:00+00:00"}
    fake.serve(NIGHT_DESK_EPISODE, night_desk_episode(**saturday))
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))

    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10))

    row = next(r for r in load_catalog(catalog).table.to_pylist() if r["release_id"] == NIGHT_DESK)
    assert (row["release_date"], row["release_at"], row["release_tz"]) == (
        dt.date(2025, 3, 8),
        None,
        None,
    )


def test_the_next_day_fetches_only_the_day_that_joined_the_window(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)

    refresh(fake, catalog, now=NOON + dt.timedelta(hours=20), today=WED + dt.timedelta(days=1))

    assert fake.requests == [UPDATES, "/schedule/web?date=2025-03-07"]


def test_other_settings_or_a_long_gap_mean_a_full_refresh(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)

    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=5), extra='services = ["Netflix"]')
    assert len(fake.requests) == 2 + 2 * 3  # Harbour Lights and Night Desk are not fetched
    assert {r.split("/")[2].split("?")[0] for r in fake.requests if r.startswith("/shows/")} == {
        "101",
        "505",
    }

    refresh(fake, catalog, now=NOON + dt.timedelta(days=40), extra='services = ["Netflix"]')
    assert UPDATES not in fake.requests and len(fake.requests) == 2 + 2 * 3


def test_services_in_another_case_or_misspelled_lose_nothing(fake, tmp_path):
    """A refresh narrowed to some services refreshes those; the releases on others are not
    its to remove, nor recorded as having left. A name no release is on is warned of."""
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON)
    before = ids(catalog)

    later = NOON + dt.timedelta(minutes=5)
    report = refresh(fake, catalog, now=later, extra='services = ["netflix", "Netflx"]')

    assert ids(catalog) == before
    assert not [change for change in log(catalog) if change[0] in ("left", "removed")]
    assert [w for w in report.warnings if "configured service" in w] == [
        "TVmaze: no release it listed is on the configured service 'Netflx' (check its "
        "spelling); its releases in the catalog were left as they are"
    ]


def test_a_release_a_source_dropped_of_a_title_merged_with_the_editorial_sample_is_removed(
    fake, tmp_path
):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON, days_ahead=3)
    loaded = load_catalog(catalog)
    night_desk = next(r for r in loaded.table.to_pylist() if r["release_id"] == NIGHT_DESK)
    editorial = {**night_desk, "release_id": "ed-night-desk-s4", "title_id": "ed-night-desk"}
    editorial["source"] = EDITORIAL
    table = pa.concat_tables([loaded.table, pa.Table.from_pylist([editorial], schema=SCHEMA)])
    merged = unify_titles(table)  # as an import of the editorial sample leaves it
    infos = [*loaded.sources, SourceInfo(EDITORIAL)]
    write_catalog(merged, catalog, infos, refresh=loaded.refresh)
    rows = load_catalog(catalog).table.to_pylist()
    assert next(r for r in rows if r["release_id"] == NIGHT_DESK)["title_id"] == "ed-night-desk"

    fake.serve(THU_WEB, [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)])
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))  # TVmaze dropped the episode

    report = refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10), days_ahead=3)

    assert NIGHT_DESK not in ids(catalog) and "ed-night-desk-s4" in ids(catalog)
    assert report.removed == 1 and ("removed", NIGHT_DESK) in log(catalog)


# --------------------------------------------------------------------------- arrivals


def test_arrivals_and_departures_are_recorded_per_title_region_and_service(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    without_night_desk = [e for e in thursday() if not (isinstance(e, dict) and e["id"] == 4005)]
    fake.serve(THU_WEB, without_night_desk)
    refresh(fake, catalog, now=NOON)
    assert NIGHT_DESK not in ids(catalog)

    arrival = NOON + dt.timedelta(hours=1)
    fake.serve(THU_WEB, thursday())
    updated(fake, show_303=arrival - dt.timedelta(minutes=1))
    refresh(fake, catalog, now=arrival)

    first_seen = {
        row["release_id"]: row["first_seen"] for row in load_catalog(catalog).table.to_pylist()
    }
    assert first_seen[NIGHT_DESK] == arrival and first_seen[GLASS] == NOON
    assert log(catalog) == [("added", NIGHT_DESK), ("arrived", NIGHT_DESK)]

    fake.serve(THU_WEB, without_night_desk)
    updated(fake, show_303=arrival + dt.timedelta(minutes=1))
    refresh(fake, catalog, now=arrival + dt.timedelta(hours=1))

    found = changes.read_log(changes.change_log_path(catalog)).to_pylist()
    assert [(r["change"], r["release_id"]) for r in found[2:]] == [
        ("removed", NIGHT_DESK),
        ("left", NIGHT_DESK),
    ]
    assert [changes.describe_change(r) for r in found if r["change"] in ("arrived", "left")] == [
        "Arrived on Crave in CA",
        "Left Crave in CA",
    ]
    assert {r["source"] for r in found} == {"refresh"}


def test_the_feed_shows_arrivals(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refreshed_as_the_glass_archive_arrives(fake, catalog, after=dt.timedelta(minutes=5))

    history = changes.read_changes(changes.change_log_path(catalog))
    xml = feeds.to_atom(
        SCHEMA.empty_table(), ReleaseFilter(), feed_url="http://x/feed.atom", changes=history
    ).decode()
    assert "Arrived on Netflix worldwide · The Glass Archive" in xml
    assert '<category term="arrived"' in xml


def test_browse_can_filter_what_arrived_since_a_day(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refreshed_as_the_glass_archive_arrives(fake, catalog, after=dt.timedelta(hours=23))

    release_filter, notices = ReleaseFilter.from_query_params({"arrived_since": "2025-03-06"})
    assert notices == [] and release_filter.to_query_params() == {"arrived_since": ["2025-03-06"]}
    found = release_filter.apply(load_catalog(catalog).table)
    assert set(found["release_id"].to_pylist()) == {GLASS, NIGHT_DESK}  # Thursday's shows
    assert "arrived since 2025-03-06" in release_filter.short_name()


def test_the_changes_of_what_arrived_since_a_day_are_those_of_its_releases(
    fake, tmp_path, capsys
):
    """A change row holds no arrival time: the catalog tells which releases arrived since."""
    catalog = tmp_path / "catalog.parquet"
    refreshed_as_the_glass_archive_arrives(fake, catalog, after=dt.timedelta(hours=23))
    log_path = changes.change_log_path(catalog)
    assert ("arrived", GLASS) in log(catalog)

    arrived = ReleaseFilter(arrived_since=dt.date(2025, 3, 7))  # the day after its arrival
    table = load_catalog(catalog).table
    assert changes.read_changes(log_path, release_filter=arrived, catalog=table).num_rows == 0
    since = ReleaseFilter(arrived_since=dt.date(2025, 3, 6))
    found = changes.read_changes(log_path, release_filter=since, catalog=table)
    assert found.num_rows == len(log(catalog))
    main(["changes", str(catalog), "--arrived-since", "2025-03-07"])
    assert capsys.readouterr().out == f"no changes match in {log_path}\n"


# --------------------------------------------------------------------------- the window


def test_releases_of_refreshed_sources_past_the_window_are_dropped(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    base = {
        "title": "A Film",
        "kind": "movie",
        "release_type": "movie",
        "service": "Netflix",
        "status": "confirmed",
    }
    rows = [
        {**base, "release_id": "old-tvmaze", "title_id": "tvmaze-9", "source": "TVmaze"},
        {**base, "release_id": "old-editorial", "title_id": "ed-1", "source": "editorial sample"},
    ]
    for row in rows:
        row["release_date"] = WED - dt.timedelta(days=8)
    write_catalog(
        pa.Table.from_pylist(rows, schema=SCHEMA),
        catalog,
        [SourceInfo("TVmaze"), SourceInfo("editorial sample")],
    )

    report = refresh(fake, catalog, now=NOON)

    assert "old-tvmaze" not in ids(catalog) and "old-editorial" in ids(catalog)
    assert report.dropped == 1
    assert ("removed", "old-tvmaze") not in log(catalog)  # grown old, not removed


# --------------------------------------------------------------------------- the command


def write_config(tmp_path, fake, days_ahead: int = 2) -> str:
    path = tmp_path / "refresh.toml"
    path.write_text(
        f'days_ahead = {days_ahead}\n\n[sources.tvmaze]\nbase_url = "{fake.url}"\nrate = 1000\n'
    )
    return str(path)


def test_the_command_refreshes_and_summarises(fake, tmp_path, capsys):
    catalog = tmp_path / "catalog.parquet"
    args = ["refresh", str(catalog), "--config", write_config(tmp_path, fake)]
    assert main([*args, "--today", "2025-03-05"]) == 0
    out = capsys.readouterr().out
    assert f"TVmaze: full, 2 day(s) fetched, 4 release(s) fetched with {FULL_REQUESTS}" in out
    assert not lock_path(catalog).exists()


def test_the_example_config_is_printed_and_valid(capsys):
    assert main(["refresh", "--example-config"]) == 0
    text = capsys.readouterr().out
    parsed = parse_config(text, "example", SOURCE_OPTIONS)
    assert parsed.sources[0].name == "tvmaze" and parsed.sources[0].regions == ("US", "GB")
    assert parsed.days_ahead == 14 and parsed.every_hours == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "days_ahead = 14\ndays_behnd = 3\n[sources.tvmaze]\n",
            "refresh.toml line 2: unknown key 'days_behnd'",
        ),
        (
            "[sources.tvmaze]\nrate = 2\nregoins = ['GB']\n",
            "refresh.toml line 3: unknown key 'sources.tvmaze.regoins'",
        ),
        ("[sources.tvmaz]\n", "refresh.toml line 1: unknown source 'sources.tvmaz'"),
        (
            "regions = ['GB', 'UK']\n[sources.tvmaze]\n",
            "refresh.toml line 1: region 'UK' is not an ISO 3166-1 alpha-2 region code like GB "
            "or US (did you mean GB?)",
        ),
        (
            "[sources.tvmaze]\n\nregions = ['XX']\n",
            "refresh.toml line 3: region 'XX' is not an ISO 3166-1 alpha-2 region code",
        ),
        ("days_ahead = 'two'\n[sources.tvmaze]\n", "refresh.toml line 1: days_ahead must be"),
        (
            "days_behind = 1000000\n[sources.tvmaze]\n",
            "refresh.toml line 1: days_behind must be at most 36,500, not 1,000,000",
        ),
        (
            "[sources.tvmaze]\nrate = 1e-300\n",
            "refresh.toml line 2: rate must be at least 0.01 a second, not 1e-300",
        ),
        ("days_ahead = 14\n", "refresh.toml: no [sources.NAME] table"),
        ("days_ahead = \n", "refresh.toml: not valid TOML: Invalid value (at line 1, column 14)"),
    ],
)
def test_a_bad_config_is_one_line_naming_key_and_line(tmp_path, capsys, text, message):
    path = tmp_path / "refresh.toml"
    path.write_text(text)
    assert main(["refresh", str(tmp_path / "c.parquet"), "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {str(path).removesuffix('refresh.toml')}{message}"), err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "c.parquet").exists()


def test_a_missing_config_or_catalog_is_one_line(tmp_path, capsys):
    assert main(["refresh", str(tmp_path / "c.parquet")]) == 1
    assert "give CATALOG and --config FILE" in capsys.readouterr().err
    assert main(["refresh", "c.parquet", "--config", str(tmp_path / "none.toml")]) == 1
    assert "none.toml" in capsys.readouterr().err


def test_a_catalog_given_as_a_uri_is_refused_in_one_line(fake, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config_file = write_config(tmp_path, fake)
    assert main(["refresh", "s3://bucket/catalog.parquet", "--config", config_file]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "s3://bucket/catalog.parquet" in err and "URI" in err
    assert {p.name for p in tmp_path.iterdir()} == {"refresh.toml"}  # no folder "s3:"
    assert fake.requests == []


# --------------------------------------------------------------------------- one at a time


def hold_lock(catalog, pid: int, host: str | None = None) -> None:
    lock_path(catalog).write_text(
        json.dumps(
            {"pid": pid, "host": host or socket.gethostname(), "since": "2025-03-05T11:58:00+00:00"}
        )
    )


def test_a_second_refresh_exits_saying_who_holds_the_lock(fake, tmp_path, capsys):
    catalog = tmp_path / "catalog.parquet"
    hold_lock(catalog, os.getpid())  # this very process: alive

    args = ["refresh", str(catalog), "--config", write_config(tmp_path, fake)]
    assert main([*args, "--today", "2025-03-05"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"another refresh holds this catalog (pid {os.getpid()} on " in err
    assert "since 2025-03-05T11:58:00+00:00" in err
    assert fake.requests == [] and not catalog.exists()
    assert lock_path(catalog).exists()  # still the holder's


def test_a_lock_held_on_another_host_is_respected(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    hold_lock(catalog, 1, host="elsewhere.example")
    with pytest.raises(LockHeld, match="pid 1 on elsewhere.example"):
        refresh(fake, catalog, now=NOON)


def test_the_stale_lock_of_a_killed_refresh_is_taken_over(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    hold_lock(catalog, dead.pid)

    refresh(fake, catalog, now=NOON)

    assert ids(catalog) and not lock_path(catalog).exists()


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT])
def test_a_refresh_killed_while_fetching_changes_nothing(fake, tmp_path, signal_number):
    catalog = tmp_path / "catalog.parquet"
    refresh(fake, catalog, now=NOON, days_ahead=3)
    serve_night_desk_a_day_later(fake)
    updated(fake, show_303=NOON + dt.timedelta(minutes=5))
    refresh(fake, catalog, now=NOON + dt.timedelta(minutes=10), days_ahead=3)
    history = changes.change_log_path(catalog)
    before = {path: path.read_bytes() for path in (catalog, history)}
    fake.script("/shows/303/crew", Reply(delay=15))  # the refresh waits here to be killed

    config_file = write_config(tmp_path, fake, days_ahead=3)
    command = [sys.executable, "-m", "calendar_data.cli", "refresh", str(catalog)]
    command += ["--config", config_file, "--today", "2025-03-05", "--quiet"]
    fake.requests.clear()
    refresher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while "/shows/303/crew" not in fake.requests:
            assert refresher.poll() is None, refresher.stderr.read().decode()
            assert time.monotonic() < deadline, "the refresh never reached Night Desk's crew"
            time.sleep(0.01)
        refresher.send_signal(signal_number)
        refresher.wait(timeout=30)
    finally:
        refresher.kill()
        refresher.stderr.close()

    assert {path: path.read_bytes() for path in before} == before
    leftovers = {p.name for p in tmp_path.iterdir()} - {catalog.name, history.name}
    assert leftovers <= {lock_path(catalog).name, "refresh.toml"}
    if signal_number == signal.SIGINT:
        assert refresher.returncode == 130 and not lock_path(catalog).exists()
    else:  # the lock of the dead refresh is stale: the next refresh takes it over
        assert lock_path(catalog).exists()
        again = ["refresh", str(catalog), "--config", config_file, "--today", "2025-03-05"]
        assert main([*again, "-q"]) == 0
        assert not lock_path(catalog).exists()


# --------------------------------------------------------------------------- deploy/ and make


DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def deployed_commands() -> list[list[str]]:
    service = (DEPLOY / "calendar-data-refresh.service").read_text()
    [exec_start] = [line for line in service.splitlines() if line.startswith("ExecStart=")]
    cron = (DEPLOY / "calendar-data-refresh.cron").read_text()
    [entry] = [line for line in cron.splitlines() if line and not line.startswith("#")]
    return [shlex.split(exec_start.removeprefix("ExecStart=")), shlex.split(entry)[6:]]


@pytest.mark.parametrize("command", deployed_commands())
def test_the_deployed_commands_are_refreshes_the_cli_accepts(command):
    assert command[0].endswith("/calendar-data")
    args = build_parser().parse_args(command[1:])
    assert args.func is refresh_command and args.config and args.catalog and args.quiet


def test_the_stand_in_serves_a_refresh_of_the_fixtures(tmp_path, capsys):
    config, catalog = tmp_path / "refresh.toml", tmp_path / "catalog.parquet"
    command = [sys.executable, "-m", "calendar_data.cli", "refresh", str(catalog)]
    command += ["--config", str(config), "--today", "2025-03-05", "-q"]

    assert tvmaze_standin.main(["--config", str(config), "--", *command]) == 0
    assert tvmaze_standin.main(["--config", str(config), "--", *command]) == 0

    assert ids(catalog) == {GLASS, HARBOUR_PREMIERE, NIGHT_DESK, STANDUP}
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"the stand-in TVmaze answered {FULL_REQUESTS} request(s)"
    assert err[1] == "the stand-in TVmaze answered 1 request(s)"  # /updates/shows alone


def test_exports_take_arrived_since_too(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    refreshed_as_the_glass_archive_arrives(fake, catalog, after=dt.timedelta(hours=23))
    out = tmp_path / "arrivals.json"

    export = ["-q", "export", str(catalog), "--format", "json", "-o", str(out)]
    assert main([*export, "--arrived-since", "2025-03-06"]) == 0

    exported = [release["release_id"] for release in json.loads(out.read_text())]
    assert sorted(exported) == sorted([GLASS, NIGHT_DESK])


def test_a_window_with_no_releases_writes_nothing(fake, tmp_path, capsys):
    catalog = tmp_path / "catalog.parquet"
    args = ["refresh", str(catalog), "--config", write_config(tmp_path, fake)]
    assert main([*args, "--today", "2025-04-01", "-q"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"error: {catalog}: the sources list no releases in the 2 day(s) from 2025-04-01; "
        "nothing written\n"
    )
    assert not catalog.exists() and not lock_path(catalog).exists()


def test_regions_fetch_their_web_channels_and_broadcast_networks(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    text = f"""days_ahead = 2
regions = ["CA", "US"]
[sources.tvmaze]
base_url = "{fake.url}"
rate = 1000
broadcast = true
"""
    fake.requests.clear()
    refresh_catalog(catalog, parse_config(text, "r", SOURCE_OPTIONS), today=WED, now=NOON)
    schedules = sorted(r for r in fake.requests if r.startswith("/schedule"))
    assert schedules == sorted(
        f"/schedule{path}date=2025-03-0{day}"
        for day in (5, 6)
        for path in ("/web?country=&", "/web?country=CA&", "/web?country=US&", "?country=CA&")
        + ("?country=US&",)
    )
    assert NIGHT_DESK in ids(catalog)  # Crave, a Canadian web channel


def test_a_source_option_of_the_wrong_type_is_named():
    with pytest.raises(ConfigError, match=r"^r line 3: broadcast must be true or false, not 1$"):
        parse_config("[sources.tvmaze]\n\nbroadcast = 1\n", "r", SOURCE_OPTIONS)


def test_an_unreadable_lock_is_respected_while_young_and_taken_over_when_old(fake, tmp_path):
    catalog = tmp_path / "catalog.parquet"
    lock_path(catalog).write_text("")  # a holder that has not written itself in yet
    with pytest.raises(LockHeld, match="another refresh is taking this catalog's lock"):
        refresh(fake, catalog, now=NOON)

    old = time.time() - 60
    os.utime(lock_path(catalog), (old, old))  # ... or one killed while writing it
    refresh(fake, catalog, now=NOON)
    assert ids(catalog) and not lock_path(catalog).exists()


def test_of_two_refreshes_taking_over_a_stale_lock_exactly_one_wins(tmp_path, monkeypatch):
    catalog = tmp_path / "catalog.parquet"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    hold_lock(catalog, dead.pid)
    both_read = threading.Barrier(2, timeout=2)
    won = threading.Event()
    read_holder = refresh_lock_module._holder

    def read_together(*args):
        """Both read the stale lock; the second acts on what it read after the first won."""
        holder = read_holder(*args)
        with contextlib.suppress(threading.BrokenBarrierError):
            if both_read.wait() == 0:
                won.wait(timeout=2)
        return holder

    monkeypatch.setattr(refresh_lock_module, "_holder", read_together)
    both_tried = threading.Barrier(2, timeout=10)
    outcomes = []

    def take() -> None:
        try:
            with refresh_lock(catalog):
                outcomes.append("won")
                won.set()
                both_tried.wait()  # hold the lock until the other has tried
        except LockHeld:
            outcomes.append("lost")
            both_tried.wait()

    racers = [threading.Thread(target=take) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    assert sorted(outcomes) == ["lost", "won"]
    assert not lock_path(catalog).exists()
    assert {p.name for p in tmp_path.iterdir()} == set()


def test_updated_shows_take_only_ascii_digit_ids():
    class Api:
        def get_json(self, path, params, what):
            return {"82": NOON.timestamp(), "²": NOON.timestamp(), "x1": NOON.timestamp()}

    since = NOON - dt.timedelta(hours=1)
    assert tvmaze_changed_titles(Api(), since, NOON) == {"tvmaze-82"}


def test_a_plan_fetches_new_days_whole_and_old_days_for_changed_or_new_titles():
    window = tuple(WED + dt.timedelta(days=n) for n in range(3))
    thu, fri = window[1], window[2]
    unknown = Plan(window, through=thu)
    assert unknown.days == list(window) and unknown.wants("tvmaze-1", WED)

    quiet = Plan(window, through=thu, changed=frozenset(), known=frozenset({"tvmaze-1"}))
    assert quiet.days == [fri]
    assert quiet.wants("tvmaze-1", fri) and not quiet.wants("tvmaze-1", thu)

    busy = Plan(
        window,
        through=thu,
        changed=frozenset({"tvmaze-2"}),
        known=frozenset({"tvmaze-1", "tvmaze-2"}),
    )
    assert busy.days == list(window)
    assert busy.wants("tvmaze-2", WED) and busy.wants("tvmaze-3", WED)  # changed; new
    assert not busy.wants("tvmaze-1", WED) and busy.wants("tvmaze-1", fri)
