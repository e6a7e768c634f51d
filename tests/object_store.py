"""A real S3 API on this machine for the object-storage tests: moto's server, started and
stopped by the tests, with its request log read back to see which objects a load opened."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import httpx
from browser import answers, free_port, running

#: One werkzeug log line: ``127.0.0.1 - - [date] "GET /bucket/key?x HTTP/1.1" 200 -``.
_REQUEST = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+"\s+(?P<status>\d{3})')
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    status: int


@dataclass
class S3Server:
    endpoint: str
    log: Path
    #: Where the log stood at the last forget_requests(): earlier requests are not counted.
    mark: int = 0

    def environment(self) -> dict[str, str]:
        """The standard variables that point AWS clients (and Arrow) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def create_bucket(self, name: str) -> None:
        httpx.put(f"{self.endpoint}/{name}").raise_for_status()

    def put(self, bucket: str, key: str, body: bytes) -> None:
        httpx.put(f"{self.endpoint}/{bucket}/{key}", content=body).raise_for_status()

    def get(self, bucket: str, key: str) -> bytes:
        response = httpx.get(f"{self.endpoint}/{bucket}/{key}")
        response.raise_for_status()
        return response.content

    def requests(self) -> list[Request]:
        """Every request the server has answered, oldest first."""
        found = []
        with open(self.log, "rb") as log:
            log.seek(self.mark)
            text = log.read().decode(errors="replace")
        for line in text.splitlines():
            match = _REQUEST.search(_COLOUR.sub("", line))
            if match:
                path, _, query = match["target"].partition("?")
                found.append(Request(match["method"], unquote(path), query, int(match["status"])))
        return found

    def objects_read(self) -> set[str]:
        """The keys (``bucket/key``) whose bytes were fetched, as opposed to listed."""
        fetched = (r for r in self.requests() if r.method == "GET" and r.path.count("/") > 1)
        return {r.path.lstrip("/") for r in fetched}

    def forget_requests(self) -> None:
        self.mark = self.log.stat().st_size


@contextmanager
def s3_server(log: Path, deny_everything: bool = False) -> Iterator[S3Server]:
    """moto's S3 server on a free local port. ``deny_everything`` turns its access checks on
    with no credentials known to it, so every request is refused as a denied one."""
    port = free_port()
    env = {"INITIAL_NO_AUTH_ACTION_COUNT": "0"} if deny_everything else {}
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    endpoint = f"http://127.0.0.1:{port}"
    up = answers(f"{endpoint}/moto-api/")
    with running(
        command, log, f"moto's S3 server at {endpoint}", up, env=_plain_environment() | env
    ):
        yield S3Server(endpoint, log)


def _plain_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
