"""The shared catalog (live.py): how it is built from the file, its column encoding
(encoding.py) and its cache of recent values (``Recent``, recent.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
import subprocess
import sys
import threading
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sample import (
    edited_sample_rows,
    log_sample_changes,
    sample_changes,
    sample_rows,
    write_sample,
)

from calendar_data import encoding
from calendar_data import live as live_module
from calendar_data.catalog import file_signature, load_catalog
from calendar_data.demo import demo_table
from calendar_data.filters import ReleaseFilter, search_text
from calendar_data.live import LiveCatalog
from calendar_data.recent import Recent, held_rows
from calendar_data.summary import value_counts


def test_keeps_the_most_recent_entries():
    recent = Recent(entries=2)
    for key in "abc":
        recent.get(key, lambda k=key: k.upper())
    assert recent.get("a", lambda: "again") == "again"  # evicted, computed again
    assert recent.get("c", lambda: "never") == "C"


def test_is_bounded_by_rows_but_keeps_the_newest():
    recent = Recent(entries=10, rows=5)
    recent.get("small", lambda: [1, 2])
    recent.get("big", lambda: list(range(8)))  # over the bound alone: kept, "small" goes
    assert recent.get("big", lambda: "never") == list(range(8))
    assert recent.get("small", lambda: "recomputed") == "recomputed"


def test_derived_values_count_the_rows_of_their_parts():
    """A planner's slate is a tuple of two frames and a count: its rows, not its length 3."""
    weeks, seasons = pd.DataFrame({"week": range(40)}), pa.table({"title_id": ["a"] * 25})

    @dataclasses.dataclass
    class Cards:
        shown: pd.DataFrame
        total: int

    assert held_rows((weeks, seasons, 7)) == 65
    assert held_rows(Cards(weeks, 900)) == 40
    recent = Recent(entries=10, rows=100, size=held_rows)
    recent.get("slate", lambda: (weeks, seasons, 7))
    recent.get("other", lambda: (weeks, seasons, 7))  # 130 rows in all: the first goes
    assert recent.get("slate", lambda: "recomputed") == "recomputed"


def test_sessions_asking_at_once_share_one_computation():
    recent, calls, results = Recent(entries=4), [], []
    started = threading.Barrier(8)

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "month"

    def session():
        started.wait()
        results.append(recent.get("2026-03", slow))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["month"] * 8 and len(calls) == 1


def test_a_failed_computation_is_not_kept():
    recent = Recent(entries=4)

    def broken():
        raise ValueError("no")

    try:
        recent.get("k", broken)
    except ValueError:
        pass
    assert recent.get("k", lambda: "ok") == "ok"


def wait_for(condition, what: str) -> None:
    """Until ``condition()`` holds (it must within seconds: the threads are only scheduled)."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.001)


def callers(recent: Recent, key) -> int:
    """How many threads are computing or awaiting ``key``."""
    computation = recent._computing.get(key)
    return computation.callers if computation else 0


def test_after_a_failure_a_late_caller_waits_for_the_retry_instead_of_computing_beside_it():
    """A fails while B waits; B computes again. D, arriving meanwhile, must wait for B's value,
    not start a second computation beside B's."""
    recent, computed = Recent(entries=4), []
    a_started, fail_a, b_started, finish_b = (threading.Event() for _ in range(4))
    results = {}

    def compute(name, started, proceed, outcome):
        def run():
            computed.append(name)
            started.set()
            assert proceed.wait(10)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        return run

    def caller(name, compute_it):
        try:
            results[name] = recent.get("month", compute_it)
        except ValueError as error:
            results[name] = str(error)

    a = threading.Thread(
        target=caller, args=("A", compute("A", a_started, fail_a, ValueError("failed")))
    )
    a.start()
    assert a_started.wait(10)
    b = threading.Thread(target=caller, args=("B", compute("B", b_started, finish_b, "from B")))
    b.start()
    wait_for(lambda: callers(recent, "month") == 2, "B waits behind A")
    fail_a.set()
    assert b_started.wait(10)
    late = threading.Event()
    d = threading.Thread(target=caller, args=("D", compute("D", threading.Event(), late, "from D")))
    d.start()
    wait_for(lambda: callers(recent, "month") == 2 or "D" in computed, "D arrives")
    finish_b.set()
    late.set()
    for thread in (a, b, d):
        thread.join(10)
    assert computed == ["A", "B"]
    assert results == {"A": "failed", "B": "from B", "D": "from B"}
    assert callers(recent, "month") == 0  # nothing left behind


def test_a_catalog_reload_registers_the_unfreeze_at_exit_once(monkeypatch):
    """Every catalog version freezes the objects alive; handing them back at exit is
    registered once for the process, not once per reload."""
    registered = []
    monkeypatch.setattr(live_module.atexit, "register", registered.append)
    live_module._unfreeze_at_exit.cache_clear()
    try:
        for _ in range(3):
            live_module._freeze_long_lived()
    finally:
        gc.unfreeze()
    assert registered == [gc.unfreeze]


def test_a_catalog_in_many_pieces_reads_back_unchanged(tmp_path, monkeypatch):
    """The shared columns and the search text are built piece by piece, from the file's row
    groups as they come, on several threads: every row must still read back as it was written."""
    monkeypatch.setattr(encoding, "ENCODED_ROWS", 300)  # pieces cut across the row groups
    monkeypatch.setattr(encoding, "CORES", 3)  # pieces finish out of order
    path = tmp_path / "catalog.parquet"
    pq.write_table(demo_table(2_000, seed=3), path, row_group_size=700)
    written = load_catalog(path).table
    assert written["release_id"].num_chunks > 1
    assert written["image_url"].null_count == len(written)  # an all-empty optional column

    live = LiveCatalog.open(str(path))

    everything = pa.array(range(len(written)))
    assert live.rows(everything).equals(written.select(live.rows(everything).column_names))
    assert live.search.cast(pa.string()).equals(search_text(written))


def test_arrow_keeps_freed_memory_a_moment_unless_told_otherwise():
    """Importing the library before pyarrow sets Arrow's allocator to reuse what it frees for
    a second; a value the environment already holds is kept."""
    show = "import calendar_data, os, pyarrow; print(os.environ['MIMALLOC_PURGE_DELAY'])"
    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    for preset, expected in ((None, "1000"), ("0", "0")):
        run_env = env if preset is None else {**env, "MIMALLOC_PURGE_DELAY": preset}
        shown = subprocess.run(
            [sys.executable, "-c", show], env=run_env, capture_output=True, text=True, check=True
        )
        assert shown.stdout.strip() == expected


def test_the_change_log_is_read_once_per_version_of_its_file(tmp_path):
    """Every Changes page run and feed request shares one read of the log beside the catalog;
    a log a build replaced is read anew."""
    live = LiveCatalog.open(write_sample(tmp_path / "catalog.parquet"))
    assert live.change_log().num_rows == 0
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first = sample_changes(sample_rows(), edited_sample_rows(), at)
    log_sample_changes(tmp_path / "catalog.parquet", first)
    read = live.change_log()
    assert read.num_rows == first.num_rows and live.change_log() is read
    log_sample_changes(tmp_path / "catalog.parquet", first)
    assert live.change_log().num_rows == 2 * first.num_rows


def test_selected_rows_are_the_matching_rows_with_their_local_days(tmp_path):
    live = LiveCatalog.open(write_sample(tmp_path / "catalog.parquet"))
    november = ReleaseFilter(start=dt.date(2023, 11, 1), end=dt.date(2023, 11, 30))
    rows, days = live.selected_rows(november, "Pacific/Honolulu", ["release_id", "title"])
    positions = live.select(november, "Pacific/Honolulu")
    assert rows.equals(live.rows(positions, ["release_id", "title"]))
    assert days.equals(live.days("Pacific/Honolulu").take(positions))
    assert rows.num_rows and all(november.start <= day <= november.end for day in days.to_pylist())


def test_filter_options_count_values_as_the_summary_does(tmp_path):
    live = LiveCatalog.open(write_sample(tmp_path / "catalog.parquet"))
    assert live.options["service"] == value_counts(live.table["service"])
    assert live.options["kind"] == value_counts(live.table["kind"])


def test_the_routes_and_the_live_catalog_load_without_streamlit():
    """Library code never imports streamlit: the export routes are served by server.py."""
    show = "import sys, calendar_data.routes; print('streamlit' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_preloading_loads_the_current_catalog_before_anyone_asks(tmp_path, monkeypatch):
    path = write_sample(tmp_path / "catalog.parquet")
    monkeypatch.setenv("CALENDAR_CATALOG", path)
    live_module.preload().join(60)
    assert live_module._CATALOGS.peek((path, file_signature(path))) is not None


def test_the_values_a_feed_filters_by_follow_each_version_of_the_change_log(tmp_path):
    """A service the catalog lost is a feed's to filter by once the log names it, not before
    (the values are kept per version of the log, not once for all)."""
    catalog = tmp_path / "catalog.parquet"
    write_sample(catalog)
    live = LiveCatalog.load(str(catalog))
    assert "Gone+" not in live.known_with_history()["service"]
    rows = sample_rows()
    gone = [{**rows[0], "release_id": "gone-1", "service": "Gone+"}]
    log_sample_changes(catalog, sample_changes(gone, [], dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert "Gone+" in live.known_with_history()["service"]
    assert "Gone+" not in live.known_values()["service"]  # the catalog's own stay its own
