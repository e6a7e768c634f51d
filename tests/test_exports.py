"""CSV and iCalendar exports, and the names of their files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from calendar_data.exports import export_bytes, export_filename, to_csv, to_ics
from calendar_data.filters import ReleaseFilter
from calendar_data.schema import COLUMN_NAMES, SCHEMA

UTC = dt.UTC
NOW = dt.datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PROPERTY_LINE = re.compile(r"^[A-Z][A-Z0-9-]*[;:]")
EVENT_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "TRANSP",
    "CATEGORIES",
    "STATUS",
    "URL",
    "SEQUENCE",
    "LAST-MODIFIED",
}

REFERENCE = {
    "release_id": "all-the-light-s1e1-4",
    "title_id": "all-the-light",
    "title": "All the Light We Cannot See",
    "kind": "limited_series",
    "release_type": "full_season",
    "season": 1,
    "episode_start": 1,
    "episode_end": 4,
    "episode_count": 4,
    "episode_titles": ["Episode 1", "Episode 2", "Episode 3", "Episode 4"],
    "runtime_minutes": 60,
    "genres": ["Drama", "War"],
    "language": "en",
    "synopsis": "A blind French girl, Marie-Laure, and her father flee occupied Paris.",
    "cast": [
        {"name": "Aria Mia Loberti", "character": "Marie-Laure LeBlanc"},
        {"name": "Mark Ruffalo", "character": "Daniel LeBlanc"},
    ],
    "crew": [
        {"name": "Shawn Levy", "role": "director"},
        {"name": "Anthony Doerr", "role": "based-on author"},
    ],
    "service": "Netflix",
    "release_date": dt.date(2023, 11, 2),
    "release_at": dt.datetime(2023, 11, 2, 7, tzinfo=UTC),
    "release_tz": "America/Los_Angeles",
    "status": "confirmed",
    "homepage_url": "https://www.netflix.com/title/81083008",
    "source": "editorial sample",
    "updated_at": dt.datetime(2023, 10, 1, 12, tzinfo=UTC),
}


def release(**values) -> dict:
    """A minimal valid row: a movie on Netflix on 2023-11-10, overridden by ``values``."""
    row = {
        "release_id": "r1",
        "title_id": "t1",
        "title": "A Film",
        "kind": "movie",
        "release_type": "movie",
        "service": "Netflix",
        "release_date": dt.date(2023, 11, 10),
        "status": "confirmed",
        "source": "test",
    }
    return row | values


def catalog(*rows: dict) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


def synthetic_table(rows: int, seed: int = 0) -> pa.Table:
    """``rows`` varied, realistic rows (about half timed, some tba) for size and speed checks."""
    rng = random.Random(seed)
    services = ["Netflix", "Prime Video", "Disney+", "Max", "Apple TV+", "Canal+ Séries"]
    words = ["Light", "Night", "=Crown", "Hôtel", "Rivers, Inc.", 'The "Last"', "Kōhaku", "-1"]
    pool = []
    for index in range(500):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730))
        timed = rng.random() < 0.5
        count = rng.choice([None, 1, 4, 8])
        pool.append(
            release(
                release_id=f"p{index}",
                title=" ".join(rng.sample(words, 3)),
                kind=rng.choice(["movie", "series", "limited_series"]),
                release_type=rng.choice(["movie", "episode", "full_season", "season_premiere"]),
                season=rng.choice([None, 1, 2]),
                episode_start=1 if count else None,
                episode_end=count,
                episode_count=count,
                episode_titles=[f"Part {n}" for n in range(count or 0)],
                runtime_minutes=rng.choice([None, 25, 50, 110]),
                genres=rng.sample(["Drama", "Comedy", "Sci-Fi", "+Docs"], 2),
                synopsis=rng.choice([None, "A quiet, long story.\nWith two lines; and more. " * 4]),
                cast=[
                    {"name": "Ana Ruiz", "character": "=Self"},
                    {"name": "Bo", "character": None},
                ],
                crew=[{"name": "Jo Lee", "role": "director"}],
                service=rng.choice(services),
                release_date=None if index % 50 == 0 else day,
                release_at=dt.datetime.combine(day, dt.time(8), UTC) if timed else None,
                status="tba" if index % 50 == 0 else "confirmed",
                homepage_url=f"https://example.com/{index}",
                updated_at=NOW,
            )
        )
    table = catalog(*pool)
    picks = pa.array([rng.randrange(len(pool)) for _ in range(rows)])
    table = table.take(picks)
    ids = pa.array([f"r{n}" for n in range(rows)], pa.string())
    return table.set_column(0, "release_id", ids)


# --------------------------------------------------------------------------- CSV helpers


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def csv_records(table: pa.Table) -> list[dict[str, str]]:
    header, *rows = read_csv(to_csv(table))
    return [dict(zip(header, row, strict=True)) for row in rows]


def is_neutral(cell: str, original: str) -> bool:
    """``cell`` is ``original``, or ``original`` behind a ``'``, and starts with no trigger."""
    return (cell == original or cell == "'" + original) and not cell.startswith(TRIGGERS)


# --------------------------------------------------------------------------- CSV


def test_csv_has_bom_header_in_schema_order_and_one_line_per_row():
    header, *rows = read_csv(to_csv(catalog(REFERENCE, release(release_id="r2"))))
    assert header == list(COLUMN_NAMES)
    assert len(rows) == 2 and all(len(row) == len(header) for row in rows)


def test_csv_of_a_column_subset_keeps_schema_order_and_drops_unknown_columns():
    table = pa.table(
        {
            "service": ["Netflix"],
            "zzz": ["ignored"],
            "release_date": [dt.date(2023, 11, 2)],
            "title": ["Film"],
        }
    )
    assert read_csv(to_csv(table)) == [
        ["title", "service", "release_date"],
        ["Film", "Netflix", "2023-11-02"],
    ]


def test_csv_writes_values_in_the_build_format():
    (record,) = csv_records(catalog(REFERENCE | {"previous_release_date": dt.date(2023, 10, 5)}))
    assert record["title"] == "All the Light We Cannot See"
    assert record["kind"] == "limited_series"
    assert record["season"] == "1" and record["episode_end"] == "4"
    assert record["runtime_minutes"] == "60"
    assert record["genres"] == "Drama|War"
    assert record["episode_titles"] == "Episode 1|Episode 2|Episode 3|Episode 4"
    assert record["cast"] == "Aria Mia Loberti=Marie-Laure LeBlanc|Mark Ruffalo=Daniel LeBlanc"
    assert record["crew"] == "Shawn Levy=director|Anthony Doerr=based-on author"
    assert record["release_date"] == "2023-11-02"
    assert record["release_at"] == "2023-11-02T07:00:00Z"
    assert record["updated_at"] == "2023-10-01T12:00:00Z"
    assert record["previous_release_date"] == "2023-10-05"
    assert record["synopsis"] == REFERENCE["synopsis"]
    assert record["original_title"] == "" and record["region"] == ""


def test_csv_keeps_fractions_of_a_second_when_there_are_some():
    row = release(updated_at=dt.datetime(2023, 10, 1, 12, 0, 5, 250000, tzinfo=UTC))
    (record,) = csv_records(catalog(row))
    assert record["updated_at"] == "2023-10-01T12:00:05.250000Z"


def test_csv_empty_and_partial_lists_and_people():
    rows = [
        release(release_id="a", genres=[], cast=None),
        release(release_id="b", genres=["Drama", None], cast=[{"name": "Bo", "character": None}]),
        release(release_id="c", crew=[{"name": None, "role": "writer"}, None]),
    ]
    a, b, c = csv_records(catalog(*rows))
    assert a["genres"] == "" and a["cast"] == ""
    assert b["genres"] == "Drama|" and b["cast"] == "Bo"
    assert c["crew"] == "'=writer|", "a list cell starting with = is neutralised after joining"


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_csv_neutralises_formulas_in_every_kind_of_text_cell(trigger):
    row = release(
        title=f'{trigger}HYPERLINK("http://evil")',
        service=f"{trigger}Service",  # dictionary-encoded
        genres=[f"{trigger}cmd|' /C calc", "Drama"],
        cast=[{"name": f"{trigger}1+1", "character": "X"}],
        synopsis=f"{trigger}",
    )
    (record,) = csv_records(catalog(row))
    assert record["title"] == f'\'{trigger}HYPERLINK("http://evil")'
    assert record["service"] == f"'{trigger}Service"
    assert record["genres"] == f"'{trigger}cmd|' /C calc|Drama"
    assert record["cast"] == f"'{trigger}1+1=X"
    assert record["synopsis"] == f"'{trigger}"


def test_csv_leaves_numbers_and_inner_triggers_alone():
    (record,) = csv_records(catalog(release(season=-1, title="Plus +1 = 2", genres=["A", "=B"])))
    assert record["season"] == "-1"
    assert record["title"] == "Plus +1 = 2"
    assert record["genres"] == "A|=B"


def test_csv_of_an_empty_table_is_its_header():
    assert read_csv(to_csv(catalog())) == [list(COLUMN_NAMES)]


def test_csv_refuses_a_table_without_catalog_columns():
    with pytest.raises(ValueError, match="none of the catalog's columns"):
        to_csv(pa.table({"foo": [1]}))


def test_csv_of_a_large_table_has_every_row():
    table = synthetic_table(3000, seed=1)
    rows = read_csv(to_csv(table))
    assert len(rows) == 3001
    assert all(not cell.startswith(TRIGGERS) for row in rows for cell in row)


hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from([*TRIGGERS, ",", '"', "'", "|", "=", " ", "é", "日", "\x00"]),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
csv_rows = st.lists(
    st.fixed_dictionaries(
        {
            "title": hostile_text,
            "synopsis": st.none() | hostile_text,
            "service": hostile_text,
            "genres": st.none() | st.lists(hostile_text, max_size=3),
            "season": st.none() | st.integers(-(2**15), 2**15 - 1),
            "release_date": st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
        }
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_rows)
def test_csv_round_trips_any_text_safely(rows):
    table = catalog(*(release(release_id=f"r{i}", **row) for i, row in enumerate(rows)))
    records = csv_records(table)
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert len(record) == len(COLUMN_NAMES)
        assert is_neutral(record["title"], row["title"])
        assert is_neutral(record["service"], row["service"])
        assert is_neutral(record["synopsis"], row["synopsis"] or "")
        assert is_neutral(record["genres"], "|".join(row["genres"] or []))
        assert record["season"] == ("" if row["season"] is None else str(row["season"]))
        date = row["release_date"]
        assert record["release_date"] == (date.isoformat() if date else "")


# --------------------------------------------------------------------------- iCalendar helpers


def parse_ics(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events_by_uid(data: bytes) -> dict:
    return {str(event["UID"]): event for event in parse_ics(data).events}


def check_lines(data: bytes) -> None:
    """Every physical line is a property or a fold of one, at most 75 octets, CRLF-ended."""
    assert data.endswith(b"\r\n")
    for raw in data[:-2].split(b"\r\n"):
        assert len(raw) <= 75, raw
        assert b"\r" not in raw and b"\n" not in raw
        line = raw.decode("utf-8")
        assert line.startswith(" ") or PROPERTY_LINE.match(line), line
    text = data.decode("utf-8")
    for separator in ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
        assert separator not in text, "no character that str.splitlines() breaks on"


# --------------------------------------------------------------------------- iCalendar


def test_ics_events_round_trip():
    rows = [
        REFERENCE,
        release(release_id="movie", title="Dune", service="Max", release_date=dt.date(2024, 3, 1)),
        release(release_id="tba", title="Later", release_date=None, status="tba"),
    ]
    data = to_ics(catalog(*rows), "Netflix · 2023-11", now=NOW)
    check_lines(data)
    calendar = parse_ics(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "calendar-data" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Netflix · 2023-11"
    events = events_by_uid(data)
    assert set(events) == {"all-the-light-s1e1-4@calendar-data", "movie@calendar-data"}
    light = events["all-the-light-s1e1-4@calendar-data"]
    assert str(light["SUMMARY"]) == "All the Light We Cannot See — S1 E1-E4 (Netflix)"
    assert light.categories == ["Netflix"]
    assert str(light["URL"]) == REFERENCE["homepage_url"]
    assert light["DTSTAMP"].dt == REFERENCE["updated_at"]
    assert str(light["STATUS"]) == "CONFIRMED"
    movie = events["movie@calendar-data"]
    assert str(movie["SUMMARY"]) == "Dune (Max)"
    assert movie.categories == ["Max"]
    assert movie["DTSTAMP"].dt == NOW
    assert movie.start == dt.date(2024, 3, 1)


def test_ics_description_says_what_lands():
    event = events_by_uid(to_ics(catalog(REFERENCE), "x", now=NOW))[
        "all-the-light-s1e1-4@calendar-data"
    ]
    assert str(event["DESCRIPTION"]) == (
        "Limited series · Full season\n"
        "Season 1, episodes 1–4\n"
        "Runtime: 60 min per episode\n"
        "\n" + REFERENCE["synopsis"]
    )


@pytest.mark.parametrize(
    ("values", "label"),
    [
        ({"kind": "series", "season": 2, "episode_start": 3, "episode_end": 3}, "S2 E3"),
        ({"kind": "series", "season": 2, "episode_start": 1, "episode_end": 8}, "S2 E1-E8"),
        ({"kind": "series", "season": 3}, "S3"),
        ({"kind": "limited_series", "season": 1, "episode_start": 1, "episode_end": 4}, "S1 E1-E4"),
        ({"kind": "special", "episode_start": 1, "episode_end": 1}, "E1"),
    ],
)
def test_ics_summary_names_the_episodes(values, label):
    """As every other place does (:func:`describe.release_label`), without the count."""
    (event,) = parse_ics(to_ics(catalog(release(title="Show", **values)), "x", now=NOW)).events
    assert str(event["SUMMARY"]) == f"Show — {label} (Netflix)"


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (dt.date(2023, 12, 31), dt.date(2024, 1, 1)),
        (dt.date(2024, 2, 29), dt.date(2024, 3, 1)),
        (dt.date(2023, 11, 30), dt.date(2023, 12, 1)),
        (dt.date(2024, 3, 10), dt.date(2024, 3, 11)),
    ],
)
def test_ics_date_only_releases_are_all_day_with_exclusive_end(day, following):
    data = to_ics(catalog(release(release_date=day)), "x", now=NOW)
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\n".encode() in data
    assert f"DTEND;VALUE=DATE:{following:%Y%m%d}\r\n".encode() in data
    (event,) = parse_ics(data).events
    assert event.start == day and event.end == following
    assert not isinstance(event.start, dt.datetime)


@pytest.mark.parametrize(
    ("instant", "values", "minutes"),
    [
        # around the end and the start of daylight saving time in the US
        (dt.datetime(2023, 11, 5, 8, 30, tzinfo=UTC), {"runtime_minutes": 45}, 45),
        (
            dt.datetime(2024, 3, 10, 10, tzinfo=UTC),
            {"runtime_minutes": 50, "episode_count": 4},
            200,
        ),
        (dt.datetime(2024, 3, 31, 1, tzinfo=UTC), {}, 60),
        (dt.datetime(2023, 12, 31, 23, 30, tzinfo=UTC), {"runtime_minutes": 90}, 90),
    ],
)
def test_ics_known_instants_are_timed_utc_events(instant, values, minutes):
    row = release(release_date=instant.date(), release_at=instant, **values)
    data = to_ics(catalog(row), "x", now=NOW)
    assert f"DTSTART:{instant:%Y%m%dT%H%M%SZ}\r\n".encode() in data
    (event,) = parse_ics(data).events
    assert event.start == instant and event.start.utcoffset() == dt.timedelta(0)
    assert event.end - event.start == dt.timedelta(minutes=minutes)


def test_ics_is_reproducible_with_a_fixed_now():
    table = synthetic_table(40, seed=3)
    assert to_ics(table, "All", now=NOW) == to_ics(table, "All", now=NOW)


def test_ics_skips_undated_rows_and_keeps_instant_only_rows():
    rows = [
        release(release_id="dated"),
        release(release_id="tba", release_date=None, status="tba"),
        release(
            release_id="instant", release_date=None, release_at=dt.datetime(2024, 1, 2, tzinfo=UTC)
        ),
    ]
    assert set(events_by_uid(to_ics(catalog(*rows), "x", now=NOW))) == {
        "dated@calendar-data",
        "instant@calendar-data",
    }


def test_ics_link_is_the_first_http_link():
    rows = [
        release(release_id="home", homepage_url="https://a.example/x", source_url="https://b/"),
        release(release_id="source", homepage_url="javascript:alert(1)", source_url="http://b/y"),
        release(release_id="none", homepage_url="ftp://a/", source_url="https://b/\r\nX:1"),
    ]
    events = events_by_uid(to_ics(catalog(*rows), "x", now=NOW))
    assert str(events["home@calendar-data"]["URL"]) == "https://a.example/x"
    assert str(events["source@calendar-data"]["URL"]) == "http://b/y"
    assert "URL" not in events["none@calendar-data"]


def test_ics_from_a_column_subset():
    table = pa.table(
        {"release_id": ["a"], "title": ["Film"], "release_date": [dt.date(2024, 5, 1)]}
    )
    (event,) = parse_ics(to_ics(table, "x", now=NOW)).events
    assert str(event["SUMMARY"]) == "Film"
    assert event.start == dt.date(2024, 5, 1)


@pytest.mark.parametrize("missing", ["release_id", "title"])
def test_ics_refuses_a_table_without_ids_or_titles(missing):
    table = catalog(release()).drop_columns([missing])
    with pytest.raises(ValueError, match=f"no {missing} column"):
        to_ics(table, "x")


def test_ics_refuses_a_table_without_dates():
    with pytest.raises(ValueError, match="no release_date column"):
        to_ics(catalog(release()).drop_columns(["release_date", "release_at"]), "x")


def test_ics_injected_line_breaks_stay_inside_their_property():
    attack = (
        "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged\nSUMMARY:x\x00\x0b\x85\u2028DTSTART:1"
    )
    row = release(
        release_id="id\r\nX-EVIL:1", title=attack, synopsis=attack, service="S\r\nX-EVIL:2"
    )
    data = to_ics(catalog(row), "Name\r\nX-WR-CALDESC:evil", now=NOW)
    check_lines(data)
    calendar = parse_ics(data)
    assert "X-WR-CALDESC" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "Name X-WR-CALDESC:evil"
    (event,) = calendar.events
    assert set(event) <= EVENT_PROPERTIES
    assert str(event["UID"]) == "id X-EVIL:1@calendar-data"
    summary = str(event["SUMMARY"])
    assert "\n" not in summary and "\r" not in summary
    assert summary.startswith("Evil END:VEVENT BEGIN:VEVENT UID:forged SUMMARY:x")
    assert "END:VEVENT\nBEGIN:VEVENT" in str(event["DESCRIPTION"])
    assert event.categories == ["S X-EVIL:2"]
    assert data.count(b"\r\nBEGIN:VEVENT\r\n") == 1


def test_ics_folds_long_unicode_text_losslessly():
    synopsis = "Ünïcödé 日本語のテキスト, with commas; semicolons \\ backslashes 🎬. " * 12
    data = to_ics(catalog(release(synopsis=synopsis)), "x", now=NOW)
    check_lines(data)
    (event,) = parse_ics(data).events
    assert str(event["DESCRIPTION"]).endswith(synopsis)


ics_rows = st.lists(
    st.fixed_dictionaries(
        {
            "title": hostile_text,
            "synopsis": st.none() | hostile_text,
            "service": st.text(min_size=1, max_size=8),
            "release_date": st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 30)),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ics_rows, hostile_text)
def test_ics_any_text_gives_one_well_formed_event_per_row(rows, name):
    table = catalog(*(release(release_id=f"r{i}", **row) for i, row in enumerate(rows)))
    data = to_ics(table, name, now=NOW)
    check_lines(data)
    calendar = parse_ics(data)
    assert [str(event["UID"]) for event in calendar.events] == [
        f"r{i}@calendar-data" for i in range(len(rows))
    ]
    for event, row in zip(calendar.events, rows, strict=True):
        assert set(event) <= EVENT_PROPERTIES
        assert event.start == row["release_date"]
        assert event.end == row["release_date"] + dt.timedelta(days=1)


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("release_filter", "fmt", "expected"),
    [
        (ReleaseFilter(), "ics", "releases_all.ics"),
        (
            ReleaseFilter(
                services=("Netflix",), start=dt.date(2023, 11, 1), end=dt.date(2023, 11, 30)
            ),
            "csv",
            "releases_netflix_2023-11.csv",
        ),
        (
            ReleaseFilter(
                services=("Netflix", "Disney+", "Canal+ Séries"),
                start=dt.date(2024, 2, 1),
                end=dt.date(2024, 2, 29),
            ),
            "ics",
            "releases_netflix-disney-canal-series_2024-02.ics",
        ),
        (
            ReleaseFilter(start=dt.date(2023, 11, 5), end=dt.date(2023, 11, 20)),
            "csv",
            "releases_all_2023-11-05_2023-11-20.csv",
        ),
        (
            ReleaseFilter(start=dt.date(2023, 11, 1), end=dt.date(2023, 11, 29)),
            "csv",
            "releases_all_2023-11-01_2023-11-29.csv",
        ),
        (ReleaseFilter(start=dt.date(2023, 11, 5)), "csv", "releases_all_from-2023-11-05.csv"),
        (ReleaseFilter(end=dt.date(2023, 12, 31)), "ics", "releases_all_to-2023-12-31.ics"),
        (
            ReleaseFilter(
                services=("Max",),
                genres=("Sci-Fi & Fantasy",),
                kinds=("limited_series",),
                types=("premiere", "full_drop"),
            ),
            "CSV",
            "releases_max_sci-fi-fantasy_limited-series_premiere-full-drop.csv",
        ),
    ],
)
def test_export_filename_examples(release_filter, fmt, expected):
    assert export_filename(release_filter, fmt) == expected


SAFE_NAME = re.compile(r"releases[a-z0-9_-]*\.(csv|ics)")


@pytest.mark.parametrize(
    "services",
    [
        ("../../etc/passwd",),
        ("..",),
        ("/",),
        ("C:\\Windows\\system32",),
        ("\x00\r\n",),
        (".hidden",),
        ("",),
        ("a" * 500, "b" * 500),
        ("ＮＥＴＦＬＩＸ", "日本"),
    ],
)
def test_export_filename_is_safe_for_hostile_values(services):
    name = export_filename(ReleaseFilter(services=services, genres=services), "ics")
    assert SAFE_NAME.fullmatch(name), name
    assert len(name) <= 80


@pytest.mark.parametrize(
    "release_filter",
    [
        ReleaseFilter(services=("a" * 66 + " b",)),  # the cut falls after a hyphen
        ReleaseFilter(services=("a" * 66,), genres=("b",)),  # ... or after an underscore
    ],
)
def test_export_filename_cut_to_length_ends_cleanly(release_filter):
    assert export_filename(release_filter, "csv") == "releases_" + "a" * 66 + ".csv"


@given(st.lists(st.text(max_size=60), max_size=6), st.lists(st.text(max_size=60), max_size=3))
def test_export_filename_is_always_safe(services, genres):
    release_filter = ReleaseFilter(services=tuple(services), genres=tuple(genres))
    name = export_filename(release_filter, "csv")
    assert SAFE_NAME.fullmatch(name), name
    assert len(name) <= 80 and ".." not in name


def test_export_filename_refuses_unknown_formats():
    with pytest.raises(ValueError, match="unknown export format"):
        export_filename(ReleaseFilter(), "exe")


def test_export_bytes_makes_either_format_and_names_the_calendar_after_the_filter():
    table = synthetic_table(5)
    netflix = ReleaseFilter(services=("Netflix",))
    assert export_bytes("csv", table, netflix) == to_csv(table)
    calendar = Calendar.from_ical(export_bytes("ics", table, netflix))
    assert str(calendar["X-WR-CALNAME"]) == "Netflix"
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export_bytes("xlsx", table, netflix)
