"""How fresh a refreshed catalog is: the sidebar's words, from metadata that is not trusted."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_data.freshness import freshness
from calendar_data.refresh_config import ConfigError, parse_config

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
SIX_HOURS_AGO = (NOW - dt.timedelta(hours=6)).isoformat()


def test_each_source_says_how_long_ago_and_an_overdue_catalog_warns():
    refresh = {"every_hours": 3, "sources": {"TVmaze": {"refreshed_at": SIX_HOURS_AGO}}}
    fresh = freshness(refresh, NOW)
    assert fresh.text == "TVmaze 6 h ago"
    assert "longer than its refresh interval of 3 h" in fresh.warning


def test_a_refresh_a_little_late_on_its_schedule_is_not_overdue():
    """The shipped timer fires at a quarter past, up to ten minutes later, every 6 hours."""
    refresh = {"every_hours": 6, "sources": {"TVmaze": {"refreshed_at": SIX_HOURS_AGO}}}
    assert freshness(refresh, NOW + dt.timedelta(minutes=25)).warning == ""
    warning = freshness(refresh, NOW + dt.timedelta(hours=2)).warning
    assert warning.startswith("The catalog was last refreshed 8 h ago, longer than")


@pytest.mark.parametrize("interval", [float("inf"), float("nan"), 1e300, -1, True, "6"])
def test_an_interval_no_clock_can_hold_is_no_interval(interval):
    refresh = {"every_hours": interval, "sources": {"TMDB": {"refreshed_at": SIX_HOURS_AGO}}}
    assert freshness(refresh, NOW).text == "TMDB 6 h ago"
    assert freshness(refresh, NOW).warning == ""


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_a_config_refuses_numbers_that_are_not_finite(value):
    text = f"every_hours = {value}\n[sources.tvmaze]\n"
    with pytest.raises(ConfigError, match=r"line 1: every_hours must be a finite number"):
        parse_config(text, "refresh.toml", {"tvmaze": {}})
