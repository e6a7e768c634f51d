"""Shared pytest fixtures. Each block says which tests it serves."""

from pathlib import Path

import bad_corpus
import pyarrow as pa
import pytest
from apptest_routing import routed_by_navigation
from browser import chromium, new_page
from sample import write_sample

# ------------------------------------------------------------------ catalog loader and writer
# For test_catalog.py, test_atomic_writes.py and test_bad_files.py.


@pytest.fixture
def catalog_table() -> pa.Table:
    """A small valid catalog (12 releases, every column filled somewhere), canonical schema."""
    return bad_corpus.sample_table()


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    """The sample catalog (tests/sample.py), written and made the app's catalog.

    For test_app.py and test_downloads.py; modules that need another define their own.
    """
    path = tmp_path / "catalog.parquet"
    write_sample(path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return path


# ------------------------------------------------------------------ end of catalog fixtures

# ------------------------------------------------------------------ AppTest routing


@pytest.fixture(autouse=True)
def _apptest_routes_by_navigation():
    """Every AppTest routes as a server does (see apptest_routing.py)."""
    with routed_by_navigation():
        yield


# ------------------------------------------------------------------ browser tests
# One Chromium per module and a new session (browser context) per test, for every browser
# test module; a module whose pages need another size defines its own ``page``.


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    with new_page(browser) as fresh:
        yield fresh
