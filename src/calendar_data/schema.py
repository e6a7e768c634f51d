"""The catalog format, defined once.

One row per *release event*: content landing on a service on a date. A movie is one row; a
full-season drop is one row covering episodes 1..N; a weekly episode is one row; several
episodes of one show on one day are one row.

Everything else (validation, the CSV headers of builds and exports, the README's table) is
derived from ``COLUMNS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = "1"

KINDS = ("movie", "series", "limited_series", "special")
#: How each kind is named to people: filters, tables, the detail panel, exports.
KIND_NAMES = {
    "movie": "Movie",
    "series": "Series",
    "limited_series": "Limited series",
    "special": "Special",
}
RELEASE_TYPES = (
    "movie",
    "series_premiere",
    "season_premiere",
    "episode",
    "season_finale",
    "series_finale",
    "full_season",
)
STATUSES = ("confirmed", "tentative", "tba")
CREW_ROLES = ("creator", "director", "writer", "executive producer", "based-on author")
LINK_COLUMNS = ("image_url", "trailer_url", "homepage_url", "source_url")

#: Low-cardinality text, kept dictionary-encoded in memory and on disk.
CATEGORY = pa.dictionary(pa.int32(), pa.string())
CAST_MEMBER = pa.struct([("name", pa.string()), ("character", pa.string())])
CREW_MEMBER = pa.struct([("name", pa.string()), ("role", pa.string())])
TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    # identity
    Column(
        "release_id", pa.string(), "Unique id of this release event, stable across rebuilds.", True
    ),
    Column("title_id", pa.string(), "Groups every release of one show or film.", True),
    Column("title", pa.string(), "Display title.", True),
    Column("original_title", pa.string(), "Title in its original language, when it differs."),
    # what
    Column("kind", CATEGORY, "What the title is.", True, KINDS),
    Column("release_type", CATEGORY, "What lands in this release.", True, RELEASE_TYPES),
    Column("season", pa.int16(), "Season number, for series."),
    Column("episode_start", pa.int16(), "First episode number in this release."),
    Column("episode_end", pa.int16(), "Last episode number in this release."),
    Column("episode_count", pa.int16(), "How many episodes land in this release."),
    Column("episode_titles", pa.list_(pa.string()), "Titles of the episodes, in order."),
    Column("runtime_minutes", pa.int16(), "Runtime of the film, or of one episode."),
    Column("genres", pa.list_(pa.string()), "Genres, most specific last."),
    Column("language", CATEGORY, "Original language (ISO 639-1 code or name)."),
    Column("synopsis", pa.string(), "Plain-text synopsis."),
    Column("cast", pa.list_(CAST_MEMBER), "Main cast: name and character."),
    Column("crew", pa.list_(CREW_MEMBER), "Crew: name and role (" + ", ".join(CREW_ROLES) + ")."),
    Column("rating", CATEGORY, "Age rating, when known (e.g. TV-MA)."),
    # where
    Column("service", CATEGORY, "Streaming service's display name, e.g. Netflix.", True),
    Column("region", CATEGORY, "ISO 3166 alpha-2 region; empty means worldwide."),
    # when
    Column("release_date", pa.date32(), "Platform's local calendar date; empty only when tba."),
    Column("release_at", TIMESTAMP, "Exact release instant in UTC, when known."),
    Column("release_tz", CATEGORY, "IANA zone of the platform's release rule."),
    Column("status", CATEGORY, "How sure the date is.", True, STATUSES),
    Column("release_window", pa.string(), "Free-text window for tba rows, e.g. 2027."),
    # links
    Column("image_url", pa.string(), "Poster or key art (http/https only)."),
    Column("trailer_url", pa.string(), "Trailer (http/https only)."),
    Column("homepage_url", pa.string(), "Title's page on the service (http/https only)."),
    # provenance
    Column("source", CATEGORY, "Where this row came from, e.g. editorial sample or TVmaze.", True),
    Column("source_url", pa.string(), "Page of the source for this row (http/https only)."),
    Column("updated_at", TIMESTAMP, "When this row was last updated."),
    Column("previous_release_date", pa.date32(), "The date this release had before it moved."),
    Column(
        "first_seen",
        TIMESTAMP,
        "When a refresh first saw this title on this service in this region.",
    ),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
SCHEMA = pa.schema([pa.field(c.name, c.type, nullable=not c.required) for c in COLUMNS])

# Catalog-level metadata keys (Parquet key-value metadata).
META_SCHEMA_VERSION = b"calendar_data.schema_version"
META_GENERATED_AT = b"calendar_data.generated_at"
META_SOURCES = b"calendar_data.sources"
#: When ``calendar-data refresh`` last refreshed each source, and how often it is meant to run.
META_REFRESH = b"calendar_data.refresh"


def markdown_table() -> str:
    """The column reference as a Markdown table, for the README."""
    rows = ["| column | type | required | description |", "|---|---|---|---|"]
    for c in COLUMNS:
        kind = "string (categorical)" if c.type == CATEGORY else str(c.type)
        desc = c.description + (f" One of: {', '.join(c.choices)}." if c.choices else "")
        rows.append(f"| `{c.name}` | {kind} | {'yes' if c.required else ''} | {desc} |")
    return "\n".join(rows)
