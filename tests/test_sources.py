"""Reading build sources and building catalogs from them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_data import schema
from calendar_data.catalog import CatalogError, SourceInfo, load_catalog, write_catalog
from calendar_data.importers.licences import TVMAZE
from calendar_data.sources import SourceError, build, read_source

HEADER = "release_id,title_id,title,kind,release_type,service,status,release_date,source"


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def row(**overrides) -> dict:
    values = {
        "release_id": "r1",
        "title_id": "t1",
        "title": "Demo: Harbor",
        "kind": "movie",
        "release_type": "movie",
        "service": "Netflix",
        "status": "confirmed",
        "release_date": "2026-03-01",
        "source": "editorial sample",
    }
    return values | overrides


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# --------------------------------------------------------------------------- CSV


def test_csv_parses_lists_people_numbers_dates_and_instants(tmp_path):
    source = write(
        tmp_path / "s.csv",
        "release_id,title_id,title,kind,release_type,service,status,release_date,release_at,"
        "season,episode_start,episode_end,genres,cast,crew,source\n"
        'r1,t1,"Harbor, ""The"" Show",series,full_season,Netflix,confirmed,2026-03-01,'
        "2026-03-01T08:00:00,2,1,8, Drama | Mystery ,Ann Lee=Det. Ray|Bo Kim=Mira,"
        "Cy Dee=Creator|Di Eve=based-on author,editorial sample\n",
    )
    table = read_source(source)
    got = table.to_pylist()[0]
    assert got["title"] == 'Harbor, "The" Show'
    assert (got["season"], got["episode_start"], got["episode_end"]) == (2, 1, 8)
    assert got["genres"] == ["Drama", "Mystery"]
    assert got["cast"] == [
        {"name": "Ann Lee", "character": "Det. Ray"},
        {"name": "Bo Kim", "character": "Mira"},
    ]
    assert got["crew"] == [
        {"name": "Cy Dee", "role": "creator"},
        {"name": "Di Eve", "role": "based-on author"},
    ]
    assert got["release_date"] == dt.date(2026, 3, 1)
    # a naive instant is UTC
    assert got["release_at"] == dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def test_csv_instants_with_offsets_become_utc_and_empty_cells_null(tmp_path):
    rows = [row(release_at="2026-03-01T00:00:00-08:00", genres="", season="")]
    got = read_source(write(tmp_path / "s.csv", csv_text(rows))).to_pylist()[0]
    assert got["release_at"] == dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    assert got["genres"] is None and got["season"] is None


def test_dates_other_than_year_month_day_are_refused(tmp_path):
    """The same dates the dashboard's URL and the command line refuse."""
    rows = "".join(
        f"r{i},t,A,movie,movie,Netflix,confirmed,{day},s\n"
        for i, day in enumerate(["2023-W44-4", "20231102"])
    )
    with pytest.raises(SourceError) as caught:
        read_source(write(tmp_path / "weeks.csv", HEADER + "\n" + rows))
    assert caught.value.problems == [
        "line 2, column release_date: '2023-W44-4' is not a date (YYYY-MM-DD)",
        "line 3, column release_date: '20231102' is not a date (YYYY-MM-DD)",
    ]


def test_instants_before_the_first_utc_day_are_refused(tmp_path):
    line = json.dumps(row(release_at="0001-01-01T00:30:00+01:00"))
    with pytest.raises(SourceError) as caught:
        read_source(write(tmp_path / "s.jsonl", line + "\n"))
    assert caught.value.problems == [
        "line 1, column release_at: '0001-01-01T00:30:00+01:00' is outside the days a catalog "
        "can hold"
    ]


def test_csv_bad_rows_are_reported_with_physical_line_numbers(tmp_path):
    source = write(
        tmp_path / "bad.csv",
        HEADER.removesuffix(",source") + ",season,crew,source\n"
        "r1,t1,A,movie,movie,Netflix,confirmed,2026-13-01,x,Ann=boss,s\n"
        'r2,t2,"spans\ntwo lines",film,movie,Max,confirmed,2026-01-01,1,,s\n'
        "r2,t3,D,movie,movie,,confirmed,2026-01-01,,,s\n"
        "r4,t4,E,movie,movie,Max,confirmed\n",
    )
    with pytest.raises(SourceError) as caught:
        read_source(source)
    problems = caught.value.problems
    assert problems == [
        "line 2, column release_date: '2026-13-01' is not a date (YYYY-MM-DD)",
        "line 2, column season: 'x' is not a whole number from 0 to 32767",
        "line 2, column crew: Ann: role 'boss'; expected one of creator, director, writer, "
        "executive producer, based-on author",
        "line 3, column kind: 'film' is not one of movie, series, limited_series, special",
        "line 5, column service: empty, but the column is required",
        "line 5, column release_id: 'r2' repeats line 3",
        "line 6: 7 cells, but the header has 11",
    ]
    assert str(caught.value).startswith(f"{source}: 7 problem(s)")
    assert isinstance(caught.value, CatalogError)


def test_problems_are_capped(tmp_path):
    rows = [row(release_id=f"r{i}", season="oops") for i in range(50)]
    with pytest.raises(SourceError) as caught:
        read_source(write(tmp_path / "s.csv", csv_text(rows)))
    assert len(caught.value.problems) == 21
    assert caught.value.problems[-1] == "... and 30 more problem(s)"


def test_unknown_and_missing_headers_are_named(tmp_path):
    with pytest.raises(SourceError, match=r"unknown column\(s\) 'Title', 'foo'"):
        read_source(write(tmp_path / "a.csv", HEADER + ",Title,foo\n"))
    with pytest.raises(SourceError, match=r"missing required column\(s\) source"):
        read_source(write(tmp_path / "b.csv", HEADER.removesuffix(",source") + "\n"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.txt", "hello", "unknown source format '.txt'"),
        ("empty.csv", "", "the file is empty"),
        ("latin.csv", HEADER + "\nr1,t1,Caf\xe9", "not UTF-8 text"),
        ("fake.parquet", HEADER + "\n", "not a readable Parquet file"),
        ("x.json", '{"release_id": "r1"}', "expected a JSON array of objects"),
        ("x.jsonl", '{"release_id": "r1"}\n{oops\n', "line 2 is not valid JSON"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: nested too deeply to read"),
        ("deep.jsonl", '{"genres": ' + "[" * 3_000 + "]" * 3_000 + "}", "line 1 is nested"),
    ],
)
def test_unreadable_sources_say_why(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(SourceError, match=message):
        read_source(path)


def test_missing_source_is_named(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- JSON


def test_json_accepts_real_lists_and_pipe_strings(tmp_path):
    items = [
        row(
            genres=["Drama", "Sci|Fi"],
            cast=[{"name": "Ann", "character": "Ray"}],
            crew=[{"name": "Cy", "role": "Director"}],
            season=2,
        ),
        row(release_id="r2", genres="Comedy|Drama", cast="Bo=Mira", crew="Di=writer"),
    ]
    table = read_source(write(tmp_path / "s.json", json.dumps(items)))
    first, second = table.to_pylist()
    assert first["genres"] == ["Drama", "Sci|Fi"]  # a JSON list item may hold a "|"
    assert first["crew"] == [{"name": "Cy", "role": "director"}]
    assert first["season"] == 2
    assert second["genres"] == ["Comedy", "Drama"]
    assert second["cast"] == [{"name": "Bo", "character": "Mira"}]


def test_json_problems_name_the_item(tmp_path):
    items = [row(), 3, row(release_id="r3", zzz=1), row(release_id="r4", season=True)]
    with pytest.raises(SourceError) as caught:
        read_source(write(tmp_path / "s.json", json.dumps(items)))
    assert caught.value.problems == [
        "item 1: expected an object, not int",
        "item 2: unknown field(s) 'zzz'",
        "item 3, column season: True is not a whole number from 0 to 32767",
    ]


def test_jsonl_problems_name_the_line(tmp_path):
    lines = [json.dumps(row()), "", json.dumps(row(release_id="r2", cast=[{"character": "X"}]))]
    with pytest.raises(SourceError) as caught:
        read_source(write(tmp_path / "s.jsonl", "\n".join(lines) + "\n"))
    assert caught.value.problems == [
        "line 3, column cast: a person without a name in {'character': 'X'}"
    ]


# --------------------------------------------------------------------------- build


def test_build_writes_a_valid_catalog_with_sources_from_the_rows(tmp_path):
    write(tmp_path / "a.csv", csv_text([row()]))
    write(tmp_path / "b.jsonl", json.dumps(row(release_id="r2", source="TVmaze")) + "\n")
    result = build([tmp_path / "a.csv", tmp_path / "b.jsonl"], tmp_path / "out" / "c.parquet")
    assert result.rows == 2
    # A row naming an API's data keeps the licence and attribution its terms ask for.
    assert result.sources == (SourceInfo("editorial sample"), TVMAZE)
    loaded = load_catalog(tmp_path / "out" / "c.parquet")
    assert sorted(loaded.table["release_id"].to_pylist()) == ["r1", "r2"]
    assert loaded.sources == result.sources


def test_build_keeps_licences_declared_by_parquet_sources(tmp_path):
    table = pa.Table.from_pylist([row(release_date=dt.date(2026, 3, 1), source="TVmaze")])
    licensed = SourceInfo("TVmaze", licence="CC BY-SA 4.0", url="https://www.tvmaze.com")
    write_catalog(table, tmp_path / "tv.parquet", [licensed])
    result = build([tmp_path / "tv.parquet"], tmp_path / "c.parquet")
    assert result.sources == (licensed,)


def test_build_reports_link_warnings(tmp_path):
    write(tmp_path / "a.csv", csv_text([row(image_url="javascript:alert(1)")]))
    result = build([tmp_path / "a.csv"], tmp_path / "c.parquet")
    assert any("image_url" in w for w in result.warnings)
    assert load_catalog(tmp_path / "c.parquet").table["image_url"].to_pylist() == [None]


def test_build_warns_of_a_platform_zone_that_is_no_time_zone(tmp_path):
    rows = [row(release_id="r1", release_tz="Europe/Londn"), row(release_id="r2")]
    write(tmp_path / "a.csv", csv_text(rows))
    result = build([tmp_path / "a.csv"], tmp_path / "c.parquet")
    warning = (
        f"{tmp_path / 'a.csv'}: release_tz 'Europe/Londn' is not a known time zone; did you "
        "mean 'Europe/London'? (its releases show no platform rule)"
    )
    assert warning in result.warnings
    assert load_catalog(tmp_path / "c.parquet").table.num_rows == 2  # built all the same


def test_duplicate_ids_across_sources_name_both_files_and_write_nothing(tmp_path):
    out = tmp_path / "c.parquet"
    write(tmp_path / "a.csv", csv_text([row()]))
    write(tmp_path / "b.json", json.dumps([row(title="Other")]))
    with pytest.raises(SourceError) as caught:
        build([tmp_path / "a.csv", tmp_path / "b.json"], out)
    assert caught.value.problems == [
        f"release_id 'r1' is in {tmp_path / 'a.csv'} and {tmp_path / 'b.json'}"
    ]
    assert not out.exists()


def test_a_failed_build_leaves_the_previous_catalog_untouched(tmp_path):
    out = tmp_path / "c.parquet"
    build([write(tmp_path / "a.csv", csv_text([row()]))], out)
    before = out.read_bytes()
    bad = write(
        tmp_path / "bad.csv", csv_text([row(release_id="r9", episode_start="5", episode_end="2")])
    )
    with pytest.raises(CatalogError, match="episode_start is after episode_end"):
        build([tmp_path / "a.csv", bad], out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_build_needs_sources(tmp_path):
    with pytest.raises(SourceError, match="no sources"):
        build([], tmp_path / "c.parquet")


# --------------------------------------------------------------------------- round trip

# Text cells are stripped on read and an empty cell is null, so generated text is non-empty
# and has no surrounding whitespace. Titles and synopses may hold anything CSV must quote
# (commas, quotes, newlines) and also "|" and "=", which only list cells give meaning to.
# List items cannot hold "|" (the item separator) and names in cast/crew cannot hold "="
# (the name/detail separator): CSV has no escape for them, so they are left out of the
# alphabets for list items and names.
TEXT = st.characters(exclude_categories=("Cs", "Cc"), include_characters=',"\n|=')
text = st.text(TEXT, min_size=1, max_size=30).filter(lambda s: s == s.strip())
item = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="|="),
    min_size=1,
    max_size=15,
).filter(lambda s: s == s.strip())
releases = st.lists(
    st.fixed_dictionaries(
        {
            "title": text,
            "synopsis": text,
            "kind": st.sampled_from(schema.KINDS),
            "season": st.none() | st.integers(0, 2**15 - 1),
            "release_date": st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
            "release_at": st.none()
            | st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)).map(
                lambda d: d.replace(tzinfo=dt.UTC)
            ),
            "genres": st.none() | st.lists(item, min_size=1, max_size=3),
            "cast": st.none()
            | st.lists(st.fixed_dictionaries({"name": item, "character": item}), min_size=1),
            "crew": st.none()
            | st.lists(
                st.fixed_dictionaries({"name": item, "role": st.sampled_from(schema.CREW_ROLES)}),
                min_size=1,
                max_size=3,
            ),
        }
    ),
    min_size=1,
    max_size=5,
)
counter = itertools.count()


def as_csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "|".join(f"{p['name']}={p.get('character') or p.get('role')}" for p in value)
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(releases)
def test_csv_and_json_round_trip_through_build_and_load(tmp_path, generated):
    folder = tmp_path / str(next(counter))
    folder.mkdir()
    expected = [
        row(release_id=f"r{i}", release_type="movie") | fields for i, fields in enumerate(generated)
    ]
    csv_rows = [{k: as_csv_cell(v) for k, v in r.items()} for r in expected]
    write(folder / "s.csv", csv_text(csv_rows))
    json_rows = [
        {k: as_csv_cell(v) if isinstance(v, dt.date) else v for k, v in r.items()} for r in expected
    ]
    write(
        folder / "s.json",
        json.dumps([r | {"release_id": r["release_id"] + "j"} for r in json_rows]),
    )
    build([folder / "s.csv", folder / "s.json"], folder / "c.parquet")
    loaded = {r["release_id"]: r for r in load_catalog(folder / "c.parquet").table.to_pylist()}
    for original in expected:
        for release_id in (original["release_id"], original["release_id"] + "j"):
            got = loaded[release_id]
            for name, value in original.items():
                if name == "release_id":
                    continue
                if name == "release_date":
                    value = dt.date.fromisoformat(value) if isinstance(value, str) else value
                assert got[name] == value, (release_id, name)


def test_a_parquet_source_is_read_as_is(tmp_path):
    table = pa.Table.from_pylist([row(release_date=dt.date(2026, 3, 1))])
    pq.write_table(table, tmp_path / "s.parquet")
    assert read_source(tmp_path / "s.parquet").to_pylist()[0]["title"] == "Demo: Harbor"
