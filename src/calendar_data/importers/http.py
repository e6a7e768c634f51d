"""What every importer's HTTP client does the same way: pace, retry, cache to disk, decode JSON.

:class:`JsonClient` keeps under ``rate`` requests a second, honours ``Retry-After`` on HTTP
429, retries timeouts and server errors with exponential backoff, keeps responses on disk for
a day or an ISO week, and names what it was fetching when it gives up. A subclass names its
service and its errors, and adds what is its API's own (credentials, how it words a refusal,
its cache folder).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import httpx

from ..files import atomic_write
from ..text import without_credentials

USER_AGENT = "calendar-data/0.1 (streaming release calendar)"
ATTEMPTS = 4
#: The slowest pace asked of a service, one request every 100 s: slower is no pace at all.
MIN_RATE = 0.01
#: A server asking us to wait longer than this has effectively refused; we give up instead.
MAX_RETRY_AFTER = 120.0

#: How long a cached response stays fresh: the calendar day it was fetched on, or the ISO week.
Freshness = Literal["day", "week"]


class JsonClient:
    """GET JSON from one service's API, at most ``rate`` requests per second.

    ``sleep``, ``clock``, ``backoff`` and ``today`` are injectable so tests run instantly and
    can move the cache's notion of "today"; ``transport`` lets tests answer in-process
    (:class:`httpx.MockTransport`). ``requests`` counts requests actually sent, retries
    included; cache hits are free.
    """

    #: The service's name in messages.
    service: ClassVar[str]
    #: Raised when the service cannot be reached or keeps failing.
    error: ClassVar[type[Exception]]
    #: Raised when the service answers with something unusable (a 4xx status, or not JSON).
    unusable: ClassVar[type[Exception]]
    #: The folder below ``cache_dir`` that holds the service's responses ("": ``cache_dir``).
    cache_folder: ClassVar[str] = ""

    def __init__(
        self,
        base_url: str,
        *,
        rate: float,
        cache_dir: str | os.PathLike | None = None,
        timeout: float = 20.0,
        attempts: int = ATTEMPTS,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        today: dt.date | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not MIN_RATE <= rate < math.inf:  # NaN too: it would turn the pacing off
            raise ValueError(f"rate must be at least {MIN_RATE} requests per second, not {rate}")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base URL must start with http:// or https://, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self.requests = 0
        self._interval = 1.0 / rate
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._today = today or dt.date.today()
        self._last_request: float | None = None
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            timeout=timeout,
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> Self:
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

        Raises :attr:`unusable` for a 4xx answer or a body that is not JSON, and :attr:`error`
        when timeouts, 5xx or 429 answers outlast the retries.
        """
        url = httpx.URL(self.base_url + path, params=params or {})
        cached = self._cache_file(str(url), fresh_for) if cache else None
        if cached is not None and not refresh and cached.exists():
            try:
                return json.loads(cached.read_bytes())
            except (ValueError, RecursionError):
                pass  # a damaged cache entry is simply fetched again
        body = self._fetch(url, what)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            shown = without_credentials(str(url))
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            message = f"{what}: the response is not JSON ({reason}) from {shown}"
            raise self.unusable(message) from None
        if cached is not None:
            atomic_write(cached, lambda handle: handle.write(body))
        return data

    # ----------------------------------------------------------------------- the service's own

    def _sent_url(self, url: httpx.URL) -> httpx.URL:
        """The URL actually requested (a subclass adds credentials that messages never show)."""
        return url

    def _refusal(self, response: httpx.Response, what: str, shown: str) -> Exception:
        """The error for a 4xx answer (``shown``: the URL as messages show it)."""
        return self.unusable(f"{what}: HTTP {response.status_code} from {shown}")

    # ----------------------------------------------------------------------- network

    def _fetch(self, url: httpx.URL, what: str) -> bytes:
        """The body at ``url`` (shown in messages without a ``user:password@`` it holds)."""
        sent = self._sent_url(url)
        shown = without_credentials(str(url))
        problem = ""
        for attempt in range(self._attempts):
            self._pace()
            self.requests += 1
            wait = self._backoff * 2**attempt
            try:
                response = self._http.get(sent)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not connect ({exc})"
            except httpx.RequestError as exc:  # redirected in circles, or a body not decoded
                raise self.error(f"{what}: {exc} ({shown})") from exc
            else:
                status = response.status_code
                if status == 200:
                    return response.content
                if status == 429:
                    problem = "rate limited (HTTP 429)"
                    wait = _retry_after(response) or wait
                    if wait > MAX_RETRY_AFTER:
                        raise self.error(
                            f"{what}: rate limited, and {self.service} asks to wait {wait:.0f} s "
                            f"({shown})"
                        )
                elif status >= 500:
                    problem = f"server error (HTTP {status})"
                else:
                    refusal = self._refusal(response, what, shown)
                    refusal.status = status  # see not_found
                    raise refusal
            if attempt + 1 < self._attempts:
                self._sleep(wait)
        raise self.error(f"{what}: {problem} after {self._attempts} attempts ({shown})")

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
        return self.cache_dir / self.cache_folder / period / f"{key}.json"


def not_found(error: BaseException) -> bool:
    """Whether ``error`` is the service's word that what was asked for does not exist (HTTP
    404), rather than another refusal or an answer that could not be used."""
    return getattr(error, "status", None) == 404


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait: ``Retry-After`` as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
