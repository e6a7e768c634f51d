"""A title's picture in the drawer and on the Title page: lazy-loaded in a box of fixed size,
named for screen readers, and a plain placeholder when the catalog has none or the link fails.

``st.image`` loads at once, keeps its space only once loaded and shows a broken image on a bad
link, so the picture is a small component sharing the agenda cards' code (assets/poster.js).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..posters import poster

_ASSETS = Path(__file__).parent / "assets"

_POSTER = st.components.v2.component(
    "calendar_data.poster",
    css=(_ASSETS / "poster.css").read_text(encoding="utf-8"),
    js="\n".join(
        (_ASSETS / name).read_text(encoding="utf-8") for name in ("poster.js", "poster_element.js")
    ),
)


def show_poster(row: dict, size: str, key: str) -> None:
    """The picture of ``row``'s title (its ``image_url``) in a box of ``size``: ``panel`` in the
    drawer, ``page`` in the Title page's column (assets/poster.css)."""
    _POSTER(key=key, data={**poster(row["title"], row["image_url"]), "size": size})
