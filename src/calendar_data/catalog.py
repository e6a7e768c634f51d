"""Loading, normalising, validating and atomically writing catalogs.

A catalog is read from a Parquet file, a folder of Parquet files (hive partitions allowed) or a
URI (``s3://``, ``gs://``, ``https://``). Whatever wrote it, it comes back in the canonical
schema of :mod:`calendar_data.schema`, or a :class:`CatalogError` says precisely why not.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import schema
from .schema import COLUMNS_BY_NAME, SCHEMA

#: A footer claiming more than this is not a catalog we will decode.
MAX_ROWS = int(os.environ.get("CALENDAR_MAX_ROWS", 20_000_000))
MAX_COLUMNS = 1_000
MAX_DOWNLOAD_BYTES = 2 * 1024**3
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
SHOWN_ROWS = 5  # offending rows quoted in an error message


class CatalogError(Exception):
    """A catalog that cannot be trusted. The message names the file, column and rows."""


@dataclass(frozen=True)
class SourceInfo:
    """Where a catalog's rows come from, and how to credit them."""

    name: str
    licence: str = ""
    attribution: str = ""
    url: str = ""


@dataclass
class Catalog:
    table: pa.Table
    origin: str
    generated_at: str = ""
    sources: tuple[SourceInfo, ...] = ()
    warnings: list[str] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


# --------------------------------------------------------------------------- reading


def load_catalog(
    location: str | os.PathLike,
    columns: Sequence[str] | None = None,
    row_filter: pc.Expression | None = None,
) -> Catalog:
    """Read, normalise and validate a catalog.

    ``columns`` limits what is decoded (required columns are always read); ``row_filter`` is
    pushed down to the Parquet reader, so partitions and row groups that cannot match are
    skipped.
    """
    origin = str(location)
    wanted = _columns_to_read(columns)
    table, metadata = _read(origin, wanted, row_filter)
    table, warnings = conform(table, origin, wanted)
    validate(table, origin)
    generated_at, sources = _decode_metadata(metadata)
    return Catalog(table, origin, generated_at, sources, warnings)


def _columns_to_read(columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return list(schema.COLUMN_NAMES)
    unknown = [c for c in columns if c not in COLUMNS_BY_NAME]
    if unknown:
        raise ValueError(f"unknown catalog columns: {', '.join(unknown)}")
    return [c for c in schema.COLUMN_NAMES if c in set(columns) | set(schema.REQUIRED)]


def _read(origin: str, wanted: list[str], row_filter) -> tuple[pa.Table, dict]:
    scheme = re.match(r"^([a-z][a-z0-9+.-]*)://", origin)
    try:
        if scheme and scheme.group(1) in ("http", "https"):
            return _read_file(pa.BufferReader(_download(origin)), origin, wanted, row_filter)
        if scheme:
            filesystem, path = pa.fs.FileSystem.from_uri(origin)
            info = filesystem.get_file_info(path)
            if info.type == pa.fs.FileType.Directory:
                return _read_dataset(path, origin, wanted, row_filter, filesystem)
            with filesystem.open_input_file(path) as handle:
                return _read_file(handle, origin, wanted, row_filter)
        path = Path(origin)
        if path.is_dir():
            return _read_dataset(str(path), origin, wanted, row_filter, None)
        if not path.exists():
            raise CatalogError(f"{origin}: no such file or folder")
        return _read_file(str(path), origin, wanted, row_filter)
    except CatalogError:
        raise
    except (pa.ArrowInvalid, OSError, ValueError) as exc:
        raise CatalogError(
            f"{origin}: not a readable Parquet catalog ({_first_line(exc)})"
        ) from exc


def _download(url: str) -> bytes:
    import httpx

    chunks, size = [], 0
    with httpx.stream("GET", url, follow_redirects=True, timeout=60) as response:
        if response.status_code != 200:
            raise CatalogError(f"{url}: HTTP {response.status_code}")
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_DOWNLOAD_BYTES:
                raise CatalogError(f"{url}: larger than {MAX_DOWNLOAD_BYTES} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def _read_file(source, origin: str, wanted: list[str], row_filter) -> tuple[pa.Table, dict]:
    size = _size_of(source)
    if size == 0:
        raise CatalogError(f"{origin}: the file is empty")
    parquet = pq.ParquetFile(source)
    _check_footer(parquet.metadata, origin)
    present = set(parquet.schema_arrow.names)
    _require(present, wanted, origin)
    categorical = [c for c in wanted if c in present and COLUMNS_BY_NAME[c].type == schema.CATEGORY]
    table = pq.read_table(
        source,
        columns=[c for c in wanted if c in present],
        filters=row_filter,
        read_dictionary=categorical,
    )
    return table, parquet.schema_arrow.metadata or {}


def _read_dataset(path: str, origin: str, wanted, row_filter, filesystem) -> tuple[pa.Table, dict]:
    dataset = ds.dataset(
        path,
        format="parquet",
        partitioning=ds.HivePartitioning.discover(infer_dictionary=True),
        filesystem=filesystem,
        exclude_invalid_files=False,
        ignore_prefixes=[".", "_"],
    )
    if not dataset.files:
        raise CatalogError(f"{origin}: the folder holds no Parquet files")
    rows = 0
    for fragment in dataset.get_fragments():
        _check_footer(fragment.metadata, f"{origin} ({fragment.path})")
        rows += fragment.metadata.num_rows
    if rows > MAX_ROWS:
        raise CatalogError(f"{origin}: {rows:,} rows is more than the {MAX_ROWS:,} allowed")
    present = set(dataset.schema.names)
    _require(present, wanted, origin)
    table = dataset.to_table(columns=[c for c in wanted if c in present], filter=row_filter)
    metadata = pq.read_schema(dataset.files[0], filesystem=filesystem).metadata or {}
    return table, metadata


def _size_of(source) -> int | None:
    if isinstance(source, str):
        return os.path.getsize(source)
    return source.size()


def _check_footer(metadata: pq.FileMetaData, origin: str) -> None:
    """Refuse footers that claim absurd sizes before decoding anything."""
    if metadata.num_columns > MAX_COLUMNS:
        raise CatalogError(
            f"{origin}: the footer claims {metadata.num_columns:,} columns "
            f"(at most {MAX_COLUMNS:,} allowed)"
        )
    if metadata.num_rows > MAX_ROWS or metadata.num_rows < 0:
        raise CatalogError(
            f"{origin}: the footer claims {metadata.num_rows:,} rows (at most {MAX_ROWS:,} allowed)"
        )
    claimed = sum(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups))
    if claimed != metadata.num_rows:
        raise CatalogError(
            f"{origin}: the footer is inconsistent ({metadata.num_rows:,} rows declared, "
            f"{claimed:,} in its row groups)"
        )


def _require(present: set[str], wanted: Iterable[str], origin: str) -> None:
    missing = [c for c in schema.REQUIRED if c in wanted and c not in present]
    if missing:
        raise CatalogError(f"{origin}: missing required column(s): {', '.join(missing)}")


def _decode_metadata(metadata: dict) -> tuple[str, tuple[SourceInfo, ...]]:
    generated_at = metadata.get(schema.META_GENERATED_AT, b"").decode("utf-8", "replace")
    try:
        raw = json.loads(metadata.get(schema.META_SOURCES, b"[]"))
        sources = tuple(
            SourceInfo(
                **{k: str(v) for k, v in item.items() if k in SourceInfo.__dataclass_fields__}
            )
            for item in raw
            if isinstance(item, dict) and item.get("name")
        )
    except (ValueError, TypeError):
        sources = ()
    return generated_at, sources


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


# --------------------------------------------------------------------------- normalising


def conform(
    table: pa.Table, origin: str, columns: Sequence[str] | None = None
) -> tuple[pa.Table, list[str]]:
    """Cast what other writers produce to the canonical schema.

    Strings of any width or encoding, integers and integral floats of any width, timestamps of
    any unit (naive ones are taken as UTC) and dates written as timestamps or ISO strings are
    accepted. Missing optional columns become nulls; unknown columns are dropped. Links that
    are not http(s) are removed with a warning.
    """
    names = list(columns) if columns is not None else list(schema.COLUMN_NAMES)
    warnings: list[str] = []
    arrays = []
    for name in names:
        column = COLUMNS_BY_NAME[name]
        if name not in table.column_names:
            if column.required:
                raise CatalogError(f"{origin}: missing required column: {name}")
            arrays.append(pa.nulls(table.num_rows, column.type))
            continue
        arrays.append(_cast_column(table.column(name), column, origin))
    extra = sorted(set(table.column_names) - set(schema.COLUMN_NAMES))
    if extra and columns is None:
        warnings.append(f"{origin}: ignored unknown column(s): {', '.join(extra)}")
    fields = [SCHEMA.field(n) for n in names]
    result = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    result, link_warnings = drop_unsafe_links(result, origin)
    return result, warnings + link_warnings


def _cast_column(values: pa.ChunkedArray, column: schema.Column, origin: str) -> pa.ChunkedArray:
    source, target = values.type, column.type
    if source == target:
        return values
    where = f"{origin}: column {column.name}"
    try:
        if pa.types.is_null(source):
            return pa.chunked_array([pa.nulls(len(values), target)])
        if target == schema.CATEGORY or pa.types.is_string(target):
            return _cast_text(values, target, where)
        if pa.types.is_integer(target):
            return _cast_integer(values, target, where)
        if pa.types.is_date(target):
            return _cast_date(values, where)
        if pa.types.is_timestamp(target):
            return _cast_timestamp(values, where)
        if pa.types.is_list(target):
            if not (pa.types.is_list(source) or pa.types.is_large_list(source)):
                raise CatalogError(f"{where} should be a list, not {source}")
            return values.cast(target)
    except CatalogError:
        raise
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        detail = _first_line(exc)
        raise CatalogError(f"{where} has type {source}, expected {target} ({detail})") from exc
    raise CatalogError(f"{where} has type {source}, expected {target}")


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return (
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _cast_text(values, target, where):
    if not _is_text(values.type):
        raise CatalogError(f"{where} should be text, not {values.type}")
    if pa.types.is_dictionary(values.type) and target == pa.string():
        return values.cast(pa.string())
    return values.cast(target)


def _cast_integer(values, target, where):
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        try:
            return values.cast(target)  # safe: refuses overflow and fractions
        except pa.ArrowInvalid as exc:
            raise CatalogError(
                f"{where} holds values that are not whole numbers between "
                f"{-(2**15)} and {2**15 - 1} ({_first_line(exc)})"
            ) from exc
    raise CatalogError(f"{where} should be a whole number, not {values.type}")


def _cast_date(values, where):
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz:
            values = pc.local_timestamp(values)
        return values.cast(pa.date32())
    if pa.types.is_date(kind):
        return values.cast(pa.date32())
    if _is_text(kind):
        text = values.cast(pa.string())
        parsed = []
        for chunk in text.chunks:
            try:
                parsed.append(chunk.cast(pa.date32()))
            except pa.ArrowInvalid:
                bad = _unparseable(chunk, pa.date32())
                raise CatalogError(f"{where}: unparseable date(s) {bad}") from None
        return pa.chunked_array(parsed, pa.date32())
    raise CatalogError(f"{where} should be a date, not {kind}")


def _cast_timestamp(values, where):
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            values = pc.assume_timezone(values, "UTC")
        return values.cast(schema.TIMESTAMP, safe=False)
    if pa.types.is_date(kind):
        return pc.assume_timezone(values.cast(pa.timestamp("us")), "UTC").cast(schema.TIMESTAMP)
    if _is_text(kind):
        text = values.cast(pa.string())
        try:
            return text.cast(schema.TIMESTAMP)
        except pa.ArrowInvalid:
            bad = _unparseable(pa.concat_arrays(text.chunks), schema.TIMESTAMP)
            raise CatalogError(f"{where}: unparseable timestamp(s) {bad}") from None
    raise CatalogError(f"{where} should be a timestamp, not {kind}")


def _unparseable(text: pa.Array, target: pa.DataType) -> str:
    bad = []
    for row, value in enumerate(text.to_pylist()):
        if value is None:
            continue
        try:
            pa.scalar(value).cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            bad.append(f"row {row}: {value[:40]!r}")
            if len(bad) == SHOWN_ROWS:
                break
    return ", ".join(bad)


def drop_unsafe_links(table: pa.Table, origin: str) -> tuple[pa.Table, list[str]]:
    """Null every link that is not an http(s) URL, with one warning per column."""
    warnings = []
    for name in schema.LINK_COLUMNS:
        if name not in table.column_names:
            continue
        links = table.column(name)
        safe = pc.match_substring_regex(links, r"^https?://[^\s]+$", ignore_case=True)
        unsafe = pc.and_(pc.is_valid(links), pc.invert(safe))
        count = pc.sum(unsafe).as_py() or 0
        if count:
            rows = _rows_where(unsafe)
            warnings.append(
                f"{origin}: dropped {count} non-http(s) link(s) in column {name} (rows {rows})"
            )
            cleaned = pc.if_else(unsafe, pa.scalar(None, pa.string()), links)
            table = table.set_column(table.column_names.index(name), name, cleaned)
    return table, warnings


# --------------------------------------------------------------------------- validating


def validate(table: pa.Table, origin: str) -> None:
    """Raise :class:`CatalogError` for anything a conformed table must not hold."""
    if table.num_rows == 0:
        raise CatalogError(f"{origin}: the catalog has no rows")
    for name in schema.REQUIRED:
        if name in table.column_names:
            _check_no_nulls(table, name, origin)
    for name in table.column_names:
        column = COLUMNS_BY_NAME[name]
        if column.choices:
            _check_choices(table, column, origin)
    if "release_id" in table.column_names:
        _check_unique_ids(table, origin)
    for name in ("release_date", "previous_release_date"):
        if name in table.column_names:
            _check_plausible_dates(table, name, origin)
    if "release_date" in table.column_names and "status" in table.column_names:
        undated = pc.and_(
            pc.is_null(table["release_date"]),
            pc.not_equal(table["status"].cast(pa.string()), "tba"),
        )
        if pc.any(undated).as_py():
            raise CatalogError(
                f"{origin}: column release_date is empty on rows whose status is not tba "
                f"(rows {_rows_where(undated)})"
            )
    for first, last in (("episode_start", "episode_end"),):
        if first in table.column_names and last in table.column_names:
            backwards = pc.fill_null(pc.greater(table[first], table[last]), False)
            if pc.any(backwards).as_py():
                raise CatalogError(
                    f"{origin}: episode_start is after episode_end (rows {_rows_where(backwards)})"
                )


def _check_no_nulls(table, name, origin):
    values = table[name]
    empty = pc.is_null(values)
    if pa.types.is_string(values.type) or values.type == schema.CATEGORY:
        empty = pc.or_(empty, pc.fill_null(pc.equal(values.cast(pa.string()), ""), False))
    if pc.any(empty).as_py():
        raise CatalogError(f"{origin}: required column {name} is empty (rows {_rows_where(empty)})")


def _check_choices(table, column, origin):
    values = table[column.name].cast(pa.string())
    wrong = pc.invert(pc.fill_null(pc.is_in(values, pa.array(column.choices)), True))
    if pc.any(wrong).as_py():
        bad = sorted({v for v in pc.filter(values, wrong).to_pylist()})[:SHOWN_ROWS]
        raise CatalogError(
            f"{origin}: column {column.name} has unknown value(s) "
            f"{', '.join(repr(v[:40]) for v in bad)} (rows {_rows_where(wrong)}); "
            f"expected one of {', '.join(column.choices)}"
        )


def _check_unique_ids(table, origin):
    ids = table["release_id"]
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        shown = ", ".join(repr(v[:60]) for v in repeated.to_pylist()[:SHOWN_ROWS])
        rows = _rows_where(pc.is_in(ids, repeated))
        raise CatalogError(f"{origin}: duplicate release_id {shown} (rows {rows})")


def _check_plausible_dates(table, name, origin):
    dates = table[name]
    outside = pc.fill_null(
        pc.or_(pc.less(dates, pa.scalar(EARLIEST)), pc.greater(dates, pa.scalar(LATEST))), False
    )
    if pc.any(outside).as_py():
        raise CatalogError(
            f"{origin}: column {name} has impossible dates outside {EARLIEST}..{LATEST} "
            f"(rows {_rows_where(outside)})"
        )


def _rows_where(mask) -> str:
    rows = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    return shown + (f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else "")


# --------------------------------------------------------------------------- writing

SORT_KEYS = [("release_date", "ascending"), ("service", "ascending"), ("release_id", "ascending")]


def write_catalog(
    table: pa.Table,
    path: str | os.PathLike,
    sources: Iterable[SourceInfo] = (),
    generated_at: str | None = None,
) -> list[str]:
    """Validate and atomically publish ``table`` at ``path``; return the load warnings.

    The catalog goes to a temporary file in the target folder, is read back and validated, and
    only then replaces the target with :func:`os.replace`. A failed or killed write leaves the
    previous catalog byte-for-byte intact; leftovers of killed writers are removed next time.
    """
    target = Path(path)
    origin = str(target)
    table, warnings = conform(table, origin)
    validate(table, origin)
    table = _sorted(table).replace_schema_metadata(
        {
            schema.META_SCHEMA_VERSION: schema.SCHEMA_VERSION.encode(),
            schema.META_GENERATED_AT: (generated_at or _now_iso()).encode(),
            schema.META_SOURCES: json.dumps([s.__dict__ for s in sources]).encode(),
        }
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            pq.write_table(table, handle, compression="zstd", row_group_size=256 * 1024)
            handle.flush()
            os.fsync(handle.fileno())
        load_catalog(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return warnings


def _sorted(table: pa.Table) -> pa.Table:
    """Rows by date then service, so row-group statistics can skip months on read."""
    keys = pa.table(
        {
            name: table[name].cast(pa.string()) if name == "service" else table[name]
            for name, _ in SORT_KEYS
        }
    )
    return table.take(pc.sort_indices(keys, sort_keys=SORT_KEYS))


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temporaries left by writers of ``target`` that are no longer running."""
    removed = []
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        pid = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_signature(location: str | os.PathLike) -> tuple:
    """A cache key that changes whenever the file or folder at ``location`` is replaced."""
    path = Path(location)
    if not path.exists():
        return (str(location),)
    if path.is_dir():
        parts = sorted(path.rglob("*.parquet"))
        return (str(path),) + tuple(_stat_key(p) for p in parts)
    return (str(path), _stat_key(path))


def _stat_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
