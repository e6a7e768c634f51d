"""The shared frame every page stands in: page config, catalog, URL notices, sidebar filters.

app.py draws the frame with :func:`frame` and routes with :func:`pages`; each page script
starts with ``context = current()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..filters import ReleaseFilter
from ..live import LiveCatalog
from ..text import escape_markdown, escape_message, markdown_link
from .data import live_catalog
from .sidebar import filter_sidebar, url_notices


@dataclass(frozen=True)
class ViewContext:
    live: LiveCatalog
    release_filter: ReleaseFilter
    tz: str


def configure_page() -> None:
    st.set_page_config(
        page_title="Streaming release calendar",
        page_icon="📅",  # an emoji is drawn in the page; a material icon is fetched from Google
        layout="wide",
    )


_KEY = "_view_context"


def pages() -> list[st.Page]:
    return [
        st.Page(
            "pages/calendar.py", title="Calendar", icon=":material/calendar_month:", default=True
        ),
        st.Page("pages/browse.py", title="Browse", icon=":material/table_rows:", url_path="browse"),
        st.Page("pages/title.py", title="Title", icon=":material/movie:", url_path="title"),
        st.Page(
            "pages/planner.py", title="Planner", icon=":material/insights:", url_path="planner"
        ),
        st.Page(
            "pages/changes.py", title="Changes", icon=":material/history:", url_path="changes"
        ),
    ]


def frame() -> None:
    """Draw the shared frame for this run and leave its context for the page."""
    live = live_catalog()
    for notice in url_notices(live):
        st.info(escape_message(notice), icon=":material/info:")
    release_filter, tz = filter_sidebar(live)
    _credits(live, tz)
    st.session_state[_KEY] = ViewContext(live, release_filter, tz)


def current() -> ViewContext:
    """The context app.py drew for this run.

    A page can run without app.py: Streamlit routes by the ``pages/`` folder next to the entry
    script until the first ``st.navigation`` call in the process, so a deep link such as
    ``/browse`` first runs pages/browse.py alone (and AppTest, which starts every run afresh,
    does so on every run). Such a page declares the navigation, which switches routing to it
    for good, and reruns: app.py then draws the frame and routes to the same page.
    """
    context = st.session_state.pop(_KEY, None)
    if context is None:
        configure_page()  # first, or the page's material icon becomes a favicon from Google
        st.navigation(pages(), position="hidden")
        st.rerun()
    return context


def _credits(live: LiveCatalog, tz: str) -> None:
    """Name the catalog's sources, their attribution and its generation time."""
    catalog = live.catalog
    credits = [
        " — ".join(
            part
            for part in (markdown_link(s.name, s.url), escape_markdown(s.attribution, 200))
            if part
        )
        for s in catalog.sources
    ]
    generated = escape_markdown(catalog.generated_at, 40)
    with st.sidebar:
        st.divider()
        st.caption(
            "Catalog: "
            + ("; ".join(credits) or "unnamed source")
            + (f" · generated {generated}" if generated else "")
            + f" · times in {escape_markdown(tz)}"
        )
