"""Feeds that stay right in calendar apps: an iCalendar event keeps its UID across builds and
counts the moves of its date in SEQUENCE; every export and feed leaves spoilers out on
``spoilers=0``. The iCalendar files are read by two independent parsers: ``icalendar`` and
``vobject``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pytest
import vobject
from icalendar import Calendar
from route_client import get
from sample import REFERENCE, edited_sample_rows, log_sample_changes, sample_changes, sample_rows

from calendar_data import changes, exports, feeds, routes
from calendar_data.cli import main
from calendar_data.filters import ReleaseFilter
from calendar_data.schema import SCHEMA

DATA = Path(__file__).resolve().parents[1] / "data"
LIGHT = "all-the-light-we-cannot-see-s1e1-4"
LIGHT_UID = f"{LIGHT}@calendar-data"
#: The embedded catalog's reference row, on 2 November 2023, and a test edit moving it a week.
ON_2_NOV = ",2023-11-02,2023-11-02T07:00:00Z,"
ON_9_NOV = ",2023-11-09,2023-11-09T08:00:00Z,"
#: Rows of the embedded catalog were last updated then.
UPDATED = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _routes_unmounted(monkeypatch):
    """Mounting marks the routes as served for the process: undo it after each test."""
    monkeypatch.setattr(routes, "_mounted", False)


def cli(*argv) -> None:
    assert main(["-q", *(str(arg) for arg in argv)]) == 0


class Build:
    """A copy of the embedded catalog's source, built and rebuilt like ``make catalog``."""

    def __init__(self, folder: Path):
        self.source, self.catalog = folder / "releases.csv", folder / "catalog.parquet"
        self.source.write_text((DATA / "releases.csv").read_text("utf-8"), "utf-8")
        self.folder = folder

    def edit(self, old: str, new: str) -> None:
        text = self.source.read_text("utf-8")
        assert text.count(old) == 1
        self.source.write_text(text.replace(old, new), "utf-8")

    def build(self) -> None:
        cli("build", self.source, "-o", self.catalog)

    def export_ics(self, name: str, *options: str) -> bytes:
        out = self.folder / name
        cli("export", self.catalog, "--format", "ics", "-o", out, *options)
        return out.read_bytes()


# --------------------------------------------------------------------------- parsers


def icalendar_events(data: bytes) -> tuple[Calendar, dict[str, dict]]:
    """The calendar as ``icalendar`` reads it, and its events' facts by UID."""
    calendar = Calendar.from_ical(data)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    events = {}
    for event in calendar.walk("VEVENT"):
        events[str(event["UID"])] = {
            "sequence": int(event["SEQUENCE"]),
            "start": event["DTSTART"].dt,
            "modified": event["LAST-MODIFIED"].dt if "LAST-MODIFIED" in event else None,
            "stamp": event["DTSTAMP"].dt,
            "summary": str(event["SUMMARY"]),
            "description": str(event["DESCRIPTION"]),
        }
    return calendar, events


def vobject_events(data: bytes) -> tuple[vobject.base.Component, dict[str, dict]]:
    """The calendar as ``vobject`` (an independent parser, checking RFC 5545) reads it."""
    calendar = vobject.readOne(data.decode("utf-8"), validate=True)
    events = {}
    for event in calendar.vevent_list:
        events[event.uid.value] = {
            "sequence": int(event.sequence.value),
            "start": event.dtstart.value,
            "modified": event.last_modified.value if "last-modified" in event.contents else None,
            "stamp": event.dtstamp.value,
            "summary": event.summary.value,
            "description": event.description.value,
        }
    return calendar, events


PARSERS = {"icalendar": icalendar_events, "vobject": vobject_events}


def refresh_hints(calendar) -> dict[str, str]:
    """``REFRESH-INTERVAL`` (with its VALUE parameter) and ``X-PUBLISHED-TTL``, as text."""
    if isinstance(calendar, Calendar):
        interval = calendar["REFRESH-INTERVAL"]
        return {
            "interval": interval.to_ical().decode(),
            "value": interval.params["VALUE"],
            "ttl": calendar["X-PUBLISHED-TTL"].to_ical().decode(),
        }
    interval = calendar.contents["refresh-interval"][0]
    return {
        "interval": interval.value,
        "value": interval.params["VALUE"][0],
        "ttl": calendar.contents["x-published-ttl"][0].value,
    }


# --------------------------------------------------------------------------- SEQUENCE


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory) -> tuple[list[bytes], pa.Table]:
    """The embedded catalog's calendar after its first build, after a build that moved the
    reference title a week later, after one that changed nothing, and after one that moved it
    back; and the change log those builds kept."""
    build = Build(tmp_path_factory.mktemp("builds"))
    build.build()
    calendars = [build.export_ics("first.ics")]
    build.edit(ON_2_NOV, ON_9_NOV)
    build.build()
    calendars.append(build.export_ics("moved.ics"))
    build.build()
    calendars.append(build.export_ics("unchanged.ics"))
    build.edit(ON_9_NOV, ON_2_NOV)
    build.build()
    calendars.append(build.export_ics("back.ics"))
    return calendars, changes.read_log(changes.change_log_path(build.catalog))


@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_a_moved_release_keeps_its_uid_and_counts_the_move(three_builds, parser):
    calendars, log = three_builds
    first, moved, unchanged, back = (PARSERS[parser](data)[1] for data in calendars)
    assert set(first) == set(moved) == set(unchanged) == set(back)
    assert LIGHT_UID in first
    assert [c[LIGHT_UID]["sequence"] for c in (first, moved, unchanged, back)] == [0, 1, 1, 2]
    assert first[LIGHT_UID]["start"] == dt.datetime(2023, 11, 2, 7, tzinfo=dt.UTC)
    assert moved[LIGHT_UID]["start"] == dt.datetime(2023, 11, 9, 8, tzinfo=dt.UTC)
    assert back[LIGHT_UID]["start"] == first[LIGHT_UID]["start"]
    assert first[LIGHT_UID]["modified"] == UPDATED
    moves = log.filter(pa.compute.equal(log["change"], "date_moved"))["changed_at"].to_pylist()
    assert moved[LIGHT_UID]["modified"] == moves[0].replace(microsecond=0)
    assert back[LIGHT_UID]["modified"] == moves[1].replace(microsecond=0)
    assert all(c[LIGHT_UID]["stamp"] >= c[LIGHT_UID]["modified"] for c in (moved, back))
    for uid in set(first) - {LIGHT_UID}:  # the others never moved: the same in every build
        assert first[uid] == moved[uid] == back[uid]
        assert first[uid]["sequence"] == 0 and first[uid]["modified"] == UPDATED


@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_the_calendar_tells_apps_how_often_to_refresh(three_builds, parser):
    calendar, _ = PARSERS[parser](three_builds[0][0])
    assert refresh_hints(calendar) == {"interval": "PT12H", "value": "DURATION", "ttl": "PT12H"}


def test_an_unreadable_change_log_exports_events_as_never_moved(tmp_path, capsys):
    build = Build(tmp_path)
    build.build()
    changes.change_log_path(build.catalog).write_bytes(b"garbage")
    out = tmp_path / "cal.ics"
    assert main(["export", str(build.catalog), "--format", "ics", "-o", str(out)]) == 0
    assert "not a readable change log" in capsys.readouterr().err
    events = icalendar_events(out.read_bytes())[1]
    assert {event["sequence"] for event in events.values()} == {0}


def test_the_ics_link_numbers_its_events_from_the_catalogs_change_log(catalog):
    at = dt.datetime(2023, 10, 20, 9, 30, tzinfo=dt.UTC)
    log_sample_changes(catalog, sample_changes(sample_rows(), edited_sample_rows(), at))
    body = get("/export.ics?service=Netflix").body  # one body: DTSTAMP is the time of asking
    events = icalendar_events(body)[1]
    assert events[f"{REFERENCE['release_id']}@calendar-data"]["sequence"] == 1
    assert events[f"{REFERENCE['release_id']}@calendar-data"]["modified"] == at
    assert events == vobject_events(body)[1]


# --------------------------------------------------------------------------- spoilers


def unfolded(path: Path) -> str:
    """The file's text, its iCalendar lines unfolded."""
    return path.read_bytes().replace(b"\r\n ", b"").decode("utf-8")


def test_no_spoilers_empties_synopses_and_episode_titles_of_every_export(tmp_path):
    """The embedded catalog's Ahsoka finale is titled "Part Eight: The Jedi, the Witch, and
    the Warlord"; the reference title's synopsis speaks of Marie-Laure's path."""
    catalog = DATA / "catalog.parquet"
    for fmt in exports.FORMATS:
        cli("export", catalog, "--format", fmt, "-o", tmp_path / f"all.{fmt}")
        cli("export", catalog, "--format", fmt, "-o", tmp_path / f"safe.{fmt}", "--no-spoilers")
        spoiling, safe = (unfolded(tmp_path / f"{name}.{fmt}") for name in ("all", "safe"))
        # iCalendar events never held episode titles.
        spoilers = ["Marie-Laure's path"] + ([] if fmt == "ics" else ["The Jedi, the Witch"])
        for spoiler in spoilers:
            assert spoiler in spoiling and spoiler not in safe, (fmt, spoiler)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "safe.csv").read_text("utf-8-sig"))))
    assert {row["synopsis"] for row in rows} == {""}
    assert {row["episode_titles"] for row in rows} == {""}
    everything = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text("utf-8-sig"))))
    for row, full in zip(rows, everything, strict=True):  # all else is kept
        assert {**full, "synopsis": "", "episode_titles": ""} == row
    records = json.loads((tmp_path / "safe.json").read_text("utf-8"))
    assert {(r["synopsis"], r["episode_titles"]) for r in records} == {(None, None)}
    events = vobject_events((tmp_path / "safe.ics").read_bytes())[1]
    assert events[LIGHT_UID]["description"] == (
        "Limited series · Full season\nSeason 1, episodes 1–4\nRuntime: 60 min per episode"
    )
    assert events[LIGHT_UID]["summary"] == "All the Light We Cannot See — S1 E1-E4 (Netflix)"


def test_no_spoilers_keeps_episode_numbers_and_drops_titles_from_changes():
    before = sample_rows()
    after = [dict(row) for row in before]
    after[4] = {**after[4], "episode_titles": ["The Killer Is the Butler"]}
    found = sample_changes(before, after, dt.datetime(2023, 10, 20, tzinfo=dt.UTC))
    table = pa.Table.from_pylist(before, schema=SCHEMA)
    spoiling = feeds.to_atom(table, ReleaseFilter(), feed_url="/f", changes=found)
    safe = feeds.to_atom(table, ReleaseFilter(), feed_url="/f", changes=found, spoilers=False)
    assert b"The Killer Is the Butler" in spoiling and REFERENCE["synopsis"].encode() in spoiling
    assert b"The Killer Is the Butler" not in safe and REFERENCE["synopsis"].encode() not in safe
    change = ET.fromstring(safe).find(f"{ATOM}entry")
    assert change.findtext(f"{ATOM}title").startswith("Episodes changed: E4 → E4 ·")
    ids = [ET.fromstring(feed).findtext(f"{ATOM}id") for feed in (spoiling, safe)]
    assert ids[0] != ids[1]  # another feed for a reader that subscribed to both


@pytest.mark.parametrize("path", ["/export.csv", "/export.ics", "/export.json", "/feed.atom"])
def test_every_link_leaves_spoilers_out_on_spoilers_0(catalog, path):
    synopsis = b"German-occupied Paris with a legendary diamond"
    assert synopsis.decode() in REFERENCE["synopsis"]
    spoiling = get(f"{path}?service=Netflix")
    safe = get(f"{path}?service=Netflix&spoilers=0")
    assert spoiling.status_code == safe.status_code == 200
    assert synopsis in spoiling.body.replace(b"\r\n ", b"")  # unfolded
    assert synopsis not in safe.body.replace(b"\r\n ", b"")
    assert synopsis in get(f"{path}?service=Netflix&spoilers=1").body.replace(b"\r\n ", b"")


@pytest.mark.parametrize("value", ["no", "2", ""])
def test_a_spoilers_value_but_0_or_1_is_refused_by_name(catalog, value):
    response = get(f"/export.ics?spoilers={value}")
    assert response.status_code == 400
    assert f"Ignored spoilers='{value}': use 0 (no spoilers) or 1." in response.body.decode()
