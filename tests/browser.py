"""Support for the browser tests: the app in a subprocess, Debian's Chromium, and waits.

Context managers rather than fixtures, so each test module declares its own fixtures on top
of them (imported fixtures trip the linter on every test that uses them).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, WebSocket, expect, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "docs" / "screenshots"
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
TIMEZONE = "UTC"
TIMEOUT_MS = 30_000
STARTUP_SECONDS = 60
IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED']" + (
    "[data-test-script-state='notRunning']"
)


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, if they cannot."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM} (make test installs it)"
    return None


#: Every browser test module's marks: ``pytestmark = BROWSER_TESTS``.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing())),
]
SERIOUS = {"serious", "critical"}
AXE = Axe()


def expect_no_serious_violations(page: Page) -> None:
    """axe-core finds nothing serious or critical on the page as it stands."""
    violations = AXE.run(page).response["violations"]
    found = [
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"  {node['target']}: {node['html'][:200]}" for node in v["nodes"])
        for v in violations
        if v["impact"] in SERIOUS
    ]
    assert not found, f"{page.url}:\n" + "\n".join(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_app(catalog: str | Path, log: Path, script: str = "server.py") -> Iterator[str]:
    """Serve the dashboard over ``catalog`` on a free local port; yield its base URL."""
    with served(catalog, log, script) as (url, _):
        yield url


def skip_unless_screenshots() -> None:
    """The README's screenshots are retaken only when asked for (``SCREENSHOTS=1``)."""
    if os.environ.get("SCREENSHOTS") != "1":
        pytest.skip("set SCREENSHOTS=1 to take the README's screenshots")


@contextmanager
def showcase(log: Path) -> Iterator[str]:
    """The app over the catalog it serves by default (data/catalog.parquet), for the README's
    screenshots: only with ``SCREENSHOTS=1``, since it needs a server of its own."""
    skip_unless_screenshots()
    from calendar_data.live import catalog_location

    catalog = Path(catalog_location())
    if not catalog.is_file():
        pytest.skip(f"no catalog at {catalog} to take screenshots of")
    with streamlit_app(catalog, log) as url:
        yield url


@contextmanager
def served(catalog: str | Path, log: Path, script: str = "server.py") -> Iterator[tuple[str, int]]:
    """Serve the dashboard (``server.py``: app.py and its export routes; or ``app.py`` alone,
    as a plain ``streamlit run app.py`` does) over ``catalog`` on a free local port; yield its
    base URL and the server's process id.

    The server's output goes to ``log``, quoted in the error when it does not come up.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {**os.environ, "CALENDAR_CATALOG": str(catalog)}
    url = f"http://127.0.0.1:{port}"
    with running(
        command, log, f"streamlit at {url}", answers(f"{url}/_stcore/health"), REPO, env
    ) as server:
        yield url, server.pid


@contextmanager
def running(
    command: list[str],
    log: Path,
    name: str,
    ready: Callable[[], bool],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen]:
    """Run a server (``command``, its output to ``log``) for the block, once ``ready()``;
    stop it after. ``name`` and the log's end make the error when it does not come up."""
    with open(log, "wb") as output:
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_ready(server, ready, log, name)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def answers(url: str) -> Callable[[], bool]:
    """Whether ``url`` answers a GET with 200."""
    return lambda: httpx.get(url, timeout=2).status_code == 200


def _wait_ready(server: subprocess.Popen, ready: Callable[[], bool], log: Path, name: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)  # the benchmarks time a server's start with this
    output = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{name} did not come up (exit code {server.poll()}):\n{output}")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (``playwright install`` is never needed)."""
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page: Page) -> None:
    """Wait until the app is connected, no script run is going on and every element is drawn.

    Widgets whose code is loaded lazily show a skeleton first. Elements of the previous run
    linger (``data-stale``) while a run is going on, so check what a run should have drawn
    with ``expect(...)``, which retries, after this.
    """
    expect(page.locator(IDLE)).to_be_attached(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)


def _ends_a_run(frame: bytes | str) -> bool:
    """Whether a frame from the server ends a script run (the app's or a fragment's) that no
    rerun follows. Only the message stream tells: a quick run starts and ends between two
    renders, so the page's ``data-test-script-state`` never changes.
    """
    if not isinstance(frame, bytes):
        return False
    message = ForwardMsg.FromString(frame)
    return (
        message.WhichOneof("type") == "script_finished"
        and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    )


_SOCKETS: dict[Page, WebSocket] = {}  # each page's latest connection to the app


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Wait for the script run that the enclosed interaction starts, then for the app to idle."""
    with _SOCKETS[page].expect_event("framereceived", predicate=_ends_a_run):
        yield
    wait_idle(page)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


@contextmanager
def new_page(browser: Browser) -> Iterator[Page]:
    """A page in its own browser context: a new Streamlit session, no shared state."""
    context = browser.new_context(
        viewport=VIEWPORT, timezone_id=TIMEZONE, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("websocket", lambda socket: _SOCKETS.update({page: socket}))
    try:
        yield page
    finally:
        _SOCKETS.pop(page, None)
        context.close()
