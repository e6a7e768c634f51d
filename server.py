"""Serves the dashboard (app.py) with its export links and feed: /export.csv, /export.ics,
/export.json and /feed.atom.

`streamlit run server.py` (what `make run` does) finds the app below and serves it. The catalog
starts loading as the server starts, not when the first visitor arrives.
"""

import contextlib

import streamlit as st

from calendar_data.live import preload
from calendar_data.routes import export_routes


@contextlib.asynccontextmanager
async def load_the_catalog_at_start(_app):
    preload()
    yield


app = st.App("app.py", routes=export_routes(), lifespan=load_the_catalog_at_start)
