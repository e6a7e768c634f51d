"""The shipped Streamlit configuration keeps the dashboard closed by default.

No tracebacks or paths reach the browser, viewers get no developer menu, no usage statistics
leave the machine, the server listens on this machine only, and messages and uploads are
capped. The file is checked as written (TOML) and as Streamlit reads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / ".streamlit" / "config.toml"
#: What the file must say, option by option.
REQUIRED = {
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "browser.gatherUsageStats": False,
    "server.address": "127.0.0.1",
    "server.headless": True,
    "server.fileWatcherType": "none",
    "runner.magicEnabled": False,
}
#: Safe defaults the file must not turn off.
KEPT_DEFAULTS = {
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "server.enableStaticServing": False,
    "global.developmentMode": False,
    "server.runOnSave": False,
}
#: Upper bounds, in megabytes: the app uploads nothing and sends a page of rows at a time.
SIZE_LIMITS_MB = {"server.maxUploadSize": 50, "server.maxMessageSize": 200}


@pytest.fixture(scope="module")
def written() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def option(table: dict, name: str):
    section, key = name.split(".")
    return table.get(section, {}).get(key)


@pytest.mark.parametrize(("name", "expected"), REQUIRED.items())
def test_the_file_sets(written, name, expected):
    assert option(written, name) == expected


@pytest.mark.parametrize(("name", "default"), KEPT_DEFAULTS.items())
def test_the_file_keeps_safe_defaults(written, name, default):
    assert option(written, name) in (None, default)


@pytest.mark.parametrize(("name", "limit"), SIZE_LIMITS_MB.items())
def test_sizes_are_capped(written, name, limit):
    value = option(written, name)
    assert isinstance(value, int) and 1 <= value <= limit


def test_streamlit_reads_the_same_values(tmp_path):
    """Streamlit's own parser, run where ``streamlit run`` runs, with no user config or env."""
    names = [*REQUIRED, *KEPT_DEFAULTS, *SIZE_LIMITS_MB]
    script = (
        "import json, sys\n"
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "names = json.loads(sys.argv[1])\n"
        "print(json.dumps({n: [config.get_option(n), config.get_where_defined(n)] for n in names}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(tmp_path)  # no ~/.streamlit/config.toml
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(names)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    effective = json.loads(done.stdout.splitlines()[-1])
    for name, expected in {**REQUIRED, **KEPT_DEFAULTS}.items():
        assert effective[name][0] == expected, name
    for name in REQUIRED:
        assert Path(effective[name][1]) == CONFIG, f"{name} is not set by {CONFIG}"
    for name, limit in SIZE_LIMITS_MB.items():
        assert effective[name][0] <= limit
