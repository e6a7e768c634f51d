"""Mine in the dashboard: my services and region, the "My services" and "Followed only"
switches, follow buttons, the followed titles, "My calendar" and the device's memory.

The settings are bound to the URL (``my_service``, ``my_region``, ``mine``, ``followed``); the
followed titles are this session's list, mirrored in ``follow`` on every run (a plain query
parameter would be dropped by a page change). The browser remembers them in its own storage
through a small component (assets/device.js): read once a session, and written only after the
viewer changed something here. A stored entry is applied only to a session whose first URL named
none of them; in a session opened from a link that did, what the viewer changes is laid over
the stored entry (:func:`~calendar_data.mine.kept_over`), so a link someone shared never
overwrites one's own settings. The entry arrives a moment after the first run (once the
component is drawn): a setting the viewer changed before it keeps the viewer's value, and
titles followed before it join the stored ones. Until the browser has drawn the restored
values, a click sends the widgets' old values along with it: those echoes are undone (see
:func:`_settle`). The browser draws them a moment after the device says so (a widget takes a
value set here one render later), so the device's word counts only once it arrives with no
echo; otherwise it is asked again.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import streamlit as st

from .. import routes
from ..days import local_today
from ..filters import MAX_VALUES, TITLE_ID, ReleaseFilter, named_few, parse_title_ids
from ..live import LiveCatalog
from ..mine import (
    STORAGE_KEY,
    MySettings,
    StorageError,
    calendar_links,
    followed_titles,
    kept_over,
    my_view,
    qr_png,
    read_storage_entry,
    storage_entry,
    toggled,
)
from ..params import (
    FOLLOW,
    FOLLOWED,
    MINE,
    MINE_PARAMS,
    MY_CALENDAR_OPEN,
    MY_REGION,
    MY_SERVICE,
    MY_SERVICES_OPEN,
)
from ..regions import COUNTRIES, country_from_locale
from ..text import escape_markdown, escape_message, one_line, quoted
from .sidebar import drawn_on_demand, keeps_url_notices

SERVICES_KEY, REGION_KEY, SWITCH_KEY, FOLLOWED_KEY = MY_SERVICE, MY_REGION, MINE, FOLLOWED
FOLLOW_KEY = "_follow"  # this session's followed title ids
DEVICE_KEY = "mine_device"
_STORED = "_mine_stored"  # the entry the browser sent, until a run reads it
_DIRTY = "_mine_dirty"  # the viewer changed a setting: the device remembers them
_TOUCHED = "_mine_touched"  # the settings the viewer changed in this session, by key
_FOLLOWS = "_mine_follows"  # {title id: followed now} for each title the viewer toggled
_LINK_BASE = "_mine_link_base"  # opened from a link naming settings: the device's own ones
_IGNORE_STORED = "_mine_ignore_stored"  # the first URL named a setting, or the viewer reset
_RESTORED = "_mine_restored"  # {key: (old, restored)}, until the browser has drawn them
_ROUND = "_mine_round"  # how many times the device was asked to say it drew them
_DRAWN = "_mine_drawn"  # the device said so in this run
_ROUNDS = 3
_FOLLOWED_MEMO = "_mine_followed"
_LIST_SLOT = "_mine_list"  # the followed titles' expander and entries, until their links
_DEVICE_SLOT = "_mine_device_data"  # what the device is told, until it is drawn
_DEVICE = st.components.v2.component(
    "calendar_data.device",
    js=(Path(__file__).parent / "assets" / "device.js").read_text(encoding="utf-8"),
)


def mine_sidebar(
    live: LiveCatalog, release_filter: ReleaseFilter, tz: str
) -> tuple[ReleaseFilter, list[str]]:
    """Draw "Mine" in the sidebar; return ``release_filter`` narrowed by it, and a notice
    for each part of the session's first settings (its link's or its device's) not used."""
    known = set(live.known_values().get("service", ()))
    default_region = country_from_locale(st.context.locale)
    notices = _restore(live, known, default_region, tz)
    restoring = _settle()
    with st.sidebar:
        st.divider()
        st.header("Mine", anchor=False)
        settings = _settings(live, default_region, restoring)
        _mirror_follow(settings.follow)
        _followed_list(live, settings.follow, tz)
        _my_calendar(settings, tz)
        st.button(
            "Forget my settings",
            key="mine_reset",
            on_click=_reset,
            icon=":material/restart_alt:",
            help="Clears my services, region and followed titles here and on this device.",
        )
        st.session_state[_DEVICE_SLOT] = _device_data(settings, default_region)
    narrowed, more = my_view(release_filter, settings)
    for notice in more:
        st.info(escape_message(notice), icon=":material/info:")
    return narrowed, notices


def followed_ids() -> tuple[str, ...]:
    """The titles followed in this session, in following order."""
    return st.session_state.get(FOLLOW_KEY, ())


def follow_button(
    title_id: str | None, title: str, key: str, in_drawer: bool = False, width="content"
) -> None:
    """Follow or unfollow a title. In a drawer, a click reruns the whole page, so the marks
    and the URL follow at once. A title whose id a link cannot carry (see
    :data:`~calendar_data.filters.TITLE_ID`) cannot be followed: the button says why."""
    followed = title_id in followed_ids()
    linkable = title_id is not None and TITLE_ID.fullmatch(title_id) is not None
    clicked = st.button(
        "Unfollow" if followed else "Follow",
        key=key,
        on_click=_toggle_follow,
        args=(title_id,),
        icon=":material/star:" if followed else ":material/star_border:",
        help=f"{'Stop following' if followed else 'Follow'} {one_line(title, 80)}: followed "
        "titles are marked ★ and make up My calendar."
        if linkable or title_id is None
        else f"This title's id {quoted(one_line(title_id, 80))} cannot be carried in a link "
        "(letters, digits and . _ : ~ - only), so it cannot be followed.",
        disabled=not linkable,
        width=width,
    )
    if clicked and in_drawer:
        st.rerun()


def follow_picker(menus, rows: pa.Table) -> None:
    """Follow a title of the rows shown (Browse), from a menu in ``menus`` (the page's row of
    menus): pick it, then Follow or Unfollow."""
    titles = dict(zip(rows["title_id"].to_pylist(), rows["title"].to_pylist(), strict=True))
    followed = set(followed_ids())
    with menus.popover("Follow a title", icon=":material/star:", key="follow_menu"):
        picked = st.selectbox(
            "Follow a title of this page",
            list(titles),
            index=None,
            format_func=lambda t: ("★ " if t in followed else "") + one_line(titles[t], 80),
            key="follow_pick",
            placeholder="Choose a title",
        )
        follow_button(picked, titles.get(picked) or "", key="follow_picked", width="stretch")


# ---------------------------------------------------------------------- settings


def _settings(
    live: LiveCatalog, default_region: str | None, restoring: set[str]
) -> MySettings:
    """The switches, then my services and region, whose inputs are drawn on demand
    (:func:`drawn_on_demand`); ``restoring``: the keys this run sets from the device's entry,
    which draws them too."""
    follow = followed_ids()
    mine = st.toggle(
        "My services",
        key=SWITCH_KEY,
        bind="query-params",
        on_change=_setting_changed,
        args=(SWITCH_KEY,),
        help="On: only my services, in my region (worldwide releases count in every region). "
        "Off: all services.",
    )
    only = st.toggle(
        "Followed only",
        key=FOLLOWED_KEY,
        bind="query-params",
        on_change=_setting_changed,
        args=(FOLLOWED_KEY,),
        disabled=not follow,
        help="Only the titles I follow." if follow else "Follow a title to use this.",
    )
    section = st.expander("My services and region", key=MY_SERVICES_OPEN, on_change="rerun")
    if not drawn_on_demand(section.open, (SERVICES_KEY, REGION_KEY), restoring):
        return MySettings((), default_region, bool(mine), follow, bool(only and follow))
    with section:
        services = st.multiselect(
            "My services",
            [value for value, _ in live.options.get("service", ())],
            key=SERVICES_KEY,
            bind="query-params",
            on_change=_setting_changed,
            args=(SERVICES_KEY,),
            placeholder="Choose services",
            max_selections=MAX_VALUES,
        )
        countries = list(COUNTRIES)
        # No default: a bound widget drops a value equal to its default from the URL, so a
        # link naming the viewer's own country would lose it once shared.
        region = st.selectbox(
            "My region",
            countries,
            index=None,
            key=REGION_KEY,
            bind="query-params",
            on_change=_setting_changed,
            args=(REGION_KEY,),
            placeholder=default_region or "Choose a country",
            help="A country code (ISO 3166-1); until one is picked, the one your browser's "
            "language names. "
            + "; ".join(f"{code}: {COUNTRIES[code]}" for code in ("GB", "US", "DE", "FR")),
        )
    return MySettings(
        tuple(services), region or default_region, bool(mine), follow, bool(only and follow)
    )


def _followed_list(live: LiveCatalog, follow: tuple[str, ...], tz: str) -> None:
    """The expander of followed titles; its links are drawn by :func:`draw_after_navigation`."""
    box = st.expander(f"Followed titles ({len(follow)})")
    if not follow:
        box.caption("Follow titles from a card's details, the Title page or Browse.")
    st.session_state[_LIST_SLOT] = (box, _followed(live, follow, tz))


def draw_after_navigation() -> None:
    """What Mine draws once ``st.navigation`` has declared the pages, which comes after the
    sidebar (app.py calls this in between): the followed titles' links, and the device.

    ``st.page_link`` names a page only once the pages are declared. The device sends its
    stored entry as soon as it is drawn; sent before the browser knows this run's page, the
    rerun it asks for names no page, which Streamlit takes for a page change (clearing the
    URL's parameters)."""
    _draw_followed_links()
    data = st.session_state.pop(_DEVICE_SLOT, None)
    if data is not None:
        with st.sidebar:
            _DEVICE(
                key=DEVICE_KEY,
                data=data,
                on_stored_change=_stored_arrived,
                on_drawn_change=_restored_drawn,
            )


def _draw_followed_links() -> None:
    """Fill the sidebar's list of followed titles with links to their Title pages."""
    box, items = st.session_state.pop(_LIST_SLOT, (None, []))
    for item in items:
        name = escape_markdown(one_line(item.title or item.title_id, 80))
        box.page_link(
            "pages/title.py",
            label=f"{name} · {item.status}",
            query_params={"id": item.title_id},
            icon=":material/star:",
        )


def _my_calendar(settings: MySettings, tz: str) -> None:
    """The My calendar links, their code blocks and QR code, drawn only once the viewer opens
    the expander: drawn closed, they still slow every new session's first paint
    (benchmarks/RESULTS.md)."""
    calendar = st.expander("My calendar", key=MY_CALENDAR_OPEN, on_change="rerun")
    if not calendar.open:
        return
    with calendar:
        if not routes.mounted():
            st.caption(
                "My calendar's links are served with the dashboard by `server.py` (as "
                "`make run` serves it); this server runs the dashboard alone, so it has none."
            )
            return
        links = calendar_links(_base_url(), settings, tz)
        st.caption(
            "The titles I follow, on my services in my region: subscribe from a calendar app "
            "or a feed reader. The links follow the catalog as it changes."
            + (
                ""
                if settings.follow
                else " Follow titles first: without any, every title on my services is in it."
            )
        )
        st.markdown("**Calendar (iCalendar)**")
        st.code(links["ics"], language=None, wrap_lines=True)
        st.markdown("**Feed (Atom)**")
        st.code(links["atom"], language=None, wrap_lines=True)
        st.image(
            qr_png(links["ics"]),
            alt="QR code of the My calendar link, for a phone's camera",
            caption="Scan to subscribe on a phone",
            width=180,
        )


def _base_url() -> str:
    """The address the browser reached the app at (``http://host:port``), or "" unknown."""
    address = urlsplit(st.context.url or "")
    if address.scheme in ("http", "https") and address.netloc:
        return f"{address.scheme}://{address.netloc}"
    return ""


# ---------------------------------------------------------------------- state and the device


def _restore(
    live: LiveCatalog, known: set[str], default_region: str | None, tz: str
) -> list[str]:
    """Start the session's follow list from the URL, or apply the device's entry once it
    arrives (to a session whose first URL named none of the settings), under what the viewer
    changed meanwhile; notices for what could not be used. A stored region that is the
    browser's own is already in effect: setting it would only write it into the URL."""
    notices: list[str] = []
    if FOLLOW_KEY not in st.session_state:
        ids, _ = parse_title_ids(st.query_params.get_all(FOLLOW))  # read_view tells
        st.session_state[FOLLOW_KEY] = ids
        from_link = any(p in st.query_params for p in (*MINE_PARAMS, FOLLOW))
        st.session_state[_IGNORE_STORED] = from_link
        if from_link:
            st.session_state[_LINK_BASE] = None  # until the device says what it holds
        notices += _gone(live, ids, tz)
    raw = st.session_state.pop(_STORED, None)
    if raw is not None and _LINK_BASE in st.session_state:
        st.session_state[_LINK_BASE] = _usable_entry(raw, known)
    if raw is None or st.session_state.get(_IGNORE_STORED):
        return notices
    try:
        settings, more = read_storage_entry(raw, known)
    except StorageError as error:
        _changed()  # the settings are at their defaults: the unusable entry is removed
        return [*notices, str(error)]
    touched = st.session_state.get(_TOUCHED, set())
    stored = {
        SERVICES_KEY: list(settings.services),
        REGION_KEY: settings.region,
        SWITCH_KEY: settings.mine,
        FOLLOWED_KEY: settings.followed_only,
    }
    if st.session_state.get(REGION_KEY) is None and settings.region == default_region:
        del stored[REGION_KEY]
    restored = {
        key: (st.session_state.get(key), value)
        for key, value in stored.items()
        if key not in touched and st.session_state.get(key) != value
    }
    for key, (_, value) in restored.items():
        st.session_state[key] = value
    if restored:
        st.session_state[_RESTORED] = restored
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.session_state[FOLLOW_KEY] = tuple(dict.fromkeys((*settings.follow, *followed_ids())))
    return notices + more + _gone(live, settings.follow, tz)


def _usable_entry(raw: str, known: set[str]) -> MySettings | None:
    try:
        return read_storage_entry(raw, known)[0]
    except StorageError:
        return None


def _gone(live: LiveCatalog, follow: tuple[str, ...], tz: str) -> list[str]:
    """Notices for the followed titles the catalog lacks (the followed titles' list, in the
    viewer's zone, is then kept for the sidebar)."""
    gone = [i.title_id for i in _followed(live, follow, tz) if i.title is None]
    return named_few(
        gone,
        lambda title_id: f"The followed title {quoted(title_id)} is not in this catalog; it "
        "stays in Followed titles as having no upcoming releases.",
        "followed titles",
        rest="{count:,} more {what} are not in this catalog either; they stay too.",
    )


def _followed(live: LiveCatalog, follow: tuple[str, ...], tz: str) -> list:
    """:func:`followed_titles`, kept for this session's next run (it scans the catalog's
    title ids); not on the shared catalog, where every session's list would push out the
    months' cards."""
    today = local_today(tz)
    key = (live.signature, follow, today, tz)
    kept = st.session_state.get(_FOLLOWED_MEMO)
    if kept is None or kept[0] != key:
        followed = followed_titles(live.table, follow, today, tz)
        kept = st.session_state[_FOLLOWED_MEMO] = (key, followed)
    return kept[1]


def _mirror_follow(follow: tuple[str, ...]) -> None:
    """Write the follow list into the URL (a page change drops it; a click changes it)."""
    wanted = ",".join(follow)
    if wanted and st.query_params.get(FOLLOW) != wanted:
        st.query_params[FOLLOW] = wanted
    elif not wanted and FOLLOW in st.query_params:
        del st.query_params[FOLLOW]


def _device_data(settings: MySettings, default_region: str | None) -> dict:
    """What the device component is told: it sends the stored entry once, and stores the
    settings (or forgets them, when they are all at their defaults) once the viewer changed
    one: on the view of a link someone shared, only what the viewer changed, over what the
    device holds (a device that holds nothing takes the view's settings as they are)."""
    base = st.session_state.get(_LINK_BASE)
    if base is not None:
        touched = st.session_state.get(_TOUCHED, set())
        settings = kept_over(base, settings, touched, st.session_state.get(_FOLLOWS, {}))
    untouched = settings == MySettings(region=default_region)
    return {
        "key": STORAGE_KEY,
        "write": bool(st.session_state.get(_DIRTY)),
        "entry": None if untouched else storage_entry(settings),
        "restored": st.session_state[_ROUND] if _RESTORED in st.session_state else 0,
    }


@keeps_url_notices
def _stored_arrived() -> None:
    value = (st.session_state.get(DEVICE_KEY) or {}).get("stored")
    if isinstance(value, str):  # from the browser: checked, not trusted
        st.session_state[_STORED] = value


@keeps_url_notices
def _restored_drawn() -> None:
    st.session_state[_DRAWN] = True


def _settle() -> set[str]:
    """Put back each restored value found at its old value while the device has not said the
    restored ones are drawn: sent along with a click (see :func:`_setting_changed`), or kept
    without a callback when a click cut short the run that restored it (Streamlit then keeps
    the widget's value from before that run). Once the device says so, the undoing ends,
    unless this very run undid a value (the browser sent it after the device spoke): then the
    device is asked again, in a new round, a few times at most.

    A restored value still held is set again, and its key returned: an input drawn for the
    first time in the run that restored it (My services and region are drawn on demand)
    writes it into the URL only in a later run that sets it."""
    restored = st.session_state.get(_RESTORED, {})
    echoed = False
    restoring = set()
    for key, (old, value) in restored.items():
        if st.session_state.get(key) == old:
            echoed = True
        if st.session_state.get(key) in (old, value):
            st.session_state[key] = value
            restoring.add(key)
    if not st.session_state.pop(_DRAWN, False):
        return restoring
    if echoed and st.session_state[_ROUND] < _ROUNDS:
        st.session_state[_ROUND] += 1
    else:
        st.session_state.pop(_RESTORED, None)
    return restoring


def _setting_changed(key: str) -> None:
    """A setting's widget changed: the viewer's change, unless it is the old value sent along
    with a click before the browser drew the value restored from the device, which
    :func:`_settle` puts back.

    The viewer's value is set again here, which writes it into the URL: the browser wrote the
    change there, but a run that began before the click (the one applying the device's entry)
    may have put its own URL back since."""
    echo = st.session_state.get(_RESTORED, {}).get(key)
    if echo and st.session_state.get(key) == echo[0]:
        return
    st.session_state[key] = st.session_state[key]
    _changed(key)


def _changed(*keys: str) -> None:
    """The viewer changed the settings ``keys`` (none: the device's entry must be rewritten)."""
    st.session_state[_DIRTY] = True
    st.session_state[_TOUCHED] = st.session_state.get(_TOUCHED, set()) | set(keys)


def _toggle_follow(title_id: str | None) -> None:
    if title_id:
        follow = st.session_state[FOLLOW_KEY] = toggled(followed_ids(), title_id)
        st.session_state[_FOLLOWS] = {
            **st.session_state.get(_FOLLOWS, {}),
            title_id: title_id in follow,
        }
        _changed()


def _reset() -> None:
    st.session_state[SERVICES_KEY] = []
    st.session_state[REGION_KEY] = None
    st.session_state[SWITCH_KEY] = False
    st.session_state[FOLLOWED_KEY] = False
    st.session_state[FOLLOW_KEY] = ()
    st.session_state[_IGNORE_STORED] = True  # an entry arriving after this is forgotten too
    st.session_state.pop(_LINK_BASE, None)  # forgotten, not kept under a shared link's view
    st.session_state.pop(_RESTORED, None)  # old values sent with this click are not undone
    _changed()
