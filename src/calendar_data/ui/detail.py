"""The title's detail panel: a side drawer opened from a calendar card or a table row.

The open title lives in the URL (``id``), so a copied link reopens the panel; closing the
drawer removes it and leaves the view as it was.
"""

from __future__ import annotations

import pyarrow.compute as pc
import streamlit as st

from .. import describe
from ..text import escape_markdown
from .data import LiveCatalog

RELEASE_KEY = "_open_release"
DAY_KEY = "_open_day"


def open_release(title_id: str, release_id: str) -> None:
    """Card callback: open the panel for one release of a title."""
    st.query_params["id"] = title_id
    st.session_state[RELEASE_KEY] = release_id
    st.session_state.pop(DAY_KEY, None)


def close_panel() -> None:
    if "id" in st.query_params:
        del st.query_params["id"]
    st.session_state.pop(RELEASE_KEY, None)


def title_rows(live: LiveCatalog, title_id: str) -> list[dict]:
    """Every release of a title, oldest first."""
    positions = pc.indices_nonzero(pc.equal(live.table["title_id"], title_id))
    rows = live.rows(positions).to_pylist()
    return sorted(rows, key=lambda r: (r["release_date"] is None, r["release_date"] or 0))


def show_panel(live: LiveCatalog, title_id: str, tz: str) -> None:
    rows = title_rows(live, title_id)
    wanted = st.session_state.get(RELEASE_KEY)
    row = next((r for r in rows if r["release_id"] == wanted), rows[0] if rows else None)
    _panel(row, tz)


@st.dialog("Release details", position="right", width="medium", on_dismiss=close_panel)
def _panel(row: dict | None, tz: str) -> None:
    if row is None:
        st.info("This title is not in the catalog (it may have been filtered out or removed).")
        return
    st.subheader(escape_markdown(row["title"], 200), anchor=False)
    facts = [row["service"], describe.KIND_NAMES.get(row["kind"], row["kind"])]
    facts.append(row["region"] or "Worldwide")
    st.caption(" · ".join(escape_markdown(f, 60) for f in facts))
    st.markdown(f"**{describe.RELEASE_TYPE_NAMES.get(row['release_type'], '')}**")
    lines = [
        ("When", describe.release_time(row, tz)),
        ("Episodes", describe.episodes(row)),
        ("Runtime", describe.runtime(row)),
        ("Status", row["status"].capitalize() if row["status"] != "confirmed" else ""),
    ]
    for label, value in lines:
        if value:
            st.markdown(f"**{label}:** {escape_markdown(value)}")
    if row["synopsis"]:
        st.markdown(escape_markdown(row["synopsis"], 1500))
    cast = describe.cast_lines(row["cast"])[:6]
    if cast:
        st.markdown("**Cast**")
        st.markdown("\n".join(f"- {escape_markdown(line, 120)}" for line in cast))
    st.page_link(
        "pages/title.py",
        label="Open the title page",
        icon=":material/movie:",
        query_params={"id": row["title_id"]},
    )
