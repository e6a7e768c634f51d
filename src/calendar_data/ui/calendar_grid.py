"""The month, week and agenda views, drawn by one browser component instead of hundreds of
Streamlit elements.

A month drawn with Streamlit elements was about 300 of them (a container, a heading and
buttons per day), and Chromium spent 0.6-1 s of script time on every filter change turning
them into React components. The component gets the days as data (``grid.calendar_payload``)
and draws them in a few milliseconds. A click on a card or on "+N more" comes back as a
trigger value and opens the same drawers a button would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from ..palette import PALETTE
from .detail import DAY_KEY, open_release

GRID_KEY = "calendar_grid"
_ASSETS = Path(__file__).parent / "assets"


def _css() -> str:
    stripes = (
        f".svc-{slot} {{ border-left-color: {colour}; }}" for slot, colour in enumerate(PALETTE)
    )
    return (_ASSETS / "calendar.css").read_text(encoding="utf-8") + "\n".join(stripes)


_CALENDAR = st.components.v2.component(
    "calendar_data.calendar",
    css=_css(),
    js=(_ASSETS / "calendar.js").read_text(encoding="utf-8"),
)


def draw_calendar(payload: dict) -> None:
    """Draw the days of ``payload`` (see :func:`calendar_data.grid.calendar_payload`)."""
    _CALENDAR(
        key=GRID_KEY, data=payload, on_open_change=_card_clicked, on_more_change=_more_clicked
    )


def _card_clicked() -> None:
    match st.session_state[GRID_KEY]["open"]:  # from the browser: checked, not trusted
        case [str() as title_id, str() as release_id]:
            open_release(title_id, release_id)


def _more_clicked() -> None:
    try:
        st.session_state[DAY_KEY] = dt.date.fromisoformat(st.session_state[GRID_KEY]["more"])
    except (TypeError, ValueError):
        pass  # not a day: nothing to open
