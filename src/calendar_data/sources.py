"""Reading build sources (CSV, JSON, JSONL, Parquet) and building a catalog from them.

Text sources are parsed cell by cell so that every problem can be reported with the line it is
on; the parsed table then goes through the same :func:`~calendar_data.catalog.conform` and
:func:`~calendar_data.catalog.validate` as any catalog. A build writes nothing unless every
source is valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from . import catalog, schema
from .catalog import CatalogError, SourceInfo, decode_metadata
from .days import closest_zone, parse_date, valid_timezone
from .importers import licences
from .schema import COLUMNS_BY_NAME
from .text import first_line, quoted

MAX_PROBLEMS = 20
LIST_SEPARATOR = "|"
PAIR_SEPARATOR = "="
LARGEST_NUMBER = 2**15 - 1

#: A record: raw values by column name, or why the whole record is unusable.
Record = Mapping[str, object] | str


class SourceError(CatalogError):
    """A build source that cannot be read; the message lists each problem with its line."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        self.problems = list(problems)
        super().__init__("\n".join([message, *(f"  {p}" for p in self.problems)]))


@dataclass
class BuildResult:
    path: Path
    rows: int
    sources: tuple[SourceInfo, ...]
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- building


def build(
    sources: Iterable[str | os.PathLike], out: str | os.PathLike, quiet: bool = False
) -> BuildResult:
    """Concatenate ``sources`` into one catalog written atomically at ``out``.

    Every source is read, conformed and validated on its own (so errors name the file), then
    release ids are checked across sources. Nothing is written unless all of it is valid.
    """
    paths = [Path(p) for p in sources]
    if not paths:
        raise SourceError("no sources given")
    tables, warnings, declared = [], [], {}
    # disable=None: bars only on a terminal, never in logs.
    for path in tqdm(paths, desc="reading", unit="file", delay=2, disable=quiet or None):
        raw = read_source(path, quiet=quiet)
        _, carried = decode_metadata(raw.schema.metadata)  # a Parquet source's licences
        declared.update({info.name: info for info in carried})
        table, conform_warnings = catalog.conform(raw, str(path))
        catalog.validate(table, str(path))
        tables.append(table)
        warnings += conform_warnings + _unknown_zones(table, path)
    _check_ids_across(tables, paths)
    combined = pa.concat_tables(tables)
    known = {**licences.BY_NAME, **declared}
    infos = tuple(known.get(name, SourceInfo(name)) for name in _source_names(combined))
    warnings += catalog.write_catalog(combined, out, infos)
    return BuildResult(Path(out), combined.num_rows, infos, warnings)


def _unknown_zones(table: pa.Table, path: Path) -> list[str]:
    """A warning for each ``release_tz`` that is no time zone: its releases keep their dates
    and times, but say no platform rule."""
    if "release_tz" not in table.column_names:
        return []
    warnings = []
    for zone in pc.unique(table["release_tz"].drop_null().cast(pa.string())).to_pylist():
        if valid_timezone(zone) is None:
            close = closest_zone(zone)
            guess = f"; did you mean {close!r}?" if close else ""
            warnings.append(
                f"{path}: release_tz {zone!r} is not a known time zone{guess} "
                "(its releases show no platform rule)"
            )
    return warnings[:MAX_PROBLEMS]


def _check_ids_across(tables: list[pa.Table], paths: list[Path]) -> None:
    if len(tables) < 2:
        return
    ids = pa.chunked_array([t["release_id"].combine_chunks() for t in tables])
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if not len(repeated):
        return
    problems = []
    for release_id in repeated.to_pylist()[:MAX_PROBLEMS]:
        holders = [str(p) for t, p in zip(tables, paths, strict=True) if _holds(t, release_id)]
        problems.append(f"release_id {release_id!r} is in {' and '.join(holders)}")
    raise SourceError(f"{len(repeated)} release_id(s) appear in more than one source", problems)


def _holds(table: pa.Table, release_id: str) -> bool:
    return pc.any(pc.equal(table["release_id"], release_id)).as_py()


def _source_names(table: pa.Table) -> list[str]:
    """Distinct ``source`` values in order of first appearance."""
    return pc.unique(table["source"].cast(pa.string())).to_pylist()


# --------------------------------------------------------------------------- reading


def read_source(path: str | os.PathLike, *, quiet: bool = True) -> pa.Table:
    """Read one source into a table with the schema's column names (types are conformed later).

    Raises :class:`SourceError` listing up to ``MAX_PROBLEMS`` problems, each with its line
    (CSV: physical line, header = line 1; JSONL: line; JSON: item index) and column.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise SourceError(f"{path}: unknown source format {suffix or '(none)'!r}; use {known}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: the file is empty")
    return reader(path, quiet)


def _read_parquet(path: Path, quiet: bool) -> pa.Table:
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{path}: not a readable Parquet file ({first_line(exc)})") from exc


def _read_csv(path: Path, quiet: bool) -> pa.Table:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise SourceError(f"{path}: line 1 is not valid CSV ({exc})") from exc
    if not header:
        raise SourceError(f"{path}: no header line")
    header = [name.strip() for name in header]
    _check_header(path, header)
    return _table(path, header, _csv_records(path, reader, header), quiet)


def _check_header(path: Path, header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS_BY_NAME]
    if unknown:
        raise SourceError(
            f"{path}: unknown column(s) {', '.join(repr(n) for n in unknown)}; "
            f"expected names from: {', '.join(schema.COLUMN_NAMES)}"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise SourceError(f"{path}: repeated column(s) {', '.join(repeated)}")
    missing = [name for name in schema.REQUIRED if name not in header]
    if missing:
        raise SourceError(f"{path}: missing required column(s) {', '.join(missing)}")


def _csv_records(path: Path, reader, header: list[str]) -> Iterator[tuple[str, Record]]:
    """Records placed at their first physical line (a quoted cell may span several)."""
    first_line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(f"{path}: line {reader.line_num} is not valid CSV ({exc})") from exc
        location, first_line = f"line {first_line}", reader.line_num + 1
        if not cells:
            continue
        if len(cells) != len(header):
            yield location, f"{len(cells)} cells, but the header has {len(header)}"
        else:
            yield location, dict(zip(header, cells, strict=True))


def _read_jsonl(path: Path, quiet: bool) -> pa.Table:
    items = []
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if line.strip():
            items.append((f"line {number}", _parsed(line, f"{path}: line {number} is")))
    return _json_table(path, items, quiet)


def _read_json(path: Path, quiet: bool) -> pa.Table:
    items = _parsed(_read_text(path), f"{path}:")
    if not isinstance(items, list):
        raise SourceError(f"{path}: expected a JSON array of objects, not {type(items).__name__}")
    return _json_table(path, [(f"item {i}", item) for i, item in enumerate(items)], quiet)


def _parsed(text: str, where: str) -> object:
    """``text`` as JSON; ``where`` begins the message of a :class:`SourceError` if it is not."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SourceError(f"{where} not valid JSON ({exc})") from exc
    except RecursionError:
        raise SourceError(f"{where} nested too deeply to read as JSON") from None


def _json_table(path: Path, items: list[tuple[str, object]], quiet: bool) -> pa.Table:
    present = {key for _, item in items if isinstance(item, dict) for key in item}
    columns = [name for name in schema.COLUMN_NAMES if name in present | set(schema.REQUIRED)]
    return _table(path, columns, (_json_record(*entry) for entry in items), quiet)


def _json_record(location: str, item: object) -> tuple[str, Record]:
    if not isinstance(item, dict):
        return location, f"expected an object, not {type(item).__name__}"
    unknown = [key for key in item if key not in COLUMNS_BY_NAME]
    if unknown:
        return location, f"unknown field(s) {', '.join(map(repr, unknown))}"
    return location, item


def _table(
    path: Path, columns: list[str], records: Iterable[tuple[str, Record]], quiet: bool
) -> pa.Table:
    """Parse records cell by cell, collecting problems; raise them all at once.

    A record is a mapping of column name to raw value, or a string saying why the whole
    record is unusable.
    """
    parsers = {name: _parser_for(COLUMNS_BY_NAME[name]) for name in columns}
    values: dict[str, list] = {name: [] for name in columns}
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    progress = tqdm(records, desc=path.name, unit=" rows", delay=2, disable=quiet or None)
    for location, record in progress:
        if isinstance(record, str):
            problems.append(f"{location}: {record}")
            continue
        for name, parse in parsers.items():
            try:
                value = parse(record.get(name))
            except ValueError as exc:
                problems.append(f"{location}, column {name}: {exc}")
                value = None
            values[name].append(value)
        release_id = values["release_id"][-1]
        earlier = first_seen.setdefault(release_id, location) if release_id else location
        if earlier != location:
            problems.append(f"{location}, column release_id: {release_id!r} repeats {earlier}")
    if problems:
        listed = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            listed.append(f"... and {len(problems) - MAX_PROBLEMS} more problem(s)")
        raise SourceError(f"{path}: {len(problems)} problem(s)", listed)
    if not values["release_id"]:
        raise SourceError(f"{path}: no rows")
    return pa.table({name: pa.array(values[name], _build_type(name)) for name in columns})


def _build_type(name: str) -> pa.DataType:
    kind = COLUMNS_BY_NAME[name].type
    return pa.string() if kind == schema.CATEGORY else kind


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from exc


# --------------------------------------------------------------------------- cells

Parser = Callable[[object], object]


def _parser_for(column: schema.Column) -> Parser:
    kind = column.type
    if kind == pa.list_(schema.CAST_MEMBER):
        parse = _people_parser("character", ())
    elif kind == pa.list_(schema.CREW_MEMBER):
        parse = _people_parser("role", schema.CREW_ROLES)
    elif pa.types.is_list(kind):
        parse = _text_list
    elif pa.types.is_integer(kind):
        parse = _whole_number
    elif pa.types.is_date(kind):
        parse = _date
    elif pa.types.is_timestamp(kind):
        parse = _instant
    else:
        parse = _text
    if column.choices:
        parse = _one_of(parse, column.choices)
    if column.required:
        parse = _present(parse)
    return parse


def _present(parse: Parser) -> Parser:
    def parse_required(value):
        parsed = parse(value)
        if parsed is None:
            raise ValueError("empty, but the column is required")
        return parsed

    return parse_required


def _one_of(parse: Parser, choices: tuple[str, ...]) -> Parser:
    def parse_choice(value):
        parsed = parse(value)
        if parsed is not None and parsed not in choices:
            raise ValueError(f"{quoted(parsed)} is not one of {', '.join(choices)}")
        return parsed

    return parse_choice


def _text(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {quoted(value)}")
    return value.strip() or None


def _whole_number(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
    if number is None or not 0 <= number <= LARGEST_NUMBER:
        raise ValueError(f"{quoted(value)} is not a whole number from 0 to {LARGEST_NUMBER}")
    return number


def _date(value) -> dt.date | None:
    text = _text(value)
    return None if text is None else parse_date(text)


def _instant(value) -> dt.datetime | None:
    """ISO 8601 date-time; one without an offset is taken as UTC."""
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:30+01:00 is before the first UTC day Python has
        raise ValueError(f"{quoted(text)} is outside the days a catalog can hold") from None


def _items(value) -> list | None:
    """A list cell: a JSON list, or text split on ``|`` (empty items dropped)."""
    if value is None:
        return None
    if isinstance(value, str):
        items = [item.strip() for item in value.split(LIST_SEPARATOR)]
        return [item for item in items if item] or None
    if isinstance(value, list):
        return value
    raise ValueError(f"expected a list or {LIST_SEPARATOR}-separated text, not {quoted(value)}")


def _text_list(value) -> list[str] | None:
    items = _items(value)
    if items is None:
        return None
    if not all(isinstance(item, str) for item in items):
        raise ValueError(f"expected a list of text, not {quoted(items)}")
    return [item.strip() for item in items if item.strip()] or None


def _people_parser(key: str, roles: tuple[str, ...]) -> Parser:
    """Parse ``Name=<key>|...`` text or a list of ``{name, <key>}`` objects."""

    def person(item) -> dict:
        if isinstance(item, str):
            name, _, detail = item.partition(PAIR_SEPARATOR)
            item = {"name": name, key: detail}
        if not isinstance(item, dict):
            raise ValueError(f"expected Name{PAIR_SEPARATOR}{key} or an object, not {quoted(item)}")
        unknown = set(item) - {"name", key}
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))} in {quoted(item)}")
        name, detail = _text(item.get("name")), _text(item.get(key))
        if name is None:
            raise ValueError(f"a person without a name in {quoted(item)}")
        if roles:
            detail = detail.lower() if detail else None
            if detail not in roles:
                shown = f"role {quoted(detail)}" if detail else "no role"
                raise ValueError(f"{name}: {shown}; expected one of {', '.join(roles)}")
        return {"name": name, key: detail}

    def parse_people(value) -> list[dict] | None:
        items = _items(value)
        return [person(item) for item in items] if items else None

    return parse_people


READERS: dict[str, Callable[[Path, bool], pa.Table]] = {
    ".csv": _read_csv,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".parquet": _read_parquet,
}
