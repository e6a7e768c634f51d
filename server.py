"""Serves the dashboard (app.py) with its export links and feed: /export.csv, /export.ics,
/export.json and /feed.atom.

`streamlit run server.py` (what `make run` does) finds the app below and serves it.
"""

import streamlit as st

from calendar_data.routes import export_routes

app = st.App("app.py", routes=export_routes())
