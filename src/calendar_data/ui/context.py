"""What app.py works out on every run (catalog, filter, zone), handed to the page scripts."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..filters import ReleaseFilter
from .data import LiveCatalog

_KEY = "_view_context"


@dataclass(frozen=True)
class ViewContext:
    live: LiveCatalog
    release_filter: ReleaseFilter
    tz: str


def set_current(context: ViewContext) -> None:
    st.session_state[_KEY] = context


def current() -> ViewContext:
    return st.session_state[_KEY]
