"""Loading, normalising, validating and atomically writing catalogs.

A catalog is read from a Parquet file, a folder of Parquet files (hive partitions allowed) or a
URI (``s3://``, ``gs://``, ``https://``). Whatever wrote it, it comes back in the canonical
schema of :mod:`calendar_data.schema`, or a :class:`CatalogError` says precisely why not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
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
PARQUET_MAGIC = b"PAR1"
NON_NEGATIVE = ("season", "episode_start", "episode_end", "episode_count", "runtime_minutes")


class CatalogError(Exception):
    """A catalog that cannot be trusted. The message names the file, column and rows.

    ``category`` tells kinds of problems apart: ``not_found``, ``unavailable`` (download
    failed), ``empty``, ``not_parquet``, ``truncated``, ``corrupt``, ``too_large``,
    ``missing_column``, ``duplicate_column``, ``unknown_column`` (asked for a column the schema
    lacks), ``wrong_type``, ``out_of_range``, ``null_required``, ``bad_value``,
    ``duplicate_id``, ``bad_date``, or ``invalid`` for anything else.
    """

    def __init__(self, message: str, category: str = "invalid"):
        super().__init__(message)
        self.category = category

    def __reduce__(self):
        return type(self), (str(self), self.category)


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

#: Categorical text is decoded straight into dictionaries; INT96 instants as microseconds, so
#: dates far from 1970 do not overflow nanoseconds.
PARQUET_FORMAT = ds.ParquetFileFormat(
    dictionary_columns=[c.name for c in schema.COLUMNS if c.type == schema.CATEGORY],
    coerce_int96_timestamp_unit="us",
)


def load_catalog(
    location: str | os.PathLike,
    columns: Sequence[str] | None = None,
    row_filter: pc.Expression | None = None,
) -> Catalog:
    """Read, normalise and validate a catalog.

    ``columns`` limits what is decoded (required columns are always read); ``row_filter`` is
    pushed down to the Parquet reader, so partitions and row groups that cannot match are
    skipped. A filter that matches nothing gives an empty catalog, not an error.
    """
    origin = str(location)
    wanted = _columns_to_read(columns)
    with contextlib.ExitStack() as open_files, _arrow_errors(origin):
        dataset, in_folder = _open(origin, open_files)
        if in_folder:
            # Partitions the filter rules out are never opened (see write_partitioned).
            fragments = list(dataset.get_fragments(filter=row_filter))
            if not fragments:
                return Catalog(SCHEMA.empty_table().select(wanted), origin)
            _check_files(fragments)
        else:
            fragments = list(dataset.get_fragments())
        _check_total_rows(fragments, origin)
        names = [f.path if in_folder else origin for f in fragments]
        table, warnings = _scan(dataset, fragments, names, origin, wanted, row_filter)
        metadata = fragments[0].physical_schema.metadata or {}
    _check_values(table, origin)
    generated_at, sources = _decode_metadata(metadata)
    return Catalog(table, origin, generated_at, sources, warnings)


def _columns_to_read(columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return list(schema.COLUMN_NAMES)
    unknown = [c for c in columns if c not in COLUMNS_BY_NAME]
    if unknown:
        raise CatalogError(f"unknown catalog column(s): {', '.join(unknown)}", "unknown_column")
    return [c for c in schema.COLUMN_NAMES if c in set(columns) | set(schema.REQUIRED)]


@contextlib.contextmanager
def _arrow_errors(origin: str) -> Iterator[None]:
    """Report whatever Arrow or the file system raises as an unreadable catalog."""
    try:
        yield
    except CatalogError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise CatalogError(
            f"{origin}: not a readable Parquet catalog ({_first_line(exc)})", "corrupt"
        ) from exc


def _open(origin: str, open_files: contextlib.ExitStack) -> tuple[ds.Dataset, bool]:
    """The dataset at ``origin``, and whether it is a folder."""
    scheme = re.match(r"^([a-z][a-z0-9+.-]*)://", origin)
    if scheme and scheme.group(1) in ("http", "https"):
        return _file_dataset(pa.BufferReader(_download(origin)), origin), False
    if scheme:
        filesystem, path = pafs.FileSystem.from_uri(origin)
    else:
        filesystem, path = pafs.LocalFileSystem(), os.path.abspath(origin)
    kind = filesystem.get_file_info(path).type
    if kind == pafs.FileType.NotFound:
        raise CatalogError(f"{origin}: no such file or folder", "not_found")
    if kind == pafs.FileType.Directory:
        return _folder_dataset(path, origin, filesystem), True
    # One handle for every read, so a catalog replaced meanwhile cannot mix two files.
    return _file_dataset(open_files.enter_context(filesystem.open_input_file(path)), origin), False


def _download(url: str) -> bytes:
    import httpx  # deferred: only remote catalogs need it

    chunks, size = [], 0
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60) as response:
            if response.status_code != 200:
                category = "not_found" if response.status_code in (404, 410) else "unavailable"
                raise CatalogError(
                    f"{url}: HTTP {response.status_code} {response.reason_phrase}", category
                )
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise CatalogError(
                        f"{url}: larger than {MAX_DOWNLOAD_BYTES:,} bytes", "too_large"
                    )
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise CatalogError(f"{url}: download failed ({_first_line(exc)})", "unavailable") from exc
    return b"".join(chunks)


def _file_dataset(handle: pa.NativeFile, origin: str) -> ds.Dataset:
    _check_envelope(handle, origin)
    fragment = PARQUET_FORMAT.make_fragment(handle)
    _check_footer(fragment, origin)
    return ds.FileSystemDataset(
        [fragment], fragment.physical_schema, PARQUET_FORMAT, fragment.filesystem
    )


def _folder_dataset(path: str, origin: str, filesystem: pafs.FileSystem) -> ds.Dataset:
    """Every Parquet file under ``path``; hive partition keys (``service=Netflix/``) become
    text columns, whatever they look like, and are cast like any other column."""
    options = dict(format=PARQUET_FORMAT, filesystem=filesystem, ignore_prefixes=[".", "_"])
    dataset = ds.dataset(path, partitioning=ds.HivePartitioning.discover(), **options)
    if not dataset.files:
        raise CatalogError(f"{origin}: the folder holds no Parquet files", "empty")
    keys = sorted(
        {k for f in dataset.get_fragments() for k in ds.get_partition_keys(f.partition_expression)}
    )
    if keys:
        as_text = ds.partitioning(pa.schema([(k, pa.string()) for k in keys]), flavor="hive")
        dataset = ds.dataset(path, partitioning=as_text, **options)
    _check_unique_names(dataset.schema.names, origin)
    return dataset


def _check_files(fragments: list[ds.ParquetFileFragment]) -> None:
    """Check each file of a folder that the scan will read, before it reads them."""
    for fragment in fragments:
        path = fragment.path
        with _arrow_errors(path), fragment.filesystem.open_input_file(path) as handle:
            _check_envelope(handle, path)
            _check_footer(fragment, path)


def _check_envelope(handle: pa.NativeFile, origin: str) -> None:
    """Tell empty, foreign and cut-short files apart before Arrow reads a byte of them."""
    size = handle.size()
    if size == 0:
        raise CatalogError(f"{origin}: the file is empty (0 bytes)", "empty")
    head = handle.read_at(min(size, 16), 0)
    if not head.startswith(PARQUET_MAGIC):
        raise CatalogError(
            f"{origin}: not a Parquet file (it starts with {head!r}, not {PARQUET_MAGIC!r})",
            "not_parquet",
        )
    if size < 12 or handle.read_at(4, size - 4) != PARQUET_MAGIC:
        raise CatalogError(
            f"{origin}: the file is truncated ({size:,} bytes, and no Parquet footer at the end)",
            "truncated",
        )


def _check_footer(fragment: ds.ParquetFileFragment, origin: str) -> None:
    """Refuse footers that claim absurd sizes before decoding anything."""
    metadata = fragment.metadata
    if metadata.num_columns > MAX_COLUMNS:
        raise CatalogError(
            f"{origin}: the footer claims {metadata.num_columns:,} columns "
            f"(at most {MAX_COLUMNS:,} allowed)",
            "too_large",
        )
    if metadata.num_rows > MAX_ROWS or metadata.num_rows < 0:
        raise CatalogError(
            f"{origin}: the footer claims {metadata.num_rows:,} rows "
            f"(at most {MAX_ROWS:,} allowed)",
            "too_large",
        )
    claimed = sum(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups))
    if claimed != metadata.num_rows:
        raise CatalogError(
            f"{origin}: the footer is inconsistent ({metadata.num_rows:,} rows declared, "
            f"{claimed:,} in its row groups)",
            "corrupt",
        )
    _check_unique_names(fragment.physical_schema.names, origin)


def _check_total_rows(fragments: list[ds.ParquetFileFragment], origin: str) -> None:
    rows = sum(f.metadata.num_rows for f in fragments)
    if rows > MAX_ROWS:
        raise CatalogError(
            f"{origin}: {rows:,} rows is more than the {MAX_ROWS:,} allowed", "too_large"
        )
    if rows == 0:
        raise CatalogError(f"{origin}: the catalog is empty (no rows)", "empty")


def _check_unique_names(names: Sequence[str], origin: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CatalogError(
            f"{origin}: column(s) {', '.join(repeated)} appear more than once",
            "duplicate_column",
        )


def _require(present: Iterable[str], wanted: Iterable[str], origin: str) -> None:
    missing = [c for c in schema.REQUIRED if c in wanted and c not in present]
    if missing:
        raise CatalogError(
            f"{origin}: missing required column(s): {', '.join(missing)}", "missing_column"
        )


def _scan(
    dataset: ds.Dataset,
    fragments: list[ds.ParquetFileFragment],
    names: list[str],
    origin: str,
    wanted: list[str],
    row_filter,
) -> tuple[pa.Table, list[str]]:
    """Read ``wanted`` in the canonical schema, filtered by ``row_filter``.

    The filter is pushed down when the files share one schema holding every column in its
    canonical type. Otherwise (foreign types, missing columns, files that disagree) every file
    is conformed on its own and the filter applies afterwards, where it means what it says.
    """
    present = dataset.schema.names
    _require(present, wanted, origin)
    warnings = _ignored_columns([name for name in present if name != MONTH_KEY], origin)
    uniform = all(f.physical_schema.equals(fragments[0].physical_schema) for f in fragments)
    native = all(
        c.name in present and _decoded(dataset.schema.field(c.name).type) == _decoded(c.type)
        for c in schema.COLUMNS
    )
    if uniform and (row_filter is None or native):
        table = dataset.to_table(columns=[c for c in wanted if c in present], filter=row_filter)
        table, link_warnings = conform(table, origin, wanted)
        return table, warnings + link_warnings
    parts = [_conformed_fragment(f, name) for f, name in zip(fragments, names, strict=True)]
    table = pa.concat_tables(part for part, _ in parts)
    if row_filter is not None:
        table = table.filter(row_filter)
    return table.select(wanted), warnings + [w for _, part in parts for w in part]


def _conformed_fragment(fragment: ds.ParquetFileFragment, origin: str) -> tuple[pa.Table, list]:
    table = fragment.to_table()
    for key, value in ds.get_partition_keys(fragment.partition_expression).items():
        table = table.append_column(key, pa.array([value] * table.num_rows, pa.string()))
    return conform(table.select([c for c in table.column_names if c in COLUMNS_BY_NAME]), origin)


def _decoded(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _ignored_columns(names: Iterable[str], origin: str) -> list[str]:
    extra = sorted(set(names) - set(schema.COLUMN_NAMES))
    return [f"{origin}: ignored unknown column(s): {', '.join(extra)}"] if extra else []


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
    except (ValueError, TypeError, RecursionError):
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

    Strings of any width or encoding, integers and integral floats of any width (NaN is null),
    timestamps of any unit (naive ones are taken as UTC) and dates written as timestamps or ISO
    strings are accepted. Missing optional columns become nulls; unknown columns are dropped,
    with a warning unless ``columns`` picks what to keep. Links that are not http(s) are
    removed with a warning.
    """
    names = list(columns) if columns is not None else list(schema.COLUMN_NAMES)
    _check_unique_names(table.column_names, origin)
    warnings = _ignored_columns(table.column_names, origin) if columns is None else []
    arrays = []
    for name in names:
        column = COLUMNS_BY_NAME[name]
        if name not in table.column_names:
            if column.required:
                raise CatalogError(f"{origin}: missing required column: {name}", "missing_column")
            arrays.append(pa.nulls(table.num_rows, column.type))
            continue
        arrays.append(_cast_column(table.column(name), column, origin))
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
        if pa.types.is_dictionary(source) and not _is_text(source):
            values = values.cast(source.value_type)
        if target == schema.CATEGORY or pa.types.is_string(target):
            return _cast_text(values, target, where)
        if pa.types.is_integer(target):
            return _cast_integer(values, target, where)
        if pa.types.is_date(target):
            return _cast_date(values, where)
        if pa.types.is_timestamp(target):
            return _cast_timestamp(values, where)
        if pa.types.is_list(target):
            return _cast_list(values, target, where)
    except CatalogError:
        raise
    except pa.ArrowException as exc:
        detail = _first_line(exc)
        raise CatalogError(
            f"{where} has type {source}, expected {target} ({detail})", "wrong_type"
        ) from exc
    raise CatalogError(f"{where} has type {source}, expected {target}", "wrong_type")


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return (
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _cast_text(values, target, where):
    if not _is_text(values.type):
        raise CatalogError(f"{where} should be text, not {values.type}", "wrong_type")
    if _decoded(values.type) != pa.string():
        values = values.cast(pa.string())  # Arrow cannot dictionary-encode wide or view strings
    return values.cast(target)


def _cast_integer(values, target, where):
    kind = values.type
    if _is_text(kind):  # e.g. hive partition keys (season=2/)
        text = values.cast(pa.string())
        try:
            values = text.cast(pa.int64())
        except pa.ArrowInvalid:
            bad = _unparseable(text.combine_chunks(), pa.int64())
            raise CatalogError(f"{where}: not whole numbers: {bad}", "wrong_type") from None
    elif pa.types.is_floating(kind):
        values = pc.if_else(pc.is_nan(values), pa.scalar(None, kind), values)
    elif not pa.types.is_integer(kind):
        raise CatalogError(f"{where} should be a whole number, not {kind}", "wrong_type")
    try:
        return values.cast(target)  # safe: refuses overflow and fractions
    except pa.ArrowInvalid:
        low, high = -(2 ** (target.bit_width - 1)), 2 ** (target.bit_width - 1) - 1
        numbers = pc.cast(values, pa.float64(), safe=False)
        outside = pc.or_(pc.less(numbers, low), pc.greater(numbers, high))
        wrong = pc.or_(outside, pc.not_equal(numbers, pc.trunc(numbers)))
        raise CatalogError(
            f"{where} holds values that are not whole numbers in {low}..{high} "
            f"({_offending(values, wrong)})",
            "out_of_range",
        ) from None


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
        try:
            return text.cast(pa.date32())
        except pa.ArrowInvalid:
            bad = _unparseable(text.combine_chunks(), pa.date32())
            raise CatalogError(f"{where}: unparseable date(s) {bad}", "bad_date") from None
    raise CatalogError(f"{where} should be a date, not {kind}", "wrong_type")


def _cast_timestamp(values, where):
    kind = values.type
    if _is_text(kind):
        text = values.cast(pa.string())
        try:
            return text.cast(schema.TIMESTAMP)
        except pa.ArrowInvalid:
            bad = _unparseable(text.combine_chunks(), schema.TIMESTAMP)
            raise CatalogError(f"{where}: unparseable timestamp(s) {bad}", "bad_date") from None
    if pa.types.is_date(kind):
        values = values.cast(pa.timestamp("s"))
    elif not pa.types.is_timestamp(kind):
        raise CatalogError(f"{where} should be a timestamp, not {kind}", "wrong_type")
    if values.type.tz is None:
        values = pc.assume_timezone(values, "UTC")
    try:
        # Dropping sub-microsecond digits is fine; overflowing is not.
        return pc.cast(values, options=pc.CastOptions(schema.TIMESTAMP, allow_time_truncate=True))
    except pa.ArrowInvalid:
        raise CatalogError(f"{where} holds instants too far from 1970", "bad_date") from None


def _cast_list(values, target, where):
    kind = values.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)):
        raise CatalogError(f"{where} should be a list, not {kind}", "wrong_type")
    if not _same_text_shape(kind.value_type, target.value_type):
        raise CatalogError(f"{where} should be a {target}, not {kind}", "wrong_type")
    return values.cast(target)


def _same_text_shape(kind: pa.DataType, like: pa.DataType) -> bool:
    """Whether ``kind`` holds text where ``like`` does: any string for a string, a struct with
    the same field names, all text, for a struct."""
    if pa.types.is_struct(like):
        return (
            pa.types.is_struct(kind)
            and sorted(f.name for f in kind) == sorted(f.name for f in like)
            and all(_is_text(f.type) for f in kind)
        )
    return _is_text(kind)


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
    """Null every link that is not an absolute http(s) URL, with one warning per column."""
    warnings = []
    for name in schema.LINK_COLUMNS:
        if name not in table.column_names:
            continue
        links = table.column(name)
        safe = pc.match_substring_regex(links, r"^https?://[^\s/?#]+[^\s]*$", ignore_case=True)
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
        raise CatalogError(f"{origin}: the catalog is empty (no rows)", "empty")
    _check_values(table, origin)


def _check_values(table: pa.Table, origin: str) -> None:
    """Everything :func:`validate` checks but the row count, which a filter may bring to 0."""
    present = table.column_names
    for name in schema.REQUIRED:
        if name in present:
            _check_no_nulls(table, name, origin)
    for column in schema.COLUMNS:
        if column.choices and column.name in present:
            _check_choices(table, column, origin)
    if "release_id" in present:
        _check_unique_ids(table, origin)
    for name in present:
        if pa.types.is_temporal(COLUMNS_BY_NAME[name].type):
            _check_plausible_dates(table, name, origin)
    if "release_date" in present and "status" in present:
        _check_dated_unless_tba(table, origin)
    for name in NON_NEGATIVE:
        if name in present:
            _check_not_negative(table, name, origin)
    if "episode_start" in present and "episode_end" in present:
        _check_episode_order(table, origin)


def _check_no_nulls(table, name, origin):
    values = table[name]
    empty = pc.is_null(values)
    if _is_text(values.type):
        empty = pc.or_(empty, pc.fill_null(_per_text_value(values, _blank), False))
    if pc.any(empty).as_py():
        raise CatalogError(
            f"{origin}: required column {name} is empty or blank (rows {_rows_where(empty)})",
            "null_required",
        )


def _check_choices(table, column, origin):
    values = table[column.name]
    choices = pa.array(column.choices)
    known = _per_text_value(values, lambda text: pc.is_in(text, value_set=choices))
    wrong = pc.and_(pc.is_valid(values), pc.invert(known))
    if pc.any(wrong).as_py():
        bad = sorted(set(pc.filter(values.cast(pa.string()), wrong).to_pylist()))[:SHOWN_ROWS]
        raise CatalogError(
            f"{origin}: column {column.name} has unknown value(s) "
            f"{', '.join(repr(v[:40]) for v in bad)} (rows {_rows_where(wrong)}); "
            f"expected one of {', '.join(column.choices)}",
            "bad_value",
        )


def _per_text_value(values: pa.ChunkedArray, test: Callable[[pa.Array], pa.Array]):
    """``test`` of each value of a text column. A categorical column's distinct values are
    tested once, instead of decoding a million rows to test the same few values again."""
    return pa.chunked_array(
        [
            pc.take(test(_plain_text(chunk.dictionary)), chunk.indices)
            if pa.types.is_dictionary(chunk.type)
            else test(_plain_text(chunk))
            for chunk in values.chunks
        ],
        pa.bool_(),
    )


def _plain_text(text: pa.Array) -> pa.Array:
    return text if pa.types.is_string(text.type) else text.cast(pa.string())


def _blank(text: pa.Array) -> pa.Array:
    """Empty or only whitespace (what trimming would leave empty, without making the copy)."""
    return pc.or_(pc.utf8_is_space(text), pc.equal(pc.binary_length(text), 0))


def _check_unique_ids(table, origin):
    ids = table["release_id"]
    if len(pc.unique(ids)) == len(ids):  # the usual case, in half the time of counting
        return
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        shown = ", ".join(repr(v[:60]) for v in repeated.to_pylist()[:SHOWN_ROWS])
        rows = _rows_where(pc.is_in(ids, repeated))
        raise CatalogError(f"{origin}: duplicate release_id {shown} (rows {rows})", "duplicate_id")


def _check_plausible_dates(table, name, origin):
    values = table[name]
    if pa.types.is_timestamp(values.type):
        low = pa.scalar(dt.datetime.combine(EARLIEST, dt.time(), dt.UTC), values.type)
        high = pa.scalar(dt.datetime.combine(LATEST, dt.time.max, dt.UTC), values.type)
    else:
        low, high = pa.scalar(EARLIEST, values.type), pa.scalar(LATEST, values.type)
    outside = pc.or_(pc.less(values, low), pc.greater(values, high))
    if pc.any(outside).as_py():
        raise CatalogError(
            f"{origin}: column {name} has impossible dates outside {EARLIEST}..{LATEST} "
            f"({_offending(values, outside)})",
            "bad_date",
        )


def _check_dated_unless_tba(table, origin):
    undated = pc.and_(
        pc.is_null(table["release_date"]), pc.not_equal(table["status"].cast(pa.string()), "tba")
    )
    if pc.any(undated).as_py():
        raise CatalogError(
            f"{origin}: column release_date is empty on rows whose status is not tba "
            f"(rows {_rows_where(undated)})",
            "bad_date",
        )


def _check_not_negative(table, name, origin):
    negative = pc.less(table[name], 0)
    if pc.any(negative).as_py():
        raise CatalogError(
            f"{origin}: column {name} holds negative numbers ({_offending(table[name], negative)})",
            "out_of_range",
        )


def _check_episode_order(table, origin):
    backwards = pc.greater(table["episode_start"], table["episode_end"])
    if pc.any(backwards).as_py():
        raise CatalogError(
            f"{origin}: episode_start is after episode_end (rows {_rows_where(backwards)})",
            "bad_value",
        )


def _rows_where(mask) -> str:
    rows = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    return shown + (f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else "")


def _offending(values, mask) -> str:
    """The first rows where ``mask`` holds, with their values: ``row 3: 70000, ...``."""
    rows = pc.indices_nonzero(pc.fill_null(mask, False))
    shown = rows.slice(0, SHOWN_ROWS)
    pairs = zip(shown.to_pylist(), values.take(shown).to_pylist(), strict=True)
    quoted = ", ".join(f"row {r}: {str(v)[:40]}" for r, v in pairs)
    more = len(rows) - len(shown)
    return quoted + (f" and {more} more" if more else "")


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
    table = _published(table, sources, generated_at)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    mode = _published_mode(target)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            pq.write_table(table, handle, compression="zstd", row_group_size=256 * 1024)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        load_catalog(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return warnings


def _published(
    table: pa.Table, sources: Iterable[SourceInfo], generated_at: str | None
) -> pa.Table:
    """Sorted, with the schema version, generation time and sources in its metadata."""
    return _sorted(table).replace_schema_metadata(
        {
            schema.META_SCHEMA_VERSION: schema.SCHEMA_VERSION.encode(),
            schema.META_GENERATED_AT: (generated_at or _now_iso()).encode(),
            schema.META_SOURCES: json.dumps([s.__dict__ for s in sources]).encode(),
        }
    )


# --------------------------------------------------------------------------- partitioned

#: The partition key :func:`write_partitioned` derives from ``release_date``: ``YYYY-MM``.
MONTH_KEY = "release_month"
PARTITION_KEYS = (MONTH_KEY, "service")


def write_partitioned(
    table: pa.Table,
    folder: str | os.PathLike,
    by: Sequence[str] = PARTITION_KEYS,
    sources: Iterable[SourceInfo] = (),
    generated_at: str | None = None,
) -> list[str]:
    """Validate ``table`` and publish it as a hive-partitioned folder; return the warnings.

    The layout is one folder per key, e.g. ``release_month=2023-11/service=Netflix/part-0.parquet``
    (``by`` names schema columns or :data:`MONTH_KEY`; undated rows go to the null partition),
    so a reader that filters on the keys (see :func:`month_filter`) opens only the files it
    needs, on a disk or in object storage. The folder is written beside ``folder``, read back,
    then swapped in by two renames: readers see the old or the new catalog, never a mix.
    """
    target = Path(folder)
    origin = str(target)
    unknown = [key for key in by if key != MONTH_KEY and key not in COLUMNS_BY_NAME]
    if not by or unknown:
        raise CatalogError(
            f"cannot partition by {', '.join(unknown) or 'nothing'}: use {MONTH_KEY} and "
            "catalog columns",
            "unknown_column",
        )
    table, warnings = conform(table, origin)
    validate(table, origin)
    table = _published(table, sources, generated_at)
    for key in by:
        if key == MONTH_KEY:
            month = pc.strftime(table["release_date"].cast(pa.timestamp("s")), "%Y-%m")
            table = table.append_column(MONTH_KEY, month)
        else:
            table = table.set_column(
                table.column_names.index(key), key, table[key].cast(pa.string())
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.partitioning"
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        ds.write_dataset(
            table,
            temporary,
            format="parquet",
            partitioning=ds.partitioning(pa.schema([(k, pa.string()) for k in by]), flavor="hive"),
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            max_rows_per_group=256 * 1024,
            preserve_order=True,
        )
        load_catalog(temporary)
        _swap_folder(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return warnings


def month_filter(start: dt.date, end: dt.date) -> pc.Expression:
    """Rows dated ``start`` to ``end`` of a catalog partitioned by :data:`MONTH_KEY`: the
    month partitions outside the range are not even opened."""
    months = (pc.field(MONTH_KEY) >= f"{start:%Y-%m}") & (pc.field(MONTH_KEY) <= f"{end:%Y-%m}")
    days = (pc.field("release_date") >= pa.scalar(start, pa.date32())) & (
        pc.field("release_date") <= pa.scalar(end, pa.date32())
    )
    return months & days


def _swap_folder(new: Path, target: Path) -> None:
    if target.exists():
        old = target.parent / f".{target.name}.{os.getpid()}.replaced"
        os.replace(target, old)
        os.replace(new, target)
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    else:
        os.replace(new, target)
    _fsync_folder(target.parent)


def _sorted(table: pa.Table) -> pa.Table:
    """Rows by date then service, so row-group statistics can skip months on read."""
    keys = pa.table(
        {
            name: table[name].cast(pa.string()) if name == "service" else table[name]
            for name, _ in SORT_KEYS
        }
    )
    return table.take(pc.sort_indices(keys, sort_keys=SORT_KEYS))


def _published_mode(target: Path) -> int:
    """The permissions the catalog keeps (``mkstemp`` alone would make it owner-only)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o644


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable, so a power cut cannot bring back the old catalog."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temporaries left by writers of ``target`` that are no longer running."""
    removed = []
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
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
