"""The importers' one HTTP client: what it makes of answers no API should give."""

from __future__ import annotations

import httpx
import pytest

from calendar_data.importers.tvmaze_client import TvmazeClient, TvmazeError


def client_answering(handler) -> TvmazeClient:
    return TvmazeClient(
        "https://api.tvmaze.example", sleep=lambda _: None, transport=httpx.MockTransport(handler)
    )


def test_a_redirect_loop_is_one_clear_error_not_a_traceback():
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    with client_answering(loop) as api, pytest.raises(TvmazeError, match="redirect"):
        api.get_json("/schedule", what="the schedule")


def test_a_body_that_cannot_be_decoded_is_one_clear_error():
    def garbled(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip")

    with client_answering(garbled) as api, pytest.raises(TvmazeError, match="the schedule"):
        api.get_json("/schedule", what="the schedule")


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0, -1])
def test_a_rate_that_would_not_pace_is_refused(rate):
    with pytest.raises(ValueError, match="rate must be above 0"):
        TvmazeClient("https://api.tvmaze.example", rate=rate)

