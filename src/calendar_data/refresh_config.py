"""The TOML file that tells ``calendar-data refresh`` what to fetch.

Top-level keys set the window and the defaults; each ``[sources.NAME]`` table turns a source on
and may override the regions and services. A mistake is reported as one line naming the file,
the line and the key (:class:`ConfigError`).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .importers.http import MIN_RATE
from .regions import iso_region

#: ``calendar-data refresh --example-config`` prints this.
EXAMPLE_CONFIG = """\
# calendar-data refresh CATALOG --config refresh.toml
# Every key is optional except at least one [sources.NAME] table.

# How often cron or the systemd timer runs the refresh (hours). The dashboard warns when the
# catalog is older than this.
every_hours = 6
# Releases fetched from today on, for this many days.
days_ahead = 14
# Releases older than this many days are dropped from the catalog (rows of refreshed sources
# only; editorial rows are kept).
days_behind = 30
# ISO 3166-1 alpha-2 codes. For TVmaze: the countries whose local web channels are fetched,
# besides the worldwide ones; [] fetches every web channel.
regions = ["US", "GB"]
# Keep only these services (as the catalog names them); [] keeps every service.
services = []

[sources.tvmaze]
base_url = "https://api.tvmaze.com"
# At most this many requests per second (TVmaze allows about 2).
rate = 2.0
# Also the broadcast networks of each region.
# broadcast = false
# Sources may override the top-level lists:
# regions = ["US"]
# services = ["Netflix", "Apple TV+"]

# Films and shows with per-country dates and providers. Needs TMDB_API_KEY or TMDB_READ_TOKEN
# in the environment (https://www.themoviedb.org/settings/api) and regions.
# [sources.tmdb]
# base_url = "https://api.themoviedb.org/3"
# rate = 20.0
# Keep a cache: details of titles TMDB did not change are read from it, not fetched again.
# cache_dir = "/var/cache/calendar-data/tmdb"
# language = "en-GB"
"""

DEFAULTS = {"every_hours": 6.0, "days_ahead": 14, "days_behind": 30}
MAX_DAYS_AHEAD = 62
#: A hundred years back at most: a million days reached before the first day Python has.
MAX_DAYS_BEHIND = 36_500
TOP_LEVEL_KEYS = (*DEFAULTS, "regions", "services", "sources")
#: Keys every ``[sources.NAME]`` table takes; each source adds options of its own.
SOURCE_KEYS = ("base_url", "rate", "regions", "services")
#: A source's own options: name -> type (bool, str, int or float).
Options = Mapping[str, type]


class ConfigError(ValueError):
    """A config file that cannot be used; the message is one line naming file, line and key."""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    base_url: str | None = None
    #: Requests per second at most; None: the source's own default.
    rate: float | None = None
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    #: The source's own options that the file sets (e.g. TVmaze's ``broadcast``).
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefreshConfig:
    sources: tuple[SourceConfig, ...]
    every_hours: float = DEFAULTS["every_hours"]
    days_ahead: int = DEFAULTS["days_ahead"]
    days_behind: int = DEFAULTS["days_behind"]


def load_config(path: str | os.PathLike, known_sources: Mapping[str, Options]) -> RefreshConfig:
    """The config at ``path``; ``known_sources`` are the names ``[sources.NAME]`` may use, with
    the options of each."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, str(path), known_sources)


def parse_config(text: str, origin: str, known_sources: Mapping[str, Options]) -> RefreshConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    reader = _Reader(text, origin)
    reader.only_keys(raw, (), TOP_LEVEL_KEYS)
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise ConfigError(f"{origin}: no [sources.NAME] table; add [sources.tvmaze]")
    reader.only_keys(sources, ("sources",), known_sources, what="source")
    regions = reader.regions(raw, ())
    services = reader.texts(raw, (), "services")
    return RefreshConfig(
        sources=tuple(
            reader.source(name, sources[name], regions, services, options)
            for name, options in known_sources.items()
            if name in sources
        ),
        every_hours=reader.number(raw, (), "every_hours", DEFAULTS["every_hours"], float),
        days_ahead=reader.number(raw, (), "days_ahead", DEFAULTS["days_ahead"], int),
        days_behind=reader.number(raw, (), "days_behind", DEFAULTS["days_behind"], int),
    )


class _Reader:
    """Reads values out of the parsed TOML, naming the line of the key when one is wrong."""

    def __init__(self, text: str, origin: str) -> None:
        self.lines = text.splitlines()
        self.origin = origin

    def fail(self, table: tuple[str, ...], key: str, problem: str) -> ConfigError:
        line = self._line_of(table, key)
        where = f"{self.origin} line {line}" if line else self.origin
        return ConfigError(f"{where}: {problem}")

    def only_keys(self, values: dict, table: tuple[str, ...], allowed, what: str = "key"):
        for key in values:
            if key not in allowed:
                name = ".".join((*table, key))
                known = ", ".join(allowed)
                raise self.fail(table, key, f"unknown {what} {name!r} (known: {known})")

    def source(self, name: str, values: Any, regions, services, options: Options) -> SourceConfig:
        table = ("sources", name)
        if not isinstance(values, dict):
            raise self.fail(("sources",), name, f"sources.{name} must be a table [sources.{name}]")
        self.only_keys(values, table, (*SOURCE_KEYS, *options))
        base_url = values.get("base_url")
        if base_url is not None and (
            not isinstance(base_url, str) or not re.match(r"https?://[^\s/]+", base_url)
        ):
            raise self.fail(table, "base_url", f"base_url must be an http(s) URL, not {base_url!r}")
        return SourceConfig(
            name=name,
            base_url=base_url,
            rate=self.number(values, table, "rate", None, float) if "rate" in values else None,
            options={
                key: self.option(values, table, key, kind)
                for key, kind in options.items()
                if key in values
            },
            regions=self.regions(values, table) if "regions" in values else regions,
            services=self.texts(values, table, "services") if "services" in values else services,
        )

    def number(self, values: dict, table: tuple[str, ...], key: str, default, kind: type):
        value = values.get(key, default)
        wrong = isinstance(value, bool) or not isinstance(value, int | float)
        if kind is int and not wrong:
            wrong = not isinstance(value, int)
        if not wrong and not math.isfinite(value):
            raise self.fail(table, key, f"{key} must be a finite number, not {value!r}")
        if wrong or value < 0 or (key != "days_behind" and value == 0):
            need = "a whole number" if kind is int else "a number"
            raise self.fail(table, key, f"{key} must be {need} above 0, not {value!r}")
        most = {"days_ahead": MAX_DAYS_AHEAD, "days_behind": MAX_DAYS_BEHIND}.get(key)
        if most is not None and value > most:
            raise self.fail(table, key, f"{key} must be at most {most:,}, not {value:,}")
        if key == "rate" and value < MIN_RATE:
            raise self.fail(table, key, f"rate must be at least {MIN_RATE} a second, not {value}")
        return kind(value)

    def option(self, values: dict, table: tuple[str, ...], key: str, kind: type):
        value = values[key]
        if kind is bool and not isinstance(value, bool):
            raise self.fail(table, key, f"{key} must be true or false, not {value!r}")
        if kind is str and not (isinstance(value, str) and value):
            raise self.fail(table, key, f"{key} must be a text, not {value!r}")
        if kind in (int, float):
            return self.number(values, table, key, value, kind)
        return value

    def texts(self, values: dict, table: tuple[str, ...], key: str) -> tuple[str, ...]:
        value = values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(table, key, f'{key} must be a list of names, e.g. ["Netflix"]')
        return tuple(dict.fromkeys(value))

    def regions(self, values: dict, table: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return tuple(dict.fromkeys(iso_region(c) for c in self.texts(values, table, "regions")))
        except ValueError as exc:
            raise self.fail(table, "regions", f"region {exc}") from None

    def _line_of(self, table: tuple[str, ...], key: str) -> int | None:
        """The 1-based line where ``key`` is set in ``[table]`` (or a ``[table.key]`` header)."""
        current: tuple[str, ...] = ()
        own_header = (*table, key)
        for number, line in enumerate(self.lines, 1):
            stripped = line.strip()
            header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]\s*(#.*)?", stripped)
            if header:
                current = tuple(part.strip().strip("\"'") for part in header[1].split("."))
                if current == own_header:
                    return number
                continue
            found = re.match(r"""["']?([A-Za-z0-9_-]+)["']?\s*[.=]""", stripped)
            if current == table and found and found[1] == key:
                return number
        return None
