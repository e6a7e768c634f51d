"""Planner aggregations (weekly load, season spans, clashes, narrowing) and their figures."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_data import planner
from calendar_data.catalog import conform
from calendar_data.days import local_days
from calendar_data.ui import charts

MONDAY = dt.date(2024, 3, 4)
_ids = itertools.count()


def row(title_id: str, day: dt.date | None, service: str = "Netflix", **extra) -> dict:
    values = {
        "release_id": f"release-{next(_ids)}",
        "title_id": title_id,
        "title": title_id.replace("-", " ").title(),
        "kind": "series",
        "release_type": "episode",
        "season": 1,
        "episode_count": 1,
        "runtime_minutes": 30,
        "service": service,
        "release_date": day,
        "status": "confirmed" if day else "tba",
        "source": "test",
    }
    values.update(extra)
    return values


def table_of(rows: list[dict]) -> pa.Table:
    if not rows:
        return table_of([row("placeholder", None)]).slice(0, 0)
    return conform(pa.Table.from_pylist(rows), "test")[0]


def days_of(table: pa.Table) -> pa.ChunkedArray:
    return local_days(table, "UTC")


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def premiere(title_id: str, offset: int, service: str = "Netflix", **extra) -> dict:
    return row(title_id, day(offset), service, **{"release_type": "series_premiere", **extra})


# ------------------------------------------------------------------ weekly load


def test_weekly_load_counts_each_episode_row_and_its_runtime():
    table = table_of(
        [
            row("show", day(0), episode_start=1),
            row("show", day(2), episode_start=2),
            row("show", day(6), episode_start=3),  # Sunday: still the same week
            row("show", day(7), episode_start=4),  # next Monday
        ]
    )
    load = planner.weekly_load(table, days_of(table))
    assert load.to_dict("records") == [
        {
            "service": "Netflix",
            "week_start": day(0),
            "releases": 3,
            "runtime_hours": 1.5,
            "with_runtime": 3,
        },
        {
            "service": "Netflix",
            "week_start": day(7),
            "releases": 1,
            "runtime_hours": 0.5,
            "with_runtime": 1,
        },
    ]


def test_runtime_hours_multiply_episodes_and_tolerate_missing_values():
    table = table_of(
        [
            row("drop", day(1), release_type="full_season", episode_count=8, runtime_minutes=45),
            row("film", day(1), kind="movie", release_type="movie", episode_count=None,
                runtime_minutes=120),
            row("unknown", day(1), runtime_minutes=None),
        ]
    )  # fmt: skip
    load = planner.weekly_load(table, days_of(table))
    assert load["releases"].tolist() == [3]
    assert load["runtime_hours"].tolist() == [pytest.approx(6 + 2)]
    assert load["with_runtime"].tolist() == [2]  # the unknown runtime is not counted as known


def test_weekly_load_ignores_tba_rows_and_services_without_rows():
    table = table_of(
        [row("dated", day(3), "Max"), row("undated", None, "Hulu"), row("gone", day(3), "Peacock")]
    )
    table = table.slice(0, 2)  # Peacock stays in the dictionary but has no row left
    assert "Peacock" in table["service"].chunk(0).dictionary.to_pylist()
    load = planner.weekly_load(table, days_of(table))
    assert load[["service", "week_start", "releases"]].to_dict("records") == [
        {"service": "Max", "week_start": day(0), "releases": 1}
    ]


def test_weekly_load_of_nothing_is_an_empty_frame():
    table = table_of([row("undated", None)])
    load = planner.weekly_load(table, days_of(table))
    assert load.empty
    assert list(load.columns) == [
        "service", "week_start", "releases", "runtime_hours", "with_runtime"
    ]  # fmt: skip
    assert planner.week_grid(load, "releases").empty


def test_week_grid_has_every_week_and_the_busiest_service_first():
    table = table_of(
        [
            row("a", day(0), "Hulu"),
            row("b", day(15), "Max"),
            row("c", day(16), "Max", episode_start=2),
        ]
    )
    grid = planner.week_grid(planner.weekly_load(table, days_of(table)), "releases")
    assert list(grid.columns) == [day(0), day(7), day(14)]
    assert list(grid.index) == ["Max", "Hulu"]
    assert grid.loc["Max"].tolist() == [0, 0, 2]
    assert grid.loc["Hulu"].tolist() == [1, 0, 0]


# ------------------------------------------------------------------ season spans


def test_season_spans_run_from_first_to_last_day_per_season_and_service():
    table = table_of(
        [
            premiere("show", 0),
            row("show", day(7), episode_start=2),
            row("show", day(21), release_type="season_finale", episode_start=3),
            premiere("show", 40, season=2),
            premiere("show", 2, "Max"),  # the same show elsewhere is its own span
            row("show", None, season=3),  # tba: no span
            row("film", day(5), kind="movie", release_type="movie", season=None),
            row("specials", day(9), season=None),
            row("specials", day(30), season=None, episode_start=2),
        ]
    )
    spans = planner.season_spans(table, days_of(table))
    got = [
        (s.title_id, s.service, None if pd.isna(s.season) else s.season, s.start, s.end, s.releases)
        for s in spans.itertuples()
    ]
    assert got == [
        ("show", "Netflix", 1, day(0), day(21), 3),
        ("show", "Max", 1, day(2), day(2), 1),
        ("specials", "Netflix", None, day(9), day(30), 2),
        ("show", "Netflix", 2, day(40), day(40), 1),
    ]
    assert spans.loc[0, "title"] == "Show"


def test_busiest_keeps_the_series_with_most_releases_over_all_seasons():
    table = table_of(
        [premiere("quiet", 0)]
        + [row("steady", day(i), episode_start=i) for i in range(3)]
        + [row("long", day(i), season=1 + i % 2, episode_start=i) for i in range(4)]
    )
    spans = planner.season_spans(table, days_of(table))
    kept = planner.busiest(spans, limit=2)
    assert set(kept["title_id"]) == {"steady", "long"}
    assert len(kept) == 3  # both seasons of "long"
    assert kept["start"].is_monotonic_increasing


# ------------------------------------------------------------------ clashes


def clash_table() -> pa.Table:
    return table_of(
        [
            premiere("a", 2),
            premiere("b", 2, "Max", release_type="season_premiere"),
            premiere("c", 2, "Hulu", release_type="full_season"),
            premiere("c", 2, "Hulu", release_type="full_season", region="GB"),  # same drop
            row("d", day(2)),  # a plain episode never clashes
            premiere("e", 4, "Max"),
            premiere("f", 4, "Hulu"),
            row("g", day(4), kind="movie", release_type="movie"),
            premiere("h", 9),
            premiere("i", 10, "Max"),
            premiere("j", 11, "Hulu"),
            row("k", None, release_type="series_premiere"),
        ]
    )


def test_clashes_finds_crowded_days_and_weeks_busiest_first():
    table = clash_table()
    crowded_days, crowded_weeks = planner.clashes(table, days_of(table))
    assert crowded_days.to_dict("records") == [
        {
            "day": day(2),
            "count": 3,
            "services": "Hulu, Max, Netflix",
            "titles": "A (Netflix); B (Max); C (Hulu)",
        },
        {"day": day(4), "count": 2, "services": "Hulu, Max", "titles": "E (Max); F (Hulu)"},
    ]
    assert crowded_weeks[["week_start", "count"]].to_dict("records") == [
        {"week_start": day(0), "count": 5},
        {"week_start": day(7), "count": 3},
    ]


def test_clash_thresholds_and_movies_are_parameters():
    table = clash_table()
    days, weeks = planner.clashes(table, days_of(table), per_day=3, per_week=4)
    assert days["day"].tolist() == [day(2)]
    assert weeks["week_start"].tolist() == [day(0)]
    days, weeks = planner.clashes(table, days_of(table), include_movies=True)
    assert days[["day", "count"]].to_dict("records") == [
        {"day": day(2), "count": 3},
        {"day": day(4), "count": 3},
    ]
    assert "G (Netflix)" in days.loc[1, "titles"]


def test_ties_are_sorted_by_date_and_long_lists_are_cut():
    many = [premiere(f"t{i:02}", 8) for i in range(planner.TITLES_LISTED + 3)]
    table = table_of([premiere("x", 1), premiere("y", 1, "Max"), *many])
    days, _ = planner.clashes(table, days_of(table), per_day=2)
    assert days["day"].tolist() == [day(8), day(1)]
    assert days.loc[0, "titles"].endswith("; and 3 more")
    assert days.loc[0, "titles"].count("(Netflix)") == planner.TITLES_LISTED


def test_no_clashes_gives_empty_tables_with_their_columns():
    table = table_of([premiere("a", 0), row("b", None)])
    days, weeks = planner.clashes(table, days_of(table))
    assert days.empty and weeks.empty
    assert list(days.columns) == ["day", "count", "services", "titles"]
    assert list(weeks.columns) == ["week_start", "count", "services", "titles"]


# ------------------------------------------------------------------ narrowing


def test_narrowing_sets_the_service_and_the_dates_of_a_point():
    point = {"x": "ignored", "customdata": ["Netflix", "2024-03-04", "2024-03-10"]}
    assert planner.narrowing([point]) == {
        "service": ["Netflix"],
        "from": dt.date(2024, 3, 4),
        "to": dt.date(2024, 3, 10),
    }


@pytest.mark.parametrize(
    "points",
    [
        [],
        [{}],
        [{"customdata": "Netflix"}],
        [{"customdata": ["Netflix", "soon", "later"]}],
        [{"customdata": ["", "2024-03-04", "2024-03-10"]}],
        [{"customdata": [None, "2024-03-04", "2024-03-10"]}],
    ],
)
def test_narrowing_ignores_points_without_usable_data(points):
    assert planner.narrowing(points) == {}


def test_narrowing_takes_the_first_usable_point_and_orders_its_dates():
    points = [{"customdata": [1]}, {"customdata": ["Max", "2024-03-10", "2024-03-04"]}]
    assert planner.narrowing(points) == {
        "service": ["Max"],
        "from": dt.date(2024, 3, 4),
        "to": dt.date(2024, 3, 10),
    }


# ------------------------------------------------------------------ figures


HOSTILE = '<img src=x onerror="alert(1)">'


def hostile_table() -> pa.Table:
    return table_of(
        [
            row("evil", day(1), HOSTILE, title=HOSTILE),
            row("evil", day(9), HOSTILE, title=HOSTILE, episode_start=2),
            row("fine", day(2), "Max"),
        ]
    )


def figure_texts(figure) -> str:
    """Everything a figure shows as text: labels, ticks, hovers, legend names."""
    data = json.loads(figure.to_json())
    shown = []
    for trace in data["data"]:
        shown += [str(trace.get("name", ""))] + [str(v) for v in trace.get("hovertext", [])]
        shown += [str(v) for v in trace.get("y", [])]
    for axis in ("xaxis", "yaxis"):
        shown += [str(v) for v in data["layout"].get(axis, {}).get("ticktext", [])]
        shown += [str(v) for v in data["layout"].get(axis, {}).get("labelalias", {}).values()]
    shown += [str(note["text"]) for note in data["layout"].get("annotations", [])]
    return "\n".join(shown)


@pytest.mark.parametrize("kind", ["heatmap", "bars", "timeline"])
def test_figures_escape_catalog_text_but_keep_the_raw_service_for_narrowing(kind):
    table = hostile_table()
    days = days_of(table)
    load = planner.weekly_load(table, days)
    figure = {
        "heatmap": lambda: charts.load_heatmap(planner.week_grid(load, "releases"), "Releases"),
        "bars": lambda: charts.load_bars(load, "releases", "Releases"),
        "timeline": lambda: charts.season_timeline(planner.season_spans(table, days)),
    }[kind]()
    shown = figure_texts(figure)
    assert "&lt;img" in shown
    assert "<img" not in shown
    points = [
        {"customdata": list(data)}
        for trace in figure.data
        if trace.customdata is not None
        for data in trace.customdata
    ]
    narrowed = [planner.narrowing([point]) for point in points]
    services = {n["service"][0] for n in narrowed if n}
    assert services == {HOSTILE, "Max"}


def test_heatmap_click_targets_narrow_to_their_cells_week():
    table = hostile_table()
    grid = planner.week_grid(planner.weekly_load(table, days_of(table)), "releases")
    figure = charts.load_heatmap(grid, "Releases")
    targets = [trace for trace in figure.data if trace.type == "scatter"][0]
    assert len(targets.customdata) == grid.size
    narrowed = [planner.narrowing([{"customdata": list(c)}]) for c in targets.customdata]
    assert sorted((n["service"][0], n["from"], n["to"]) for n in narrowed if n) == [
        (HOSTILE, day(0), day(6)),
        (HOSTILE, day(7), day(13)),
        ("Max", day(0), day(6)),
    ]
    assert narrowed.count({}) == 1  # Max's empty second week


def test_a_week_of_one_release_says_release():
    assert charts._week_hover("Max", dt.date(2023, 10, 9), 1, "Releases").endswith("1 release")
    assert charts._week_hover("Max", dt.date(2023, 10, 9), 2, "Releases").endswith("2 releases")
    assert charts._week_hover("Max", dt.date(2023, 10, 9), 1.5, "Runtime hours").endswith(
        "1.5 runtime hours"
    )


def test_weeks_are_named_by_their_mondays():
    table = table_of([row("show", day(0)), row("show", day(15), "Max")])
    load = planner.weekly_load(table, days_of(table))
    for figure in (
        charts.load_heatmap(planner.week_grid(load, "releases"), "Releases"),
        charts.load_bars(load, "releases", "Releases"),
    ):
        axis = figure.layout.xaxis
        assert axis.labelalias == {
            "0": "4 Mar<br>2024",
            "1": "11 Mar<br>2024",
            "2": "18 Mar<br>2024",
        }
        assert list(axis.tickvals) == [0, 1, 2]  # so few weeks are all named


def test_a_season_on_two_services_names_its_service_in_the_timeline():
    table = table_of(
        [premiere("echo", 0, "Disney+"), premiere("echo", 0, "Hulu"), premiere("loki", 3)]
    )
    figure = charts.season_timeline(planner.season_spans(table, days_of(table)))
    assert [note.text for note in figure.layout.annotations] == [
        "Echo · S1 · Disney+",
        "Echo · S1 · Hulu",
        "Loki · S1",  # on one service: its colour and hover say which
    ]


# ------------------------------------------------------------------ properties

services = st.sampled_from(["Netflix", "Max", "Hulu", "Disney+"])
dated_rows = st.lists(
    st.tuples(
        services,
        st.one_of(st.none(), st.integers(0, 60)),
        st.sampled_from(["episode", "series_premiere", "season_premiere", "full_season", "movie"]),
        st.one_of(st.none(), st.integers(1, 120)),
        st.one_of(st.none(), st.integers(1, 10)),
        st.integers(0, 5),
    ),
    max_size=40,
)


def random_table(rows) -> pa.Table:
    return table_of(
        [
            row(f"title-{title}", None if offset is None else day(offset), service,
                release_type=kind, runtime_minutes=minutes, episode_count=count,
                episode_start=index)
            for index, (service, offset, kind, minutes, count, title) in enumerate(rows)
        ]
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(dated_rows)
def test_weekly_load_adds_up_to_the_dated_rows(rows):
    table = random_table(rows)
    load = planner.weekly_load(table, days_of(table))
    dated = [r for r in rows if r[1] is not None]
    assert load["releases"].sum() == len(dated)
    expected_hours = sum((r[3] or 0) * (r[4] or 1) for r in dated) / 60
    assert load["runtime_hours"].sum() == pytest.approx(expected_hours)
    assert all(week.weekday() == 0 for week in load["week_start"])
    assert not load.duplicated(["service", "week_start"]).any()


@settings(max_examples=60, deadline=None)
@given(dated_rows, st.integers(1, 4), st.integers(1, 6), st.booleans())
def test_clashes_meet_their_threshold_and_are_sorted(rows, per_day, per_week, movies):
    table = random_table(rows)
    crowded_days, crowded_weeks = planner.clashes(table, days_of(table), per_day, per_week, movies)
    for crowded, by, threshold in (
        (crowded_days, "day", per_day),
        (crowded_weeks, "week_start", per_week),
    ):
        assert (crowded["count"] >= threshold).all()
        keys = list(zip(-crowded["count"], crowded[by], strict=True))
        assert keys == sorted(keys)
        assert crowded[by].is_unique


def test_runtime_coverage_says_how_many_releases_have_no_runtime():
    table = table_of(
        [row("timed", day(1)), row("unknown", day(1), runtime_minutes=None), row("x", day(8))]
    )
    load = planner.weekly_load(table, days_of(table))
    assert planner.runtime_coverage(load) == (
        "Runtime known for 2 of 3 releases: the others add no hours."
    )
    assert planner.runtime_coverage(load.iloc[[1]]) == "Every release here has a known runtime (1)."
