"""Mine: my services, my region and the titles I follow, held in nothing but links.

The settings live in the URL (see :data:`~calendar_data.params.MINE_PARAMS` and ``follow``)
and may be remembered in the browser's own storage as one JSON entry
(:func:`storage_entry`, read back by :func:`read_storage_entry`). "My calendar" is an export
link and a feed link carrying the followed titles, my services and my region
(:func:`calendar_links`). The export routes read a link's settings as the page does
(:func:`settings_in_link`); only ``follow`` reads differently there (see
:data:`~calendar_data.params.FOLLOW`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pyarrow as pa
import pyarrow.compute as pc
import segno

from .days import DEFAULT_TIMEZONE, local_days
from .filters import (
    MAX_VALUES,
    Params,
    ReleaseFilter,
    in_set,
    last_param,
    named_few,
    param_values,
    parse_title_ids,
    spellings,
)
from .params import EXPORT_PATHS, FEED_PATHS, FOLLOWED, MINE, MY_REGION, MY_SERVICE, TIMEZONE
from .regions import COUNTRIES
from .text import quoted

#: The browser storage entry's name, and the version of its layout: an entry of another
#: version is ignored with a notice.
STORAGE_KEY = "calendar_data.mine"
STORAGE_VERSION = 1
#: The links "My calendar" offers, by export format.
CALENDAR_PATHS = {"ics": EXPORT_PATHS["ics"], "atom": FEED_PATHS["atom"]}
FOLLOWED_MARK = "★ "


@dataclass(frozen=True)
class MySettings:
    """What a viewer called theirs. ``mine`` is the "My services" switch: off, every service
    and region is shown."""

    services: tuple[str, ...] = ()
    region: str | None = None
    mine: bool = False
    follow: tuple[str, ...] = ()
    followed_only: bool = False

    def link_params(self) -> dict[str, list[str]]:
        """My services and region as a link names them (nothing for what is unset)."""
        params = {MY_SERVICE: list(self.services)} if self.services else {}
        return {**params, MY_REGION: [self.region]} if self.region else params


class StorageError(ValueError):
    """A remembered entry that cannot be used; the message says why, in one line."""


# ---------------------------------------------------------------------- checking values


def check_services(values: Sequence[str], known: Collection[str]) -> tuple[tuple[str, ...], list]:
    """The services the catalog has, in order and as it spells them (a value may differ in
    case, as the filters' may), and a notice for each it lacks."""
    by_case = spellings(known)
    spelled = [v if v in known else by_case.get(v.casefold()) for v in values]
    kept = tuple(dict.fromkeys(v for v in spelled if v))
    unknown = [v for v, known_as in zip(values, spelled, strict=True) if not known_as]
    notices = named_few(unknown, _not_a_service, "of my services: not in this catalog")
    if len(kept) > MAX_VALUES:
        notices.append(f"Only the first {MAX_VALUES} of my services are kept.")
    return kept[:MAX_VALUES], notices


def _not_a_service(value: str) -> str:
    return f"Ignored my service {quoted(value)}: not in this catalog."


def check_region(value: str | None) -> tuple[str | None, list[str]]:
    """An ISO 3166-1 alpha-2 code in upper case (as URLs hold it; any case is read), or None
    and a notice."""
    if not value:
        return None, []
    if value.upper() in COUNTRIES:
        return value.upper(), []
    return None, [f"Ignored my region {quoted(value)}: not a country code (ISO 3166-1, e.g. GB)."]


def settings_in_link(
    params: Params, known_services: Collection[str], default_region: str | None = None
) -> tuple[MySettings, list[str]]:
    """My services, region and switches as a link holds them (``default_region``: the page's
    region when the link names none), and a notice for each value the page would ignore. The
    followed titles are the filter's (``follow``)."""
    services, notices = check_services(param_values(params, MY_SERVICE), known_services)
    region, more = check_region(last_param(params, MY_REGION))
    mine, bad = _switch(params, MINE)
    followed_only, worse = _switch(params, FOLLOWED)
    settings = MySettings(services, region or default_region, mine, (), followed_only)
    return settings, notices + more + bad + worse


def _switch(params: Params, key: str) -> tuple[bool, list[str]]:
    """A switch as its widget reads the link (``true`` or ``false``, any case; off when
    absent), and a notice for a value it would ignore."""
    value = last_param(params, key)
    if value is None or value.lower() in ("true", "false"):
        return value is not None and value.lower() == "true", []
    return False, [f"Ignored {key}={quoted(value)}: use true or false."]


def toggled(follow: Sequence[str], title_id: str) -> tuple[str, ...]:
    """``follow`` with ``title_id`` added at the end, or removed if it was there."""
    if title_id in follow:
        return tuple(t for t in follow if t != title_id)
    return (*follow, title_id)


def kept_over(
    stored: MySettings, shown: MySettings, changed: Collection[str], follows: Mapping[str, bool]
) -> MySettings:
    """What the device keeps when the viewer, on a view someone shared (``shown``), changed
    the settings named ``changed`` (by URL parameter) and followed (True) or unfollowed
    (False) the titles in ``follows``: its ``stored`` settings with those changes only, never
    the rest of the link's."""
    kept = [t for t in stored.follow if follows.get(t, True)]
    return MySettings(
        services=shown.services if MY_SERVICE in changed else stored.services,
        region=shown.region if MY_REGION in changed else stored.region,
        mine=shown.mine if MINE in changed else stored.mine,
        follow=(*kept, *(t for t, on in follows.items() if on and t not in kept)),
        followed_only=shown.followed_only if FOLLOWED in changed else stored.followed_only,
    )


# ---------------------------------------------------------------------- the device's entry


def storage_entry(settings: MySettings) -> str:
    """The settings as the JSON entry the browser keeps."""
    return json.dumps(
        {
            "version": STORAGE_VERSION,
            "services": list(settings.services),
            "region": settings.region,
            "mine": settings.mine,
            "follow": list(settings.follow),
            "followed_only": settings.followed_only,
        },
        separators=(",", ":"),
    )


def read_storage_entry(raw: str, known_services: Collection[str]) -> tuple[MySettings, list[str]]:
    """The settings an entry remembers, and a notice for each value this catalog lacks.

    Raises :class:`StorageError` for an entry that is not this version's JSON object.
    """
    try:
        entry = json.loads(raw)
    except (TypeError, ValueError):
        raise StorageError(_damaged("it is not valid JSON")) from None
    if not isinstance(entry, dict):
        raise StorageError(_damaged("it is not a settings record"))
    version = entry.get("version")
    if version != STORAGE_VERSION:
        raise StorageError(
            f"The settings remembered on this device are from another version of the app "
            f"(version {quoted(version)}, this one reads {STORAGE_VERSION}), so they were "
            "ignored. Choose them again to remember them."
        )
    services, follow, region = entry.get("services"), entry.get("follow"), entry.get("region")
    if not _strings(services) or not _strings(follow) or not isinstance(region, str | None):
        raise StorageError(_damaged("a value has the wrong type"))
    if not isinstance(entry.get("mine"), bool) or not isinstance(entry.get("followed_only"), bool):
        raise StorageError(_damaged("a switch is not true or false"))
    kept_services, notices = check_services(services, known_services)
    kept_region, more = check_region(region)
    ids, bad_ids = parse_title_ids(follow)
    settings = MySettings(kept_services, kept_region, entry["mine"], ids, entry["followed_only"])
    return settings, notices + more + bad_ids


def _damaged(why: str) -> str:
    return f"The settings remembered on this device are damaged ({why}), so they were ignored."


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# ---------------------------------------------------------------------- applying


def my_view(release_filter: ReleaseFilter, settings: MySettings) -> tuple[ReleaseFilter, list]:
    """The filter narrowed to my services and region (with the switch on) and to the followed
    titles (with "Followed only" on), and a notice where a filter and a setting exclude each
    other (the filter's own choice is then shown)."""
    notices: list[str] = []
    changes: dict = {}
    if settings.mine and settings.services:
        changes["services"] = _narrowed(release_filter.services, settings.services)
    if settings.mine and settings.region:
        changes["regions"] = _narrowed(release_filter.regions, (settings.region,))
    for attribute, value in changes.items():
        if value is None:
            changes[attribute] = getattr(release_filter, attribute)
            notices.append(
                f"The {'Service' if attribute == 'services' else 'Region'} filter names none of "
                f"my {'services' if attribute == 'services' else 'region'}, so the filter's "
                "choice is shown."
            )
    if settings.followed_only and settings.follow:
        changes["titles"] = settings.follow
    return replace(release_filter, **changes), notices


def _narrowed(chosen: tuple[str, ...], mine: tuple[str, ...]) -> tuple[str, ...] | None:
    """``mine``, or the chosen values among them (None when there are none)."""
    if not chosen:
        return mine
    both = tuple(v for v in chosen if v in mine)
    return both or None


def calendar_params(settings: MySettings, tz: str) -> dict[str, list[str]]:
    """The URL parameters of "My calendar": the followed titles on my services in my region."""
    my_filter = ReleaseFilter(
        services=settings.services,
        regions=(settings.region,) if settings.region else (),
        titles=settings.follow,
    )
    return {**my_filter.to_query_params(), TIMEZONE: [tz]}


def calendar_links(base: str, settings: MySettings, tz: str) -> dict[str, str]:
    """The absolute "My calendar" links (``base`` is e.g. ``http://host:8501``), by format."""
    query = urlencode(calendar_params(settings, tz), doseq=True, safe=",")
    return {fmt: f"{base.rstrip('/')}{path}?{query}" for fmt, path in CALENDAR_PATHS.items()}


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as a PNG image, large enough for a phone's camera on a screen."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


# ---------------------------------------------------------------------- followed titles


@dataclass(frozen=True)
class Followed:
    """A followed title as the list shows it: its name when the catalog has it, and when its
    next release lands (``None``: no upcoming release; ``status`` says why)."""

    title_id: str
    title: str | None
    next_date: dt.date | None
    status: str


def followed_titles(
    table: pa.Table, follow: Sequence[str], today: dt.date, tz: str = DEFAULT_TIMEZONE
) -> list[Followed]:
    """Each followed title, in following order, with its next release on or after ``today``,
    the release's day where the viewer is (``tz``), as the calendar shows it.

    A title the catalog no longer holds stays, as "no upcoming releases".
    """
    if not follow:
        return []
    positions = pc.indices_nonzero(in_set(table["title_id"], list(follow)))
    columns = ["title_id", "title", "release_date", "release_at", "status"]
    rows = table.select(columns).take(positions)
    found: dict[str, dict] = {}
    for row, day in zip(rows.to_pylist(), local_days(rows, tz).to_pylist(), strict=True):
        entry = found.setdefault(row["title_id"], {"title": row["title"], "next": None, "tba": 0})
        if day is not None and day >= today and (entry["next"] is None or day < entry["next"]):
            entry["next"] = day
        entry["tba"] += row["status"] == "tba"
    result = []
    for title_id in follow:
        entry = found.get(title_id)
        if entry is None:
            result.append(Followed(title_id, None, None, "no upcoming releases"))
            continue
        if entry["next"] is not None:
            status = f"next {entry['next']:%a %-d %b %Y}"
        else:
            status = "date to be announced" if entry["tba"] else "no upcoming releases"
        result.append(Followed(title_id, entry["title"], entry["next"], status))
    return result


def mark_followed(payload: dict, follow: Collection[str]) -> dict:
    """The calendar's payload with a mark before each followed title's cards."""
    if not follow:
        return payload
    days = [
        {
            **day,
            "cards": [
                {**card, "title": FOLLOWED_MARK + card["title"]}
                if card["title_id"] in follow
                else card
                for card in day["cards"]
            ],
        }
        for day in payload["days"]
    ]
    return {**payload, "days": days}
