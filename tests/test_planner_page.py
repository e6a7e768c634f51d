"""The Planner page under AppTest: charts, clash tables, toggles and the empty state.

Plotly charts are opaque to AppTest (and cannot be clicked), so the charts are only counted
here; what a click does is tested through ``planner.narrowing`` in test_planner.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from sample import sample_rows
from streamlit.testing.v1 import AppTest

from calendar_data.catalog import SourceInfo, write_catalog

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/planner.py"


def like_sample(index: int, title: str, service: str, day: dt.date, **changes) -> dict:
    """A release shaped like the sample's synthetic episodes."""
    template = sample_rows()[1]
    return template | {
        "release_id": f"planner-{index}",
        "title_id": f"planner-title-{index}",
        "title": title,
        "service": service,
        "release_date": day,
        **changes,
    }


def extra_rows() -> list[dict]:
    """Premieres that crowd the sample's 2 November (beside its Netflix full drop), and a
    premiere and a movie that share 20 November."""
    return [
        like_sample(1, "Test Premiere Hulu", "Hulu", dt.date(2023, 11, 2),
                    release_type="series_premiere"),
        like_sample(2, "Test Premiere Max", "Max", dt.date(2023, 11, 2),
                    release_type="season_premiere", season=2),
        like_sample(3, "Test Premiere Disney", "Disney+", dt.date(2023, 11, 20),
                    release_type="series_premiere"),
        like_sample(4, "Test Movie Two", "Max", dt.date(2023, 11, 20), kind="movie",
                    release_type="movie", season=None, episode_start=None, episode_end=None),
    ]  # fmt: skip


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "catalog.parquet"
    table = pa.Table.from_pylist(sample_rows() + extra_rows())
    write_catalog(table, path, [SourceInfo("synthetic test data")])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return path


def planner_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def tables(at: AppTest) -> list[list[dict]]:
    return [frame.value.to_dict("records") for frame in at.dataframe]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "")


def test_planner_draws_the_load_and_timeline_and_lists_clashes(catalog):
    at = planner_page()
    assert at.title[0].value == "Planner"
    assert len(at.get("plotly_chart")) == 2
    crowded_days, crowded_weeks = tables(at)
    assert crowded_days == [
        {
            "day": dt.date(2023, 11, 2),
            "count": 3,
            "services": "Hulu, Max, Netflix",
            "titles": "All the Light We Cannot See (Netflix); Test Premiere Hulu (Hulu); "
            "Test Premiere Max (Max)",
        }
    ]
    assert [(w["week_start"], w["count"]) for w in crowded_weeks] == [(dt.date(2023, 10, 30), 3)]
    assert "Showing all 21 series" in captions(at)


def test_one_dated_release_is_said_in_the_singular(catalog):
    at = planner_page(q="ruffalo")
    assert captions(at).startswith("1 dated release ·")


def test_counting_movies_and_lowering_thresholds_adds_clashes(catalog):
    at = planner_page()
    at.toggle(key="planner_movies").set_value(True).run()
    crowded_days, _ = tables(at)
    assert [(d["day"], d["count"]) for d in crowded_days] == [
        (dt.date(2023, 11, 2), 3),
        (dt.date(2023, 11, 20), 2),
    ]
    at.number_input(key="planner_per_day").set_value(3).run()
    at.number_input(key="planner_per_week").set_value(2).run()
    crowded_days, crowded_weeks = tables(at)
    assert [d["day"] for d in crowded_days] == [dt.date(2023, 11, 2)]
    assert [(w["week_start"], w["count"]) for w in crowded_weeks] == [
        (dt.date(2023, 10, 30), 3),
        (dt.date(2023, 11, 20), 2),
    ]


def test_the_sidebar_filter_narrows_the_clashes(catalog):
    at = planner_page(service="Netflix")
    assert not at.dataframe
    assert "No day has 2 or more premieres and drops." in captions(at)
    assert "No week has 3 or more premieres and drops." in captions(at)
    assert len(at.get("plotly_chart")) == 2


def test_measure_and_chart_toggles_redraw_without_errors(catalog):
    at = planner_page()
    assert "known runtime" not in captions(at)
    at.button_group(key="planner_metric").set_value("Runtime hours").run()
    assert "Every release here has a known runtime (23)." in captions(at)
    at.button_group(key="planner_chart").set_value("Stacked bars").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 2
    assert at.button_group(key="planner_chart").value == "Stacked bars"


def test_movies_only_have_no_timeline(catalog):
    at = planner_page(type="movie")
    assert len(at.get("plotly_chart")) == 1
    assert "No series or seasons in this selection." in captions(at)


@pytest.mark.parametrize("params", [{"q": "no such title anywhere"}, {"from": "2031-01-01"}])
def test_nothing_matching_shows_a_friendly_message_and_no_charts(catalog, params):
    at = planner_page(**params)
    assert [i.value for i in at.info][-1].startswith("No dated releases match these filters")
    assert not at.get("plotly_chart")
    assert not at.dataframe


def test_only_undated_releases_count_as_nothing_to_plan(catalog):
    at = planner_page(q="Test Undated Show")
    assert "No dated releases match these filters" in at.info[-1].value
    assert not at.get("plotly_chart")
