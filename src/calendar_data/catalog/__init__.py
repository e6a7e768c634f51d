"""Loading, normalising, validating and atomically writing catalogs.

A catalog is read from a Parquet file, a folder of Parquet files (hive partitions allowed) or a
URI (``s3://``, ``gs://``, ``https://``). Whatever wrote it, it comes back in the canonical
schema of :mod:`calendar_data.schema`, or a :class:`CatalogError` says precisely why not.

The stages live in their own modules: :mod:`.read`, :mod:`.conform`, :mod:`.validate` and
:mod:`.write`; :mod:`.model` holds what they share and :mod:`.metadata` the Parquet metadata
they read and write. Import from here.
"""

from ..files import remove_stale_temporaries
from .conform import conform, drop_unsafe_links, is_text
from .metadata import decode_metadata, decode_refresh
from .model import MONTH_KEY, Catalog, CatalogError, SourceInfo
from .read import (
    MAX_COLUMNS,
    MAX_DOWNLOAD_BYTES,
    MAX_ROWS,
    file_signature,
    load_catalog,
    month_filter,
    written_at,
)
from .validate import EARLIEST, LATEST, validate
from .write import PARTITION_KEYS, write_catalog, write_partitioned

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_COLUMNS",
    "MAX_DOWNLOAD_BYTES",
    "MAX_ROWS",
    "MONTH_KEY",
    "PARTITION_KEYS",
    "Catalog",
    "CatalogError",
    "SourceInfo",
    "conform",
    "decode_metadata",
    "decode_refresh",
    "drop_unsafe_links",
    "file_signature",
    "is_text",
    "load_catalog",
    "month_filter",
    "remove_stale_temporaries",
    "validate",
    "write_catalog",
    "write_partitioned",
    "written_at",
]
