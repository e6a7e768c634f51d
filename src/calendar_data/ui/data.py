"""The live catalog in a script run: a spinner while it loads, and a message when it cannot."""

from __future__ import annotations

import streamlit as st

from ..live import LiveCatalog, current_catalog
from ..text import escape_message


def live_catalog() -> LiveCatalog:
    """The current catalog, or the last good one when a replacement is broken (said once).

    With nothing good to show, the page shows one clear message and stops.
    """
    live, error = current_catalog(waiting=st.spinner("Loading the release catalog…"))
    if live is None:
        st.error(escape_message(f"The release catalog could not be loaded. {error}"), icon="⚠️")
        st.stop()
    if error is not None and st.session_state.get("_rejected") != str(error):
        st.session_state["_rejected"] = str(error)
        st.warning(
            escape_message(
                f"A new version of the catalog was rejected, so the last good one is shown. {error}"
            ),
            icon="⚠️",
        )
    return live
