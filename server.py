"""Serves the dashboard (app.py) with its export links and feed: /export.csv, /export.ics,
/export.json and /feed.atom.

`streamlit run server.py` (what `make run` does) finds the app below and serves it. The catalog
starts loading as the server starts, not when the first visitor arrives, and what a first
visit would wait for besides (imports, the default view's shared values) follows it. The
server's answers leave without waiting for the browser's acknowledgements
(calendar_data.sockets).
"""

import contextlib
import importlib
import threading

import streamlit as st

from calendar_data.days import DEFAULT_TIMEZONE
from calendar_data.live import current_catalog, preload
from calendar_data.routes import export_routes
from calendar_data.sockets import send_without_delay

#: What a fresh process would otherwise import during its first visit: the app's modules, and
#: Streamlit's emoji table, whose pattern compiles on the first emoji page icon (81 ms in a
#: server's first run here; 32 ms imported alone).
FIRST_VISIT_IMPORTS = ("calendar_data.ui.context", "streamlit.emojis")


def _prepare_the_first_visit(loading: threading.Thread) -> None:
    """Import what the first visit would, and, once the catalog is loaded, compute what every
    calendar in the default time zone shares."""
    for module in FIRST_VISIT_IMPORTS:
        importlib.import_module(module)
    loading.join()
    live, _ = current_catalog()
    if live is not None:
        from calendar_data.ui.calendar_view import prepare

        prepare(live, DEFAULT_TIMEZONE)


@contextlib.asynccontextmanager
async def start(_app):
    send_without_delay()  # the sockets are bound and listening by now
    loading = preload()
    threading.Thread(target=_prepare_the_first_visit, args=(loading,), daemon=True).start()
    yield


app = st.App("app.py", routes=export_routes(), lifespan=start)
