"""The shared sidebar: filters and time zone, bound to the URL.

Each widget is bound to the query parameter named by its key (``bind="query-params"``), so the
URL always holds the view and survives page changes. The widgets' values are read back in URL
form and parsed by :class:`ReleaseFilter`, the one mapping between URL and filter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import streamlit as st

from ..days import DEFAULT_TIMEZONE, valid_timezone
from ..filters import MULTI_PARAMS, TYPE_LABELS, ReleaseFilter, read_view
from ..schema import KINDS
from ..text import one_line
from .data import LiveCatalog

KIND_LABELS = {
    "movie": "Movies",
    "series": "Series",
    "limited_series": "Limited series",
    "special": "Specials",
}
LABELS = {"service": "Service", "genre": "Genre", "kind": "Kind", "type": "Release type"}
#: Zones to pick from: IANA names less the tz database's aliases that Arrow cannot use.
TIMEZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if zone not in ("Factory", "localtime", "posixrules")
    and not zone.startswith(("posix/", "right/"))
)
OPTION_CHARS = 60


#: The multi-valued filters' values, kept outside the widgets: a session's first run computes
#: widget ids under the entry script's hash and later runs under the page's, so a widget would
#: forget a value that came from the URL. Each multiselect starts from this store.
SELECTED = "_selected_filters"


def adopt_url(live: LiveCatalog) -> list[str]:
    """On a session's first run, take the filters from the URL.

    Returns a notice for each parameter or value the catalog cannot honour.
    """
    if st.session_state.get("_url_adopted"):
        return []
    st.session_state["_url_adopted"] = True
    parsed, notices = read_view(st.query_params, live.known_values())
    st.session_state[SELECTED] = {
        param: list(getattr(parsed, attribute)) for param, attribute in MULTI_PARAMS.items()
    }
    return notices


def filter_sidebar(live: LiveCatalog) -> tuple[ReleaseFilter, str]:
    """Draw the filters; return the filter they describe and the viewer's time zone."""
    with st.sidebar:
        st.header("Filters")
        for param in MULTI_PARAMS:
            _multiselect(live, param)
        st.date_input("From", value=None, key="from", bind="query-params", format="YYYY-MM-DD")
        st.date_input("To", value=None, key="to", bind="query-params", format="YYYY-MM-DD")
        st.text_input(
            "Search",
            key="q",
            bind="query-params",
            max_chars=200,
            placeholder="Title, cast or crew",
        )
        release_filter, _ = ReleaseFilter.from_query_params(_widget_params())
        _write_url(release_filter)
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


def _multiselect(live: LiveCatalog, param: str) -> None:
    counts = dict(live.options[param])
    if param == "region":
        label, help_text = "Region", "Worldwide releases match every region."
    else:
        label, help_text = LABELS[param], None
    names = {"kind": KIND_LABELS, "type": TYPE_LABELS}.get(param, {})
    options = list(counts)
    if param == "kind":
        options = [k for k in KINDS if k in counts]
    labels = _option_labels(options, names, counts)
    selected = st.session_state.setdefault(SELECTED, {}).get(param, [])
    st.multiselect(
        label,
        options,
        # None, not []: Clear filters sets the widget through session state, and Streamlit
        # warns about a widget given both that and a default.
        default=[value for value in selected if value in labels] or None,
        format_func=labels.get,
        key=param,
        on_change=_remember,
        args=(param,),
        placeholder="All",
        help=help_text,
    )


def _remember(param: str) -> None:
    st.session_state[SELECTED][param] = list(st.session_state[param])


def _option_labels(options: list[str], names: dict, counts: dict) -> dict[str, str]:
    """``Netflix (4)``: each option's name on one short printable line, then its count.

    Labels are unique, since the multiselect maps a chosen label back to its value: names
    that differ only past the cut or in invisible characters are numbered.
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for value in options:
        base = f"{one_line(names.get(value, value), OPTION_CHARS)} ({counts.get(value, 0):,})"
        label, number = base, 1
        while label in taken:
            number += 1
            label = f"{base} #{number}"
        taken.add(label)
        labels[value] = label
    return labels


def _widget_params() -> dict[str, list[str]]:
    """The filter widgets' values, in the form they take in the URL."""
    state = st.session_state
    params = {param: list(state.get(param) or []) for param in MULTI_PARAMS}
    for param in ("from", "to"):
        value = state.get(param)
        if isinstance(value, dt.date):
            params[param] = [value.isoformat()]
    if state.get("q"):
        params["q"] = [state["q"]]
    return params


def _write_url(release_filter: ReleaseFilter) -> None:
    """Mirror the multi-valued filters into the URL (dates and search are bound natively).

    They are not bound because a bound multiselect writes its formatted label (with counts),
    not the value, into the URL.
    """
    wanted = release_filter.to_query_params()
    for param in MULTI_PARAMS:
        values = wanted.get(param, [])
        if st.query_params.get_all(param) != values:
            if values:
                st.query_params[param] = values
            else:
                del st.query_params[param]


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
    st.session_state[SELECTED] = {}
    for param in MULTI_PARAMS:
        st.session_state[param] = []
    for param in ("from", "to"):
        st.session_state[param] = None
    st.session_state["q"] = ""
