"""Pictures in a real Chromium, at a phone's width and a desktop's: the agenda's cards, the
drawer and the Title page load them lazily into a box of fixed size, name them, and show a
plain placeholder where a title has none or its link is broken; axe-core finds nothing
serious. (The payload and the elements' data are tested in test_posters.py.)

The pictures come from a local server (no machine here reaches the internet): a tiny PNG, a
404, and one held back until the test lets it go, to measure the box before and after.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyarrow as pa
import pytest
from browser import (
    BROWSER_TESTS,
    expect_no_serious_violations,
    new_page,
    open_app,
    streamlit_app,
)
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sample import REFERENCE, sample_rows

from calendar_data.catalog import SourceInfo, write_catalog

pytestmark = BROWSER_TESTS

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1400, "height": 1000}}
AGENDA = "/?view=agenda&date=2023-11-01"
TITLE, TITLE_ID = REFERENCE["title"], REFERENCE["title_id"]
#: Which (synthetic) title gets which picture; the others have none.
PICTURES = {TITLE_ID: "/poster.png", "test-title-1": "/missing.png", "test-title-3": "/slow.png"}


def png(width: int = 20, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class Pictures(ThreadingHTTPServer):
    daemon_threads = True
    picture = png()
    held = threading.Event()  # /slow.png is answered once this is set


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path not in ("/poster.png", "/slow.png"):
            self.send_error(404)
            return
        if self.path == "/slow.png":
            self.server.held.wait(timeout=60)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.server.picture)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(self.server.picture)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page closed before its picture arrived

    def log_message(self, *args):
        pass


@contextmanager
def picture_server() -> Iterator[Pictures]:
    server = Pictures(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.held.set()
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def pictures():
    with picture_server() as server:
        yield server


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, pictures):
    """The sample catalog with pictures for three titles, served by the app."""
    base = f"http://127.0.0.1:{pictures.server_address[1]}"
    rows = [
        {**row, "image_url": base + PICTURES[row["title_id"]]}
        if row["title_id"] in PICTURES
        else row
        for row in sample_rows()
    ]
    folder = tmp_path_factory.mktemp("pictures")
    catalog = folder / "catalog.parquet"
    write_catalog(
        pa.Table.from_pylist(rows),
        catalog,
        [SourceInfo("synthetic test data"), SourceInfo("editorial sample")],
    )
    with streamlit_app(catalog, folder / "streamlit.log") as url:
        yield url


@pytest.fixture(params=list(WIDTHS))
def page(request, browser):
    with new_page(browser) as fresh:
        fresh.set_viewport_size(WIDTHS[request.param])
        yield fresh


# ------------------------------------------------------------------ readings


def agenda_card(page: Page, title: str) -> Locator:
    return page.locator("[data-card^='agenda-']").filter(has=page.get_by_text(title, exact=True))


def height(target: Locator) -> float:
    return target.evaluate("e => e.getBoundingClientRect().height")


def expect_a_lazy_named_picture(box: Locator, title: str) -> Locator:
    """``box`` holds the title's picture, lazy and named, loaded and filling the box."""
    picture = box.locator("img")
    expect(picture).to_have_attribute("alt", f"Poster of {title}")
    expect(picture).to_have_attribute("loading", "lazy")
    expect(picture).to_have_attribute("decoding", "async")
    expect(picture).to_have_js_property("naturalWidth", 20)  # loaded
    size = box.bounding_box()
    assert abs(size["height"] - 1.5 * size["width"]) < 1, size  # a poster's 2:3 box
    # Both measured at once: a drawer may still be sliding in.
    offsets = box.evaluate(
        """box => { const p = box.querySelector("img").getBoundingClientRect();
                    const b = box.getBoundingClientRect();
                    return [p.x - b.x, p.y - b.y, p.width - b.width, p.height - b.height]; }"""
    )
    assert all(abs(offset) < 0.5 for offset in offsets), offsets  # the picture fills the box
    return picture


# ------------------------------------------------------------------ the agenda


def test_agenda_cards_show_pictures_in_fixed_boxes_and_placeholders(page, app_url, pictures):
    pictures.held.clear()
    open_app(page, app_url + AGENDA)
    reference = agenda_card(page, TITLE)
    expect(reference).to_be_visible()
    box = reference.locator("[data-poster='card']")
    expect_a_lazy_named_picture(box, TITLE)
    width = box.bounding_box()["width"]
    assert width < 50 if page.viewport_size["width"] < 640 else width > 50  # smaller on a phone

    for title in ("Test Show 1", "Test Show 2"):  # a broken link, and none at all
        card = agenda_card(page, title)
        expect(card.locator("[data-poster='card'].placeholder")).to_have_count(1)
        expect(card.locator("img")).to_have_count(0)
        assert card.locator("[data-poster]").bounding_box()["width"] == width

    # No layout shift: the box and its card keep their heights when the picture arrives.
    held = agenda_card(page, "Test Show 3")
    held.scroll_into_view_if_needed()
    expect(held.locator("img")).to_have_js_property("complete", False)
    before = height(held.locator("[data-poster]")), height(held)
    pictures.held.set()
    expect_a_lazy_named_picture(held.locator("[data-poster]"), "Test Show 3")
    assert (height(held.locator("[data-poster]")), height(held)) == before


def test_clicking_a_picture_opens_its_title(page, app_url):
    open_app(page, app_url + AGENDA)
    agenda_card(page, TITLE).locator("[data-poster]").click()
    expect(page.get_by_role("dialog")).to_contain_text(TITLE)


def test_the_agenda_with_pictures_passes_axe(page, app_url):
    open_app(page, app_url + AGENDA)
    expect_a_lazy_named_picture(agenda_card(page, TITLE).locator("[data-poster]"), TITLE)
    expect_no_serious_violations(page)


# ------------------------------------------------------------------ the drawer and the Title page


def test_the_drawer_shows_the_picture_and_passes_axe(page, app_url):
    open_app(page, f"{app_url}/?date=2023-11-01&id={TITLE_ID}")
    drawer = page.get_by_role("dialog")
    expect_a_lazy_named_picture(drawer.locator("[data-poster='panel']"), TITLE)
    expect_no_serious_violations(page)


def test_the_title_page_shows_the_picture_or_the_placeholder(page, app_url):
    open_app(page, f"{app_url}/title?id={TITLE_ID}")
    expect_a_lazy_named_picture(page.locator("[data-poster='page']"), TITLE)
    expect_no_serious_violations(page)
    open_app(page, f"{app_url}/title?id=test-title-1")  # a broken link
    expect(page.locator("[data-poster='page'].placeholder")).to_be_visible()
    expect(page.locator("[data-poster] img")).to_have_count(0)
