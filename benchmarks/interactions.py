"""The server side of an interaction: the script run of a filter change and of a month change,
timed through Streamlit's AppTest with the catalog already loaded (warm)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import streamlit as st
from report import Figure, median_seconds
from streamlit.testing.v1 import AppTest

from calendar_data.live import CATALOG_ENV
from calendar_data.params import FILTERS_KEPT_OPEN

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' AppTest routing
from apptest_routing import routed_by_navigation  # noqa: E402

APP = REPO / "app.py"
SCRIPT_LIMIT = 0.150
TIMEOUT = 600


@contextlib.contextmanager
def app_for(catalog: Path) -> Iterator[AppTest]:
    """The app over ``catalog``, run once; the process's caches are cleared afterwards."""
    previous_env = os.environ.get(CATALOG_ENV)
    os.environ[CATALOG_ENV] = str(catalog)
    try:
        # the app's own .streamlit/config.toml applies from its folder
        with contextlib.chdir(APP.parent), routed_by_navigation():
            yield AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    finally:
        if previous_env is None:
            os.environ.pop(CATALOG_ENV, None)
        else:
            os.environ[CATALOG_ENV] = previous_env
        st.cache_resource.clear()


def services_of(catalog: Path) -> list[str]:
    column = pq.read_table(catalog, columns=["service"])["service"]
    return sorted(str(value) for value in pc.unique(column.cast("string")).to_pylist())


def _checked_run(at: AppTest) -> None:
    at.run()
    if at.exception:
        raise RuntimeError(f"the app failed: {at.exception[0].message}")


def interaction_figures(
    catalog: Path,
    rows: int,
    repeats: int,
    month: str,
    filter_limit: float | None = SCRIPT_LIMIT,
    month_limit: float | None = None,
) -> list[Figure]:
    """First run, then, the filters opened, ``repeats`` filter changes (a new service each
    time, so no cached selection helps) and ``repeats`` month changes (the Next button), held
    to ``filter_limit`` and ``month_limit`` seconds."""
    services = services_of(catalog)
    with app_for(catalog) as at:
        at.query_params["date"] = month
        started = time.perf_counter()
        _checked_run(at)
        first = time.perf_counter() - started
        at.session_state[FILTERS_KEPT_OPEN] = True  # the viewer opens the filters
        _checked_run(at)  # warm

        changes = iter(services * (repeats // len(services) + 2))

        def change_filter() -> None:
            at.multiselect(key="service").set_value([next(changes)])
            _checked_run(at)

        filter_change = median_seconds(change_filter, repeats, warmup=0)
        at.multiselect(key="service").set_value([])
        _checked_run(at)

        def next_month() -> None:
            at.button(key="next").click()
            _checked_run(at)

        month_change = median_seconds(next_month, repeats, warmup=0)
    return [
        Figure("Server", "first script run (opens the catalog)", first, "s", rows),
        Figure("Server", "filter change: script run", filter_change, "s", rows, filter_limit),
        Figure("Server", "month change: script run", month_change, "s", rows, month_limit),
    ]
