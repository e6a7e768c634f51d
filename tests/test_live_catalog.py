"""The shared catalog's cache of recent values (ui/data.py ``Recent``)."""

from __future__ import annotations

import threading
import time

from calendar_data.ui.data import Recent


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
