"""A small catalog for tests: the reference title plus synthetic neighbours (marked as such)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from calendar_data.catalog import SourceInfo, write_catalog

REFERENCE = {
    "release_id": "all-the-light-we-cannot-see-s1e1-4",
    "title_id": "all-the-light-we-cannot-see",
    "title": "All the Light We Cannot See",
    "kind": "limited_series",
    "release_type": "full_season",
    "season": 1,
    "episode_start": 1,
    "episode_end": 4,
    "episode_count": 4,
    "runtime_minutes": 60,
    "genres": ["Drama", "War"],
    "language": "en",
    "synopsis": "A blind French girl, Marie-Laure, and her father Daniel LeBlanc flee "
    "German-occupied Paris with a legendary diamond.",
    "cast": [
        {"name": "Aria Mia Loberti", "character": "Marie-Laure LeBlanc"},
        {"name": "Mark Ruffalo", "character": "Daniel LeBlanc"},
        {"name": "Hugh Laurie", "character": "Etienne LeBlanc"},
        {"name": "Louis Hofmann", "character": "Werner Pfennig"},
    ],
    "crew": [
        {"name": "Shawn Levy", "role": "director"},
        {"name": "Steven Knight", "role": "writer"},
        {"name": "Shawn Levy", "role": "executive producer"},
        {"name": "Dan Levine", "role": "executive producer"},
        {"name": "Josh Barry", "role": "executive producer"},
        {"name": "Anthony Doerr", "role": "based-on author"},
    ],
    "service": "Netflix",
    "release_date": dt.date(2023, 11, 2),
    "release_at": dt.datetime(2023, 11, 2, 7, tzinfo=dt.UTC),
    "release_tz": "America/Los_Angeles",
    "status": "confirmed",
    "source": "editorial sample",
}


def _synthetic(index: int, service: str, day: dt.date, **extra) -> dict:
    row = {
        "release_id": f"test-{index}",
        "title_id": f"test-title-{index}",
        "title": f"Test Show {index}",
        "kind": "series",
        "release_type": "episode",
        "season": 1,
        "episode_start": index,
        "episode_end": index,
        "episode_count": 1,
        "runtime_minutes": 30,
        "genres": ["Comedy"],
        "service": service,
        "release_date": day,
        "status": "confirmed",
        "source": "synthetic test data",
    }
    row.update(extra)
    return row


def sample_rows() -> list[dict]:
    rows = [REFERENCE]
    services = ["Netflix", "Max", "Hulu", "Disney+"]
    for i in range(1, 13):
        rows.append(_synthetic(i, services[i % 4], dt.date(2023, 11, 1 + i)))
    # A crowded day: five releases on 2023-11-20 ("+N more").
    for i in range(20, 25):
        rows.append(_synthetic(i, "Max", dt.date(2023, 11, 20), genres=["Drama"]))
    rows.append(
        _synthetic(40, "Hulu", None, status="tba", release_window="2027", title="Test Undated Show")
    )
    rows.append(
        _synthetic(
            41,
            "Max",
            dt.date(2023, 12, 5),
            kind="movie",
            release_type="movie",
            title="Test Movie",
            episode_start=None,
            episode_end=None,
            episode_count=None,
        )
    )
    return rows


def write_sample(path) -> str:
    table = pa.Table.from_pylist(sample_rows())
    write_catalog(table, path, [SourceInfo("synthetic test data"), SourceInfo("editorial sample")])
    return str(path)
