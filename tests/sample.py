"""A small catalog for tests: the reference title plus synthetic neighbours (marked as such)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from calendar_data import changes
from calendar_data.catalog import SourceInfo, write_catalog
from calendar_data.schema import SCHEMA

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


def synthetic_release(release_id: str, **values) -> dict:
    """One synthetic release row, overridden by ``values``: an episode of a series named after
    ``release_id`` (its title id too), on Netflix, on 2 November 2023."""
    row = {
        "release_id": release_id,
        "title_id": release_id,
        "title": release_id.title(),
        "kind": "series",
        "release_type": "episode",
        "service": "Netflix",
        "season": 1,
        "episode_start": 1,
        "episode_end": 1,
        "episode_count": 1,
        "release_date": dt.date(2023, 11, 2),
        "status": "confirmed",
        "source": "synthetic test data",
    }
    return row | values


def _synthetic(index: int, service: str, day: dt.date, **extra) -> dict:
    values = {
        "title_id": f"test-title-{index}",
        "title": f"Test Show {index}",
        "episode_start": index,
        "episode_end": index,
        "runtime_minutes": 30,
        "genres": ["Comedy"],
        "service": service,
        "release_date": day,
    }
    return synthetic_release(f"test-{index}", **(values | extra))


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


def edited_sample_rows() -> list[dict]:
    """The sample with one change of each kind (test data, not a real schedule)."""
    rows = [dict(row) for row in sample_rows()]
    by_id = {row["release_id"]: row for row in rows}
    by_id[REFERENCE["release_id"]]["release_date"] = dt.date(2023, 11, 9)
    by_id[REFERENCE["release_id"]]["release_at"] = dt.datetime(2023, 11, 9, 8, tzinfo=dt.UTC)
    by_id["test-2"]["status"] = "tentative"
    by_id["test-3"]["episode_end"] = 4
    by_id["test-3"]["episode_count"] = 2
    by_id["test-4"]["episode_titles"] = ["Pilot"]
    rows.remove(by_id["test-5"])
    rows.append({**by_id["test-6"], "release_id": "test-new", "title": "Test New Show"})
    return rows


def sample_changes(
    before: list[dict], after: list[dict], changed_at: dt.datetime, source: str = "test"
) -> pa.Table:
    """What changed from the rows ``before`` to the rows ``after``, as change-log rows."""
    return changes.diff_catalogs(
        pa.Table.from_pylist(before, schema=SCHEMA).select(changes.READ),
        pa.Table.from_pylist(after, schema=SCHEMA).select(changes.READ),
        changed_at=changed_at,
        source=source,
    )


def log_sample_changes(catalog, found: pa.Table) -> None:
    """Append ``found`` to the change log beside ``catalog``."""
    changes.append_changes(changes.change_log_path(catalog), found)
