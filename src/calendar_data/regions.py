"""Region codes: ISO 3166-1 alpha-2, checked against the standard's list (pycountry)."""

from __future__ import annotations

import pycountry

#: Codes people often type for a country whose ISO code differs.
COMMON_MISTAKES = {"UK": "GB", "EN": "GB", "EL": "GR"}


def iso_region(text: str) -> str:
    """``text`` as an upper-case ISO 3166-1 alpha-2 code, else a :class:`ValueError` naming it."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if len(code) == 2 and code.isascii() and pycountry.countries.get(alpha_2=code) is not None:
        return code
    hint = f" (did you mean {COMMON_MISTAKES[code]}?)" if code in COMMON_MISTAKES else ""
    raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-2 region code like GB or US{hint}")
