"""Mine (library): the follow list, my services and region, the device's entry, My calendar."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pyarrow as pa
import pytest

from calendar_data.filters import MAX_VALUES, ReleaseFilter, parse_title_ids, read_view
from calendar_data.mine import (
    MySettings,
    StorageError,
    calendar_links,
    check_region,
    check_services,
    followed_titles,
    kept_over,
    mark_followed,
    my_view,
    qr_png,
    read_storage_entry,
    storage_entry,
    toggled,
)
from calendar_data.regions import COUNTRIES, country_from_locale

TABLE = pa.table(
    {
        "title_id": ["ahsoka", "ahsoka", "beckham", "loki", "tba-show"],
        "title": ["Ahsoka", "Ahsoka", "Beckham", "Loki", "TBA Show"],
        "service": ["Disney+", "Disney+", "Netflix", "Disney+", "Hulu"],
        "region": [None, "US", "GB", "US", None],
        "release_date": [
            dt.date(2023, 8, 22),
            dt.date(2023, 10, 3),
            dt.date(2023, 10, 4),
            dt.date(2023, 10, 5),
            None,
        ],
        "release_at": pa.nulls(5, pa.timestamp("us", tz="UTC")),
        "status": ["confirmed", "confirmed", "confirmed", "confirmed", "tba"],
    }
)


def ids(table: pa.Table) -> list[str]:
    return table["title_id"].to_pylist()


# ---------------------------------------------------------------------- follow in the filter


def test_follow_is_comma_or_repeat_separated_kept_in_order_once():
    assert parse_title_ids(["beckham,ahsoka", "ahsoka", " loki "]) == (
        ("beckham", "ahsoka", "loki"),
        [],
    )


def test_the_ids_of_every_source_can_be_followed():
    ids = ["ahsoka", "tvmaze-41428", "demo-t0000123", "the-office-2005"]
    assert parse_title_ids([",".join(ids)]) == (tuple(ids), [])


def test_a_malformed_title_id_gets_a_notice_and_is_dropped():
    kept, notices = parse_title_ids(["ahsoka,<script>,,"])
    assert kept == ("ahsoka",)
    assert len(notices) == 1 and "'<script>'" in notices[0] and "not a title id" in notices[0]


def test_follow_restricts_an_export_links_rows_and_round_trips():
    release_filter, notices = read_view({"follow": ["beckham,ahsoka"]}, {})
    assert notices == [] and release_filter.titles == ("beckham", "ahsoka")
    assert ids(release_filter.apply(TABLE)) == ["ahsoka", "ahsoka", "beckham"]
    assert release_filter.to_query_params() == {"follow": ["beckham,ahsoka"]}
    assert "2 followed titles" in release_filter.short_name()


def test_a_followed_title_the_catalog_lacks_is_no_reason_to_refuse_a_link():
    release_filter, notices = read_view({"follow": ["gone-show"]}, {"service": {"Netflix"}})
    assert notices == [] and release_filter.titles == ("gone-show",)
    assert release_filter.apply(TABLE).num_rows == 0


def test_any_country_is_a_region_and_its_worldwide_releases_match():
    release_filter, notices = read_view({"region": ["FR"]}, {"region": {"US", "GB"}})
    assert notices == []
    assert ids(release_filter.apply(TABLE)) == ["ahsoka", "tba-show"]
    _, notices = read_view({"region": ["ZZ"]}, {"region": {"US"}})
    assert "'ZZ'" in notices[0]


# ---------------------------------------------------------------------- values


def test_country_from_the_browsers_language():
    assert country_from_locale("en-GB") == "GB"
    assert country_from_locale("pt_BR") == "BR"
    assert country_from_locale("en") is None
    assert country_from_locale("es-419") is None
    assert country_from_locale(None) is None
    assert "GB" in COUNTRIES and len(COUNTRIES) > 240


def test_check_region_and_services_name_what_they_ignore():
    assert check_region("GB") == ("GB", [])
    assert check_region("gb") == ("GB", [])  # read in any case, as the filters are
    region, notices = check_region("Narnia")
    assert region is None and "'Narnia'" in notices[0] and "country code" in notices[0]
    services, notices = check_services(["Netflix", "Nope+"], {"Netflix", "Max"})
    assert services == ("Netflix",) and "'Nope+'" in notices[0]
    assert check_services(["max", "NETFLIX", "Max"], {"Netflix", "Max"}) == (("Max", "Netflix"), [])


def test_my_services_keep_the_first_hundred_and_say_so():
    known = {f"Service {n}" for n in range(150)}
    services, notices = check_services(sorted(known), known)
    assert services == tuple(sorted(known))[:MAX_VALUES]
    assert notices == [f"Only the first {MAX_VALUES} of my services are kept."]
    _, notices = check_services([f"Nope {n}" for n in range(9)], known)
    assert notices[-1] == "Ignored 4 more of my services: not in this catalog."


def test_toggled_adds_at_the_end_or_removes():
    assert toggled(("a", "b"), "c") == ("a", "b", "c")
    assert toggled(("a", "b"), "a") == ("b",)


# ---------------------------------------------------------------------- the device's entry

SETTINGS = MySettings(("Netflix",), "GB", True, ("beckham", "ahsoka"), True)


def test_the_entry_round_trips():
    assert read_storage_entry(storage_entry(SETTINGS), {"Netflix"}) == (SETTINGS, [])


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("{not json", "damaged"),
        ("[1, 2]", "damaged"),
        (
            '{"version": 1, "services": "Netflix", "region": null, "mine": true, '
            '"follow": [], "followed_only": false}',
            "damaged",
        ),
        (
            '{"version": 1, "services": [], "region": null, "mine": "yes", '
            '"follow": [], "followed_only": false}',
            "damaged",
        ),
        ('{"services": ["Netflix"]}', "another version"),
        ('{"version": 0, "services": []}', "another version"),
    ],
)
def test_a_corrupt_or_older_entry_is_refused_with_one_line(raw, why):
    with pytest.raises(StorageError) as error:
        read_storage_entry(raw, {"Netflix"})
    assert why in str(error.value) and "\n" not in str(error.value)


def test_an_entry_keeps_what_this_catalog_has_and_names_the_rest():
    entry = json.loads(storage_entry(SETTINGS))
    entry |= {"services": ["Netflix", "Gone+"], "region": "XX", "follow": ["ok", "bad id"]}
    settings, notices = read_storage_entry(json.dumps(entry), {"Netflix"})
    assert settings == MySettings(("Netflix",), None, True, ("ok",), True)
    assert len(notices) == 3


# ---------------------------------------------------------------------- applying


def test_my_services_and_region_narrow_the_view_only_with_the_switch_on():
    settings = MySettings(("Disney+",), "GB", True)
    narrowed, notices = my_view(ReleaseFilter(), settings)
    assert notices == []
    assert ids(narrowed.apply(TABLE)) == ["ahsoka"]  # Disney+, worldwide or GB
    off = MySettings(("Disney+",), "GB", False)
    assert my_view(ReleaseFilter(), off) == (ReleaseFilter(), [])


def test_a_filter_outside_my_services_is_shown_with_a_notice():
    narrowed, notices = my_view(
        ReleaseFilter(services=("Hulu",)), MySettings(("Netflix",), mine=True)
    )
    assert narrowed.services == ("Hulu",) and "Service filter" in notices[0]
    narrowed, _ = my_view(
        ReleaseFilter(services=("Hulu", "Netflix")), MySettings(("Netflix",), mine=True)
    )
    assert narrowed.services == ("Netflix",)


def test_followed_only_restricts_to_the_followed_titles():
    settings = MySettings(follow=("loki",), followed_only=True)
    assert ids(my_view(ReleaseFilter(), settings)[0].apply(TABLE)) == ["loki"]
    assert my_view(ReleaseFilter(), MySettings(follow=("loki",)))[0] == ReleaseFilter()


def test_my_calendar_links_carry_the_followed_titles_services_and_region():
    links = calendar_links("http://host:8501/", SETTINGS, "Europe/London")
    assert set(links) == {"ics", "atom"}
    url = urlsplit(links["ics"])
    assert url.path == "/export.ics" and url.netloc == "host:8501"
    assert parse_qs(url.query) == {
        "service": ["Netflix"],
        "region": ["GB"],
        "follow": ["beckham,ahsoka"],
        "tz": ["Europe/London"],
    }
    release_filter, notices = read_view(parse_qs(url.query), {"service": {"Netflix"}})
    assert notices == []
    assert release_filter == ReleaseFilter(
        services=("Netflix",), regions=("GB",), titles=("beckham", "ahsoka")
    )
    assert urlsplit(links["atom"]).path == "/feed.atom"


def test_the_qr_code_is_a_png_of_the_link():
    png = qr_png("http://host/export.ics?follow=a")
    assert png.startswith(b"\x89PNG\r\n")
    assert qr_png("http://host/export.ics?follow=b") != png


# ---------------------------------------------------------------------- followed titles


def test_followed_titles_say_when_next_or_why_not():
    followed = followed_titles(
        TABLE, ["loki", "gone-show", "tba-show", "ahsoka"], dt.date(2023, 10, 1)
    )
    assert [(f.title_id, f.title, f.status) for f in followed] == [
        ("loki", "Loki", "next Thu 5 Oct 2023"),
        ("gone-show", None, "no upcoming releases"),
        ("tba-show", "TBA Show", "date to be announced"),
        ("ahsoka", "Ahsoka", "next Tue 3 Oct 2023"),
    ]
    after = followed_titles(TABLE, ["ahsoka"], dt.date(2024, 1, 1))
    assert after[0].status == "no upcoming releases" and after[0].next_date is None


def test_a_followed_titles_next_release_is_on_the_viewers_day():
    """Loki S2 E6 lands on 9 Nov in Los Angeles, on 10 Nov in Tokyo: a Tokyo viewer's today."""
    loki = pa.table(
        {
            "title_id": ["loki"],
            "title": ["Loki"],
            "release_date": [dt.date(2023, 11, 9)],
            "release_at": pa.array(
                [dt.datetime(2023, 11, 10, 2, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")
            ),
            "status": ["confirmed"],
        }
    )
    tokyo = followed_titles(loki, ["loki"], dt.date(2023, 11, 10), "Asia/Tokyo")
    assert tokyo[0].status == "next Fri 10 Nov 2023"
    new_york = followed_titles(loki, ["loki"], dt.date(2023, 11, 10), "America/New_York")
    assert new_york[0].status == "no upcoming releases"


def test_what_is_kept_over_the_devices_settings_is_only_what_changed():
    stored = MySettings(("Netflix",), "GB", True, ("loki", "ahsoka"), False)
    shown = MySettings(("Max",), "US", True, ("the-gilded-age",), True)
    assert kept_over(stored, shown, set(), {}) == stored
    follows = {"the-gilded-age": False, "loki": False, "fargo": True, "ahsoka": True}
    changed = kept_over(stored, shown, {"followed", "my_region"}, follows)
    assert changed == MySettings(("Netflix",), "US", True, ("ahsoka", "fargo"), True)


def test_followed_cards_get_a_mark():
    payload = {
        "view": "month",
        "days": [
            {
                "cards": [
                    {"title": "Loki", "title_id": "loki"},
                    {"title": "Ahsoka", "title_id": "ahsoka"},
                ]
            }
        ],
    }
    marked = mark_followed(payload, {"loki"})
    assert [c["title"] for c in marked["days"][0]["cards"]] == ["★ Loki", "Ahsoka"]
    assert payload["days"][0]["cards"][0]["title"] == "Loki"  # the shared payload is untouched
