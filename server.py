"""Serves the dashboard (app.py) with its export links and feed: /export.csv, /export.ics,
/export.json and /feed.atom.

`streamlit run server.py` (what `make run` does) finds the app below and serves it. The catalog
starts loading as the server starts, not when the first visitor arrives, and what a first
visit would wait for besides (imports, once-a-process checks, the default view's shared
values) follows it. The server takes visitors once that is done (or after
WARM_START_LIMIT_SECONDS): a visitor who comes sooner waits in the listening socket's queue,
and a balancer polling /_stcore/health sends nobody to a cold server. The server's answers
leave without waiting for the browser's acknowledgements (calendar_data.sockets).
"""

import asyncio
import contextlib
import importlib
import threading

import streamlit as st

from calendar_data.days import DEFAULT_TIMEZONE
from calendar_data.live import current_catalog, preload
from calendar_data.routes import export_routes
from calendar_data.sockets import send_without_delay

#: What a fresh process would otherwise import during its first visit: the app's modules, and
#: Streamlit's emoji table, whose pattern compiles on the first emoji page icon (the figures
#: are in benchmarks/RESULTS.md).
FIRST_VISIT_IMPORTS = ("calendar_data.ui.context", "streamlit.emojis")
#: The longest a starting server waits for its warm start before it takes visitors. A catalog
#: mapped from its snapshot is warm well within it; one loaded from scratch goes on loading
#: after it, behind the page's spinner.
WARM_START_LIMIT_SECONDS = 5


def _prepare_the_first_visit(loading: threading.Thread) -> None:
    """Import what the first visit would, make Streamlit's once-a-process check, and, once
    the catalog is loaded, compute what every calendar in the default time zone shares."""
    for module in FIRST_VISIT_IMPORTS:
        importlib.import_module(module)
    _check_for_a_repl()
    loading.join()
    live, _ = current_catalog()
    if live is not None:
        from calendar_data.ui.calendar_view import prepare

        prepare(live, DEFAULT_TIMEZONE)


def _check_for_a_repl() -> None:
    """The check Streamlit makes on the first element a process draws, for whether it runs
    in a Python REPL (to warn that an app needs `streamlit run`): it reads the source of every
    frame on the stack, scanning every loaded module's path. Made once."""
    from streamlit import delta_generator

    delta_generator._maybe_print_use_warning()  # Streamlit offers no public way to make it


@contextlib.asynccontextmanager
async def start(_app):
    send_without_delay()  # the sockets are bound and listening by now
    warming = threading.Thread(target=_prepare_the_first_visit, args=(preload(),), daemon=True)
    warming.start()
    await asyncio.to_thread(warming.join, WARM_START_LIMIT_SECONDS)
    yield


app = st.App("app.py", routes=export_routes(), lifespan=start)
