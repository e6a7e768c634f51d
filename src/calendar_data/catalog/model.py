"""What every stage of a catalog shares: the loaded :class:`Catalog`, where its rows come from
(:class:`SourceInfo`), and :class:`CatalogError` with the helpers that quote offending rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

SHOWN_ROWS = 5  # offending rows quoted in an error message
#: The partition key :func:`~calendar_data.catalog.write_partitioned` derives from
#: ``release_date``: ``YYYY-MM``.
MONTH_KEY = "release_month"


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
    #: What ``calendar-data refresh`` recorded (see :mod:`calendar_data.refresh`).
    refresh: dict = field(default_factory=dict)

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


def rows_where(mask) -> str:
    """The first rows where ``mask`` holds: ``3, 7, 9 and 2 more``."""
    rows = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    return shown + (f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else "")


def offending(values, mask) -> str:
    """The first rows where ``mask`` holds, with their values: ``row 3: 70000, ...``."""
    rows = pc.indices_nonzero(pc.fill_null(mask, False))
    shown = rows.slice(0, SHOWN_ROWS)
    pairs = zip(shown.to_pylist(), quoted_values(values.take(shown)), strict=True)
    quoted = ", ".join(f"row {r}: {v[:40]}" for r, v in pairs)
    more = len(rows) - len(shown)
    return quoted + (f" and {more} more" if more else "")


def quoted_values(values) -> list[str]:
    """Values as a message quotes them. Python cannot hold some values Arrow can (a date past
    9999, an instant before year 1): Arrow writes those."""
    try:
        return [str(v) for v in values.to_pylist()]
    except (OverflowError, ValueError):
        return [str(v) for v in values.cast(pa.string()).to_pylist()]
