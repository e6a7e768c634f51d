"""Reading typed dates, which day a release lands on for a viewer, and which time zone names
are trusted."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from calendar_data.days import (
    DEFAULT_TIMEZONE,
    as_utc,
    chunked_days,
    is_whole_month,
    local_day,
    local_days,
    local_today,
    parse_date,
    valid_timezone,
    week_start,
)
from calendar_data.schema import SCHEMA

NOV_1, NOV_2 = dt.date(2023, 11, 1), dt.date(2023, 11, 2)


def release(release_id: str, day: dt.date | None, at: dt.datetime | None = None) -> dict:
    return {
        "release_id": release_id,
        "title_id": release_id,
        "title": release_id,
        "kind": "series",
        "release_type": "episode",
        "service": "Netflix",
        "release_date": day,
        "release_at": at,
        "status": "confirmed" if day else "tba",
        "source": "test",
    }


ROWS = [
    # 07:00 UTC is midnight in Los Angeles (PDT) and 16:00 in Tokyo: Nov 2 everywhere.
    release("seven-utc", NOV_2, dt.datetime(2023, 11, 2, 7, tzinfo=dt.UTC)),
    # 02:00 UTC on Nov 2 is still Nov 1 in Los Angeles.
    release("two-utc", NOV_2, dt.datetime(2023, 11, 2, 2, tzinfo=dt.UTC)),
    # 20:00 UTC on Nov 1 is already Nov 2 in Tokyo.
    release("evening-utc", NOV_1, dt.datetime(2023, 11, 1, 20, tzinfo=dt.UTC)),
    release("date-only", NOV_2),
    release("tba", None),
]


def table() -> pa.Table:
    return pa.Table.from_pylist(ROWS, schema=SCHEMA)


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", [NOV_2, NOV_2, NOV_1, NOV_2, None]),
        ("America/Los_Angeles", [NOV_2, NOV_1, NOV_1, NOV_2, None]),
        ("Asia/Tokyo", [NOV_2, NOV_2, NOV_2, NOV_2, None]),
        ("Europe/Paris", [NOV_2, NOV_2, NOV_1, NOV_2, None]),
    ],
)
def test_local_days(tz, expected):
    days = local_days(table(), tz)
    assert days.type == pa.date32()
    assert days.to_pylist() == expected


def test_default_zone_is_utc():
    assert DEFAULT_TIMEZONE == "UTC"
    assert local_days(table()).to_pylist() == local_days(table(), "UTC").to_pylist()


def test_date_only_catalog_keeps_its_dates_in_any_zone():
    dated = pa.Table.from_pylist(ROWS[3:], schema=SCHEMA)
    assert local_days(dated, "Pacific/Kiritimati").to_pylist() == [NOV_2, None]


def test_chunked_and_sliced_tables():
    whole = table()
    pieces = pa.concat_tables([whole.slice(0, 2), whole.slice(2, 1), whole.slice(3)])
    tz = "America/Los_Angeles"
    assert local_days(pieces, tz).to_pylist() == local_days(whole, tz).to_pylist()
    assert local_days(whole.slice(1, 2), tz).to_pylist() == [NOV_1, NOV_1]


@pytest.mark.parametrize("tz", ["Europe/London", "America/New_York", "Australia/Lord_Howe"])
def test_summer_time_after_2037_lands_on_the_same_day_as_one_rows(tz):
    """Arrow's zone rules end in 2037; the calendar, exports and drawer must still agree."""
    instants = [dt.datetime(year, 7, 1, 23, 30, tzinfo=dt.UTC) for year in (2037, 2038, 2150)]
    instants += [dt.datetime(2038, 1, 1, 12, 30, tzinfo=dt.UTC), None]
    rows = [release(f"r{n}", NOV_2, at) for n, at in enumerate(instants)]
    days = local_days(pa.Table.from_pylist(rows, schema=SCHEMA), tz)
    assert days.to_pylist() == [local_day(row, tz) for row in rows]
    assert local_day(rows[1], "Europe/London") == dt.date(2038, 7, 2)


def test_empty_table():
    assert local_days(table().slice(0, 0), "Asia/Tokyo").to_pylist() == []


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "../../etc/passwd",
        "/etc/localtime",
        "Not/AZone",
        "America",  # a folder of zones, not a zone
        "posixrules",  # a file Python reads but Arrow cannot use
        "Factory",  # likewise
        "localtime",  # the server's own zone, whichever it is
        "posix/Europe/Paris",  # a copy of a zone's rules, not a name to share
        "",
        None,
        "x" * 100,
        "Europe/Paris\x00",
        42,
    ],
)
def test_valid_timezone_rejects(name):
    assert valid_timezone(name) is None


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Los_Angeles", "Asia/Kolkata"])
def test_valid_timezone_accepts_real_zones(name):
    assert valid_timezone(name) == name
    local_days(table(), name)  # and Arrow can use every zone it accepts


@pytest.mark.parametrize(
    ("now", "tz", "today"),
    [
        ("2026-11-24T12:00:00+00:00", "Pacific/Kiritimati", dt.date(2026, 11, 25)),
        ("2026-11-24T12:00:00+00:00", "Pacific/Honolulu", dt.date(2026, 11, 24)),
        ("2026-11-24T02:00:00+00:00", "Pacific/Honolulu", dt.date(2026, 11, 23)),
        ("2026-11-24T23:59:59+00:00", "UTC", dt.date(2026, 11, 24)),
    ],
)
def test_today_is_the_viewers_day(now, tz, today):
    assert local_today(tz, dt.datetime.fromisoformat(now)) == today


def test_parse_date_reads_year_month_day():
    assert parse_date("2023-11-02") == NOV_2
    assert parse_date("0001-01-01") == dt.date.min


@pytest.mark.parametrize(
    "text",
    [
        "2023-W44-4",
        "20231102",
        "2023-11",
        "2023-13-01",
        "2023-02-30",
        "２０２３-１１-０１",
        " 2023-11-02",
        "2023-11-02T00:00",
        "2023-11-02\n",
        "",
        None,
        20231102,
    ],
)
def test_parse_date_refuses_anything_else_and_quotes_it(text):
    with pytest.raises(ValueError, match=r"is not a date \(YYYY-MM-DD\)") as caught:
        parse_date(text)
    assert str(caught.value).startswith(repr(text))


def test_parse_date_quotes_long_text_shortly():
    with pytest.raises(ValueError) as caught:
        parse_date("x" * 10_000)
    assert len(str(caught.value)) < 100


@pytest.mark.parametrize(
    ("start", "end", "whole"),
    [
        (dt.date(2023, 11, 1), dt.date(2023, 11, 30), True),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29), True),  # a leap year's February
        (dt.date(2023, 2, 1), dt.date(2023, 2, 28), True),
        (dt.date(2023, 12, 1), dt.date(2023, 12, 31), True),
        (dt.date(2023, 11, 1), dt.date(2023, 11, 29), False),
        (dt.date(2023, 11, 2), dt.date(2023, 11, 30), False),
        (dt.date(2023, 11, 1), dt.date(2023, 12, 31), False),
    ],
)
def test_whole_months_are_first_day_to_last(start, end, whole):
    assert is_whole_month(start, end) is whole


def test_as_utc_gives_aware_utc_to_the_second():
    paris = dt.timezone(dt.timedelta(hours=1))
    moment = dt.datetime(2023, 11, 2, 9, 30, 15, 999, tzinfo=paris)
    assert as_utc(moment) == dt.datetime(2023, 11, 2, 8, 30, 15, tzinfo=dt.UTC)
    assert as_utc(moment).tzinfo is dt.UTC
    assert as_utc(dt.datetime(2023, 11, 2, 8, 30)) == dt.datetime(2023, 11, 2, 8, 30, tzinfo=dt.UTC)
    assert as_utc(None) is None


@pytest.mark.parametrize(
    ("day", "monday"),
    [(NOV_2, dt.date(2023, 10, 30)), (dt.date(2023, 10, 30), dt.date(2023, 10, 30))],
)
def test_weeks_start_on_monday(day, monday):
    assert week_start(day) == monday
    assert week_start(day + dt.timedelta(days=6 - day.weekday())) == monday  # its Sunday


def test_days_are_chunked_like_a_tables_column():
    plain = pa.array([NOV_1, None], pa.date32())
    assert chunked_days(plain).to_pylist() == [NOV_1, None]
    assert chunked_days(pa.chunked_array([plain])).num_chunks == 1
