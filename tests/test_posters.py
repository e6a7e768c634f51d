"""Pictures where the catalog has them: the agenda's cards, the drawer and the Title page get
a safe link and its text, or a placeholder (issue 21, section 4).

The browser's side (lazy loading, the fixed box, the placeholder on a broken link) is in
test_pictures.py. Image links here are synthetic (example.org), as are the titles that carry
them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from app_components import component, components_named
from sample import REFERENCE, sample_rows, synthetic_release
from streamlit.testing.v1 import AppTest

from calendar_data import bucketing, grid
from calendar_data.catalog import SourceInfo, write_catalog
from calendar_data.days import local_days
from calendar_data.posters import poster
from calendar_data.schema import SCHEMA

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NOV_2 = dt.date(2023, 11, 2)
PICTURE = "https://img.example.org/posters/all-the-light.jpg"


# ------------------------------------------------------------------ the link and its text


@pytest.mark.parametrize(
    "link",
    [PICTURE, "http://img.example.org/a.png", "https://image.tmdb.org/t/p/w342/x.jpg"],
)
def test_an_http_link_is_kept_and_named_for_screen_readers(link):
    assert poster("All the Light We Cannot See", link) == {
        "src": link,
        "alt": "Poster of All the Light We Cannot See",
    }


@pytest.mark.parametrize(
    "link",
    [
        None,
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "ftp://img.example.org/a.jpg",
        "//img.example.org/a.jpg",
        "/app/static/a.jpg",
        "https://img.example.org/a.jpg\n<script>alert(1)</script>",
        "https://img.example.org/\u202egpj.png",
        "https://img.example.org/" + "a" * 3000,
    ],
)
def test_a_missing_or_refused_link_asks_for_the_placeholder(link):
    assert poster("Show", link)["src"] is None


def test_the_text_is_one_bounded_line():
    alt = poster("<b>Evil</b>\n\u202eshow " + "x" * 500, PICTURE)["alt"]
    assert alt.startswith("Poster of <b>Evil</b> show x") and "\n" not in alt
    assert len(alt) <= len("Poster of ") + 80


# ------------------------------------------------------------------ cards and the payload


def release(release_id: str, **values) -> dict:
    """A release of the series "Show", unless ``values`` say otherwise."""
    return synthetic_release(release_id, **({"title_id": "show", "title": "Show"} | values))


def cards_of(*rows: dict) -> pd.DataFrame:
    table = pa.Table.from_pylist(list(rows), schema=SCHEMA)
    return bucketing.cards(table, local_days(table, "UTC"))


def test_a_card_carries_its_titles_picture():
    cards = cards_of(release("one", image_url=PICTURE), release("other", title_id="other"))
    pictures = cards.set_index("release_id")["image_url"]
    assert pictures["one"] == PICTURE and pd.isna(pictures["other"])


def test_merged_episodes_keep_the_picture_one_of_them_has():
    cards = cards_of(
        release("e1"), release("e2", episode_start=2, episode_end=2, image_url=PICTURE)
    )
    assert len(cards) == 1 and cards.iloc[0].image_url == PICTURE


def payload_cards(view: str, *rows: dict) -> list[dict]:
    table = pa.Table.from_pylist(list(rows), schema=SCHEMA)
    shown = bucketing.day_cards(
        local_days(table, "UTC"),
        lambda columns, positions: table.select(columns).take(positions),
        grid.CARDS_PER_DAY[view],
    )
    payload = grid.calendar_payload(shown, view, NOV_2, NOV_2)
    return [card for day in payload["days"] for card in day["cards"]]


def test_agenda_cards_carry_a_poster_or_ask_for_the_placeholder():
    cards = payload_cards(
        "agenda",
        release("has", title="Has One", image_url=PICTURE),
        release("none", title_id="none", title="Has None"),
        release("bad", title_id="bad", title="Bad Link", image_url="javascript:alert(1)"),
    )
    posters = {card["title"]: card["poster"] for card in cards}
    assert posters == {
        "Has One": {"src": PICTURE, "alt": "Poster of Has One"},
        "Has None": {"src": None, "alt": "Poster of Has None"},
        "Bad Link": {"src": None, "alt": "Poster of Bad Link"},
    }
    json.dumps(cards)  # the component's data is JSON


def test_an_agenda_without_any_picture_draws_no_placeholders():
    cards = payload_cards("agenda", release("a"), release("b", title_id="b"))
    assert cards and all("poster" not in card for card in cards)


@pytest.mark.parametrize("view", ["month", "week"])
def test_month_and_week_cards_stay_text_only(view):
    (card,) = payload_cards(view, release("has", image_url=PICTURE))
    assert "poster" not in card


def test_the_days_drawer_cards_stay_text_only():
    payload = grid.drawer_payload(cards_of(release("has", image_url=PICTURE)), NOV_2)
    assert "poster" not in payload["days"][0]["cards"][0]


# ------------------------------------------------------------------ the app


@pytest.fixture
def pictured(tmp_path, monkeypatch) -> Path:
    """The sample catalog with a (synthetic) picture for the reference title only."""
    rows = [
        {**row, "image_url": PICTURE} if row["title_id"] == REFERENCE["title_id"] else row
        for row in sample_rows()
    ]
    path = tmp_path / "catalog.parquet"
    write_catalog(
        pa.Table.from_pylist(rows),
        path,
        [SourceInfo("synthetic test data"), SourceInfo("editorial sample")],
    )
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    return path


def run_app(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if page:
        at.run()
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def drawn_posters(scope) -> list[dict]:
    """What each poster element (not the calendar) was given to draw."""
    return [json.loads(p.proto.json) for p in components_named(scope, "calendar_data.poster")]


def test_the_title_page_shows_the_picture(pictured):
    at = run_app("pages/title.py", id=REFERENCE["title_id"])
    assert drawn_posters(at) == [
        {"src": PICTURE, "alt": f"Poster of {REFERENCE['title']}", "size": "page"}
    ]
    assert not at.get("imgs")  # no st.image: it would load at once and show a broken link


def test_a_title_without_a_picture_shows_the_placeholder(pictured):
    at = run_app("pages/title.py", id="test-title-3")
    assert drawn_posters(at) == [{"src": None, "alt": "Poster of Test Show 3", "size": "page"}]


def test_the_drawer_shows_the_picture(pictured):
    at = run_app(date="2023-11-01", id=REFERENCE["title_id"])
    (drawer,) = at.get("dialog")
    assert drawn_posters(drawer) == [
        {"src": PICTURE, "alt": f"Poster of {REFERENCE['title']}", "size": "panel"}
    ]


def test_the_drawer_of_a_title_without_one_shows_the_placeholder(pictured):
    at = run_app(date="2023-11-01", id="test-title-3")
    (drawer,) = at.get("dialog")
    assert drawn_posters(drawer) == [{"src": None, "alt": "Poster of Test Show 3", "size": "panel"}]


def test_the_agendas_cards_show_pictures_and_the_months_do_not(pictured):
    agenda = run_app(date="2023-11-01", view="agenda")
    payload = json.loads(component(agenda).proto.json)
    posters = {c["title"]: c["poster"] for d in payload["days"] for c in d["cards"]}
    assert posters[REFERENCE["title"]]["src"] == PICTURE
    assert posters["Test Show 3"]["src"] is None
    month = run_app(date="2023-11-01", view="month")
    payload = json.loads(component(month).proto.json)
    assert not any("poster" in c for d in payload["days"] for c in d["cards"])
