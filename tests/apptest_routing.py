"""AppTest routed as a server routes: the one patch of Streamlit's internals the tests need.

Streamlit routes by the pages/ folder next to the entry script until the process's first
st.navigation call (ui/context.py handles that state on a real server, once per process).
AppTest starts every run in that state again, so each run would first execute the page alone
and, under another script hash, give the sidebar's widgets new ids: a value set in one run
would be lost in the next. Streamlit has no public switch for this, so AppTest gets a
PagesManager that routes by st.navigation from the start, as a server does after its first
request. Used by tests/conftest.py and benchmarks/interactions.py.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test


class _NavigationPages(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@contextmanager
def routed_by_navigation() -> Iterator[None]:
    previous, app_test.PagesManager = app_test.PagesManager, _NavigationPages
    try:
        yield
    finally:
        app_test.PagesManager = previous
