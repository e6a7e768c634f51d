"""The shared frame every page stands in: page config, catalog, URL notices, sidebar filters.

app.py draws the frame with :func:`frame` and routes with :func:`pages`; each page script
starts with ``context = current()``.

Until the first ``st.navigation`` call in a server process, Streamlit routes by the ``pages/``
folder next to the entry script. A deep link such as ``/browse`` then runs pages/browse.py
without app.py, and even app.py runs as a page of that folder, under another script hash than
in later runs: its sidebar widgets would change ids after that run and lose the first click.
Both cases, once per process, declare the pages (which switches routing to ``st.navigation``
for good) and rerun before drawing anything: :func:`_route_by_navigation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from ..catalog import SourceInfo
from ..filters import ReleaseFilter
from ..freshness import freshness
from ..live import LiveCatalog
from ..params import VIEW_CONTEXT
from ..text import escape_markdown, escape_message, markdown_link, one_line
from .data import live_catalog
from .mine import mine_sidebar
from .sidebar import filter_sidebar, say_with_url_notices, show_matches, url_notices


@dataclass(frozen=True)
class ViewContext:
    live: LiveCatalog
    release_filter: ReleaseFilter
    tz: str


APP_NAME = "Streaming release calendar"


def configure_page() -> None:
    st.set_page_config(
        page_title=APP_NAME,
        page_icon="📅",  # an emoji is drawn in the page; a material icon is fetched from Google
        layout="wide",
    )


def name_the_tab(name: str) -> None:
    """The browser tab's title (and a bookmark's, and the history's): ``name`` and the app's,
    so that tabs on several pages or titles tell themselves apart."""
    st.set_page_config(page_title=f"{one_line(name, 80)} · {APP_NAME}")


#: Whether this process has declared its pages (see the module docstring).
_routed = False


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
        st.Page("pages/changes.py", title="Changes", icon=":material/history:", url_path="changes"),
    ]


def frame() -> None:
    """Draw the shared frame for this run and leave its context for the page."""
    if not _routed:
        _route_by_navigation()
    live = live_catalog()
    if live is None:
        st.navigation(pages())  # the sidebar's pages, to go on with once a catalog is there
        st.stop()
    notices = url_notices(live, _rerun_on_this_page)
    release_filter, tz, count = filter_sidebar(live)
    release_filter, mine = mine_sidebar(live, release_filter, tz)  # my services, followed only
    for notice in say_with_url_notices(notices, mine):
        st.info(escape_message(notice), icon=":material/info:")
    show_matches(count, live, release_filter, tz)
    _credits(live, tz)
    st.session_state[VIEW_CONTEXT] = ViewContext(live, release_filter, tz)


def current() -> ViewContext:
    """The context app.py drew for this run; a page run without app.py reruns through it."""
    context = st.session_state.pop(VIEW_CONTEXT, None)
    if context is None:
        configure_page()  # first, or the page's material icon becomes a favicon from Google
        _route_by_navigation()
    return context


def _route_by_navigation() -> NoReturn:
    """Declare the pages, so this process routes by st.navigation from now on, and rerun."""
    global _routed
    _routed = True
    _rerun_on_this_page()


def _rerun_on_this_page() -> NoReturn:
    """Rerun the script on the page this run shows. Asked for before ``st.navigation``, a
    rerun would open the default page: the pages are declared (hidden) first, which resolves
    the URL's page."""
    st.navigation(pages(), position="hidden")
    st.rerun()


def source_credits(sources: Iterable[SourceInfo], named: Collection[str] | None = None) -> str:
    """Each source's name (linked to its site) and the attribution its terms ask for, as one
    line of Markdown; only the sources ``named``, when given (the Title page names a title's),
    and those of them ``sources`` does not describe by their names alone."""
    sources = list(sources)
    credits = [
        " — ".join(
            part
            for part in (markdown_link(s.name, s.url), escape_markdown(s.attribution, 200))
            if part
        )
        for s in sources
        if named is None or s.name in named
    ]
    undescribed = set(named or ()) - {s.name for s in sources}
    return " · ".join(credits + [escape_markdown(name, 200) for name in sorted(undescribed)])


def _credits(live: LiveCatalog, tz: str) -> None:
    """Name the catalog's sources, their attribution, its generation time and, for a
    refreshed catalog, how fresh each source is."""
    catalog = live.catalog
    credits = source_credits(catalog.sources)
    generated = escape_markdown(catalog.generated_at, 40)
    with st.sidebar:
        st.divider()
        st.caption(
            "Catalog: "
            + (credits or "unnamed source")
            + "  \n"  # the sources' credits, then the catalog's own facts
            + (f"generated {generated} · " if generated else "")
            + f"times in {escape_markdown(tz)}"
        )
        fresh = freshness(catalog.refresh, dt.datetime.now(dt.UTC))
        if fresh.text:
            st.caption(f"Refreshed: {escape_markdown(fresh.text, 300)}")
        if fresh.warning:
            st.warning(escape_message(fresh.warning), icon=":material/schedule:")
