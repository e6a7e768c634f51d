"""A valid catalog whose every text field carries an attack: markup, markdown, Streamlit
directives, bad link schemes, control and bidi characters, and megabyte-long strings.

The payloads live in text fields, where the catalog allows any text. The link columns carry
``javascript:``, ``data:`` and ``file:`` links too: :func:`write_hostile` writes the file as it
is (not through ``write_catalog``, which would drop them), so the loader's own link check is
what removes them. No payload names a foreign host the browser could reach except the
tracker, which is on 127.0.0.2 (never served, and never to be requested).

Run as a script to write the catalog for a manual look: ``python tests/hostile_catalog.py out``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from calendar_data import schema
from calendar_data.catalog import SourceInfo, conform

#: Where the browser must never go (nothing listens there).
TRACKER = "http://127.0.0.2:9/tracker.png"
HTML = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '<iframe srcdoc="<script>parent.alert(3)</script>"></iframe>',
    "<style>*{display:none !important}</style>",
    '<a href="javascript:alert(4)">click</a>',
    '<svg onload=alert(5)><circle r="9"/></svg>',
)
MARKDOWN = (
    "[x](javascript:alert(6))",
    f"![]({TRACKER})",
    "**bold** _it_ `code`",
    "# Heading\n## Sub",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    f"<{TRACKER}>",
    "[data](data:text/html,<script>alert(7)</script>)",
)
STREAMLIT = (":red[boom]", "$\\alert$", ":material/warning: :rainbow-background[x]", "$$x$$")
CONTROL = ("\u202eevil\u202c.exe", "nul\x00bell\x07esc\x1b[31m", "zero\u200bwidth\ufeff")
#: Spreadsheet formulas, for the CSV export.
FORMULAS = ('=HYPERLINK("http://127.0.0.2:9/","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "\t=1")
PAYLOADS = HTML + MARKDOWN + STREAMLIT + CONTROL + FORMULAS
BAD_LINKS = (
    "javascript:alert(8)",
    "data:text/html,<script>alert(9)</script>",
    "file:///etc/passwd",
    "/etc/passwd",
    " javascript:alert(10)",
    "JaVaScRiPt:alert(11)",
)
#: http(s) links that try to break out of an attribute or a markdown link; on 127.0.0.1, so
#: the browser may fetch the image (nothing answers), and nowhere else.
TRICKY_LINKS = {
    "image_url": 'http://127.0.0.1:9/x.png?"onerror="alert(14)//"><svg/onload=alert(15)>',
    "trailer_url": "https://127.0.0.1:9/a)](javascript:alert(16))",
    "homepage_url": "http://127.0.0.1:9/<script>alert(17)</script>",
    "source_url": "http://127.0.0.1:9/'\"`;alert(18)",
}
HUGE_SYNOPSIS = ("<img src=x onerror=alert(12)> " * 40_000)[: 1024 * 1024]
HUGE_TITLE = "T" + ("[x](javascript:alert(13)) " * 4_000)[: 100_000 - 1]
#: Services, regions and genres: each a payload, so every option list carries them.
SERVICES = (HTML[0], MARKDOWN[0], STREAMLIT[0], CONTROL[0], "S" + "<b>long</b>" * 300)
REGIONS = (HTML[1], STREAMLIT[1], "GB")
GENRES = (HTML[2], MARKDOWN[1], STREAMLIT[0], MARKDOWN[3])
#: Ids that try to break out of a URL or an attribute.
HOSTILE_IDS = {
    "release_id": 'hostile-1"><img src=x onerror=alert(21)>',
    "title_id": "hostile-1&id=../../etc/passwd#<script>alert(22)</script>",
}
#: Every dated row lands in this week (one day holds more cards than a month cell shows).
CROWDED_DAY = dt.date(2024, 3, 6)
FIRST_DAY = dt.date(2024, 3, 4)
HUGE_ID = f"hostile-{len(PAYLOADS)}"  # the row after one per payload


def hostile_rows() -> list[dict]:
    """One row per payload (the payload is its title), plus the huge and the undated rows."""
    rows = [_row(i, payload) for i, payload in enumerate(PAYLOADS)]
    rows[0].update(TRICKY_LINKS)
    rows[1].update(HOSTILE_IDS)
    rows.append(_row(len(rows), HUGE_TITLE, synopsis=HUGE_SYNOPSIS))
    rows.append(
        _row(
            len(rows),
            PAYLOADS[1],
            release_date=None,
            release_at=None,
            status="tba",
            release_window=HTML[0],
        )
    )
    return rows


def _row(index: int, title: str, **extra) -> dict:
    payload = PAYLOADS[index % len(PAYLOADS)]
    following = PAYLOADS[(index + 1) % len(PAYLOADS)]
    series = index % 3 != 2
    row = {
        "release_id": f"hostile-{index}",
        "title_id": f"hostile-{index}",
        "title": title,
        "original_title": following,
        "kind": "series" if series else "movie",
        "release_type": "season_premiere" if series else "movie",
        "season": 1 if series else None,
        "episode_start": 1 if series else None,
        "episode_end": 3 if series else None,
        "episode_count": 3 if series else None,
        "episode_titles": [payload, following, "Third"] if series else None,
        "runtime_minutes": 45,
        "genres": [GENRES[index % len(GENRES)], GENRES[(index + 1) % len(GENRES)]],
        "language": payload,
        "synopsis": " ".join(PAYLOADS),
        "cast": [
            {"name": payload, "character": following},
            {"name": "Plain Name", "character": payload},
        ],
        "crew": [{"name": payload, "role": role} for role in schema.CREW_ROLES],
        "rating": STREAMLIT[0],
        "service": SERVICES[index % len(SERVICES)],
        "region": REGIONS[index % len(REGIONS)],
        "release_date": FIRST_DAY if index % 4 == 2 else CROWDED_DAY,
        "release_at": dt.datetime(2024, 3, 6, 8, tzinfo=dt.UTC) if index % 2 else None,
        "release_tz": payload,
        "status": "confirmed",
        "release_window": None,
        "image_url": BAD_LINKS[index % len(BAD_LINKS)],
        "trailer_url": BAD_LINKS[(index + 1) % len(BAD_LINKS)],
        "homepage_url": BAD_LINKS[(index + 2) % len(BAD_LINKS)],
        "source": following,
        "source_url": BAD_LINKS[(index + 3) % len(BAD_LINKS)],
        "updated_at": dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
        "previous_release_date": dt.date(2024, 2, 28) if index % 5 == 0 else None,
    }
    row.update(extra)
    return row


def hostile_sources() -> list[SourceInfo]:
    """Credits whose every field is hostile: the sidebar footer shows them."""
    return [
        SourceInfo(HTML[0], licence=HTML[2], attribution=MARKDOWN[0], url=BAD_LINKS[0]),
        SourceInfo(STREAMLIT[0], licence="", attribution=HTML[3] + MARKDOWN[1], url=BAD_LINKS[1]),
        SourceInfo(MARKDOWN[1], attribution=HUGE_TITLE, url=BAD_LINKS[2]),
    ]


def hostile_table() -> pa.Table:
    """The rows in the canonical schema, bad links still in."""
    return pa.Table.from_pylist(hostile_rows(), schema=schema.SCHEMA)


def write_hostile(path: str | Path) -> str:
    """Write the hostile catalog (bad links included) as a Parquet file; return its path."""
    metadata = {
        schema.META_SCHEMA_VERSION: schema.SCHEMA_VERSION.encode(),
        schema.META_GENERATED_AT: MARKDOWN[0].encode(),
        schema.META_SOURCES: json.dumps([s.__dict__ for s in hostile_sources()]).encode(),
    }
    pq.write_table(hostile_table().replace_schema_metadata(metadata), path)
    return str(path)


def safe_table() -> pa.Table:
    """The hostile rows as the loader keeps them (bad links dropped)."""
    table, _ = conform(hostile_table(), "hostile")
    return table


if __name__ == "__main__":
    print(write_hostile(sys.argv[1] if len(sys.argv) > 1 else "hostile.parquet"))
