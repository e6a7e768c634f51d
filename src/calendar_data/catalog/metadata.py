"""A catalog's Parquet key-value metadata: schema version, generation time, sources and what
``calendar-data refresh`` recorded.

Written by :mod:`.write`, read back by :mod:`.read` and by ``calendar-data build`` (which keeps
the licences of Parquet sources); anything unreadable in it reads as absent, never as an error.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

from .. import schema
from .model import SourceInfo


def encode_metadata(
    sources: Iterable[SourceInfo], generated_at: str | None, refresh: Mapping | None = None
) -> dict[bytes, bytes]:
    """The metadata of a catalog generated at ``generated_at`` (default: now) from ``sources``,
    with ``refresh`` (JSON-able) when a refresh wrote it."""
    metadata = {
        schema.META_SCHEMA_VERSION: schema.SCHEMA_VERSION.encode(),
        schema.META_GENERATED_AT: (generated_at or _now_iso()).encode(),
        schema.META_SOURCES: json.dumps([s.__dict__ for s in sources]).encode(),
    }
    if refresh:
        metadata[schema.META_REFRESH] = json.dumps(refresh).encode()
    return metadata


def decode_refresh(metadata: Mapping[bytes, bytes] | None) -> dict:
    """What the last refresh recorded in ``metadata``; ``{}`` when nothing readable."""
    try:
        refresh = json.loads((metadata or {}).get(schema.META_REFRESH, b"{}"))
    except (ValueError, RecursionError):
        return {}
    return refresh if isinstance(refresh, dict) else {}


def decode_metadata(metadata: Mapping[bytes, bytes] | None) -> tuple[str, tuple[SourceInfo, ...]]:
    """The generation time and sources ``metadata`` holds: ``""`` and ``()`` when it lacks
    them or they are not readable (they only credit the data, so they never fail a load)."""
    metadata = metadata or {}
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


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
