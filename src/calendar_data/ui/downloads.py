"""The Browse page's exports, served as plain links: ``/export.csv`` and ``/export.ics``.

Each link carries the view's own URL parameters, read by :func:`~calendar_data.filters.read_view`
as the dashboard reads them, so an export is one stateless GET: the same link gives the same
rows to a browser, a script or a calendar app that subscribes to the .ics. ``server.py`` mounts
the routes beside Streamlit's; ``make run`` serves it.

Served as ``streamlit run app.py``, without the routes, the page falls back to
``st.download_button`` making the file on click. Streamlit keeps such a file only until two more
script runs of any session end, so on a busy server a browser that asks later gets a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyarrow as pa
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .. import exports
from ..days import DEFAULT_TIMEZONE, valid_timezone
from ..filters import ReleaseFilter, read_view
from .data import LiveCatalog, current_catalog

EXPORT_PATHS = {"csv": "/export.csv", "ics": "/export.ics"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "ics": "text/calendar; charset=utf-8"}
LABELS = {"csv": "Download CSV", "ics": "Download iCalendar"}
ICONS = {"csv": ":material/download:", "ics": ":material/event:"}
HELP = {
    "csv": "This view's rows as a spreadsheet. The link itself always gives the current rows.",
    "ics": "This view's releases as calendar events. Copy the link to subscribe from a "
    "calendar app: it follows the catalog.",
}

_routes_mounted = False


def export_routes() -> list[Route]:
    """The export routes, for ``st.App(..., routes=export_routes())``; the Browse page links
    to them from then on."""
    global _routes_mounted
    _routes_mounted = True
    return [
        Route(EXPORT_PATHS["csv"], _export_csv, methods=["GET"]),
        Route(EXPORT_PATHS["ics"], _export_ics, methods=["GET"]),
    ]


def export_url(fmt: str, release_filter: ReleaseFilter, tz: str) -> str:
    """The export link of a view, e.g. ``/export.csv?service=Netflix&from=2023-11-01``."""
    params = release_filter.to_query_params()
    if tz != DEFAULT_TIMEZONE:
        params["tz"] = [tz]
    query = urlencode(params, doseq=True)
    return EXPORT_PATHS[fmt] + (f"?{query}" if query else "")


def export_buttons(
    columns: list, live: LiveCatalog, positions: pa.Array, release_filter: ReleaseFilter, tz: str
) -> None:
    """A CSV and an iCalendar button, in ``columns``, for the rows at ``positions``."""
    for column, fmt in zip(columns, EXPORT_PATHS, strict=True):
        common = dict(
            key=f"export_{fmt}",
            icon=ICONS[fmt],
            help=HELP[fmt],
            disabled=not len(positions),
            width="stretch",
        )
        if _routes_mounted:
            column.link_button(LABELS[fmt], export_url(fmt, release_filter, tz), **common)
        else:
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


def _export(request: Request, fmt: str) -> Response:
    """The file a view's export link asks for; a link the view would read differently from
    what it says (an unknown service, a malformed date...) is refused, naming each part."""
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
    rows = live.rows(live.select(release_filter, tz))
    filename = exports.export_filename(release_filter, fmt)
    return Response(
        exports.export_bytes(fmt, rows, release_filter),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _refused(status: int, message: str) -> Response:
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"X-Content-Type-Options": "nosniff"}
    )
