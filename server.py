"""Serves the dashboard (app.py) with its export links and feed: /export.csv, /export.ics,
/export.json and /feed.atom.

`streamlit run server.py` (what `make run` does) finds the app below and serves it. The catalog
starts loading as the server starts, not when the first visitor arrives, and the server's
answers leave without waiting for the browser's acknowledgements (calendar_data.sockets).
"""

import contextlib

import streamlit as st

from calendar_data.live import preload
from calendar_data.routes import export_routes
from calendar_data.sockets import send_without_delay


@contextlib.asynccontextmanager
async def start(_app):
    send_without_delay()  # the sockets are bound and listening by now
    preload()
    yield


app = st.App("app.py", routes=export_routes(), lifespan=start)
