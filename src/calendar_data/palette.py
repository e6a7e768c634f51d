"""A per-service colour that colour-blind viewers can tell apart.

Colours come from the Okabe-Ito palette, extended with Paul Tol's muted scheme; a service keeps
its colour across pages and runs. Cards also name the service in text, so colour is never the
only cue.
"""

from __future__ import annotations

import hashlib

PALETTE = (
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#882255",  # wine
    "#999933",  # olive
    "#332288",  # indigo
    "#44AA99",  # teal
    "#AA4499",  # purple
    "#777777",  # grey
)
KNOWN = {
    "Netflix": 0,
    "Disney+": 1,
    "Hulu": 2,
    "Max": 10,
    "Prime Video": 5,
    "Apple TV+": 11,
    "Paramount+": 8,
    "Peacock": 4,
    "BBC iPlayer": 9,
    "ITVX": 6,
    "BritBox": 3,
}


def colour_index(service: str) -> int:
    """Stable slot in :data:`PALETTE` for ``service``."""
    if service in KNOWN:
        return KNOWN[service]
    digest = hashlib.sha1(service.encode("utf-8", "replace")).digest()
    return digest[0] % len(PALETTE)


def colour(service: str) -> str:
    return PALETTE[colour_index(service)]
