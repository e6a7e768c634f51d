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
VIEW_KEY = "view"  # the calendar page's view control, bound to ?view=
_FOLLOWED_KEY = "_view_followed_width"
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


def may_follow_width() -> bool:
    """Whether the view may follow the screen's width this run: on the session's first
    calendar only, and only when the URL names no view (``?view=month`` stays a month on a
    phone, and a view picked later stays picked).

    Call it before the view control, which drops a default ``view`` from the URL.
    """
    first = _FOLLOWED_KEY not in st.session_state
    st.session_state[_FOLLOWED_KEY] = True
    return first and VIEW_KEY not in st.query_params


def draw_calendar(payload: dict, follow_width: bool = False) -> None:
    """Draw the days of ``payload`` (see :func:`calendar_data.grid.calendar_payload`).

    With ``follow_width`` a month drawn on a phone's screen asks for the agenda: the server
    cannot know the width, so the browser tells (calendar.js) and :func:`_narrow_screen`
    switches the view, which the URL then records.
    """
    _CALENDAR(
        key=GRID_KEY,
        data={**payload, "fit": follow_width and payload["view"] == "month"},
        on_open_change=_card_clicked,
        on_more_change=_more_clicked,
        on_narrow_change=_narrow_screen,
    )


def _narrow_screen() -> None:
    st.session_state[VIEW_KEY] = "agenda"


def _card_clicked() -> None:
    match st.session_state[GRID_KEY]["open"]:  # from the browser: checked, not trusted
        case [str() as title_id, str() as release_id]:
            open_release(title_id, release_id)


def _more_clicked() -> None:
    try:
        st.session_state[DAY_KEY] = dt.date.fromisoformat(st.session_state[GRID_KEY]["more"])
    except (TypeError, ValueError):
        pass  # not a day: nothing to open
