"""The sidebar's menus: popovers whose widgets are bound to the URL.

The browser draws a popover's widgets only once it opens, so a closed menu costs a new
session's first paint next to nothing, where the same widgets drawn in the sidebar, or in a
closed expander, cost it their whole drawing (benchmarks/RESULTS.md, ninth round). The script
draws them on every run all the same, so their values hold.

On a page change, though, the browser writes the new page's URL from the widgets it has
drawn, and leaves out those of a closed menu. :func:`menu` puts them back before the widgets
bind: a bound widget given its value through the session state writes it into the URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import streamlit as st


@contextmanager
def menu(where, label: str, key: str, bound: Iterable[str], **options) -> Iterator[None]:
    """A popover in ``where`` (a container) labelled ``label``, holding the widgets bound to
    the URL parameters ``bound`` (their keys); ``options`` go to ``st.popover``."""
    for param in bound:
        if param in st.session_state and param not in st.query_params:
            st.session_state[param] = st.session_state[param]
    with where.popover(label, key=key, **options):
        yield
