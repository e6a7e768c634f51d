"""The live catalog in a script run: a spinner while it loads, and a message when it cannot."""

from __future__ import annotations

import os

import streamlit as st

from ..live import CATALOG_ENV, LiveCatalog, catalog_location, current_catalog, named_by_file
from ..params import REJECTED_CATALOG
from ..text import escape_markdown, escape_message, without_credentials

#: How to make a catalog, and how to serve one, for a dashboard that has none.
MAKE_A_CATALOG = f"""\
**To make one**, from the repository's folder:

- the embedded catalog, from its readable source: `make catalog`, or
  `calendar-data build data/releases.csv -o data/catalog.parquet`
- real upcoming releases from TVmaze: `calendar-data import tvmaze --days 30 -o data/tvmaze.parquet`
- a synthetic one, to try the dashboard at scale:
  `calendar-data demo --rows 100000 -o /tmp/demo.parquet`

**To serve another**, name it in `{CATALOG_ENV}` (a Parquet file, a folder of them, or a URI
such as `s3://...` or `https://...`), e.g. `{CATALOG_ENV}=data/tvmaze.parquet make run`.
"""


def live_catalog() -> LiveCatalog | None:
    """The current catalog, or the last good one when a replacement is broken (said once).

    With nothing good to show: None, once the page has said why, what was tried and how to
    make or pick a catalog.
    """
    live, error = current_catalog(waiting=st.spinner("Loading the release catalog…"))
    if live is None:
        message = without_credentials(f"The release catalog could not be loaded. {error}")
        st.error(escape_message(message), icon="⚠️")
        st.markdown(_tried() + "\n\n" + MAKE_A_CATALOG)
        return None
    if error is None:
        st.session_state.pop(REJECTED_CATALOG, None)  # a later break is news again
    elif st.session_state.get(REJECTED_CATALOG) != str(error):
        st.session_state[REJECTED_CATALOG] = str(error)
        st.warning(
            escape_message(
                "A new version of the catalog was rejected, so the last good one is shown. "
                + named_by_file(str(error))
            ),
            icon="⚠️",
        )
    return live


def _tried() -> str:
    where = (
        f"named by `{CATALOG_ENV}`"
        if os.environ.get(CATALOG_ENV)
        else f"the default, as `{CATALOG_ENV}` names none"
    )
    return f"**Tried:** {escape_markdown(without_credentials(catalog_location()), 500)} ({where})."
