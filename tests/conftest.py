"""Shared pytest fixtures. Each block says which tests it serves."""

from pathlib import Path

import bad_corpus
import pyarrow as pa
import pytest
from sample import write_sample
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test

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

# --- AppTest routing (lead) -----------------------------------------------------------------
# AppTest resets Streamlit's "route by the pages/ folder" flag before every run, so each rerun
# would run the page script alone (as a real server does only before its first st.navigation
# call, a case the browser tests cover). Keep AppTest on st.navigation routing, like a server.


class _NavigationPages(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _apptest_uses_navigation(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", _NavigationPages)
