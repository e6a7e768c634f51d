"""ISO 3166-1 alpha-2 country codes and names, as the tz database lists them (``tzdata``).

A region filter may name any country: a country the catalog has no regional release for still
gets every worldwide release.
"""

from __future__ import annotations

from importlib.resources import files


def _read_countries() -> dict[str, str]:
    text = (files("tzdata.zoneinfo") / "iso3166.tab").read_text(encoding="utf-8")
    rows = (line.split("\t", 1) for line in text.splitlines() if line and line[0] != "#")
    return {code: name.strip() for code, name in sorted(rows)}


#: Code -> English short name, e.g. ``"GB": "Britain (UK)"``, sorted by code.
COUNTRIES: dict[str, str] = _read_countries()


def country_from_locale(locale: str | None) -> str | None:
    """The country a browser language names, e.g. ``en-GB`` -> ``GB``; None for a language
    alone (``en``), a region that is not a country (``es-419``) or no language at all."""
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.upper() in COUNTRIES:
            return part.upper()
    return None
