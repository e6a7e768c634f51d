"""Reading single values out of an API's JSON: each reader gives the value when it has the
expected type and a plausible form, and ``None`` for anything else, so one odd field never
fails a whole title."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..days import parse_date
from ..text import safe_url


def as_integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def as_date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def as_items(value: Any) -> list:
    """The items of a JSON list; anything else has none."""
    return value if isinstance(value, list) else []


def positive_count(value: Any) -> int | None:
    """A plausible positive whole number (runtime, episode order); anything else is unknown."""
    number = as_integer(value)
    return number if number is not None and 0 < number < 10_000 else None


def web_link(value: Any, *, secure_only: bool = False) -> str | None:
    """``value`` if it is a safe http(s) URL (https only when ``secure_only``), else ``None``."""
    url = safe_url(as_text(value))
    if url and (not secure_only or url.lower().startswith("https://")):
        return url
    return None
