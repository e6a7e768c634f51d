"""server.py's start: it takes visitors once warm, and never waits long for that."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
from pathlib import Path

import pytest
from streamlit import delta_generator

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def server(monkeypatch):
    """server.py as a module, its sockets and catalog left alone."""
    spec = importlib.util.spec_from_file_location("calendar_server", REPO / "server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "send_without_delay", lambda: 0)
    monkeypatch.setattr(module, "preload", lambda: None)
    return module


def entered(server) -> float:
    """Seconds until the server's start lets it take visitors."""

    async def enter() -> float:
        began = time.perf_counter()
        async with server.start(None):
            return time.perf_counter() - began

    return asyncio.run(enter())


def test_a_server_takes_visitors_once_its_warm_start_is_done(server, monkeypatch):
    warm = threading.Event()

    def prepare(_loading):
        time.sleep(0.3)
        warm.set()

    monkeypatch.setattr(server, "_prepare_the_first_visit", prepare)
    assert entered(server) >= 0.3
    assert warm.is_set()


def test_a_slow_warm_start_does_not_keep_visitors_out(server, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(server, "_prepare_the_first_visit", lambda _loading: release.wait(30))
    monkeypatch.setattr(server, "WARM_START_LIMIT_SECONDS", 0.2)
    try:
        assert entered(server) < 5  # it goes on warming behind the page's spinner
    finally:
        release.set()


def test_the_warm_start_makes_streamlits_once_a_process_check(server, monkeypatch):
    """Made on a process's first element otherwise, inside the first visitor's script run."""
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    server._check_for_a_repl()
    assert delta_generator._use_warning_has_been_displayed
