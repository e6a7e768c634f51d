"""The dashboard's state in the URL, under AppTest: which parameters it knows, how it reads
and repairs a link, and the notices it gives (once) for what it cannot honour."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest
from test_app import calendar_payload, click_in_calendar, param, run_app

from calendar_data.params import KNOWN_PARAMS
from calendar_data.ui import downloads

PAGES = ["pages/calendar.py", "pages/browse.py", "pages/title.py", "pages/planner.py"]


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def bound_keys(at: AppTest) -> set[str]:
    """The URL parameters the widgets drawn in this run are bound to."""
    keys = set()
    for node in [*walk(at.main), *walk(at.sidebar)]:
        proto = getattr(node, "proto", None)
        fields = getattr(getattr(proto, "DESCRIPTOR", None), "fields_by_name", {})
        if "query_param_key" in fields and proto.HasField("query_param_key"):
            keys.add(proto.query_param_key)
    return keys


def notices(at: AppTest) -> list[str]:
    return [i.value.replace("\\", "") for i in at.info]


# ------------------------------------------------------------------ the parameters it knows


def test_the_widget_tree_finds_a_bound_widgets_parameter():
    def script():
        import streamlit as st

        st.text_input("Anything", key="unheard_of", bind="query-params")

    at = AppTest.from_function(script).run()
    assert bound_keys(at) == {"unheard_of"}


def test_every_url_bound_widget_is_a_known_parameter(catalog):
    """The dashboard removes unknown parameters from the URL: a bound widget whose key is not
    in calendar_data.params would lose its value on every run."""
    at = run_app(date="2023-11-01")
    card = next(c for d in calendar_payload(at)["days"] for c in d["cards"])
    click_in_calendar(at, "open", [card["title_id"], card["release_id"]])  # and its drawer
    found = bound_keys(at)
    for page in [*PAGES[1:], "pages/changes.py"]:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        found |= bound_keys(at)
    assert {"service", "from", "q", "tz", "view", "date", "since"} <= found
    assert found <= KNOWN_PARAMS, found - KNOWN_PARAMS


# ------------------------------------------------------------------ a link read and repaired


def test_a_backwards_range_is_swapped_in_the_url_and_said_once(catalog):
    at = run_app(**{"from": "2023-11-30", "to": "2023-11-01"}, date="2023-11-01")
    swapped = "The date range was backwards; its ends were swapped."
    assert notices(at).count(swapped) == 1
    assert (param(at, "from"), param(at, "to")) == (["2023-11-01"], ["2023-11-30"])
    assert at.date_input(key="from").value == dt.date(2023, 11, 1)
    assert at.date_input(key="to").value == dt.date(2023, 11, 30)
    at.run()
    assert swapped not in notices(at)
    assert (param(at, "from"), param(at, "to")) == (["2023-11-01"], ["2023-11-30"])


def test_names_match_whatever_their_case_and_the_url_takes_the_catalogs(catalog):
    at = run_app(service=["netflix", "MAX"], genre="drama", date="2023-11-01")
    assert at.multiselect(key="service").value == ["Netflix", "Max"]
    assert at.multiselect(key="genre").value == ["Drama"]
    assert param(at, "service") == ["Netflix", "Max"] and param(at, "genre") == ["Drama"]
    assert not notices(at)


def test_a_name_the_catalog_lacks_suggests_the_closest(catalog):
    at = run_app(service="Netflx", date="2023-11-01")
    assert "Ignored service 'Netflx': not in this catalog. Did you mean 'Netflix'?" in notices(at)
    assert at.multiselect(key="service").value == []


def test_an_export_link_matches_names_whatever_their_case(catalog, monkeypatch):
    monkeypatch.setattr(downloads, "_routes_mounted", False)
    route = next(r for r in downloads.export_routes() if r.path == "/export.csv")

    def rows(query: bytes) -> list[str]:
        scope = {"type": "http", "method": "GET", "path": route.path, "headers": []}
        response = route.endpoint(Request({**scope, "query_string": query}))
        assert response.status_code == 200, response.body
        return response.body.decode("utf-8-sig").splitlines()

    assert rows(b"service=netflix&genre=DRAMA") == rows(b"service=Netflix&genre=Drama")


@pytest.mark.parametrize(
    ("name", "value", "notice"),
    [
        ("date", "foo", "Ignored date='foo': not a date (YYYY-MM-DD)."),
        ("date", "2023-13-01", "Ignored date='2023-13-01': not a date (YYYY-MM-DD)."),
        ("date", "99999-01-01", "Ignored date='99999-01-01': not a date (YYYY-MM-DD)."),
        ("date", "1850-01-01", "Ignored date='1850-01-01': outside 1900-01-01 to 2199-12-31."),
        ("view", "year", "Ignored view='year': not one of month, week, agenda."),
    ],
)
def test_a_bad_calendar_parameter_gets_a_notice_once(catalog, name, value, notice):
    at = run_app(**{name: value})
    assert notice in notices(at)
    assert name not in at.query_params
    at.run()
    assert notice not in notices(at)
