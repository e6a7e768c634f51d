"""The one filter object: it maps to and from URL query parameters and applies itself to a table.

Every page, export and CLI command filters through :class:`ReleaseFilter`, so a planner's CSV
holds exactly the rows the dashboard showed for the same URL.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .catalog import EARLIEST, LATEST
from .days import closest_zone, is_whole_month, local_days, parse_date, valid_timezone
from .params import (
    ARRIVED_SINCE,
    DATE,
    FOLLOW,
    FROM,
    GENRE,
    KIND,
    KNOWN_PARAMS,
    MULTI_PARAMS,
    ONE_VALUE_PARAMS,
    QUERY,
    REGION,
    SERVICE,
    SINCE,
    SPOILERS,
    TIMEZONE,
    TO,
    TYPE,
    VIEW,
    VIEWS,
)
from .regions import COUNTRIES
from .schema import KINDS, TIMESTAMP
from .text import quoted, visible

#: URL ``type`` values and the release types each one selects.
TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "premiere": ("series_premiere", "season_premiere"),
    "finale": ("season_finale", "series_finale"),
    "full_drop": ("full_season",),
    "episode": ("episode",),
    "movie": ("movie",),
}
TYPE_LABELS = {
    "premiere": "Premieres",
    "finale": "Finales",
    "full_drop": "Full drops",
    "episode": "Episodes",
    "movie": "Movies",
}
#: The list filters whose values are fixed, not the catalog's: those values and their name.
CHOICES = {KIND: (KINDS, "kind"), TYPE: (TYPE_GROUPS, "release type")}
MAX_QUERY_LENGTH = 200
_SURROGATE = re.compile("[\ud800-\udfff]")

#: What a title id in ``follow`` may be: the ids of the embedded catalog, the demo and TVmaze.
TITLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~-]{0,99}")
MAX_FOLLOWED = 200
#: The values a link's list filter (each of service, genre, kind, type, region) may hold.
MAX_VALUES = 100
#: A link can name any number of bad values: this many are named, the rest counted.
MAX_NOTICES = 5
#: The one notice of a repair every reader makes alike (page, export links, command line), so
#: it refuses nothing: the other notices name a part of the filter that was left out.
SWAPPED_RANGE = "The date range was backwards; its ends were swapped."

Params = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class ReleaseFilter:
    """What a viewer asked to see. An empty field means "no restriction"."""

    services: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    query: str = ""
    titles: tuple[str, ...] = ()
    #: Only releases whose title a refresh first saw on their service on or after this day.
    arrived_since: dt.date | None = None

    # ------------------------------------------------------------------ URL mapping

    @classmethod
    def from_values(
        cls,
        *,
        services: Sequence[str] = (),
        genres: Sequence[str] = (),
        kinds: Sequence[str] = (),
        types: Sequence[str] = (),
        regions: Sequence[str] = (),
        start: dt.date | None = None,
        end: dt.date | None = None,
        query: str = "",
        titles: Sequence[str] = (),
        arrived_since: dt.date | None = None,
    ) -> tuple[ReleaseFilter, list[str]]:
        """The filter of typed values (the sidebar's widgets, the command line's flags),
        cleaned as a URL's are; a notice for each value ignored or changed."""
        notices: list[str] = []
        lists = {SERVICE: services, GENRE: genres, KIND: kinds, TYPE: types, REGION: regions}
        values: dict = {}
        for param, items in lists.items():
            items, cut = _clean_values(items, param)
            notices += cut
            if param in CHOICES:
                known, what = CHOICES[param]
                unknown = [v for v in items if v not in known]
                notices += named_few(unknown, partial(_unknown_choice, what), f"unknown {what}s")
                items = [v for v in items if v in known]
            values[MULTI_PARAMS[param]] = tuple(items)
        # As shown: a search pasted with a zero-width space matches what it says.
        query = " ".join(visible(_encodable(query or "")).split())
        if len(query) > MAX_QUERY_LENGTH:
            notices.append(f"The search text was cut to {MAX_QUERY_LENGTH} characters.")
            query = query[:MAX_QUERY_LENGTH]
        values["titles"], more = parse_title_ids(titles)
        notices += more
        if start and end and start > end:
            notices.append(SWAPPED_RANGE)
            start, end = end, start
        result = cls(**values, start=start, end=end, query=query, arrived_since=arrived_since)
        return result, notices

    @classmethod
    def from_query_params(cls, params: Params) -> tuple[ReleaseFilter, list[str]]:
        """Parse query parameters; return the filter and a notice for each value ignored."""
        notices: list[str] = []
        values: dict = {field: param_values(params, param) for param, field in MULTI_PARAMS.items()}
        for param, field in ((FROM, "start"), (TO, "end"), (ARRIVED_SINCE, "arrived_since")):
            raw = (last_param(params, param) or "").strip()
            if raw:
                try:
                    values[field] = parse_date(raw)
                except ValueError:
                    notices.append(f"Ignored {param}={quoted(raw)}: not a date (YYYY-MM-DD).")
        result, more = cls.from_values(
            **values, query=last_param(params, QUERY) or "", titles=param_values(params, FOLLOW)
        )
        return result, notices + more

    def to_query_params(self) -> dict[str, list[str]]:
        """Only what differs from the default, in a stable order."""
        params: dict[str, list[str]] = {}
        for param, attribute in MULTI_PARAMS.items():
            if getattr(self, attribute):
                params[param] = list(getattr(self, attribute))
        if self.start:
            params["from"] = [self.start.isoformat()]
        if self.end:
            params["to"] = [self.end.isoformat()]
        if self.query:
            params["q"] = [self.query]
        if self.titles:
            params[FOLLOW] = [",".join(self.titles)]
        if self.arrived_since:
            params[ARRIVED_SINCE] = [self.arrived_since.isoformat()]
        return params

    def restrict(self, options: Mapping[str, Collection[str]]) -> tuple[ReleaseFilter, list[str]]:
        """Hold each value to the catalog's (``options``, keyed by URL parameter): a value
        that differs from one only in case takes the catalog's spelling; a value the catalog
        lacks is dropped, with a notice naming the closest ones it has."""
        notices, changes = [], {}
        for param, allowed in options.items():
            if param == REGION:  # any country: its worldwide releases match
                allowed = {*allowed, *COUNTRIES}
            field = MULTI_PARAMS[param]
            by_case = spellings(allowed)
            kept: dict[str, None] = {}
            unknown = []
            for value in getattr(self, field):
                match = value if value in allowed else by_case.get(value.casefold())
                if match is None:
                    unknown.append(value)
                else:
                    kept.setdefault(match)
            notices += named_few(
                unknown,
                partial(_not_in_catalog, param, spellings=by_case),
                f"{param} values: not in this catalog",
            )
            changes[field] = tuple(kept)
        return replace(self, **changes), notices

    @property
    def is_empty(self) -> bool:
        return self == ReleaseFilter()

    def short_name(self) -> str:
        """A short human name, e.g. ``Netflix · 2023-11``, for files and calendars."""
        parts = list(self.services) or ["All services"]
        parts += list(self.genres) + list(self.kinds) + [TYPE_LABELS[t] for t in self.types]
        parts += list(self.regions)
        if self.start and self.end and is_whole_month(self.start, self.end):
            parts.append(self.start.strftime("%Y-%m"))
        elif self.start or self.end:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        if self.query:
            parts.append(f"“{self.query}”")
        if self.titles:
            count = len(self.titles)
            parts.append(f"{count} followed title{'s' if count != 1 else ''}")
        if self.arrived_since:
            parts.append(f"arrived since {self.arrived_since}")
        return " · ".join(parts)

    # ------------------------------------------------------------------ applying

    def mask(
        self,
        table: pa.Table,
        days: pa.Array | pa.ChunkedArray | None = None,
        search: pa.Array | pa.ChunkedArray | None = None,
    ) -> pa.ChunkedArray | pa.Array:
        """Which rows match. ``days`` are the rows' local days (see :func:`local_days`) and
        ``search`` their :func:`search_text`; pass them in when they are precomputed."""
        conditions = []
        if self.services:
            conditions.append(in_set(table["service"], self.services))
        if self.kinds:
            conditions.append(in_set(table["kind"], self.kinds))
        if self.types:
            wanted = [t for group in self.types for t in TYPE_GROUPS[group]]
            conditions.append(in_set(table["release_type"], wanted))
        if self.regions:
            regions = table["region"]
            conditions.append(pc.or_(pc.is_null(regions), in_set(regions, self.regions)))
        if self.titles:
            conditions.append(in_set(table["title_id"], self.titles))
        if self.genres:
            conditions.append(list_contains_any(table["genres"], self.genres))
        if self.start or self.end:
            if days is None:
                days = local_days(table, "UTC")
            if self.start:
                conditions.append(pc.greater_equal(days, pa.scalar(self.start, pa.date32())))
            if self.end:
                conditions.append(pc.less_equal(days, pa.scalar(self.end, pa.date32())))
        if self.query:
            if search is None:
                search = search_text(table)
            # Lower-cased by Arrow, like the search text (Python's lower() differs, e.g. "İ").
            needle = pc.utf8_lower(pa.scalar(self.query, pa.string())).as_py()
            conditions.append(contains_text(search, needle))
        # A change log holds no first_seen of its own: select_changes adds its catalog's.
        if self.arrived_since and "first_seen" in table.column_names:
            since = dt.datetime.combine(self.arrived_since, dt.time(), dt.UTC)
            conditions.append(pc.greater_equal(table["first_seen"], pa.scalar(since, TIMESTAMP)))
        if not conditions:
            return pa.array(np.ones(table.num_rows, dtype=bool))
        combined = conditions[0]
        for condition in conditions[1:]:
            combined = pc.and_(combined, condition)
        return pc.fill_null(combined, False)

    def apply(self, table: pa.Table, days=None, search=None) -> pa.Table:
        if self.is_empty:
            return table
        return table.filter(self.mask(table, days, search))


# ---------------------------------------------------------------------- vectorised helpers


def in_set(values: pa.ChunkedArray, allowed: Sequence[str]) -> pa.ChunkedArray:
    """``values in allowed``, computed on the dictionary when the column is categorical."""
    allowed_array = pa.array(list(allowed), pa.string())
    if not pa.types.is_dictionary(values.type):
        return pc.fill_null(pc.is_in(values, value_set=allowed_array), False)
    chunks = []
    for chunk in values.chunks:
        hits = pc.is_in(chunk.dictionary, value_set=allowed_array)
        chunks.append(pc.fill_null(hits.take(chunk.indices), False))
    return pa.chunked_array(chunks, pa.bool_())


def contains_text(text: pa.Array | pa.ChunkedArray, needle: str) -> pa.Array | pa.ChunkedArray:
    """Which texts hold ``needle``; a dictionary-encoded text is searched once per distinct
    value (a catalog repeats a title's search text on every one of its releases)."""
    if not pa.types.is_dictionary(text.type):
        return pc.match_substring(text, needle)
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    found = [pc.match_substring(c.dictionary, needle).take(c.indices) for c in chunks]
    return pa.chunked_array(found, pa.bool_())


def list_contains_any(lists: pa.ChunkedArray, wanted: Sequence[str]) -> pa.Array:
    """Rows whose list holds at least one of ``wanted``; null lists hold nothing."""
    chunks = lists.chunks if isinstance(lists, pa.ChunkedArray) else [lists]
    value_set = pa.array(list(wanted), pa.string())
    hits = [_contains_any(chunk, value_set) for chunk in chunks]
    return pa.array(np.concatenate(hits) if hits else np.zeros(0, bool))


def _contains_any(lists: pa.ListArray, value_set: pa.Array) -> np.ndarray:
    """Per row of one chunk: a running count of the matching values, compared at each list's
    two offsets, says whether the list holds one. No copy of the lists is made."""
    offsets = lists.offsets.to_numpy()  # a sliced array's own offsets; its values are not sliced
    values = lists.values.slice(offsets[0], offsets[-1] - offsets[0])
    found = pc.fill_null(pc.is_in(values, value_set=value_set), False).to_numpy(
        zero_copy_only=False
    )
    running = np.concatenate([[0], np.cumsum(found)])
    ends = offsets - offsets[0]
    hits = running[ends[1:]] > running[ends[:-1]]
    if lists.null_count:  # a null list may still span values; they are not part of the row
        hits &= lists.is_valid().to_numpy(zero_copy_only=False)
    return hits


def search_text(table: pa.Table) -> pa.Array:
    """Lower-cased title, original title, cast and crew names of each row, for ``q``."""
    parts = [table["title"], table["original_title"]]
    for name in ("cast", "crew"):
        if name in table.column_names:
            parts.append(_joined_names(table[name]))
    filled = [pc.fill_null(p.cast(pa.string()), "") for p in parts]
    return pc.utf8_lower(pc.binary_join_element_wise(*filled, "\n"))


def _joined_names(people: pa.ChunkedArray) -> pa.Array:
    """Each row's names joined by spaces; a member without a name adds nothing."""
    people = people.combine_chunks()
    names = pc.fill_null(pc.struct_field(people.values, "name"), "")
    lists = pa.ListArray.from_arrays(people.offsets, names, mask=people.is_null())
    return pc.binary_join(lists, " ")


# ---------------------------------------------------------------------- parsing


def read_view(
    params: Params, options: Mapping[str, Collection[str]], arrivals: bool = True
) -> tuple[ReleaseFilter, list[str]]:
    """The filter a dashboard URL describes, held to the values the catalog has
    (``options``, keyed by URL parameter; ``arrivals``: whether it records when releases
    arrived), and a notice for each parameter or value ignored.

    The dashboard and its export links read a URL through this one function, so a link shows
    and exports the same rows.
    """
    unknown = [k for k in params if k not in KNOWN_PARAMS]
    notices = named_few(
        unknown, lambda k: f"Ignored unknown parameter {quoted(k)}.", "unknown parameters"
    )
    parsed, more = ReleaseFilter.from_query_params(params)
    parsed, unknown = _held_to(parsed, options, arrivals)
    tz = last_param(params, TIMEZONE)
    if tz and not valid_timezone(tz):
        close = closest_zone(tz)
        guess = f" Did you mean {quoted(close)}?" if close else ""
        more.append(f"Ignored tz={quoted(tz)}: not a known time zone.{guess}")
    spoilers = last_param(params, SPOILERS)  # exports and feeds: 0 leaves spoilers out
    if spoilers not in (None, "0", "1"):
        more.append(f"Ignored {SPOILERS}={quoted(spoilers)}: use 0 (no spoilers) or 1.")
    more += page_param_notices(params).values()
    return parsed, notices + more + unknown


def page_param_notices(params: Params) -> dict[str, str]:
    """A notice for each bad value of the pages' own parameters (the calendar's view and day,
    the Changes page's first day), by parameter."""
    notices = {}
    view = last_param(params, VIEW)
    if view is not None and view not in VIEWS:
        notices[VIEW] = f"Ignored {VIEW}={quoted(view)}: not one of {', '.join(VIEWS)}."
    for param in (DATE, SINCE):
        raw = last_param(params, param)
        if raw is None:
            continue
        try:
            day = parse_date(raw)
        except ValueError:
            notices[param] = f"Ignored {param}={quoted(raw)}: not a date (YYYY-MM-DD)."
            continue
        if not EARLIEST <= day <= LATEST:
            notices[param] = f"Ignored {param}={quoted(raw)}: outside {EARLIEST} to {LATEST}."
    return notices


def repeated_param_notices(params: Params) -> dict[str, str]:
    """A notice for each parameter of one value that the URL gives several values, by
    parameter: the last is read (and may be ignored in turn, with a notice of its own)."""
    notices = {}
    for param in sorted(ONE_VALUE_PARAMS):
        values = param_values(params, param)
        if len(set(values)) > 1:
            last = f"the last, {quoted(values[-1])}," if values[-1] else "the last, which is empty,"
            notices[param] = f"The link gives {param} more than once; only {last} is read."
    return notices


def read_values(
    options: Mapping[str, Collection[str]], arrivals: bool = True, **values
) -> tuple[ReleaseFilter, list[str]]:
    """The filter of typed values (the command line's flags, see
    :meth:`ReleaseFilter.from_values`) held to the catalog as :func:`read_view` holds a URL's,
    and a notice for each value ignored or changed."""
    parsed, notices = ReleaseFilter.from_values(**values)
    parsed, unknown = _held_to(parsed, options, arrivals)
    return parsed, notices + unknown


def _held_to(
    parsed: ReleaseFilter, options: Mapping[str, Collection[str]], arrivals: bool
) -> tuple[ReleaseFilter, list[str]]:
    """``parsed`` held to the catalog's values, and to the arrivals it records: a catalog no
    refresh stamped knows of no arrival, so a day to have arrived since says nothing there."""
    parsed, notices = parsed.restrict(options)
    if parsed.arrived_since and not arrivals:
        notices.append(
            f"Ignored {ARRIVED_SINCE}={parsed.arrived_since}: this catalog does not record when "
            "releases arrived (a refreshed one does)."
        )
        parsed = replace(parsed, arrived_since=None)
    return parsed, notices


def refusals(notices: Sequence[str]) -> list[str]:
    """The notices that name a part of the filter left out, for which an export is refused
    (its rows would not be the ones asked for); a swapped range is served swapped."""
    return [notice for notice in notices if notice != SWAPPED_RANGE]


def spellings(allowed: Collection[str]) -> dict[str, str]:
    """The catalog's spelling of each value, by its case-folded form. (A value spelled as the
    catalog spells it is matched before this, so values that differ only in case stay apart.)"""
    by_case: dict[str, str] = {}
    for value in allowed:
        by_case.setdefault(value.casefold(), value)
    return by_case


def _unknown_choice(what: str, value: str) -> str:
    return f"Ignored unknown {what} {quoted(value)}."


def _not_in_catalog(param: str, value: str, spellings: Mapping[str, str]) -> str:
    close = difflib.get_close_matches(value.casefold(), list(spellings), n=3, cutoff=0.6)
    notice = f"Ignored {param} {quoted(value)}: not in this catalog."
    if close:
        notice += " Did you mean " + " or ".join(quoted(spellings[c]) for c in close) + "?"
    return notice


def parse_title_ids(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """The title ids of ``follow`` values (each comma-separated), in order, once each, and a
    notice for each value that cannot be a title id. Whether the catalog holds them is not
    checked: a followed title that left the catalog stays followed."""
    ids: dict[str, None] = {}
    bad = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if TITLE_ID.fullmatch(part):
                ids.setdefault(part)
            elif part:
                bad.append(part)
    notices = named_few(
        bad,
        lambda part: f"Ignored follow {quoted(part)}: not a title id.",
        "follow values: not title ids",
    )
    if len(ids) > MAX_FOLLOWED:
        notices.append(f"Only the first {MAX_FOLLOWED} followed titles are kept.")
    return tuple(ids)[:MAX_FOLLOWED], notices


def param_values(params: Params, key: str) -> list[str]:
    """Every value of ``key`` in ``params`` (a URL's parameters, as a mapping or Streamlit's
    query parameters), in order."""
    if hasattr(params, "get_all"):
        return list(params.get_all(key))
    value = params.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def last_param(params: Params, key: str) -> str | None:
    """The value of ``key`` a page reads when a URL repeats it: the last."""
    values = param_values(params, key)
    return values[-1] if values else None


def _clean_values(values: Sequence[str], param: str) -> tuple[list[str], list[str]]:
    """Trimmed, non-empty, first occurrence kept, capped so a URL cannot blow up a query; a
    notice when the cap cut any."""
    seen: dict[str, None] = {}
    for value in values:
        value = _encodable(value.strip()[:MAX_QUERY_LENGTH])
        if value:
            seen.setdefault(value)
    if len(seen) <= MAX_VALUES:
        return list(seen), []
    return list(seen)[:MAX_VALUES], [f"Only the first {MAX_VALUES} {param} values are kept."]


def named_few(
    ignored: Sequence[str],
    notice: Callable[[str], str],
    what: str,
    rest: str = "Ignored {count:,} more {what}.",
) -> list[str]:
    """The ``notice`` of each of the first :data:`MAX_NOTICES` ``ignored`` values, then
    ``rest`` counting the others (``what`` they are): a link can hold thousands."""
    named = [notice(value) for value in ignored[:MAX_NOTICES]]
    if len(ignored) > MAX_NOTICES:
        named.append(rest.format(count=len(ignored) - MAX_NOTICES, what=what))
    return named


def _encodable(value: str) -> str:
    """``value`` with lone surrogates (e.g. from undecodable command-line bytes) replaced, so
    Arrow can hold it."""
    return _SURROGATE.sub("\ufffd", value)
