"""A one-screen summary of a catalog, for ``calendar-data validate`` and ``info``."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .catalog import Catalog, SourceInfo
from .text import one_line

WORLDWIDE = "worldwide"
SHOWN_VALUES = 8  # values listed per line before "and N more"
#: A name as the summary prints it: the catalog's text, on one line without control characters
#: (a terminal would obey them), cut to this length.
NAME_CHARS = 80


@dataclass(frozen=True)
class CatalogSummary:
    origin: str
    rows: int
    first_date: dt.date | None
    last_date: dt.date | None
    undated: int
    services: list[tuple[str, int]]  # most rows first
    kinds: list[tuple[str, int]]
    regions: list[tuple[str, int]]  # a null region is counted as WORLDWIDE
    sources: tuple[SourceInfo, ...] = ()
    generated_at: str = ""
    warnings: list[str] = field(default_factory=list)


def summarise(catalog: Catalog) -> CatalogSummary:
    table = catalog.table
    span = pc.min_max(table["release_date"])
    return CatalogSummary(
        origin=catalog.origin,
        rows=table.num_rows,
        first_date=span["min"].as_py(),
        last_date=span["max"].as_py(),
        undated=table["release_date"].null_count,
        services=value_counts(table["service"]),
        kinds=value_counts(table["kind"]),
        regions=value_counts(table["region"], null_label=WORLDWIDE),
        sources=catalog.sources,
        generated_at=catalog.generated_at,
        warnings=list(catalog.warnings),
    )


def value_counts(values: pa.ChunkedArray, null_label: str | None = None) -> list[tuple[str, int]]:
    """``(value, rows)`` pairs, most rows first, ties by value; nulls only with a label."""
    counts = pc.value_counts(values).to_pylist()
    pairs = [
        (null_label if item["values"] is None else item["values"], item["counts"])
        for item in counts
        if item["values"] is not None or null_label is not None
    ]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def disk_size(location: str | os.PathLike) -> int | None:
    """Bytes on disk of a catalog file, or of every file under a catalog folder."""
    path = Path(location)
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return None  # a URI


def render(summary: CatalogSummary, per_service: bool = False, size: int | None = None) -> str:
    """The summary as aligned text lines; ``per_service`` adds a row count per service."""
    dates = f"{summary.first_date} to {summary.last_date}" if summary.first_date else "none"
    lines = [
        f"{summary.origin}: a valid catalog",
        _line(
            "rows", f"{summary.rows:,}" + (f" ({summary.undated:,} tba)" if summary.undated else "")
        ),
        _line("dates", dates),
        _line("services", f"{len(summary.services)}: " + _names(summary.services)),
        _line("kinds", _counted(summary.kinds)),
        _line("regions", _counted(summary.regions)),
    ]
    if summary.sources:
        lines.append(_line("sources", "; ".join(_credit(s) for s in summary.sources)))
    if summary.generated_at:
        lines.append(_line("generated", _shown(summary.generated_at)))
    if size is not None:
        lines.append(_line("size", _bytes(size)))
    lines.append(_line("warnings", str(len(summary.warnings)) if summary.warnings else "none"))
    lines += [f"    {warning}" for warning in summary.warnings]
    if per_service:
        names = [(_shown(name), rows) for name, rows in summary.services]
        width = max(len(name) for name, _ in names)
        lines.append("  per service")
        lines += [f"    {name:<{width}}  {rows:>12,}" for name, rows in names]
    return "\n".join(lines)


def _shown(text: str) -> str:
    return one_line(text, NAME_CHARS)


def _line(label: str, text: str) -> str:
    return f"  {label:<10} {text}"


def _names(pairs: list[tuple[str, int]]) -> str:
    shown = ", ".join(_shown(name) for name, _ in pairs[:SHOWN_VALUES])
    return shown + _more(pairs)


def _counted(pairs: list[tuple[str, int]]) -> str:
    shown = ", ".join(f"{_shown(name)} {rows:,}" for name, rows in pairs[:SHOWN_VALUES])
    return shown + _more(pairs)


def _more(pairs: list) -> str:
    return f" and {len(pairs) - SHOWN_VALUES} more" if len(pairs) > SHOWN_VALUES else ""


def _credit(source: SourceInfo) -> str:
    extras = [one_line(part, 200) for part in (source.licence, source.attribution) if part]
    return _shown(source.name) + (f" ({', '.join(extras)})" if extras else "")


def _bytes(size: int) -> str:
    value, unit = float(size), "bytes"
    for bigger in ("KB", "MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{size:,} bytes" if unit == "bytes" else f"{value:,.1f} {unit}"
