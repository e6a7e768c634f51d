"""A synthetic catalog for benchmarks, tests and trying the dashboard without real data.

Every title is visibly fake (``Demo: The Silent Harbor``), people come from invented name
pools and links are left empty. Rows are built column by column with numpy and pyarrow from
a seeded generator, so a seed always gives the same table and a million rows take seconds.

The catalog is planned per *title* (kind, service, run length, genres, people...) and then
expanded to one row per release: a movie or special is one row, a binge drop one
``full_season`` row, a weekly show a run of episode rows from premiere to finale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import schema

SOURCE = "synthetic demo"
RELEASE_TZ = "America/Los_Angeles"
SPAN_DAYS = 365
WEEK = 7

#: (value, weight) pools; weights need not sum to one.
SERVICES = (
    ("Netflix", 24),
    ("Prime Video", 13),
    ("Disney+", 11),
    ("Max", 10),
    ("Apple TV+", 8),
    ("Hulu", 8),
    ("Paramount+", 7),
    ("Peacock", 6),
    ("Crunchyroll", 5),
    ("MUBI", 3),
    ("BritBox", 3),
    ("Shudder", 2),
)
GENRES = (
    ("Drama", 16),
    ("Comedy", 13),
    ("Thriller", 9),
    ("Crime", 8),
    ("Action", 7),
    ("Romance", 6),
    ("Documentary", 6),
    ("Sci-Fi", 5),
    ("Fantasy", 5),
    ("Horror", 4),
    ("Mystery", 4),
    ("Animation", 4),
    ("Family", 3),
    ("Adventure", 3),
    ("Reality", 3),
    ("Anime", 3),
    ("History", 2),
    ("Music", 2),
    ("Sport", 2),
    ("Stand-Up", 2),
)
#: Title-level weights, chosen so that movies are about a quarter of the *rows* once
#: weekly series are expanded into their episodes.
KIND_WEIGHTS = {"movie": 55, "series": 25, "limited_series": 8, "special": 12}
WEEKLY_SHARE = {"series": 0.5, "limited_series": 0.4}
EPISODES = {"series": (6, 11), "limited_series": (4, 9)}  # [low, high) per season
REGIONS = (("US", 30), ("GB", 15), ("DE", 10), ("FR", 10), ("JP", 10), ("KR", 8))
REGIONS += (("CA", 6), ("AU", 5), ("IN", 4), ("BR", 2))
REGIONAL_SHARE = 0.28
LANGUAGES = (("en", 70), ("es", 6), ("ko", 6), ("ja", 6), ("fr", 4), ("de", 4), ("hi", 4))
RATINGS = (("TV-MA", 30), ("TV-14", 25), ("TV-PG", 10), ("R", 12), ("PG-13", 12), ("PG", 6))
RATINGS += (("TV-Y7", 3), ("G", 2))
UNRATED_SHARE = 0.2
TENTATIVE_SHARE = 0.08
TBA_SHARE = 0.03  # of single-release titles
TIMED_SHARE = 0.5
MOVED_SHARE = 0.02
#: Crew role weights in schema.CREW_ROLES order (creator, director, writer, executive
#: producer, based-on author): films have directors, series have creators.
FILM_CREW_WEIGHTS = (0, 45, 35, 10, 10)
SERIES_CREW_WEIGHTS = (40, 20, 20, 20, 0)

ADJECTIVES = (
    "Silent Amber Hollow Crimson Distant Frozen Golden Hidden Iron Last Lonely Midnight "
    "Northern Paper Quiet Restless Salt Scarlet Second Shattered Silver Small Southern Stolen "
    "Sunken Tangled Velvet Wandering Wild Winter Broken Burning Copper Electric Falling Glass "
    "Lucky Marble Painted Secret"
).split()
NOUNS = (
    "Harbor Orchard Lighthouse Parade Garden Kingdom Frontier Signal Archive Carousel Compass "
    "Circuit Empire Ferry Forest Gallery Hotel Island Journey Ledger Meridian Mirror Monsoon "
    "Motel Observatory Palace Pilgrim Quarry Railway Reef Ridge River Satellite Season Shore "
    "Summit Tide Tower Valley Voyage"
).split()
FIRST_NAMES = (
    "Avela Brisco Calder Dunya Elsbeth Faron Gisela Halvard Imara Joss Kestrel Liora Marek "
    "Nerys Orrin Pell Quilla Rasmus Sabeth Tamsin Ulric Vesna Wendel Xanthe Yorick Zelie"
).split()
LAST_NAMES = (
    "Ashgrove Brackwater Coldharbour Dunmere Everhollow Fallowby Greywick Hollowmere Ironside "
    "Juniper-Vale Kettleby Larkspur Marrowdale Nettlefield Oakenshaw Pemberly-Fox Quarrington "
    "Rookwood Saltmarsh Thistlewood Underhill Vantablack Wrenfield Yarrowby Zephyrine"
).split()
CHARACTER_TITLES = (
    "Captain Detective Doctor Agent Professor Sister Inspector Mayor Chef Judge Pilot Coach"
).split()
OPENINGS = (
    "A retired cartographer",
    "An estranged twin",
    "A small-town detective",
    "An ambitious chef",
    "A reluctant heir",
    "A crew of misfit engineers",
    "A grieving lighthouse keeper",
    "A teenage hacker",
    "A disgraced magician",
    "An unlikely pair of neighbours",
    "A rookie paramedic",
    "A weary diplomat",
    "A family of travelling musicians",
    "A cold-case archivist",
    "A stranded astronaut",
    "A charming con artist",
)
HOOKS = (
    "uncovers a secret buried beneath the town.",
    "races against time to stop a disaster.",
    "must choose between loyalty and the truth.",
    "inherits a house with a mind of its own.",
    "stumbles into a conspiracy far bigger than expected.",
    "tries to win back a lost love.",
    "joins a contest nobody has ever won.",
    "is haunted by a choice made years ago.",
    "finds a map that should not exist.",
    "sets out on one last impossible job.",
    "learns that the past refuses to stay buried.",
    "starts over in a city full of strangers.",
)
RUNTIMES = {
    "movie": (85, 150),
    "special": (40, 90),
    "series": (22, 65),
    "limited_series": (40, 65),
}


@dataclass
class _Titles:
    """One entry per title, as numpy arrays."""

    kind: np.ndarray  # index into schema.KINDS
    weekly: np.ndarray  # bool: released as weekly episodes
    episodes: np.ndarray  # episodes in the season (0 for movies and specials)
    run: np.ndarray  # release rows this title contributes

    @property
    def count(self) -> int:
        return len(self.kind)


def demo_table(rows: int, start: dt.date = dt.date(2026, 1, 1), seed: int = 0) -> pa.Table:
    """A schema-valid synthetic catalog of ``rows`` releases dated over a year from ``start``."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    rng = np.random.default_rng(seed)
    titles = _plan_titles(rng, rows)
    title_of_row = np.repeat(np.arange(titles.count), titles.run)[:rows]
    first_row = np.cumsum(titles.run) - titles.run
    position = np.arange(rows) - first_row[title_of_row]

    columns: dict[str, pa.Array] = {}
    columns.update(_identity(rng, titles, title_of_row, rows))
    columns.update(_episodes(rng, titles, title_of_row, position))
    columns.update(_details(rng, titles, title_of_row))
    columns.update(_dates(rng, titles, title_of_row, position, start))
    columns["source"] = _categories(np.zeros(rows, dtype=np.int32), (SOURCE,))
    updated = dt.datetime.combine(start - dt.timedelta(days=14), dt.time(), dt.UTC)
    columns["updated_at"] = pa.repeat(pa.scalar(updated, schema.TIMESTAMP), rows)
    arrays = [columns.get(f.name, pa.nulls(rows, f.type)) for f in schema.SCHEMA]
    return pa.Table.from_arrays(arrays, schema=schema.SCHEMA)


def _plan_titles(rng: np.random.Generator, rows: int) -> _Titles:
    """Draw titles until their releases cover ``rows`` rows (the last run may be cut)."""
    kinds = list(KIND_WEIGHTS)
    kind = rng.choice(len(kinds), size=rows, p=_probabilities(KIND_WEIGHTS.values()))
    weekly = np.zeros(rows, dtype=bool)
    episodes = np.zeros(rows, dtype=np.int64)
    for name, share in WEEKLY_SHARE.items():
        code = kinds.index(name)
        chosen = kind == code
        weekly[chosen] = rng.random(chosen.sum()) < share
        episodes[chosen] = rng.integers(*EPISODES[name], size=chosen.sum())
    run = np.where(weekly, episodes, 1)
    needed = int(np.searchsorted(np.cumsum(run), rows)) + 1
    kind_codes = np.array([schema.KINDS.index(k) for k in kinds])[kind[:needed]]
    return _Titles(kind_codes, weekly[:needed], episodes[:needed], run[:needed])


# --------------------------------------------------------------------------- column groups


def _identity(rng, titles: _Titles, title_of_row, rows: int) -> dict[str, pa.Array]:
    names = pa.array(
        [f"Demo: The {adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
    )
    title_name = rng.integers(len(names), size=titles.count)
    return {
        "release_id": _numbered("demo-", np.arange(rows), 8),
        "title_id": _numbered("demo-t", title_of_row, 7),
        "title": names.take(title_name[title_of_row]),
        "kind": _categories(titles.kind[title_of_row], schema.KINDS),
    }


def _episodes(rng, titles: _Titles, title_of_row, position) -> dict[str, pa.Array]:
    kind = titles.kind[title_of_row]
    is_movie_like = np.isin(kind, [_kind("movie"), _kind("special")])
    weekly = titles.weekly[title_of_row]
    binge = ~is_movie_like & ~weekly
    episodes = titles.episodes[title_of_row]
    last = position == titles.run[title_of_row] - 1

    season_of_title = np.where(titles.kind == _kind("series"), _season_numbers(rng, titles), 1)
    season = season_of_title[title_of_row]
    # One-off specials land like films: a single feature-length release.
    release_type = np.select(
        [is_movie_like, binge, position == 0, last],
        [
            _type("movie"),
            _type("full_season"),
            np.where(season == 1, _type("series_premiere"), _type("season_premiere")),
            np.where(
                kind == _kind("limited_series"), _type("series_finale"), _type("season_finale")
            ),
        ],
        _type("episode"),
    )
    episode = position + 1
    return {
        "release_type": _categories(release_type, schema.RELEASE_TYPES),
        "season": _int16(season, is_movie_like),
        "episode_start": _int16(np.where(binge, 1, episode), is_movie_like),
        "episode_end": _int16(np.where(binge, episodes, episode), is_movie_like),
        "episode_count": _int16(np.where(binge, episodes, 1), is_movie_like),
        "episode_titles": _chapter_titles(episode, weekly),
    }


def _details(rng, titles: _Titles, title_of_row) -> dict[str, pa.Array]:
    """What a title is: runtime, genres, language, synopsis, people, rating, service, region."""
    n = titles.count
    synopses = pa.array([f"{opening} {hook}" for opening in OPENINGS for hook in HOOKS])
    rating = _weighted(rng, RATINGS, n)
    region = _weighted(rng, REGIONS, n)
    per_title = {
        "runtime_minutes": _int16(_runtimes(rng, titles), np.zeros(n, dtype=bool)),
        "genres": _genres(rng, n),
        "language": _categories(_weighted(rng, LANGUAGES, n), _values(LANGUAGES)),
        "synopsis": synopses.take(rng.integers(len(synopses), size=n)),
        "cast": _cast(rng, n),
        "crew": _crew(rng, titles),
        "rating": _categories(rating, _values(RATINGS), rng.random(n) < UNRATED_SHARE),
        "service": _categories(_weighted(rng, SERVICES, n), _values(SERVICES)),
        "region": _categories(region, _values(REGIONS), rng.random(n) >= REGIONAL_SHARE),
    }
    rows = pa.array(title_of_row)
    return {name: values.take(rows) for name, values in per_title.items()}


def _dates(rng, titles: _Titles, title_of_row, position, start: dt.date) -> dict[str, pa.Array]:
    """Dates within a year of ``start``; some tentative, a few tba, about half timed."""
    n = titles.count
    # A weekly run starts early enough to finish inside the year.
    latest_start = SPAN_DAYS - WEEK * (titles.run - 1)
    first_day = (rng.random(n) * latest_start).astype(np.int64)
    tba_title = (titles.run == 1) & (rng.random(n) < TBA_SHARE)
    tentative_title = ~tba_title & (rng.random(n) < TENTATIVE_SHARE)
    timed_title = ~tba_title & (rng.random(n) < TIMED_SHARE)

    tba, timed = tba_title[title_of_row], timed_title[title_of_row]
    rows = len(title_of_row)
    epoch_day = (start - dt.date(1970, 1, 1)).days
    day = epoch_day + first_day[title_of_row] + WEEK * position
    release_date = pa.array(day.astype(np.int32), pa.date32(), mask=tba)
    midnight = pc.assume_timezone(release_date.cast(pa.timestamp("s")), RELEASE_TZ)
    release_at = pc.if_else(pa.array(timed), midnight, pa.scalar(None, midnight.type))
    moved = ~tba & (rng.random(rows) < MOVED_SHARE)
    previous = day - rng.integers(7, 60, size=rows)
    status = np.where(tba_title, 2, np.where(tentative_title, 1, 0))[title_of_row]
    window = pa.scalar(str(start.year + 1))  # "next year", as announcements put it
    return {
        "release_date": release_date,
        "release_at": release_at.cast(schema.TIMESTAMP),
        "release_tz": _categories(np.zeros(rows, dtype=np.int32), (RELEASE_TZ,), ~timed),
        "status": _categories(status, schema.STATUSES),
        "release_window": pc.if_else(pa.array(tba), window, pa.scalar(None, pa.string())),
        "previous_release_date": pa.array(previous.astype(np.int32), pa.date32(), mask=~moved),
    }


# --------------------------------------------------------------------------- helpers


def _probabilities(weights) -> np.ndarray:
    weights = np.asarray(list(weights), dtype=float)
    return weights / weights.sum()


def _values(pool) -> tuple[str, ...]:
    return tuple(value for value, _ in pool)


def _weighted(rng, pool, size: int) -> np.ndarray:
    return rng.choice(len(pool), size=size, p=_probabilities(w for _, w in pool))


def _kind(name: str) -> int:
    return schema.KINDS.index(name)


def _type(name: str) -> int:
    return schema.RELEASE_TYPES.index(name)


def _categories(codes, values, mask=None) -> pa.DictionaryArray:
    """A dictionary-encoded column (the schema's CATEGORY type) from integer codes."""
    indices = pa.array(np.asarray(codes, dtype=np.int32), pa.int32(), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))


def _int16(values, mask) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int16), pa.int16(), mask=mask)


def _numbered(prefix: str, numbers, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _season_numbers(rng, titles: _Titles) -> np.ndarray:
    """Mostly first and second seasons, a long tail up to six."""
    return np.minimum(rng.geometric(0.45, size=titles.count), 6)


def _runtimes(rng, titles: _Titles) -> np.ndarray:
    runtime = np.zeros(titles.count, dtype=np.int64)
    for name, (low, high) in RUNTIMES.items():
        chosen = titles.kind == _kind(name)
        runtime[chosen] = rng.integers(low, high, size=chosen.sum())
    return runtime


def _chapter_titles(episode: np.ndarray, weekly: np.ndarray) -> pa.ListArray:
    """``["Chapter N"]`` for weekly episodes, null elsewhere."""
    names = pc.binary_join_element_wise("Chapter ", pa.array(episode[weekly]).cast(pa.string()), "")
    offsets = np.concatenate([[0], np.cumsum(weekly)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), names, mask=pa.array(~weekly))


def _genres(rng, n: int) -> pa.ListArray:
    """One to three distinct genres per title; the first follows the popularity weights."""
    count = rng.integers(1, 4, size=n)
    first = _weighted(rng, GENRES, n)
    steps = rng.integers(1, len(GENRES) // 2, size=(n, 2))  # two steps stay short of a lap
    offsets = np.zeros((n, 3), dtype=np.int64)
    offsets[:, 1:] = steps.cumsum(axis=1)
    picks = (first[:, None] + offsets) % len(GENRES)
    kept = picks[np.arange(3) < count[:, None]]
    return _lists(count, pa.array(_values(GENRES)).take(pa.array(kept)))


def _cast(rng, n: int) -> pa.ListArray:
    """Two to four synthetic actors per title, each with a synthetic character."""
    count = rng.integers(2, 5, size=n)
    characters = _pool(CHARACTER_TITLES, LAST_NAMES)
    picks = rng.integers(len(characters), size=int(count.sum()))
    return _people(rng, count, "character", characters.take(pa.array(picks)))


def _crew(rng, titles: _Titles) -> pa.ListArray:
    """One to three synthetic crew per title, with roles that suit films or series."""
    count = rng.integers(1, 4, size=titles.count)
    owner = np.repeat(np.arange(titles.count), count)
    film = np.isin(titles.kind, [_kind("movie"), _kind("special")])[owner]
    roles = len(schema.CREW_ROLES)
    film_role = rng.choice(roles, size=film.size, p=_probabilities(FILM_CREW_WEIGHTS))
    series_role = rng.choice(roles, size=film.size, p=_probabilities(SERIES_CREW_WEIGHTS))
    role = np.where(film, film_role, series_role)
    return _people(rng, count, "role", pa.array(schema.CREW_ROLES).take(pa.array(role)))


def _people(rng, count: np.ndarray, key: str, details: pa.Array) -> pa.ListArray:
    """``count[i]`` people for title ``i``: a synthetic name each, plus ``details`` as ``key``."""
    names = _pool(FIRST_NAMES, LAST_NAMES)
    picks = rng.integers(len(names), size=len(details))
    people = pa.StructArray.from_arrays([names.take(pa.array(picks)), details], names=["name", key])
    return _lists(count, people)


def _lists(count: np.ndarray, values: pa.Array) -> pa.ListArray:
    offsets = np.concatenate([[0], np.cumsum(count)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _pool(firsts, lasts) -> pa.Array:
    return pa.array([f"{first} {last}" for first in firsts for last in lasts])
