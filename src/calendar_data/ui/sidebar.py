"""The shared sidebar: the Filters panel (filters and time zone), bound to the URL.

Each input is bound to the query parameter named by its key (``bind="query-params"``), so the
URL always holds the view, survives page changes and reopens it; the inputs are drawn whenever
the URL names one (:func:`filter_sidebar`). Their values are read back in URL form and parsed
by :class:`ReleaseFilter`, the one mapping between URL and filter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Collection
from typing import NoReturn

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from ..days import DEFAULT_TIMEZONE, valid_timezone, zone_names
from ..filters import (
    MAX_VALUES,
    TYPE_LABELS,
    ReleaseFilter,
    last_param,
    page_param_notices,
    read_view,
    repeated_param_notices,
)
from ..live import LiveCatalog
from ..mine import settings_in_link
from ..params import (
    ARRIVED_SINCE,
    FILTERS_KEPT_OPEN,
    FILTERS_OPEN,
    FROM,
    GENRE,
    KIND,
    KNOWN_PARAMS,
    MULTI_PARAMS,
    MY_REGION,
    MY_SERVICE,
    ONE_VALUE_PARAMS,
    PANEL_PARAMS,
    QUERY,
    REGION,
    SERVICE,
    TIMEZONE,
    TO,
    TYPE,
    URL_FILTERS_READ,
    URL_NOTICES,
    URL_NOTICES_SAID,
)
from ..regions import COUNTRIES
from ..schema import KIND_NAMES, KINDS
from ..text import escape_markdown, one_line
from .date_picker import date_picker

LABELS = {
    SERVICE: "Service",
    GENRE: "Genre",
    KIND: "Kind",
    TYPE: "Release type",
    REGION: "Region",
}
REGION_HELP = "Worldwide releases match every region."
TIMEZONES = sorted(zone_names())  # the zones to pick from
OPTION_CHARS = 60
HELP_COUNTS = 12  # values whose release counts a filter's help lists


def url_notices(live: LiveCatalog, rerun: Callable[[], NoReturn]) -> list[str]:
    """A notice for each part of the URL this catalog cannot honour, each given once.

    Bound widgets drop the values they do not offer from the URL themselves; parameters the
    dashboard does not know, and bad values of the pages' own parameters, are removed here, and
    a parameter of one value given several keeps its last (as the export links read it).
    Filters and my settings the URL spells otherwise than they are read (a service in another
    case, a backwards range) are written back as read before they first bind to the URL; the
    widgets read them in a ``rerun`` (of this run's page), which shows this run's notices.
    A session's first link opens the Filters panel if it names a filter or a zone.
    """
    said = st.session_state.pop(URL_NOTICES, [])
    if URL_FILTERS_READ not in st.session_state:  # a link naming a filter opens the filters
        st.session_state[FILTERS_KEPT_OPEN] = _url_names_a_panel_input()
    known = live.known_values()
    release_filter, notices = read_view(st.query_params, known, live.records_arrivals)
    mine, more = settings_in_link(st.query_params, known.get(SERVICE, ()))
    bad = page_param_notices(st.query_params)
    repeated = repeated_param_notices(st.query_params)
    for param in list(st.query_params):
        with contextlib.suppress(StreamlitAPIException):  # bound: its widget settles it
            if param not in KNOWN_PARAMS or param in bad:
                del st.query_params[param]
            elif param in ONE_VALUE_PARAMS and len(st.query_params.get_all(param)) > 1:
                st.query_params[param] = last_param(st.query_params, param)  # said if unalike
    notices = list(dict.fromkeys([*said, *repeated.values(), *notices, *more]))
    st.session_state[URL_NOTICES_SAID] = notices
    if URL_FILTERS_READ not in st.session_state:  # once a session: then the filters bind
        st.session_state[URL_FILTERS_READ] = True
        if _rewrite_filters({**release_filter.to_query_params(), **mine.link_params()}) or repeated:
            _repeat_url_notices()
            rerun()
    return notices


def say_with_url_notices(url: list[str], more: list[str]) -> list[str]:
    """This run's notices about the URL (:func:`url_notices`), then ``more`` (about the
    settings the device remembered, which arrive in a run the app asked for), once each: all
    said again, as the URL's are, until the viewer acts."""
    said = list(dict.fromkeys([*url, *more]))
    st.session_state[URL_NOTICES_SAID] = said
    return said


def keeps_url_notices(callback: Callable[..., None]) -> Callable[..., None]:
    """Mark the callback of a run the app asks for itself, not the viewer (the screen's width,
    the device's stored settings and its word that it drew them), or that changes no view
    (the Filters panel opened): that run says this run's notices about the URL again, which
    the viewer has not had time to read, or means to act on."""

    @functools.wraps(callback)
    def saying_them_again(*args, **kwargs) -> None:
        _repeat_url_notices()
        callback(*args, **kwargs)

    return saying_them_again


def _repeat_url_notices() -> None:
    """Say this run's notices about the URL again in the next run: once the URL is repaired,
    they are not found again."""
    st.session_state[URL_NOTICES] = st.session_state.get(URL_NOTICES_SAID, [])


def _rewrite_filters(wanted: dict[str, list[str]]) -> bool:
    """Write the filters and my settings into the URL as they were read (``wanted``); whether
    that changed the URL. Only before their widgets bind to it (a bound parameter cannot be
    set)."""
    changed = False
    for param in (*MULTI_PARAMS, FROM, TO, ARRIVED_SINCE, MY_SERVICE, MY_REGION):
        if st.query_params.get_all(param) == wanted.get(param, []):
            continue
        changed = True
        if param in wanted:
            st.query_params[param] = wanted[param]
        else:
            del st.query_params[param]
    return changed


def filter_sidebar(live: LiveCatalog) -> tuple[ReleaseFilter, str, DeltaGenerator]:
    """Draw the Filters panel; return the filter it describes, the viewer's time zone and the
    place of the match count (:func:`show_matches`, once Mine has narrowed the filter).

    The panel's inputs are drawn on demand (:func:`drawn_on_demand`): a view without filters
    has nothing for them to hold. The panel opens on a link naming a filter or a zone.
    """
    st.session_state[FILTERS_OPEN] = st.session_state.get(FILTERS_KEPT_OPEN, False)
    with st.sidebar:
        panel = st.expander(
            "Filters and time zone", key=FILTERS_OPEN, on_change=_keep_the_panel_as_left
        )
        count = st.empty()
    if not drawn_on_demand(panel.open, PANEL_PARAMS):
        return ReleaseFilter(), _browser_timezone(), count
    with panel:
        release_filter = _filters(live)
        tz = _timezone_picker()
        st.button(
            "Clear filters",
            key="clear_filters",
            on_click=_clear,
            disabled=release_filter.is_empty,
            icon=":material/filter_alt_off:",
        )
    return release_filter, tz, count


@keeps_url_notices  # opening the panel changes no view: what was said about the URL stands
def _keep_the_panel_as_left() -> None:
    st.session_state[FILTERS_KEPT_OPEN] = st.session_state[FILTERS_OPEN]


def _url_names_a_panel_input() -> bool:
    return any(param in st.query_params for param in PANEL_PARAMS)


def drawn_on_demand(is_open: bool, params: Collection[str], setting: Collection[str] = ()) -> bool:
    """Whether to draw the inputs bound to ``params`` (their keys): while their section
    ``is_open``, while the URL names one (a bound input keeps its parameter only while it is
    drawn), or in a run ``setting`` one. Drawn, their code slows every new session's first
    paint (benchmarks/RESULTS.md).

    Not drawn, their values are dropped: Streamlit keeps a bound input's value and writes it
    back into the URL once the input is drawn again, so one the browser's Back took out of
    the URL would come back when the section opens."""
    if is_open or any(param in st.query_params or param in setting for param in params):
        return True
    for param in params:
        st.session_state.pop(param, None)
    return False


def _filters(live: LiveCatalog) -> ReleaseFilter:
    """The filters' inputs, and the filter they describe."""
    chosen = {field: _multiselect(live, param) for param, field in MULTI_PARAMS.items()}
    dates = [(FROM, "From"), (TO, "To")]
    if live.records_arrivals:
        dates.append((ARRIVED_SINCE, "Arrived since"))
    start, end, *arrived = (date_picker(label, param) for param, label in dates)
    query = st.text_input(
        "Search",
        key=QUERY,
        bind="query-params",
        max_chars=200,
        placeholder="Title, cast or crew",
    )
    release_filter, _ = ReleaseFilter.from_values(
        **chosen, start=start, end=end, query=query, arrived_since=next(iter(arrived), None)
    )
    return release_filter


def show_matches(
    count: DeltaGenerator, live: LiveCatalog, release_filter: ReleaseFilter, tz: str
) -> None:
    """How many releases the view shows, of all the catalog's, in the place kept for it."""
    matches = len(live.select(release_filter, tz))
    count.markdown(f"**{matches:,}** of {live.table.num_rows:,} releases match")


def _multiselect(live: LiveCatalog, param: str) -> list[str]:
    """A filter's multiselect, bound to its URL parameter: the catalog's values, most common
    first (a region: then every other country).

    A bound widget writes its options' labels into the URL, so each label is the value
    itself (made one short printable line); the release counts go in the help.
    """
    counts = dict(live.options[param])
    options = [k for k in KINDS if k in counts] if param == KIND else list(counts)
    if param == REGION:  # any country, as in a link: its worldwide releases match
        options += [code for code in COUNTRIES if code not in counts]
    labels = _option_labels(options)
    return st.multiselect(
        LABELS[param],
        options,
        format_func=labels.get,
        key=param,
        bind="query-params",
        placeholder="All",
        help=_counts_help(param, counts),
        max_selections=MAX_VALUES,
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
    names = {KIND: KIND_NAMES, TYPE: TYPE_LABELS}.get(param, {})
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
    note = [REGION_HELP] if param == REGION else []
    return "  \n".join([*note, "Releases in this catalog:", *lines])


def _timezone_picker() -> str:
    """The zone the viewer or the URL picked, else the browser's.

    Nothing is picked by default: a bound widget drops a value equal to its default from the
    URL, so a link naming the viewer's own zone would lose it, and its view, once shared.
    """
    browser = _browser_timezone()
    chosen = st.selectbox(
        "Time zone",
        TIMEZONES,
        index=None,
        key=TIMEZONE,
        bind="query-params",
        placeholder=browser,
        help="Timed releases land on this zone's day. Date-only releases keep their date. "
        "Until one is picked, the browser's zone.",
    )
    return valid_timezone(chosen) or browser


def _browser_timezone() -> str:
    return valid_timezone(st.context.timezone) or DEFAULT_TIMEZONE


def set_filters(values: dict[str, list[str] | dt.date]) -> None:
    """Set filters from a callback (a chart's click; values by parameter) and open the panel
    that shows them. No values, nothing changes.

    Inputs drawn in the last run take the values, and write them into the URL; inputs not
    drawn then would not (an input drawn anew does not write a value it was given), so the
    values go into the URL too, where those inputs read them once drawn.
    """
    if not values:
        return
    st.session_state.update(values)
    st.session_state[FILTERS_KEPT_OPEN] = True
    for param, value in values.items():
        with contextlib.suppress(StreamlitAPIException):  # bound: its input writes it
            st.query_params[param] = value.isoformat() if isinstance(value, dt.date) else value


def _clear() -> None:
    for param in MULTI_PARAMS:
        st.session_state[param] = []
    for param in (FROM, TO, ARRIVED_SINCE):
        st.session_state[param] = None
    st.session_state[QUERY] = ""
