"""Publishing a catalog atomically, as one Parquet file or as a hive-partitioned folder.

Whatever is written is conformed, validated and read back before it replaces the previous
catalog; a failed or killed write leaves the previous catalog intact.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..files import atomic_write, fsync_folder
from ..schema import COLUMNS_BY_NAME, META_GENERATED_AT
from .conform import conform
from .metadata import encode_metadata
from .model import MONTH_KEY, CatalogError, SourceInfo
from .read import load_catalog
from .remote import is_object_store, publish_partitioned, refuse_replacing
from .validate import validate

SORT_KEYS = [("release_date", "ascending"), ("service", "ascending"), ("release_id", "ascending")]
PARTITION_KEYS = (MONTH_KEY, "service")


def write_catalog(
    table: pa.Table,
    path: str | os.PathLike,
    sources: Iterable[SourceInfo] = (),
    generated_at: str | None = None,
    refresh: Mapping | None = None,
) -> list[str]:
    """Validate and atomically publish ``table`` at ``path``; return the load warnings.
    ``refresh`` is what a refresh records in the metadata (see :mod:`calendar_data.refresh`).

    The catalog goes to a temporary file in the target folder, is read back and validated, and
    only then replaces the target with :func:`os.replace`. A failed or killed write leaves the
    previous catalog byte-for-byte intact; leftovers of killed writers are removed next time.
    A target that already holds the same rows and sources is left as it is (its generation
    time too, unless ``generated_at`` is given), so rebuilding an unchanged source changes no
    byte: ``make catalog`` leaves git clean.
    """
    target = Path(path)
    origin = str(target)
    table, warnings = conform(table, origin)
    validate(table, origin)
    table = _published(table, sources, generated_at, refresh)
    if _already_there(target, table, keep_generated_at=generated_at is None):
        return warnings
    write = _writing_once(table)
    del table
    atomic_write(target, write, check=load_catalog)
    return warnings


def _writing_once(table: pa.Table):
    """A writer of ``table`` as the catalog's Parquet that lets go of it once written, so
    that the read-back check does not hold a second copy of a large catalog."""
    pending = [table]

    def write(handle) -> None:
        pq.write_table(pending.pop(), handle, compression="zstd", row_group_size=256 * 1024)

    return write


def _already_there(target: Path, table: pa.Table, *, keep_generated_at: bool) -> bool:
    """Whether the file at ``target`` holds ``table``: the same rows, schema and metadata (the
    generation time aside when ``keep_generated_at``). Anything unreadable there is not."""
    ignored = {META_GENERATED_AT} if keep_generated_at else set()
    try:
        existing = pq.read_metadata(target)
        if existing.num_rows != table.num_rows:
            return False
        old = pq.read_table(target)
    except (OSError, pa.ArrowException):
        return False

    def kept(metadata) -> dict:
        return {key: value for key, value in (metadata or {}).items() if key not in ignored}

    return kept(old.schema.metadata) == kept(table.schema.metadata) and old.equals(table)


def _published(
    table: pa.Table,
    sources: Iterable[SourceInfo],
    generated_at: str | None,
    refresh: Mapping | None = None,
) -> pa.Table:
    """Sorted, with the schema version, generation time and sources in its metadata."""
    metadata = encode_metadata(sources, generated_at, refresh)
    return _sorted(table).replace_schema_metadata(metadata)


def write_partitioned(
    table: pa.Table,
    folder: str | os.PathLike,
    by: Sequence[str] = PARTITION_KEYS,
    sources: Iterable[SourceInfo] = (),
    generated_at: str | None = None,
    refresh: Mapping | None = None,
) -> list[str]:
    """Validate ``table`` and publish it as a hive-partitioned folder; return the warnings.

    The layout is one folder per key, e.g. ``release_month=2023-11/service=Netflix/part-0.parquet``
    (``by`` names schema columns or :data:`MONTH_KEY`; undated rows go to the null partition),
    so a reader that filters on the keys (see :func:`month_filter`) opens only the files it
    needs, on a disk or in object storage. On a disk the folder is written beside ``folder``,
    read back, then swapped in by two renames: readers see the old or the new catalog, never a
    mix. In object storage (``s3://``, ``gs://``) see :mod:`.remote`.
    """
    target = Path(os.path.realpath(folder))  # through a link: into the folder it names
    origin = str(folder)
    unknown = [key for key in by if key != MONTH_KEY and key not in COLUMNS_BY_NAME]
    if not by or unknown:
        raise CatalogError(
            f"cannot partition by {', '.join(unknown) or 'nothing'}: use {MONTH_KEY} and "
            "catalog columns",
            "unknown_column",
        )
    lists = [k for k in by if k in COLUMNS_BY_NAME and pa.types.is_list(COLUMNS_BY_NAME[k].type)]
    if lists:
        raise CatalogError(
            f"cannot partition by {', '.join(lists)}: a release holds several values there; "
            f"use {MONTH_KEY} and columns of one value",
            "unknown_column",
        )
    table, warnings = conform(table, origin)
    validate(table, origin)
    table = _published(table, sources, generated_at, refresh)
    for key in by:
        if key == MONTH_KEY:
            month = pc.strftime(table["release_date"].cast(pa.timestamp("s")), "%Y-%m")
            table = table.append_column(MONTH_KEY, month)
        else:
            table = table.set_column(
                table.column_names.index(key), key, table[key].cast(pa.string())
            )
    partitioning = ds.partitioning(pa.schema([(k, pa.string()) for k in by]), flavor="hive")
    options = dict(
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
        max_rows_per_group=256 * 1024,
        preserve_order=True,
    )
    if is_object_store(str(folder)):
        publish_partitioned(table, str(folder), partitioning, **options)
        return warnings
    if target.is_symlink():  # what is left of a link after following it: a loop
        raise CatalogError(f"{origin}: a link that leads back to itself, not to a folder")
    if target.is_dir():
        refuse_replacing(origin, _entries(target))
    elif target.exists():
        raise CatalogError(f"{origin}: a file, which a partitioned catalog would replace")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.partitioning"
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        ds.write_dataset(
            table, temporary, format="parquet", partitioning=partitioning, **options
        )
        load_catalog(temporary)
        _swap_folder(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return warnings


def _entries(folder: Path) -> list[str]:
    """What ``folder`` holds, each relative to it: its files, its links (``name (link)``: a
    catalog writes none, whatever the name) and its empty folders (``name/``), which a list of
    files would leave out."""
    entries = []
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries.append(f"{name} (link)")
        elif not path.is_dir():
            entries.append(name)
        elif not any(path.iterdir()):
            entries.append(f"{name}/")
    return entries


def _swap_folder(new: Path, target: Path) -> None:
    if target.exists():
        old = target.parent / f".{target.name}.{os.getpid()}.replaced"
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old)
    else:
        os.replace(new, target)
    fsync_folder(target.parent)


def _sorted(table: pa.Table) -> pa.Table:
    """Rows by date then service, so row-group statistics can skip months on read."""
    keys = pa.table(
        {
            name: table[name].cast(pa.string()) if name == "service" else table[name]
            for name, _ in SORT_KEYS
        }
    )
    return table.take(pc.sort_indices(keys, sort_keys=SORT_KEYS))
