"""The server answers without waiting for acknowledgements (calendar_data.sockets)."""

from __future__ import annotations

import os
import socket
import statistics
import time

import httpx
from browser import streamlit_app
from sample import write_sample

from calendar_data.sockets import send_without_delay


def listening_like_streamlit() -> socket.socket:
    """A listening socket made as Streamlit makes its own: protocol number 0."""
    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener


def nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_listening_sockets_send_without_delay_and_stay_open():
    with listening_like_streamlit() as listener, socket.socket() as idle:
        assert not nodelay(listener)
        assert send_without_delay() >= 1
        assert nodelay(listener)
        assert not nodelay(idle)  # not listening: left alone
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()  # the listener still works
            with accepted:
                assert nodelay(accepted)  # and its connections inherit the option


def test_other_descriptors_are_left_open():
    """Files and pipes are looked at through duplicates, and each duplicate is closed."""
    before = len(os.listdir("/dev/fd"))
    reading, writing = os.pipe()
    try:
        send_without_delay()
        assert len(os.listdir("/dev/fd")) == before + 2
        os.write(writing, b"still open")
        assert os.read(reading, 10) == b"still open"
    finally:
        os.close(reading)
        os.close(writing)


def test_a_kept_alive_connection_is_answered_at_once(tmp_path):
    """Each request after the first on a connection used to wait for the browser's delayed
    acknowledgement, about 40 ms; now a health check takes a few."""
    catalog = write_sample(tmp_path / "catalog.parquet")
    with streamlit_app(catalog, tmp_path / "streamlit.log") as url, httpx.Client() as client:
        waits = []
        for _ in range(12):
            started = time.perf_counter()
            assert client.get(f"{url}/_stcore/health").status_code == 200
            waits.append(time.perf_counter() - started)
    assert statistics.median(waits[1:]) < 0.02, waits
