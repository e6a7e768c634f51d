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


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0, -1, 1e-300])
def test_a_rate_that_would_not_pace_is_refused(rate):
    with pytest.raises(ValueError, match="rate must be at least 0.01 requests per second"):
        TvmazeClient("https://api.tvmaze.example", rate=rate)



@pytest.mark.parametrize(("status", "error"), [(404, "HTTP 404"), (503, "HTTP 503")])
def test_a_password_in_the_base_url_stays_out_of_messages(tmp_path, status, error):
    def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status)

    base = "http://user:s3cret@api.tvmaze.example"
    api = TvmazeClient(base, sleep=lambda _: None, transport=httpx.MockTransport(refusing))
    with api, pytest.raises(Exception, match=error) as caught:
        api.get_json("/schedule", what="the schedule")
    assert "s3cret" not in str(caught.value)
    assert "api.tvmaze.example/schedule" in str(caught.value)


def test_a_cache_folder_under_home_is_read_as_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    api = TvmazeClient("https://api.tvmaze.example", cache_dir="~/cache")
    assert api.cache_dir == tmp_path / "cache"
