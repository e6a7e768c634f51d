"""``make loadtest``'s script, run briefly on a small catalog so that its journey never rots.

The load test itself (25 sessions on the 1M catalog) is not a test; this only checks that a
short run goes through every step without an error and writes its report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from browser import BROWSER_TESTS

REPO = Path(__file__).resolve().parents[1]
pytestmark = BROWSER_TESTS


def test_a_short_load_test_goes_through_the_journey(tmp_path):
    catalog, results = tmp_path / "demo.parquet", tmp_path / "RESULTS.md"
    demo = ["-m", "calendar_data.cli", "demo", "--rows", "10000", "-o", str(catalog)]
    subprocess.run([sys.executable, *demo], check=True, capture_output=True)
    results.write_text("# Benchmarks\n\nkept\n")
    short = ["--sessions", "2", "--seconds", "25", "--ramp", "1", "--think", "0.2"]
    quick = ["--settle", "1", "--every", "1", "--catalog", str(catalog), "--results", str(results)]
    run = subprocess.run(
        [sys.executable, "benchmarks/loadtest.py", *short, *quick],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = results.read_text()
    assert report.startswith("# Benchmarks\n\nkept\n")  # the rest of the file is kept
    assert "| errors (of them, page loads) | 0 (0) |" in report
    assert "| pages loaded (arrivals, reloads after an error) | 2 |" in report
    steps = ("arrive (new page)", "filters", "service", "open drawer", "from date", "to date")
    for step in (*steps, "csv", "calendar", "month"):
        assert f"| {step} |" in report, step
