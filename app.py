"""Streaming release calendar: page config, the shared sidebar filters, and routing."""

import streamlit as st

from calendar_data.text import escape_markdown, markdown_link
from calendar_data.ui.context import ViewContext, set_current
from calendar_data.ui.data import live_catalog
from calendar_data.ui.sidebar import adopt_url, filter_sidebar

st.set_page_config(
    page_title="Streaming release calendar",
    page_icon=":material/calendar_month:",
    layout="wide",
)

pages = st.navigation(
    [
        st.Page(
            "pages/calendar.py", title="Calendar", icon=":material/calendar_month:", default=True
        ),
        st.Page("pages/browse.py", title="Browse", icon=":material/table_rows:", url_path="browse"),
        st.Page("pages/title.py", title="Title", icon=":material/movie:", url_path="title"),
        st.Page(
            "pages/planner.py", title="Planner", icon=":material/insights:", url_path="planner"
        ),
    ]
)

live = live_catalog()
for notice in adopt_url(live):
    st.info(notice, icon=":material/info:")
release_filter, tz = filter_sidebar(live)
set_current(ViewContext(live, release_filter, tz))

pages.run()

catalog = live.catalog
credits = [
    " — ".join(
        part for part in (markdown_link(s.name, s.url), escape_markdown(s.attribution, 200)) if part
    )
    for s in catalog.sources
]
st.divider()
st.caption(
    "Catalog: "
    + ("; ".join(credits) or "unnamed source")
    + (f" · generated {escape_markdown(catalog.generated_at, 40)}" if catalog.generated_at else "")
    + f" · times shown in {escape_markdown(tz)}"
)
