"""Generate the corpus of broken and foreign Parquet files in ``tests/data/bad/``.

Run ``python tests/bad_corpus.py`` to rewrite the committed copy. Every file is a pure function of
the code below: fixed rows, fixed writer options, no clocks and no randomness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from calendar_data import schema

SERVICES = ("Netflix", "Disney+", "Prime Video", "Max", "Apple TV+")
GENRES = (["Drama"], ["Comedy", "Romance"], ["Documentary"], ["Sci-Fi", "Thriller"])
UPDATED_AT = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
FIRST_DAY = dt.date(2025, 1, 1)
DISTINCT_ROWS = 420  # bigger tables repeat these rows under fresh release ids


def sample_table(rows: int = 12) -> pa.Table:
    """A valid catalog of ``rows`` releases in the canonical schema."""
    distinct = pa.Table.from_pylist(
        [_sample_row(i) for i in range(min(rows, DISTINCT_ROWS))], schema=schema.SCHEMA
    )
    if rows <= DISTINCT_ROWS:
        return distinct
    table = distinct.take([i % DISTINCT_ROWS for i in range(rows)])
    return table.set_column(0, "release_id", pa.array([f"r{i:06d}" for i in range(rows)]))


def _sample_row(i: int) -> dict:
    kind = schema.KINDS[i % len(schema.KINDS)]
    episodic = kind != "movie"
    status = "tba" if i % 7 == 6 else ("tentative" if i % 5 == 1 else "confirmed")
    first = 1 + i % 5
    last = first + i % 3
    day = None if status == "tba" else FIRST_DAY + dt.timedelta(days=i % 400)
    return {
        "release_id": f"r{i:06d}",
        "title_id": f"t{i // 3:05d}",
        "title": f"Title {i // 3}",
        "original_title": f"Título {i // 3}" if i % 4 == 0 else None,
        "kind": kind,
        "release_type": "episode" if episodic else "movie",
        "season": 1 + i % 3 if episodic else None,
        "episode_start": first if episodic else None,
        "episode_end": last if episodic else None,
        "episode_count": last - first + 1 if episodic else None,
        "episode_titles": [f"Episode {n}" for n in range(first, last + 1)] if episodic else None,
        "runtime_minutes": 25 + i % 100,
        "genres": GENRES[i % len(GENRES)],
        "language": ("en", "es", "ko")[i % 3],
        "synopsis": f"Synopsis of title {i // 3}.",
        "cast": [{"name": f"Actor {i}", "character": f"Role {i}"}],
        "crew": [{"name": f"Director {i}", "role": "director"}],
        "rating": ("TV-MA", "PG-13", None)[i % 3],
        "service": SERVICES[i % len(SERVICES)],
        "region": "US" if i % 2 else None,
        "release_date": day,
        "release_at": dt.datetime.combine(day, dt.time(8), dt.UTC) if day and i % 2 else None,
        "release_tz": "America/Los_Angeles",
        "status": status,
        "release_window": "2026" if status == "tba" else None,
        "image_url": f"https://img.example.org/{i}.jpg",
        "trailer_url": f"https://video.example.org/{i}" if i % 3 else None,
        "homepage_url": f"https://www.example.org/title/{i // 3}",
        "source": "editorial sample",
        "source_url": f"https://source.example.org/{i}",
        "updated_at": UPDATED_AT,
        "previous_release_date": day - dt.timedelta(days=7) if day and i % 6 == 0 else None,
    }


# --------------------------------------------------------------------------- building blocks


def parquet_bytes(table: pa.Table, **options) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **{"compression": "zstd", **options})
    return sink.getvalue().to_pybytes()


class TableFile(NamedTuple):
    """Writes ``table`` as a Parquet file: the table says what the file holds."""

    table: pa.Table
    options: dict

    def __call__(self, path: Path) -> None:
        path.write_bytes(parquet_bytes(self.table, **self.options))


def _write(table: pa.Table, **options) -> TableFile:
    return TableFile(table, options)


def with_column(column: str, values, table: pa.Table | None = None) -> pa.Table:
    """``table`` (the sample table by default) with ``column`` replaced by ``values``, an Arrow
    array of whatever type or a list."""
    table = table if table is not None else sample_table()
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values)
    return table.set_column(table.schema.get_field_index(column), column, values)


def with_cell(column: str, row: int, value) -> pa.Table:
    """The sample table with one cell changed, keeping the column's type."""
    table = sample_table()
    values = table[column].to_pylist()
    values[row] = value
    return with_column(column, pa.array(values, table.schema.field(column).type), table)


def with_raw_cell(column: str, row: int, value: int) -> pa.Table:
    """The sample table with one date or instant cell set from its stored integer (days or
    microseconds since 1970), which may lie past what Python's dates can hold."""
    table = sample_table()
    kind = table.schema.field(column).type
    storage = pa.int32() if pa.types.is_date32(kind) else pa.int64()
    values = table[column].cast(storage).to_pylist()
    values[row] = value
    return with_column(column, pa.array(values, storage).cast(kind), table)


def with_bytes(column: str, row: int, value: bytes) -> pa.Table:
    """The sample table with one text cell holding ``value`` as it is, UTF-8 or not."""
    values = sample_table()[column].cast(pa.binary()).to_pylist()
    values[row] = value
    return with_column(column, pa.array(values, pa.binary()).view(pa.string()))


def _footer_span(data: bytes) -> tuple[int, int]:
    """Where the Thrift-encoded footer sits: ``data[start:end]``."""
    length = int.from_bytes(data[-8:-4], "little")
    return len(data) - 8 - length, len(data) - 8


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def claiming_rows(data: bytes, actual: int, claimed: int) -> bytes:
    """Rewrite the footer's ``FileMetaData.num_rows`` (field 3, compact Thrift, zigzag varint).

    The field sits right before the one-element ``row_groups`` list (field 4), which makes the
    byte pattern unique; the footer length at the end is updated for the longer varint.
    """
    start, end = _footer_span(data)
    footer = data[start:end]
    tail = b"\x19\x1c"  # field 4: a list of 1 struct
    old = b"\x16" + _varint(2 * actual) + tail
    if footer.count(old) != 1:
        raise RuntimeError("cannot find num_rows in the footer")
    footer = footer.replace(old, b"\x16" + _varint(2 * claimed) + tail)
    return data[:start] + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def _cut(fraction: float | None = None, drop: int = 0) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        data = parquet_bytes(sample_table())
        end = int(len(data) * fraction) if fraction is not None else len(data) - drop
        path.write_bytes(data[:end])

    return write


def _flipped(start: Callable[[bytes], int], length: int) -> Callable[[Path], None]:
    """The sample file with ``length`` bytes from ``start(data)`` on inverted."""

    def write(path: Path) -> None:
        data = bytearray(parquet_bytes(sample_table()))
        first = start(data)
        data[first : first + length] = bytes(b ^ 0xFF for b in data[first : first + length])
        path.write_bytes(bytes(data))

    return write


# --------------------------------------------------------------------------- broken files


#: Ways of reading a file, as tests/test_bad_files.py reads each one: whole, only some columns
#: (the required ones and these), or only one service's rows (pushed down to the reader when
#: the file's columns have their canonical types, else applied after conforming them).
SOME_COLUMNS = ("title", "release_date")
ONE_SERVICE = "Netflix"


class Bad(NamedTuple):
    category: str  # the CatalogError.category loading it must raise
    says: str  # words its message must hold
    write: Callable[[Path], None]
    #: The ways of reading ("some_columns", "filtered") that never meet the broken part, and
    #: so load what the file holds there (see ``TableFile``); every other way raises
    #: ``category``.
    loads_when: tuple[str, ...] = ()


BAD: dict[str, Bad] = {
    "empty.parquet": Bad("empty", "the file is empty", lambda path: path.write_bytes(b"")),
    "no_rows.parquet": Bad("empty", "no rows", _write(sample_table().slice(0, 0))),
    "truncated_10pc.parquet": Bad("truncated", "truncated", _cut(0.1)),
    "truncated_50pc.parquet": Bad("truncated", "truncated", _cut(0.5)),
    "truncated_90pc.parquet": Bad("truncated", "truncated", _cut(0.9)),
    "truncated_last_8_bytes.parquet": Bad("truncated", "truncated", _cut(drop=8)),
    "corrupt_footer.parquet": Bad(
        "corrupt", "Couldn't deserialize thrift", _flipped(lambda data: _footer_span(data)[0], 24)
    ),
    "corrupt_footer_length.parquet": Bad(
        "corrupt", "smaller than the size reported", _flipped(lambda data: len(data) - 6, 1)
    ),
    "csv_renamed.parquet": Bad(
        "not_parquet",
        "not a Parquet file (it starts with b'release_id,title'",
        lambda path: path.write_text("release_id,title,service\nr1,Some title,Netflix\n"),
    ),
    "footer_claims_a_trillion_rows.parquet": Bad(
        "too_large",
        "the footer claims 1,000,000,000,000 rows",
        lambda path: path.write_bytes(claiming_rows(parquet_bytes(sample_table()), 12, 10**12)),
    ),
    "too_many_columns.parquet": Bad(
        "too_large",
        "the footer claims 1,001 columns",
        _write(
            pa.table({f"c{i:04d}": pa.array([0], pa.int8()) for i in range(1_001)}),
            compression=None,
            write_statistics=False,
            store_schema=False,
        ),
    ),
    "missing_required.parquet": Bad(
        "missing_column",
        "missing required column(s): title, service",
        _write(sample_table().drop_columns(["title", "service"])),
    ),
    "title_is_a_number.parquet": Bad(
        "wrong_type",
        "column title should be text, not int64",
        _write(with_column("title", list(range(12)))),
    ),
    "genres_is_plain_text.parquet": Bad(
        "wrong_type",
        "column genres should be a list, not string",
        _write(with_column("genres", ["Drama|Comedy"] * 12)),
        loads_when=("some_columns",),
    ),
    "genres_are_numbers.parquet": Bad(
        "wrong_type",
        "column genres should be a",
        _write(with_column("genres", [[1, 2]] * 12)),
        loads_when=("some_columns",),
    ),
    "null_title.parquet": Bad(
        "null_required",
        "column title is empty or blank (rows 3)",
        _write(with_cell("title", 3, None)),
        loads_when=("filtered",),
    ),
    "blank_service.parquet": Bad(
        "null_required",
        "column service is empty or blank (rows 5)",
        _write(with_cell("service", 5, "  ")),
        loads_when=("filtered",),
    ),
    "duplicate_ids.parquet": Bad(
        "duplicate_id",
        "duplicate release_id 'r000001' (rows 1, 4)",
        _write(with_cell("release_id", 4, "r000001")),
        loads_when=("filtered",),
    ),
    "date_1066.parquet": Bad(
        "bad_date",
        "release_date has impossible dates outside 1900-01-01..2199-12-31 (row 2: 1066-10-14)",
        _write(with_cell("release_date", 2, dt.date(1066, 10, 14))),
        loads_when=("filtered",),
    ),
    "date_9999.parquet": Bad(
        "bad_date",
        "(row 3: 9999-12-31)",
        _write(with_cell("release_date", 3, dt.date(9999, 12, 31))),
        loads_when=("filtered",),
    ),
    "date_unparseable.parquet": Bad(
        "bad_date",
        "column release_date: unparseable date(s) row 4: '2025-02-30'",
        _write(
            with_column("release_date", ["2025-01-01"] * 4 + ["2025-02-30"] + ["2025-01-02"] * 7)
        ),
    ),
    "undated_but_confirmed.parquet": Bad(
        "bad_date",
        "release_date is empty on rows whose status is not tba (rows 0)",
        _write(with_cell("release_date", 0, None)),
    ),
    "unknown_kind.parquet": Bad(
        "bad_value",
        "column kind has unknown value(s) 'cartoon' (rows 2)",
        _write(with_cell("kind", 2, "cartoon")),
        loads_when=("filtered",),
    ),
    "episodes_backwards.parquet": Bad(
        "bad_value",
        "episode_start is after episode_end (rows 1)",
        _write(with_cell("episode_end", 1, 1)),
        loads_when=("some_columns", "filtered"),
    ),
    "season_70000.parquet": Bad(
        "out_of_range",
        "column season holds values that are not whole numbers in -32768..32767 (row 6: 70000)",
        _write(with_column("season", pa.array([1] * 6 + [70_000] + [1] * 5, pa.int32()))),
        loads_when=("some_columns",),
    ),
    # Values Arrow holds and Python cannot, or that no catalog column may hold.
    "date_past_9999.parquet": Bad(
        "bad_date",
        "column release_date has impossible dates outside 1900-01-01..2199-12-31 "
        "(row 3: 10183-09-21)",
        _write(with_raw_cell("release_date", 3, 3_000_000)),
        loads_when=("filtered",),
    ),
    "date_before_year_1.parquet": Bad(
        "bad_date",
        "(row 2: -0221-09-04)",
        _write(with_raw_cell("release_date", 2, -800_000)),
        loads_when=("filtered",),
    ),
    "instant_past_9999.parquet": Bad(
        "bad_date",
        "column release_at has impossible dates outside 1900-01-01..2199-12-31 "
        "(row 1: 10183-09-21 00:00:00.000000Z)",
        _write(with_raw_cell("release_at", 1, 3_000_000 * 86_400 * 10**6)),
        loads_when=("some_columns", "filtered"),
    ),
    "title_not_utf8.parquet": Bad(
        "bad_value",
        "column title holds text that is not UTF-8 (rows 3)",
        _write(with_bytes("title", 3, "Café".encode("latin-1"))),
        loads_when=("filtered",),
    ),
    "runtime_infinite.parquet": Bad(
        "out_of_range",
        "column runtime_minutes holds values that are not whole numbers in -32768..32767 "
        "(row 4: inf)",
        _write(with_column("runtime_minutes", [60.0] * 4 + [float("inf")] + [60.0] * 7)),
        loads_when=("some_columns",),
    ),
    "season_past_uint64.parquet": Bad(
        "out_of_range",
        "(row 6: 18446744073709551615)",
        _write(with_column("season", pa.array([1] * 6 + [2**64 - 1] + [1] * 5, pa.uint64()))),
        loads_when=("some_columns",),
    ),
    "genres_nested.parquet": Bad(
        "wrong_type",
        "column genres should be a list<item: string>, not list<element: list<element: string>>",
        _write(with_column("genres", [[["Drama"], None, []]] * 12)),
        loads_when=("some_columns",),
    ),
}


# --------------------------------------------------------------------------- foreign files


#: Columns a foreign file leaves out, which must load as nulls.
LEFT_OUT = {"foreign_types.parquet": ("synopsis", "cast", "crew")}


def _foreign_types() -> pa.Table:
    """Every column in a type some other writer prefers, with optional columns left out and
    one column the schema does not know."""
    table = sample_table()
    table = with_column("release_id", table["release_id"].cast(pa.large_string()), table)
    table = with_column("title", table["title"].cast(pa.string_view()), table)
    kinds = table["kind"].cast(pa.string()).combine_chunks().dictionary_encode()
    table = with_column("kind", kinds.cast(pa.dictionary(pa.int8(), pa.string())), table)
    table = with_column("status", table["status"].cast(pa.string()).cast(pa.large_string()), table)
    seasons = [float("nan") if s is None else float(s) for s in table["season"].to_pylist()]
    table = with_column("season", pa.array(seasons, pa.float64()), table)
    table = with_column("episode_start", table["episode_start"].cast(pa.int64()), table)
    table = with_column("runtime_minutes", table["runtime_minutes"].cast(pa.int32()), table)
    table = with_column("genres", table["genres"].cast(pa.large_list(pa.large_string())), table)
    table = with_column("release_date", table["release_date"].cast(pa.string()), table)
    table = with_column(
        "previous_release_date", table["previous_release_date"].cast(pa.timestamp("ms")), table
    )
    return table.drop_columns(list(LEFT_OUT["foreign_types.parquet"])).append_column(
        "popularity", pa.array(range(12), pa.float32())
    )


def _timestamps(unit: str) -> pa.Table:
    """Instants in ``unit``: naive (meaning UTC) and in another zone; dates as instants."""
    table = sample_table()
    naive = pc.local_timestamp(table["release_at"]).cast(pa.timestamp(unit))
    table = with_column("release_at", naive, table)
    table = with_column(
        "updated_at", table["updated_at"].cast(pa.timestamp(unit, "Europe/Paris")), table
    )
    return with_column("release_date", table["release_date"].cast(pa.timestamp(unit)), table)


def _plain_rows() -> list[dict]:
    """The sample rows as plain Python values, the way a data frame library receives them."""
    return sample_table().to_pylist()


def _write_pandas(path: Path) -> None:
    import pandas as pd

    pd.DataFrame(_plain_rows()).to_parquet(path)


def _write_polars(path: Path) -> None:
    import polars as pl

    pl.DataFrame(_plain_rows(), infer_schema_length=None).write_parquet(path)


def _write_duckdb(path: Path) -> None:
    import duckdb

    quoted = str(path).replace("'", "''")
    with duckdb.connect() as con:
        con.execute("SET threads = 1")
        con.register("sample", sample_table())
        con.execute(
            f"COPY (SELECT * FROM sample ORDER BY release_id) TO '{quoted}' (FORMAT parquet)"
        )


#: Files other writers produce, which must load.
FOREIGN: dict[str, Callable[[Path], None]] = {
    "foreign_types.parquet": _write(_foreign_types()),
    "timestamps_ns.parquet": _write(_timestamps("ns")),
    "timestamps_ms.parquet": _write(_timestamps("ms")),
    "timestamps_int96.parquet": _write(sample_table(), use_deprecated_int96_timestamps=True),
    "pandas.parquet": _write_pandas,
    "polars.parquet": _write_polars,
    "duckdb.parquet": _write_duckdb,
}
#: Files whose writer stamps its own version into them: compare their content, not bytes.
VERSION_STAMPED = ("pandas.parquet", "polars.parquet", "duckdb.parquet")


# --------------------------------------------------------------------------- generating


def generate(folder: Path) -> list[Path]:
    """Write every corpus file into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    writers = {**{name: bad.write for name, bad in BAD.items()}, **FOREIGN}
    for name, write in writers.items():
        write(folder / name)
    return [folder / name for name in writers]


def main() -> None:
    folder = Path(__file__).parent / "data" / "bad"
    for path in folder.glob("*"):
        path.unlink()
    for path in generate(folder):
        print(f"{path.stat().st_size:>8,}  {path.relative_to(folder.parent.parent.parent)}")


if __name__ == "__main__":
    main()
