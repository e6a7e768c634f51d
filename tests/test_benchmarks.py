"""The benchmark's logic on a 10k-row catalog, once and without a browser, so it never rots.

The figures themselves are not asserted (they depend on the machine); what is: every figure
is measured, the peers find the same rows as the app, verdicts follow the targets, and
RESULTS.md keeps its hand-written history.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import report  # noqa: E402
import run  # noqa: E402
import ten_million  # noqa: E402
import workloads  # noqa: E402

from calendar_data.catalog import load_catalog  # noqa: E402
from calendar_data.filters import ReleaseFilter  # noqa: E402
from calendar_data.live import LiveCatalog  # noqa: E402

ROWS = 10_000


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bench-data")
    workloads.demo_catalog(ROWS, folder)
    return folder


@pytest.fixture(scope="module")
def live(data_folder) -> LiveCatalog:
    return LiveCatalog.open(str(data_folder / f"demo-{ROWS}.parquet"))


def test_quick_run_measures_everything_and_keeps_the_history(data_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "DATA", data_folder)
    output = tmp_path / "RESULTS.md"
    output.write_text(f"old figures\n{report.KEPT_MARKER}\n## Fixes\n\nkept by hand\n")

    assert run.main(["--quick", "--repeats", "1", "--output", str(output)]) == 0

    text = output.read_text()
    assert "old figures" not in text and text.endswith("## Fixes\n\nkept by hand\n")
    assert f"{report.KEPT_MARKER}\n## Fixes" in text
    for measure in (
        "cold: new process to ready catalog",
        "server start: LiveCatalog.open from the snapshot",
        "ours / fastest peer",
        "month cards, no filter",
        "planner service x week",
        "filter change: script run",
        "month change: script run",
    ):
        assert f"| {measure}" in text
    assert "cores" in text and "pyarrow" in text and "targets met" in text
    assert "| PASS |" in text or "| MISS |" in text


def test_ten_million_run_holds_its_largest_size_to_the_issues_targets(
    data_folder, tmp_path, monkeypatch
):
    """The ten-million benchmark, at 10k rows taken for ten million: the demo's generation,
    the loads and the script runs are measured, with the issue's limits on the script runs."""
    monkeypatch.setattr(run, "DATA", data_folder)
    monkeypatch.setattr(ten_million, "TEN_MILLION", ROWS)
    output = tmp_path / "RESULTS-10M.md"

    args = ["--sizes", str(ROWS), "--repeats", "1", "--no-browser", "--output", str(output)]
    assert ten_million.main(args) == 0

    text = output.read_text()
    assert text.startswith("# Ten million releases (issue 23 §2)")
    assert "Runs per median: 1" in text and "targets met" in text
    for measure in (
        "calendar-data demo: generate and write",
        "calendar-data demo: peak RSS",
        "first open: load, write the snapshot",
        "server start: LiveCatalog.open from the snapshot",
    ):
        assert f"| {measure} | 10,000 |" in text
    assert "| filter change: script run | 10,000 |" in text and "| ≤ 300 ms |" in text
    assert "| month change: script run | 10,000 |" in text and "| ≤ 500 ms |" in text
    assert "| ≤ 12,000 MB |" in text


def test_growth_is_reported_for_each_figure_measured_at_both_sizes():
    def at(rows, factor):
        return [
            report.Figure(group, measure, 0.1 * factor, "s", rows)
            for group, measure, _ in ten_million.GROWN
        ]

    growth = ten_million.growth_figures(at(1_000, 1) + at(10_000, 12)[1:], 1_000, 10_000)

    assert len(growth) == len(ten_million.GROWN) - 1  # the first is measured at one size only
    assert all(g.limit == 10 and g.verdict == "MISS" and g.rows == 10_000 for g in growth)
    assert growth[-1].group == "Browser" and growth[-1].value == pytest.approx(12)
    assert "a new session's first paint, 1,000 → 10,000 rows" in growth[-1].measure


def test_memory_is_split_into_what_the_process_alone_holds_and_what_is_anonymous():
    memory = workloads.memory_mb(os.getpid())
    assert set(memory) == {"RSS", "PSS", "USS", "anonymous"}
    assert 0 < memory["USS"] <= memory["RSS"] and 0 < memory["anonymous"] <= memory["RSS"]


def test_the_query_is_checked_against_the_peers(live, monkeypatch):
    figures = workloads.query_figures(live, ROWS, repeats=1)
    ratio = figures[-1]
    assert ratio.unit == "x" and ratio.limit == workloads.QUERY_LIMIT
    assert "rows match" in figures[0].note

    monkeypatch.setattr(workloads, "polars_query", lambda peers: lambda query: np.array([0]))
    with pytest.raises(AssertionError, match="polars found 1 rows"):
        workloads.query_figures(live, ROWS, repeats=1)


def test_exports_of_a_small_catalog_carry_no_verdict(live):
    csv, ics = workloads.export_figures(live, ROWS, repeats=1)
    assert csv.limit is None and "100,000" in csv.note
    assert ics.limit is None and ics.rows == ROWS


@pytest.mark.parametrize(("value", "verdict"), [(0.1, "PASS"), (0.15, "PASS"), (0.151, "MISS")])
def test_verdicts_follow_the_upper_bound(value, verdict):
    figure = report.Figure("Server", "filter change", value, "s", 1, limit=0.15)
    assert figure.verdict == verdict
    assert figure.target == "≤ 150 ms"


def test_amounts_are_shown_in_their_units():
    assert report.Figure("Load", "x", 0.0042, "s").shown == "4.2 ms"
    assert report.Figure("Load", "x", 1.5, "s").shown == "1,500 ms"
    assert report.Figure("Memory", "x", 612.4, "MB").shown == "612 MB"
    assert report.Figure("Query", "x", 1.234, "x").shown == "1.23x"
    assert report.Figure("Query", "x", 1.0, "x").verdict == ""


def test_load_growth_is_judged_against_the_rows_ratio():
    linear = workloads.growth_figure((100_000, 0.2), (1_000_000, 1.9))
    assert linear.limit == 10 and linear.verdict == "PASS"
    assert workloads.growth_figure((100_000, 0.2), (1_000_000, 2.4)).verdict == "MISS"


def test_summary_names_the_missed_targets():
    figures = [
        report.Figure("Export", "CSV", 1.0, "s", limit=1.5),
        report.Figure("Export", "ics", 3.0, "s", limit=2.0),
        report.Figure("Load", "cold", 9.0, "s"),
    ]
    assert report.summary(figures) == "1 of 2 targets met; missed: ics (3,000 ms, ≤ 2,000 ms)"
    table = report.console_table(figures)
    assert table.splitlines()[0].split() == list(report.HEADER)
    assert "MISS" in table.splitlines()[3]


def test_bad_sizes_are_refused(capsys):
    with pytest.raises(SystemExit):
        run.main(["--sizes", "ten"])
    assert "not a comma-separated list of rows" in capsys.readouterr().err


# ------------------------------------------------------------ the fixes the benchmark drove


def test_the_compact_catalog_gives_back_every_row(data_folder, live):
    """Shared columns (held once per distinct value) come back exactly as loaded."""
    loaded = load_catalog(data_folder / f"demo-{ROWS}.parquet").table
    positions = pa.array(np.random.default_rng(3).permutation(ROWS)[:2_000])
    assert live.rows(positions).equals(loaded.take(positions))
    assert set(live.shared) <= set(loaded.column_names) - set(live.table.column_names)
    names = ["synopsis", "title", "cast"]
    assert live.rows(positions, names).equals(loaded.take(positions).select(names))


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_date_filters_skip_blocks_without_losing_rows(live, tz):
    """LiveCatalog.match filters only the blocks a date range can touch: same rows as a mask
    over every row, whatever the zone."""
    days = live.days(tz)
    for release_filter in (
        ReleaseFilter(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)),
        ReleaseFilter(services=("Netflix",), start=dt.date(2026, 12, 31)),
        ReleaseFilter(genres=("Drama",), end=dt.date(2026, 1, 1), query="silver"),
        ReleaseFilter(start=dt.date(2030, 1, 1)),
    ):
        everywhere = pc.indices_nonzero(release_filter.mask(live.table, days, live.search))
        assert live.match(release_filter, tz).equals(everywhere), release_filter
