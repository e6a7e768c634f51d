"""The dashboard in a real Chromium: cards, the detail drawer, the URL, pages and downloads.

Widgets are located by key (Streamlit turns a key into the CSS class ``st-key-<key>``). The
calendar is one component: its day cells carry ``data-day="<day>"`` and its cards
``data-card="<view>-<day>-<n>"``, the "+N more" drawer's too (view ``drawer``).
``SCREENSHOTS=1`` also writes the README's screenshots of data/catalog.parquet to
docs/screenshots (skipped otherwise: it needs a second server).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest
from browser import (
    BROWSER_TESTS,
    SCREENSHOTS,
    VIEWPORT,
    new_page,
    open_app,
    rerun,
    showcase,
    skip_unless_screenshots,
    streamlit_app,
    wait_idle,
)
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect
from sample import (
    REFERENCE,
    edited_sample_rows,
    log_sample_changes,
    sample_changes,
    sample_rows,
    write_sample,
)

from calendar_data import feeds
from calendar_data.schema import COLUMN_NAMES

pytestmark = BROWSER_TESTS

NOVEMBER = "from=2023-11-01&to=2023-11-30"
NETFLIX_NOVEMBER = f"service=Netflix&{NOVEMBER}"
TITLE = REFERENCE["title"]
TITLE_ID = REFERENCE["title_id"]
CROWDED_DAY = "2023-11-20"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app serving the sample catalog (tests/sample.py): one server per module."""
    folder = tmp_path_factory.mktemp("app")
    with streamlit_app(write_sample(folder / "catalog.parquet"), folder / "streamlit.log") as url:
        yield url


# ------------------------------------------------------------------ locators and readings


def day_cell(page: Page, day: str) -> Locator:
    return page.locator(f"[data-day='{day}']")


def cards(scope: Page | Locator, view: str = "month") -> Locator:
    return scope.locator(f"[data-card^='{view}-']")


def card_keys(page: Page, view: str) -> list[str]:
    """The key of every card of a view on the page, in page order."""
    return cards(page, view).evaluate_all("els => els.map(e => e.dataset.card)")


def selected(page: Page, key: str) -> Locator:
    """The tags of a multiselect's chosen values (labelled ``Netflix (4)``)."""
    return page.locator(f".st-key-{key} [aria-label='Selected values'] [data-tag]")


def value_of(page: Page, key: str) -> str:
    return page.locator(f".st-key-{key} input").first.input_value()


def date_field(page: Page) -> Locator:
    """The calendar's date field, in its "Go to date" popover (opened)."""
    page.locator(".st-key-go_to_date").get_by_role("button").click()
    field = page.locator(".st-key-date input")
    expect(field).to_be_visible()
    return field


def click(page: Page, target: Locator) -> None:
    """Click something that reruns the app, and wait for that run to finish."""
    with rerun(page):
        target.click()


def choose(page: Page, key: str, option: str) -> None:
    """Add an option to a multiselect (its label starts with ``option``) and close the menu."""
    page.locator(f".st-key-{key} input").click()
    with rerun(page):
        page.get_by_role("option", name=re.compile(rf"^{re.escape(option)}\b")).click()
        page.keyboard.press("Escape")


def navigate(page: Page, name: str) -> None:
    """Switch pages through the sidebar menu. A page switch can remount the app rather than
    flip its run state, so wait for the URL to change, then for the app to idle."""
    before = page.url
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(lambda url: url != before)
    wait_idle(page)


def expect_no_error(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)


def expect_netflix_november(page: Page) -> None:
    """The filters of ``NETFLIX_NOVEMBER`` are still in the URL and in the sidebar."""
    for param in NETFLIX_NOVEMBER.split("&"):
        expect(page).to_have_url(re.compile(rf"[?&]{re.escape(param)}(&|$)"))
    expect(selected(page, "service")).to_have_text([re.compile(r"^Netflix")])


def netflix_november() -> list[dict]:
    return [
        row
        for row in sample_rows()
        if row["service"] == "Netflix"
        and row["release_date"]
        and dt.date(2023, 11, 1) <= row["release_date"] <= dt.date(2023, 11, 30)
    ]


# ------------------------------------------------------------------ calendar and drawer


def test_card_opens_drawer_and_the_url_follows(page, app_url):
    open_app(page, f"{app_url}/?{NETFLIX_NOVEMBER}&date=2023-11-01")

    card = cards(day_cell(page, "2023-11-02")).filter(has_text=TITLE)
    expect(card).to_have_count(1)
    expect(card.locator(".title")).to_have_text(TITLE)
    expect(card.locator(".details")).to_have_text("Netflix · Full drop · S1 E1-E4 · 4 episodes")

    click(page, card.get_by_role("button", name=TITLE))
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text(TITLE)
    expect(drawer).to_contain_text("Mark Ruffalo as Daniel LeBlanc")
    expect(drawer).to_contain_text("S1 E1-E4 · 4 episodes")
    expect(page).to_have_url(re.compile(rf"[?&]id={TITLE_ID}(&|$)"))
    expect_netflix_november(page)

    click(page, drawer.get_by_role("button", name="Close"))
    expect(drawer).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"[?&]id="))
    expect_netflix_november(page)


def test_calendar_works_from_the_keyboard_and_names_its_days(page, app_url):
    open_app(page, f"{app_url}/?{NETFLIX_NOVEMBER}&date=2023-11-01")
    cell = page.get_by_role("group", name="Thursday 2 November 2023")
    expect(cell).to_have_attribute("data-day", "2023-11-02")
    cell.get_by_role("button", name=TITLE).focus()
    with rerun(page):
        page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_contain_text("Mark Ruffalo as Daniel LeBlanc")


def test_crowded_day_more_button_lists_every_release(page, app_url):
    open_app(page, f"{app_url}/?{NOVEMBER}&date=2023-11-01")
    crowded = [r["title"] for r in sample_rows() if str(r["release_date"]) == CROWDED_DAY]
    cell = day_cell(page, CROWDED_DAY)
    expect(cards(cell)).to_have_count(3)

    click(page, cell.get_by_role("button", name=f"+{len(crowded) - 3} more"))
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("Monday 20 November 2023")
    expect(cards(drawer, "drawer")).to_have_count(len(crowded))
    for title in crowded:
        expect(cards(drawer, "drawer").filter(has_text=title)).to_have_count(1)

    click(page, cards(drawer, "drawer").filter(has_text=crowded[-1]).get_by_role("button"))
    expect(page).to_have_url(re.compile(r"[?&]id=test-title-\d+(&|$)"))
    expect(page.get_by_role("dialog")).to_contain_text("Release details")
    expect(page.get_by_role("dialog")).to_contain_text(crowded[-1])


# ------------------------------------------------------------------ filters and the URL


def test_filter_change_updates_url_and_calendar(page, app_url):
    open_app(page, f"{app_url}/?{NETFLIX_NOVEMBER}&date=2023-11-01")
    expect(cards(day_cell(page, CROWDED_DAY))).to_have_count(0)

    choose(page, "service", "Max")
    expect(page).to_have_url(re.compile(r"[?&]service=Max(&|$)"))
    assert "service=Netflix" in page.url
    expect(cards(day_cell(page, CROWDED_DAY)).filter(has_text="Max")).to_have_count(3)
    expect(cards(day_cell(page, "2023-11-02")).filter(has_text=TITLE)).to_have_count(1)

    page.locator(".st-key-q input").fill("Ruffalo")
    with rerun(page):
        page.locator(".st-key-q input").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=Ruffalo(&|$)"))
    expect(cards(page)).to_have_count(1)
    expect(cards(page)).to_contain_text(TITLE)


def test_clear_filters_as_the_first_interaction_empties_the_url(page, app_url):
    """A session's first run is drawn under the entry script and the next under the page, so
    widgets change ids once: the first click must still count, and the URL follow."""
    open_app(page, f"{app_url}/?{NETFLIX_NOVEMBER}&q=light&date=2023-11-01")
    click(page, page.locator(".st-key-clear_filters").get_by_role("button"))
    expect(page).not_to_have_url(re.compile(r"[?&](service|from|to|q)="))
    expect(selected(page, "service")).to_have_count(0)
    expect(cards(day_cell(page, CROWDED_DAY))).not_to_have_count(0)


def test_reloading_the_url_restores_the_view(page, app_url):
    open_app(page, f"{app_url}/?{NOVEMBER}&date=2023-11-01")
    choose(page, "service", "Max")
    expect(page).to_have_url(re.compile(r"[?&]service=Max(&|$)"))
    click(page, page.locator(".st-key-view").get_by_role("radio", name="Week"))
    expect(page).to_have_url(re.compile(r"[?&]view=week(&|$)"))
    expect(cards(page, "week")).not_to_have_count(0)
    url, keys = page.url, card_keys(page, "week")
    widgets = {key: value_of(page, key) for key in ("from", "to", "q", "tz")}

    page.reload()
    wait_idle(page)
    assert page.url == url
    expect(cards(page, "week")).to_have_count(len(keys))
    assert card_keys(page, "week") == keys
    assert {key: value_of(page, key) for key in widgets} == widgets
    expect(date_field(page)).to_have_value("2023-11-01")
    expect(selected(page, "service")).to_have_text([re.compile(r"^Max")])
    expect(page.locator(".st-key-view").get_by_role("radio", name="Week")).to_be_checked()


def test_go_to_date_moves_the_calendar_and_the_url(page, app_url):
    open_app(page, f"{app_url}/?date=2023-11-01")
    date_field(page)
    page.locator(".st-key-date").get_by_role("spinbutton").first.focus()
    page.keyboard.type("20231215")  # the field's picker follows to December...
    with rerun(page):  # ...and a day picked in it is the date
        page.get_by_role("grid", name="December 2023").get_by_text("15", exact=True).click()
    expect(page.get_by_role("heading", name="December 2023", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]date=2023-12-15(&|$)"))


def test_go_to_date_works_from_the_keyboard(page, app_url):
    """Streamlit draws a popover's body at the end of the page: opened from the keyboard, the
    focus moves into the field instead of staying on the button, before every card."""
    open_app(page, f"{app_url}/?date=2023-11-01")
    page.locator(".st-key-next button").focus()
    page.keyboard.press("Tab")
    expect(page.locator(".st-key-go_to_date button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("spinbutton", name="year, Date")).to_be_focused()
    page.keyboard.type("20231215")
    with rerun(page):  # out of the field (to its picker's button, then a day): it takes the date
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
    expect(page.get_by_role("heading", name="December 2023", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]date=2023-12-15(&|$)"))


def test_filters_survive_page_changes(page, app_url):
    open_app(page, f"{app_url}/?{NETFLIX_NOVEMBER}&date=2023-11-01")
    for name, path in (("Browse", "/browse"), ("Planner", "/planner"), ("Title", "/title")):
        navigate(page, name)
        expect(page).to_have_url(re.compile(rf"{re.escape(app_url + path)}\?"))
        expect_no_error(page)
        expect_netflix_november(page)

    navigate(page, "Calendar")
    expect(page).to_have_url(re.compile(rf"{re.escape(app_url)}/\?"))
    expect_netflix_november(page)
    expect(cards(day_cell(page, "2023-11-02")).filter(has_text=TITLE)).to_have_count(1)


def test_the_filters_open_on_a_click_stay_open_and_hold_a_choice_once_closed(page, app_url):
    """An unfiltered view draws the filters' inputs once their panel is opened; the panel
    stays as the viewer left it over page changes, and a filter chosen in it stays (in the
    URL, over a page change) while it is closed."""
    open_app(page, f"{app_url}/?date=2023-11-01")
    matches = page.get_by_test_id("stSidebar").get_by_text(re.compile("releases match$"))
    expect(matches).to_have_text("20 of 20 releases match")
    expect(page.locator(".st-key-service")).to_have_count(0)
    panel = page.locator(".st-key-filters_open summary")
    click(page, panel)
    choose(page, "service", "Max")
    expect(page).to_have_url(re.compile(r"[?&]service=Max(&|$)"))
    navigate(page, "Browse")
    expect(page.locator(".st-key-service input")).to_be_visible()

    click(page, panel)
    expect(page.locator(".st-key-service")).to_be_hidden()
    navigate(page, "Calendar")
    expect(page).to_have_url(re.compile(rf"{re.escape(app_url)}/\?service=Max(&|$)"))
    expect(page.locator(".st-key-service")).to_be_hidden()
    expect(matches).not_to_have_text("20 of 20 releases match")

    click(page, panel)
    click(page, page.locator(".st-key-clear_filters").get_by_role("button"))
    expect(page).not_to_have_url(re.compile(r"[?&]service="))
    expect(page.locator(".st-key-service input")).to_be_visible()  # the panel stays open
    expect(matches).to_have_text("20 of 20 releases match")


def test_each_tab_is_named_for_its_page_or_its_title(page, app_url):
    """Tabs, bookmarks and the history tell the pages apart (each said only the app's name)."""
    open_app(page, f"{app_url}/?{NOVEMBER}")
    expect(page).to_have_title("Calendar · Streaming release calendar")
    navigate(page, "Browse")
    expect(page).to_have_title("Browse · Streaming release calendar")
    open_app(page, f"{app_url}/title?id={TITLE_ID}")
    expect(page).to_have_title(f"{TITLE} · Streaming release calendar")


# ------------------------------------------------------------------ browse downloads


def download(page: Page, key: str, role: str = "link") -> tuple[str, bytes]:
    """Click the export ``key`` (a link to the export routes, or a download button when the
    routes are not mounted) and read the file the browser saves."""
    open_downloads(page)
    with page.expect_download() as started:
        page.locator(f".st-key-{key}").get_by_role(role).click()
    done = started.value
    return done.suggested_filename, Path(done.path()).read_bytes()


def open_downloads(page: Page) -> None:
    """Open Browse's download menu, unless it is open."""
    if not page.locator(".st-key-export_csv").is_visible():
        page.locator(".st-key-export_menu").get_by_role("button").click()
    expect(page.locator(".st-key-export_csv")).to_be_visible()


def test_browse_downloads_the_filtered_rows(page, app_url):
    expect_browse_downloads(page, app_url, "link")
    expected = {row["release_id"] for row in netflix_november()}
    feed_link = page.locator(".st-key-export_atom").get_by_role("link")
    answer = page.request.get(urljoin(app_url, feed_link.get_attribute("href")))
    assert answer.ok and answer.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(answer.body())
    entries = feed.findall(f"{{{feeds.ATOM}}}entry")
    ids = {entry.findtext(f"{{{feeds.ATOM}}}id") for entry in entries}
    assert ids == {feeds.release_entry_id(release_id) for release_id in expected}


def test_plain_streamlit_run_downloads_through_buttons(page, tmp_path):
    """Served as ``streamlit run app.py``, without the export routes, the same view's buttons
    make the same files on click."""
    catalog = write_sample(tmp_path / "catalog.parquet")
    with streamlit_app(catalog, tmp_path / "streamlit.log", script="app.py") as url:
        expect_browse_downloads(page, url, "button")


def expect_browse_downloads(page: Page, app_url: str, role: str) -> None:
    open_app(page, f"{app_url}/browse?{NETFLIX_NOVEMBER}")
    expected = {row["release_id"] for row in netflix_november()}
    expect(page.get_by_test_id("stMain")).to_contain_text(f"{len(expected)} releases match")

    name, body = download(page, "export_csv", role)
    assert name == "releases_netflix_2023-11.csv"
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(COLUMN_NAMES)
    assert sorted(r["release_id"] for r in rows) == sorted(expected)
    assert {r["service"] for r in rows} == {"Netflix"}

    name, body = download(page, "export_ics", role)
    assert name == "releases_netflix_2023-11.ics"
    events = Calendar.from_ical(body).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{r}@calendar-data" for r in expected)

    name, body = download(page, "export_json", role)
    assert name == "releases_netflix_2023-11.json"
    assert sorted(row["release_id"] for row in json.loads(body)) == sorted(expected)


# ------------------------------------------------------------------ planner


def test_planner_shows_its_charts(page, app_url):
    open_app(page, f"{app_url}/planner?{NOVEMBER}")
    expect_no_error(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_be_visible()
    expect(chart.locator(".js-plotly-plot")).to_be_visible()


def test_a_planner_click_with_the_filters_closed_narrows_the_view_and_its_url(page, app_url):
    """The panel's inputs, not drawn before the click, took its values but left them out of
    the URL: a reload or a shared link lost them."""
    open_app(page, f"{app_url}/planner")
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    box = plot.locator(".point").first.bounding_box()
    with rerun(page):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for param in ("service", "from", "to"):
        expect(page).to_have_url(re.compile(rf"[?&]{param}=[^&]+"))
    expect(page.locator(".st-key-service input")).to_be_visible()  # the panel opened
    url, chosen = page.url, selected(page, "service").all_inner_texts()
    assert len(chosen) == 1
    page.reload()
    wait_idle(page)
    assert page.url == url
    expect(selected(page, "service")).to_have_text(chosen)


# ------------------------------------------------------------------ README screenshots


@pytest.fixture(scope="module")
def showcase_url(tmp_path_factory):
    with showcase(tmp_path_factory.mktemp("showcase") / "streamlit.log") as url:
        yield url


def test_screenshots(page, showcase_url):
    """The README's screenshots of each page, at the viewport size, in docs/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        expect_no_error(page)
        page.screenshot(path=SCREENSHOTS / f"{name}.png")

    open_app(page, f"{showcase_url}/?date=2023-11-01")
    expect(cards(page)).not_to_have_count(0)
    shoot("calendar")

    click(page, cards(day_cell(page, "2023-11-02")).get_by_role("button", name=TITLE))
    expect(page.get_by_role("dialog")).to_contain_text(TITLE)
    shoot("drawer")

    open_app(page, f"{showcase_url}/browse?{NOVEMBER}")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    shoot("browse")

    open_app(page, f"{showcase_url}/title?id={TITLE_ID}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    shoot("title")

    open_app(page, f"{showcase_url}/planner")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    shoot("planner")

    assert page.viewport_size == VIEWPORT


def test_changes_screenshot(page, tmp_path):
    """The README's screenshot of the Changes page, over the test catalog's synthetic edits
    (the embedded catalog has no change log: nothing has rebuilt it over an older one)."""
    skip_unless_screenshots()
    catalog = write_sample(tmp_path / "catalog.parquet")
    at = dt.datetime(2023, 10, 30, 9, tzinfo=dt.UTC)
    log_sample_changes(catalog, sample_changes(sample_rows(), edited_sample_rows(), at))
    with streamlit_app(catalog, tmp_path / "streamlit.log") as url:
        open_app(page, f"{url}/changes")
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        expect_no_error(page)
        page.screenshot(path=SCREENSHOTS / "changes.png")


# ------------------------------------------------------------------ a server's first request


def test_a_deep_link_as_a_servers_first_request(browser, tmp_path):
    """Before its first st.navigation call a server routes by the pages/ folder and runs the
    page without app.py; the page must recover the shared frame, filters included."""
    catalog = write_sample(tmp_path / "catalog.parquet")
    with streamlit_app(catalog, tmp_path / "streamlit.log") as url, new_page(browser) as page:
        open_app(page, f"{url}/browse?{NETFLIX_NOVEMBER}")
        expect_no_error(page)
        expect(page.get_by_role("heading", name="Browse releases")).to_be_visible()
        expect_netflix_november(page)
        expect(page.get_by_text("4 releases match")).to_be_visible()
