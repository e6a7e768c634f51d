"""The calendar's cards of a visible range (``ui.calendar_view.visible_cards``): each view's
first cards of a day, every day's count, and the "+N more" drawer's whole day."""

from __future__ import annotations

import datetime as dt

import pytest
from sample import write_sample

from calendar_data import grid
from calendar_data.filters import ReleaseFilter
from calendar_data.live import LiveCatalog
from calendar_data.ui import calendar_view

CROWDED = dt.date(2023, 11, 20)  # five releases on Max, each its own card
EVERYTHING = ReleaseFilter()


@pytest.fixture
def live(tmp_path) -> LiveCatalog:
    return LiveCatalog.open(write_sample(tmp_path / "catalog.parquet"))


def on_crowded_day(cards) -> int:
    return int((cards.shown["day"] == CROWDED).sum())


def test_each_view_gets_its_own_number_of_cards_a_day(live):
    start, end = grid.view_range("month", CROWDED)
    month = calendar_view.visible_cards(live, EVERYTHING, "UTC", start, end, 3)
    agenda = calendar_view.visible_cards(live, EVERYTHING, "UTC", start, end, 50)
    assert (on_crowded_day(month), on_crowded_day(agenda)) == (3, 5)
    assert month.totals == agenda.totals and month.totals[CROWDED] == 5
    assert month.total == agenda.total == len(agenda.shown)


def test_the_drawer_gets_its_whole_day_within_the_filters(live):
    whole = calendar_view.visible_cards(
        live, EVERYTHING, "UTC", CROWDED, CROWDED, calendar_view.DRAWER_CARDS
    )
    assert whole.totals == {CROWDED: 5} and len(whole.shown) == 5
    elsewhere = ReleaseFilter(services=("Netflix",))
    assert calendar_view.visible_cards(live, elsewhere, "UTC", CROWDED, CROWDED, 200).total == 0
    later = ReleaseFilter(start=CROWDED + dt.timedelta(days=1))
    outside = calendar_view.visible_cards(live, later, "UTC", CROWDED, CROWDED, 200)
    assert outside.total == 0 and outside.shown.empty and outside.totals == {}


def test_a_prepared_zone_serves_its_days_and_undated_releases_without_computing(
    live, monkeypatch
):
    """What a fresh server computes at start (server.py) is what a first visit asks for."""
    calendar_view.prepare(live, "UTC")

    def computed_again(*_):
        raise AssertionError("computed again")

    monkeypatch.setattr(calendar_view, "_undated", computed_again)
    monkeypatch.setattr("calendar_data.live.local_days", computed_again)
    assert not calendar_view.undated(live, EVERYTHING, "UTC").empty  # the sample has a TBA
    assert len(live.days("UTC")) == live.table.num_rows
