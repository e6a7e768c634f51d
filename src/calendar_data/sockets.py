"""Answers sent at once: Nagle's algorithm off on the server's listening sockets.

Streamlit binds its listening socket itself, as ``socket.socket(family)``, whose protocol
number is 0, and asyncio turns Nagle's algorithm off only on connections whose protocol is
``IPPROTO_TCP``: every connection the server accepts keeps it on. A response goes out in two
writes (its headers, then its body), and the second then waits for the browser to acknowledge
the first, which a browser delays (by about 40 ms on Linux). So every request after the first
on a kept-alive connection, and every websocket message sent right after another, waited that
long: a new session's page, which fetches some forty script chunks over six connections, waited
for it again and again (benchmarks/RESULTS.md, ninth round).

Connections inherit the option from the socket that accepted them, so setting it on the
listening sockets, once at start, covers every connection.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

#: This process's open file descriptors (Linux and macOS).
_OPEN_FILES = Path("/dev/fd")


def send_without_delay() -> int:
    """Turn Nagle's algorithm off on every TCP socket this process listens on; how many."""
    return sum(_send_without_delay(fd) for fd in _open_descriptors())


def _open_descriptors() -> list[int]:
    try:
        return [int(name) for name in os.listdir(_OPEN_FILES)]
    except OSError:  # no /dev/fd here: nothing to set
        return []


def _send_without_delay(fd: int) -> bool:
    """Set TCP_NODELAY on ``fd`` if it is a listening TCP socket, through a duplicate (closing
    the duplicate leaves the server's descriptor open)."""
    try:
        duplicate = os.dup(fd)
    except OSError:  # closed meanwhile
        return False
    try:
        listener = socket.socket(fileno=duplicate)
    except OSError:  # not a socket
        os.close(duplicate)
        return False
    with listener:
        if listener.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        if listener.type != socket.SOCK_STREAM:
            return False
        if not listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            return False
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return True
