"""How the calendar draws: month grids, view ranges and navigation, and the component's
payload (which days a view lays out and what each shows)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest

from calendar_data import grid
from calendar_data.bucketing import DayCards
from calendar_data.grid import CARDS_PER_DAY, calendar_payload, view_days
from calendar_data.palette import colour_index
from calendar_data.params import VIEWS

D = dt.date
NOV_2 = dt.date(2023, 11, 2)


# --------------------------------------------------------------------------- grids and ranges


def test_november_2023_grid():
    weeks = grid.month_grid(D(2023, 11, 17))
    assert weeks[0][0] == D(2023, 10, 30)
    assert weeks[-1][-1] == D(2023, 12, 3)
    assert len(weeks) == 5


def test_february_2021_is_exactly_four_weeks():
    weeks = grid.month_grid(D(2021, 2, 10))
    assert len(weeks) == 4
    assert (weeks[0][0], weeks[-1][-1]) == (D(2021, 2, 1), D(2021, 2, 28))


@pytest.mark.parametrize("year", [2020, 2021, 2023, 2024, 2100])
def test_every_month_grid_covers_each_day_once_in_monday_weeks(year):
    for month in range(1, 13):
        weeks = grid.month_grid(D(year, month, 15))
        days = [day for week in weeks for day in week]
        assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)
        assert all(b - a == dt.timedelta(days=1) for a, b in zip(days, days[1:], strict=False))
        in_month = [day for day in days if day.month == month]
        assert in_month[0] == D(year, month, 1)
        assert in_month == sorted(set(in_month))
        assert in_month[-1] == grid.month_end(D(year, month, 1))
        # No week lies wholly outside the month.
        assert all(any(day.month == month for day in week) for week in weeks)


@pytest.mark.parametrize(
    ("view", "anchor", "expected"),
    [
        ("month", D(2023, 11, 17), (D(2023, 10, 30), D(2023, 12, 3))),
        ("week", D(2023, 11, 17), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2023, 11, 13), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2023, 11, 19), (D(2023, 11, 13), D(2023, 11, 19))),
        ("week", D(2024, 1, 2), (D(2024, 1, 1), D(2024, 1, 7))),
        ("agenda", D(2023, 11, 17), (D(2023, 11, 1), D(2023, 11, 30))),
        ("agenda", D(2024, 2, 3), (D(2024, 2, 1), D(2024, 2, 29))),
    ],
)
def test_view_range(view, anchor, expected):
    assert grid.view_range(view, anchor) == expected


@pytest.mark.parametrize(
    ("view", "anchor", "steps", "expected"),
    [
        ("month", D(2024, 1, 31), 1, D(2024, 2, 29)),
        ("month", D(2023, 1, 31), 1, D(2023, 2, 28)),
        ("month", D(2024, 3, 31), -1, D(2024, 2, 29)),
        ("month", D(2023, 12, 15), 1, D(2024, 1, 15)),
        ("month", D(2024, 1, 15), -1, D(2023, 12, 15)),
        ("month", D(2023, 11, 2), 12, D(2024, 11, 2)),
        ("month", D(2023, 11, 2), -25, D(2021, 10, 2)),
        ("agenda", D(2023, 10, 31), 1, D(2023, 11, 30)),
        ("week", D(2023, 12, 28), 1, D(2024, 1, 4)),
        ("week", D(2023, 11, 2), -2, D(2023, 10, 19)),
    ],
)
def test_shift(view, anchor, steps, expected):
    assert grid.shift(view, anchor, steps) == expected


@pytest.mark.parametrize(
    ("view", "expected"),
    [("month", "November 2023"), ("agenda", "November 2023"), ("week", "Week of 13 November 2023")],
)
def test_period_heading(view, expected):
    assert grid.period_heading(view, D(2023, 11, 17)) == expected


def test_views_are_known():
    assert VIEWS == ("month", "week", "agenda")
    assert set(grid.CARDS_PER_DAY) == set(VIEWS)


# --------------------------------------------------------------------------- opening day, span


def dates(*days) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(list(days), pa.date32())])


TODAY = D(2023, 11, 15)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (dates(D(2023, 11, 1), D(2023, 12, 24), None), TODAY),
        (dates(TODAY), TODAY),
        (dates(D(2023, 3, 1), D(2023, 1, 5), None), D(2023, 1, 5)),
        (dates(None, None), TODAY),
        (dates(), TODAY),
    ],
)
def test_opening_day(days, expected):
    assert grid.opening_day(days, TODAY) == expected


def test_span():
    assert grid.span(dates(D(2023, 3, 1), None, D(2023, 1, 5))) == (
        D(2023, 1, 5),
        D(2023, 3, 1),
    )
    assert grid.span(dates(None)) == (None, None)


# --------------------------------------------------------------------------- payload


def cards(*rows: tuple[dt.date, str, str, str]) -> DayCards:
    """Cards in the order given, every one of them shown."""
    frame = pd.DataFrame(
        [
            {
                "day": day,
                "title": title,
                "service": service,
                "badge": badge,
                "title_id": f"t-{i}",
                "release_id": f"r-{i}",
                "image_url": None,
            }
            for i, (day, title, service, badge) in enumerate(rows)
        ],
        columns=["day", "title", "service", "badge", "title_id", "release_id", "image_url"],
    )
    return DayCards(frame, frame.groupby("day", sort=False).size().to_dict())


def test_a_month_lays_out_whole_weeks_from_monday():
    days = view_days("month", NOV_2, cards())
    assert days[0] == dt.date(2023, 10, 30) and days[-1] == dt.date(2023, 12, 3)
    assert len(days) == 35 and days[0].weekday() == 0


def test_a_week_is_seven_days_and_the_agenda_only_days_with_cards():
    assert view_days("week", NOV_2, cards()) == [
        dt.date(2023, 10, 30) + dt.timedelta(i) for i in range(7)
    ]
    some = cards((NOV_2, "A", "Netflix", ""), (dt.date(2023, 11, 9), "B", "Max", ""))
    assert view_days("agenda", NOV_2, some) == [NOV_2, dt.date(2023, 11, 9)]
    assert view_days("agenda", NOV_2, cards()) == []


def test_month_cells_show_three_cards_and_count_the_rest():
    crowded = cards(*[(NOV_2, f"Show {i}", "Netflix", "Premiere") for i in range(5)])
    payload = calendar_payload(crowded, "month", NOV_2, today=dt.date(2023, 11, 3))
    cell = next(d for d in payload["days"] if d["day"] == "2023-11-02")
    assert [c["title"] for c in cell["cards"]] == ["Show 0", "Show 1", "Show 2"]
    assert cell["more"] == 2 and cell["label"] == "2"
    assert cell["cards"][0] == {
        "title": "Show 0",
        "details": "Netflix · Premiere",
        "slot": colour_index("Netflix"),
        "title_id": "t-0",
        "release_id": "r-0",
    }
    assert payload["weekdays"][0] == "Mon"
    week = calendar_payload(crowded, "week", NOV_2, today=NOV_2)
    cell = next(d for d in week["days"] if d["day"] == "2023-11-02")
    assert len(cell["cards"]) == 5 and cell["more"] == 0 and cell["label"] == "Thu 2"
    assert week["weekdays"] == []
    assert CARDS_PER_DAY["month"] == 3


def test_days_outside_the_month_are_faded_and_today_is_marked():
    payload = calendar_payload(cards(), "month", NOV_2, today=NOV_2)
    by_day = {d["day"]: d for d in payload["days"]}
    assert by_day["2023-10-30"]["faded"] and not by_day["2023-11-01"]["faded"]
    assert by_day["2023-11-02"]["today"] and not by_day["2023-11-01"]["today"]
    agenda = calendar_payload(cards((NOV_2, "A", "Max", "")), "agenda", NOV_2, today=NOV_2)
    assert agenda["days"][0]["label"] == "Thursday 2 November 2023"
    assert by_day["2023-10-30"]["name"] == "Monday 30 October 2023"


def test_text_is_one_bounded_printable_line_and_the_payload_is_json():
    hostile = "<b>x</b>\n\u202eevil\x00 " + "y" * 500
    payload = calendar_payload(cards((NOV_2, hostile, "Max\nBad", "")), "agenda", NOV_2, NOV_2)
    card = payload["days"][0]["cards"][0]
    assert card["title"].startswith("<b>x</b> evil y") and len(card["title"]) <= 80
    assert card["details"] == "Max Bad"
    assert json.loads(json.dumps(payload)) == payload


def test_an_agenda_day_shows_fifty_cards_and_counts_the_rest():
    busy = cards(*[(NOV_2, f"Show {i}", "Max", "") for i in range(60)])
    day = calendar_payload(busy, "agenda", NOV_2, NOV_2)["days"][0]
    assert len(day["cards"]) == CARDS_PER_DAY["agenda"] == 50 and day["more"] == 10


def test_the_drawer_lays_out_every_card_it_is_given_in_one_unlabelled_day():
    busy = cards(*[(NOV_2, f"Show {i}", "Max", "") for i in range(60)])
    payload = grid.drawer_payload(busy.shown, NOV_2)
    assert payload["view"] == "drawer" and payload["weekdays"] == []
    (day,) = payload["days"]
    assert len(day["cards"]) == 60 and day["more"] == 0
    assert day["label"] == "" and day["name"] == "Thursday 2 November 2023"


def test_a_phones_one_column_names_each_days_weekday_and_month():
    labels = {
        view: next(d for d in calendar_payload(cards(), view, NOV_2, NOV_2)["days"])
        for view in ("month", "week")
    }
    assert labels["month"]["label"] == "30" and labels["month"]["phone_label"] == "Mon 30 Oct"
    assert labels["week"]["label"] == "Mon 30" and labels["week"]["phone_label"] == "Mon 30 Oct"
    agenda = calendar_payload(cards((NOV_2, "A", "Max", "")), "agenda", NOV_2, NOV_2)["days"][0]
    assert agenda["phone_label"] == agenda["label"] == "Thursday 2 November 2023"


@pytest.mark.parametrize(
    ("view", "anchor", "first", "last", "expected"),
    [
        ("month", dt.date(2023, 10, 1), dt.date(2023, 11, 1), None, dt.date(2023, 11, 1)),
        ("month", dt.date(2023, 10, 1), dt.date(2023, 10, 31), None, dt.date(2023, 10, 1)),
        ("month", dt.date(2023, 12, 1), None, dt.date(2023, 11, 30), dt.date(2023, 11, 30)),
        (
            "month",
            dt.date(2023, 12, 1),
            dt.date(2023, 10, 5),
            dt.date(2023, 11, 2),
            dt.date(2023, 10, 5),
        ),
        ("week", dt.date(2023, 11, 1), dt.date(2023, 11, 6), None, dt.date(2023, 11, 6)),
        ("week", dt.date(2023, 11, 1), dt.date(2023, 11, 5), None, dt.date(2023, 11, 1)),
        ("agenda", dt.date(2023, 10, 1), None, None, dt.date(2023, 10, 1)),
    ],
)
def test_anchor_in_range_moves_only_a_period_the_range_misses(view, anchor, first, last, expected):
    """A month is its own days, not its grid's (October 2023's grid runs to 5 November)."""
    assert grid.anchor_in_range(view, anchor, first, last) == expected


def test_nearest_day_looks_both_ways_and_prefers_the_closer():
    days = pa.array([dt.date(2023, 10, 1), dt.date(2023, 11, 28), None], pa.date32())
    assert grid.nearest_day(days, dt.date(2023, 11, 1), dt.date(2023, 11, 7)) == dt.date(
        2023, 11, 28
    )
    assert grid.nearest_day(days, dt.date(2023, 10, 2), dt.date(2023, 10, 9)) == dt.date(
        2023, 10, 1
    )
    assert grid.nearest_day(days.slice(2), dt.date(2023, 1, 1), dt.date(2023, 1, 2)) is None
