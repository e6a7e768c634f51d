"""Ten million releases on one machine (issue 23 §2), beside one million in the same run.

    .venv/bin/python benchmarks/ten_million.py     # make bench-10m; writes RESULTS-10M.md
    .venv/bin/python benchmarks/ten_million.py --repeats 1 --no-browser

For each size: ``calendar-data demo`` writing the catalog afresh (time, peak RSS), the loads
and server starts of :func:`workloads.load_figures`, the server's script runs of
:func:`interactions.interaction_figures` and, with a browser, the first paints and memory of
:func:`browser_timings.large_figures`; then how each grows from the smallest size to the
largest. Ten million rows are held to the issue's targets, a million to ``make bench``'s.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import run  # first: it sets up the path and the library before pyarrow loads

# isort: split
import browser_timings  # noqa: E402
import interactions  # noqa: E402
import report  # noqa: E402
import workloads  # noqa: E402
from report import Figure  # noqa: E402

SIZES = (1_000_000, 10_000_000)
RESULTS = run.HERE / "RESULTS-10M.md"

#: From this many rows on, the issue's targets for ten million apply.
TEN_MILLION = 10_000_000
FILTER_LIMIT = 0.300
MONTH_LIMIT = 0.500
BROWSER_TARGETS = browser_timings.Targets(
    new_session=None,
    new_session_vs_hello=2.0,
    fresh_vs_hello=None,
    rss_mb=None,
    uss_mb=4_096,
    sessions_mb=None,
)
#: The figures whose growth from the smallest size to the largest is reported.
GROWN = (
    ("Load", "warm: load + search text + options", "warm load"),
    ("Load", "first open: load, write the snapshot", "first open"),
    ("Load", "server start: LiveCatalog.open from the snapshot", "server start"),
    ("Server", "filter change: script run", "filter change"),
    ("Server", "month change: script run", "month change"),
    ("Browser", "first paint, new session", "a new session's first paint"),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.chdir(run.HERE.parent)
    run.quiet_streamlit()
    load_before = os.getloadavg()
    figures = measure(args.sizes, args.repeats, browser=not args.no_browser)
    print(report.console_table(figures))
    print(report.summary(figures))
    facts = report.environment(load_before) + [f"Runs per median: {args.repeats}"]
    args.output.write_text(markdown(figures, facts), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def measure(sizes: Sequence[int], repeats: int, browser: bool) -> list[Figure]:
    figures: list[Figure] = []
    month = workloads.MONTH.isoformat()
    for rows in sizes:
        if figures:
            run._progress("so far:\n" + report.console_table(figures))
        run._progress(f"{rows:,} rows: calendar-data demo, loads")
        figures += workloads.generation_figures(rows, run.DATA)
        path = workloads.demo_catalog(rows, run.DATA)
        figures += workloads.load_figures(path, rows, repeats)[0]
        gc.collect()
        if browser:  # first: while no other process maps the snapshot, the server's USS has it
            run._progress(f"{rows:,} rows: browser, memory")
            services = interactions.services_of(path)[:repeats]
            targets = browser_timings.Targets()
            if rows >= TEN_MILLION:
                targets = BROWSER_TARGETS
            with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
                figures += browser_timings.large_figures(
                    path, rows, repeats, services, month, Path(logs), targets
                )
        run._progress(f"{rows:,} rows: server script runs (AppTest)")
        limits = (FILTER_LIMIT, MONTH_LIMIT) if rows >= TEN_MILLION else ()
        figures += interactions.interaction_figures(path, rows, repeats, month, *limits)
    if len(sizes) > 1:
        figures += growth_figures(figures, min(sizes), max(sizes))
    return run._ordered(figures)


def growth_figures(figures: Sequence[Figure], small: int, large: int) -> list[Figure]:
    """How each of :data:`GROWN` grows from ``small`` rows to ``large`` (linear: their ratio)."""
    value = {(f.group, f.measure, f.rows): f.value for f in figures}
    return [
        workloads.growth_figure(
            (small, value[group, name, small]), (large, value[group, name, large]), what, group
        )
        for group, name, what in GROWN
        if (group, name, small) in value and (group, name, large) in value
    ]


NOTES = [
    "**calendar-data demo**: the command writing the catalog afresh (no file there), its wall "
    "time and its peak RSS (`ru_maxrss` of the child, from `os.wait4`).",
    "**Server USS**: the pages only the `streamlit run` process holds (Private_Clean + "
    "Private_Dirty of /proc/PID/smaps_rollup), measured before this process maps the same "
    "snapshot (the AppTest runs come after), so the server's pages of it count; the note "
    "gives the anonymous part (memory backed by no file).",
    "**Growth**: the 10M figure over the 1M one; linear is 10x.",
    "The other figures are measured as `make bench` measures them (RESULTS.md).",
]


def markdown(figures: Sequence[Figure], facts: Sequence[str]) -> str:
    return "\n".join(
        [
            "# Ten million releases (issue 23 §2)",
            "",
            "Written by `benchmarks/ten_million.py` (`make bench-10m`). Targets are upper bounds.",
            "",
            *(f"- {fact}" for fact in facts),
            "",
            report.markdown_table(figures),
            "",
            f"**{report.summary(figures)}.**",
            "",
            "## How the figures of this run are measured",
            "",
            *(f"- {note}" for note in NOTES),
            "",
        ]
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=run._sizes, default=SIZES, help="catalog sizes (default 1M and 10M)"
    )
    parser.add_argument("--repeats", type=run._positive, default=3, help="runs per median")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file")
    return parser


if __name__ == "__main__":
    sys.exit(main())
