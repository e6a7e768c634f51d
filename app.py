"""Streaming release calendar: page config, the shared sidebar filters, and routing."""

import streamlit as st

from calendar_data.ui.context import configure_page, frame, name_the_tab, pages
from calendar_data.ui.mine import draw_after_navigation

configure_page()
frame()
page = st.navigation(pages())
name_the_tab(page.title)
draw_after_navigation()  # page links and the device, which need the pages declared
page.run()
