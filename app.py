"""Streaming release calendar: page config, the shared sidebar filters, and routing."""

import streamlit as st

from calendar_data.ui.context import configure_page, frame, pages
from calendar_data.ui.mine import draw_followed_links

configure_page()
frame()
page = st.navigation(pages())
draw_followed_links()  # page links, which need the pages declared
page.run()
