"""What refreshed catalogs show: freshness in the sidebar, dates by country on the Title page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from route_client import get
from sample import REFERENCE
from streamlit.testing.v1 import AppTest

from calendar_data import arrivals, changes
from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.cli import main
from calendar_data.freshness import age, freshness
from calendar_data.regions import release_dates_by_region
from calendar_data.schema import SCHEMA

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NOW = dt.datetime(2025, 3, 5, 12, tzinfo=dt.UTC)


def refreshed(hours_ago: float, every_hours: float = 6, now: dt.datetime = NOW) -> dict:
    at = (now - dt.timedelta(hours=hours_ago)).isoformat()
    return {
        "every_hours": every_hours,
        "sources": {"TVmaze": {"refreshed_at": at}, "TMDB": {"refreshed_at": at}},
    }


# --------------------------------------------------------------------------- freshness


def test_each_source_says_when_it_was_refreshed():
    assert freshness(refreshed(3), NOW).text == "TVmaze 3 h ago · TMDB 3 h ago"
    assert freshness(refreshed(3), NOW).warning == ""


def test_a_catalog_older_than_its_interval_is_flagged():
    fresh = freshness(refreshed(9), NOW)
    assert fresh.warning.startswith("The catalog was last refreshed 9 h ago, longer than its")
    assert "refresh interval of 6 h" in fresh.warning


def test_a_source_behind_the_others_is_named():
    fresh = refreshed(30)
    fresh["sources"]["TVmaze"] = refreshed(3)["sources"]["TVmaze"]
    assert freshness(fresh, NOW).warning == (
        "TMDB last refreshed 30 h ago, longer than the catalog's refresh interval of 6 h: its "
        "dates may be out of date."
    )


@pytest.mark.parametrize("refresh", [{}, {"sources": "x"}, {"sources": {"T": {"at": 1}}}])
def test_a_catalog_never_refreshed_says_nothing(refresh):
    assert freshness(refresh, NOW).text == "" and freshness(refresh, NOW).warning == ""


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0.5, "just now"),
        (12, "12 min ago"),
        (180, "3 h ago"),
        (60 * 47, "47 h ago"),
        (4320, "3 d ago"),
    ],
)
def test_ages_read_naturally(minutes, text):
    assert age(dt.timedelta(minutes=minutes)) == text


# --------------------------------------------------------------------------- dates by country


def test_release_dates_by_country_show_each_regions_first_date():
    rows = [
        {"region": "US", "release_date": dt.date(2023, 11, 2), "service": "Netflix"},
        {"region": "GB", "release_date": dt.date(2023, 11, 2), "service": "Netflix"},
        {"region": "JP", "release_date": dt.date(2023, 11, 3), "service": "Netflix"},
        {"region": "US", "release_date": dt.date(2023, 11, 9), "service": "Netflix"},
        {"region": "JP", "release_date": dt.date(2023, 11, 3), "service": "Hulu"},
        {"region": None, "release_date": dt.date(2023, 11, 5), "service": "Apple TV+"},
        {"region": "DE", "release_date": None, "service": "Netflix"},
    ]
    table = release_dates_by_region(rows)
    assert table.to_dict("records") == [
        {"region": "GB", "release_date": dt.date(2023, 11, 2), "services": "Netflix"},
        {"region": "US", "release_date": dt.date(2023, 11, 2), "services": "Netflix"},
        {"region": "JP", "release_date": dt.date(2023, 11, 3), "services": "Hulu, Netflix"},
        {"region": "Worldwide", "release_date": dt.date(2023, 11, 5), "services": "Apple TV+"},
    ]


def test_release_dates_by_country_are_days_in_the_viewers_zone():
    """Ahsoka's finale: 3 October in the US, the 4th in Tokyo, as the calendar shows it."""
    at = dt.datetime(2023, 10, 4, 1, tzinfo=dt.UTC)
    rows = [{"region": "US", "release_date": dt.date(2023, 10, 3), "release_at": at,
             "service": "Disney+"}]  # fmt: skip
    assert release_dates_by_region(rows)["release_date"].tolist() == [dt.date(2023, 10, 4)]
    in_tokyo = release_dates_by_region(rows, "Asia/Tokyo")["release_date"].tolist()
    in_los_angeles = release_dates_by_region(rows, "America/Los_Angeles")["release_date"].tolist()
    assert (in_tokyo, in_los_angeles) == ([dt.date(2023, 10, 4)], [dt.date(2023, 10, 3)])


def test_no_dated_release_gives_an_empty_table():
    assert release_dates_by_region([]).empty


# --------------------------------------------------------------------------- in the app


@pytest.fixture
def refreshed_catalog(tmp_path, monkeypatch) -> Path:
    """The reference title, and a synthetic test title released in three regions, in a
    catalog refreshed 9 hours ago with a 6-hour interval."""
    test_title = {
        "title_id": "test-title-regions",
        "title": "Test Show Regions",
        "kind": "movie",
        "release_type": "movie",
        "service": "Netflix",
        "status": "confirmed",
        "source": "synthetic test data",
    }
    regional = [
        {
            **test_title,
            "release_id": f"test-regions-{region}",
            "region": region,
            "release_date": day,
        }
        for region, day in (
            ("US", dt.date(2023, 11, 2)),
            ("GB", dt.date(2023, 11, 2)),
            ("JP", dt.date(2023, 11, 3)),
        )
    ]
    path = tmp_path / "catalog.parquet"
    now = dt.datetime.now(dt.UTC)
    write_catalog(
        pa.Table.from_pylist([REFERENCE, *regional], schema=SCHEMA),
        path,
        [SourceInfo("editorial sample"), SourceInfo("synthetic test data")],
        refresh=refreshed(9, now=now),
    )
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return path


def run_title_page(title_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["id"] = title_id
    at.run()
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = title_id
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_sidebar_says_how_fresh_the_catalog_is(refreshed_catalog):
    at = run_title_page("test-title-regions")
    captions = [c.value for c in at.sidebar.caption]
    assert "Refreshed: TVmaze 9 h ago · TMDB 9 h ago" in captions
    [warning] = [w.value for w in at.sidebar.warning]
    assert "last refreshed 9 h ago, longer than its refresh interval of 6 h" in warning


def test_the_title_page_shows_release_dates_by_country(refreshed_catalog):
    at = run_title_page("test-title-regions")
    assert "Release dates by country" in [h.value for h in at.header]
    by_country = at.main.dataframe[1]  # after the releases
    table = by_country.value
    assert list(zip(table["region"], table["release_date"].astype(str), strict=True)) == [
        ("GB", "2023-11-02"),
        ("US", "2023-11-02"),
        ("JP", "2023-11-03"),
    ]


def test_arrived_since_is_offered_for_a_refreshed_catalog_only(catalog):
    plain = AppTest.from_file(APP, default_timeout=30).run()
    assert "arrived_since" not in [d.key for d in plain.sidebar.date_input]

    write_catalog(
        pa.Table.from_pylist(
            [{**REFERENCE, "first_seen": dt.datetime(2025, 3, 5, tzinfo=dt.UTC)}], schema=SCHEMA
        ),
        catalog,
        [SourceInfo("editorial sample")],
    )
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["arrived_since"] = "2025-03-06"
    at.run()
    assert not at.exception
    [arrived] = [d for d in at.sidebar.date_input if d.key == "arrived_since"]
    assert arrived.value == dt.date(2025, 3, 6)
    assert "**0** of 1 releases match" in [m.value for m in at.sidebar.markdown]
    arrived.set_value(dt.date(2025, 3, 5)).run()
    assert "**1** of 1 releases match" in [m.value for m in at.sidebar.markdown]


ARRIVALS_UNKNOWN = (
    "Ignored arrived_since=2025-03-06: this catalog does not record when releases arrived "
    "(a refreshed one does)."
)


def test_arrived_since_on_a_catalog_never_refreshed_is_said_and_left_out(catalog):
    """The page, its export links and the command line read it alike: not as "nothing"."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["arrived_since"] = "2025-03-06"
    at.run()
    assert [i.value.replace("\\", "") for i in at.info] == [ARRIVALS_UNKNOWN]
    assert "arrived_since" not in at.query_params
    response = get("/export.csv?arrived_since=2025-03-06")
    assert response.status_code == 400 and ARRIVALS_UNKNOWN in response.body.decode()
    out = catalog.with_name("out.csv")
    code = main(["export", str(catalog), "--format", "csv", "-o", str(out),
                 "--arrived-since", "2025-03-06"])  # fmt: skip
    assert code == 1 and not out.exists()


def test_the_changes_page_shows_arrivals_and_departures(catalog):
    """The sample catalog (test data) with a log of one refresh: the reference title arrived
    on Netflix worldwide and a synthetic test title left."""
    table = load_catalog(catalog).table
    gone = table.filter(pc.equal(table["title_id"], "test-title-1"))
    moves = arrivals.arrival_changes(
        gone,
        table.filter(pc.equal(table["title_id"], REFERENCE["title_id"])),
        {"editorial sample", "synthetic test data"},
        changed_at=NOW,
        source="refresh",
    )
    changes.append_changes(changes.change_log_path(catalog), moves)

    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/changes.py").run()
    assert not at.exception
    shown = {
        (row["Change"], row["Source"]) for row in at.main.dataframe[0].value.to_dict("records")
    }
    assert ("Arrived on Netflix worldwide", "refresh") in shown
    assert any(change.startswith("Left ") for change, _ in shown)
