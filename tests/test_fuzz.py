"""Fuzzing the loader, the command line and the app with whatever a Parquet file can hold.

Files come from three places: the sample catalog with some of its columns replaced by arrays
of any type, right or wrong, holding extreme values (dates past 9999 or before year 1, NaN and
infinite runtimes, huge integers, empty and 1 MB strings, deeply nested lists, nulls inside
lists); the same split across hive partition folders of any name; and a good file with random
bytes changed, cut or inserted. Whatever the file, ``load_catalog`` gives a valid catalog or a
``CatalogError`` naming the file; ``calendar-data validate|info|export`` exit 0 or 1 without a
traceback (in this process for every example, in a real one for a few files); and what a
loaded catalog feeds (summaries, exports, the live catalog, the detail wording) takes every
row. A valid catalog at the schema's edges then goes through every page of the app, and the
app pointed at refused files says why, or keeps the last good catalog.

The examples are derandomized and never saved, so every run tries the same ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import unittest.mock
from pathlib import Path

import bad_corpus
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import (
    HealthCheck,
    currently_in_test_context,
    event,
    example,
    given,
    reject,
    settings,
)
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from calendar_data import describe, exports, schema
from calendar_data.catalog import (
    CatalogError,
    conform,
    load_catalog,
    validate,
    write_catalog,
)
from calendar_data.cli import main
from calendar_data.filters import ReleaseFilter
from calendar_data.live import LiveCatalog

#: Examples per fuzz test: ``CALENDAR_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` searches
#: longer.
EXAMPLES = int(os.environ.get("CALENDAR_FUZZ_EXAMPLES", 100))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CATEGORIES = {
    "not_found",
    "unavailable",
    "empty",
    "not_parquet",
    "truncated",
    "corrupt",
    "too_large",
    "missing_column",
    "duplicate_column",
    "unknown_column",
    "wrong_type",
    "out_of_range",
    "null_required",
    "bad_value",
    "duplicate_id",
    "bad_date",
    "invalid",
}
ZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago")

# --------------------------------------------------------------------------- values

MEGABYTE = "x" * 1_000_000
SPECIAL_TEXT = (
    "",
    " ",
    "\t\n",
    "tba",
    "confirmed",
    "movie",
    "episode",
    "Netflix",
    "2025-01-01",
    "10000-01-01",
    "2025-02-30",
    "-1",
    "32768",
    "1e400",
    "NaN",
    "\x00",
    "https://example.org/x",
    "javascript:alert(1)",
    "=1+1",
    "🎬🎬",
    MEGABYTE,
)
texts = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
#: Days since 1970 a date32 can hold: every one, the ones Python's dates end at, and the
#: catalog's plausible span (1900..2199), which gets past the date check to what follows.
DAYS = st.one_of(
    st.sampled_from([-(2**31), 2**31 - 1, -719_163, -719_162, 2_932_896, 2_932_897, 0]),
    st.integers(-25_567, 84_000),
    st.integers(-(2**31), 2**31 - 1),
)
TIMESTAMP_UNITS = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
TIMESTAMP_ZONES = (None, "UTC", "Asia/Tokyo", "+05:30", "America/St_Johns")


def integers_of(kind: pa.DataType) -> st.SearchStrategy[int]:
    if pa.types.is_signed_integer(kind):
        low, high = -(2 ** (kind.bit_width - 1)), 2 ** (kind.bit_width - 1) - 1
    else:
        low, high = 0, 2**kind.bit_width - 1
    return st.one_of(st.sampled_from([low, high, 0, 1]), st.integers(low, high))


def instants(unit: str) -> st.SearchStrategy[int]:
    """int64 counts of ``unit`` since 1970: any, the extremes, and plausible ones."""
    per_second = TIMESTAMP_UNITS[unit]
    plausible = st.integers(-2_208_988_800, 7_258_118_400).map(lambda s: s * per_second)
    return st.one_of(
        st.sampled_from([-(2**63), 2**63 - 1, 0]),
        plausible.filter(lambda v: -(2**63) <= v < 2**63),
        st.integers(-(2**63), 2**63 - 1),
    )


def values_of(kind: pa.DataType) -> st.SearchStrategy:
    """Python values (``None`` among them) that :func:`array_of` turns into ``kind``."""
    if pa.types.is_null(kind):
        return st.none()
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_boolean(kind):
        element = st.booleans()
    elif pa.types.is_integer(kind):
        element = integers_of(kind)
    elif pa.types.is_floating(kind):
        element = st.floats(width=kind.bit_width)
    elif pa.types.is_decimal(kind):
        element = st.decimals(-(10**30), 10**30, places=kind.scale, allow_nan=False)
    elif pa.types.is_binary(kind):
        element = st.binary(max_size=8)
    elif pa.types.is_date32(kind):
        element = DAYS
    elif pa.types.is_date64(kind):
        element = st.integers(-((2**63 - 1) // 86_400_000), (2**63 - 1) // 86_400_000)
    elif pa.types.is_timestamp(kind):
        element = instants(kind.unit)
    elif pa.types.is_time(kind) or pa.types.is_duration(kind):
        element = st.integers(0, 86_400 * 10**6 - 1)
    elif pa.types.is_struct(kind):
        element = st.fixed_dictionaries({f.name: values_of(f.type) for f in kind})
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        deeper = pa.types.is_list(kind.value_type)  # 1 item a level: 40 levels stay small
        element = st.lists(values_of(kind.value_type), max_size=1 if deeper else 3)
    else:
        element = texts
    return st.one_of(st.none(), element)


def array_of(kind: pa.DataType, values: list) -> pa.Array:
    """``values`` as an array of ``kind``; dates and instants given as their integers."""
    if pa.types.is_dictionary(kind):
        return pa.array(values, kind.value_type).dictionary_encode().cast(kind)
    if pa.types.is_date64(kind):
        return pa.array([v and v * 86_400_000 for v in values], pa.int64()).cast(kind)
    if pa.types.is_date32(kind):
        return pa.array(values, pa.int32()).cast(kind)
    if pa.types.is_temporal(kind):
        return pa.array(values, pa.int64()).cast(kind)
    return pa.array(values, kind)


def nested(depth: int) -> pa.DataType:
    kind = pa.string()
    for _ in range(depth):
        kind = pa.list_(kind)
    return kind


#: Types other writers use, and types no catalog column has.
OTHER_TYPES = (
    pa.null(),
    pa.bool_(),
    *(pa.int8(), pa.int16(), pa.int32(), pa.int64()),
    *(pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()),
    pa.float32(),
    pa.float64(),
    pa.decimal128(38, 2),
    pa.string(),
    pa.large_string(),
    pa.string_view(),
    pa.dictionary(pa.int8(), pa.string()),
    pa.binary(),
    pa.date32(),
    pa.date64(),
    *(pa.timestamp(unit, tz) for unit in TIMESTAMP_UNITS for tz in TIMESTAMP_ZONES),
    pa.time64("us"),
    pa.duration("s"),
    pa.list_(pa.string()),
    pa.large_list(pa.large_string()),
    pa.list_(pa.int64()),
    pa.list_(pa.date32()),
    pa.list_(schema.CAST_MEMBER),
    pa.list_(schema.CREW_MEMBER),
    pa.list_(pa.struct([("name", pa.string()), ("role", pa.int8())])),
    pa.struct([("name", pa.string())]),
    *(nested(depth) for depth in (2, 8, 40)),
)


@st.composite
def arrays(draw, kind: pa.DataType, rows: int) -> pa.Array:
    return array_of(kind, draw(st.lists(values_of(kind), min_size=rows, max_size=rows)))


@st.composite
def fuzzed_tables(draw) -> pa.Table:
    """The sample catalog with a few columns replaced (by the right type holding extreme
    values, or by any other type) or left out, and sometimes a column the schema lacks."""
    rows = draw(st.integers(1, 12))
    table = bad_corpus.sample_table(rows)
    names = draw(
        st.lists(st.sampled_from(schema.COLUMN_NAMES), min_size=1, max_size=3, unique=True)
    )
    for name in names:
        change = draw(st.sampled_from(["same type"] * 3 + ["other type", "left out"]))
        if change == "left out":
            table = table.drop_columns([name])
            continue
        own = schema.COLUMNS_BY_NAME[name].type
        kind = own if change == "same type" else draw(st.sampled_from(OTHER_TYPES))
        column = draw(arrays(kind, rows))
        table = table.set_column(table.schema.get_field_index(name), name, column)
    if draw(st.booleans()):
        table = table.append_column("popularity", draw(arrays(pa.float64(), rows)))
    return table


#: A change to a file: what to do, where (an offset, wrapped around the file's length), and a
#: byte.
CHANGES = st.tuples(
    st.sampled_from(["set"] * 4 + ["flip"] * 2 + ["insert", "delete", "cut"]),
    st.integers(0, 2**20),
    st.integers(0, 255),
)


@functools.lru_cache
def sample_bytes(compression: str) -> bytes:
    return bad_corpus.parquet_bytes(bad_corpus.sample_table(), compression=compression)


def mutated(data: bytes, changes: list[tuple[str, int, int]]) -> bytes:
    """``data`` with each change made in turn: a byte set, a bit flipped, a run of bytes
    inserted or deleted, or the rest cut off."""
    data = bytearray(data)
    for change, offset, byte in changes:
        if not data:
            break
        where = offset % len(data)
        if change == "set":
            data[where] = byte
        elif change == "flip":
            data[where] ^= 1 << byte % 8
        elif change == "insert":
            data[where:where] = bytes([byte]) * (1 + byte % 8)
        elif change == "delete":
            del data[where : where + 1 + byte % 8]
        else:
            del data[where:]
    return bytes(data)


# --------------------------------------------------------------------------- checks


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table``, or skip the example when Parquet cannot hold it (seconds past what
    milliseconds can count: Parquet has no seconds unit)."""
    try:
        pq.write_table(table, path, compression="zstd")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        reject()


def outcome(what: str) -> None:
    """Count ``what`` in the statistics (``pytest --hypothesis-show-statistics``)."""
    if currently_in_test_context():
        event(what)


def loads_or_refuses(path: Path):
    """The catalog at ``path``, or ``None`` when it is refused with a proper CatalogError."""
    try:
        catalog = load_catalog(path)
    except CatalogError as error:
        outcome(f"refused: {error.category}")
        assert error.category in CATEGORIES, error.category
        assert str(error).startswith(str(path)), str(error)  # the file, or one in the folder
        return None
    outcome("loaded")
    assert catalog.table.schema.equals(schema.SCHEMA)
    validate(catalog.table, str(path))
    return catalog


def run_cli(*argv: str) -> tuple[int, str]:
    """``calendar-data argv`` in this process: its exit code and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(argv))
    return code, stderr.getvalue()


def check_commands(path: Path, loaded: bool) -> None:
    """validate, info and every export give exit 0 when the file loads, else exit 1 and one
    error naming the file."""
    export_commands = [
        ["export", str(path), "--format", fmt, "-o", str(path.with_suffix(f".{fmt}"))]
        for fmt in exports.FORMATS
    ]
    for argv in (["validate", str(path)], ["info", str(path)], *export_commands):
        code, stderr = run_cli(*argv)
        if loaded:
            assert code == 0, (argv, stderr)
        else:
            assert code == 1, (argv, stderr)
            assert stderr.startswith(f"error: {path}"), stderr


def check_what_a_catalog_feeds(path: Path) -> None:
    """The live catalog the app serves, and the wording of every row's details."""
    live = LiveCatalog.open(str(path))
    for tz in ZONES:
        everything = live.select(ReleaseFilter(), tz)
        for row in live.rows(everything).to_pylist():
            describe.release_time(row, tz)
            describe.episodes(row)
            describe.runtime(row)
            describe.language(row["language"])
            describe.genres(row["genres"])
            describe.move(row)
            describe.cast_lines(row["cast"])
            describe.crew_by_role(row["crew"])


def check_partial_reads(path: Path) -> None:
    """Reading some columns, or one service's rows, gives a catalog or a CatalogError."""
    for options in (
        {"columns": ["title", "release_date", "genres"]},
        {"row_filter": pc.field("service") == "Netflix"},
    ):
        with contextlib.suppress(CatalogError):
            load_catalog(path, **options)


def check_file(path: Path) -> None:
    catalog = loads_or_refuses(path)
    check_partial_reads(path)
    check_commands(path, loaded=catalog is not None)
    if catalog is not None:
        check_what_a_catalog_feeds(path)


# --------------------------------------------------------------------------- fuzz tests


@FUZZ
@given(table=fuzzed_tables())
def test_any_table_loads_or_is_refused(folder, table):
    path = folder / "table.parquet"
    write_table(table, path)
    check_file(path)


#: Text a folder name may hold; hive partitioning decodes %-escapes in it.
FOLDER_TEXT = st.one_of(
    st.sampled_from(["Netflix", "2025-01-01", "99999-01-01", "-1", "70000", "%ff", "%20", "a%2Fb"]),
    st.text(
        st.characters(exclude_characters="/\\._", exclude_categories=("Cs", "Cc", "Zs")),
        min_size=1,
        max_size=8,
    ),
)


@settings(FUZZ, max_examples=EXAMPLES // 2)
@given(
    table=fuzzed_tables(),
    key=st.sampled_from([*schema.COLUMN_NAMES, "release_month", "other"]),
    values=st.lists(FOLDER_TEXT, min_size=1, max_size=2, unique=True),
)
def test_any_partitioned_folder_loads_or_is_refused(folder, table, key, values):
    """The table split across hive partitions ``key=value/`` (the first row in the first, the
    rest in the last), the key's column dropped from the files as a partitioned writer does."""
    root = folder / "partitioned"
    shutil.rmtree(root, ignore_errors=True)
    if key in table.column_names:
        table = table.drop_columns([key])
    for index, value in enumerate(values):
        part = root / f"{key}={value}"
        try:
            part.mkdir(parents=True, exist_ok=True)
        except OSError:  # a name the file system refuses
            reject()
        write_table(table.slice(index, 1 if index < len(values) - 1 else None), part / "0.parquet")
    catalog = loads_or_refuses(root)
    check_partial_reads(root)
    check_commands(root, loaded=catalog is not None)


@FUZZ
@example(compression="zstd", changes=[("set", 2584, 1)])  # a code past the dictionary
@given(
    compression=st.sampled_from(["none", "zstd", "snappy"]),
    changes=st.lists(CHANGES, min_size=1, max_size=4),
)
def test_any_mutated_file_loads_or_is_refused(folder, compression, changes):
    path = folder / "mutated.parquet"
    path.write_bytes(mutated(sample_bytes(compression), changes))
    check_file(path)


# --------------------------------------------------------------------------- unchecked bytes


def with_latin1(table: pa.Table, column: str, rows: set[int]) -> pa.Table:
    """``table`` with the first text of ``column`` in each of ``rows`` written as Latin-1
    (``Café`` as ``b"Caf\\xe9"``): text, but not UTF-8."""
    values = table[column].combine_chunks()
    categorical = pa.types.is_dictionary(values.type)
    if categorical:
        values = values.cast(pa.string())
    inner = values.values if pa.types.is_list(values.type) else values
    names = inner.field("name") if pa.types.is_struct(inner.type) else inner
    text = names.cast(pa.binary()).to_pylist()
    for row in rows:
        text[values.offsets[row].as_py() if inner is not values else row] = b"Caf\xe9"
    names = pa.array(text, pa.binary()).view(pa.string())
    if pa.types.is_struct(inner.type):
        names = pa.StructArray.from_arrays([names, inner.field(1)], [f.name for f in inner.type])
    if inner is not values:
        names = pa.ListArray.from_arrays(values.offsets, names)
    if categorical:
        names = names.dictionary_encode()
    return table.set_column(table.schema.get_field_index(column), column, names)


@FUZZ
@given(
    column=st.sampled_from(["title", "service", "genres", "cast"]),
    rows=st.sets(st.integers(0, 11), min_size=1, max_size=8),
    pieces=st.integers(1, 12),
)
def test_text_that_is_not_utf8_is_refused_naming_its_rows(column, rows, pieces):
    table = with_latin1(bad_corpus.sample_table(), column, rows)
    table = pa.Table.from_batches(table.to_batches(max_chunksize=pieces))
    first = ", ".join(str(row) for row in sorted(rows)[:5])
    with pytest.raises(
        CatalogError,
        match=rf"^sample: column {column} holds text that is not UTF-8 \(rows {first}\)$",
    ):
        conform(table, "sample")


def test_dictionary_codes_past_the_dictionary_are_refused_naming_their_rows():
    """What a changed byte in a categorical column's codes gives (see the mutation test)."""
    codes = pa.array([0, 1, 2, 0, 1, 7, 0, 1, 2, 0, 1, -1], pa.int32())
    services = pa.DictionaryArray.from_arrays(
        codes, pa.array(["Netflix", "Max", "Hulu"]), safe=False
    )
    table = bad_corpus.with_column("service", services)
    message = "sample: column service holds codes outside its dictionary (rows 5, 11)"
    with pytest.raises(CatalogError, match=rf"^{re.escape(message)}$") as caught:
        conform(table, "sample")
    assert caught.value.category == "corrupt"


# --------------------------------------------------------------------------- a catalog at the edges


def edge_rows() -> list[dict]:
    """Six releases holding what a valid catalog may hold at its edges: the first and last
    dates and instants allowed, the largest counts, 1 MB of text, empty text and lists, and
    nulls inside lists. Synthetic, for tests."""
    rows = bad_corpus.sample_table(6).to_pylist()
    first, last = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
    rows[0].update(
        title=MEGABYTE,
        synopsis=MEGABYTE,
        kind="series",
        release_type="episode",
        season=0,
        episode_start=0,
        episode_end=32_767,
        episode_count=32_767,
        runtime_minutes=32_767,
        episode_titles=[None, ""],
        genres=[None, "Drama", ""],
        cast=[None, {"name": None, "character": "x"}, {"name": "", "character": None}],
        crew=[None, {"name": "A", "role": None}, {"name": "B", "role": "director"}],
        release_date=first,
        release_at=None,
        previous_release_date=last,
    )
    rows[1].update(
        release_date=last,
        release_at=dt.datetime(2199, 12, 31, 23, 59, 59, 999_999, dt.UTC),
        release_tz="Pacific/Kiritimati",
        updated_at=dt.datetime(2199, 12, 31, 23, 59, 59, 999_999, dt.UTC),
        runtime_minutes=32_767,
        episode_count=32_767,
        status="tentative",
    )
    rows[2].update(status="tba", release_date=None, release_at=None, release_window="")
    rows[2]["previous_release_date"] = dt.date(2025, 1, 1)  # moved to a date not yet known
    rows[3].update(
        release_date=first,
        release_at=dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
        release_tz="Etc/GMT+12",
        updated_at=dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
    )
    rows[4].update(
        original_title="",
        synopsis="",
        rating="",
        region="",
        language="",
        genres=[],
        cast=[],
        crew=[],
        episode_titles=[],
        image_url=None,
        trailer_url=None,
        homepage_url=None,
    )
    rows[5].update(service="S" * 1_000, title="🎬" * 1_000, title_id="t-last")
    return rows


@pytest.fixture(scope="module")
def edges(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("edges") / "edges.parquet"
    write_catalog(pa.Table.from_pylist(edge_rows(), schema=schema.SCHEMA), path)
    return path


def test_a_catalog_at_the_edges_loads_and_feeds_everything(edges):
    check_file(edges)
    assert load_catalog(edges).num_rows == 6


# --------------------------------------------------------------------------- a real process

CORPUS = Path(__file__).parent / "data" / "bad"
REFUSED = ("date_past_9999.parquet", "instant_past_9999.parquet", "title_not_utf8.parquet")


@pytest.mark.parametrize("command", ["validate", "info", "export"])
def test_the_command_never_shows_a_traceback(edges, tmp_path, command):
    """The installed command, in its own process: exit 0 or 1 and no traceback, whatever
    the file; a refused file is one line naming it."""
    for path in [edges, *(CORPUS / name for name in REFUSED)]:
        argv = [sys.executable, "-m", "calendar_data.cli", command, str(path)]
        if command == "export":
            argv += ["--format", "ics", "-o", str(tmp_path / "out.ics")]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        if path == edges:
            assert done.returncode == 0, done.stderr
        else:
            assert done.returncode == 1
            assert done.stderr.startswith(f"error: {path}: ") and done.stderr.count("\n") == 1


# --------------------------------------------------------------------------- the app

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def app_on(path: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("name", REFUSED)
def test_the_app_says_why_a_file_is_refused(name, tmp_path, monkeypatch):
    path = tmp_path / "catalog.parquet"
    shutil.copy(CORPUS / name, path)
    at = app_on(path, monkeypatch)
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "could not be loaded" in at.error[0].value
    assert bad_corpus.BAD[name].says in at.error[0].value.replace("\\", "")  # unescaped


def test_the_app_keeps_the_last_good_catalog_when_a_refused_file_replaces_it(
    edges, tmp_path, monkeypatch
):
    path = tmp_path / "catalog.parquet"
    shutil.copy(edges, path)
    at = app_on(path, monkeypatch)
    assert not at.exception, at.exception
    shown = [h.value for h in at.header]
    for name in REFUSED:
        staged = tmp_path / "staged.parquet"
        shutil.copy(CORPUS / name, staged)
        os.replace(staged, path)
        at.run()
        assert not at.exception, at.exception
        assert [h.value for h in at.header] == shown
        assert len(at.warning) == 1 and "rejected" in at.warning[0].value


@pytest.mark.parametrize(
    ("page", "params", "shows"),
    [
        ("pages/calendar.py", {"id": "t00000"}, "32767 episodes"),
        ("pages/calendar.py", {"view": "agenda", "tz": "Etc/GMT-14"}, "of 6 releases match"),
        ("pages/browse.py", {"tz": "Pacific/Kiritimati"}, "of 6 releases match"),
        ("pages/planner.py", {}, "Weekly load"),
        ("pages/title.py", {"id": "t00000"}, "to a date to be announced"),
        ("pages/title.py", {"id": "t-last"}, "🎬🎬🎬"),
    ],
)
def test_every_page_shows_a_catalog_at_the_edges(edges, monkeypatch, page, params, shows):
    at = app_on(edges, monkeypatch, **params)
    if page != "pages/calendar.py":
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, at.exception
    assert not at.error
    texts = [e.value for kind in ("markdown", "header", "subheader", "title") for e in at.get(kind)]
    assert any(shows in text for text in texts), texts


APP_FILES = itertools.count()


@contextlib.contextmanager
def catalog_at(path: Path):
    """The app's catalog is ``path`` meanwhile (a fixture would outlive the example)."""
    with unittest.mock.patch.dict(os.environ, {"CALENDAR_CATALOG": str(path)}):
        yield


@settings(FUZZ, max_examples=EXAMPLES // 5)
@given(table=fuzzed_tables())
def test_the_app_on_any_table(folder, table):
    """Opened on the file, the app shows the catalog or one message saying why not; swapped
    in for a good catalog, the file is taken or rejected, and the good one kept."""
    fuzzed, good = folder / "fuzzed.parquet", folder / "good.parquet"
    write_table(table, fuzzed)
    try:
        load_catalog(fuzzed)
        refused = False
    except CatalogError:
        refused = True
    fresh = folder / f"app-{next(APP_FILES)}.parquet"  # never served before
    shutil.copy(fuzzed, fresh)
    with catalog_at(fresh):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.error) == (1 if refused else 0)
    if refused:
        assert "could not be loaded" in at.error[0].value
    write_catalog(bad_corpus.sample_table(), good)
    with catalog_at(good):
        at = AppTest.from_file(APP, default_timeout=60).run()
        before = [h.value for h in at.header]
        shutil.copy(fuzzed, folder / "staged.parquet")
        os.replace(folder / "staged.parquet", good)
        at.run()
    assert not at.exception, at.exception
    assert not at.error
    if refused:
        assert [h.value for h in at.header] == before
        assert len(at.warning) == 1 and "rejected" in at.warning[0].value
