"""A prepared catalog on disk: what :meth:`LiveCatalog.open <calendar_data.live.LiveCatalog.open>`
computes from a catalog file, written once as Arrow IPC beside it and memory-mapped by every
later start, instead of reading, normalising, validating and encoding the catalog again.

``<catalog>.snapshot.arrow`` holds one record batch of one row: each column a list holding one
whole array (the catalog's own columns, each shared column's distinct values and index, the
search text's dictionary and codes), since these differ in length. Reading it copies nothing:
the arrays point into the mapped file, whose pages every process serving it shares.

A snapshot is never trusted: it must end with the checksum of its bytes, be written by this
version of the code, for the catalog file's current signature (:func:`file_signature`), in the
expected shape. Anything else is ignored, and the caller rebuilds it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import mmap
import os
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from . import schema
from .catalog import Catalog, SourceInfo
from .encoding import SHARED_COLUMNS, SharedColumn
from .files import atomic_write

SUFFIX = ".snapshot.arrow"
#: The snapshot's last bytes: the checksum of everything before it, then this mark.
MARK = b"CALSNAP1"
TRAILER = 8 + len(MARK)
METADATA_KEY = b"calendar_data.snapshot"
#: A shared column's index is as narrow as its count of distinct values allows.
INDEX_TYPES = (pa.uint8(), pa.uint16(), pa.uint32())
#: The modules whose code decides what a snapshot holds: a change to any of them makes older
#: snapshots stale.
PREPARED_BY = ("schema.py", "catalog", "encoding.py", "filters.py", "live.py", "snapshot.py")


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What a snapshot holds: the catalog (its table without the shared columns), the
    shared columns, the search text and each filter's options."""

    catalog: Catalog
    shared: dict[str, SharedColumn]
    search: pa.ChunkedArray
    options: dict[str, list[tuple[str, int]]]


def snapshot_path(location: str | os.PathLike) -> Path | None:
    """Where the snapshot of the catalog at ``location`` lives; none for a URI."""
    if "://" in str(location):
        return None
    return Path(os.path.abspath(location) + SUFFIX)


def write(path: Path, prepared: Prepared, signature: tuple) -> None:
    """Publish ``prepared`` at ``path`` (whole or not at all) for the catalog's ``signature``."""
    batch = _batch(prepared, signature)

    def write_batch(handle: BinaryIO) -> None:
        with pa.ipc.new_file(handle, batch.schema) as writer:
            writer.write_batch(batch)
        handle.flush()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as written:
            checksum = _checksum(written)
        handle.write(checksum + MARK)

    atomic_write(path, write_batch)


def read(path: Path, location: str, signature: tuple) -> Prepared | None:
    """The snapshot at ``path`` memory-mapped, or None when there is none or it cannot be
    trusted: damaged, stale, written by other code or in another shape."""
    try:
        data = pa.memory_map(str(path)).read_buffer()
    except OSError:
        return None
    try:
        return _prepared(data, path, location, signature)
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError, IndexError):
        return None


def _prepared(data: pa.Buffer, path: Path, location: str, signature: tuple) -> Prepared | None:
    if len(data) < TRAILER or data[-len(MARK) :].to_pybytes() != MARK:
        return None
    body = data.slice(0, len(data) - TRAILER)
    if data.slice(len(body), 8).to_pybytes() != _file_checksum(path, len(body)):
        return None
    reader = pa.ipc.open_file(pa.BufferReader(body))
    facts = json.loads(reader.schema.metadata[METADATA_KEY])
    if facts["code"] != code_version() or facts["signature"] != _json(signature):
        return None
    if reader.num_record_batches != 1:
        return None
    batch = reader.get_batch(0)
    batch.validate()
    if batch.num_rows != 1 or not _in_shape(batch.schema):
        return None
    arrays = {name: batch.column(name).flatten() for name in batch.schema.names}
    rows = facts["rows"]
    own = [schema.SCHEMA.field(name) for name in _own_columns(batch.schema)]
    table = pa.Table.from_arrays([arrays[f"table/{f.name}"] for f in own], schema=pa.schema(own))
    shared = {
        name: SharedColumn(arrays[f"shared/{name}/values"], arrays[f"shared/{name}/index"])
        for name in _shared_columns(batch.schema)
    }
    codes, dictionary = arrays["search/codes"], arrays["search/dictionary"]
    search = pa.chunked_array([pa.DictionaryArray.from_arrays(codes, dictionary, safe=False)])
    lengths = [table.num_rows, len(search), *(len(column.index) for column in shared.values())]
    if set(lengths) != {rows}:
        return None
    catalog = Catalog(
        table,
        location,
        facts["generated_at"],
        tuple(SourceInfo(**source) for source in facts["sources"]),
        facts["warnings"],
        facts["refresh"],
    )
    options = {name: [tuple(pair) for pair in pairs] for name, pairs in facts["options"].items()}
    return Prepared(catalog, shared, search, options)


def _batch(prepared: Prepared, signature: tuple) -> pa.RecordBatch:
    table, search = prepared.catalog.table, prepared.search
    arrays = {f"table/{name}": table[name] for name in table.column_names}
    for name, column in prepared.shared.items():
        arrays[f"shared/{name}/values"] = column.values
        arrays[f"shared/{name}/index"] = column.index
    (whole,) = search.chunks  # one dictionary for every row (encoding.search_index)
    arrays["search/codes"] = whole.indices
    arrays["search/dictionary"] = whole.dictionary
    catalog = prepared.catalog
    facts = {
        "code": code_version(),
        "signature": _json(signature),
        "rows": table.num_rows,
        "generated_at": catalog.generated_at,
        "sources": [dataclasses.asdict(source) for source in catalog.sources],
        "warnings": list(catalog.warnings),
        "refresh": catalog.refresh,
        "options": prepared.options,
    }
    batch = pa.RecordBatch.from_pydict({name: _one_row(a) for name, a in arrays.items()})
    return batch.replace_schema_metadata({METADATA_KEY: json.dumps(facts)})


def _one_row(array: pa.Array | pa.ChunkedArray) -> pa.LargeListArray:
    """``array`` whole, as the one value of a list column."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pa.LargeListArray.from_arrays(pa.array([0, len(array)], pa.int64()), array)


def _in_shape(written: pa.Schema) -> bool:
    """Whether ``written`` is the shape this code writes: every column of the catalog schema in
    its type, either the catalog's own or shared (with an index of any unsigned width), and the
    search text."""
    own, shared = _own_columns(written), _shared_columns(written)
    every_column = sorted(own + shared) == sorted(schema.COLUMN_NAMES)
    if not every_column or not set(shared) <= set(SHARED_COLUMNS):
        return False
    fields = [_listed(f"table/{name}", schema.SCHEMA.field(name).type) for name in own]
    for name in shared:
        index = written.field(f"shared/{name}/index").type
        if not pa.types.is_large_list(index) or index.value_type not in INDEX_TYPES:
            return False
        fields.append(_listed(f"shared/{name}/values", schema.SCHEMA.field(name).type))
        fields.append(_listed(f"shared/{name}/index", index.value_type))
    fields.append(_listed("search/codes", pa.int32()))
    fields.append(_listed("search/dictionary", pa.string()))
    return written.remove_metadata().equals(pa.schema(fields))


def _listed(name: str, value_type: pa.DataType) -> pa.Field:
    return pa.field(name, pa.large_list(value_type))


def _own_columns(written: pa.Schema) -> list[str]:
    return [name.removeprefix("table/") for name in written.names if name.startswith("table/")]


def _shared_columns(written: pa.Schema) -> list[str]:
    return [name.split("/")[1] for name in written.names if name.endswith("/values")]


def _checksum(data) -> bytes:
    """The sum of ``data`` as 8-byte words (and of its last few bytes), at the speed the memory
    reads, unlike a cryptographic hash. It catches what befalls a file (cut short, zeroed,
    overwritten in part), not words swapped or changed to cancel out: the snapshot is a cache
    this process wrote, not input from others."""
    words = np.frombuffer(data, np.uint64, count=len(data) // 8)
    tail = np.frombuffer(data, np.uint8, offset=len(words) * 8)
    total = (int(words.sum(dtype=np.uint64)) + len(data) + int(tail.sum())) % 2**64
    return total.to_bytes(8, "little")


def _file_checksum(path: Path, length: int) -> bytes:
    """:func:`_checksum` of the first ``length`` bytes of the file at ``path``, summed through
    a mapping of its own that is closed once summed: the pages it read stay in the page cache
    without staying the process's own memory (a snapshot of ten million releases is 4.7 GB,
    and summed through the mapping the catalog is read from, all of it stayed resident in
    every server, counted as its unique memory)."""
    with (
        open(path, "rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        memoryview(mapped) as whole,
        whole[:length] as body,
    ):
        return _checksum(body)


def _json(signature: tuple) -> str:
    return json.dumps(signature)


@functools.cache
def code_version() -> str:
    """A digest of the code in :data:`PREPARED_BY`."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in PREPARED_BY:
        path = here / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(source.read_bytes())
    return digest.hexdigest()
