"""The app's date pickers: bound to their URL parameter, empty by default, and open to every
date a catalog can hold (Streamlit's default is the ten years around today, and a date in the
URL outside them would be dropped, with the view it asked for)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ..catalog import EARLIEST, LATEST


def date_picker(label: str, key: str, where=st, help: str | None = None) -> dt.date | None:
    """A date picker bound to the URL parameter ``key``, drawn in ``where`` (a container)."""
    return where.date_input(
        label,
        value=None,
        key=key,
        bind="query-params",
        format="YYYY-MM-DD",
        min_value=EARLIEST,
        max_value=LATEST,
        help=help,
    )
