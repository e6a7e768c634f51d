"""Benchmark the catalog, the app's queries and views, the exports, the server and the browser.

    .venv/bin/python benchmarks/run.py             # everything; writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --quick     # 10k rows, no browser; prints only
    .venv/bin/python benchmarks/run.py --sizes 10000,100000 --no-browser

Demo catalogs are generated with ``calendar-data demo`` into benchmarks/.data/ (git-ignored)
and reused while the generator is unchanged. Targets are in each module; see RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sibling modules, also when imported from the tests

# First, as in the app: the library sets Arrow's allocator up before pyarrow loads.
import calendar_data  # noqa: E402, F401

# isort: split
import browser_timings  # noqa: E402
import interactions  # noqa: E402
import report  # noqa: E402
import streamlit.logger  # noqa: E402
import workloads  # noqa: E402
from report import Figure  # noqa: E402

from calendar_data.live import DEFAULT_CATALOG, LiveCatalog  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
DATA = HERE / ".data"
RESULTS = HERE / "RESULTS.md"

NOTES = [
    "**Load**: `LiveCatalog.load` (load_catalog, search text, shared columns, filter options: "
    "the whole work). *Cold* runs it in a new Python process (imports not counted; the file may "
    "be in the OS page cache); *warm* repeats it in this one. *First open* is "
    "`LiveCatalog.open` in a new process with no snapshot: the load, then writing "
    "`<catalog>.snapshot.arrow`; *server start* is `LiveCatalog.open` in a new process with the "
    "snapshot there, as every later server start runs it (memory-mapped, checksum checked).",
    "**Query**: the calendar's month view (the month grid's six weeks of March 2026, the three "
    "biggest services, the most common genre, series) as the app runs a new filter: "
    "`LiveCatalog.match`, which applies `ReleaseFilter.mask` to the blocks of rows whose days "
    "can fall in the range, with precomputed days and search text. polars and DuckDB run the "
    "same query on the same Arrow columns and days, loaded once into a DataFrame and a DuckDB "
    "table; all three must return the same rows.",
    "**Aggregate**: `bucketing.day_cards` on the month's rows (with the query, and with no "
    "filter: the default view), counting every day's cards and building the three a month cell "
    "shows, and `planner.weekly_load` on the query's rows without its dates.",
    "**Export**: `exports.to_csv` / `to_ics` of the first 100,000 / 10,000 dated series rows of "
    "the largest catalog, including taking the rows, as the Browse page's downloads do.",
    "**Server**: AppTest on app.py with the largest catalog loaded and the calendar on March "
    "2026; a filter change selects a different single service each time; a month change "
    "clicks Next with no filter (about 120,000 rows a month at 1M).",
    "**Browser**: Debian Chromium via Playwright against `streamlit run`. First paint is "
    "navigation until the script run is over, nothing is stale and a day cell is there; one "
    "target applies to a new session on a running server. The first visit to a fresh server "
    "(started once its health check answers, the catalog's snapshot already written) is "
    "compared with a Streamlit hello page's first visit to its own fresh server, with the "
    "hello page's plus one of each kind of input the calendar's sidebar and page hold (no data; "
    "drawn once no widget waits for its code), and with the "
    "same page's over the embedded catalog (its busiest month), in the same run: as many "
    "rounds as runs per median, each ratio a median of the rounds'; each server's time from "
    "its launch until its health check answered (polled every 50 ms) is given too. A filter "
    "change adds a service in the sidebar and ends when the match count changed and the "
    "calendar is redrawn.",
    "**Memory**: *two processes* each open the largest catalog from its snapshot (as two "
    "servers on one host would) and report RSS, PSS (a page both map counts half) and USS "
    "(pages only it holds) from /proc/PID/smaps_rollup, averaged. "
    "Then VmRSS of the `streamlit run` process after the sessions above closed, then "
    "with 10 more browser sessions open on the calendar.",
]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.chdir(HERE.parent)  # as `streamlit run` from the repository: its config applies
    quiet_streamlit()
    load_before = os.getloadavg()
    sizes = (10_000,) if args.quick else args.sizes
    repeats = args.repeats or (3 if args.quick else 5)
    figures = measure(sizes, repeats, browser=not (args.quick or args.no_browser))
    print(report.console_table(figures))
    print(report.summary(figures))
    output = args.output or (None if args.quick else RESULTS)
    if output:
        facts = report.environment(load_before)
        kept = report.kept_section(output)
        output.write_text(report.results_markdown(figures, facts, NOTES, kept), encoding="utf-8")
        print(f"wrote {output}")
    return 0


def measure(sizes: Sequence[int], repeats: int, browser: bool) -> list[Figure]:
    """Every figure for ``sizes``: the in-process ones per size, server and browser with the
    largest."""
    figures: list[Figure] = []
    warm_loads: dict[int, float] = {}
    catalogs = {rows: workloads.demo_catalog(rows, DATA) for rows in sizes}
    for rows, path in catalogs.items():
        _progress(f"{rows:,} rows: load, query, aggregations")
        loads, warm_loads[rows] = workloads.load_figures(path, rows, repeats)
        figures += loads
        live = LiveCatalog.open(str(path))
        figures += workloads.query_figures(live, rows, repeats)
        figures += workloads.aggregation_figures(live, rows, repeats)
        if rows == max(sizes):
            _progress(f"{rows:,} rows: exports")
            figures += workloads.export_figures(live, rows, repeats)
            _progress(f"{rows:,} rows: two processes over one snapshot")
            figures += workloads.sharing_figures(path, rows)
        del live
        gc.collect()
    if 100_000 in warm_loads and 1_000_000 in warm_loads:
        small, large = (100_000, warm_loads[100_000]), (1_000_000, warm_loads[1_000_000])
        figures.append(workloads.growth_figure(small, large))
    largest = max(sizes)
    month = workloads.MONTH.isoformat()
    _progress(f"{largest:,} rows: server script runs (AppTest)")
    figures += interactions.interaction_figures(catalogs[largest], largest, repeats, month)
    if browser:
        services = interactions.services_of(catalogs[largest])[:repeats]
        with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
            _progress("browser: embedded catalog")
            embedded_rows = LiveCatalog.open(str(DEFAULT_CATALOG)).table.num_rows
            figures += browser_timings.embedded_figures(
                DEFAULT_CATALOG, embedded_rows, repeats, Path(logs)
            )
            _progress(f"browser: {largest:,} rows, memory")
            figures += browser_timings.large_figures(
                catalogs[largest], largest, repeats, services, month, Path(logs)
            )
    return _ordered(figures)


def _ordered(figures: list[Figure]) -> list[Figure]:
    """Grouped as the table reads best, in measuring order within a group."""
    groups = ["Load", "Query", "Aggregate", "Export", "Server", "Browser", "Memory"]
    return sorted(figures, key=lambda f: groups.index(f.group))


def quiet_streamlit() -> None:
    """AppTest runs the app in this process: keep Streamlit's bare-mode chatter out."""
    streamlit.logger.set_log_level("error")


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of rows"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive row counts")
    return sizes


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k rows only, no browser")
    parser.add_argument(
        "--sizes", type=_sizes, default=SIZES, help="catalog sizes, e.g. 10000,100000"
    )
    parser.add_argument(
        "--repeats", type=_positive, help="runs per median (default 5; 3 with --quick)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium and memory")
    parser.add_argument(
        "--output", type=Path, help="results file (default RESULTS.md; none with --quick)"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
