"""Browse and Planner at a phone's size (390x844) and a desktop's, over the embedded catalog.

- Browse's table starts on the first screen: its downloads are one menu on one row, which the
  table's toolbar does not cover, and the files still download from it.
- The Planner's charts are readable: tick labels do not pile up, no toolbar covers the colour
  scale or the cells, the timeline's bars get most of the width and its titles are whole.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import BROWSER_TESTS, VIEWPORT, new_page, open_app, streamlit_app
from playwright.sync_api import Browser, Page, expect

pytestmark = BROWSER_TESTS

EMBEDDED = Path(__file__).resolve().parents[1] / "data" / "catalog.parquet"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": VIEWPORT}
#: The table's header and this many rows must show on the first screen.
ROWS_SEEN = 5
ROW_PX = 35
ONE_ROW_PX = 48


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app over a copy of the embedded catalog (real titles, long names, four months)."""
    folder = tmp_path_factory.mktemp("app")
    catalog = shutil.copy(EMBEDDED, folder / "catalog.parquet")
    with streamlit_app(catalog, folder / "streamlit.log") as url:
        yield url


@contextmanager
def sized(browser: Browser, size: str) -> Iterator[Page]:
    with new_page(browser) as page:
        page.set_viewport_size(SIZES[size])
        yield page


def overlap(a: dict, b: dict) -> bool:
    """Whether two bounding boxes share any area."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# ------------------------------------------------------------------ browse


@pytest.mark.parametrize("size", SIZES)
def test_browse_shows_its_table_on_the_first_screen(browser, app_url, size):
    with sized(browser, size) as page:
        open_app(page, f"{app_url}/browse")
        table = page.get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
        top = table.bounding_box()["y"]
        assert top + (1 + ROWS_SEEN) * ROW_PX <= SIZES[size]["height"], f"the table starts at {top}"

        downloads = page.locator("[class*='st-key-export_']").filter(visible=True)
        boxes = [downloads.nth(i).bounding_box() for i in range(downloads.count())]
        assert boxes, "no download control is shown"
        assert max(b["y"] + b["height"] for b in boxes) - min(b["y"] for b in boxes) <= ONE_ROW_PX

        table.hover()  # shows the table's toolbar, just above its top right corner
        toolbar = page.get_by_test_id("stElementToolbar").filter(visible=True).first
        expect(toolbar).to_be_visible()
        for i in range(downloads.count()):
            assert not overlap(toolbar.bounding_box(), downloads.nth(i).bounding_box())


def test_on_a_touch_phone_the_tables_toolbar_leaves_the_menus_free(browser, app_url):
    """A touch screen shows the table's toolbar at all times, above its top right corner."""
    context = browser.new_context(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        open_app(page, f"{app_url}/browse")
        toolbar = page.get_by_test_id("stElementToolbar").filter(visible=True).first
        expect(toolbar).to_be_visible()
        menus = page.locator(".st-key-export_menu, .st-key-follow_menu").filter(visible=True)
        expect(menus).to_have_count(2)
        for i in range(2):
            assert not overlap(toolbar.bounding_box(), menus.nth(i).bounding_box())
    finally:
        context.close()


def test_browse_downloads_from_its_menu_on_a_phone(browser, app_url):
    with sized(browser, "phone") as page:
        open_app(page, f"{app_url}/browse?service=Netflix")
        count = re.search(r"([\d,]+) releases match", page.get_by_test_id("stMain").inner_text())
        page.locator(".st-key-export_menu").get_by_role("button").click()
        with page.expect_download() as started:
            page.locator(".st-key-export_csv").get_by_role("link").click()
        body = Path(started.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(body, newline="")))
        assert len(rows) == int(count.group(1).replace(",", ""))
        assert {row["service"] for row in rows} == {"Netflix"}


# ------------------------------------------------------------------ planner


def boxes(scope, selector: str) -> list[dict]:
    found = scope.locator(selector).filter(visible=True)
    return [found.nth(i).bounding_box() for i in range(found.count())]


def expect_apart(found: list[dict], what: str) -> None:
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert not overlap(a, b), f"{what} overlap: {a} and {b}"


def expect_inside(inner: dict, outer: dict, what: str) -> None:
    assert (
        outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
    ), f"{what} is cut: {inner} sticks out of {outer}"


def planner_charts(page: Page, url: str):
    open_app(page, f"{url}/planner")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    for i in range(2):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
    return charts.nth(0), charts.nth(1)


@pytest.mark.parametrize("size", SIZES)
def test_the_planners_heatmap_is_readable(browser, app_url, size):
    with sized(browser, size) as page:
        heatmap, _ = planner_charts(page, app_url)
        heatmap.scroll_into_view_if_needed()
        heatmap.hover()  # a toolbar, if any, shows on hover
        chart = heatmap.bounding_box()
        weeks = boxes(heatmap, ".xtick text")
        assert len(weeks) >= 3, "too few weeks are named"
        expect_apart(weeks, "week labels")
        for week in weeks:
            expect_inside(week, chart, "a week label")
        cells = boxes(heatmap, ".nsewdrag")[0]
        scale = boxes(heatmap, ".colorbar")
        assert scale, "the colour scale is not shown"
        assert not overlap(scale[0], cells), "the colour scale covers the cells"
        for toolbar in boxes(heatmap, ".modebar"):
            assert not overlap(toolbar, scale[0]), "the toolbar covers the colour scale"
            assert not overlap(toolbar, cells), "the toolbar covers the cells"


@pytest.mark.parametrize("size", SIZES)
def test_the_planners_season_timeline_is_readable(browser, app_url, size):
    with sized(browser, size) as page:
        _, timeline = planner_charts(page, app_url)
        timeline.scroll_into_view_if_needed()
        chart = timeline.bounding_box()
        bars = boxes(timeline, ".nsewdrag")[0]
        assert bars["width"] >= 0.75 * chart["width"], "the bars get too little of the width"
        titles = boxes(timeline, ".annotation-text")
        assert len(titles) > 10
        expect_apart(titles, "season titles")
        for title in titles:
            expect_inside(title, chart, "a season title")
        labels = timeline.locator(".annotation-text").evaluate_all(
            "texts => texts.map(text => text.textContent)"
        )
        assert "The Continental: From the World of John Wick · S1" in labels
        assert {"Echo · S1 · Disney+", "Echo · S1 · Hulu"} <= set(labels)
