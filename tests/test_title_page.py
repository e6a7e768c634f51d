"""The Title page under AppTest: its facts are said once, in words that cannot be misread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from sample import REFERENCE, sample_rows
from streamlit.testing.v1 import AppTest

from calendar_data.catalog import SourceInfo, write_catalog

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: When the reference's record last changed (test data): long after the show came out.
CHANGED = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "catalog.parquet"
    rows = [row | {"updated_at": CHANGED} if row is REFERENCE else row for row in sample_rows()]
    episode = rows[1]  # Test Show 1's second episode, a week later
    rows.append(
        episode
        | {
            "release_id": "test-1-e2",
            "episode_start": 2,
            "episode_end": 2,
            "release_date": episode["release_date"] + dt.timedelta(days=7),
        }
    )
    write_catalog(pa.Table.from_pylist(rows), path, [SourceInfo("synthetic test data")])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return path


def title_page(title_id: str) -> str:
    """The page's text, as read on the page."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/title.py")
    at.query_params["id"] = title_id
    at.run()
    assert not at.exception, at.exception
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts).replace("\\", "")


def test_the_total_runtime_is_said_once(catalog):
    shown = title_page(REFERENCE["title_id"])
    assert "60 min per episode · 4 h total" in shown
    assert shown.count("4 h") == 1, shown


def test_a_title_of_several_releases_adds_them_up(catalog):
    shown = title_page("test-title-1")
    assert "**Runtime:** 30 min per episode" in shown
    assert "**Total:** 1 h in this catalog" in shown


def test_the_date_a_record_changed_is_not_read_as_a_fact_about_the_show(catalog):
    shown = title_page(REFERENCE["title_id"])
    assert "record changed 24 Nov 2026" in shown
    assert "last updated" not in shown


def test_a_title_from_tmdb_shows_tmdbs_notice_and_link(tmp_path, monkeypatch):
    """TMDB's terms ask for its notice (and JustWatch's credit) wherever its data is shown."""
    from calendar_data.importers.tmdb import NOTICE, TMDB

    path = tmp_path / "tmdb.parquet"
    rows = [row | {"source": TMDB.name} for row in sample_rows()]
    write_catalog(pa.Table.from_pylist(rows), path, [TMDB, SourceInfo("editorial")])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    text = title_page(REFERENCE["title_id"])
    assert NOTICE in text and "JustWatch" in text
    assert "[TMDB](https://www.themoviedb.org)" in text
