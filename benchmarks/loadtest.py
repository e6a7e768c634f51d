"""Load test: many browser sessions on one dashboard server over the 1M-row demo catalog.

One Streamlit server serves ``benchmarks/.data/demo-1m.parquet`` (built with ``calendar-data
demo`` when missing). ``--sessions`` Playwright contexts in one or a few Chromium processes
arrive one after another over ``--ramp`` seconds; each opens the app on a month (its one page
load, timed as "arrive") and then, in the same tab, repeats a viewer's journey until every
session has been present for ``--seconds``: open the filters (closed on a new page), pick a
service and a genre, go to the next month, open and close a release's drawer, go to Browse,
narrow it to that month, download the CSV, clear the filters, go back to the calendar and
pick another month. Every step is timed from
the action until the app is idle again with its effect on screen.

Meanwhile the server's resident memory (VmRSS) and the CPU time of the server and of the
browsers are sampled. After the load, every context is closed and memory is watched while
Streamlit forgets the disconnected sessions (``server.disconnectedSessionTTL``, 120 s by
default). The report is Markdown on stdout; ``--results FILE`` also writes it into FILE as
its "Load test" section.

    .venv/bin/python benchmarks/loadtest.py --sessions 25 --seconds 120
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyarrow.parquet as pq
from playwright.async_api import Browser, Page, async_playwright, expect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS, IDLE, served  # noqa: E402

CATALOG = REPO / "benchmarks" / ".data" / "demo-1m.parquet"
ROWS = 1_000_000
MONTHS = range(1, 12)  # the demo spans 2026; December has no "next month"
YEAR = 2026
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 900}
SECTION = "## Load test"
ARRIVE = "arrive (new page)"
RELOAD = "reload after an error"
PAGE_LOADS = (ARRIVE, RELOAD)
TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- measurements


@dataclass
class Step:
    name: str
    started: float  # time.monotonic()
    seconds: float


@dataclass
class Tally:
    """Step timings and failures, shared by every session (one event loop: no locks)."""

    sessions: int
    steps: list[Step] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0
    arrived: int = 0
    all_present: float = float("inf")  # when the last session's first page load ended

    def arrival(self) -> None:
        self.arrived += 1
        if self.arrived == self.sessions:
            self.all_present = time.monotonic()

    def timings(self, page_loads: bool = False, all_present: bool | None = None) -> list[float]:
        """Interactions in the open tab, or (``page_loads``) the pages loaded; with
        ``all_present`` true (false), only those begun after (before) the last arrival."""
        return [step.seconds for step in self.chosen(page_loads, all_present)]

    def chosen(self, page_loads: bool, all_present: bool | None) -> list[Step]:
        return [
            step
            for step in self.steps
            if (step.name in PAGE_LOADS) == page_loads
            and all_present in (None, step.started >= self.all_present)
        ]

    def page_load_errors(self) -> int:
        return sum(error.startswith(PAGE_LOADS) for error in self.errors)


@dataclass
class Sample:
    """One reading; CPU figures are seconds of CPU time used so far, summed over cores."""

    at: float
    rss_mb: float
    server_cpu: float
    browser_cpu: float
    machine_cpu: float
    sessions: int  # connected, as Streamlit counts them (-1: it did not answer in time)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """CPU time ``pid`` has used; with ``reaped``, also its children that have exited (a
    closed tab's renderer is gone from /proc, but its time is in the parent that reaped it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    used = fields[11:15] if reaped else fields[11:13]  # utime, stime, cutime, cstime
    return sum(int(ticks) for ticks in used) / TICKS


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used (all of /proc/stat's busy columns)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) / TICKS


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children[parent].append(int(entry.name))
    found, stack = set(), [pid]
    while stack:
        for child in children[stack.pop()]:
            found.add(child)
            stack.append(child)
    return found


async def connected_sessions(client: httpx.AsyncClient, timeout: float) -> int:
    """Connected sessions, from Streamlit's ``/_stcore/metrics``; -1 if it does not answer."""
    try:
        answer = await client.get("/_stcore/metrics?families=active_sessions", timeout=timeout)
    except httpx.HTTPError:
        return -1
    found = re.search(r"^active_sessions (\d+)", answer.text, re.M)
    return int(found.group(1)) if found else -1


async def sample_until(
    stop: asyncio.Event, url: str, server: int, every: float, into: list[Sample]
) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url) as client:
        while True:
            clients = (descendants(os.getpid()) | {os.getpid()}) - {server}
            sessions = await connected_sessions(client, timeout=every)
            into.append(
                Sample(
                    time.monotonic() - started,
                    rss_mb(server),
                    cpu_seconds(server),
                    sum(cpu_seconds(pid, reaped=True) for pid in clients),
                    machine_cpu_seconds(),
                    sessions,
                )
            )
            try:
                await asyncio.wait_for(stop.wait(), every)
                return
            except TimeoutError:
                pass


# --------------------------------------------------------------------------- a viewer


class Viewer:
    """One browser context: it opens the app once, then goes through the journey again and
    again in the same tab (after a failed step, it reloads the page and starts over).

    Each step waits for an effect the server produces (a URL parameter it writes, an element
    it draws) and then for the app to be idle, with event-driven waits rather than polling
    back-off, so the time measured is the time a viewer waits.
    """

    def __init__(
        self, page: Page, url: str, tally: Tally, rng: random.Random, think: float, deadline: float
    ):
        self.page, self.url, self.tally, self.rng, self.think = page, url, tally, rng, think
        self.deadline = deadline
        self.cards = page.locator("[data-card^='month-']")
        page.on("pageerror", lambda error: tally.errors.append(f"page error: {error}"))

    async def shown(self, locator) -> None:
        await locator.first.wait_for(state="visible", timeout=TIMEOUT_MS)

    async def url_has(self, text: str, present: bool = True) -> None:
        script = "([text, present]) => location.search.includes(text) === present"
        await self.page.wait_for_function(
            script, arg=[text, present], polling=50, timeout=TIMEOUT_MS
        )

    async def idle(self) -> None:
        await self.page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT_MS)
        exceptions = self.page.get_by_test_id("stException")
        if await exceptions.count():
            raise RuntimeError(f"the app showed an exception: {await exceptions.inner_text()}")

    async def step(self, name: str, action, think: bool = True) -> bool:
        """Run one timed step; a failure is tallied as an error and ends the journey."""
        if think:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)  # the viewer reads
        started = time.monotonic()
        try:
            await action()
            await self.idle()
        except Exception as error:  # noqa: BLE001 (any failure is an error to report)
            self.tally.errors.append(f"{name}: {str(error).splitlines()[0][:200]}")
            return False
        self.tally.steps.append(Step(name, started, time.monotonic() - started))
        return True

    async def load_page(self, name: str, month: dt.date) -> bool:
        """Open the app on ``month``: a page load, as a viewer following a link does."""

        async def open_month():
            await self.page.goto(f"{self.url}/?date={month.isoformat()}")
            await self.shown(self.cards)

        if name != ARRIVE:
            return await self.step(name, open_month)
        try:
            return await self.step(name, open_month, think=False)
        finally:
            self.tally.arrival()

    async def journey(self, month: dt.date, on_calendar: bool) -> bool:
        """The viewer's path through ``month``; ``on_calendar``: the tab already shows it."""
        page, rng = self.page, self.rng
        following = dt.date(YEAR, month.month + 1, 1)
        month_end = (following + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)

        async def type_date(key: str, day: dt.date):
            await page.locator(f".st-key-{key}").get_by_role("spinbutton").first.click()
            await page.keyboard.type(day.strftime("%Y%m%d"))
            await page.locator("h1").first.click()  # the field commits its value on blur

        async def enter_date(key: str, day: dt.date):
            await type_date(key, day)
            await self.url_has(f"{key}={day.isoformat()}")  # written by the server's rerun

        async def go_to(name: str, drawn):
            nav = page.get_by_test_id("stSidebarNav")
            await nav.get_by_role("link", name=name, exact=True).click()
            await self.shown(drawn)

        async def to_month():
            await page.locator(".st-key-go_to_date").get_by_role("button").click()
            await enter_date("date", month)
            await self.shown(self.cards)

        async def open_filters():
            """Their inputs are drawn once the panel is open (or the URL names a filter)."""
            if not await page.locator(".st-key-service input").is_visible():
                await page.locator(".st-key-filters_open summary").click()
                await self.shown(page.locator(".st-key-service input"))

        async def pick(key: str):
            await page.locator(f".st-key-{key} input").click()
            options = page.get_by_role("option").filter(has_not_text="Select all")
            await self.shown(options)
            await options.nth(rng.randrange(min(6, await options.count()))).click()
            await page.keyboard.press("Escape")
            await self.url_has(f"{key}=")  # written by the server's rerun

        async def next_month():
            await page.locator(".st-key-next button").click()
            await self.url_has(f"date={following.isoformat()}")  # written by the server's rerun

        async def open_drawer():
            await self.cards.get_by_role("button").first.click()
            await self.url_has("id=")
            await self.shown(page.get_by_role("dialog"))

        async def close_drawer():
            await page.get_by_role("dialog").get_by_role("button", name="Close").click()
            await self.url_has("id=", present=False)

        async def to_date():
            await type_date("to", month_end)
            captions = page.get_by_test_id("stCaptionContainer")
            whole_month = re.compile(rf"{following:%Y-%m}(?!-)")  # how the filter says it
            await self.shown(captions.filter(has_text=whole_month))

        async def download_csv():
            link = page.locator(".st-key-export_csv").get_by_role("link")
            if not await link.is_visible():  # in Browse's download menu
                await page.locator(".st-key-export_menu").get_by_role("button").click()
            async with page.expect_download(timeout=TIMEOUT_MS) as started:
                await link.click()
            download = await started.value
            failure = await download.failure()
            if failure:
                async with httpx.AsyncClient() as client:
                    status = (await client.get(download.url)).status_code
                raise RuntimeError(f"download failed: {failure} (its URL now answers {status})")
            await download.delete()

        async def clear_filters():
            await page.locator(".st-key-clear_filters button").click()
            await self.url_has("service=", present=False)

        steps = []
        if not on_calendar:
            steps += [
                ("calendar", lambda: go_to("Calendar", page.locator(".st-key-go_to_date"))),
                ("month", to_month),
            ]
        steps += [
            ("filters", open_filters),
            ("service", lambda: pick("service")),
            ("genre", lambda: pick("genre")),
            ("next month", next_month),
            ("open drawer", open_drawer),
            ("close drawer", close_drawer),
            ("browse", lambda: go_to("Browse", page.get_by_test_id("stDataFrame"))),
            ("from date", lambda: enter_date("from", following)),
            ("to date", to_date),
            ("csv", download_csv),
            ("clear filters", clear_filters),
        ]
        for name, action in steps:
            if time.monotonic() >= self.deadline:
                return True  # the load is over: stop between two steps
            # Each date is its own interaction (a script run); the viewer enters both at once.
            if not await self.step(name, action, think=name != "to date"):
                return False
        self.tally.journeys += 1
        return True


async def run_viewer(
    browser: Browser,
    url: str,
    deadline: float,
    tally: Tally,
    seed: int,
    think: float,
    delay: float = 0.0,
):
    await asyncio.sleep(delay)  # sessions arrive over the ramp, not all in one instant
    context = await browser.new_context(
        viewport=VIEWPORT, timezone_id="UTC", locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        rng = random.Random(seed)
        viewer = Viewer(await context.new_page(), url, tally, rng, think, deadline)
        page_name, loaded = ARRIVE, False
        while time.monotonic() < deadline:
            month = dt.date(YEAR, rng.choice(MONTHS), 1)
            if not loaded:
                loaded = await viewer.load_page(page_name, month)
                page_name = RELOAD
                if not loaded:
                    continue
                on_calendar = True
            loaded = await viewer.journey(month, on_calendar)
            on_calendar = False
    finally:
        await context.close()


# --------------------------------------------------------------------------- the run


async def load(url: str, server: int, args: argparse.Namespace) -> dict:
    expect.set_options(timeout=TIMEOUT_MS)
    tally, samples, stop = Tally(args.sessions), [], asyncio.Event()
    async with async_playwright() as playwright:
        browsers = [
            await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.browsers)
        ]
        await first_visit(browsers[0], url)
        sampler = asyncio.create_task(sample_until(stop, url, server, args.every, samples))
        deadline = time.monotonic() + args.ramp + args.seconds  # the last arrival + seconds
        viewers = [
            run_viewer(
                browsers[n % len(browsers)],
                url,
                deadline,
                tally,
                n,
                args.think,
                delay=n * args.ramp / args.sessions,
            )
            for n in range(args.sessions)
        ]
        load_started = time.monotonic()
        await asyncio.gather(*viewers)
        load_seconds = time.monotonic() - load_started
        for browser in browsers:
            await browser.close()
        closed_at = samples[-1].at if samples else 0.0
        await asyncio.sleep(args.settle)
        # Streamlit drops disconnected sessions past their TTL when it next stores a session.
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await first_visit(browser, url)
        await browser.close()
        await asyncio.sleep(2 * args.every)
    stop.set()
    await sampler
    return {
        "tally": tally,
        "samples": samples,
        "load": load_seconds,
        "started": load_started,
        "closed_at": closed_at,
    }


async def first_visit(browser: Browser, url: str) -> None:
    """Open the app once, so the catalog is loaded before the clock starts."""
    page = await browser.new_page()
    await page.goto(url)
    await expect(page.locator("[data-card^='month-']").first).to_be_visible()
    await page.close()


def ensure_catalog(path: Path) -> None:
    if path.exists():
        return
    print(f"building {path} ({ROWS:,} rows)…", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "calendar_data.cli", "demo", "--rows", str(ROWS), "-o", str(path)],
        check=True,
    )


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def at(samples: list[Sample], moment: float) -> Sample:
    """The first sample taken at or after ``moment`` (the last one if none)."""
    return next((s for s in samples if s.at >= moment), samples[-1])


def slope_mb_per_minute(samples: list[Sample]) -> float:
    if len(samples) < 2:
        return 0.0
    times = [s.at / 60 for s in samples]
    return statistics.linear_regression(times, [s.rss_mb for s in samples]).slope


def report(result: dict, args: argparse.Namespace) -> str:
    tally, samples = result["tally"], result["samples"]
    warm, closed = _warmup(args), result["closed_at"]
    loaded = [s for s in samples if warm <= s.at <= closed]
    timings, page_loads = tally.timings(), tally.timings(page_loads=True)
    arriving, present = tally.timings(all_present=False), tally.timings(all_present=True)
    present_from = tally.all_present - result["started"]
    busy = max(closed, 1e-9)
    last_loaded = loaded[-1] if loaded else samples[-1]
    first = samples[0]
    server_cpu = (last_loaded.server_cpu - first.server_cpu) / busy
    browser_cpu = (last_loaded.browser_cpu - first.browser_cpu) / busy
    other_cpu = (last_loaded.machine_cpu - first.machine_cpu) / busy - server_cpu - browser_cpu
    per_action = (last_loaded.server_cpu - first.server_cpu) / max(len(timings + page_loads), 1)
    lines = [
        SECTION,
        "",
        f"{dt.date.today().isoformat()} · {os.cpu_count()} CPU cores · "
        f"{platform.python_implementation()} {platform.python_version()} · "
        f"{_rows(args.catalog):,}-row catalog · {args.sessions} browser sessions in "
        f"{args.browsers} "
        f"Chromium process(es) on the same machine · sessions arriving over {args.ramp:g} s, "
        f"then {args.seconds} s with every session present · {args.think:g} s mean think "
        f"time between steps (`benchmarks/loadtest.py --sessions {args.sessions} --seconds "
        f"{args.seconds} --think {args.think:g} --ramp {args.ramp:g}`).",
        "",
        "| | |",
        "|---|---|",
        f"| load, from the first arrival to the end | {result['load']:.0f} s |",
        f"| journeys completed | {tally.journeys} |",
        f"| every session present, from | {present_from:.0f} s |",
        f"| interactions in an open tab, every session present | {len(present)} |",
        f"| their latency p50 / p95 / max | {_spread(present)} |",
        f"| interactions in an open tab, while sessions arrive | {len(arriving)} |",
        f"| their latency p50 / p95 / max | {_spread(arriving)} |",
        f"| pages loaded (arrivals, reloads after an error) | {len(page_loads)} |",
        f"| their latency p50 / p95 / max | {_spread(page_loads)} |",
        f"| errors (of them, page loads) | {len(tally.errors)} ({tally.page_load_errors()}) |",
        f"| CPU, server (cores busy) | {server_cpu:.2f} of {os.cpu_count()} |",
        f"| CPU, Chromium + Playwright (cores busy) | {browser_cpu:.2f} of {os.cpu_count()} |",
        f"| CPU, everything else on the machine | {max(other_cpu, 0):.2f} of {os.cpu_count()} |",
        f"| server CPU per interaction or page load | {per_action:.2f} s |",
        "",
        "Per step: pages loaded, then interactions with every session present.",
        "",
        "| step | count | p50 / p95 / max |",
        "|---|---|---|",
    ]
    per_step = defaultdict(list)
    for step in tally.chosen(True, None) + tally.chosen(False, True):
        per_step[step.name].append(step.seconds)
    lines += [f"| {name} | {len(v)} | {_spread(v)} |" for name, v in per_step.items()]
    peak = max(loaded or samples, key=lambda s: s.rss_mb)
    moments = [
        ("catalog loaded, before the load", samples[0]),
        (f"after the {warm:.0f} s warm-up", at(samples, warm)),
        ("peak under load", peak),
        ("end of load", last_loaded),
    ]
    for wait in sorted({min(30, args.settle), args.settle}):
        settled = at(samples, closed + wait)
        moments.append((f"{settled.at - closed:.0f} s after every session closed", settled))
    moments.append(("then, after one new session came and went", samples[-1]))
    lines += [
        "",
        "Server memory (VmRSS) and connected sessions (Streamlit's `/_stcore/metrics`; -1: no "
        f"answer in time). VmRSS trend after warm-up: {slope_mb_per_minute(loaded):+.1f} MB/min.",
        "",
        "| moment | VmRSS MB | connected sessions |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {s.rss_mb:.0f} | {s.sessions} |" for name, s in moments]
    lines += ["", "RSS over time (s: MB): " + ", ".join(_timeline(samples))]
    if tally.errors:
        lines += ["", "First errors:", ""]
        lines += [f"- {error}" for error in tally.errors[:10]]
    return "\n".join(lines) + "\n"


def _rows(catalog: Path) -> int:
    return pq.ParquetFile(catalog).metadata.num_rows


def _warmup(args: argparse.Namespace) -> float:
    return args.ramp if args.warmup is None else args.warmup


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"{percentile(values, 0.5):.2f} s / {percentile(values, 0.95):.2f} s / {max(values):.2f} s"
    )


def _timeline(samples: list[Sample], every: float = 15.0) -> list[str]:
    shown, next_at = [], 0.0
    for sample in samples:
        if sample.at >= next_at:
            shown.append(f"{sample.at:.0f}: {sample.rss_mb:.0f}")
            next_at = sample.at + every
    return shown


def write_section(path: Path, section: str) -> None:
    """Put ``section`` into ``path``, replacing an earlier "Load test" section."""
    text = path.read_text() if path.exists() else ""
    start = text.find(SECTION)
    if start < 0:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25, help="concurrent browser sessions")
    parser.add_argument(
        "--seconds", type=int, default=120, help="how long the load lasts once all have arrived"
    )
    parser.add_argument("--browsers", type=int, default=1, help="Chromium processes")
    parser.add_argument(
        "--think",
        type=float,
        default=20,
        help="mean seconds a viewer reads (a month of cards, a synopsis) between steps",
    )
    parser.add_argument(
        "--ramp", type=float, default=60, help="seconds over which the sessions arrive"
    )
    parser.add_argument(
        "--warmup", type=float, help="seconds before memory counts (default: the ramp)"
    )
    parser.add_argument("--settle", type=float, default=150, help="watch memory this long after")
    parser.add_argument("--every", type=float, default=5, help="seconds between memory samples")
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--results", type=Path, help="also write the report into this file")
    args = parser.parse_args()

    ensure_catalog(args.catalog)
    log = args.catalog.parent / "loadtest-server.log"
    with served(args.catalog, log) as (url, server):
        result = asyncio.run(load(url, server, args))
    section = report(result, args)
    print(section)
    if args.results:
        write_section(args.results, section)
    return 1 if result["tally"].errors else 0


if __name__ == "__main__":
    sys.exit(main())
