"""The dashboard under AppTest: pages, filters, URL state, panel, empty and error states."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pytest
from app_components import DAY_DRAWER, component
from sample import REFERENCE, sample_rows, synthetic_release, write_sample
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest

from calendar_data import routes
from calendar_data.catalog import SourceInfo, write_catalog
from calendar_data.filters import MAX_VALUES
from calendar_data.params import FILTERS_KEPT_OPEN, FILTERS_OPEN, MULTI_PARAMS, MY_SERVICES_OPEN
from calendar_data.schema import SCHEMA
from calendar_data.ui import calendar_view

APP = str(Path(__file__).resolve().parents[1] / "app.py")
REFERENCE_ID = "all-the-light-we-cannot-see"
SYNTHETIC = SourceInfo("synthetic test data")


def run_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def open_filters(at: AppTest) -> AppTest:
    """Open the sidebar's Filters panel, as a click on it does: its inputs are drawn then."""
    at.session_state[FILTERS_KEPT_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    return at


def param(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


class Card(NamedTuple):
    title: str
    details: str
    day: str
    index: int
    title_id: str
    release_id: str


def calendar_payload(at: AppTest) -> dict:
    """The days the calendar component was given to draw."""
    grid = component(at)
    return json.loads(grid.proto.json) if grid else {"days": []}


def calendar_cards(at: AppTest) -> list[Card]:
    return [
        Card(c["title"], c["details"], d["day"], i, c["title_id"], c["release_id"])
        for d in calendar_payload(at)["days"]
        for i, c in enumerate(d["cards"])
    ]


def drawer_cards(at: AppTest) -> list[dict]:
    """The cards the "+N more" drawer gave its copy of the calendar component to draw."""
    drawn = component(at.get("dialog")[0], DAY_DRAWER)
    return json.loads(drawn.proto.json)["days"][0]["cards"]


def click_in_calendar(at: AppTest, event: str, value) -> AppTest:
    """Send what a click inside the calendar component sends (a trigger value), and rerun.

    Streamlit's private API, kept to this helper: AppTest 1.67 has no public way to act
    inside a component, and a component's triggers are kept out of ``session_state``, so
    this builds the widget states a browser would send (``_tree``, ``_make_trigger_id``)
    and runs the script with them (``_run``)."""
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(component(at).proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)


def card_titles(at: AppTest) -> list[str]:
    return [card.title for card in calendar_cards(at)]


def card_named(at: AppTest, title: str) -> Card:
    return next(card for card in calendar_cards(at) if card.title == title)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [t.value for t in at.title]
    return "\n".join(parts).replace("\\", "")


@pytest.mark.parametrize(
    "page", ["pages/calendar.py", "pages/browse.py", "pages/title.py", "pages/planner.py"]
)
def test_every_page_loads(catalog, page):
    at = run_app(date="2023-11-01")
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_calendar_opens_on_the_catalogs_first_month_and_says_its_span(catalog):
    at = run_app()
    assert "November 2023" in [h.value for h in at.header]
    assert "This catalog covers 2 November 2023 to 5 December 2023" in texts(at)
    assert "All the Light We Cannot See" in card_titles(at)


def test_reference_title_is_a_full_drop_card_on_its_day(catalog):
    at = run_app(service="Netflix", date="2023-11-01")
    card = card_named(at, "All the Light We Cannot See")
    assert card.details == "Netflix · Full drop · S1 E1-E4 · 4 episodes"
    assert (card.day, card.index) == ("2023-11-02", 0)


def test_filters_narrow_results(catalog):
    at = open_filters(run_app(date="2023-11-01"))
    everything = card_titles(at)
    at.multiselect(key="service").set_value(["Netflix"]).run()
    netflix = card_titles(at)
    assert set(netflix) < set(everything)
    assert netflix == ["All the Light We Cannot See", "Test Show 4", "Test Show 8", "Test Show 12"]
    # The browser writes a bound widget's value into the URL (test_browser.py checks it there);
    # AppTest has no browser, so it sees the value in the widget.
    assert at.multiselect(key="service").value == ["Netflix"]
    at.text_input(key="q").input("ruffalo").run()
    assert card_titles(at) == ["All the Light We Cannot See"]


def test_an_unfiltered_view_draws_the_filters_inputs_once_they_are_opened(catalog):
    """Drawn, the inputs would cost every new session's first paint (benchmarks/RESULTS.md)."""
    at = run_app(date="2023-11-01")
    assert at.session_state[FILTERS_OPEN] is False
    assert not [w.key for w in [*at.multiselect, *at.selectbox] if w.key in (*MULTI_PARAMS, "tz")]
    assert "**20** of 20 releases match" in [m.value for m in at.sidebar.markdown]
    open_filters(at)
    assert {w.key for w in at.multiselect} >= set(MULTI_PARAMS)
    assert at.selectbox(key="tz").value is None


def test_a_filtered_link_opens_the_filters_which_hold_it_once_closed(catalog):
    at = run_app(service="Netflix", date="2023-11-01")
    assert at.session_state[FILTERS_OPEN] is True
    at.session_state[FILTERS_KEPT_OPEN] = False  # the viewer closes the panel
    at.run()
    assert at.multiselect(key="service").value == ["Netflix"]  # drawn: its parameter stays
    assert card_titles(at) == [
        "All the Light We Cannot See",
        "Test Show 4",
        "Test Show 8",
        "Test Show 12",
    ]


def test_a_filter_the_url_drops_while_the_panel_is_closed_stays_dropped(catalog):
    """The browser's Back to a view without the filter, the panel closed: the filter came
    back, picked, once the panel was opened again (a bound input keeps its value)."""
    at = open_filters(run_app(date="2023-11-01"))
    at.multiselect(key="service").set_value(["Netflix"])
    at.query_params["service"] = "Netflix"  # as the browser writes a picked value
    at.run()
    at.session_state[FILTERS_KEPT_OPEN] = False
    at.run()
    del at.query_params["service"]  # Back
    at.run()
    assert "**20** of 20 releases match" in [m.value for m in at.sidebar.markdown]
    open_filters(at)
    assert at.multiselect(key="service").value == []
    assert "service" not in at.query_params


def test_filters_set_by_a_callback_open_the_panel_and_apply(catalog):
    """A Planner chart's click sets filters (pages/planner.py) while the panel may be closed:
    the panel opens and draws them, so that they apply and bind to the URL."""

    def script():
        import streamlit as st

        from calendar_data.ui.data import live_catalog
        from calendar_data.ui.sidebar import filter_sidebar, set_filters

        release_filter, _, _ = filter_sidebar(live_catalog())
        st.button("Narrow", key="narrow", on_click=set_filters, args=({"service": ["Netflix"]},))
        st.button("Nothing", key="nothing", on_click=set_filters, args=({},))
        st.write(", ".join(release_filter.services) or "every service")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert at.markdown[-1].value == "every service"
    at.button(key="nothing").click().run()  # a chart's click that selects no point
    assert at.session_state[FILTERS_OPEN] is False
    at.button(key="narrow").click().run()
    assert at.session_state[FILTERS_OPEN] is True
    assert at.multiselect(key="service").value == ["Netflix"]
    assert at.markdown[-1].value == "Netflix"


def test_a_filter_offers_no_more_choices_than_a_view_reads(catalog):
    """Past MAX_VALUES a link's values are cut: the widgets stop there too."""
    at = open_filters(run_app())
    at.session_state[MY_SERVICES_OPEN] = True
    at.run()
    for key in (*MULTI_PARAMS, "my_service"):
        assert at.multiselect(key=key).proto.max_selections == MAX_VALUES


def test_kind_and_type_filters(catalog):
    at = run_app(date="2023-11-01", kind="limited_series")
    assert card_titles(at) == ["All the Light We Cannot See"]
    at = run_app(date="2023-12-01", type="movie")
    assert card_titles(at) == ["Test Movie"]


def test_the_calendar_reaches_every_date_a_catalog_can_hold(catalog):
    at = run_app(date="2199-12-01")
    assert "December 2199" in [h.value for h in at.header]
    at.button(key="next").click().run()
    assert not at.exception
    assert "December 2199" in [h.value for h in at.header]  # the last month holds
    at = run_app(date="1900-01-15")
    at.button(key="previous").click().run()
    assert "January 1900" in [h.value for h in at.header]


def test_url_restores_a_view(catalog):
    at = run_app(service=["Netflix", "Max"], genre="Drama", view="week", date="2023-11-20")
    assert at.multiselect(key="service").value == ["Netflix", "Max"]
    assert at.multiselect(key="genre").value == ["Drama"]
    assert at.segmented_control(key="view").value == "week"
    assert "Week of 20 November 2023" in [h.value for h in at.header]
    assert card_titles(at) == [f"Test Show {i}" for i in range(20, 25)]


def test_clear_filters_empties_the_url(catalog):
    at = run_app(service="Netflix", q="light", date="2023-11-01")
    at.button(key="clear_filters").click().run()
    assert at.multiselect(key="service").value == []
    assert "service" not in at.query_params
    assert len(card_titles(at)) > 1


def test_clear_filters_resets_the_widgets_without_a_warning(catalog, monkeypatch):
    """Streamlit warns (once per process, with a stack) about a widget given a default and
    a value through session state; clearing must not set one off.

    Streamlit has no public way to re-arm a once-per-process warning, hence the reset of its
    flag; and its loggers do not propagate, so ``caplog`` cannot see them."""
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    logger = logging.getLogger(policies.__name__)
    logger.addHandler(handler)
    try:
        at = run_app(service="Netflix", genre="Drama", date="2023-11-01")
        at.button(key="clear_filters").click().run()
        at.multiselect(key="kind").select("series").run()
    finally:
        logger.removeHandler(handler)
    assert at.multiselect(key="service").value == []
    assert at.multiselect(key="kind").value == ["series"]
    assert not [m for m in logged if "default value" in m], logged


def test_bad_parameters_get_a_gentle_notice(catalog):
    at = run_app(
        service=["Netflix", "Nope+"],
        type="sometimes",
        junk="1",
        tz="../etc/passwd",
        date="2023-11-01",
    )
    notices = [i.value for i in at.info]
    assert "Ignored unknown parameter 'junk'." in notices
    assert "Ignored service 'Nope+': not in this catalog." in notices
    assert "Ignored unknown release type 'sometimes'." in notices
    assert any("not a known time zone" in n for n in notices)
    assert at.multiselect(key="service").value == ["Netflix"]


def test_a_card_of_one_row_per_episode_opens_on_all_its_episodes(tmp_path, monkeypatch):
    """A catalog holding the reference title's four episodes as four rows draws them as one
    card; its drawer once showed the first row alone ("S1 E1", no total)."""
    episodes = [
        {
            **REFERENCE,
            "release_id": f"all-the-light-we-cannot-see-s1e{n}",
            "release_type": "episode",
            "episode_start": n,
            "episode_end": n,
            "episode_count": 1,
        }
        for n in range(1, 5)
    ]
    in_gb = {**episodes[0], "release_id": "all-the-light-we-cannot-see-s1e1-gb", "region": "GB"}
    rows = [row for row in sample_rows() if row is not REFERENCE] + episodes + [in_gb]
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(service="Netflix", date="2023-11-01")
    card = card_named(at, "All the Light We Cannot See")
    click_in_calendar(at, "open", [card.title_id, card.release_id])
    shown = texts(at)
    assert "S1 E1-E4 · 4 episodes" in shown
    assert "60 min per episode · 4 h total" in shown


def test_a_card_and_its_drawer_count_the_episodes_of_the_country_releasing_the_most(
    tmp_path, monkeypatch
):
    """The four episodes worldwide and, synthetic, the first two again as a UK release: once
    the card said 6 episodes, and its drawer opened on the UK release too."""
    in_gb = {**REFERENCE, "release_id": "all-the-light-we-cannot-see-s1e1-2-gb", "region": "GB"}
    in_gb |= {"release_type": "episode", "episode_end": 2, "episode_count": 2}
    rows = [*sample_rows(), in_gb]
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(service="Netflix", date="2023-11-01")
    assert "S1 E1-E4 · 4 episodes" in card_named(at, "All the Light We Cannot See").details
    at = run_app(date="2023-11-01", id=REFERENCE_ID, release=in_gb["release_id"])
    shown = texts(at)
    assert "S1 E1-E4 · 4 episodes" in shown
    assert "60 min per episode · 4 h total" in shown


def test_a_drawer_gathers_no_undated_releases_and_the_seasons_its_card_does(tmp_path, monkeypatch):
    """Two undated seasons are two releases; the end of one season and the start of the next
    on one day are one card, which once said "S1 E1-E8 · 2 episodes" while its drawer said
    "S1 E8" (synthetic titles)."""
    base = {**REFERENCE, "title_id": "tba-multi", "title": "TBA Multi", "release_at": None}
    tba = {"release_date": None, "status": "tba", "release_type": "full_season"}
    undated = [
        {**base, **tba, "release_id": f"tba-multi-s{n}", "season": n, "episode_end": count,
         "episode_count": count, "release_window": str(2025 + n)}
        for n, count in ((2, 8), (3, 10))
    ]
    same_day = [
        {**base, "title_id": "two", "title": "Two Seasons", "release_id": f"two-s{season}e{ep}",
         "season": season, "episode_start": ep, "episode_end": ep, "episode_count": 1,
         "release_type": "episode"}
        for season, ep in ((1, 8), (2, 1))
    ]
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist([*sample_rows(), *undated, *same_day]), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(date="2023-11-01", id="tba-multi", release="tba-multi-s3")
    assert "S3 E1-E10 · 10 episodes" in texts(at)
    card = card_named(run_app(date="2023-11-01"), "Two Seasons")
    assert card.details.endswith("S1-S2 · 2 episodes")
    at = run_app(date="2023-11-01", id="two", release="two-s1e8")
    assert "**Episodes:** S1-S2 · 2 episodes" in texts(at).replace("\\", "")


def test_a_drawer_of_two_countries_tied_shows_the_opened_releases(tmp_path, monkeypatch):
    """S1 E8 in the US and S2 E1 in the UK on one day, one episode each (synthetic): the US
    release's drawer said "S2 E1", the UK's episode."""
    base = {**REFERENCE, "title_id": "tied", "title": "Tied", "release_type": "episode"}
    rows = [
        {
            **base,
            "release_id": f"tied-{region.lower()}",
            "region": region,
            "season": season,
            "episode_start": n,
            "episode_end": n,
            "episode_count": 1,
        }
        for region, season, n in (("US", 1, 8), ("GB", 2, 1))
    ]
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist([*sample_rows(), *rows], schema=SCHEMA), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    for release, episodes in (("tied-us", "S1 E8"), ("tied-gb", "S2 E1")):
        at = run_app(date="2023-11-01", id="tied", release=release)
        assert f"**Episodes:** {episodes}" in texts(at).replace("\\", "")


def test_a_drawer_gathers_the_releases_its_card_drew_under_the_filters(tmp_path, monkeypatch):
    """E1-E4 in the US and E1-E2 in the UK on one day (synthetic): under ?region=GB the card
    said "S1 E1-E2 · 2 episodes" and its drawer the US's four."""
    base = {**REFERENCE, "title_id": "regions", "title": "Regions", "release_type": "episode"}
    rows = [
        {
            **base,
            "release_id": f"regions-{region.lower()}",
            "region": region,
            "episode_start": 1,
            "episode_end": last,
            "episode_count": last,
        }
        for region, last in (("US", 4), ("GB", 2))
    ]
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist([*sample_rows(), *rows], schema=SCHEMA), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    for region, episodes in ((["GB"], "S1 E1-E2 · 2 episodes"), ([], "S1 E1-E4 · 4 episodes")):
        at = run_app(date="2023-11-01", region=region)
        assert card_named(at, "Regions").details.endswith(episodes)
        at = run_app(date="2023-11-01", region=region, id="regions", release="regions-gb")
        assert f"**Episodes:** {episodes}" in texts(at).replace("\\", "")


def test_panel_shows_the_reference_title(catalog):
    at = run_app(service="Netflix", date="2023-11-01")
    card = card_named(at, "All the Light We Cannot See")
    click_in_calendar(at, "open", [card.title_id, card.release_id])
    assert param(at, "id") == [REFERENCE_ID]
    shown = texts(at)
    assert "Mark Ruffalo as Daniel LeBlanc" in shown
    assert "S1 E1-E4 · 4 episodes" in shown
    assert "60 min per episode · 4 h total" in shown
    assert "platform rule: 00:00 America/Los_Angeles" in shown
    assert "- Directed by: Shawn Levy" in shown
    assert "- Executive producers: Shawn Levy, Dan Levine, Josh Barry" in shown


def test_a_link_naming_only_the_release_opens_its_title(catalog):
    at = run_app(release=REFERENCE["release_id"], date="2023-11-01")
    assert "Aria Mia Loberti as Marie-Laure LeBlanc" in texts(at)
    unknown = texts(run_app(release="no-such-release", date="2023-11-01"))
    assert "This title is not in the catalog" in unknown  # it was ignored without a word


def test_the_title_page_finds_the_title_of_a_release_alone(catalog):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/title.py")
    at.query_params["release"] = REFERENCE["release_id"]
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [REFERENCE["title"]]


def test_panel_links_to_the_titles_pages(tmp_path, monkeypatch):
    path = tmp_path / "catalog.parquet"
    homepage = "https://www.netflix.com/title/81083008"
    rows = [REFERENCE | {"homepage_url": homepage, "trailer_url": "javascript:alert(1)"}]
    write_catalog(pa.Table.from_pylist(rows), path, [SourceInfo("editorial sample")])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    shown = texts(run_app(id=REFERENCE_ID, date="2023-11-01"))
    assert f"[Homepage]({homepage})" in shown
    assert "Trailer" not in shown  # not an http(s) link


def test_panel_credits_the_source_of_its_data(tmp_path, monkeypatch):
    path = tmp_path / "catalog.parquet"
    notice = "This product uses the TMDB API but is not endorsed or certified by TMDB."
    tmdb = SourceInfo("TMDB", url="https://www.themoviedb.org", attribution=notice)
    write_catalog(pa.Table.from_pylist([REFERENCE | {"source": "TMDB"}]), path, [tmdb])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    captions = [c.value for c in run_app(id=REFERENCE_ID, date="2023-11-01").caption]
    credit = "Source: [TMDB](https://www.themoviedb.org) — This product uses the TMDB API"
    assert any(caption.startswith(credit) for caption in captions)


def test_the_sidebar_credits_each_source_once_and_reads_cleanly(tmp_path, monkeypatch):
    path = tmp_path / "catalog.parquet"
    tmdb = SourceInfo("TMDB", attribution="Not endorsed or certified by TMDB.")
    tvmaze = SourceInfo("TVmaze", attribution="Data from TVmaze, licensed CC BY-SA 4.0")
    rows = [REFERENCE | {"source": "TMDB"}]
    write_catalog(pa.Table.from_pylist(rows), path, [tmdb, tvmaze])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    (line,) = [c.value for c in run_app().sidebar.caption if c.value.startswith("Catalog:")]
    sources = line.split("  \n")[0].replace("\\", "")
    assert sources == (
        "Catalog: TMDB — Not endorsed or certified by TMDB. · "
        "TVmaze — Data from TVmaze, licensed CC BY-SA 4.0"
    )  # it read "…by TMDB.; TVmaze"


def test_panel_reopens_from_a_link(catalog):
    at = run_app(id=REFERENCE_ID, date="2023-11-01")
    assert "Aria Mia Loberti as Marie-Laure LeBlanc" in texts(at)


def test_title_page_shows_every_fact(catalog):
    at = run_app(id=REFERENCE_ID)
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = REFERENCE_ID
    at.run()
    shown = texts(at)
    assert [t.value for t in at.title] == ["All the Light We Cannot See"]
    for fact in (
        "Limited series",
        "Netflix",
        "Worldwide",
        "Drama, War",
        "Hugh Laurie as Etienne",
        "Directed by:** Shawn Levy",
        "Written by:** Steven Knight",
        "Executive producers:** Shawn Levy, Dan Levine, Josh Barry",
        "Based on the work of:** Anthony Doerr",
        "60 min per episode · 4 h total",
    ):
        assert fact in shown, fact


def test_title_page_unknown_id_is_friendly(catalog):
    at = run_app()
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = "no-such-title"
    at.run()
    assert not at.exception
    assert "could not find that title" in texts(at)


def test_no_matches_shows_an_empty_state(catalog):
    at = run_app(q="zzzz no such words", date="2023-11-01")
    assert card_titles(at) == []
    assert "No releases match these filters" in texts(at)


def shown_count(at: AppTest) -> str:
    """The calendar's caption: ``80 releases shown``."""
    return next(c.value for c in at.caption if " shown · days in " in c.value).split(" · ")[0]


def test_the_month_counts_its_own_releases_not_its_grids(tmp_path, monkeypatch):
    """December 2023's grid starts on Monday 27 November, given a release here."""
    spill_over = synthetic_release("spill-over", release_date=dt.date(2023, 11, 27))
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist([*sample_rows(), spill_over]), path, [SYNTHETIC])
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(date="2023-12-01")
    days = calendar_payload(at)["days"]
    assert [c["title"] for d in days if d["faded"] for c in d["cards"]] == ["Spill-Over"]
    december = sum(len(d["cards"]) + d["more"] for d in days if d["day"].startswith("2023-12"))
    assert shown_count(at) == f"{december} release shown" == "1 release shown"
    assert shown_count(run_app(date="2023-12-01", view="agenda")) == shown_count(at)


def test_a_month_with_no_releases_says_so_under_its_grid_of_neighbours(catalog):
    """October 2023's grid runs to Sunday 5 November; the sample starts on 2 November."""
    at = run_app(date="2023-10-10")
    assert shown_count(at) == "0 releases shown"
    assert "No releases match these filters in this period" in texts(at)
    assert "The nearest release that matches is on 2 November 2023" in texts(at)
    faded = [c for d in calendar_payload(at)["days"] if d["faded"] for c in d["cards"]]
    assert faded, "the grid still draws the days of the next month, greyed"


def test_undated_releases_are_listed(catalog):
    at = run_app(service="Hulu", date="2023-11-01")
    assert any("Undated / TBA (1)" in e.label for e in at.expander)
    assert not any("Test Undated Show" in b.label for b in at.button)  # drawn when opened
    at.session_state["tba"] = True  # as a click on the expander does
    at.run()
    tba = [b for b in at.button if "Test Undated Show" in b.label]
    assert len(tba) == 1
    tba[0].click().run()
    assert "Test Undated Show" in [h.value for h in at.get("dialog")[0].get("subheader")]


def test_time_zone_moves_timed_releases(catalog):
    at = run_app(service="Netflix", date="2023-11-01", tz="Pacific/Kiritimati")
    # 07:00 UTC on 2 Nov is 21:00 on 2 Nov in Kiritimati (UTC+14)... still 2 Nov; in Honolulu
    # (UTC-10) it is 21:00 on 1 Nov.
    assert card_named(at, "All the Light We Cannot See").day == "2023-11-02"
    at = run_app(service="Netflix", date="2023-11-01", tz="Pacific/Honolulu")
    assert card_named(at, "All the Light We Cannot See").day == "2023-11-01"


def test_browse_lists_exactly_the_filtered_rows(catalog):
    at = run_app(service="Netflix", **{"from": "2023-11-01", "to": "2023-11-30"})
    at.switch_page("pages/browse.py").run()
    frame = at.dataframe[0].value
    assert list(frame["Title"]) == [
        "All the Light We Cannot See",
        "Test Show 4",
        "Test Show 8",
        "Test Show 12",
    ]
    assert "4 releases match · Netflix · 2023-11 · days in UTC" in texts(at)
    assert "tick the box at its row's left, or press Shift+Space in its row" in texts(at)


def test_browse_counts_one_match_in_the_singular(catalog):
    at = run_app(q="All the Light")
    at.switch_page("pages/browse.py").run()
    assert len(at.dataframe[0].value) == 1
    assert "1 release matches" in texts(at)


def test_with_the_export_routes_browse_links_to_its_view(catalog, monkeypatch):
    monkeypatch.setattr(routes, "_mounted", True)
    at = run_app(service="Netflix", **{"from": "2023-11-01", "to": "2023-11-30"}, tz="Asia/Tokyo")
    at.switch_page("pages/browse.py").run()
    links = {button.key: button.proto.url for button in at.get("link_button")}
    tail = "service=Netflix&from=2023-11-01&to=2023-11-30&tz=Asia%2FTokyo"
    assert links == {
        "export_csv": f"/export.csv?{tail}",
        "export_ics": f"/export.ics?{tail}",
        "export_json": f"/export.json?{tail}",
        "export_atom": f"/feed.atom?{tail}",
    }
    assert not at.get("download_button")


def test_without_the_export_routes_browse_makes_the_files_on_click(catalog, monkeypatch):
    monkeypatch.setattr(routes, "_mounted", False)
    at = run_app(service="Netflix")
    at.switch_page("pages/browse.py").run()
    assert [button.key for button in at.get("download_button")] == [
        "export_csv",
        "export_ics",
        "export_json",
    ]
    assert not at.get("link_button")  # the feed is a link to follow: offered with the routes


def test_a_broken_catalog_shows_one_clear_message(tmp_path, monkeypatch):
    broken = tmp_path / "catalog.parquet"
    broken.write_text("release_id,title\n1,Not parquet\n")
    monkeypatch.setenv("CALENDAR_CATALOG", str(broken))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "could not be loaded" in at.error[0].value
    assert "not a Parquet file" in at.error[0].value


def test_a_missing_catalog_names_the_path(tmp_path, monkeypatch):
    monkeypatch.setenv("CALENDAR_CATALOG", str(tmp_path / "nowhere.parquet"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "nowhere.parquet: no such file or folder" in at.error[0].value


def test_a_rejected_update_keeps_the_last_good_catalog(catalog, tmp_path):
    at = run_app(date="2023-11-01")
    before = card_titles(at)
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(catalog.read_bytes()[: len(catalog.read_bytes()) // 2])
    os.replace(corrupt, catalog)
    at.run()
    assert not at.exception
    assert card_titles(at) == before
    assert len(at.warning) == 1 and "rejected" in at.warning[0].value
    said = at.warning[0].value.replace("\\", "")
    assert "shown. catalog.parquet: the file is truncated" in said, said
    assert str(catalog.parent) not in said, "a viewer sees no server path"
    at.run()
    assert len(at.warning) == 0, "the rejection is said once"
    fixed = tmp_path / "fixed.parquet"
    write_sample(fixed)
    shutil.copy(fixed, tmp_path / "staged.parquet")
    os.replace(tmp_path / "staged.parquet", catalog)
    at.run()
    assert not at.warning and card_titles(at) == before
    # The same break again, after a good version: news again, said again.
    corrupt.write_bytes(catalog.read_bytes()[: len(catalog.read_bytes()) // 2])
    os.replace(corrupt, catalog)
    at.run()
    assert len(at.warning) == 1 and "rejected" in at.warning[0].value


def test_more_opens_the_days_drawer(catalog):
    at = run_app(date="2023-11-01")
    crowded = next(d for d in calendar_payload(at)["days"] if d["more"] > 0)
    click_in_calendar(at, "more", crowded["day"])
    assert not at.exception, at.exception
    drawn = drawer_cards(at)
    assert len(drawn) == len(crowded["cards"]) + crowded["more"]
    assert [c["title"] for c in drawn[:3]] == [c["title"] for c in crowded["cards"]]


def test_a_crowded_days_drawer_shows_its_first_cards(catalog, monkeypatch):
    monkeypatch.setattr(calendar_view, "DRAWER_CARDS", 2)
    at = run_app(date="2023-11-01")
    crowded = next(d for d in calendar_payload(at)["days"] if d["more"] > 0)
    click_in_calendar(at, "more", crowded["day"])
    drawer = at.get("dialog")[0]
    assert len(drawer_cards(at)) == 2
    total = len(crowded["cards"]) + crowded["more"]
    assert any(f"The first 2 of {total} releases" in c.value for c in drawer.get("caption"))


@pytest.mark.parametrize(
    ("event", "value"),
    [
        ("open", "not-a-pair"),
        ("open", [1, 2]),
        ("open", None),
        ("more", "2023-13-45"),
        ("more", 7),
        ("more", None),
        ("unknown", "x"),
    ],
)
def test_a_forged_calendar_click_is_ignored(catalog, event, value):
    at = run_app(date="2023-11-01")
    click_in_calendar(at, event, value)
    assert not at.exception, at.exception
    assert not at.get("dialog") and param(at, "id") == []


@pytest.mark.parametrize("key", ["from", "to"])
def test_a_date_range_far_from_today_is_kept(catalog, key):
    """The range's pickers take every date a catalog can hold, not the ten years around today
    (a date outside them was dropped from the URL, and the range with it)."""
    at = run_app(**{key: "2001-05-04"})
    assert param(at, key) == ["2001-05-04"]
    assert at.date_input(key=key).value == dt.date(2001, 5, 4)
