"""Mine on a TVmaze import, in a real browser (issue 22: "works ... on a TVmaze import").

The catalog is imported by ``calendar-data import tvmaze`` from the recorded fixtures
(tests/fixtures/tvmaze, served by tests/tvmaze_standin.py); the dashboard is served on it; two
titles on two services are followed from their Title pages, My services is set to one of the
services, and the My calendar link gives exactly the followed titles' releases on it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pyarrow.compute as pc
import pytest
from browser import BROWSER_TESTS, open_app, rerun, served, wait_idle
from icalendar import Calendar
from playwright.sync_api import expect
from test_mine_browser import choose_my_service, expect_followed, open_expander, sidebar
from test_tvmaze import FakeTvmaze
from tvmaze_standin import replaying

from calendar_data.catalog import load_catalog
from calendar_data.cli import main

pytestmark = BROWSER_TESTS

HARBOUR, GLASS = "tvmaze-202", "tvmaze-101"  # on Apple TV+, on Netflix
SERVICE = "Apple TV+"


@pytest.fixture
def imported(tmp_path):
    """The catalog a TVmaze import of the fixtures' week writes."""
    catalog = tmp_path / "catalog.parquet"
    with replaying(FakeTvmaze()) as fake:
        argv = ["import", "tvmaze", "--start", "2025-03-05", "--days", "8", "-o", str(catalog)]
        assert main([*argv, "--base-url", fake.url, "--rate", "100", "--quiet"]) == 0
    return catalog


def test_my_calendar_on_a_tvmaze_import(page, imported, tmp_path):
    table = load_catalog(imported).table
    followed = pc.is_in(table["title_id"], value_set=pc.cast([HARBOUR, GLASS], "string"))
    mine = table.filter(pc.and_(followed, pc.equal(table["service"].cast("string"), SERVICE)))
    wanted = sorted(mine["release_id"].to_pylist())
    assert wanted and len(wanted) < pc.sum(followed).as_py()  # My services leaves some out

    with served(imported, tmp_path / "streamlit.log") as (url, _):
        for title_page, follow in (
            (f"/title?id={HARBOUR}", [HARBOUR]),
            (f"/title?id={GLASS}&follow={HARBOUR}", [HARBOUR, GLASS]),
        ):
            open_app(page, url + title_page)
            with rerun(page):
                page.locator(".st-key-follow_title").get_by_role("button", name="Follow").click()
            expect_followed(page, follow)

        open_expander(page, "My services and region")
        choose_my_service(page, SERVICE)
        open_expander(page, "My calendar")
        ics = sidebar(page).get_by_test_id("stCode").first
        expect(ics).to_contain_text("service=Apple")
        wait_idle(page)
        link = ics.inner_text().strip()
        assert parse_qs(urlsplit(link).query)["follow"] == [f"{HARBOUR},{GLASS}"]
        events = Calendar.from_ical(httpx.get(link).content).walk("VEVENT")
        assert sorted(str(e["UID"]).split("@")[0] for e in events) == wanted
