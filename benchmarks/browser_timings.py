"""What a viewer waits for, in a real Chromium driven by Playwright against ``streamlit run``,
and what the server process holds in memory (VmRSS from /proc)."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page
from report import Figure
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from workloads import memory_mb

from calendar_data.live import DEFAULT_CATALOG

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the browser tests' harness: server and Chromium
from browser import chromium, served  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 120_000
POLL_MS = 20  # how often the page is checked: the resolution of the browser timings
FIRST_PAINT_LIMITS = {"embedded": 1.5, "large": 3.0}
#: A fresh server's first paint of the 1M calendar, at most this times a hello page's.
FRESH_START_LIMIT = 1.5
REPAINT_LIMIT = 0.6
RSS_LIMIT_MB = 700
SESSIONS = 10
SESSIONS_LIMIT_MB = 100
#: The embedded catalog's busiest month: the same page as the large catalog's, with its data.
EMBEDDED_QUERY = "/?date=2023-11-01"


@dataclass(frozen=True)
class Targets:
    """The upper bounds the large catalog's browser and memory figures are held to (none
    where a bound is None): by default the million-release ones."""

    new_session: float | None = FIRST_PAINT_LIMITS["large"]  # seconds
    new_session_vs_hello: float | None = None  # times the hello page's first paint
    fresh_vs_hello: float | None = FRESH_START_LIMIT
    rss_mb: float | None = RSS_LIMIT_MB
    uss_mb: float | None = None
    sessions_mb: float | None = SESSIONS_LIMIT_MB


#: The calendar is drawn: the script run is over, nothing is stale, a day cell is there
#: (inside the calendar component's shadow root; other components come before it).
CALENDAR_READY = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !document.querySelector("[data-stale='true']")
    && [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")]
      .some((component) => !!component.shadowRoot?.querySelector("[data-day]"));
}"""
#: The page a fresh server's first paint is compared with: Streamlit and nothing to load.
HELLO = 'import streamlit as st\n\nst.title("Hello")\nst.write("Nothing to load here.")\n'
HELLO_READY = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !!document.querySelector("[data-testid='stMarkdown']");
}"""
#: The hello page with one of each kind of input the calendar's sidebar and page hold (the
#: filters and Mine, the view and date), and no data: what any page of these widgets pays on a
#: fresh server, since each kind's code loads and runs the first time. An unfiltered calendar
#: draws its filters' and my services' inputs only once their sections are opened, and its date
#: field only once "Go to date" is, so its first paint draws fewer.
WIDGET_KINDS = HELLO + (
    'st.sidebar.multiselect("Service", ["Netflix", "Max"], placeholder="All")\n'
    'st.sidebar.date_input("From", value=None)\n'
    'st.sidebar.text_input("Search")\n'
    'st.sidebar.selectbox("Time zone", ["UTC"], index=None)\n'
    'st.sidebar.toggle("My services only")\n'
    'st.sidebar.expander("Followed titles").caption("None yet.")\n'
    'st.sidebar.button("Clear filters")\n'
    'st.segmented_control("View", ["month", "week", "agenda"], default="month")\n'
    'st.caption("Drawn.")\n'
)
#: Every widget drawn (none waiting for its code) and the last element there.
WIDGET_KINDS_READY = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !document.querySelector("[data-stale='true']")
    && !document.querySelector("[data-testid='stSkeleton']")
    && [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
      .some((caption) => caption.innerText === "Drawn.");
}"""
#: The sidebar's "N of M releases match" line, which every filter change alters.
MATCH_LINE = """() => [...document.querySelectorAll(
    "[data-testid='stSidebar'] [data-testid='stMarkdownContainer']")]
  .map((e) => e.innerText).find((t) => t.includes("releases match")) || ""
"""
#: Ready, and the match line differs from ``before``.
FILTER_APPLIED = f"""(before) => ({CALENDAR_READY})() && ({MATCH_LINE})() !== before"""
# --------------------------------------------------------------------------- server


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


# --------------------------------------------------------------------------- browser


class ScriptRuns:
    """How long each script run the server reports to a page took, read off the websocket:
    from its first message (``new_session``) to its ``script_finished``."""

    def __init__(self, page: Page) -> None:
        self.seconds: list[float] = []
        self._started = 0.0
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        kind = ForwardMsg.FromString(payload).WhichOneof("type")
        if kind == "new_session":
            self._started = time.perf_counter()
        elif kind == "script_finished":
            self.seconds.append(time.perf_counter() - self._started)


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT, timezone_id="UTC", locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def open_calendar(browser: Browser, url: str) -> tuple[Page, float]:
    """A new session's page on the calendar, and the seconds from navigation to drawn."""
    page = _new_page(browser)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(CALENDAR_READY, polling=POLL_MS, timeout=TIMEOUT_MS)
    return page, time.perf_counter() - started


def hello_first_paint(
    browser: Browser, logs: Path, source: str = HELLO, ready: str = HELLO_READY
) -> tuple[float, float]:
    """Seconds from navigation to drawn (``ready``) of a hello page's first visit to a fresh
    server (each server is a new origin, so nothing is cached for it), and from the server's
    launch until it answered. ``source`` is the page's script."""
    script = logs / "hello.py"
    script.write_text(source, encoding="utf-8")
    launched = time.perf_counter()
    with served(script, logs / "hello.log", str(script)) as (url, _):
        answered = time.perf_counter() - launched
        page = _new_page(browser)
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ready, polling=POLL_MS, timeout=TIMEOUT_MS)
        seconds = time.perf_counter() - started
        page.context.close()
    return seconds, answered


@dataclass
class FreshStarts:
    """First paints on fresh servers, a hello page's, the calendar's over the embedded
    catalog and over the large one, visit by visit, and how long the hello page's and the
    large catalog's servers took from their launch until they answered."""

    hellos: list[float] = field(default_factory=list)
    widget_kinds: list[float] = field(default_factory=list)
    embedded: list[float] = field(default_factory=list)
    calendars: list[float] = field(default_factory=list)
    hello_starts: list[float] = field(default_factory=list)
    calendar_starts: list[float] = field(default_factory=list)


def fresh_first_paints(
    browser: Browser, catalog: Path, query: str, logs: Path, times: int
) -> FreshStarts:
    """``times`` rounds of first paints on fresh servers: a hello page's, the hello page's with
    the calendar's kinds of widget, the calendar's over the embedded catalog, then over
    ``catalog``. Each is one server start, so the four are measured moments apart and compared
    round by round; a first hello page warms the browser up, so no measured visit is the
    browser's first."""
    hello_first_paint(browser, logs)
    fresh = FreshStarts()
    for _ in range(times):
        hello, answered = hello_first_paint(browser, logs)
        fresh.hellos.append(hello)
        fresh.hello_starts.append(answered)
        widgets, _ = hello_first_paint(browser, logs, WIDGET_KINDS, WIDGET_KINDS_READY)
        fresh.widget_kinds.append(widgets)
        fresh.embedded.append(fresh_calendar(browser, DEFAULT_CATALOG, EMBEDDED_QUERY, logs)[0])
        seconds, answered = fresh_calendar(browser, catalog, query, logs)
        fresh.calendars.append(seconds)
        fresh.calendar_starts.append(answered)
    return fresh


def fresh_calendar(browser: Browser, catalog: Path, query: str, logs: Path) -> tuple[float, float]:
    """Seconds from navigation to drawn of the calendar's first visit to a fresh server over
    ``catalog``, and from the server's launch until it answered."""
    launched = time.perf_counter()
    with served(catalog, logs / "fresh.log") as (url, _):
        answered = time.perf_counter() - launched
        page, seconds = open_calendar(browser, url + query)
        page.context.close()
    return seconds, answered


def new_sessions(browser: Browser, url: str, sessions: int) -> list[float]:
    """The first paints of ``sessions`` new sessions, one after the other."""
    paints = []
    for _ in range(sessions):
        page, seconds = open_calendar(browser, url)
        page.context.close()
        paints.append(seconds)
    return paints


def filter_repaints(page: Page, runs: ScriptRuns, services: list[str]) -> tuple[list, list]:
    """Open the sidebar's filters and add each service in turn; seconds from the choice to the
    calendar redrawn for it, and of those, seconds the script ran (as the page saw it)."""
    times, script_runs = [], []
    box = page.locator(".st-key-service input")
    page.locator(".st-key-filters_open summary").click()
    box.wait_for()
    for service in services:
        box.click()
        box.fill(service)
        option = page.get_by_role("option", name=service).first
        option.wait_for()
        before = page.evaluate(MATCH_LINE)
        started = time.perf_counter()
        option.click()
        page.wait_for_function(FILTER_APPLIED, arg=before, polling=POLL_MS, timeout=TIMEOUT_MS)
        times.append(time.perf_counter() - started)
        script_runs.append(runs.seconds[-1])
        page.keyboard.press("Escape")
    return times, script_runs


# --------------------------------------------------------------------------- figures


def embedded_figures(catalog: Path, rows: int, sessions: int, logs: Path) -> list[Figure]:
    with served(catalog, logs / "embedded.log") as (url, _), chromium() as browser:
        page, cold = open_calendar(browser, url)  # the very first visit, on a fresh server
        page.context.close()
        warm = new_sessions(browser, url, sessions)
    limit = FIRST_PAINT_LIMITS["embedded"]
    return [
        Figure("Browser", "first paint, first visit (embedded)", cold, "s", rows),
        Figure("Browser", "first paint, new session (embedded)", _median(warm), "s", rows, limit),
    ]


def large_figures(
    catalog: Path,
    rows: int,
    sessions: int,
    services: list[str],
    date: str,
    logs: Path,
    targets: Targets = Targets(),
) -> list[Figure]:
    """First paints (a fresh server's first and a new session's, beside a hello page's),
    filter repaints and memory, with the large catalog."""
    query = f"/?date={date}"
    with chromium() as browser:
        fresh = fresh_first_paints(browser, catalog, query, logs, sessions)
        with served(catalog, logs / "large.log") as (url, pid):
            url += query
            warm = new_sessions(browser, url, sessions)
            page = _new_page(browser)
            runs = ScriptRuns(page)
            page.goto(url)
            page.wait_for_function(CALENDAR_READY, polling=POLL_MS, timeout=TIMEOUT_MS)
            repaints, script_runs = filter_repaints(page, runs, services)
            page.context.close()
            time.sleep(2)  # let the closed sessions go
            loaded = rss_mb(pid)
            unique = memory_mb(pid)
            pages = [open_calendar(browser, url)[0] for _ in range(SESSIONS)]
            crowded = rss_mb(pid)
            crowded_anonymous = memory_mb(pid)["anonymous"]
            for page in pages:
                page.context.close()
    hello, new_session = _median(fresh.hellos), _median(warm)
    return [
        Figure("Browser", "first paint, Streamlit hello page (fresh server)", hello, "s"),
        Figure(
            "Browser",
            "first paint, hello page with the calendar's widget kinds (fresh server)",
            _median(fresh.widget_kinds),
            "s",
            note="one of each kind of input the calendar's sidebar and page hold; no data",
        ),
        Figure(
            "Browser",
            "widget kinds page's first paint / hello page's",
            _median_ratio(fresh.widget_kinds, fresh.hellos),
            "x",
            note="the part of the fresh server's ratio any page of these widgets pays",
        ),
        Figure(
            "Browser",
            "first paint, first visit to a fresh server (embedded)",
            _median(fresh.embedded),
            "s",
            note="the same page over the embedded catalog's busiest month",
        ),
        Figure(
            "Browser",
            "first paint, first visit to a fresh server",
            _median(fresh.calendars),
            "s",
            rows,
        ),
        Figure(
            "Browser",
            "fresh server's first paint / hello page's",
            _median_ratio(fresh.calendars, fresh.hellos),
            "x",
            rows,
            targets.fresh_vs_hello,
            note="the snapshot is mapped as the server starts; a median of pairs",
        ),
        Figure(
            "Browser",
            "fresh server's first paint / the embedded catalog's",
            _median_ratio(fresh.calendars, fresh.embedded),
            "x",
            rows,
            note="what the catalog's size adds; a median of pairs",
        ),
        Figure(
            "Browser",
            "fresh server: launch until it answers",
            _median(fresh.calendar_starts),
            "s",
            rows,
            note=f"once warm; the hello page's server: {_median(fresh.hello_starts):.2f} s",
        ),
        Figure("Browser", "first paint, new session", new_session, "s", rows, targets.new_session),
        Figure(
            "Browser",
            "new session's first paint / hello page's",
            new_session / hello,
            "x",
            rows,
            targets.new_session_vs_hello,
        ),
        Figure(
            "Browser",
            "filter change to calendar redrawn",
            _median(repaints),
            "s",
            rows,
            REPAINT_LIMIT,
            note=f"the script ran {_median(script_runs) * 1000:,.0f} ms of it",
        ),
        Figure("Memory", "server RSS, catalog loaded", loaded, "MB", rows, targets.rss_mb),
        Figure(
            "Memory",
            "server USS (pages only it holds), catalog loaded",
            unique["USS"],
            "MB",
            rows,
            targets.uss_mb,
            note=f"{unique['anonymous']:,.0f} MB of it anonymous, the rest mapped files",
        ),
        Figure(
            "Memory",
            f"server RSS added by {SESSIONS} open sessions",
            crowded - loaded,
            "MB",
            rows,
            targets.sessions_mb,
            note=f"{crowded:,.0f} MB in all; anonymous "
            f"{crowded_anonymous - unique['anonymous']:+,.0f} MB",
        ),
    ]


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _median_ratio(values: list[float], references: list[float]) -> float:
    """The median of ``values`` over ``references``, pair by pair."""
    return statistics.median(v / r for v, r in zip(values, references, strict=True))
