"""Reading TVmaze's JSON: schedule entries become :class:`Airing` values, show details become
:class:`ShowDetails`. Anything malformed is refused entry by entry, with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from ..days import valid_timezone
from .json_values import as_date, as_integer, as_text, positive_count, web_link

Feed = Literal["web", "broadcast"]
SPECIAL_TYPES = frozenset({"significant_special", "insignificant_special"})
LARGEST_NUMBER = 2**15 - 1  # season and episode numbers are int16 in the catalog

#: TVmaze's language names for the languages most often seen, as ISO 639-1 codes. Others keep
#: TVmaze's name, which the schema allows.
LANGUAGE_CODES = {
    "Arabic": "ar",
    "Chinese": "zh",
    "Czech": "cs",
    "Danish": "da",
    "Dutch": "nl",
    "English": "en",
    "Finnish": "fi",
    "French": "fr",
    "German": "de",
    "Greek": "el",
    "Hebrew": "he",
    "Hindi": "hi",
    "Hungarian": "hu",
    "Icelandic": "is",
    "Indonesian": "id",
    "Italian": "it",
    "Japanese": "ja",
    "Korean": "ko",
    "Malay": "ms",
    "Norwegian": "no",
    "Polish": "pl",
    "Portuguese": "pt",
    "Romanian": "ro",
    "Russian": "ru",
    "Spanish": "es",
    "Swedish": "sv",
    "Tamil": "ta",
    "Telugu": "te",
    "Thai": "th",
    "Turkish": "tr",
    "Ukrainian": "uk",
    "Vietnamese": "vi",
}

#: TVmaze crew types and the catalog's crew roles; other types are not imported.
CREW_ROLE_PATTERNS = (
    (re.compile(r"creator", re.I), "creator"),
    (re.compile(r"(series |co-|episode )?director", re.I), "director"),
    (re.compile(r"(head |staff |co-|series )?writer", re.I), "writer"),
    (re.compile(r"executive producer", re.I), "executive producer"),
    (
        re.compile(r"based on.*|.*\b(?:novel|book|comics?|manga|play|game) by", re.I),
        "based-on author",
    ),
)


class SkippedEntry(ValueError):
    """A schedule entry that cannot be imported; the message says why."""


@dataclass(frozen=True)
class Channel:
    """The network or web channel an episode airs on."""

    name: str
    region: str | None  # ISO 3166 alpha-2; None means worldwide
    timezone: str | None


@dataclass(frozen=True)
class Airing:
    """One episode on one channel on one day, as a schedule lists it."""

    show: Mapping[str, Any]
    episode_id: int
    name: str | None
    season: int | None
    number: int | None
    special: bool
    airdate: dt.date
    airstamp: dt.datetime | None  # only when TVmaze knows the time of day
    runtime: int | None
    url: str | None
    channel: Channel

    @property
    def show_id(self) -> int:
        return self.show["id"]


@dataclass(frozen=True)
class Season:
    number: int
    order: int | None
    premiere: dt.date | None
    end: dt.date | None


@dataclass
class ShowDetails:
    cast: list[dict[str, str | None]] = field(default_factory=list)
    crew: list[dict[str, str]] = field(default_factory=list)
    seasons: dict[int, Season] = field(default_factory=dict)


# --------------------------------------------------------------------------- schedules


def parse_schedule(body: Any, feed: Feed) -> tuple[list[Airing], list[str]]:
    """The usable airings of one schedule response, and one problem per skipped entry.

    A body that is not a list is not a schedule at all: :class:`ValueError`.
    """
    if not isinstance(body, list):
        raise ValueError(f"expected a list of episodes, got {type(body).__name__}")
    airings, problems = [], []
    for index, entry in enumerate(body):
        try:
            airings.append(parse_airing(entry, feed))
        except SkippedEntry as exc:
            problems.append(f"entry {index} ({_describe(entry)}): {exc}")
    return airings, problems


def parse_airing(entry: Any, feed: Feed) -> Airing:
    """One schedule entry; the show is ``_embedded.show`` (web feeds) or ``show`` (broadcast)."""
    if not isinstance(entry, dict):
        raise SkippedEntry(f"expected an object, got {type(entry).__name__}")
    embedded = entry.get("_embedded")
    show = embedded.get("show") if isinstance(embedded, dict) else entry.get("show")
    if not isinstance(show, dict):
        raise SkippedEntry("no show")
    if as_integer(show.get("id")) is None:
        raise SkippedEntry("the show has no id")
    if not as_text(show.get("name")):
        raise SkippedEntry("the show has no name")
    episode_id = as_integer(entry.get("id"))
    if episode_id is None:
        raise SkippedEntry("the episode has no id")
    airdate = as_date(entry.get("airdate"))
    if airdate is None:
        raise SkippedEntry(f"airdate {entry.get('airdate')!r} is not a date")
    channel = _channel(show, feed)
    if channel is None:
        raise SkippedEntry("the show has no network or web channel")
    season, number = as_integer(entry.get("season")), as_integer(entry.get("number"))
    if any(value is not None and not 0 <= value <= LARGEST_NUMBER for value in (season, number)):
        raise SkippedEntry(f"season {season} episode {number} is out of range")
    return Airing(
        show=show,
        episode_id=episode_id,
        name=as_text(entry.get("name")),
        season=season,
        number=number,
        special=as_text(entry.get("type")) in SPECIAL_TYPES or season is None or number is None,
        airdate=airdate,
        airstamp=_airstamp(entry),
        runtime=positive_count(entry.get("runtime")),
        url=web_link(entry.get("url")),
        channel=channel,
    )


def episode_airing(entry: Any) -> tuple[dt.date, dt.datetime | None] | None:
    """When an episode (``/shows/:id/episodebynumber``) airs: its day and, where TVmaze knows
    the time of day, its instant; None when TVmaze gives it no day."""
    airdate = as_date(entry.get("airdate")) if isinstance(entry, dict) else None
    return None if airdate is None else (airdate, _airstamp(entry))


def _airstamp(entry: Mapping[str, Any]) -> dt.datetime | None:
    """Without an airtime TVmaze's airstamp is a placeholder, not a release time."""
    return _instant(entry.get("airstamp")) if as_text(entry.get("airtime")) else None


def _channel(show: Mapping[str, Any], feed: Feed) -> Channel | None:
    keys = ("webChannel", "network") if feed == "web" else ("network", "webChannel")
    for key in keys:
        channel = show.get(key)
        if isinstance(channel, dict) and as_text(channel.get("name")):
            country = channel.get("country")
            country = country if isinstance(country, dict) else {}
            code = as_text(country.get("code"))
            region = code.upper() if code and re.fullmatch(r"[A-Za-z]{2}", code) else None
            return Channel(channel["name"].strip(), region, valid_timezone(country.get("timezone")))
    return None


def _describe(entry: Any) -> str:
    """A short name for a schedule entry in a warning, as far as it can be read."""
    if not isinstance(entry, dict):
        return "not an object"
    embedded = entry.get("_embedded")
    show = embedded.get("show") if isinstance(embedded, dict) else entry.get("show")
    name = as_text(show.get("name")) if isinstance(show, dict) else None
    return f"episode {entry.get('id')!r}" + (f" of {name!r}" if name else "")


# --------------------------------------------------------------------------- show details


def parse_cast(show: Any) -> list[dict[str, str | None]]:
    """Main cast from ``/shows/:id?embed[]=cast``: actor and character names."""
    embedded = show.get("_embedded") if isinstance(show, dict) else None
    credits = embedded.get("cast") if isinstance(embedded, dict) else None
    if not isinstance(credits, list):
        raise ValueError("the show has no embedded cast list")
    cast = []
    for credit in credits:
        if not isinstance(credit, dict):
            continue
        name = as_text(_get(credit, "person", "name"))
        if name:
            cast.append({"name": name, "character": as_text(_get(credit, "character", "name"))})
    return cast


def parse_crew(credits: Any) -> list[dict[str, str]]:
    """Creators, directors, writers, executive producers and source authors from ``/crew``."""
    if not isinstance(credits, list):
        raise ValueError(f"expected a list of crew credits, got {type(credits).__name__}")
    crew, seen = [], set()
    for credit in credits:
        if not isinstance(credit, dict):
            continue
        name, role = as_text(_get(credit, "person", "name")), crew_role(credit.get("type"))
        if name and role and (name, role) not in seen:
            seen.add((name, role))
            crew.append({"name": name, "role": role})
    return crew


def crew_role(kind: Any) -> str | None:
    """The catalog role of a TVmaze crew type, e.g. "Series Director" -> director."""
    if not isinstance(kind, str):
        return None
    for pattern, role in CREW_ROLE_PATTERNS:
        if pattern.fullmatch(kind.strip()):
            return role
    return None


def parse_seasons(seasons: Any) -> dict[int, Season]:
    """Season number -> episode order and first/last air dates, from ``/seasons``."""
    if not isinstance(seasons, list):
        raise ValueError(f"expected a list of seasons, got {type(seasons).__name__}")
    parsed = {}
    for season in seasons:
        number = as_integer(season.get("number")) if isinstance(season, dict) else None
        if number is not None:
            parsed[number] = Season(
                number,
                positive_count(season.get("episodeOrder")),
                as_date(season.get("premiereDate")),
                as_date(season.get("endDate")),
            )
    return parsed


# --------------------------------------------------------------------------- values


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))  # in HTML, any whitespace is one space


def plain_text(html: Any) -> str | None:
    """TVmaze's HTML summary as plain text: tags removed, entities decoded, paragraphs kept."""
    if not isinstance(html, str):
        return None
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line) or None


def language_code(name: Any) -> str | None:
    name = as_text(name)
    return LANGUAGE_CODES.get(name, name) if name else None


def _instant(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment.astimezone(dt.UTC) if moment and moment.tzinfo else None


def _get(mapping: Mapping[str, Any], key: str, inner: str) -> Any:
    value = mapping.get(key)
    return value.get(inner) if isinstance(value, dict) else None
