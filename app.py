"""Streaming release calendar: page config, the shared sidebar filters, and routing."""

import streamlit as st

from calendar_data.ui.context import configure_page, frame, pages

configure_page()
frame()
st.navigation(pages()).run()
