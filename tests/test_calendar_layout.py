"""The calendar's layout in a real Chromium, on a desktop and at a phone's 390x844.

- The "+N more" drawer draws its cards as the calendar does: left-aligned text and a straight
  colour stripe.
- On a phone the month's day cells name their weekday and month ("Mon 30 Oct"), and the page's
  title and controls leave the calendar room in the first screen.
- The calendar's own width decides its layout: beside an open sidebar, a tablet's is a phone's.
"""

from __future__ import annotations

import pytest
from browser import BROWSER_TESTS, new_page, open_app, rerun, streamlit_app
from playwright.sync_api import Locator, Page, expect
from sample import write_sample

pytestmark = BROWSER_TESTS

PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": None, "phone": PHONE}
NOVEMBER = "view=month&date=2023-11-01"
CROWDED_DAY = "2023-11-20"
#: How a card is drawn: its stripe's corner and width, and where its title starts in it.
CARD_LOOK = """card => {
  const style = getComputedStyle(card);
  const title = card.querySelector('.title');
  return {
    corner: style.borderTopLeftRadius,
    stripe: style.borderLeftWidth,
    indent: Math.round(title.getBoundingClientRect().left - card.getBoundingClientRect().left),
    align: getComputedStyle(title).textAlign,
  };
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    with streamlit_app(write_sample(folder / "catalog.parquet"), folder / "streamlit.log") as url:
        yield url


@pytest.fixture(params=SIZES)
def page(request, browser):
    with new_page(browser) as fresh:
        if SIZES[request.param]:
            fresh.set_viewport_size(SIZES[request.param])
        yield fresh


def look(card: Locator) -> dict:
    return card.evaluate(CARD_LOOK)


def open_crowded_day(page: Page) -> Locator:
    more = page.locator(f"[data-more='{CROWDED_DAY}']")
    more.scroll_into_view_if_needed()
    with rerun(page):
        more.click()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text("Monday 20 November 2023")
    return drawer


def test_the_day_drawers_cards_look_like_the_calendars(page, app_url):
    open_app(page, f"{app_url}/?{NOVEMBER}")
    in_calendar = page.locator(f"[data-day='{CROWDED_DAY}'] [data-card]").first
    expected = look(in_calendar)
    assert expected["corner"] == "0px" and expected["align"] in ("left", "start")

    drawer_cards = open_crowded_day(page).locator("[data-card]")
    expect(drawer_cards).to_have_count(5)
    for index in range(5):
        assert look(drawer_cards.nth(index)) == expected


@pytest.mark.parametrize(("view", "wide"), [("month", "2"), ("week", "Thu 2")])
def test_a_phones_day_cells_name_their_weekday_and_month(page, app_url, view, wide):
    open_app(page, f"{app_url}/?view={view}&date=2023-11-02")
    label = page.locator("[data-day='2023-11-02'] .label")
    on_a_phone = page.viewport_size == PHONE
    expect(label).to_have_js_property("innerText", "Thu 2 Nov" if on_a_phone else wide)


@pytest.mark.parametrize("url", ["/", "/?date=2023-11-01"])
def test_on_a_phone_the_calendar_starts_in_the_top_of_the_first_screen(browser, app_url, url):
    with new_page(browser) as phone:
        phone.set_viewport_size(PHONE)
        open_app(phone, app_url + url)
        calendar = phone.locator(".st-key-calendar_grid")
        expect(calendar.locator("[data-card]").first).to_be_visible()
        top = calendar.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
        assert top <= PHONE["height"] * 0.4, f"the calendar starts {top:.0f}px down the page"


@pytest.mark.parametrize(("width", "columns"), [(1400, 7), (1310, 1), (1200, 1), (900, 1)])
def test_the_month_is_laid_out_for_the_calendars_width_not_the_screens(
    browser, app_url, width, columns
):
    """At 900 px the open sidebar leaves the calendar under 500 px, at 1200 px about 740 px,
    at 1310 px about 850 px: seven columns of it broke titles inside words ("The Gil ded Age",
    "Scaveng ers")."""
    with new_page(browser) as wide:
        wide.set_viewport_size({"width": width, "height": 1000})
        open_app(wide, f"{app_url}/?{NOVEMBER}")
        expect(wide.get_by_test_id("stSidebar")).to_be_visible()
        grid = wide.locator(".st-key-calendar_grid .calendar")
        expect(grid.locator("[data-card]").first).to_be_visible()
        tracks = grid.evaluate("e => getComputedStyle(e).gridTemplateColumns.split(' ').length")
        assert tracks == columns
        # The view control's last option is not cut off by its column (it was, at 900 px).
        column = wide.locator("[data-testid='stColumn']").filter(has=wide.locator(".st-key-view"))
        box = column.bounding_box()
        option = wide.locator(".st-key-view").get_by_role("radio", name="agenda").bounding_box()
        assert option["x"] + option["width"] <= box["x"] + box["width"]
