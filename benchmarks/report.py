"""Figures, their verdicts against the targets, and the results table (console and Markdown)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

#: RESULTS.md keeps everything from this line on as it is: the hand-written history of fixes.
KEPT_MARKER = "<!-- Everything below this line is kept by run.py: the history of fixes. -->"
LIBRARIES = ("pyarrow", "pandas", "polars", "duckdb", "streamlit", "playwright", "icalendar")


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``limit`` is the target's upper bound, in ``unit``."""

    group: str
    measure: str
    value: float
    unit: str  # "s" (shown in ms), "MB" or "x"
    rows: int | None = None
    limit: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return ""
        return "PASS" if self.value <= self.limit else "MISS"

    @property
    def shown(self) -> str:
        return _amount(self.value, self.unit)

    @property
    def target(self) -> str:
        return "" if self.limit is None else f"≤ {_amount(self.limit, self.unit)}"


def median_seconds(action: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``action`` over ``repeats`` runs, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _amount(value: float, unit: str) -> str:
    if unit == "s":
        ms = value * 1000
        return f"{ms:.1f} ms" if ms < 10 else f"{ms:,.0f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.0f} {unit}"


# --------------------------------------------------------------------------- rendering

HEADER = ("Group", "Measure", "Rows", "Median", "Target", "Result", "Note")


def _cells(figure: Figure) -> tuple[str, ...]:
    rows = "" if figure.rows is None else f"{figure.rows:,}"
    return (
        figure.group,
        figure.measure,
        rows,
        figure.shown,
        figure.target,
        figure.verdict,
        figure.note,
    )


def console_table(figures: Sequence[Figure]) -> str:
    lines = [HEADER, *(_cells(f) for f in figures)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    rendered = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    rendered.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in rendered)


def markdown_table(figures: Sequence[Figure]) -> str:
    def row(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    lines = [row(HEADER), row(("---",) * len(HEADER))]
    lines += [row(_cells(f)) for f in figures]
    return "\n".join(lines)


def summary(figures: Sequence[Figure]) -> str:
    judged = [f for f in figures if f.verdict]
    missed = [f for f in judged if f.verdict == "MISS"]
    text = f"{len(judged) - len(missed)} of {len(judged)} targets met"
    if missed:
        text += "; missed: " + "; ".join(f"{f.measure} ({f.shown}, {f.target})" for f in missed)
    return text


# --------------------------------------------------------------------------- environment


def environment(load_before: tuple[float, float, float]) -> list[str]:
    """The machine and library versions, one Markdown bullet each."""
    versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    return [
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory_gib():.1f} GiB memory, "
        f"{platform.system()} {platform.release()}",
        "Load average when the run started: " + " / ".join(f"{x:.2f}" for x in load_before),
        f"Python {platform.python_version()}; {versions}; {_chromium()}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _chromium() -> str:
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        result = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "Chromium not found"
    return result.stdout.strip() or "Chromium (version unknown)"


# --------------------------------------------------------------------------- RESULTS.md


def results_markdown(
    figures: Sequence[Figure], facts: Sequence[str], notes: Sequence[str], kept: str
) -> str:
    parts = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py` (`make bench`); rerun it to refresh the figures above "
        "the line. Medians of several runs; targets are upper bounds.",
        "",
        *(f"- {fact}" for fact in facts),
        "",
        markdown_table(figures),
        "",
        f"**{summary(figures)}.**",
        "",
        "## How each figure is measured",
        "",
        *(f"- {note}" for note in notes),
        "",
        KEPT_MARKER,
        kept.strip("\n"),
        "",
    ]
    return "\n".join(parts)


def kept_section(path: Path) -> str:
    """What follows :data:`KEPT_MARKER` in an existing RESULTS.md, else nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    _, found, after = text.partition(KEPT_MARKER)
    return after if found else ""
