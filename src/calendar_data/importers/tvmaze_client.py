"""The HTTP client for the TVmaze API: a polite :class:`~.http.JsonClient`, without credentials.

TVmaze asks for a distinct User-Agent and allows about 20 requests per 10 seconds; it answers
HTTP 429 when a client goes faster.
"""

from __future__ import annotations

from typing import Any

from .http import JsonClient

DEFAULT_BASE_URL = "https://api.tvmaze.com"


class TvmazeError(Exception):
    """TVmaze could not be reached or kept failing; the message names what was being fetched."""


class UnusableResponse(TvmazeError):
    """TVmaze answered, but with something that cannot be used (a 4xx status, or not JSON)."""


class TvmazeClient(JsonClient):
    """GET JSON from TVmaze, at most ``rate`` requests per second (see :class:`.JsonClient`)."""

    service = "TVmaze"
    error = TvmazeError
    unusable = UnusableResponse

    def __init__(
        self, base_url: str = DEFAULT_BASE_URL, *, rate: float = 2.0, **options: Any
    ) -> None:
        super().__init__(base_url, rate=rate, **options)
