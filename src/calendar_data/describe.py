"""Human wording for release facts: episodes, runtimes, release times, credits.

Functions of one row (a dict of plain Python values), so that every page, export, digest and
feed words a release the same way; :func:`episode_labels` words the episodes of whole Arrow
columns, for the calendar's cards. Kind names are :data:`calendar_data.schema.KIND_NAMES`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from .days import valid_timezone
from .schema import CREW_ROLES
from .text import markdown_link, one_line, safe_url

RELEASE_TYPE_NAMES = {
    "movie": "Movie release",
    "series_premiere": "Series premiere",
    "season_premiere": "Season premiere",
    "episode": "Episode",
    "season_finale": "Season finale",
    "series_finale": "Series finale",
    "full_season": "Full season drop",
}
#: A release's links, each with its label, in the order pages show them.
LINKS = (("Trailer", "trailer_url"), ("Homepage", "homepage_url"), ("Source", "source_url"))
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "da": "Danish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "sv": "Swedish",
    "tr": "Turkish",
    "zh": "Chinese",
}
ROLE_NAMES = {
    "creator": "Created by",
    "director": "Directed by",
    "writer": "Written by",
    "executive producer": "Executive producers",
    "based-on author": "Based on the work of",
}


#: What a release's label reads: its id, title, kind, type and episodes (see :func:`episodes`).
LABEL_COLUMNS = (
    "release_id",
    "title",
    "kind",
    "release_type",
    "season",
    "episode_start",
    "episode_end",
    "episode_count",
)


def episodes(row: Mapping, *, counted: bool = True) -> str:
    """``S1 E1-E4 · 4 episodes``, ``S2 E3``, ``S3 6 episodes``, ``S3``, or empty for films.

    ``counted=False`` leaves the number of episodes out: ``S1 E1-E4``.
    """
    if row.get("kind") == "movie":
        return ""
    count = row.get("episode_count")
    first, last = row.get("season"), row.get("season_end")  # a card may gather several
    if None not in (first, last) and first != last:
        seasons = f"S{first}-S{last}"
        return f"{seasons} · {count} episodes" if counted and (count or 0) > 1 else seasons
    season = f"S{row['season']} " if row.get("season") is not None else ""
    start, end = row.get("episode_start"), row.get("episode_end")
    if start is None:
        return f"{season}{count} episodes" if counted and (count or 0) > 1 else season.strip()
    if end is None or end == start:
        return f"{season}E{start}"
    if not counted:
        return f"{season}E{start}-E{end}"
    return f"{season}E{start}-E{end} · {episode_total(row)} episodes"


def release_label(row: Mapping, *, counted: bool = True) -> str:
    """``All the Light We Cannot See — S1 E1-E4 · 4 episodes (Netflix)``, as one plain line
    (``counted=False`` leaves the number of episodes out, as :func:`episodes` does); a
    release in one country names it, ``(Hulu, US)``, apart from the same title's elsewhere."""
    text = one_line(row.get("title"), 200)
    label = episodes(row, counted=counted)
    if label:
        text += f" — {label}"
    where = [one_line(row.get(part), 100) for part in ("service", "region") if row.get(part)]
    if where:
        text += f" ({', '.join(where)})"
    return text


def episode_labels(season, start, end, count, movie, season_end) -> pa.ChunkedArray | pa.Array:
    """:func:`episodes` of whole columns (integers; ``movie`` is true for films), null where
    it would be empty. A month of a large catalog holds 100,000+ cards, so Arrow words them."""
    total = episode_totals(count, start, end)
    single = pc.or_kleene(pc.is_null(end), pc.equal(end, start))
    prefix = pc.fill_null(_joined("S", season, " "), "")
    first = _joined(prefix, "E", start)
    ranged = pc.if_else(single, first, _joined(first, "-E", end, " · ", total, " episodes"))
    several = pc.fill_null(pc.greater(count, 1), False)
    unnumbered = pc.if_else(several, _joined(prefix, count, " episodes"), _joined("S", season))
    labels = pc.if_else(pc.is_null(start), unnumbered, ranged)
    seasons = _joined("S", season, "-S", season_end)
    seasons = pc.if_else(several, _joined(seasons, " · ", count, " episodes"), seasons)
    labels = pc.if_else(pc.fill_null(pc.not_equal(season_end, season), False), seasons, labels)
    return pc.if_else(movie, pa.scalar(None, pa.string()), labels)


def _joined(*parts) -> pa.Array:
    """The parts as one text; null where any part is null."""
    texts = [part if isinstance(part, str) else part.cast(pa.string()) for part in parts]
    return pc.binary_join_element_wise(*texts, "")


def episodes_in_words(row: Mapping) -> str:
    """``Season 1, episodes 1–4``, ``Episode 3``, ``8 episodes`` or nothing."""
    first, last, count = row.get("episode_start"), row.get("episode_end"), row.get("episode_count")
    if first is not None and last not in (None, first):
        text = f"episodes {first}–{last}"
    elif first is not None:
        text = f"episode {first}"
    elif count:
        text = f"{count} episode" + ("s" if count != 1 else "")
    else:
        return ""
    season = row.get("season")
    return f"Season {season}, {text}" if season is not None else text[0].upper() + text[1:]


def episode_total(row: Mapping) -> int:
    """How many episodes a release holds: its count, else its numbers' span, else one (as
    :func:`episodes` words it)."""
    count, start, end = row.get("episode_count"), row.get("episode_start"), row.get("episode_end")
    if count is not None and count > 0:
        return count
    return end - start + 1 if start is not None and end is not None and end >= start else 1


def episode_totals(count, start, end) -> pa.ChunkedArray | pa.Array:
    """:func:`episode_total` of whole columns (integers)."""
    span = pc.add(pc.subtract(end, start), 1)
    span = pc.if_else(pc.fill_null(pc.greater(span, 0), False), span, 1)
    return pc.if_else(pc.fill_null(pc.greater(count, 0), False), count, span)


def runtime(row: Mapping) -> str:
    """``60 min per episode · 4 h total`` or ``118 min``."""
    minutes = row.get("runtime_minutes")
    if not minutes:
        return ""
    count = episode_total(row)
    if row.get("kind") == "movie" or count == 1:
        return f"{minutes} min"
    return f"{minutes} min per episode · {hours(minutes * count)} total"


def runtimes(rows: Iterable[Mapping]) -> str:
    """The runtimes of a title's releases: ``45 min per episode``, ``45–60 min per episode``
    or, for a film, ``118 min``; the releases without one are left out."""
    rows = list(rows)
    minutes = sorted({row["runtime_minutes"] for row in rows if row.get("runtime_minutes")})
    if not minutes:
        return ""
    span = f"{minutes[0]}" if len(minutes) == 1 else f"{minutes[0]}–{minutes[-1]}"
    films = all(row.get("kind") == "movie" for row in rows)
    return f"{span} min" + ("" if films else " per episode")


def gathered(rows: Sequence[Mapping]) -> dict:
    """Releases of one title drawn as one card, as one release: its first season and
    episode to its last, and every episode counted."""
    numbered = [r for r in rows if r.get("episode_start") is not None]
    ends = (r.get("episode_end") or r["episode_start"] for r in numbered)
    seasons = [r["season"] for r in rows if r.get("season") is not None]
    return {
        **rows[0],
        "season": min(seasons, default=None),
        "season_end": max(seasons, default=None),
        "episode_start": min((r["episode_start"] for r in numbered), default=None),
        "episode_end": max(ends, default=None),
        "episode_count": sum(episode_total(r) for r in rows),
    }


def card_runtime(rows: Sequence[Mapping]) -> str:
    """``56–59 min per episode · 3 h 50 min total`` for releases drawn as one card: distinct
    releases (one country's, each episode once), so two unnumbered specials are two."""
    each = runtimes(rows)
    total = sum((row.get("runtime_minutes") or 0) * episode_total(row) for row in rows)
    return f"{each} · {hours(total)} total" if each and total else each


def total_runtime(rows: Iterable[Mapping]) -> tuple[int, int]:
    """Minutes of every episode (or the film) of a title's releases, each counted once however
    many services and countries release it, and how many distinct releases that is."""
    distinct: dict[tuple, int] = {}
    for row in rows:
        episodes = (row.get("season"), row.get("episode_start"), row.get("episode_end"))
        if row.get("kind") != "movie" and row.get("episode_start") is None:
            # Unnumbered (specials): told apart by their titles, else by their dates.
            episodes += (tuple(row.get("episode_titles") or ()) or row.get("release_date"),)
        minutes = (row.get("runtime_minutes") or 0) * episode_total(row)
        distinct[episodes] = max(distinct.get(episodes, 0), minutes)
    return sum(distinct.values()), len(distinct)


def ratings(rows: Iterable[Mapping]) -> str:
    """``PG-13``, or where the releases' ratings differ each with its regions:
    ``G (JP) · PG-13 (US)``."""
    regions: dict[str, set[str]] = {}
    for row in rows:
        if row.get("rating"):
            regions.setdefault(row["rating"], set()).add(row.get("region") or "worldwide")
    if len(regions) < 2:
        return next(iter(regions), "")
    return " · ".join(f"{rating} ({', '.join(sorted(where))})" for rating, where in regions.items())


def hours(minutes: int) -> str:
    whole, rest = divmod(int(minutes), 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h" + (f" {rest} min" if rest else "")


def release_time(row: Mapping, viewer_tz: str) -> str:
    """The platform's rule beside the viewer's local time, or the plain date."""
    instant: dt.datetime | None = row.get("release_at")
    day: dt.date | None = row.get("release_date")
    if instant is None:
        if day is None:
            window = row.get("release_window")
            return f"To be announced{f' ({window})' if window else ''}"
        return f"{_date(day)} (date only: the same day everywhere)"
    local = instant.astimezone(zoneinfo.ZoneInfo(viewer_tz))
    text = f"{_date(local)}, {_clock(local, viewer_tz)}"
    rule_zone = valid_timezone(row.get("release_tz"))
    if rule_zone:
        at_platform = instant.astimezone(zoneinfo.ZoneInfo(rule_zone))
        text += f" (platform rule: {_clock(at_platform, rule_zone)})"
    return text


def _clock(moment: dt.datetime, zone: str) -> str:
    """``01:30 America/New_York``; in the hour a zone's clocks show twice (when summer time
    ends), with the abbreviation that tells which: ``01:30 (EDT) America/New_York``."""
    twice = moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()
    return f"{moment:%H:%M} ({moment:%Z}) {zone}" if twice else f"{moment:%H:%M} {zone}"


def _date(day: dt.date) -> str:
    """``Thu 2 Nov 2023`` (``%-d`` is not portable)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def language(code: str | None) -> str:
    """``English`` for ``en``; other values as they are."""
    if not code:
        return ""
    return LANGUAGE_NAMES.get(code.lower(), code)


def genres(values: Iterable[str | None] | None) -> str:
    """``Drama, War``; a null inside the list is left out."""
    return ", ".join(value for value in values or () if value)


def move(row: Mapping) -> str:
    """``moved from 2 Nov 2023 to 9 Nov 2023``, or empty for a release that never moved."""
    before, after = row.get("previous_release_date"), row.get("release_date")
    if before is None:
        return ""
    return f"moved from {_short_date(before)} to " + (
        _short_date(after) if after else "a date to be announced"
    )


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def crew_by_role(crew: Iterable[Mapping | None] | None) -> dict[str, list[str]]:
    """Names per role, roles in the schema's order, names de-duplicated."""
    grouped: dict[str, list[str]] = {role: [] for role in CREW_ROLES}
    for member in _people(crew):
        role, name = member.get("role"), member.get("name")
        if role in grouped and name and name not in grouped[role]:
            grouped[role].append(name)
    return {role: names for role, names in grouped.items() if names}


def cast_lines(cast: Iterable[Mapping | None] | None) -> list[str]:
    lines = []
    for member in _people(cast):
        name, character = member.get("name"), member.get("character")
        if name:
            lines.append(f"{name} as {character}" if character else name)
    return lines


def links(row: Mapping) -> list[str]:
    """The release's trailer, homepage and source as Markdown links, those that are http(s)."""
    return [markdown_link(label, row[column]) for label, column in LINKS if safe_url(row[column])]


def _people(members: Iterable[Mapping | None] | None) -> list[Mapping]:
    """The members of a cast or crew list; a null inside the list is nobody."""
    return [member for member in members or () if member]
