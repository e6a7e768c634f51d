"""What a viewer waits for, in a real Chromium driven by Playwright against ``streamlit run``,
and what the server process holds in memory (VmRSS from /proc)."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright
from report import Figure
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from calendar_data.ui.data import CATALOG_ENV

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 120_000
POLL_MS = 20  # how often the page is checked: the resolution of the browser timings
FIRST_PAINT_LIMITS = {"embedded": 1.5, "large": 3.0}
REPAINT_LIMIT = 0.6
RSS_LIMIT_MB = 700
SESSIONS = 10
SESSIONS_LIMIT_MB = 100

#: The calendar is drawn: the script run is over, nothing is stale, a day cell is there
#: (inside the calendar component's shadow root).
CALENDAR_READY = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !document.querySelector("[data-stale='true']")
    && !!document.querySelector("[data-testid='stBidiComponentIsolated']")
      ?.shadowRoot?.querySelector("[data-day]");
}"""
#: The sidebar's "N of M releases match" line, which every filter change alters.
MATCH_LINE = """() => [...document.querySelectorAll(
    "[data-testid='stSidebar'] [data-testid='stMarkdownContainer']")]
  .map((e) => e.innerText).find((t) => t.includes("releases match")) || ""
"""
#: Ready, and the match line differs from ``before``.
FILTER_APPLIED = f"""(before) => ({CALENDAR_READY})() && ({MATCH_LINE})() !== before"""
# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(catalog: Path, log: Path) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` over ``catalog``; yields its URL and process id."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true"]
    command += [f"--server.port={port}", "--server.address=127.0.0.1"]
    command += ["--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
    env = {**os.environ, CATALOG_ENV: str(catalog)}
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(server, url, log)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_healthy(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"streamlit did not come up at {url}:\n{tail}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


# --------------------------------------------------------------------------- browser


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


def first_paints(browser: Browser, url: str, sessions: int) -> tuple[float, list[float]]:
    """The very first visit (the server loads the catalog), then ``sessions`` new ones."""
    page, cold = open_calendar(browser, url)
    page.context.close()
    warm = []
    for _ in range(sessions):
        page, seconds = open_calendar(browser, url)
        page.context.close()
        warm.append(seconds)
    return cold, warm


class ScriptRuns:
    """Seconds of each script run as the page sees it: from the server's first message of the
    run (``new_session``) to its ``script_finished``, read off the websocket. (The page's
    ``data-test-script-state`` misses quick runs: they start and end between two renders.)"""

    def __init__(self, page: Page) -> None:
        self.seconds: list[float] = []
        self._started = 0.0
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._started = time.perf_counter()
        elif kind == "script_finished":
            self.seconds.append(time.perf_counter() - self._started)


def filter_repaints(page: Page, runs: ScriptRuns, services: list[str]) -> tuple[list, list]:
    """Add each service to the sidebar's filter in turn; seconds from the choice to the
    calendar redrawn for it, and of those, seconds the script ran (as the page saw it)."""
    times, script_runs = [], []
    box = page.locator(".st-key-service input")
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
        cold, warm = first_paints(browser, url, sessions)
    limit = FIRST_PAINT_LIMITS["embedded"]
    return [
        Figure("Browser", "first paint, first visit (embedded)", cold, "s", rows),
        Figure("Browser", "first paint, new session (embedded)", _median(warm), "s", rows, limit),
    ]


def large_figures(
    catalog: Path, rows: int, sessions: int, services: list[str], date: str, logs: Path
) -> list[Figure]:
    """First paints, filter repaints and memory, with the large catalog."""
    with served(catalog, logs / "large.log") as (url, pid), chromium() as browser:
        url = f"{url}/?date={date}"
        cold, warm = first_paints(browser, url, sessions)
        page = _new_page(browser)
        runs = ScriptRuns(page)
        page.goto(url)
        page.wait_for_function(CALENDAR_READY, polling=POLL_MS, timeout=TIMEOUT_MS)
        repaints, script_runs = filter_repaints(page, runs, services)
        page.context.close()
        time.sleep(2)  # let the closed sessions go
        loaded = rss_mb(pid)
        pages = [open_calendar(browser, url)[0] for _ in range(SESSIONS)]
        crowded = rss_mb(pid)
        for page in pages:
            page.context.close()
    limit = FIRST_PAINT_LIMITS["large"]
    return [
        Figure("Browser", "first paint, first visit (loads the catalog)", cold, "s", rows),
        Figure("Browser", "first paint, new session", _median(warm), "s", rows, limit),
        Figure(
            "Browser",
            "filter change to calendar redrawn",
            _median(repaints),
            "s",
            rows,
            REPAINT_LIMIT,
            note=f"the script ran {_median(script_runs) * 1000:,.0f} ms of it",
        ),
        Figure("Memory", "server RSS, catalog loaded", loaded, "MB", rows, RSS_LIMIT_MB),
        Figure(
            "Memory",
            f"server RSS added by {SESSIONS} open sessions",
            crowded - loaded,
            "MB",
            rows,
            SESSIONS_LIMIT_MB,
            note=f"{crowded:,.0f} MB in all",
        ),
    ]


def _median(values: list[float]) -> float:
    return statistics.median(values)
