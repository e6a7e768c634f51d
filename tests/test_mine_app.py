"""Mine in the dashboard (AppTest): my services and region, following, the device's memory,
My calendar, and the export links honouring ``follow``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyarrow as pa
from icalendar import Calendar
from sample import sample_rows
from starlette.requests import Request
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from calendar_data import routes
from calendar_data.catalog import write_catalog
from calendar_data.mine import STORAGE_KEY, MySettings, storage_entry
from calendar_data.params import MY_CALENDAR_OPEN, MY_SERVICES_OPEN, OPEN_DAY

APP = str(Path(__file__).resolve().parents[1] / "app.py")
REFERENCE_ID = "all-the-light-we-cannot-see"
REFERENCE = "All the Light We Cannot See"
NOVEMBER = "2023-11-01"


def run_app(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def open_my_services(at: AppTest) -> AppTest:
    """Open "My services and region" (as a click does: the expander's key, then a run)."""
    at.session_state[MY_SERVICES_OPEN] = True
    return at.run()


def keys_of(at: AppTest) -> set[str]:
    """The keys of the multiselects and select boxes drawn."""
    return {widget.key for widget in (*at.multiselect, *at.selectbox)}


def components(at: AppTest) -> dict[str, object]:
    return {c.proto.component_name: c for c in at.get("bidi_component")}


def card_titles(at: AppTest) -> list[str]:
    grid = components(at).get("calendar_data.calendar")
    days = json.loads(grid.proto.json)["days"] if grid else []
    return [card["title"] for day in days for card in day["cards"]]


def device_data(at: AppTest) -> dict:
    return json.loads(components(at)["calendar_data.device"].proto.json)


def send_stored(at: AppTest, raw: str) -> AppTest:
    """What the device component sends once a page load: the stored entry (Streamlit's
    private API, as tests/test_app.py's click_in_calendar)."""
    return send_event(at, "stored", raw)


def send_event(at: AppTest, event: str, value) -> AppTest:
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(components(at)["calendar_data.device"].proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)


def infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info).replace("\\", "")


def follow_list(at: AppTest) -> list[str]:
    value = at.query_params.get("follow", [])
    return ",".join([value] if isinstance(value, str) else value).split(",") if value else []


# ---------------------------------------------------------------------- URL


def test_followed_titles_in_the_url_are_marked_on_their_cards(catalog):
    at = run_app(follow=REFERENCE_ID, date=NOVEMBER)
    titles = card_titles(at)
    assert f"★ {REFERENCE}" in titles and "Test Show 1" in titles


def test_followed_titles_are_marked_in_the_day_drawer_too(catalog):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(follow=REFERENCE_ID, date=NOVEMBER)
    at.session_state[OPEN_DAY] = dt.date(2023, 11, 2)  # the "+N more" of the reference's day
    at.run()
    assert not at.exception, at.exception
    drawer = components(at)["calendar_data.day_drawer"]
    (day,) = json.loads(drawer.proto.json)["days"]
    assert f"★ {REFERENCE}" in [card["title"] for card in day["cards"]]


def test_followed_only_shows_the_followed_titles(catalog):
    at = run_app(follow=f"{REFERENCE_ID},test-title-3", date=NOVEMBER)
    at.toggle(key="followed").set_value(True).run()
    assert sorted(card_titles(at)) == ["★ All the Light We Cannot See", "★ Test Show 3"]


def test_followed_only_needs_a_followed_title(catalog):
    at = run_app(date=NOVEMBER)
    assert at.toggle(key="followed").disabled


def test_my_services_apply_with_the_switch_and_not_without(catalog):
    at = run_app(my_service=["Hulu"], date=NOVEMBER)
    assert len(set(card_titles(at))) > 3
    at.toggle(key="mine").set_value(True).run()
    assert card_titles(at) and all(
        t in {"Test Show 2", "Test Show 6", "Test Show 10"} for t in card_titles(at)
    )


def test_many_followed_titles_that_left_are_named_five_at_a_time(catalog):
    at = run_app(follow=",".join(f"gone-{n}" for n in range(40)))
    gone = [notice for notice in infos(at).splitlines() if "not in this catalog" in notice]
    assert gone[:1] == [
        "The followed title 'gone-0' is not in this catalog; it stays in Followed titles as "
        "having no upcoming releases."
    ]
    assert len(gone) == 6
    assert gone[-1] == "35 more followed titles are not in this catalog either; they stay too."


def test_the_sidebar_counts_what_my_services_leave(catalog):
    at = run_app(my_service=["Hulu"], date=NOVEMBER)
    assert "**20** of 20 releases match" in [m.value for m in at.sidebar.markdown]
    at.toggle(key="mine").set_value(True).run()
    assert "**4** of 20 releases match" in [m.value for m in at.sidebar.markdown]


def test_bad_settings_in_the_url_get_one_clear_notice_each(catalog):
    bad = {"my_service": ["Nope+"], "my_region": "XX", "mine": "maybe", "followed": "1"}
    at = run_app(follow=f"{REFERENCE_ID},gone-show,<b>", **bad)
    shown = infos(at)
    assert "Ignored mine='maybe': use true or false." in shown  # the switches were dropped
    assert "Ignored followed='1': use true or false." in shown  # without a word
    assert "Ignored follow '<b>': not a title id." in shown
    assert "followed title 'gone-show' is not in this catalog" in shown
    assert "Ignored my service 'Nope+': not in this catalog." in shown
    assert "Ignored my region 'XX': not a country code" in shown
    assert follow_list(at) == [REFERENCE_ID, "gone-show"]  # a title that left stays followed
    links = [link.proto.label.replace("\\", "") for link in at.sidebar.get("page_link")]
    assert links[-2:] == [f"{REFERENCE} · no upcoming releases", "gone-show · no upcoming releases"]


def test_my_settings_in_another_case_are_read_and_spelled_as_the_catalog_does(catalog):
    at = run_app(my_service=["hulu", "NETFLIX"], my_region="gb", mine="true")
    assert not infos(at)
    assert at.multiselect(key="my_service").value == ["Hulu", "Netflix"]
    assert at.selectbox(key="my_region").value == "GB"
    assert at.query_params["my_service"] == ["Hulu", "Netflix"]
    assert at.query_params["my_region"] == "GB"


def test_the_region_defaults_to_the_browsers_country(catalog, monkeypatch):
    from calendar_data.ui import mine

    monkeypatch.setattr(mine, "country_from_locale", lambda locale: "GB")
    at = open_my_services(run_app())
    assert at.selectbox(key="my_region").value is None  # picked by nobody: the browser's
    assert at.selectbox(key="my_region").placeholder == "GB"
    assert device_data(at)["entry"] is None  # nothing to remember


def test_my_services_and_region_are_drawn_once_opened_or_named(catalog):
    """Drawn, the inputs cost a new session's first paint; bound, one keeps its parameter
    only while it is drawn."""
    at = run_app(date=NOVEMBER)
    assert not keys_of(at) & {"my_service", "my_region"}
    assert {"my_service", "my_region"} <= keys_of(open_my_services(at))
    at = run_app(date=NOVEMBER, my_region="GB")  # named: drawn in the closed expander
    assert at.session_state[MY_SERVICES_OPEN] is False
    assert "my_region" in keys_of(at)
    at.toggle(key="mine").set_value(True).run()
    assert at.query_params["my_region"] == "GB"


def test_a_setting_the_browsers_back_took_away_does_not_come_back(catalog):
    at = run_app(date=NOVEMBER, my_service=["Max"])
    del at.query_params["my_service"]  # Back, to before the service was picked
    at.run()
    assert open_my_services(at).multiselect(key="my_service").value == []
    assert "my_service" not in at.query_params


def test_a_stored_entry_draws_my_services_in_the_closed_expander(catalog):
    at = send_stored(run_app(date=NOVEMBER), storage_entry(MySettings(("Max",), "GB")))
    send_event(at, "drawn", 1)
    at.toggle(key="mine").set_value(True).run()
    assert at.session_state[MY_SERVICES_OPEN] is False
    assert at.query_params["my_service"] == "Max" and at.query_params["my_region"] == "GB"
    assert at.multiselect(key="my_service").value == ["Max"]


def test_a_link_naming_the_browsers_own_country_keeps_naming_it(catalog, monkeypatch):
    from calendar_data.ui import mine

    monkeypatch.setattr(mine, "country_from_locale", lambda locale: "GB")
    at = run_app(my_region="GB", my_service=["Hulu"], mine="true")
    assert at.query_params["my_region"] == "GB"
    assert at.selectbox(key="my_region").value == "GB"


# ---------------------------------------------------------------------- following


def test_follow_from_the_drawer_and_the_title_page(catalog):
    at = run_app(id=REFERENCE_ID, date=NOVEMBER)
    at.button(key="follow_drawer").click().run()
    assert follow_list(at) == [REFERENCE_ID]
    assert f"★ {REFERENCE}" in card_titles(at)
    assert at.button(key="follow_drawer").label == "Unfollow"
    at.switch_page("pages/title.py").run()
    at.query_params["id"] = "test-title-3"
    at.run()
    at.button(key="follow_title").click().run()
    assert follow_list(at) == [REFERENCE_ID, "test-title-3"]
    at.button(key="follow_title").click().run()
    assert follow_list(at) == [REFERENCE_ID]


def test_follow_a_row_of_browse(catalog):
    at = run_app(page="pages/browse.py")
    assert at.button(key="follow_picked").disabled
    at.selectbox(key="follow_pick").set_value("test-title-5").run()
    at.button(key="follow_picked").click().run()
    assert follow_list(at) == ["test-title-5"]
    assert at.selectbox(key="follow_pick").format_func("test-title-5") == "★ Test Show 5"


def test_a_followed_title_that_left_can_be_unfollowed_on_its_page(catalog):
    at = run_app(page="pages/title.py", follow="gone-show", id="gone-show")
    at.button(key="follow_title").click().run()
    assert follow_list(at) == []


def test_a_title_whose_id_no_link_can_carry_cannot_be_followed(tmp_path, monkeypatch):
    """Following it once broke My calendar's links and was lost on the next visit."""
    rows = sample_rows()
    rows[1] = {**rows[1], "title_id": "odd (2021)"}
    path = tmp_path / "catalog.parquet"
    write_catalog(pa.Table.from_pylist(rows), path)
    monkeypatch.setenv("CALENDAR_CATALOG", str(path))
    at = run_app(page="pages/title.py", id="odd (2021)")
    assert not at.exception
    button = at.button(key="follow_title")
    assert button.disabled and "cannot be carried in a link" in button.help


# ---------------------------------------------------------------------- the device


def test_a_stored_entry_restores_a_url_without_settings(catalog):
    at = run_app(date=NOVEMBER)
    assert device_data(at) == {"key": STORAGE_KEY, "write": False, "entry": None, "restored": 0}
    stored = MySettings(("Max",), "GB", True, ("test-title-3", REFERENCE_ID), False)
    send_stored(at, storage_entry(stored))
    assert not at.exception
    assert at.multiselect(key="my_service").value == ["Max"]
    assert at.toggle(key="mine").value is True
    assert follow_list(at) == ["test-title-3", REFERENCE_ID]
    assert device_data(at)["write"] is False  # nothing changed here: nothing written


def test_the_url_notices_outlast_the_run_that_restores_the_stored_entry(catalog):
    """The stored entry arrives in a run of its own, and the browser's word that it drew the
    restored values in another, before the viewer could read them."""
    at = run_app(date=NOVEMBER, colour="red")
    notice = "Ignored unknown parameter 'colour'."
    assert notice in [info.value for info in at.info]
    send_stored(at, storage_entry(MySettings(("Max",), "GB", True)))
    assert notice in [info.value for info in at.info]
    send_event(at, "drawn", 1)  # then the browser says it drew the restored values
    assert notice in [info.value for info in at.info]


def test_what_the_stored_entry_could_not_use_is_said_until_the_viewer_acts(catalog):
    """A remembered service the catalog lacks, a region that is no country: said as a link's
    would be, in the run the entry arrives in and the runs the app asks for after it."""
    at = run_app(date=NOVEMBER, tz="UTC")  # a zone: the filters' inputs are drawn
    send_stored(at, storage_entry(MySettings(("Nope",), "ZZ", True)))
    said = ["Ignored my service 'Nope': not in this catalog.", "Ignored my region 'ZZ'"]
    assert all(notice in infos(at) for notice in said)
    send_event(at, "drawn", 1)  # the browser drew the restored switch
    assert all(notice in infos(at) for notice in said)
    at.multiselect(key="service").set_value(["Netflix"]).run()  # the viewer acts: read
    assert not any(notice in infos(at) for notice in said)


def test_a_change_on_a_shared_link_keeps_the_devices_own_settings(catalog):
    """Only the switch the viewer turned is remembered, not the rest of the link's."""
    at = run_app(date=NOVEMBER, my_service=["Max"], my_region="US", mine="true", follow="gone")
    own = MySettings(("Netflix",), "GB", True, (REFERENCE_ID,), False)
    send_stored(at, storage_entry(own))
    assert at.multiselect(key="my_service").value == ["Max"]  # the link's view is shown
    assert device_data(at)["write"] is False
    at.toggle(key="followed").set_value(True).run()
    data = device_data(at)
    assert data["write"] is True
    assert json.loads(data["entry"]) == json.loads(
        storage_entry(replace(own, followed_only=True))
    )


def test_unfollowing_a_shared_links_title_does_not_follow_it_on_the_device(catalog):
    at = run_app(page="pages/title.py", id="test-title-3", follow="test-title-3")
    send_stored(at, storage_entry(MySettings(follow=(REFERENCE_ID,))))
    at.button(key="follow_title").click().run()
    assert follow_list(at) == []
    assert json.loads(device_data(at)["entry"])["follow"] == [REFERENCE_ID]
    at.button(key="follow_title").click().run()
    assert json.loads(device_data(at)["entry"])["follow"] == [REFERENCE_ID, "test-title-3"]


def test_a_change_made_before_the_stored_entry_arrives_stays_over_it(catalog):
    at = run_app(date=NOVEMBER)
    at.toggle(key="mine").set_value(True).run()
    stored = MySettings(("Max",), "GB", False, ("test-title-3",), True)
    send_stored(at, storage_entry(stored))
    assert at.toggle(key="mine").value is True  # the viewer's
    assert at.multiselect(key="my_service").value == ["Max"]  # the rest: the device's
    assert at.toggle(key="followed").value is True
    assert follow_list(at) == ["test-title-3"]
    data = device_data(at)
    assert data["write"] is True
    assert json.loads(data["entry"]) == json.loads(storage_entry(replace(stored, mine=True)))


def test_old_values_sent_before_the_restored_ones_are_drawn_are_undone(catalog):
    at = open_my_services(run_app(date=NOVEMBER))  # the old values are drawn
    send_stored(at, storage_entry(MySettings(("Max",), "GB")))
    assert device_data(at)["restored"] == 1
    # A click before the browser drew the restored values sends the old ones along.
    at.multiselect(key="my_service").set_value([])
    at.toggle(key="mine").set_value(True).run()
    assert at.multiselect(key="my_service").value == ["Max"]
    assert at.toggle(key="mine").value is True
    send_event(at, "drawn", 1)  # the device drew them: from now on a change is a change
    assert device_data(at)["restored"] == 0
    at.multiselect(key="my_service").set_value([]).run()
    assert at.multiselect(key="my_service").value == []


def test_the_devices_word_that_came_with_old_values_is_asked_again(catalog):
    """A widget takes a value set by the app one render after the device is drawn: the device
    can speak while the browser still holds the old values, and a click after it sends them."""
    at = open_my_services(run_app(date=NOVEMBER))
    send_stored(at, storage_entry(MySettings(("Max",), "GB")))
    at.multiselect(key="my_service").set_value([])
    send_event(at, "drawn", 1)  # with the old value: too early
    assert at.multiselect(key="my_service").value == ["Max"]
    assert device_data(at)["restored"] == 2
    at.multiselect(key="my_service").set_value([])
    at.toggle(key="mine").set_value(True).run()  # a click still sending the old value
    assert at.multiselect(key="my_service").value == ["Max"]
    assert at.toggle(key="mine").value is True
    send_event(at, "drawn", 2)
    assert device_data(at)["restored"] == 0
    at.multiselect(key="my_service").set_value([]).run()
    assert at.multiselect(key="my_service").value == []


def test_a_restored_value_lost_without_a_callback_is_put_back(catalog):
    """A click that cuts short the run restoring the entry can leave a widget at its old value
    with no callback (as at.session_state sets it here)."""
    stored = MySettings(("Max",), "GB", False, ("test-title-3",), True)
    at = send_stored(run_app(date=NOVEMBER), storage_entry(stored))
    at.session_state["followed"] = False
    at.toggle(key="mine").set_value(True).run()
    assert at.toggle(key="followed").value is True
    assert at.toggle(key="mine").value is True


def test_the_device_is_asked_a_few_times_at_most(catalog):
    at = open_my_services(run_app(date=NOVEMBER))
    send_stored(at, storage_entry(MySettings(("Max",), "GB")))
    for round_ in (1, 2, 3):
        at.multiselect(key="my_service").set_value([])
        send_event(at, "drawn", round_)
    assert device_data(at)["restored"] == 0
    assert at.multiselect(key="my_service").value == ["Max"]


def test_titles_followed_before_the_stored_entry_arrives_join_it(catalog):
    at = run_app("pages/title.py", id=REFERENCE_ID)
    at.button(key="follow_title").click().run()
    send_stored(at, storage_entry(MySettings(follow=("test-title-3",))))
    assert follow_list(at) == ["test-title-3", REFERENCE_ID]


def test_a_stored_entry_arriving_after_a_reset_is_forgotten(catalog):
    at = run_app(date=NOVEMBER)
    at.button(key="mine_reset").click().run()
    send_stored(at, storage_entry(MySettings(("Max",), follow=("test-title-3",))))
    assert follow_list(at) == [] and "my_service" not in at.query_params
    assert open_my_services(at).multiselect(key="my_service").value == []
    assert device_data(at) == {"key": STORAGE_KEY, "write": True, "entry": None, "restored": 0}


def test_a_url_with_settings_wins_over_the_stored_entry(catalog):
    at = run_app(follow="test-title-1")
    send_stored(at, storage_entry(MySettings(follow=("test-title-3",))))
    assert follow_list(at) == ["test-title-1"]


def test_a_corrupt_or_older_entry_gives_a_notice_and_is_ignored(catalog):
    at = send_stored(run_app(), "{broken")
    assert "remembered on this device are damaged" in infos(at)
    at = send_stored(run_app(), json.dumps({"version": 0, "follow": ["x"]}))
    assert "from another version of the app" in infos(at)
    assert follow_list(at) == []
    removed = {"key": STORAGE_KEY, "write": True, "entry": None, "restored": 0}
    assert device_data(at) == removed


def test_a_change_is_remembered_and_reset_forgets_everything(catalog):
    at = run_app(follow=REFERENCE_ID, my_service=["Max"])
    at.toggle(key="mine").set_value(True).run()
    data = device_data(at)
    assert data["write"] is True
    assert json.loads(data["entry"])["follow"] == [REFERENCE_ID]
    at.button(key="mine_reset").click().run()
    assert device_data(at) == {"key": STORAGE_KEY, "write": True, "entry": None, "restored": 0}
    assert follow_list(at) == []
    assert at.multiselect(key="my_service").value == []
    assert at.toggle(key="mine").value is False


# ---------------------------------------------------------------------- My calendar


def get(url: str):
    address = urlsplit(url)
    route = next(r for r in routes.export_routes() if r.path == address.path)
    scope = {"type": "http", "method": "GET", "path": address.path, "headers": []}
    return route.endpoint(Request({**scope, "query_string": address.query.encode()}))


def test_my_calendar_gives_the_followed_titles_on_my_services(catalog, monkeypatch):
    monkeypatch.setattr(routes, "_mounted", True)
    at = run_app(follow=f"{REFERENCE_ID},test-title-3,test-title-4", my_service=["Netflix", "Max"])
    assert not at.sidebar.code, "drawn only once My calendar is opened"
    at.session_state[MY_CALENDAR_OPEN] = True
    at.run()
    ics, atom = (c.value for c in at.sidebar.code)
    assert urlsplit(ics).path == "/export.ics" and urlsplit(atom).path == "/feed.atom"
    assert parse_qs(urlsplit(ics).query)["follow"] == [f"{REFERENCE_ID},test-title-3,test-title-4"]
    response = get(ics)
    assert response.status_code == 200
    events = Calendar.from_ical(response.body).walk("VEVENT")
    # test-title-3 is on Disney+, not one of my services.
    uids = sorted(str(event["UID"]).split("@")[0] for event in events)
    assert uids == sorted(["all-the-light-we-cannot-see-s1e1-4", "test-4"])
    assert get(atom).status_code == 200
    assert at.sidebar.get("image")  # the QR code


def test_without_the_export_routes_my_calendar_offers_no_dead_links(catalog, monkeypatch):
    monkeypatch.setattr(routes, "_mounted", False)  # served as `streamlit run app.py`
    at = run_app(follow=REFERENCE_ID)
    at.session_state[MY_CALENDAR_OPEN] = True
    at.run()
    assert not at.sidebar.code and not at.sidebar.get("image")
    assert any("served with the dashboard by `server.py`" in c.value for c in at.sidebar.caption)
