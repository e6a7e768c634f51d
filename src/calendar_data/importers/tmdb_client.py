"""A polite HTTP client for TMDB's API v3: authenticated, paced, retrying, caching to disk.

TMDB takes a v3 API key as the ``api_key`` query parameter or a read access token as a
``Bearer`` header. It allows about 40 requests a second and answers HTTP 429 (``status_code``
25) beyond that. This client keeps under ``rate`` requests a second, honours ``Retry-After``,
retries timeouts and server errors with exponential backoff, and names what it was fetching
when it gives up. Credentials never appear in a message or a cache file name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx

from ..files import atomic_write
from .tvmaze_client import USER_AGENT, _retry_after

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
ATTEMPTS = 4
#: A server asking us to wait longer than this has effectively refused; we give up instead.
MAX_RETRY_AFTER = 120.0
HOW_TO_GET_A_KEY = (
    "TMDB needs an API key: set TMDB_API_KEY (v3 API key) or TMDB_READ_TOKEN (read access "
    "token); request one free at https://www.themoviedb.org/settings/api"
)

#: How long a cached response stays fresh: lists for the calendar day they were fetched on,
#: title details for the ISO week.
Freshness = Literal["day", "week"]


class TmdbError(Exception):
    """TMDB could not be reached or kept failing; the message names what was being fetched."""


class UnusableResponse(TmdbError):
    """TMDB answered, but with something that cannot be used (a 4xx status, or not JSON)."""


class MissingCredentials(TmdbError):
    """Neither TMDB_API_KEY nor TMDB_READ_TOKEN is set."""


@dataclass(frozen=True)
class Credentials:
    """A v3 API key, or a read access token (used when both are given)."""

    api_key: str | None = None
    read_token: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Credentials:
        """The credentials in ``TMDB_API_KEY`` / ``TMDB_READ_TOKEN``; :class:`MissingCredentials`
        saying how to get one when neither is set."""
        api_key = environ.get("TMDB_API_KEY", "").strip() or None
        read_token = environ.get("TMDB_READ_TOKEN", "").strip() or None
        if api_key is None and read_token is None:
            raise MissingCredentials(HOW_TO_GET_A_KEY)
        return cls(api_key, read_token)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.read_token}"} if self.read_token else {}

    def params(self) -> dict[str, str]:
        return {"api_key": self.api_key} if self.api_key and not self.read_token else {}


class TmdbClient:
    """GET JSON from TMDB, at most ``rate`` requests per second.

    ``sleep``, ``clock``, ``backoff`` and ``today`` are injectable so tests run instantly and
    can move the cache's notion of "today"; ``transport`` lets tests answer in-process
    (:class:`httpx.MockTransport`). ``requests`` counts requests actually sent, retries
    included; cache hits are free.
    """

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_BASE_URL,
        *,
        rate: float = 20.0,
        cache_dir: str | os.PathLike | None = None,
        timeout: float = 20.0,
        attempts: int = ATTEMPTS,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        today: dt.date | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be above 0 requests per second, not {rate}")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base URL must start with http:// or https://, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.requests = 0
        self._credentials = credentials
        self._interval = 1.0 / rate
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._today = today or dt.date.today()
        self._last_request: float | None = None
        self._http = httpx.Client(
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                **credentials.headers(),
            },
            timeout=timeout,
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> TmdbClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_json(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        what: str,
        fresh_for: Freshness = "day",
        cache: bool = True,
        refresh: bool = False,
    ) -> Any:
        """The decoded JSON at ``path``; ``what`` names the request in error messages.

        With a cache folder, a response is kept for ``fresh_for``; ``refresh`` fetches it again
        (and keeps the new one), ``cache=False`` neither reads nor keeps it.

        Raises :class:`UnusableResponse` for a 4xx answer or a body that is not JSON, and
        :class:`TmdbError` when timeouts, 5xx or 429 answers outlast the retries.
        """
        url = httpx.URL(self.base_url + path, params=params or {})
        cached = self._cache_file(str(url), fresh_for) if cache else None
        if cached is not None and not refresh and cached.exists():
            try:
                return json.loads(cached.read_bytes())
            except ValueError:
                pass  # a damaged cache entry is simply fetched again
        body = self._fetch(url, what)
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise UnusableResponse(f"{what}: the response is not JSON ({exc}) from {url}") from None
        if cached is not None:
            atomic_write(cached, lambda handle: handle.write(body))
        return data

    # ----------------------------------------------------------------------- network

    def _fetch(self, url: httpx.URL, what: str) -> bytes:
        """The body at ``url`` (shown without credentials in messages)."""
        authenticated = url.copy_merge_params(self._credentials.params())
        problem = ""
        for attempt in range(self._attempts):
            self._pace()
            self.requests += 1
            wait = self._backoff * 2**attempt
            try:
                response = self._http.get(authenticated)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({exc})"
            else:
                status = response.status_code
                if status == 200:
                    return response.content
                if status == 429:
                    problem = "rate limited (HTTP 429)"
                    wait = _retry_after(response) or wait
                    if wait > MAX_RETRY_AFTER:
                        raise TmdbError(
                            f"{what}: rate limited, and TMDB asks to wait {wait:.0f} s ({url})"
                        )
                elif status >= 500:
                    problem = f"server error (HTTP {status})"
                elif status == 401:
                    raise UnusableResponse(
                        f"{what}: TMDB refused the credentials (HTTP 401: "
                        f"{_status_message(response)}); {HOW_TO_GET_A_KEY}"
                    )
                else:
                    raise UnusableResponse(
                        f"{what}: HTTP {status} ({_status_message(response)}) from {url}"
                    )
            if attempt + 1 < self._attempts:
                self._sleep(wait)
        raise TmdbError(f"{what}: {problem} after {self._attempts} attempts ({url})")

    def _pace(self) -> None:
        """Wait until a request may start without exceeding the rate."""
        if self._last_request is not None:
            wait = self._last_request + self._interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    # ----------------------------------------------------------------------- cache

    def _cache_file(self, url: str, fresh_for: Freshness) -> Path | None:
        """Where the response to ``url`` is kept; the folder name is its freshness period."""
        if self.cache_dir is None:
            return None
        if fresh_for == "day":
            period = self._today.isoformat()
        else:
            year, week, _ = self._today.isocalendar()
            period = f"{year}-W{week:02d}"
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.cache_dir / "tmdb" / period / f"{key}.json"


def _status_message(response: httpx.Response) -> str:
    """TMDB's ``status_message`` from an error body, or the HTTP reason."""
    try:
        message = response.json().get("status_message")
    except (ValueError, AttributeError):
        message = None
    return message if isinstance(message, str) and message else response.reason_phrase
