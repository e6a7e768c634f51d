"""Merging imported releases into an existing catalog.

Releases are matched by ``release_id``. A new id is added; a known id is replaced by the
imported row, and when its date changed the old date is kept in ``previous_release_date``.
Rows the import did not mention are left as they were.

A title that several sources describe (TVmaze and TMDB both list a show, or an import finds a
title of the editorial sample) is one title: see :func:`unify_titles` and
:data:`FIELD_PRIORITY`, the one rule for which source wins each of its fields. Editorial rows
are never changed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import pyarrow as pa
import pyarrow.compute as pc

from ..schema import SCHEMA

#: Columns that say when a row was touched rather than what it holds.
BOOKKEEPING = ("updated_at", "previous_release_date", "first_seen")
OWN_TITLE_ID = re.compile(r"[a-z-]*?\d+(?=-|$)")
EDITORIAL = "editorial sample"
#: For each field that describes a title rather than one release, the sources best first.
#: The first source with a value gives it to every row of the title (editorial rows keep their
#: own); a source not listed ranks after those listed. TMDB's descriptions, credits and posters
#: are fuller than TVmaze's; TVmaze's ids and titles came first in catalogs, so they stay.
FIELD_PRIORITY: dict[str, tuple[str, ...]] = {
    "title_id": (EDITORIAL, "TVmaze", "TMDB"),
    "title": (EDITORIAL, "TVmaze", "TMDB"),
    "kind": (EDITORIAL, "TMDB", "TVmaze"),  # TMDB tells a miniseries from a series
    "original_title": (EDITORIAL, "TMDB", "TVmaze"),
    "genres": (EDITORIAL, "TMDB", "TVmaze"),
    "language": (EDITORIAL, "TMDB", "TVmaze"),
    "synopsis": (EDITORIAL, "TMDB", "TVmaze"),
    "cast": (EDITORIAL, "TMDB", "TVmaze"),
    "crew": (EDITORIAL, "TMDB", "TVmaze"),
    "image_url": (EDITORIAL, "TMDB", "TVmaze"),
    "trailer_url": (EDITORIAL, "TMDB", "TVmaze"),
}


@dataclass
class MergeResult:
    table: pa.Table
    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def merge_releases(
    existing: pa.Table,
    incoming: pa.Table,
    source: str,
    external_ids: Mapping[str, Mapping[str, str]] | None = None,
) -> MergeResult:
    """``existing`` with the rows of ``incoming`` (all from ``source``) added or updated, and
    each title several sources describe made one (:func:`unify_titles`, given the
    ``external_ids`` the sources know, by ``title_id``).

    An incoming id already used by a row of another source is not imported: the existing row
    wins and the clash is reported in ``conflicts``.
    """
    matched = pc.is_in(existing["release_id"], value_set=incoming["release_id"].combine_chunks())
    kept = existing.filter(pc.invert(matched)).cast(SCHEMA)
    published = set(pc.unique(existing["title_id"]).to_pylist())
    incoming = _unified_with(kept, incoming.cast(SCHEMA), external_ids, published)
    previous = {row["release_id"]: row for row in existing.filter(matched).to_pylist()}
    result = MergeResult(existing)
    rows = []
    for row in incoming.to_pylist():
        old = previous.get(row["release_id"])
        if old is None:
            result.added += 1
            rows.append(row)
        elif old["source"] != source:
            result.conflicts.append(
                f"release {row['release_id']!r} already comes from {old['source']}; kept that row"
            )
            rows.append(old)
        elif _same_content(old, row):
            result.unchanged += 1
            rows.append(old)
        else:
            rows.append(_updated(old, row, result))
    merged = pa.concat_tables([kept, pa.Table.from_pylist(rows, schema=SCHEMA)])
    merged = merged.unify_dictionaries().combine_chunks()
    result.table = unify_titles(merged, external_ids, published)
    return result


def superseded(
    existing: pa.Table, incoming: pa.Table, source: str, days: Collection[dt.date]
) -> pa.Array:
    """Which rows of ``existing`` a fetch of ``days`` from ``source`` (``incoming``) replaces
    without naming them: the source's rows on those days, of a title on a service and in a
    region the fetch lists, whose release it no longer lists (episodes grouped otherwise, one
    moved to another day). Titles, services and regions the fetch did not list are not its to
    judge."""
    fetched = set(incoming["release_id"].to_pylist())
    columns = ["release_id", "service", "region"]
    listed = {_where(row) for row in incoming.select(columns).to_pylist()}
    rows = existing.select([*columns, "source", "release_date"]).to_pylist()
    return pa.array(
        [
            row["source"] == source
            and row["release_date"] in days
            and row["release_id"] not in fetched
            and _where(row) in listed
            for row in rows
        ],
        pa.bool_(),
    )


def _where(row: dict) -> tuple:
    return own_title_id(row["release_id"]), row["service"], row["region"]


def own_title_id(release_id: str) -> str:
    """The title id a source gave a release of its own: a merged title's rows carry the
    winning ``title_id`` (the editorial sample's, or another source's), but a source's release
    ids start with its own title id (``tvmaze-303-s4e5-crave-ca``,
    ``tmdb-tv-93405-s1e1-9-netflix-us``)."""
    own = OWN_TITLE_ID.match(release_id)
    return own.group() if own else release_id


def _updated(old: dict, new: dict, result: MergeResult) -> dict:
    # An import that does not track arrivals keeps the first sighting a refresh recorded.
    first_seen = new["first_seen"] or old["first_seen"]
    if new["release_date"] != old["release_date"]:
        result.moved += 1
        return {**new, "previous_release_date": old["release_date"], "first_seen": first_seen}
    result.updated += 1
    previous = old["previous_release_date"]
    return {**new, "previous_release_date": previous, "first_seen": first_seen}


def _same_content(old: dict, new: dict) -> bool:
    return all(old[name] == new[name] for name in SCHEMA.names if name not in BOOKKEEPING)


# --------------------------------------------------------------------------- one title


def title_keys(
    title: str, service: str, year: int, ids: Mapping[str, str] | None = None, film: bool = False
) -> set[tuple]:
    """What identifies a title across sources: its external ids (``{"imdb": "tt..."}``) and
    its normalised name on a service in a year, as a film or a show (a film and a series of
    one name are two titles). Two titles that both have ids match on ids only; otherwise on
    the name."""
    keys = {("id", scheme, value) for scheme, value in (ids or {}).items() if value}
    name = normalised_name(title)
    return keys | ({("name", name, service.casefold(), year, film)} if name else set())


def normalised_name(title: str) -> str:
    """``Amélie!`` -> ``amelie``, ``오징어 게임`` -> ``오징어게임``: case and accents folded,
    only letters and digits kept, in any script (a title in no Latin letters is not empty)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title).casefold())
    return "".join(c for c in decomposed if c.isalnum())


def unify_titles(
    table: pa.Table,
    external_ids: Mapping[str, Mapping[str, str]] | None = None,
    published: Collection[str] = (),
) -> pa.Table:
    """``table`` with each title that several sources describe made one: its rows share one
    ``title_id`` and take each field of :data:`FIELD_PRIORITY` from the best source that has
    it. Editorial rows are left exactly as they are.

    ``external_ids`` maps a ``title_id`` to the ids a source gives it (IMDb, TVDB); see
    :func:`title_keys`. ``published`` are the title ids a catalog already gives its readers
    (links and followed titles name them): a title keeps the best of those it has, whatever
    source ranks first.
    """
    groups = _same_titles(table, external_ids or {})
    if not groups:
        return table
    members = sorted({title_id for group in groups for title_id in group})
    involved = pc.is_in(table["title_id"], value_set=pa.array(members, pa.string()))
    by_title: dict[str, list[dict]] = {}
    for row in table.filter(involved).to_pylist():
        by_title.setdefault(row["title_id"], []).append(row)
    for group in groups:
        rows = [row for title_id in sorted(group) for row in by_title[title_id]]
        best = {name: _best_value(rows, name) for name in FIELD_PRIORITY}
        known = _best_value([row for row in rows if row["title_id"] in published], "title_id")
        best["title_id"] = known or best["title_id"]
        for row in rows:
            if row["source"] != EDITORIAL:
                row.update({name: value for name, value in best.items() if value is not None})
    unified = pa.Table.from_pylist(
        [row for rows in by_title.values() for row in rows], schema=SCHEMA
    )
    others = table.filter(pc.invert(involved)).cast(SCHEMA)
    return pa.concat_tables([others, unified]).unify_dictionaries().combine_chunks()


def _unified_with(
    kept: pa.Table,
    incoming: pa.Table,
    external_ids: Mapping[str, Mapping[str, str]] | None,
    published: Collection[str],
) -> pa.Table:
    """The ``incoming`` rows as they will read once merged beside ``kept``: compared in that
    form, a re-import of an unchanged title is unchanged."""
    unified = unify_titles(pa.concat_tables([kept, incoming]), external_ids, published)
    ids = incoming["release_id"].combine_chunks()
    return unified.filter(pc.is_in(unified["release_id"], value_set=ids))


def _same_titles(table: pa.Table, external_ids: Mapping[str, Mapping[str, str]]) -> list[set]:
    """Sets of title ids, of different sources, that name one title."""
    columns = table.select(["title_id", "title", "service", "release_date", "source", "kind"])
    owners: dict[tuple, dict[str, str]] = {}  # key -> {title_id: source}
    rows = zip(*columns.to_pydict().values(), strict=True)
    for title_id, title, service, day, source, kind in rows:
        if day is not None:
            ids = external_ids.get(title_id)
            for key in title_keys(title, service, day.year, ids, film=kind == "movie"):
                owners.setdefault(key, {})[title_id] = source
    parent: dict[str, str] = {}

    def root(title_id: str) -> str:
        while parent.setdefault(title_id, title_id) != title_id:
            title_id = parent[title_id]
        return title_id

    for key, sources in owners.items():
        for one, other in combinations(sources, 2):
            both_have_ids = external_ids.get(one) and external_ids.get(other)
            if sources[one] != sources[other] and not (key[0] == "name" and both_have_ids):
                parent[root(other)] = root(one)
    groups: dict[str, set] = {}
    for title_id in list(parent):
        groups.setdefault(root(title_id), set()).add(title_id)
    return [group for group in groups.values() if len(group) > 1]


def _best_value(rows: list[dict], name: str):
    """The value of ``name`` from the best-ranked source that has one."""
    order = FIELD_PRIORITY[name]
    ranked = sorted(rows, key=lambda r: order.index(r["source"]) if r["source"] in order else 99)
    return next((row[name] for row in ranked if row[name] not in (None, [], "")), None)
