"""In-process workloads: loading, the calendar's query next to polars and DuckDB, the views'
aggregations and the exports. Each ``*_figures`` function returns :class:`report.Figure` rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from report import Figure, median_seconds

from calendar_data import bucketing, demo, exports, grid, planner, schema, snapshot
from calendar_data.filters import ReleaseFilter
from calendar_data.live import LiveCatalog

#: Demo catalogs run over a year from this day; the calendar looks at its third month.
DEMO_START = dt.date(2026, 1, 1)
MONTH = dt.date(2026, 3, 1)
CSV_ROWS = 100_000
ICS_ROWS = 10_000
TZ = "UTC"

QUERY_LIMIT = 1.5  # ours / fastest peer
CSV_LIMIT = 1.5
ICS_LIMIT = 2.0


def demo_catalog(rows: int, folder: Path) -> Path:
    """A demo catalog of ``rows`` releases, written by ``calendar-data demo`` when missing or
    older than the code that generates it."""
    path = folder / f"demo-{rows}.parquet"
    sources = [Path(demo.__file__), Path(schema.__file__)]
    if path.exists() and path.stat().st_mtime > max(p.stat().st_mtime for p in sources):
        return path
    generate_demo(rows, path)
    return path


def generate_demo(rows: int, path: Path) -> tuple[float, float]:
    """Write a demo catalog of ``rows`` releases to ``path`` with ``calendar-data demo``; its
    seconds and the command's peak RSS in MB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "calendar_data.cli", "demo", "--rows", str(rows)]
    command += ["--start", DEMO_START.isoformat(), "--output", str(path), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)  # the child's own resource usage
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return seconds, usage.ru_maxrss / 1024  # Linux counts kB


#: ``calendar-data demo`` stays within half of this machine's 24 GB (issue 23 §2).
DEMO_PEAK_LIMIT_MB = 12_000


def generation_figures(rows: int, folder: Path) -> list[Figure]:
    """``calendar-data demo`` writing ``rows`` releases afresh: its time and peak memory."""
    path = folder / f"demo-{rows}.parquet"
    path.unlink(missing_ok=True)  # else the command first compares with what is there
    seconds, peak = generate_demo(rows, path)
    return [
        Figure("Load", "calendar-data demo: generate and write", seconds, "s", rows),
        Figure("Memory", "calendar-data demo: peak RSS", peak, "MB", rows, DEMO_PEAK_LIMIT_MB),
    ]


# --------------------------------------------------------------------------- load

#: A server start from a prepared snapshot at 1M releases (issue 23).
SNAPSHOT_LIMIT = 0.150
SNAPSHOT_LIMIT_ROWS = 1_000_000

_COLD_LOAD = """
import json, sys, time
from calendar_data.live import LiveCatalog
start = time.perf_counter()
getattr(LiveCatalog, sys.argv[2])(sys.argv[1])
print(json.dumps(time.perf_counter() - start))
"""


def cold_load_seconds(path: Path, method: str = "load") -> float:
    """Time to a ready LiveCatalog in a new process (imports not counted), by
    ``LiveCatalog.load`` (the whole work) or ``LiveCatalog.open`` (from the snapshot)."""
    result = subprocess.run(
        [sys.executable, "-c", _COLD_LOAD, str(path), method],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_figures(path: Path, rows: int, repeats: int) -> tuple[list[Figure], float]:
    """Cold and warm load figures, a server start from the snapshot, and the warm median for
    the growth check."""
    cold = sorted(cold_load_seconds(path) for _ in range(max(1, repeats)))
    warm = median_seconds(lambda: LiveCatalog.load(str(path)), repeats)
    snapshot.snapshot_path(path).unlink(missing_ok=True)
    first = cold_load_seconds(path, "open")  # loads, then writes the snapshot
    mapped = sorted(cold_load_seconds(path, "open") for _ in range(max(1, repeats)))
    limit = SNAPSHOT_LIMIT if rows == SNAPSHOT_LIMIT_ROWS else None
    figures = [
        Figure("Load", "cold: new process to ready catalog", cold[len(cold) // 2], "s", rows),
        Figure("Load", "warm: load + search text + options", warm, "s", rows),
        Figure("Load", "first open: load, write the snapshot", first, "s", rows),
        Figure(
            "Load",
            "server start: LiveCatalog.open from the snapshot",
            mapped[len(mapped) // 2],
            "s",
            rows,
            limit=limit,
            note="new process, memory-mapped",
        ),
    ]
    return figures, warm


_HOLD = """
import sys
from calendar_data.live import LiveCatalog
live = LiveCatalog.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
"""


def sharing_figures(path: Path, rows: int) -> list[Figure]:
    """Two processes serving one catalog from its snapshot (as two servers on one host do):
    each one's resident memory (RSS), its proportional share (PSS: a page shared by both
    counts half) and what it alone holds (USS), averaged over the two."""
    LiveCatalog.open(str(path))  # the snapshot is there before they start
    holders = [
        subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for holder in holders:
            if holder.stdout.readline().strip() != "ready":
                raise RuntimeError("a process could not open the catalog")
        memory = [memory_mb(holder.pid) for holder in holders]
    finally:
        for holder in holders:
            holder.stdin.close()
            holder.wait(timeout=60)
    note = "each of 2 processes over one snapshot"
    return [
        Figure(
            "Memory",
            f"two processes: {kind}",
            sum(m[kind] for m in memory) / 2,
            "MB",
            rows,
            note=note,
        )
        for kind in ("RSS", "PSS", "USS")
    ]


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS, USS (private pages) and the anonymous pages (backed by no file: not the
    mapped snapshot) of process ``pid``, from /proc/PID/smaps_rollup."""
    kb = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        kb[name.rstrip(":")] = int(value)
    private = kb["Private_Clean"] + kb["Private_Dirty"]
    return {
        "RSS": kb["Rss"] / 1024,
        "PSS": kb["Pss"] / 1024,
        "USS": private / 1024,
        "anonymous": kb["Anonymous"] / 1024,
    }


def growth_figure(
    small: tuple[int, float], large: tuple[int, float], what: str = "warm load", group="Load"
) -> Figure:
    """``what`` (by default the warm load's time) grows at most as fast as the rows do."""
    (small_rows, small_time), (large_rows, large_time) = small, large
    return Figure(
        group,
        f"growth of {what}, {small_rows:,} → {large_rows:,} rows",
        large_time / small_time,
        "x",
        large_rows,
        limit=large_rows / small_rows,
        note="linear = the rows' ratio",
    )


# --------------------------------------------------------------------------- the query


@dataclass(frozen=True)
class CalendarQuery:
    """The calendar's month view: one month, three services, one genre, one kind."""

    services: tuple[str, ...]
    genre: str
    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def for_catalog(cls, live: LiveCatalog) -> CalendarQuery:
        services = tuple(value for value, _ in live.options["service"][:3])
        start, end = grid.view_range("month", MONTH)
        return cls(services, live.options["genre"][0][0], "series", start, end)

    @property
    def release_filter(self) -> ReleaseFilter:
        return ReleaseFilter(
            services=self.services,
            genres=(self.genre,),
            kinds=(self.kind,),
            start=self.start,
            end=self.end,
        )

    def without_dates(self) -> ReleaseFilter:
        return ReleaseFilter(services=self.services, genres=(self.genre,), kinds=(self.kind,))


def peer_table(live: LiveCatalog) -> pa.Table:
    """What the peers query: the filtered columns, the same local days, and row numbers."""
    table = live.table
    return pa.table(
        {
            "row": pa.array(np.arange(table.num_rows)),
            "service": table["service"],
            "kind": table["kind"],
            "genres": table["genres"],
            "day": live.days(TZ),
        }
    )


def polars_query(peers: pa.Table):
    """A function running the query in polars over a DataFrame built once from ``peers``."""
    import polars as pl

    frame = pl.from_arrow(peers)

    def run(query: CalendarQuery) -> np.ndarray:
        matches = frame.filter(
            pl.col("service").is_in(list(query.services))
            & (pl.col("kind") == query.kind)
            & pl.col("genres").list.contains(query.genre)
            & pl.col("day").is_between(query.start, query.end)
        )
        return matches["row"].to_numpy()

    return run


def duckdb_query(peers: pa.Table):
    """A function running the query in DuckDB over a table loaded once from ``peers``."""
    import duckdb

    connection = duckdb.connect()
    connection.register("peers", peers)
    connection.execute("CREATE TABLE releases AS SELECT * FROM peers")
    connection.unregister("peers")

    def run(query: CalendarQuery) -> np.ndarray:
        services = ", ".join("?" for _ in query.services)
        sql = (
            f"SELECT row FROM releases WHERE service IN ({services}) AND kind = ? "
            "AND list_contains(genres, ?) AND day BETWEEN ? AND ?"
        )
        parameters = [*query.services, query.kind, query.genre, query.start, query.end]
        return connection.execute(sql, parameters).fetchnumpy()["row"]

    return run


def query_figures(live: LiveCatalog, rows: int, repeats: int) -> list[Figure]:
    """The calendar's query through LiveCatalog.match (uncached, as a new filter runs in the
    app), ReleaseFilter.mask over every row, polars and DuckDB; they must agree."""
    query = CalendarQuery.for_catalog(live)
    release_filter = query.release_filter
    days = live.days(TZ)
    peers = peer_table(live)
    runners = {"polars": polars_query(peers), "DuckDB": duckdb_query(peers)}
    ours = live.match(release_filter, TZ).to_numpy()
    for name, run in runners.items():
        theirs = np.sort(run(query))
        if not np.array_equal(ours, theirs):
            raise AssertionError(f"{name} found {len(theirs)} rows, ours {len(ours)}")
    app = median_seconds(lambda: live.match(release_filter, TZ), repeats)
    mask = median_seconds(
        lambda: pc.indices_nonzero(release_filter.mask(live.table, days, live.search)), repeats
    )
    peer_times = {
        name: median_seconds(lambda r=run: r(query), repeats) for name, run in runners.items()
    }
    fastest = min(peer_times, key=peer_times.get)
    matched = f"{len(ours):,} rows match"
    return [
        Figure("Query", "ours: LiveCatalog.match (app path)", app, "s", rows, note=matched),
        Figure("Query", "ours: ReleaseFilter.mask over all rows", mask, "s", rows),
        *(Figure("Query", name, t, "s", rows) for name, t in peer_times.items()),
        Figure(
            "Query",
            f"ours / fastest peer ({fastest})",
            app / peer_times[fastest],
            "x",
            rows,
            limit=QUERY_LIMIT,
        ),
    ]


# --------------------------------------------------------------------------- aggregations


def aggregation_figures(live: LiveCatalog, rows: int, repeats: int) -> list[Figure]:
    """The month grid's cards (filtered and unfiltered month: each day's counted, the first
    three built, as the calendar does) and the planner's weekly load."""
    query = CalendarQuery.for_catalog(live)
    days = live.days(TZ)
    figures = []
    month = ReleaseFilter(start=query.start, end=query.end)
    per_day = grid.CARDS_PER_DAY["month"]
    for label, release_filter in (("query", query.release_filter), ("no filter", month)):
        positions = live.match(release_filter, TZ)
        month_days = days.take(positions)

        def month_cards(p=positions, d=month_days):
            return bucketing.day_cards(d, lambda c, at: live.rows(p.take(at), c), per_day)

        seconds = median_seconds(month_cards, repeats)
        note = f"{len(positions):,} rows in, {per_day} cards a day built"
        figures.append(Figure("Aggregate", f"month cards, {label}", seconds, "s", rows, note=note))
    positions = live.match(query.without_dates(), TZ)
    table = live.rows(positions, ["service", "runtime_minutes", "episode_count"])
    planner_days = days.take(positions)
    seconds = median_seconds(lambda: planner.weekly_load(table, planner_days), repeats)
    note = f"{len(positions):,} rows in"
    figures.append(Figure("Aggregate", "planner service x week", seconds, "s", rows, note=note))
    return figures


# --------------------------------------------------------------------------- exports


def export_figures(live: LiveCatalog, rows: int, repeats: int) -> list[Figure]:
    """CSV of up to 100k and iCalendar of up to 10k filtered (dated, series) rows, each
    including the take of the rows, as the Browse page's download does."""
    dated_series = ReleaseFilter(kinds=("series",), start=DEMO_START)
    positions = live.match(dated_series, TZ)
    csv_positions, ics_positions = positions[:CSV_ROWS], positions[:ICS_ROWS]
    csv = median_seconds(lambda: exports.to_csv(live.rows(csv_positions)), repeats)
    ics = median_seconds(
        lambda: exports.to_ics(live.rows(ics_positions), calendar_name="Benchmark"), repeats
    )
    return [
        _export_figure("CSV", "rows", len(csv_positions), CSV_ROWS, csv, CSV_LIMIT, rows),
        _export_figure(".ics", "events", len(ics_positions), ICS_ROWS, ics, ICS_LIMIT, rows),
    ]


def _export_figure(
    kind: str, unit: str, count: int, target_count: int, seconds: float, limit: float, rows: int
) -> Figure:
    """An export's time; the target applies only when the catalog had ``target_count`` rows."""
    full = count == target_count
    return Figure(
        "Export",
        f"{kind} of {count:,} {unit}",
        seconds,
        "s",
        rows,
        limit=limit if full else None,
        note="" if full else f"target is for {target_count:,} {unit}",
    )
