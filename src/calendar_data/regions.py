"""Region codes: ISO 3166-1 alpha-2, checked against the standard's list (pycountry); and a
title's release dates by region (the Title page shows the lag between countries).

A region filter may name any country: a country the catalog has no regional release for still
gets every worldwide release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pycountry

from .days import DEFAULT_TIMEZONE, local_day

#: Code -> English short name, e.g. ``"GB": "United Kingdom"``, sorted by code.
COUNTRIES: dict[str, str] = {
    country.alpha_2: country.name
    for country in sorted(pycountry.countries, key=lambda country: country.alpha_2)
}
WORLDWIDE = "Worldwide"
#: Codes people often type for a country whose ISO code differs.
COMMON_MISTAKES = {"UK": "GB", "EN": "GB", "EL": "GR"}


def iso_region(text: str) -> str:
    """``text`` as an upper-case ISO 3166-1 alpha-2 code, else a :class:`ValueError` naming it."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if code in COUNTRIES:
        return code
    hint = f" (did you mean {COMMON_MISTAKES[code]}?)" if code in COMMON_MISTAKES else ""
    raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-2 region code like GB or US{hint}")


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


def release_dates_by_region(
    releases: Iterable[Mapping], tz: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """The earliest release day in each region among ``releases`` (one title's rows), as
    seen from ``tz`` (the viewer's zone, as the calendar shows them), earliest first: columns
    ``region`` (``Worldwide`` for releases without one), ``release_date`` and ``services``
    (those releasing there on that day). Undated releases are left out."""
    dated = ((row, local_day(row, tz)) for row in releases)
    frame = pd.DataFrame(
        [(row["region"] or WORLDWIDE, day, row["service"]) for row, day in dated if day],
        columns=["region", "release_date", "services"],
    )
    first = frame.groupby("region")["release_date"].transform("min")
    earliest = frame[frame["release_date"] == first]
    table = earliest.groupby(["region", "release_date"], as_index=False)["services"].agg(
        lambda services: ", ".join(sorted(set(services)))
    )
    return table.sort_values(["release_date", "region"], ignore_index=True)
