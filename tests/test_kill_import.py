"""``calendar-data import tvmaze --into`` killed with SIGKILL at random points.

The import runs for real in a subprocess against a local fake TVmaze (the fixtures of
test_tvmaze.py), merging into a 100,000-row catalog so that writing takes long enough to be
hit. Half the kills land anywhere in the run, half while the temporary file is being written.
Whatever the moment, the catalog is either byte-for-byte the old one or the complete new one,
and the next run that finishes leaves no temporary file behind.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_tvmaze import GLASS, HARBOUR_PREMIERE, NIGHT_DESK, STANDUP, FakeTvmaze

from calendar_data import demo
from calendar_data.catalog import SourceInfo, load_catalog, validate, write_catalog
from calendar_data.changes import change_log_path
from calendar_data.snapshot import snapshot_path

ROWS = 100_000
KILLS = 10
SEED = 20250306
IMPORTED = {GLASS, HARBOUR_PREMIERE, NIGHT_DESK, STANDUP}
#: A run takes about a second here; "anytime" kills spread over a little more than that.
LONGEST_DELAY = 1.4
WRITING_DELAY = 0.15


@pytest.fixture(scope="module")
def tvmaze_url() -> Iterator[str]:
    fake = FakeTvmaze()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            reply = fake.reply(self.path)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the importer was killed mid-request

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def start_import(catalog: Path, url: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "calendar_data.cli", "import", "tvmaze",
        "--start", "2025-03-05", "--days", "2", "--into", str(catalog),
        "--base-url", url, "--rate", "100", "--quiet",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def temporaries(catalog: Path) -> list[Path]:
    return sorted(catalog.parent.glob(f".{catalog.name}.*.tmp"))


def kill_while_writing(importer: subprocess.Popen, catalog: Path, rng: random.Random) -> bool:
    """Kill once a temporary file appears (after a random pause); whether one appeared."""
    while importer.poll() is None:
        if temporaries(catalog):
            time.sleep(rng.uniform(0, WRITING_DELAY))
            importer.kill()
            return True
        time.sleep(0.001)
    return False


def assert_old_or_complete_new(catalog: Path, before: bytes, rows_before: int) -> str:
    after = catalog.read_bytes()
    if after == before:
        return "old"
    loaded = load_catalog(catalog)
    validate(loaded.table, str(catalog))
    ids = set(loaded.table["release_id"].to_pylist())
    assert IMPORTED <= ids, "the new catalog lacks the imported releases"
    assert loaded.num_rows >= rows_before
    return "new"


def test_killed_imports_leave_the_old_or_the_new_catalog(tmp_path, tvmaze_url):
    catalog = tmp_path / "catalog.parquet"
    write_catalog(demo.demo_table(ROWS), catalog, [SourceInfo(demo.SOURCE)])
    rng = random.Random(SEED)
    outcomes, killed_writing = [], 0

    for trial in range(KILLS):
        before = catalog.read_bytes()
        rows_before = load_catalog(catalog, columns=["release_id"]).num_rows
        importer = start_import(catalog, tvmaze_url)
        if trial % 2:
            killed_writing += kill_while_writing(importer, catalog, rng)
        else:
            time.sleep(rng.uniform(0.05, LONGEST_DELAY))
            importer.kill()
        importer.wait(timeout=60)
        importer.stderr.close()
        outcomes.append(assert_old_or_complete_new(catalog, before, rows_before))

    assert killed_writing >= KILLS // 2 - 1, "the kills missed the write phase"
    assert "old" in outcomes, outcomes
    assert temporaries(catalog), "no kill left a temporary file for the next run to remove"

    finished = start_import(catalog, tvmaze_url)
    _, errors = finished.communicate(timeout=120)
    assert finished.returncode == 0, errors.decode()
    assert IMPORTED <= set(load_catalog(catalog).table["release_id"].to_pylist())
    assert temporaries(catalog) == []
    # The catalog and, if an import got as far as recording what it changed, its change log
    # and its snapshot; no temporary of any is left.
    beside = {change_log_path(catalog).name, snapshot_path(catalog).name}
    left = {p.name for p in tmp_path.iterdir()} - beside
    assert left == {catalog.name}
