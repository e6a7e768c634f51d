"""Checking a conformed catalog: required values present, choices known, ids unique, dates
plausible, counts not negative. Every failure is a :class:`CatalogError` naming column and rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..schema import COLUMNS_BY_NAME
from .conform import is_text
from .model import SHOWN_ROWS, CatalogError, offending, rows_where

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)

NON_NEGATIVE = ("season", "episode_start", "episode_end", "episode_count", "runtime_minutes")


def validate(table: pa.Table, origin: str) -> None:
    """Raise :class:`CatalogError` for anything a conformed table must not hold."""
    if table.num_rows == 0:
        raise CatalogError(f"{origin}: the catalog is empty (no rows)", "empty")
    check_values(table, origin)


def check_values(table: pa.Table, origin: str) -> None:
    """Everything :func:`validate` checks but the row count, which a filter may bring to 0."""
    present = table.column_names
    with ThreadPoolExecutor(max_workers=1) as beside:  # the slowest check, on another core
        ids = "release_id" in present
        unique = beside.submit(_check_unique_ids, table, origin) if ids else None
        for name in schema.REQUIRED:
            if name in present:
                _check_no_nulls(table, name, origin)
        for column in schema.COLUMNS:
            if column.choices and column.name in present:
                _check_choices(table, column, origin)
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
        if unique is not None:
            unique.result()


def _check_no_nulls(table, name, origin):
    values = table[name]
    empty = pc.is_null(values)
    if is_text(values.type):
        empty = pc.or_(empty, pc.fill_null(_per_text_value(values, _blank), False))
    if pc.any(empty).as_py():
        raise CatalogError(
            f"{origin}: required column {name} is empty or blank (rows {rows_where(empty)})",
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
            f"{', '.join(repr(v[:40]) for v in bad)} (rows {rows_where(wrong)}); "
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
        rows = rows_where(pc.is_in(ids, repeated))
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
            f"({offending(values, outside)})",
            "bad_date",
        )


def _check_dated_unless_tba(table, origin):
    undated = pc.and_(
        pc.is_null(table["release_date"]), pc.not_equal(table["status"].cast(pa.string()), "tba")
    )
    if pc.any(undated).as_py():
        raise CatalogError(
            f"{origin}: column release_date is empty on rows whose status is not tba "
            f"(rows {rows_where(undated)})",
            "bad_date",
        )


def _check_not_negative(table, name, origin):
    negative = pc.less(table[name], 0)
    if pc.any(negative).as_py():
        raise CatalogError(
            f"{origin}: column {name} holds negative numbers ({offending(table[name], negative)})",
            "out_of_range",
        )


def _check_episode_order(table, origin):
    backwards = pc.greater(table["episode_start"], table["episode_end"])
    if pc.any(backwards).as_py():
        raise CatalogError(
            f"{origin}: episode_start is after episode_end (rows {rows_where(backwards)})",
            "bad_value",
        )
