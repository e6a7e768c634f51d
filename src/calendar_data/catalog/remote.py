"""Catalogs in object storage (``s3://``, ``gs://``): how a replaced one is noticed, how its
errors are worded, and how a partitioned catalog is published there.

Object stores have no atomic folder rename, so a partitioned catalog is published in place:
the new build's files are written under names of their own (``part-<build>-0.parquet``), then
:data:`BUILD_FILE` is replaced by one naming that build (a single write, which a store makes
whole or not at all), then the previous build's files are deleted. Readers read the files of
the build it names, so a publish stopped at any point, even killed, leaves them a whole
catalog: the earlier one until the new build is named, the new one after. The next publish
deletes what a stopped one left.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from .. import schema
from ..text import first_line, quoted
from .model import MONTH_KEY, CatalogError

#: How often a catalog in object storage is listed to see whether it was replaced. A listing
#: is a request, so it is not made on every click; CALENDAR_RECHECK_SECONDS changes it.
RECHECK_SECONDS = float(os.environ.get("CALENDAR_RECHECK_SECONDS", 30))

_OBJECT_STORE = re.compile(r"^(s3|gs|gcs)://", re.IGNORECASE)
#: The folder of one hive partition, ``key=value``, and a part file written into one.
_PARTITION = re.compile(r"(?P<key>[^/=]+)=[^/]*")
_PART_FILE = re.compile(r"part-[^/]*\.parquet")
_PARTITION_KEYS = {MONTH_KEY, *schema.COLUMN_NAMES}
#: Beside a partitioned catalog's folders: the build whose files are the catalog (a folder
#: without one is read whole). Its leading "_" keeps it out of the files Arrow reads.
BUILD_FILE = "_build"
_BUILD = re.compile(r"part-[0-9a-f]{12}-")
_listed: dict[str, tuple[float, tuple, CatalogError | None]] = {}
_listing = threading.Lock()


def is_object_store(origin: str) -> bool:
    return bool(_OBJECT_STORE.match(origin))


def signature(origin: str) -> tuple:
    """The keys, sizes and modification times of the objects at ``origin``, listed at most once
    every :data:`RECHECK_SECONDS`. A store that cannot be listed has a signature of its own, so
    the next load says why while the last good catalog is served."""
    with _listing:
        listed_at, known, _ = _listed.get(origin, (-float("inf"), (), None))
        if time.monotonic() - listed_at < RECHECK_SECONDS:
            return known
        error = None
        try:
            known = (origin,) + _objects(origin)
        except (pa.ArrowException, OSError, ValueError) as exc:
            known, error = (origin, "unavailable"), describe_error(origin, exc)
        _listed[origin] = (time.monotonic(), known, error)
        return known


def raise_if_unlisted(origin: str) -> None:
    """Raise why the last listing of ``origin`` failed, if it did: a store that is down is not
    asked again (each try waits out the SDK's retries) before the next listing."""
    _, _, error = _listed.get(origin, (0, (), None))
    if error is not None:
        raise error


def _objects(origin: str) -> tuple:
    filesystem, path = pafs.FileSystem.from_uri(origin)
    info = filesystem.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        found = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
    else:
        found = [info]
    files = (i for i in found if i.type == pafs.FileType.File)
    return tuple(sorted((i.path, i.size, i.mtime_ns) for i in files))


def describe_error(origin: str, exc: BaseException) -> CatalogError:
    """Name what went wrong with the store in words, not the SDK's error dump."""
    detail = first_line(exc)
    if "NETWORK_CONNECTION" in detail or "Could not connect" in detail:
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        where = f" at {endpoint}" if endpoint else ""
        return CatalogError(f"{origin}: cannot reach the object store{where}", "unavailable")
    if re.search(r"ACCESS_DENIED|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch", detail):
        return CatalogError(
            f"{origin}: access denied by the object store (check the credentials and the "
            "bucket's policy)",
            "unavailable",
        )
    return CatalogError(f"{origin}: not a readable Parquet catalog ({detail})", "corrupt")


def publish_partitioned(table: pa.Table, origin: str, partitioning: ds.Partitioning, **options):
    """Write ``table`` under ``origin`` in object storage as this build's files, then delete
    the files of earlier builds (see the module's docstring for what readers see meanwhile).
    Anything there besides a partitioned catalog's files is refused, not deleted."""
    try:
        filesystem, path = pafs.FileSystem.from_uri(origin)
        path = path.rstrip("/")
        before = _objects(origin) if _exists(filesystem, path) else ()
        refuse_replacing(origin, [stale[len(path) + 1 :] for stale, _, _ in before])
        build = f"part-{uuid.uuid4().hex[:12]}-"
        try:
            ds.write_dataset(
                table,
                path,
                filesystem=filesystem,
                format="parquet",
                partitioning=partitioning,
                basename_template=build + "{i}.parquet",
                existing_data_behavior="overwrite_or_ignore",
                **options,
            )
            with filesystem.open_output_stream(f"{path}/{BUILD_FILE}") as named:
                named.write(build.encode("ascii"))
        except BaseException:  # an error or Ctrl-C part-way: readers keep the earlier build
            _delete_build(filesystem, origin, build)
            raise
        for stale, _, _ in before:
            if stale != f"{path}/{BUILD_FILE}":  # now naming this build
                filesystem.delete_file(stale)
    except (pa.ArrowException, OSError, ValueError) as exc:
        error = describe_error(origin, exc)
        if error.category == "corrupt":  # not a reading problem: say what failed
            error = CatalogError(f"{origin}: could not write ({first_line(exc)})", "unavailable")
        raise error from exc


def _delete_build(filesystem: pafs.FileSystem, origin: str, build: str) -> None:
    """Delete what a build that failed wrote (its files' names begin with ``build``), as far
    as the store lets: its files beside the earlier build's would make every release twice."""
    with contextlib.suppress(pa.ArrowException, OSError, ValueError):
        for written, _, _ in _objects(origin):
            if written.rsplit("/", 1)[-1].startswith(build):
                filesystem.delete_file(written)


def refuse_replacing(target: str, found: Iterable[str]) -> None:
    """Raise unless everything ``found`` in ``target`` (its path relative to it, a folder's
    ending in ``/``) is a part of a partitioned catalog, ``key=value/.../part-*.parquet`` keyed
    by columns, a folder of one, or its :data:`BUILD_FILE`: publishing one there deletes
    whatever it finds, which must be only an earlier one."""
    others = sorted(name for name in found if name != BUILD_FILE and not _is_catalog_part(name))
    if others:
        more = f" and {len(others) - 1:,} more" if len(others) > 1 else ""
        raise CatalogError(
            f"{target}: holds {quoted(others[0])}{more}, which a partitioned catalog written "
            "there would delete; pick an empty or new folder, or an earlier partitioned catalog"
        )


def _is_catalog_part(name: str) -> bool:
    """Whether ``name`` is a part of a partitioned catalog or one of its folders
    (``key=value/``, as a local folder's listing names them)."""
    *folders, file = name.split("/")
    keys = [_PARTITION.fullmatch(folder) for folder in folders]
    return (
        bool(folders)
        and all(key and key["key"] in _PARTITION_KEYS for key in keys)
        and (file == "" or bool(_PART_FILE.fullmatch(file)))
    )


def named_build(filesystem: pafs.FileSystem, path: str, origin: str) -> str | None:
    """The build the :data:`BUILD_FILE` under ``path`` names (its files' names begin with
    it), or None where there is none. One that names no build is refused, not guessed at."""
    named = f"{path}/{BUILD_FILE}"
    if filesystem.get_file_info(named).type != pafs.FileType.File:
        return None
    with filesystem.open_input_stream(named) as handle:
        text = handle.read(64)
    build = text.decode("ascii", "replace").strip()
    if not _BUILD.fullmatch(build):
        raise CatalogError(
            f"{origin}: {BUILD_FILE} names no build ({quoted(build[:40])}); publish the catalog "
            "again",
            "corrupt",
        )
    return build


def _exists(filesystem: pafs.FileSystem, path: str) -> bool:
    return filesystem.get_file_info(path).type != pafs.FileType.NotFound
