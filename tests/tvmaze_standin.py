"""A stand-in for api.tvmaze.com that replays the recorded fixtures of tests/fixtures/tvmaze.

``make refresh`` runs it to refresh a scratch catalog without the network:

    python tests/tvmaze_standin.py --config .refresh/refresh.toml -- \\
        calendar-data refresh .refresh/catalog.parquet --config .refresh/refresh.toml

It serves on a free local port, writes a refresh config pointing TVmaze's ``base_url`` at it,
runs the command after ``--``, and stops when the command ends, exiting with its code.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from test_tvmaze import FakeTvmaze

#: Fixture days: the recorded schedules are of the week of 2025-03-05.
CONFIG = """\
# Written by tests/tvmaze_standin.py: TVmaze replayed from tests/fixtures/tvmaze.
every_hours = 6
days_ahead = 2
days_behind = 30

[sources.tvmaze]
base_url = "{url}"
rate = 50
"""


def start(fake: FakeTvmaze) -> ThreadingHTTPServer:
    """Serve ``fake`` on a free local port, in a background thread; sets ``fake.url``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            reply = fake.reply(self.path)
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    return httpd


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="refresh config to write")
    parser.add_argument("command", nargs="+", help="the command to run (after --)")
    args = parser.parse_args(argv)
    fake = FakeTvmaze()
    httpd = start(fake)
    try:
        config = Path(args.config)
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG.format(url=fake.url))
        code = subprocess.call(args.command)
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(f"the stand-in TVmaze answered {len(fake.requests)} request(s)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
