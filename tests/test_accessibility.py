"""Every page on a phone and for everyone: a phone's width, axe-core and the keyboard alone.

- At 390x844 the calendar opens as the agenda (unless the URL names a view) and no page
  scrolls sideways.
- axe-core (axe-playwright-python bundles it) finds no serious or critical violation on any
  page, at a desktop's width or a phone's, with the title drawer open or not.
- The calendar, its drawers and Browse's table work from the keyboard: Tab to a card, Enter
  opens the drawer, Escape closes it and gives the focus back; Tab goes through the cards of a
  crowded day's "+N more" drawer; Tab into the table, arrows to a row, Shift+Space selects it
  and opens its drawer.

``SCREENSHOTS=1`` also writes the README's phone screenshot of data/catalog.parquet to
docs/screenshots/phone.png (skipped otherwise: it needs a second server).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import (
    BROWSER_TESTS,
    SCREENSHOTS,
    expect_no_serious_violations,
    new_page,
    open_app,
    rerun,
    showcase,
    streamlit_app,
    wait_idle,
)
from playwright.sync_api import Locator, Page, expect
from sample import REFERENCE, log_sample_changes, sample_changes, sample_rows, write_sample

pytestmark = BROWSER_TESTS

PHONE = {"width": 390, "height": 844}
TITLE, TITLE_ID = REFERENCE["title"], REFERENCE["title_id"]
NOVEMBER = "date=2023-11-01"
CROWDED_DAY = "2023-11-20"  # more cards than a month's cell shows
#: Each page, and what shows that it is drawn. Changes lists the change recorded below.
PAGES = {
    "calendar": (f"/?{NOVEMBER}", "[data-card]"),
    "drawer": (f"/?{NOVEMBER}&id={TITLE_ID}", "[role='dialog']"),
    "browse": ("/browse", "[data-testid='stDataFrame']"),
    "title": (f"/title?id={TITLE_ID}", "[data-testid='stDataFrame']"),
    "planner": ("/planner", ".js-plotly-plot"),
    "changes": ("/changes", "[data-testid='stDataFrame']"),
}
AXE = Axe()
#: The focused element, looked for inside shadow roots (the calendar draws in one).
FOCUSED = """() => {
  let e = document.activeElement;
  while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
  return {
    key: e.closest("[class*='st-key-']")?.className.match(/st-key-(\\S+)/)?.[1] ?? null,
    card: e.closest('[data-card]')?.dataset.card ?? null,
    more: e.dataset?.more ?? null,
    grid: e.closest("[data-testid='stDataFrame']") !== null,
    dialog: e.closest("[role='dialog']") !== null,
    tag: e.tagName,
  };
}"""


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app over the sample catalog, with one recorded change: one server per module."""
    folder = tmp_path_factory.mktemp("app")
    catalog = write_sample(folder / "catalog.parquet")
    record_a_moved_date(catalog)
    with streamlit_app(catalog, folder / "streamlit.log") as url:
        yield url


def record_a_moved_date(catalog: str) -> None:
    """Log that the reference title moved to its date from a week later (test data)."""
    rows = sample_rows()
    before = [
        {**row, "release_date": row["release_date"] + dt.timedelta(days=7)}
        if row["title_id"] == TITLE_ID
        else row
        for row in rows
    ]
    log_sample_changes(
        catalog, sample_changes(before, rows, changed_at=dt.datetime(2023, 10, 30, tzinfo=dt.UTC))
    )


@pytest.fixture
def phone(browser):
    """A page at a phone's size, in a session of its own."""
    with new_page(browser) as fresh:
        fresh.set_viewport_size(PHONE)
        yield fresh


# ------------------------------------------------------------------ checks


def open_page(page: Page, url: str, name: str) -> None:
    path, drawn = PAGES[name]
    open_app(page, url + path)
    expect(page.locator(drawn).first).to_be_visible()


def expect_no_sideways_scrolling(page: Page) -> None:
    width, scroll_width = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in a {width}px window"


def expect_headings_in_order(page: Page) -> None:
    """axe-core's ``heading-order``: no heading skips a level below the one before it."""
    results = AXE.run(page, options={"runOnly": ["heading-order"]}).response
    found = [node["html"][:200] for v in results["violations"] for node in v["nodes"]]
    assert not found, f"{page.url}: headings skip a level:\n" + "\n".join(found)


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page: Page, wanted, presses: int = 80) -> dict:
    """Press Tab until the focused element is ``wanted`` (a test of :func:`focused`)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"{presses} presses of Tab never reached it; focus is on {now}")


def view_option(page: Page, name: str) -> Locator:
    return page.locator(".st-key-view").get_by_role("radio", name=name)


# ------------------------------------------------------------------ a phone's width


def test_a_phone_opens_the_calendar_as_the_agenda(phone, app_url):
    open_page(phone, app_url, "calendar")
    expect(phone).to_have_url(re.compile(r"[?&]view=agenda(&|$)"))
    expect(view_option(phone, "Agenda")).to_be_checked()
    expect(phone.locator("[data-card^='agenda-']").first).to_be_visible()
    expect(phone.locator("[data-card^='month-']")).to_have_count(0)
    expect_no_sideways_scrolling(phone)

    # A view picked afterwards stays picked, and the link holds it: a reload keeps the month.
    with rerun(phone):
        view_option(phone, "Month").click()
    expect(phone.locator("[data-card^='month-']").first).to_be_visible()
    expect(view_option(phone, "Month")).to_be_checked()
    expect(phone).to_have_url(re.compile(r"[?&]view=month(&|$)"))
    expect_no_sideways_scrolling(phone)
    phone.reload()
    wait_idle(phone)
    expect(view_option(phone, "Month")).to_be_checked()


def test_a_month_asked_for_stays_a_month_on_a_phone(phone, app_url):
    open_app(phone, f"{app_url}/?view=month&{NOVEMBER}")
    expect(phone.locator("[data-card^='month-']").first).to_be_visible()
    expect(view_option(phone, "Month")).to_be_checked()
    expect(phone.locator("[data-card^='agenda-']")).to_have_count(0)
    expect(phone).to_have_url(re.compile(r"[?&]view=month(&|$)"))  # so a reload keeps it
    expect_no_sideways_scrolling(phone)


def test_a_desktop_opens_the_calendar_as_the_month(page, app_url):
    open_page(page, app_url, "calendar")
    expect(page.locator("[data-card^='month-']").first).to_be_visible()
    expect(view_option(page, "Month")).to_be_checked()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_a_phone_and_passes_axe(phone, app_url, name):
    open_page(phone, app_url, name)
    expect_no_sideways_scrolling(phone)
    expect_no_serious_violations(phone)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_passes_axe_at_a_desktops_width(page, app_url, name):
    open_page(page, app_url, name)
    expect_no_serious_violations(page)


@pytest.mark.parametrize("view", ["month", "agenda"])
def test_the_calendars_headings_go_down_one_level_at_a_time(page, app_url, view):
    open_app(page, f"{app_url}/?view={view}&{NOVEMBER}")
    expect(page.locator(f"[data-card^='{view}-']").first).to_be_visible()
    expect_headings_in_order(page)


def test_the_day_drawers_headings_go_down_one_level_at_a_time(page, app_url):
    open_page(page, app_url, "calendar")
    with rerun(page):
        page.locator("[data-more]").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect_headings_in_order(page)


@pytest.mark.parametrize("name", ["title", "planner", "browse"])
def test_headings_go_down_one_level_at_a_time(page, app_url, name):
    open_page(page, app_url, name)
    expect_headings_in_order(page)


# ------------------------------------------------------------------ the keyboard alone


def test_the_calendar_and_its_drawer_work_from_the_keyboard(page, app_url):
    open_app(page, f"{app_url}/?service=Netflix&{NOVEMBER}")

    # The view control: one Tab stop, arrows move between its options, Enter picks one.
    tab_until(page, lambda now: now["key"] == "view")
    page.keyboard.press("ArrowRight")
    with rerun(page):
        page.keyboard.press("Enter")
    expect(view_option(page, "Week")).to_be_checked()
    with rerun(page):
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
    expect(view_option(page, "Agenda")).to_be_checked()

    card = tab_until(page, lambda now: now["card"] is not None)["card"]
    assert card.startswith("agenda-2023-11-02-")
    with rerun(page):
        page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text(TITLE)
    assert focused(page)["dialog"], "the drawer takes the focus"

    with rerun(page):
        page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"[?&]id="))
    assert focused(page)["card"] == card, "closing the drawer gives the focus back to its card"
    page.keyboard.press("Tab")
    assert focused(page)["card"] not in (None, card), "Tab goes on to the next card"


def test_the_day_drawers_cards_work_from_the_keyboard(page, app_url):
    open_app(page, f"{app_url}/?{NOVEMBER}")
    tab_until(page, lambda now: now["more"] == CROWDED_DAY)
    with rerun(page):
        page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text("Monday 20 November 2023")
    in_drawer = [f"drawer-{CROWDED_DAY}-{n}" for n in range(drawer.locator("[data-card]").count())]
    assert len(in_drawer) > 3, "the crowded day's drawer holds more than its cell shows"

    # Tab goes through every card of the drawer, in order; Shift+Tab goes back.
    reached = [tab_until(page, lambda now: now["card"] is not None)["card"]]
    for _ in in_drawer[1:]:
        page.keyboard.press("Tab")
        reached.append(focused(page)["card"])
    assert reached == in_drawer
    page.keyboard.press("Shift+Tab")
    assert focused(page)["card"] == in_drawer[-2]

    with rerun(page):
        page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert focused(page)["more"] == CROWDED_DAY, "closing the drawer gives the focus back"

    with rerun(page):
        page.keyboard.press("Enter")
    expect(drawer).to_contain_text("Monday 20 November 2023")
    last = tab_until(page, lambda now: now["card"] == in_drawer[-1])
    assert last["dialog"], "the drawer keeps the focus"
    with rerun(page):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]id=test-title-\d+(&|$)"))
    expect(page.get_by_role("dialog")).to_contain_text("Release details")
    # The card that opened it went with the day's drawer: the focus goes back to "+N more".
    with rerun(page):
        page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert focused(page)["more"] == CROWDED_DAY, "the focus is back on the day's '+N more'"


def test_following_from_the_drawer_gives_the_focus_back_to_the_card_it_redrew(page, app_url):
    """Following marks the card (★), which redraws it: Escape finds the card again."""
    open_app(page, f"{app_url}/?service=Netflix&{NOVEMBER}")
    card = tab_until(page, lambda now: (now["card"] or "").startswith("month-2023-11-02-"))
    with rerun(page):
        page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text(TITLE)
    drawer.get_by_role("button", name="Follow").focus()
    with rerun(page):
        page.keyboard.press("Enter")
    expect(drawer.get_by_role("button", name="Unfollow")).to_be_visible()
    with rerun(page):
        page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert focused(page)["card"] == card["card"], "closing the drawer gives the focus back"


def test_browse_rows_open_from_the_keyboard(page, app_url):
    open_app(page, f"{app_url}/browse?service=Netflix")
    tab_until(page, lambda now: now["grid"] and now["tag"] == "CANVAS")
    page.keyboard.press("ArrowDown")
    cell = page.locator("[data-testid^='glide-cell-']:focus")  # the arrows move through cells
    expect(cell).to_have_count(1)
    row = int(cell.get_attribute("data-testid").rsplit("-", 1)[1])
    title = page.get_by_test_id(f"glide-cell-3-{row}").text_content()  # the Title column
    assert title and title.startswith(("Test Show", TITLE))

    with rerun(page):
        page.keyboard.press("Shift+Space")
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text(title)
    expect(page).to_have_url(re.compile(r"[?&]id=test-title-\d+(&|$)"))

    with rerun(page):
        page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert focused(page)["grid"], "closing the drawer leaves the focus in the table"


# ------------------------------------------------------------------ README screenshot


@pytest.fixture(scope="module")
def showcase_url(tmp_path_factory):
    with showcase(tmp_path_factory.mktemp("showcase") / "streamlit.log") as url:
        yield url


def test_phone_screenshot(phone, showcase_url):
    """The README's screenshot of the calendar on a phone, in docs/screenshots/phone.png."""
    open_app(phone, f"{showcase_url}/?{NOVEMBER}")
    expect(phone.locator("[data-card^='agenda-']").first).to_be_visible()
    phone.screenshot(path=SCREENSHOTS / "phone.png")
