"""The export links, /export.csv and /export.ics (the Browse page's buttons: test_app.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar
from sample import REFERENCE
from starlette.requests import Request
from starlette.responses import Response

from calendar_data.catalog import load_catalog
from calendar_data.days import local_days
from calendar_data.filters import ReleaseFilter, read_view
from calendar_data.ui import downloads

NETFLIX_NOVEMBER = "service=Netflix&from=2023-11-01&to=2023-11-30"


@pytest.fixture(autouse=True)
def _routes_unmounted(monkeypatch):
    """Mounting marks the routes as served for the process: undo it after each test."""
    monkeypatch.setattr(downloads, "_routes_mounted", False)


def get(url: str) -> Response:
    """What the route mounted at ``url``'s path answers to a GET of ``url``."""
    path, _, query = url.partition("?")
    route = next(route for route in downloads.export_routes() if route.path == path)
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode()}
    return route.endpoint(Request({**scope, "headers": []}))


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


def test_a_broken_catalog_is_named_not_a_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "catalog.parquet"
    broken.write_text("release_id,title\n1,Not parquet\n")
    monkeypatch.setenv("CALENDAR_CATALOG", str(broken))
    response = get("/export.ics")
    assert response.status_code == 503
    assert "could not be loaded" in text(response) and "not a Parquet file" in text(response)


def test_an_export_url_reads_back_as_its_view(catalog):
    live_values = {"service": {"Netflix"}, "genre": {"Drama"}, "kind": set(), "type": set()}
    release_filter = ReleaseFilter(
        services=("Netflix",), genres=("Drama",), query="light & dark", start=None
    )
    url = downloads.export_url("ics", release_filter, "Europe/Paris")
    path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
    assert path == "/export.ics" and query["tz"] == ["Europe/Paris"]
    assert read_view(query, {**live_values, "region": set()}) == (release_filter, [])
    assert downloads.export_url("csv", ReleaseFilter(), "UTC") == "/export.csv"
