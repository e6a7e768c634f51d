"""Serves the dashboard (app.py) with its export links, /export.csv and /export.ics.

`streamlit run server.py` (what `make run` does) finds the app below and serves it.
"""

import streamlit as st

from calendar_data.ui.downloads import export_routes

app = st.App("app.py", routes=export_routes())
