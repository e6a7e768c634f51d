"""Per-service colours: stable, distinct for known services, deterministic for the rest."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from calendar_data.catalog import load_catalog
from calendar_data.live import DEFAULT_CATALOG
from calendar_data.palette import KNOWN, PALETTE, colour, colour_index

UNKNOWN = ["Crunchyroll", "Canal+ Séries", "MUBI", "", "🎬", "x" * 10_000, "\ud800"]


def test_palette_holds_distinct_hex_colours():
    assert all(re.fullmatch(r"#[0-9A-F]{6}", value) for value in PALETTE)
    assert len(set(PALETTE)) == len(PALETTE)


def test_known_services_have_distinct_colours():
    colours = [colour(service) for service in KNOWN]
    assert len(set(colours)) == len(KNOWN)
    assert colour("Netflix") == PALETTE[KNOWN["Netflix"]]


def test_the_embedded_catalogs_services_have_distinct_colours():
    services = set(load_catalog(DEFAULT_CATALOG).table["service"].to_pylist())
    assert len({colour(service) for service in services}) == len(services)


@pytest.mark.parametrize("service", UNKNOWN, ids=range(len(UNKNOWN)))
def test_unknown_services_map_into_the_palette(service):
    index = colour_index(service)
    assert 0 <= index < len(PALETTE)
    assert colour(service) == PALETTE[index]
    assert colour_index(service) == index


def test_unknown_services_spread_over_the_palette():
    indices = {colour_index(f"Service {n}") for n in range(200)}
    assert len(indices) == len(PALETTE)


def test_colours_are_the_same_in_a_fresh_process():
    """Python salts ``hash()`` per process; the palette must not depend on it."""
    services = ["Netflix", "Crunchyroll", "Canal+ Séries", "MUBI"]
    script = (
        "from calendar_data.palette import colour; "
        f"print(' '.join(colour(s) for s in {services!r}))"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    )
    assert fresh.stdout.split() == [colour(service) for service in services]
