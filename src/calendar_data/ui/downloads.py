"""The Browse page's exports, served as plain links: ``/export.csv``, ``/export.ics``,
``/export.json`` and the Atom feed ``/feed.atom``.

Each link carries the view's own URL parameters, read by :func:`~calendar_data.filters.read_view`
as the dashboard reads them, so an export is one stateless GET: the same link gives the same
rows to a browser, a script or a calendar app that subscribes to the .ics. ``server.py`` mounts
the routes beside Streamlit's; ``make run`` serves it.

Served as ``streamlit run app.py``, without the routes, the page falls back to
``st.download_button`` making the file on click. Streamlit keeps such a file only until two more
script runs of any session end, so on a busy server a browser that asks later gets a 404.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pyarrow as pa
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .. import changes, exports, feeds
from ..days import DEFAULT_TIMEZONE, valid_timezone
from ..filters import ReleaseFilter, read_view
from ..live import LiveCatalog, current_catalog
from ..params import SPOILERS

EXPORT_PATHS = {"csv": "/export.csv", "ics": "/export.ics"}
#: Links served beside the downloads: the rows as JSON, and a feed of them and their changes.
FEED_PATHS = {"json": "/export.json", "atom": "/feed.atom"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json",
    "atom": feeds.MEDIA_TYPE,
}
#: How far back the feed lists changes.
FEED_CHANGES_DAYS = 30
LABELS = {"csv": "Download CSV", "ics": "Download iCalendar", "json": "JSON", "atom": "Atom feed"}
ICONS = {
    "csv": ":material/download:",
    "ics": ":material/event:",
    "json": ":material/data_object:",
    "atom": ":material/rss_feed:",
}
HELP = {
    "csv": "This view's rows as a spreadsheet. The link itself always gives the current rows.",
    "ics": "This view's releases as calendar events. Copy the link to subscribe from a "
    "calendar app: it follows the catalog.",
    "json": "This view's rows as JSON, for scripts. The link itself always gives the current "
    "rows.",
    "atom": f"This view's releases, and their changes of the last {FEED_CHANGES_DAYS} days, as "
    "an Atom feed: copy the link into a feed reader.",
}
#: The Browse page's buttons, in order.
FORMATS = (*EXPORT_PATHS, *FEED_PATHS)

_routes_mounted = False


def export_routes() -> list[Route]:
    """The export routes, for ``st.App(..., routes=export_routes())``; the Browse page links
    to them from then on."""
    global _routes_mounted
    _routes_mounted = True
    return [
        Route(EXPORT_PATHS["csv"], _export_csv, methods=["GET"]),
        Route(EXPORT_PATHS["ics"], _export_ics, methods=["GET"]),
        Route(FEED_PATHS["json"], _export_json, methods=["GET"]),
        Route(FEED_PATHS["atom"], _feed_atom, methods=["GET"]),
    ]


def export_url(fmt: str, release_filter: ReleaseFilter, tz: str) -> str:
    """The export link of a view, e.g. ``/export.csv?service=Netflix&from=2023-11-01``
    (``fmt`` is ``csv``, ``ics``, ``json`` or ``atom``)."""
    params = release_filter.to_query_params()
    if tz != DEFAULT_TIMEZONE:
        params["tz"] = [tz]
    query = urlencode(params, doseq=True)
    return {**EXPORT_PATHS, **FEED_PATHS}[fmt] + (f"?{query}" if query else "")


def export_buttons(
    columns: list, live: LiveCatalog, positions: pa.Array, release_filter: ReleaseFilter, tz: str
) -> None:
    """A button per :data:`FORMATS` (CSV, iCalendar, JSON, Atom), in ``columns``, for the rows
    at ``positions``. Without the routes, the files are made on click; the feed, which is a link
    to follow, is then not offered."""
    for column, fmt in zip(columns, FORMATS, strict=True):
        common = dict(
            key=f"export_{fmt}",
            icon=ICONS[fmt],
            help=HELP[fmt],
            disabled=not len(positions) and fmt != "atom",  # a feed also lists changes
            width="stretch",
        )
        if _routes_mounted:
            column.link_button(LABELS[fmt], export_url(fmt, release_filter, tz), **common)
        elif fmt in exports.FORMATS:
            column.download_button(
                LABELS[fmt],
                data=lambda fmt=fmt: exports.export_bytes(
                    fmt, live.rows(positions), release_filter
                ),
                file_name=exports.export_filename(release_filter, fmt),
                mime=MEDIA_TYPES[fmt],
                on_click="ignore",
                **common,
            )


def _export_csv(request: Request) -> Response:
    return _export(request, "csv")


def _export_ics(request: Request) -> Response:
    return _export(request, "ics")


def _export_json(request: Request) -> Response:
    return _export(request, "json")


def _export(request: Request, fmt: str) -> Response:
    """The file a view's export link asks for; a link the view would read differently from
    what it says (an unknown service, a malformed date...) is refused, naming each part."""
    view = _requested_view(request)
    if isinstance(view, Response):
        return view
    live, release_filter, tz = view
    rows = live.rows(live.select(release_filter, tz))
    filename = exports.export_filename(release_filter, fmt)
    spoilers = exports.spoilers_shown(request.query_params.getlist(SPOILERS))
    log = _change_log(live) if fmt == "ics" else None
    return Response(
        exports.export_bytes(fmt, rows, release_filter, changes=log, spoilers=spoilers),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _feed_atom(request: Request) -> Response:
    """The view's releases, and their changes of the last 30 days, as an Atom feed."""
    view = _requested_view(request)
    if isinstance(view, Response):
        return view
    live, release_filter, tz = view
    body = feeds.to_atom(
        live.rows(live.select(release_filter, tz)),
        release_filter,
        feed_url=str(request.url),
        changes=_recent_changes(live, release_filter, tz),
        updated=_generated_at(live),
        sources=live.catalog.sources,
        tz=tz,
        spoilers=exports.spoilers_shown(request.query_params.getlist(SPOILERS)),
    )
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=MEDIA_TYPES["atom"], headers=headers)


def _requested_view(request: Request) -> tuple[LiveCatalog, ReleaseFilter, str] | Response:
    """The catalog, filter and zone a link asks for, or the response refusing the link."""
    live, error = current_catalog()
    if live is None:
        return _refused(503, f"The release catalog could not be loaded. {error}")
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    release_filter, notices = read_view(params, live.known_values())
    if notices:
        return _refused(
            400,
            "Export refused: the dashboard would ignore part of this link, so its rows would "
            "not be the ones asked for.\n" + "\n".join(f"- {notice}" for notice in notices),
        )
    tz = valid_timezone(params.get("tz", [None])[-1]) or DEFAULT_TIMEZONE
    return live, release_filter, tz


def _recent_changes(live: LiveCatalog, release_filter: ReleaseFilter, tz: str) -> pa.Table | None:
    """The changes the filter selects from the catalog's change log (a local one only), or
    none when there is no log or it cannot be read: the feed still lists the releases."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=FEED_CHANGES_DAYS)
    log = _change_log(live)
    if log is None:
        return None
    return changes.select_changes(log, since=since, release_filter=release_filter, tz=tz)


def _change_log(live: LiveCatalog) -> pa.Table | None:
    """The catalog's change log, or none when it cannot be read (exports go on without)."""
    try:
        return live.change_log()
    except changes.ChangeLogError:
        return None


def _generated_at(live: LiveCatalog) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(live.catalog.generated_at)
    except ValueError:
        return None


def _refused(status: int, message: str) -> Response:
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"X-Content-Type-Options": "nosniff"}
    )
