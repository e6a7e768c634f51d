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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from http_standin import standin
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


@contextmanager
def replaying(fake: FakeTvmaze) -> Iterator[FakeTvmaze]:
    """Serve ``fake`` on a free local port for the block; sets ``fake.url``."""
    with standin(lambda request: fake.reply(request.path)) as url:
        fake.url = url
        yield fake


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="refresh config to write")
    parser.add_argument("command", nargs="+", help="the command to run (after --)")
    args = parser.parse_args(argv)
    with replaying(FakeTvmaze()) as fake:
        config = Path(args.config)
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG.format(url=fake.url))
        code = subprocess.call(args.command)
    print(f"the stand-in TVmaze answered {len(fake.requests)} request(s)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
