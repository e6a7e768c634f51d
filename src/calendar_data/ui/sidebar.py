"""The shared sidebar: filters and time zone, bound to the URL.

Each widget is bound to the query parameter named by its key (``bind="query-params"``), so the
URL always holds the view, survives page changes and reopens it. The widgets' values are read
back in URL form and parsed by :class:`ReleaseFilter`, the one mapping between URL and filter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import streamlit as st

from ..days import DEFAULT_TIMEZONE, valid_timezone
from ..filters import KNOWN_PARAMS, MULTI_PARAMS, TYPE_LABELS, ReleaseFilter, read_view
from ..live import LiveCatalog
from ..schema import KIND_NAMES, KINDS
from ..text import escape_markdown, one_line

LABELS = {
    "service": "Service",
    "genre": "Genre",
    "kind": "Kind",
    "type": "Release type",
    "region": "Region",
}
REGION_HELP = "Worldwide releases match every region."
#: Zones to pick from: IANA names less the tz database's aliases that Arrow cannot use.
TIMEZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if zone not in ("Factory", "localtime", "posixrules")
    and not zone.startswith(("posix/", "right/"))
)
OPTION_CHARS = 60
HELP_COUNTS = 12  # values whose release counts a filter's help lists


def url_notices(live: LiveCatalog) -> list[str]:
    """A notice for each part of the URL this catalog cannot honour, and the URL cleaned.

    Bound widgets drop values they do not offer from the URL themselves; parameters the
    dashboard does not know are removed here, so each notice is given once.
    """
    _, notices = read_view(st.query_params, live.known_values())
    for param in list(st.query_params):
        if param not in KNOWN_PARAMS:
            del st.query_params[param]
    return notices


def filter_sidebar(live: LiveCatalog) -> tuple[ReleaseFilter, str]:
    """Draw the filters; return the filter they describe and the viewer's time zone."""
    with st.sidebar:
        st.header("Filters")
        params = {param: _multiselect(live, param) for param in MULTI_PARAMS}
        dates = [("from", "From"), ("to", "To")]
        if live.table["first_seen"].null_count < live.table.num_rows:  # a refreshed catalog
            dates.append(("arrived_since", "Arrived since"))
        for param, label in dates:
            day = st.date_input(
                label, value=None, key=param, bind="query-params", format="YYYY-MM-DD"
            )
            params[param] = [day.isoformat()] if isinstance(day, dt.date) else []
        query = st.text_input(
            "Search",
            key="q",
            bind="query-params",
            max_chars=200,
            placeholder="Title, cast or crew",
        )
        params["q"] = [query] if query else []
        release_filter, _ = ReleaseFilter.from_query_params(params)
        tz = _timezone_picker()
        matches = len(live.select(release_filter, tz))
        st.markdown(f"**{matches:,}** of {live.table.num_rows:,} releases match")
        st.button(
            "Clear filters",
            key="clear_filters",
            on_click=_clear,
            disabled=release_filter.is_empty,
            icon=":material/filter_alt_off:",
        )
    return release_filter, tz


def _multiselect(live: LiveCatalog, param: str) -> list[str]:
    """A filter's multiselect, bound to its URL parameter.

    A bound widget writes its options' labels into the URL, so each label is the value
    itself (made one short printable line); the release counts go in the help.
    """
    counts = dict(live.options[param])
    options = [k for k in KINDS if k in counts] if param == "kind" else list(counts)
    labels = _option_labels(options)
    return st.multiselect(
        LABELS[param],
        options,
        format_func=labels.get,
        key=param,
        bind="query-params",
        placeholder="All",
        help=_counts_help(param, counts),
    )


def _option_labels(options: list[str]) -> dict[str, str]:
    """Each option's label: its value on one short printable line (the value itself, for any
    ordinary value, so URLs read as they always have).

    Labels are unique, since the multiselect maps a chosen label back to its value: values
    that differ only past the cut or in invisible characters are numbered.
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for value in options:
        base = one_line(value, OPTION_CHARS)
        label, number = base, 1
        while label in taken:
            number += 1
            label = f"{base} #{number}"
        taken.add(label)
        labels[value] = label
    return labels


def _counts_help(param: str, counts: dict[str, int]) -> str:
    """The most common values with their release counts (and names, for kinds and types)."""
    names = {"kind": KIND_NAMES, "type": TYPE_LABELS}.get(param, {})
    shown = list(counts.items())[:HELP_COUNTS]  # most common first
    lines = [
        f"{escape_markdown(one_line(value, OPTION_CHARS))}"
        + (f" ({escape_markdown(names[value])})" if value in names else "")
        + f": {count:,}"
        for value, count in shown
    ]
    more = len(counts) - len(shown)
    if more:
        lines.append(f"and {more:,} more")
    note = [REGION_HELP] if param == "region" else []
    return "  \n".join([*note, "Releases in this catalog:", *lines])


def _timezone_picker() -> str:
    browser = valid_timezone(st.context.timezone) or DEFAULT_TIMEZONE
    chosen = st.selectbox(
        "Time zone",
        TIMEZONES,
        index=TIMEZONES.index(browser) if browser in TIMEZONES else None,
        key="tz",
        bind="query-params",
        help="Timed releases land on this zone's day. Date-only releases keep their date.",
    )
    return valid_timezone(chosen) or DEFAULT_TIMEZONE


def _clear() -> None:
    for param in MULTI_PARAMS:
        st.session_state[param] = []
    for param in ("from", "to", "arrived_since"):
        st.session_state[param] = None
    st.session_state["q"] = ""
