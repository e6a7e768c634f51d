"""The JSON export and the Atom feed: payloads, the /export.json and /feed.atom links, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from route_client import get
from sample import REFERENCE, sample_rows, write_sample

from calendar_data import changes, exports, feeds, routes
from calendar_data.catalog import SourceInfo, load_catalog
from calendar_data.cli import main
from calendar_data.days import local_days
from calendar_data.filters import ReleaseFilter
from calendar_data.schema import SCHEMA

A = "{http://www.w3.org/2005/Atom}"
NETFLIX_NOVEMBER = "service=Netflix&from=2023-11-01&to=2023-11-30"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
GENERATED = dt.datetime(2023, 10, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _routes_unmounted(monkeypatch):
    """Mounting marks the routes as served for the process: undo it after each test."""
    monkeypatch.setattr(routes, "_mounted", False)


def sample() -> pa.Table:
    return pa.Table.from_pylist(sample_rows(), schema=SCHEMA)


def expected_ids(catalog: Path, query: str) -> list[str]:
    table = load_catalog(catalog).table
    release_filter, _ = ReleaseFilter.from_query_params(parse_qs(query))
    return sorted(release_filter.apply(table, local_days(table, "UTC"))["release_id"].to_pylist())


def release_id(record: dict) -> str:
    return record["release_id"]


def check_atom(body: bytes) -> ET.Element:
    """Parse the feed and check what RFC 4287 says a feed and its entries MUST hold."""
    feed = ET.fromstring(body)
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert RFC3339.fullmatch(feed.findtext(f"{A}updated"))
    assert feed.find(f"{A}author/{A}name").text
    assert [link.get("rel") for link in feed.findall(f"{A}link")].count("self") == 1
    ids = [feed.findtext(f"{A}id")]
    for entry in feed.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert RFC3339.fullmatch(entry.findtext(f"{A}updated"))
        content = entry.find(f"{A}content")
        alternate = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert content is not None or alternate  # RFC 4287 4.1.1.1
        ids.append(entry.findtext(f"{A}id"))
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    return feed


# --------------------------------------------------------------------------- JSON


def test_json_has_every_catalog_column_with_iso_dates():
    records = json.loads(exports.to_json(sample()))
    assert len(records) == len(sample_rows())
    first = records[0]
    assert list(first) == list(SCHEMA.names)
    assert first["release_date"] == "2023-11-02"
    assert first["release_at"] == "2023-11-02T07:00:00Z"
    assert first["cast"][1] == {"name": "Mark Ruffalo", "character": "Daniel LeBlanc"}
    assert first["genres"] == ["Drama", "War"] and first["original_title"] is None


def test_a_json_export_builds_back_into_the_same_catalog(tmp_path, capsys):
    source = tmp_path / "releases.json"
    source.write_bytes(exports.to_json(sample()))
    assert main(["-q", "build", str(source), "-o", str(tmp_path / "c.parquet")]) == 0
    rebuilt = json.loads(exports.to_json(load_catalog(tmp_path / "c.parquet").table))
    original = json.loads(exports.to_json(sample()))
    assert sorted(rebuilt, key=release_id) == sorted(original, key=release_id)


def test_the_cli_exports_json_with_the_export_filters(catalog, tmp_path, capsys):
    out = tmp_path / "netflix.json"
    argv = ["export", str(catalog), "--format", "json", "-o", str(out), "--service", "Netflix"]
    assert main(argv) == 0
    ids = sorted(r["release_id"] for r in json.loads(out.read_text()))
    assert ids == expected_ids(catalog, "service=Netflix") and REFERENCE["release_id"] in ids


# --------------------------------------------------------------------------- Atom


def test_the_feed_is_valid_atom_with_one_entry_per_release():
    body = feeds.to_atom(
        sample(), ReleaseFilter(), feed_url="http://calendar.test/feed.atom", updated=GENERATED
    )
    feed = check_atom(body)
    entries = feed.findall(f"{A}entry")
    assert len(entries) == len(sample_rows())
    self_link = next(link for link in feed.findall(f"{A}link") if link.get("rel") == "self")
    assert self_link.get("href") == "http://calendar.test/feed.atom"
    first = entries[0]
    assert first.findtext(f"{A}title") == (
        "All the Light We Cannot See — S1 E1-E4 · 4 episodes (Netflix) · 2023-11-02"
    )
    assert "Marie-Laure" in first.findtext(f"{A}content")
    assert first.find(f"{A}category").get("term") == "Netflix"
    undated = next(e for e in entries if "Undated" in e.findtext(f"{A}title"))
    assert undated.findtext(f"{A}title").endswith("date to be announced (2027)")


def test_an_entry_tells_its_day_and_time_in_the_feeds_zone():
    """The day the feed's filter put it on, as the calendar does: the reference lands at 07:00
    UTC on 2 November, which is 21:00 on 1 November in Honolulu."""
    body = feeds.to_atom(
        sample(), ReleaseFilter(), feed_url="/f", updated=GENERATED, tz="Pacific/Honolulu"
    )
    first = check_atom(body).find(f"{A}entry")
    assert first.findtext(f"{A}title").endswith("(Netflix) · 2023-11-01")
    assert "Wed 1 Nov 2023, 21:00 Pacific/Honolulu" in first.findtext(f"{A}content")
    assert "UTC" not in first.findtext(f"{A}content")


def test_the_feed_credits_the_sources_its_entries_come_from():
    tvmaze = SourceInfo("TVmaze", attribution="Data from TVmaze (https://www.tvmaze.com)")
    sources = [SourceInfo("editorial sample"), tvmaze]
    body = feeds.to_atom(sample(), ReleaseFilter(), feed_url="/f", sources=sources)
    assert check_atom(body).findtext(f"{A}rights") == "editorial sample"  # no TVmaze row
    table = sample()
    from_tvmaze = pa.array(["TVmaze"] * table.num_rows)
    table = table.set_column(table.column_names.index("source"), "source", from_tvmaze)
    body = feeds.to_atom(table, ReleaseFilter(), feed_url="/f", sources=sources)
    assert check_atom(body).findtext(f"{A}rights") == tvmaze.attribution
    nothing = feeds.to_atom(table.slice(0, 0), ReleaseFilter(), feed_url="/f", sources=sources)
    assert check_atom(nothing).findtext(f"{A}rights") == f"editorial sample · {tvmaze.attribution}"


def test_every_entry_opens_its_own_page_else_its_title_page_on_the_dashboard():
    base = "http://calendar.test/sub/feed.atom?service=Netflix"
    feed = check_atom(feeds.to_atom(sample(), ReleaseFilter(), feed_url=base))
    for entry in feed.findall(f"{A}entry"):
        (link,) = entry.findall(f"{A}link")
        assert link.get("rel") == "alternate" and link.get("href").startswith("http")
    pages = [link.get("href") for link in feed.iter(f"{A}link")]
    assert f"http://calendar.test/sub/title?id={REFERENCE['title_id']}" in pages


def test_a_removed_release_opens_the_changes_page_searching_for_it():
    """Its title may have left the catalog with it: its Title page would say "not found"."""
    old = sample()
    removed = changes.diff_catalogs(
        old.select(changes.READ),
        old.slice(1).select(changes.READ),
        changed_at=dt.datetime(2023, 10, 20, 9, 30, tzinfo=dt.UTC),
        source="build releases.csv",
    )
    feed = check_atom(feeds.to_atom(old.slice(1), ReleaseFilter(), feed_url="/f", changes=removed))
    entry = feed.find(f"{A}entry")
    assert entry.findtext(f"{A}title").startswith("Removed · All the Light We Cannot See")
    assert entry.find(f"{A}link").get("href") == "/changes?q=All+the+Light+We+Cannot+See"


def test_entry_ids_are_stable_and_the_same_input_gives_the_same_feed():
    first, again = (
        feeds.to_atom(sample(), ReleaseFilter(), feed_url="/f", updated=GENERATED) for _ in "12"
    )
    assert first == again
    entry = ET.fromstring(first).find(f"{A}entry")
    assert entry.findtext(f"{A}id") == feeds.release_entry_id(REFERENCE["release_id"])
    assert feeds.feed_id(ReleaseFilter(services=("Netflix",))) != feeds.feed_id(ReleaseFilter())


def test_a_feed_id_does_not_depend_on_the_order_of_its_links_values():
    one = ReleaseFilter(services=("Netflix", "Hulu"), titles=("b", "a"))
    other = ReleaseFilter(services=("Hulu", "Netflix"), titles=("a", "b"))
    assert feeds.feed_id(one, "Europe/London") == feeds.feed_id(other, "Europe/London")


def test_hostile_text_is_escaped_and_what_xml_cannot_hold_is_dropped():
    rows = sample_rows()
    rows[0] = {
        **rows[0],
        "title": "<script>alert(1)</script> & \x00\x0b\ufffe]]>",
        "synopsis": '"quoted" <b>bold</b>',
        "homepage_url": "javascript:alert(1)",
    }
    body = feeds.to_atom(
        pa.Table.from_pylist(rows, schema=SCHEMA), ReleaseFilter(), feed_url="/f?a=1&b=<2>"
    )
    feed = check_atom(body)
    entry = feed.find(f"{A}entry")
    assert entry.findtext(f"{A}title").startswith("<script>alert(1)</script> & ]]>")
    assert '"quoted" <b>bold</b>' in entry.findtext(f"{A}content")
    assert b"<script>" not in body and b"javascript:" not in body
    title_page = f"/title?id={rows[0]['title_id']}"  # its homepage was no link: its Title page
    assert entry.find(f"{A}link").get("href") == title_page


def test_changes_become_entries_of_their_own():
    old, new = sample(), sample_rows()
    new[0] = {**new[0], "release_date": dt.date(2023, 11, 9), "release_at": None}
    at = dt.datetime(2023, 10, 20, 9, 30, tzinfo=dt.UTC)
    found = changes.diff_catalogs(
        old.select(changes.READ),
        pa.Table.from_pylist(new, schema=SCHEMA).select(changes.READ),
        changed_at=at,
        source="build releases.csv",
    )
    body = feeds.to_atom(sample(), ReleaseFilter(), feed_url="/f", changes=found, updated=GENERATED)
    feed = check_atom(body)
    entries = feed.findall(f"{A}entry")
    assert len(entries) == len(sample_rows()) + 1
    change = entries[0]
    assert change.findtext(f"{A}title").startswith("Date moved: 2023-11-02 → 2023-11-09 · All")
    assert change.findtext(f"{A}updated") == "2023-10-20T09:30:00Z"
    assert "Recorded by: build releases.csv" in change.findtext(f"{A}content")
    assert feed.findtext(f"{A}updated") == "2023-10-20T09:30:00Z"
    # A change entry opens its title's page (it had no link at all).
    assert change.find(f"{A}link").get("href") == f"/title?id={REFERENCE['title_id']}"


def test_an_arrival_entry_names_its_region_and_service():
    row = {**REFERENCE, "service": "Netflix", "region": "US"}
    arrival = pa.Table.from_pylist(
        [
            {
                **{name: row.get(name) for name in changes.CARRIED},
                "changed_at": dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC),
                "source": "refresh",
                "change": "arrived",
            }
        ],
        schema=changes.CHANGE_SCHEMA,
    )
    body = feeds.to_atom(sample(), ReleaseFilter(), feed_url="/f", changes=arrival)
    change = check_atom(body).find(f"{A}entry")
    assert change.findtext(f"{A}title").startswith("Arrived on Netflix in US · ")
    assert [c.get("term") for c in change.findall(f"{A}category")] == ["Netflix", "arrived"]


# --------------------------------------------------------------------------- the links


def test_the_json_link_gives_the_views_rows(catalog):
    response = get(f"/export.json?{NETFLIX_NOVEMBER}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="releases_netflix_2023-11.json"'
    ids = sorted(r["release_id"] for r in json.loads(response.body))
    assert ids == expected_ids(catalog, NETFLIX_NOVEMBER)


def test_the_feed_link_gives_the_views_releases_and_recent_changes(catalog):
    rows = [dict(row) for row in sample_rows()]
    rows[0]["status"] = "tentative"
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    found = changes.diff_catalogs(
        load_catalog(catalog).table.select(changes.READ),
        pa.Table.from_pylist(rows, schema=SCHEMA).select(changes.READ),
        changed_at=at,
        source="test",
    )
    changes.append_changes(changes.change_log_path(catalog), found)
    response = get(f"/feed.atom?{NETFLIX_NOVEMBER}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = check_atom(response.body)
    self_link = next(link for link in feed.findall(f"{A}link") if link.get("rel") == "self")
    assert self_link.get("href") == f"http://calendar.test/feed.atom?{NETFLIX_NOVEMBER}"
    assert feed.findtext(f"{A}title") == "Streaming releases · Netflix · 2023-11"
    ids = [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")]
    releases = [feeds.release_entry_id(i) for i in expected_ids(catalog, NETFLIX_NOVEMBER)]
    assert sorted(ids[1:]) == sorted(releases)
    assert [c.get("term") for c in feed.find(f"{A}entry").findall(f"{A}category")] == [
        "Netflix",
        "status_changed",
    ]
    other = check_atom(get("/feed.atom?service=Max").body)
    assert all(e.find(f"{A}category").get("term") == "Max" for e in other.findall(f"{A}entry"))
    # The Changes page's first day, in a link, as there: none since tomorrow.
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()
    later = check_atom(get(f"/feed.atom?{NETFLIX_NOVEMBER}&since={tomorrow}").body)
    assert len(later.findall(f"{A}entry")) == len(ids) - 1


def test_the_feed_still_lists_releases_when_the_change_log_is_broken(catalog):
    changes.change_log_path(catalog).write_bytes(b"garbage")
    response = get(f"/feed.atom?{NETFLIX_NOVEMBER}")
    assert response.status_code == 200
    entries = check_atom(response.body).findall(f"{A}entry")
    assert len(entries) == len(expected_ids(catalog, NETFLIX_NOVEMBER))


def test_the_export_url_names_the_new_links():
    release_filter = ReleaseFilter(services=("Netflix",))
    assert routes.export_url("json", release_filter, "UTC") == "/export.json?service=Netflix"
    assert routes.export_url("atom", release_filter, "UTC") == "/feed.atom?service=Netflix"


@pytest.mark.parametrize("path", ["/export.json", "/feed.atom"])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("service=Nowhere%2B", "Ignored service 'Nowhere+': not in this catalog."),
        ("from=2023-13-45", "Ignored from='2023-13-45': not a date"),
        ("type=trailer", "Ignored unknown release type 'trailer'."),
        ("tz=Mars/Olympus", "Ignored tz='Mars/Olympus': not a known time zone."),
        ("since=bogus", "Ignored since='bogus': not a date (YYYY-MM-DD)."),
        ("view=year", "Ignored view='year': not one of month, week, agenda."),
    ],
)
def test_a_link_the_view_would_read_differently_is_refused_by_name(catalog, path, query, named):
    response = get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert named in response.body.decode() and "Traceback" not in response.body.decode()


@pytest.mark.parametrize("path", ["/export.json", "/feed.atom"])
def test_a_broken_catalog_is_named_not_a_traceback(tmp_path, monkeypatch, path):
    broken = tmp_path / "catalog.parquet"
    broken.write_text("release_id,title\n1,Not parquet\n")
    monkeypatch.setenv("CALENDAR_CATALOG", str(broken))
    response = get(path)
    assert response.status_code == 503
    assert "not a Parquet file" in response.body.decode()


def test_a_catalog_that_says_nothing_of_when_it_was_made_has_a_feed_that_holds_still(
    tmp_path, monkeypatch
):
    """A catalog written by another tool (no generated time, no updated_at): its entries are
    as new as its file, not as the fetch, or every poll would find each one changed."""
    table = load_catalog(write_sample(tmp_path / "made.parquet")).table
    table = table.set_column(
        table.schema.get_field_index("updated_at"),
        "updated_at",
        pa.nulls(table.num_rows, table.schema.field("updated_at").type),
    )
    path = tmp_path / "catalog.parquet"
    pq.write_table(table.replace_schema_metadata(None), path)
    written = dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (written, written))
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    feed = check_atom(get("/feed.atom?service=Netflix").body)
    stamps = {feed.findtext(f"{A}updated")}
    stamps |= {entry.findtext(f"{A}updated") for entry in feed.iter(f"{A}entry")}
    assert stamps == {"2024-01-15T12:00:00Z"}
