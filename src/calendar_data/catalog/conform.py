"""Casting what other writers produce to the canonical schema of :mod:`calendar_data.schema`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..schema import COLUMNS_BY_NAME, SCHEMA
from ..text import first_line, safe_urls
from .model import SHOWN_ROWS, CatalogError, offending, rows_where


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
    check_unique_names(table.column_names, origin)
    warnings = ignored_columns(table.column_names, origin) if columns is None else []
    present = [name for name in names if name in table.column_names]
    for name in present:
        check_codes(table.column(name), f"{origin}: column {name}")
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:  # Arrow lets go of the GIL
        # The error of the first column, in column order.
        list(pool.map(lambda name: check_utf8(table[name], f"{origin}: column {name}"), present))
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
        if pa.types.is_dictionary(source) and not is_text(source):
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
        detail = first_line(exc)
        raise CatalogError(
            f"{where} has type {source}, expected {target} ({detail})", "wrong_type"
        ) from exc
    raise CatalogError(f"{where} has type {source}, expected {target}", "wrong_type")


def check_codes(values: pa.ChunkedArray, where: str) -> None:
    """Refuse dictionary codes past the end of their dictionary. Parquet readers hand them
    over unchecked, and looking one up later would fail."""
    if not pa.types.is_dictionary(values.type):
        return
    outside = pa.chunked_array([_past_dictionary(chunk) for chunk in values.chunks], pa.bool_())
    if pc.any(outside).as_py():
        raise CatalogError(
            f"{where} holds codes outside its dictionary (rows {rows_where(outside)})", "corrupt"
        )


def _past_dictionary(chunk: pa.DictionaryArray) -> pa.Array:
    codes = chunk.indices
    return pc.or_(pc.less(codes, 0), pc.greater_equal(codes, len(chunk.dictionary)))


def check_utf8(values: pa.ChunkedArray, where: str) -> None:
    """Refuse text that is not UTF-8. Parquet readers hand text bytes over unchecked, and
    whatever decoded them later (a message, a summary, an export, the app) would fail."""
    if _is_utf8(values):
        return
    rows = ", ".join(str(row) for row in _rows_not_utf8(values))
    raise CatalogError(f"{where} holds text that is not UTF-8 (rows {rows})", "bad_value")


def _is_utf8(values: pa.Array | pa.ChunkedArray) -> bool:
    try:
        for text in _text_inside(values):
            text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _text_inside(values) -> Iterator:
    """The text arrays ``values`` holds: itself, a dictionary's values, a list's items or a
    struct's fields, however deeply nested. Those of a slice hold only the slice's text."""
    kind = values.type
    if pa.types.is_dictionary(kind):
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        for chunk in chunks:
            yield from _text_inside(chunk.dictionary)
    elif is_text(kind):
        yield values
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        yield from _text_inside(pc.list_flatten(values))
    elif pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            yield from _text_inside(pc.struct_field(values, index))


def _rows_not_utf8(values: pa.ChunkedArray) -> list[int]:
    """The first rows holding text that is not UTF-8. Only a refused file pays for finding
    them, by halving each piece of the column until the rows left are the bad ones."""
    rows, first = [], 0
    for chunk in values.chunks:
        if pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary.take(chunk.indices)  # a slice then holds its own text
        rows += [first + row for row in _bad_rows(chunk, SHOWN_ROWS - len(rows))]
        first += len(chunk)
    return rows


def _bad_rows(values: pa.Array, limit: int) -> list[int]:
    if limit <= 0 or _is_utf8(values):
        return []
    if len(values) == 1:
        return [0]
    half = len(values) // 2
    left = _bad_rows(values.slice(0, half), limit)
    return left + [half + row for row in _bad_rows(values.slice(half), limit - len(left))]


def is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return is_text(kind.value_type)
    return (
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def decoded(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _cast_text(values, target, where):
    if not is_text(values.type):
        raise CatalogError(f"{where} should be text, not {values.type}", "wrong_type")
    if decoded(values.type) != pa.string():
        values = values.cast(pa.string())  # Arrow cannot dictionary-encode wide or view strings
    return values.cast(target)


def _cast_integer(values, target, where):
    kind = values.type
    if is_text(kind):  # e.g. hive partition keys (season=2/)
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
            f"({offending(values, wrong)})",
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
    if is_text(kind):
        text = values.cast(pa.string())
        try:
            return text.cast(pa.date32())
        except pa.ArrowInvalid:
            bad = _unparseable(text.combine_chunks(), pa.date32())
            raise CatalogError(f"{where}: unparseable date(s) {bad}", "bad_date") from None
    raise CatalogError(f"{where} should be a date, not {kind}", "wrong_type")


def _cast_timestamp(values, where):
    kind = values.type
    if is_text(kind):
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
            and all(is_text(f.type) for f in kind)
        )
    return is_text(kind)


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
    """Null every link that :func:`~calendar_data.text.safe_url` refuses (anything but an
    absolute http(s) URL), with one warning per column."""
    warnings = []
    for name in schema.LINK_COLUMNS:
        if name not in table.column_names:
            continue
        links = table.column(name)
        safe = safe_urls(links)
        unsafe = pc.and_(pc.is_valid(links), pc.invert(safe))
        count = pc.sum(unsafe).as_py() or 0
        if count:
            rows = rows_where(unsafe)
            warnings.append(
                f"{origin}: dropped {count} non-http(s) link(s) in column {name} (rows {rows})"
            )
            cleaned = pc.if_else(unsafe, pa.scalar(None, pa.string()), links)
            table = table.set_column(table.column_names.index(name), name, cleaned)
    return table, warnings


def check_unique_names(names: Sequence[str], origin: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CatalogError(
            f"{origin}: column(s) {', '.join(repeated)} appear more than once",
            "duplicate_column",
        )


def ignored_columns(names: Iterable[str], origin: str) -> list[str]:
    extra = sorted(set(names) - set(schema.COLUMN_NAMES))
    return [f"{origin}: ignored unknown column(s): {', '.join(extra)}"] if extra else []
