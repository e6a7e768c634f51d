"""The calendar component's payload: which days a view lays out and what each shows."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from calendar_data.grid import CARDS_PER_DAY, calendar_payload, view_days
from calendar_data.palette import colour_index

NOV_2 = dt.date(2023, 11, 2)


def cards(*rows: tuple[dt.date, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "day": day,
                "title": title,
                "service": service,
                "badge": badge,
                "title_id": f"t-{i}",
                "release_id": f"r-{i}",
            }
            for i, (day, title, service, badge) in enumerate(rows)
        ]
    )


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
