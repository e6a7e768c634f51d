"""A "coming this week" digest, ready to mail: Markdown or a self-contained HTML page.

The week is Monday to Sunday, the one holding the day asked for. Releases are grouped by day
(their UTC day, as in exports) and then by service; premieres, finales and full drops are
marked. The date changes recorded in the week before (from the change log) close it.
Every catalog string is escaped for the format it lands in.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.compute as pc

from . import describe
from .days import local_days, week_start
from .filters import TYPE_GROUPS, ReleaseFilter
from .text import one_line

FORMATS = ("md", "html")
#: The release types marked in a digest, and their marks.
MARKS = {
    **dict.fromkeys(TYPE_GROUPS["premiere"], "Premiere"),
    **dict.fromkeys(TYPE_GROUPS["finale"], "Finale"),
    **dict.fromkeys(TYPE_GROUPS["full_drop"], "Full drop"),
}
COLUMNS = (
    *describe.LABEL_COLUMNS,
    "service",
    "release_date",
    "release_at",
    "status",
)
#: Characters CommonMark gives meaning to inside a line, escaped in Markdown output, and what
#: would start a nested list at the start of a list item.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!~&$])")
_LIST_START = re.compile(r"^([-+]|[0-9]+[.)])")


@dataclass(frozen=True)
class Release:
    """One line of the digest: what lands, and its mark (``Premiere``...) if any."""

    title: str
    episodes: str
    mark: str
    time: str
    tentative: bool


@dataclass(frozen=True)
class Move:
    title: str
    service: str
    old: str
    new: str


@dataclass(frozen=True)
class Digest:
    start: dt.date
    scope: str
    #: Each day that has releases, with its services in order and their releases.
    days: tuple[tuple[dt.date, tuple[tuple[str, tuple[Release, ...]], ...]], ...]
    moves: tuple[Move, ...]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def title(self) -> str:
        return f"Coming this week: {_day(self.start)} to {_day(self.end)}"

    def counts(self) -> str:
        """``14 releases: 2 premieres, 1 finale, 3 full drops``."""
        marks = [r.mark for _, services in self.days for _, rows in services for r in rows]
        found = [
            _plural(marks.count(mark), mark.lower())
            for mark in dict.fromkeys(MARKS.values())
            if mark in marks
        ]
        return _plural(len(marks), "release") + (": " + ", ".join(found) if found else "")


def build_digest(
    table: pa.Table,
    week: dt.date,
    release_filter: ReleaseFilter,
    changes: pa.Table | None = None,
) -> Digest:
    """The digest of ``table``'s releases in ``week``'s week that ``release_filter`` selects
    (its own dates narrow the week further), with the date changes among ``changes`` (change
    log rows) recorded in the seven days before the week, for releases the filter's other
    fields select."""
    start = week_start(week)
    end = start + dt.timedelta(days=6)
    days = local_days(table, "UTC")
    in_week = pc.and_(
        pc.greater_equal(days, pa.scalar(start, pa.date32())),
        pc.less_equal(days, pa.scalar(end, pa.date32())),
    )
    chosen = pc.and_(pc.fill_null(in_week, False), release_filter.mask(table, days))
    present = [name for name in COLUMNS if name in table.column_names]
    rows = table.select(present).filter(chosen).to_pylist()
    for row, day in zip(rows, days.filter(chosen).to_pylist(), strict=True):
        row["day"] = day
    rows.sort(key=lambda r: (r["day"], str(r["service"]).casefold(), _when(r), r["title"]))
    grouped: dict[dt.date, dict[str, list[Release]]] = {}
    for row in rows:
        services = grouped.setdefault(row["day"], {})
        services.setdefault(one_line(row["service"], 100), []).append(_release(row))
    return Digest(
        start,
        release_filter.short_name(),
        tuple(
            (day, tuple((s, tuple(items)) for s, items in services.items()))
            for day, services in grouped.items()
        ),
        _moves(changes, start, replace(release_filter, start=None, end=None)),
    )


def _release(row: Mapping) -> Release:
    instant = row.get("release_at")
    return Release(
        title=one_line(row["title"], 200),
        episodes=describe.episodes(row),
        mark=MARKS.get(row.get("release_type") or "", ""),
        time=f"{instant.astimezone(dt.UTC):%H:%M} UTC" if instant else "",
        tentative=row.get("status") == "tentative",
    )


def _when(row: Mapping) -> dt.datetime:
    return row.get("release_at") or dt.datetime.combine(row["day"], dt.time(), dt.UTC)


def _moves(changes: pa.Table | None, start: dt.date, release_filter: ReleaseFilter):
    """Date changes recorded in the seven days before ``start``, newest first."""
    if changes is None or changes.num_rows == 0:
        return ()
    since = dt.datetime.combine(start - dt.timedelta(days=7), dt.time(), dt.UTC)
    until = dt.datetime.combine(start, dt.time(), dt.UTC)
    at = changes["changed_at"]
    recent = pc.and_(
        pc.and_(
            pc.greater_equal(at, pa.scalar(since, at.type)), pc.less(at, pa.scalar(until, at.type))
        ),
        pc.equal(changes["change"], "date_moved"),
    )
    chosen = changes.filter(pc.and_(recent, release_filter.mask(changes, local_days(changes))))
    return tuple(
        Move(
            one_line(row["title"], 200),
            one_line(row["service"], 100),
            row["old_value"] or "tba",
            row["new_value"] or "tba",
        )
        for row in chosen.sort_by([("changed_at", "descending")]).to_pylist()
    )


# --------------------------------------------------------------------------- rendering


def render(digest: Digest, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(digest)
    if fmt == "html":
        return to_html(digest)
    raise ValueError(f"unknown digest format {fmt!r}: expected one of {', '.join(FORMATS)}")


def to_markdown(digest: Digest) -> str:
    lines = [f"# {digest.title}", "", _md(f"{digest.scope} · {digest.counts()}."), ""]
    if not digest.days:
        lines += ["Nothing is scheduled this week for these filters.", ""]
    for day, services in digest.days:
        lines += [f"## {_day(day)}", ""]
        for service, releases in services:
            lines += [f"**{_md(service)}**", ""]
            lines += [f"- {_md_release(release)}" for release in releases]
            lines.append("")
    if digest.moves:
        lines += ["## Dates that changed last week", ""]
        lines += [
            f"- {_md(m.title)} ({_md(m.service)}): {_md(m.old)} → {_md(m.new)}"
            for m in digest.moves
        ]
        lines.append("")
    return "\n".join(lines)


def _md_release(release: Release) -> str:
    return _release_line(release, _md, lambda mark: f"**{mark}**")


def to_html(digest: Digest) -> str:
    """A whole HTML page with inline styles (mail clients drop style sheets)."""
    e = html.escape
    body = [f"<h1>{e(digest.title)}</h1>", f"<p>{e(digest.scope)} · {e(digest.counts())}.</p>"]
    if not digest.days:
        body.append("<p>Nothing is scheduled this week for these filters.</p>")
    for day, services in digest.days:
        body.append(f"<h2>{e(_day(day))}</h2>")
        for service, releases in services:
            body.append(f"<h3>{e(service)}</h3>")
            body.append("<ul>" + "".join(_html_release(r) for r in releases) + "</ul>")
    if digest.moves:
        body.append("<h2>Dates that changed last week</h2>")
        items = (
            f"<li>{e(m.title)} ({e(m.service)}): {e(m.old)} → {e(m.new)}</li>" for m in digest.moves
        )
        body.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            '<head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(digest.title)}</title></head>",
            '<body style="font-family: sans-serif; line-height: 1.4; max-width: 40em">',
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_release(release: Release) -> str:
    e = html.escape
    return "<li>" + _release_line(release, e, lambda mark: f"<strong>{e(mark)}</strong>") + "</li>"


def _release_line(
    release: Release, escape: Callable[[str], str], strong: Callable[[str], str]
) -> str:
    """A release's title, episodes, time, tentativeness and mark, joined by " · ": its texts
    made safe by ``escape``, its mark emphasised by ``strong``."""
    parts = [escape(release.title)]
    parts += [escape(text) for text in (release.episodes, release.time) if text]
    if release.tentative:
        parts.append("date tentative")
    if release.mark:
        parts.append(strong(release.mark))
    return " · ".join(parts)


def _md(text: str) -> str:
    """Text that a Markdown renderer shows as it is."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)


def _day(day: dt.date) -> str:
    """``Monday 3 March 2025``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
