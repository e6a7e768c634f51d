"""The HTTP client for TMDB's API v3: a polite :class:`~.http.JsonClient`, authenticated.

TMDB takes a v3 API key as the ``api_key`` query parameter or a read access token as a
``Bearer`` header. It allows about 40 requests a second and answers HTTP 429 (``status_code``
25) beyond that; :class:`~.http.JsonClient` paces, retries and caches. Credentials never
appear in a message or a cache file name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .http import JsonClient

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
HOW_TO_GET_A_KEY = (
    "TMDB needs an API key: set TMDB_API_KEY (v3 API key) or TMDB_READ_TOKEN (read access "
    "token); request one free at https://www.themoviedb.org/settings/api"
)


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


class TmdbClient(JsonClient):
    """GET JSON from TMDB, at most ``rate`` requests per second (see :class:`.JsonClient`).

    Responses are kept in the ``tmdb`` folder of ``cache_dir``; credentials never appear in
    a message or a cache file name.
    """

    service = "TMDB"
    error = TmdbError
    unusable = UnusableResponse
    cache_folder = "tmdb"

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_BASE_URL,
        *,
        rate: float = 20.0,
        **options: Any,
    ) -> None:
        super().__init__(base_url, rate=rate, headers=credentials.headers(), **options)
        self._credentials = credentials

    def _sent_url(self, url: httpx.URL) -> httpx.URL:
        return url.copy_merge_params(self._credentials.params())

    def _refusal(self, response: httpx.Response, what: str, shown: str) -> Exception:
        if response.status_code == 401:
            return UnusableResponse(
                f"{what}: TMDB refused the credentials (HTTP 401: "
                f"{_status_message(response)}); {HOW_TO_GET_A_KEY}"
            )
        return UnusableResponse(
            f"{what}: HTTP {response.status_code} ({_status_message(response)}) from {shown}"
        )


def _status_message(response: httpx.Response) -> str:
    """TMDB's ``status_message`` from an error body, or the HTTP reason."""
    try:
        message = response.json().get("status_message")
    except (ValueError, AttributeError):
        message = None
    return message if isinstance(message, str) and message else response.reason_phrase
