"""The Changes page (/changes) and a title's history on its page, over a recorded change log."""

import datetime as dt

import pyarrow as pa
import pytest
from sample import (
    REFERENCE,
    edited_sample_rows,
    log_sample_changes,
    sample_changes,
    sample_rows,
    write_sample,
)
from streamlit.testing.v1 import AppTest
from test_app import APP, run_app, texts

from calendar_data import changes
from calendar_data.catalog import SourceInfo, write_catalog
from calendar_data.schema import SCHEMA

RECORDED = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def logged(tmp_path, monkeypatch):
    """The sample catalog as edited (test data), with the log of its changes from the sample."""
    path = tmp_path / "catalog.parquet"
    write_sample(path)
    found = sample_changes(
        sample_rows(), edited_sample_rows(), changed_at=RECORDED, source="build test.json"
    )
    log_sample_changes(path, found)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return found


def changes_page(**params) -> AppTest:
    at = run_app(**params)
    at.switch_page("pages/changes.py").run()
    assert not at.exception, at.exception
    return at


def rows_shown(at: AppTest) -> list[dict]:
    (frame,) = at.dataframe  # the page's one table
    return frame.value.to_dict("records")


def test_changes_lists_every_change_newest_first(logged):
    at = changes_page()
    shown = rows_shown(at)
    assert len(shown) == logged.num_rows
    assert {row["When"] for row in shown} == {"2026-11-30 09:00"}
    moved = [row for row in shown if row["Change"].startswith("Date moved")]
    assert moved and "2023-11-02 →" in moved[0]["Change"]
    assert any(row["Change"] == "Added" for row in shown)
    assert {row["Source"] for row in shown} == {"build test.json"}
    assert list(shown[0]) == ["Release", "Change", "When", "Source"]  # a phone shows two


def test_changes_follow_the_sidebar_filters_and_the_zone(logged):
    at = changes_page(service="Netflix", tz="Asia/Tokyo")
    shown = rows_shown(at)
    netflix = [r for r in logged.to_pylist() if r["service"] == "Netflix"]
    assert len(shown) == len(netflix) < logged.num_rows
    assert {row["When"] for row in shown} == {"2026-11-30 18:00"}


def test_changes_since_a_later_day_are_none(logged):
    at = changes_page(since="2026-12-01")
    assert "No changes recorded for this view" in texts(at)
    assert not at.dataframe


def test_a_catalog_without_a_log_says_how_changes_are_recorded(catalog):
    at = changes_page()
    shown = texts(at)
    assert "This catalog has no change history yet." in shown
    assert "records what it changed in catalog.changes.parquet beside the catalog" in shown
    assert "No changes recorded for this view" not in shown


def test_an_unreadable_log_is_one_clear_message(catalog):
    changes.change_log_path(catalog).write_text("not parquet")
    at = changes_page()
    assert len(at.error) == 1 and "could not be read" in at.error[0].value
    # Named by its file's name, not where the server keeps it.
    shown = at.error[0].value.replace("\\", "")
    assert "catalog.changes.parquet" in shown and str(catalog.parent) not in shown


def test_the_title_page_shows_its_history(logged):
    at = run_app(id=REFERENCE["title_id"])
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = REFERENCE["title_id"]
    at.run()
    assert not at.exception
    releases, _dates_by_country, history = at.dataframe
    assert len(releases.value) == 1
    history = history.value.to_dict("records")
    assert history and all("All the Light We Cannot See" in row["Release"] for row in history)


def test_a_title_without_changes_says_so(catalog):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["id"] = REFERENCE["title_id"]
    at.run()
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = REFERENCE["title_id"]
    at.run()
    assert "This catalog has no change history yet." in texts(at)


def test_a_title_moved_by_its_source_but_by_no_build_says_both(tmp_path, monkeypatch):
    """A move the source reports (``previous_release_date``) that no build recorded."""
    path = tmp_path / "catalog.parquet"
    rows = [
        row | {"previous_release_date": dt.date(2023, 11, 1)}
        if row["release_id"] == "test-7"
        else row
        for row in sample_rows()
    ]
    write_catalog(pa.Table.from_pylist(rows, SCHEMA), path, [SourceInfo("synthetic test data")])
    log_sample_changes(path, sample_changes(sample_rows(), edited_sample_rows(), RECORDED))
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(id="test-title-7")
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = "test-title-7"
    at.run()
    shown = texts(at)
    assert "No build of this catalog recorded a change to this title." in shown
    assert "E7 moved from 1 Nov 2023 to 8 Nov 2023." in shown
    releases = at.dataframe[0].value.to_dict("records")
    assert releases[0]["Date change (platform's dates)"] == "moved from 1 Nov 2023 to 8 Nov 2023"


def test_the_title_page_names_each_source_once(catalog):
    at = run_app(id=REFERENCE["title_id"])
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = REFERENCE["title_id"]
    at.run()
    assert [c.value for c in at.main.caption if "editorial sample" in c.value] == [
        "Source: editorial sample"
    ]


def test_a_first_day_long_ago_is_kept(logged):
    """The picker offers every date a catalog can hold, not its ten years around today."""
    at = changes_page(since="2000-01-01")
    assert at.date_input(key="since").value == dt.date(2000, 1, 1)
    assert at.query_params["since"] == "2000-01-01"
    assert len(rows_shown(at)) == logged.num_rows


def test_one_change_is_counted_in_the_singular(logged):
    at = changes_page(service="Max")  # the one removed release
    assert len(rows_shown(at)) == 1
    assert "1 change · Max" in [c.value for c in at.caption]
