"""Reading a catalog from a Parquet file, a folder of Parquet files (hive partitions allowed)
or a URI (``s3://``, ``gs://``, ``https://``), refusing absurd or broken files before decoding.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from .. import schema
from ..schema import COLUMNS_BY_NAME, SCHEMA
from ..text import first_line
from .conform import check_unique_names, conform, decoded, ignored_columns
from .metadata import decode_metadata, decode_refresh
from .model import MONTH_KEY, Catalog, CatalogError
from .remote import BUILD_FILE, describe_error, is_object_store, named_build, raise_if_unlisted
from .remote import signature as object_store_signature
from .validate import check_values

#: A footer claiming more than this is not a catalog we will decode.
MAX_ROWS = int(os.environ.get("CALENDAR_MAX_ROWS", 20_000_000))
MAX_COLUMNS = 1_000
MAX_DOWNLOAD_BYTES = 2 * 1024**3
PARQUET_MAGIC = b"PAR1"

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
    dated: tuple[dt.date | None, dt.date | None] | None = None,
) -> Catalog:
    """Read, normalise and validate a catalog.

    ``columns`` limits what is decoded (required columns are always read); ``row_filter`` is
    pushed down to the Parquet reader, so partitions and row groups that cannot match are
    skipped. ``dated`` (first day, last day; either may be open) keeps the rows whose
    ``release_date`` is in it: of a catalog partitioned by month, only those months' files are
    read. A filter that matches nothing gives an empty catalog, not an error.
    """
    origin = str(location)
    wanted = _columns_to_read(columns)
    with contextlib.ExitStack() as open_files, _arrow_errors(origin):
        dataset, in_folder = _open(origin, open_files)
        scan_filter = row_filter  # with the month keys, which only the reader knows
        if dated is not None:
            days = _day_filter(*dated)
            row_filter = scan_filter = days if row_filter is None else row_filter & days
            if MONTH_KEY in dataset.schema.names:
                scan_filter = row_filter & _month_key_filter(*dated)
        if in_folder:
            # Partitions the filter rules out are never opened (see write_partitioned).
            fragments = list(dataset.get_fragments(filter=scan_filter))
            if not fragments:
                return Catalog(SCHEMA.empty_table().select(wanted), origin)
            _check_files(fragments)
        else:
            fragments = list(dataset.get_fragments())
        _check_total_rows(fragments, origin)
        names = [f.path if in_folder else origin for f in fragments]
        filters = (row_filter, scan_filter)
        table, warnings = _scan(dataset, fragments, names, origin, wanted, *filters)
        metadata = fragments[0].physical_schema.metadata
    check_values(table, origin)
    generated_at, sources = decode_metadata(metadata)
    return Catalog(table, origin, generated_at, sources, warnings, decode_refresh(metadata))


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
        if is_object_store(origin):
            raise describe_error(origin, exc) from exc
        raise CatalogError(
            f"{origin}: not a readable Parquet catalog ({first_line(exc)})", "corrupt"
        ) from exc


def _open(origin: str, open_files: contextlib.ExitStack) -> tuple[ds.Dataset, bool]:
    """The dataset at ``origin``, and whether it is a folder."""
    scheme = re.match(r"^([a-z][a-z0-9+.-]*)://", origin)
    if scheme and scheme.group(1) in ("http", "https"):
        return _file_dataset(pa.BufferReader(_download(origin)), origin), False
    if scheme:
        raise_if_unlisted(origin)
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
        raise CatalogError(f"{url}: download failed ({first_line(exc)})", "unavailable") from exc
    return b"".join(chunks)


def _file_dataset(handle: pa.NativeFile, origin: str) -> ds.Dataset:
    _check_envelope(handle, origin)
    fragment = PARQUET_FORMAT.make_fragment(handle)
    _check_footer(fragment, origin)
    return ds.FileSystemDataset(
        [fragment], fragment.physical_schema, PARQUET_FORMAT, fragment.filesystem
    )


def _folder_dataset(path: str, origin: str, filesystem: pafs.FileSystem) -> ds.Dataset:
    """Every Parquet file under ``path`` (of the build its ``_build`` names, where it names
    one: see :mod:`.remote`); hive partition keys (``service=Netflix/``) become text columns,
    whatever they look like, and are cast like any other column; keys that are date or
    whole-number columns are read as such, so a date filter can rule out partitions."""
    options = dict(format=PARQUET_FORMAT, filesystem=filesystem, ignore_prefixes=[".", "_"])
    build = named_build(filesystem, path.rstrip("/"), origin)
    discovered = ds.dataset(path, partitioning=ds.HivePartitioning.discover(), **options)
    dataset = _of_build(discovered, build)
    if not dataset.files:
        holds = f"no Parquet files of the build {BUILD_FILE} names" if build else "no Parquet files"
        raise CatalogError(f"{origin}: the folder holds {holds}", "empty")
    keys = sorted(
        {k for f in dataset.get_fragments() for k in ds.get_partition_keys(f.partition_expression)}
    )
    if keys:
        typed = ds.partitioning(pa.schema([(k, _key_type(k)) for k in keys]), flavor="hive")
        dataset = _of_build(ds.dataset(path, partitioning=typed, **options), build)
    check_unique_names(dataset.schema.names, origin)
    return dataset


def _of_build(dataset: ds.FileSystemDataset, build: str | None) -> ds.FileSystemDataset:
    """``dataset``'s files of ``build`` (their names begin with it); all of them for None."""
    if build is None:
        return dataset
    fragments = [f for f in dataset.get_fragments() if f.path.rsplit("/", 1)[-1].startswith(build)]
    return ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)


def _key_type(key: str) -> pa.DataType:
    kind = COLUMNS_BY_NAME[key].type if key in COLUMNS_BY_NAME else pa.string()
    return kind if pa.types.is_date(kind) or pa.types.is_integer(kind) else pa.string()


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
    check_unique_names(fragment.physical_schema.names, origin)


def _check_total_rows(fragments: list[ds.ParquetFileFragment], origin: str) -> None:
    rows = sum(f.metadata.num_rows for f in fragments)
    if rows > MAX_ROWS:
        raise CatalogError(
            f"{origin}: {rows:,} rows is more than the {MAX_ROWS:,} allowed", "too_large"
        )
    if rows == 0:
        raise CatalogError(f"{origin}: the catalog is empty (no rows)", "empty")


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
    scan_filter,
) -> tuple[pa.Table, list[str]]:
    """Read ``wanted`` in the canonical schema, filtered by ``row_filter``.

    The filter (as ``scan_filter``, which may name partition keys too) is pushed down when the
    files share one schema holding every column in its canonical type. Otherwise (foreign
    types, missing columns, files that disagree) every file is conformed on its own and the
    filter applies afterwards, where it means what it says.
    """
    present = dataset.schema.names
    _require(present, wanted, origin)
    warnings = ignored_columns([name for name in present if name != MONTH_KEY], origin)
    uniform = all(f.physical_schema.equals(fragments[0].physical_schema) for f in fragments)
    native = all(
        c.name in present and decoded(dataset.schema.field(c.name).type) == decoded(c.type)
        for c in schema.COLUMNS
    )
    if uniform and (row_filter is None or native):
        table = dataset.to_table(columns=[c for c in wanted if c in present], filter=scan_filter)
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


def month_filter(start: dt.date, end: dt.date) -> pc.Expression:
    """Rows dated ``start`` to ``end`` of a catalog partitioned by :data:`MONTH_KEY`: the
    month partitions outside the range are not even opened."""
    return _month_key_filter(start, end) & _day_filter(start, end)


def _month_key_filter(start: dt.date | None, end: dt.date | None) -> pc.Expression:
    return _between(pc.field(MONTH_KEY), *(f"{day:%Y-%m}" if day else None for day in (start, end)))


def _day_filter(start: dt.date | None, end: dt.date | None) -> pc.Expression:
    days = (pa.scalar(day, pa.date32()) if day else None for day in (start, end))
    return _between(pc.field("release_date"), *days)


def _between(field: pc.Expression, low, high) -> pc.Expression:
    """``low <= field <= high``; an end that is None is open."""
    parts = [field >= low] if low is not None else []
    parts += [field <= high] if high is not None else []
    return functools.reduce(operator.and_, parts, pc.scalar(True))


def file_signature(location: str | os.PathLike) -> tuple:
    """A cache key that changes whenever the file or folder at ``location`` is replaced; the
    same whether ``location`` is relative or absolute (a snapshot written by
    ``calendar-data build -o data/catalog.parquet`` serves the server's absolute path)."""
    if is_object_store(str(location)):
        return object_store_signature(str(location))
    path = Path(os.path.abspath(location))
    if not path.exists():
        return (str(path),)
    if path.is_dir():
        parts = sorted(path.rglob("*.parquet"))
        return (str(path),) + tuple(_stat_key(p) for p in parts)
    return (str(path), _stat_key(path))


def written_at(location: str | os.PathLike) -> dt.datetime | None:
    """When the local file or folder at ``location`` was last written (its newest Parquet
    file's modification time); None for a URI or nothing there."""
    if "://" in str(location):
        return None
    path = Path(location)
    files = path.rglob("*.parquet") if path.is_dir() else [path]
    with contextlib.suppress(OSError):
        newest = max((file.stat().st_mtime for file in files), default=None)
        return None if newest is None else dt.datetime.fromtimestamp(newest, dt.UTC)
    return None


def _stat_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
