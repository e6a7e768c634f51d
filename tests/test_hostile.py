"""A catalog full of attacks (tests/hostile_catalog.py), shown in a real Chromium.

Every page, view and panel is visited; after each step the page must have fired no JS dialog,
hold no injected element, have asked no host but the app's own for anything, and show the
payloads as literal, bounded text. The exports of the same catalog are checked too.

The browser tests take about 50 s in all: each visit is a full page load of the app, and every
page, view and drawer needs one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import hostile_catalog as hostile
import pyarrow.compute as pc
import pytest
from browser import chromium, chromium_missing, new_page, open_app, streamlit_app, wait_idle
from icalendar import Calendar
from playwright.sync_api import Page, expect

from calendar_data import exports
from calendar_data.catalog import load_catalog
from calendar_data.schema import LINK_COLUMNS
from calendar_data.text import one_line

NO_CHROMIUM = chromium_missing()

DAY = hostile.CROWDED_DAY.isoformat()
#: What a payload would have left in the page had it been interpreted.
INJECTED = ", ".join(
    (
        "img[src='x']",
        "img[src*='127.0.0.2']",
        "iframe",
        "[onerror]",
        "[onload]",
        "[data-testid='stApp'] script",
        "a[href^='javascript:' i]",
        "a[href^='data:' i]",
        "a[href^='file:' i]",
        "[data-testid='stMarkdownContainer'] :is(h1, h2):has-text('Heading')",
        "[data-testid='stMarkdownContainer'] table",
        "[data-testid='stMarkdownContainer'] .katex",
    )
)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Longest text a view may show of one catalog string (the Title page's synopsis).
LONGEST_TEXT = 3_000


# ------------------------------------------------------------------ fixtures


@dataclass
class Watched:
    """A page and what it did behind the scenes."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    catalog = hostile.write_hostile(folder / "catalog.parquet")
    with streamlit_app(catalog, folder / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if NO_CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    with chromium() as launched:
        yield launched


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    with new_page(browser) as page:
        seen = Watched(page)

        def on_dialog(dialog) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("request", lambda request: seen.requests.append(request.url))
        yield seen
        assert_inert(seen)


def host_of(url: str) -> str | None:
    """The host a request goes to; a ``blob:`` URL (the calendar component's script) names
    the page that made it."""
    return urlsplit(url.removeprefix("blob:")).hostname


def assert_inert(seen: Watched) -> None:
    """No script ran, nothing was injected, nothing left for a foreign host."""
    page = seen.page
    assert seen.dialogs == [], f"a payload ran script: {seen.dialogs}"
    injected = page.locator(INJECTED).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 200))")
    assert injected == [], f"injected elements: {injected}"
    styles = page.locator("style").evaluate_all("els => els.map(e => e.textContent)")
    assert not [s for s in styles if "display:none !important" in s], "a <style> payload applied"
    foreign = [url for url in seen.requests if host_of(url) not in LOCAL_HOSTS]
    assert foreign == [], f"requests to foreign hosts: {foreign}"
    longest = page.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll('p, h1, h2, h3, li, span, button')]"
        ".filter(e => e.children.length === 0).map(e => e.textContent.length))"
    )
    assert longest <= LONGEST_TEXT + 10, f"a text of {longest:,} characters was shown whole"


def visit(seen: Watched, url: str) -> Page:
    open_app(seen.page, url)
    expect(seen.page.get_by_test_id("stException")).to_have_count(0)
    return seen.page


def cards(scope, view: str):
    return scope.locator(f"[data-card^='{view}-']")


def card_lines(shown) -> list[tuple[str, str]]:
    """Each card button's two lines: its title, and its service and badges."""
    return [tuple(words(line) for line in label.split("\n")) for label in shown.all_inner_texts()]


def card_titles(shown) -> list[str]:
    return [title for title, _ in card_lines(shown)]


# ------------------------------------------------------------------ calendar


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.browser
@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_calendar_cards_show_titles_as_literal_text(watched, app_url, view):
    page = visit(watched, f"{app_url}/?date={DAY}&view={view}")
    shown = cards(page, view).get_by_role("button")
    expect(shown.first).to_be_visible()
    titles = {one_line(row["title"], 80) for row in hostile.hostile_rows()}
    labels = card_titles(shown)
    assert len(labels) >= 3 and set(labels) <= titles, set(labels) - titles
    if view != "month":  # a month cell shows three cards and "+N more"
        for payload in (hostile.HTML[0], hostile.MARKDOWN[1], hostile.STREAMLIT[1]):
            assert payload in labels
    services = tuple(words(one_line(service, 40))[:30] for service in hostile.SERVICES)
    assert all(details.startswith(services) for _, details in card_lines(shown))
    assert "\u202e" not in page.get_by_test_id("stMain").inner_text()


@pytest.mark.browser
def test_undated_list_shows_its_payloads_as_text(watched, app_url):
    page = visit(watched, f"{app_url}/?date={DAY}")
    page.locator(".st-key-tba summary").click()
    wait_idle(page)
    shown = page.locator("[class*='st-key-tba-'] button")
    expect(shown).to_have_count(1)
    label = words(shown.inner_text())
    assert label.startswith(one_line(hostile.PAYLOADS[1], 150)), label
    assert label.endswith(f"expected {hostile.HTML[0]}"), label


@pytest.mark.browser
def test_more_drawer_shows_every_title_as_text(watched, app_url):
    page = visit(watched, f"{app_url}/?date={DAY}")
    page.locator(f"[data-more='{DAY}']").click()
    wait_idle(page)
    shown = cards(page.get_by_role("dialog"), "drawer").get_by_role("button")
    crowded = [r for r in hostile.hostile_rows() if r["release_date"] == hostile.CROWDED_DAY]
    expect(shown).to_have_count(len(crowded))
    labels = set(card_titles(shown))
    assert labels == {one_line(row["title"], 80) for row in crowded}


@pytest.mark.browser
def test_detail_drawer_shows_payloads_as_text(watched, app_url):
    page = visit(watched, f"{app_url}/?date={DAY}&view=week")
    title = re.compile(rf"^{re.escape(hostile.HTML[0])}\s")
    cards(page, "week").get_by_role("button", name=title).first.click()
    wait_idle(page)
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text(f"{hostile.HTML[0]} as {hostile.HTML[1]}")  # the cast
    expect(drawer.locator("h3")).to_have_text(hostile.HTML[0])
    expect(drawer).to_contain_text(hostile.MARKDOWN[1])  # in the synopsis


@pytest.mark.browser
def test_the_huge_release_is_cut_in_the_drawer(watched, app_url):
    page = visit(watched, f"{app_url}/?date={DAY}&id={hostile.HUGE_ID}")
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    heading = drawer.locator("h3").first.inner_text()
    assert heading.startswith("T[x](javascript:alert(13))") and len(heading) <= 200
    assert len(drawer.inner_text()) < 5_000


# ------------------------------------------------------------------ title page


@pytest.mark.browser
def test_title_page_links_are_http_only_and_text_is_literal(watched, app_url):
    page = visit(watched, f"{app_url}/title?id=hostile-0")
    expect(page.locator("h1").first).to_have_text(hostile.HTML[0])
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(hostile.HTML[2])  # the synopsis
    expect(main).to_contain_text(hostile.STREAMLIT[0])
    hrefs = main.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "the http(s) links of the row are shown"
    assert all(re.match(r"https?://127\.0\.0\.(1|2):9/", href) for href in hrefs), hrefs


@pytest.mark.browser
def test_title_page_of_the_huge_release_is_bounded(watched, app_url):
    page = visit(watched, f"{app_url}/title?id={hostile.HUGE_ID}")
    title = page.locator("h1").first.inner_text()
    assert title.startswith("T[x](javascript:alert(13))") and len(title) <= 200
    assert len(page.get_by_test_id("stMain").inner_text()) < 20_000


@pytest.mark.browser
def test_title_page_of_a_hostile_id(watched, app_url):
    page = visit(watched, f"{app_url}/title?id={quote(hostile.HOSTILE_IDS['title_id'])}")
    expect(page.locator("h1").first).to_have_text(hostile.PAYLOADS[1])


# ------------------------------------------------------------------ browse, planner, sidebar


@pytest.mark.browser
def test_browse_table_and_its_csv_export(watched, app_url):
    page = visit(watched, f"{app_url}/browse")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    page.locator(".st-key-export_menu").get_by_role("button").click()  # the download menu
    with page.expect_download() as started:
        page.locator(".st-key-export_csv").get_by_role("link").click()
    body = Path(started.value.path()).read_bytes()
    assert_no_formulas(body)
    assert len(read_csv(body)) == hostile.safe_table().num_rows


@pytest.mark.browser
def test_url_parameters_are_shown_as_text(watched, app_url):
    image = quote(f"![]({hostile.TRACKER})")
    link = quote("[x](javascript:alert(30))")
    page = visit(
        watched, f"{app_url}/browse?q={image}&{image}=1&{link}=2&service={image}&from={link}"
    )
    notices = page.get_by_test_id("stAlertContentInfo")
    expect(notices.filter(has_text="Ignored unknown parameter")).to_have_count(2)
    expect(notices.filter(has_text=hostile.TRACKER)).not_to_have_count(0)
    captions = page.get_by_test_id("stCaptionContainer")
    expect(captions.filter(has_text=hostile.TRACKER)).not_to_have_count(0)


@pytest.mark.browser
def test_planner_labels_and_tooltips_are_text(watched, app_url):
    page = visit(watched, f"{app_url}/planner")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first.locator(".js-plotly-plot")).to_be_visible()
    expect(charts.first).to_contain_text(hostile.HTML[0])  # a service on the heatmap's axis
    box = charts.first.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 5)  # the first service's cell
    tooltip = charts.first.locator(".hoverlayer .hovertext")
    expect(tooltip).to_contain_text("Week of 4 Mar 2024")
    text = tooltip.text_content()
    assert any(text.startswith(one_line(s, 40)) for s in hostile.SERVICES), text


@pytest.mark.browser
def test_sidebar_options_and_credits_are_bounded_text(watched, app_url):
    page = visit(watched, f"{app_url}/?date={DAY}")
    page.locator(".st-key-filters_open summary").click()
    for key in ("service", "genre", "region"):
        page.locator(f".st-key-{key} input").click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        labels = options.all_inner_texts()
        assert all(len(label) < 80 and "\u202e" not in label for label in labels), labels
        page.keyboard.press("Escape")
    page.locator(".st-key-service input").click()
    expect(page.get_by_role("option", name=hostile.STREAMLIT[0], exact=True)).to_have_count(1)
    page.keyboard.press("Escape")

    credits = page.get_by_test_id("stSidebar").get_by_test_id("stCaptionContainer").last
    expect(credits).to_contain_text(f"Catalog: {hostile.HTML[0]} — {hostile.MARKDOWN[0]}")
    assert len(credits.inner_text()) < 1_000


# ------------------------------------------------------------------ without a browser


def test_loading_drops_every_non_http_link_with_a_warning(tmp_path):
    catalog = load_catalog(hostile.write_hostile(tmp_path / "catalog.parquet"))
    for column in LINK_COLUMNS:
        assert any(f"in column {column}" in w for w in catalog.warnings), catalog.warnings
        kept = pc.drop_null(catalog.table[column]).to_pylist()
        assert kept == [hostile.TRICKY_LINKS[column]]
    assert catalog.num_rows == len(hostile.hostile_rows())


def test_exports_of_the_hostile_catalog(tmp_path):
    table = load_catalog(hostile.write_hostile(tmp_path / "catalog.parquet")).table
    body = exports.to_csv(table)
    assert_no_formulas(body)
    rows = read_csv(body)
    assert [r["release_id"] for r in rows] == table["release_id"].to_pylist()

    events = Calendar.from_ical(exports.to_ics(table, hostile.MARKDOWN[0])).walk("VEVENT")
    dated = table.filter(pc.is_valid(table["release_date"]))["release_id"].to_pylist()
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{r}@calendar-data" for r in dated)


def read_csv(body: bytes) -> list[dict]:
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # the megabyte synopsis
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def assert_no_formulas(body: bytes) -> None:
    triggers = tuple("=+-@\t\r\n＝＋－＠")
    for row in read_csv(body):
        for column, cell in row.items():
            assert not cell.startswith(triggers), f"{column} starts a formula: {cell[:40]!r}"


def test_the_app_renders_no_raw_html():
    """No markdown with ``unsafe_allow_html``: raw HTML is where a catalog's text could turn
    into markup, and rendering it loads a 190 KB parser (rehype-raw) into every first paint.
    The calendar page's own style sheet comes from a component instead."""
    root = Path(__file__).resolve().parents[1]
    sources = [root / "app.py", root / "server.py", *(root / "pages").glob("*.py")]
    sources += (root / "src").rglob("*.py")
    raw = [path for path in sources if "unsafe_allow_html" in path.read_text(encoding="utf-8")]
    assert raw == []
