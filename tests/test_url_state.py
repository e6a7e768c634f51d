"""The dashboard's state in the URL, under AppTest: which parameters it knows, how it reads
and repairs a link, and the notices it gives (once) for what it cannot honour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest
from test_app import (
    APP,
    calendar_cards,
    calendar_payload,
    click_in_calendar,
    open_filters,
    param,
    run_app,
)

from calendar_data import routes
from calendar_data.params import KNOWN_PARAMS, MY_SERVICES_OPEN, PANEL_REQUEST

REPO = Path(__file__).resolve().parents[1]

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
    at = open_filters(run_app(date="2023-11-01"))
    at.session_state[MY_SERVICES_OPEN] = True  # Mine's inputs too
    at.run()
    card = next(c for d in calendar_payload(at)["days"] for c in d["cards"])
    click_in_calendar(at, "open", [card["title_id"], card["release_id"]])  # and its drawer
    found = bound_keys(at)
    for page in [*PAGES[1:], "pages/changes.py"]:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        found |= bound_keys(at)
    drawn = {"service", "from", "q", "tz", "view", "date", "since", "my_service", "my_region"}
    assert drawn <= found
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


def test_a_link_naming_the_viewers_own_zone_keeps_naming_it(catalog):
    """Shared on, the link must still hold the zone its view was drawn in."""
    at = run_app(tz="UTC", date="2023-11-01")  # AppTest's browser has no zone: UTC is its own
    assert param(at, "tz") == ["UTC"]
    assert at.selectbox(key="tz").value == "UTC"


def test_no_zone_in_the_url_is_the_browsers_and_the_url_stays_without_one(catalog):
    at = open_filters(run_app(date="2023-11-01"))
    assert param(at, "tz") == []
    assert at.selectbox(key="tz").value is None
    assert any(c.value.endswith("days in UTC") for c in at.caption)


def test_a_region_no_release_names_is_kept_as_the_export_routes_keep_it(catalog):
    """Worldwide releases match every country, on the page as in its export links."""
    at = run_app(region="fr", date="2023-11-01")
    assert at.multiselect(key="region").value == ["FR"]
    assert param(at, "region") == ["FR"]
    assert not notices(at)


def test_an_export_link_matches_names_whatever_their_case(catalog, monkeypatch):
    monkeypatch.setattr(routes, "_mounted", False)
    route = next(r for r in routes.export_routes() if r.path == "/export.csv")

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


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("view", ["week", "agenda"]),
        ("date", ["2023-11-01", "2023-12-01"]),
        ("tz", ["Asia/Tokyo", "Europe/Paris"]),
        ("q", ["loki", "ahsoka"]),
    ],
)
def test_a_parameter_of_one_value_given_twice_uses_the_last_and_says_so_once(
    catalog, name, values
):
    """The view and the date took the first value, the zone and the export links the last,
    and nothing was said: the last counts everywhere now, and the URL keeps it alone."""
    at = run_app(**{name: values})
    notice = f"The link gives {name} more than once; only the last, '{values[-1]}', is read."
    assert notice in notices(at)
    assert param(at, name) == [values[-1]]
    at.run()
    assert notice not in notices(at)
    assert param(at, name) == [values[-1]]


@pytest.mark.parametrize(("name", "value"), [("date", "2023-11-01"), ("q", "loki")])
def test_a_parameter_of_one_value_given_twice_alike_is_kept_once_without_a_notice(
    catalog, name, value
):
    """The same value twice was left in the URL, which every shared link then repeated."""
    at = run_app(**{name: [value, value]})
    assert not any("more than once" in notice for notice in notices(at))
    assert param(at, name) == [value]


# ------------------------------------------------------------------ the open release


@pytest.fixture
def embedded(monkeypatch):
    """The catalog the repository ships (data/catalog.parquet), with Loki's second season."""
    monkeypatch.setenv("CALENDAR_CATALOG", str(REPO / "data" / "catalog.parquet"))


def drawer_text(at: AppTest) -> str:
    (drawer,) = at.get("dialog")
    return "\n".join(m.value for m in drawer.get("markdown")).replace("\\", "")


def test_the_url_names_the_open_release_and_a_link_reopens_it(embedded):
    at = run_app(service="Disney+", date="2023-11-01")
    finale = next(c for c in calendar_cards(at) if c.title == "Loki" and c.day == "2023-11-10")
    click_in_calendar(at, "open", [finale.title_id, finale.release_id])
    assert (param(at, "id"), param(at, "release")) == (["loki"], ["loki-s2e6"])
    assert "S2 E6" in drawer_text(at)

    link = run_app(service="Disney+", date="2023-11-01", id="loki", release="loki-s2e6")
    assert "S2 E6" in drawer_text(link) and "10 Nov 2023" in drawer_text(link)


def test_a_link_naming_only_the_title_opens_its_first_release(embedded):
    at = run_app(service="Disney+", date="2023-11-01", id="loki")
    assert "S2 E1" in drawer_text(at) and "6 Oct 2023" in drawer_text(at)


def test_closing_the_drawer_takes_the_title_and_release_out_of_the_url(embedded):
    at = run_app(service="Disney+", date="2023-11-01", id="loki", release="loki-s2e6")
    at.session_state[PANEL_REQUEST] = None  # as the drawer's dismissal (close_panel) does
    at.run()
    assert not at.get("dialog")
    assert "id" not in at.query_params and "release" not in at.query_params


# ------------------------------------------------------------------ no catalog


def test_a_missing_catalog_says_what_was_tried_and_how_to_make_one(tmp_path, monkeypatch):
    missing = tmp_path / "tvmaze.parquet"
    monkeypatch.setenv("CALENDAR_CATALOG", str(missing))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1 and "no such file or folder" in at.error[0].value
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert f"Tried: {missing} (named by `CALENDAR_CATALOG`)" in shown.replace("**", "")
    assert "calendar-data build data/releases.csv -o data/catalog.parquet" in shown
    assert "calendar-data import tvmaze" in shown
    at.switch_page("pages/browse.py").run()  # the sidebar's pages are still declared
    assert not at.exception and "calendar-data import tvmaze" in at.markdown[0].value


def test_a_catalog_uri_with_credentials_is_shown_without_them(monkeypatch):
    monkeypatch.setenv("CALENDAR_CATALOG", "https://reader:s3cr3t@127.0.0.1:9/catalog.parquet")
    at = AppTest.from_file(APP, default_timeout=30).run()
    shown = "\n".join([e.value for e in at.error] + [m.value for m in at.markdown])
    assert "s3cr3t" not in shown and "reader" not in shown
    assert "https://***@127.0.0.1:9/catalog.parquet" in shown.replace("\\", "")


# ------------------------------------------------------------------ the period shown


def period_headings(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def test_a_range_outside_the_opening_month_moves_the_calendar_to_its_first_month(catalog):
    at = run_app(**{"from": "2023-12-01"})
    assert "December 2023" in period_headings(at)
    at.button(key="next").click().run()
    assert "January 2024" in period_headings(at)


def test_setting_from_in_the_sidebar_moves_the_calendar(catalog):
    at = open_filters(run_app())
    assert "November 2023" in period_headings(at)
    at.date_input(key="from").set_value(dt.date(2023, 12, 1)).run()
    assert "December 2023" in period_headings(at)
    assert "Test Movie" in [c.title for c in calendar_cards(at)]


def test_a_range_that_meets_the_month_or_a_date_in_the_url_keeps_it(catalog):
    assert "November 2023" in period_headings(run_app(**{"from": "2023-11-20"}))
    assert "October 2023" in period_headings(run_app(**{"from": "2023-12-01"}, date="2023-10-01"))


def test_an_empty_month_says_the_catalogs_span_and_goes_to_the_nearest_releases(catalog):
    at = run_app(date="2099-06-15", service="Netflix")
    (empty,) = [n for n in notices(at) if n.startswith("No releases match")]
    assert "This catalog covers 2 November 2023 to 5 December 2023." in empty
    assert "The nearest release that matches is on 13 November 2023." in empty
    at.button(key="nearest_releases").click().run()
    assert "November 2023" in period_headings(at)
    assert "Test Show 12" in [c.title for c in calendar_cards(at)]


def test_an_empty_month_of_filters_that_match_nothing_offers_no_month(catalog):
    at = run_app(date="2023-11-01", q="zzzz no such words")
    assert any("Clear some filters" in n for n in notices(at))
    assert not [b for b in at.button if b.key == "nearest_releases"]
