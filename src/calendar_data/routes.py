"""The export links as HTTP routes: ``/export.csv``, ``/export.ics``, ``/export.json`` and the
Atom feed ``/feed.atom``.

Each link carries the view's own URL parameters, read as the dashboard reads them
(:func:`~calendar_data.filters.read_view`, and Mine's settings by
:func:`~calendar_data.mine.settings_in_link`), so an export is one stateless GET: the same link
gives the same rows to a browser, a script or a calendar app that subscribes to the .ics.
``server.py`` mounts the routes beside Streamlit's; the Browse page's buttons
(``ui/downloads.py``) link to them.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import quote, urlencode

import pyarrow as pa
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from . import changes, exports, feeds
from .catalog import written_at
from .days import DEFAULT_TIMEZONE, day_start, parse_date, valid_timezone
from .filters import ReleaseFilter, read_view, refusals
from .live import LiveCatalog, current_catalog, named_by_file
from .mine import my_view, settings_in_link
from .params import EXPORT_PATHS, FEED_PATHS, SINCE, SPOILERS, TIMEZONE
from .regions import country_from_locale

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json",
    "atom": feeds.MEDIA_TYPE,
}
#: How far back the feed lists changes.
FEED_CHANGES_DAYS = 30
PLAIN_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

_mounted = False


def export_routes() -> list[Route]:
    """The routes, for ``st.App(..., routes=export_routes())``; the Browse page links to them
    from then on (:func:`mounted`)."""
    global _mounted
    _mounted = True
    paths = {**EXPORT_PATHS, **FEED_PATHS}
    return [
        Route(path, functools.partial(serve, fmt=fmt), methods=["GET"])
        for fmt, path in paths.items()
    ]


def mounted() -> bool:
    """Whether this process serves the routes (else the page makes the files itself)."""
    return _mounted


def export_url(fmt: str, release_filter: ReleaseFilter, tz: str) -> str:
    """The export link of a view, e.g. ``/export.csv?service=Netflix&from=2023-11-01``
    (``fmt`` is ``csv``, ``ics``, ``json`` or ``atom``)."""
    params = release_filter.to_query_params()
    if tz != DEFAULT_TIMEZONE:
        params[TIMEZONE] = [tz]
    query = urlencode(params, doseq=True)
    return {**EXPORT_PATHS, **FEED_PATHS}[fmt] + (f"?{query}" if query else "")


def serve(request: Request, fmt: str) -> Response:
    """The file or feed in ``fmt`` of the view a link asks for; a link the view would read
    differently from what it says (an unknown service, a malformed date...) is refused,
    naming each part. A backwards date range is served swapped, as the page shows it."""
    view = requested_view(request, with_history=fmt == "atom")
    if isinstance(view, Response):
        return view
    live, release_filter, tz = view
    rows = live.rows(live.select(release_filter, tz))
    spoilers = exports.spoilers_shown(request.query_params.getlist(SPOILERS))
    if fmt == "atom":
        body = _feed(request, live, rows, release_filter, tz, spoilers)
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=PLAIN_HEADERS)
    filename = exports.export_filename(release_filter, fmt)
    log = change_log(live) if fmt == "ics" else None
    return Response(
        exports.export_bytes(fmt, rows, release_filter, changes=log, spoilers=spoilers),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **PLAIN_HEADERS},
    )


def requested_view(
    request: Request, with_history: bool = False
) -> tuple[LiveCatalog, ReleaseFilter, str] | Response:
    """The catalog, filter and zone a link asks for, or the response refusing the link.
    ``with_history`` (a feed, which lists changes too) also takes the values the change log
    names: a service whose every release was removed is still one to hear of."""
    live, error = current_catalog()
    if live is None:
        return _refused(503, named_by_file(f"The release catalog could not be loaded. {error}"))
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    known = live.known_with_history() if with_history else live.known_values()
    release_filter, notices = read_view(params, known, live.records_arrivals)
    # The page's region, when none is named: the country of the browser's language.
    language = country_from_locale(_first_language(request))
    settings, more = settings_in_link(params, known.get("service", ()), language)
    refused = refusals(notices + more)
    if refused:
        return _refused(
            400,
            "Export refused: the dashboard would ignore part of this link, so its rows would "
            "not be the ones asked for.\n" + "\n".join(f"- {notice}" for notice in refused),
        )
    tz = valid_timezone(params.get(TIMEZONE, [None])[-1]) or DEFAULT_TIMEZONE
    return live, my_view(release_filter, settings)[0], tz


def _first_language(request: Request) -> str | None:
    """The first language of the request's Accept-Language header (``en-GB`` of
    ``en-GB,en;q=0.9``), as a browser's page reads its own."""
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    return first or None


def _feed(
    request: Request,
    live: LiveCatalog,
    rows: pa.Table,
    release_filter: ReleaseFilter,
    tz: str,
    spoilers: bool,
) -> str:
    """The view's releases, and their changes of the last :data:`FEED_CHANGES_DAYS` days."""
    return feeds.to_atom(
        rows,
        release_filter,
        feed_url=requested_url(request),
        changes=_recent_changes(live, release_filter, tz, _since(request)),
        updated=_generated_at(live),
        sources=live.catalog.sources,
        tz=tz,
        spoilers=spoilers,
    )


def requested_url(request: Request) -> str:
    """The URL asked for, its query string as sent but for bytes that are not UTF-8, which are
    percent-encoded (Starlette's ``request.url`` raises on them)."""
    query = quote(request.scope["query_string"], safe="/?:@!$&'()*+,;=%~")
    return str(URL(scope={**request.scope, "query_string": query.encode()}))


def _since(request: Request) -> dt.date | None:
    """The Changes page's first day in a link (checked by :func:`requested_view`)."""
    since = request.query_params.getlist(SINCE)
    return parse_date(since[-1]) if since else None


def _recent_changes(
    live: LiveCatalog, release_filter: ReleaseFilter, tz: str, since: dt.date | None
) -> pa.Table | None:
    """The changes the filter selects from the catalog's change log (a local one only) of the
    last :data:`FEED_CHANGES_DAYS` days, or from ``since`` (a day in ``tz``, as on the Changes
    page) when that is later; none when there is no log or it cannot be read: the feed still
    lists the releases."""
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=FEED_CHANGES_DAYS)
    if since is not None:
        recent = max(recent, day_start(since, tz))
    log = change_log(live)
    if log is None:
        return None
    return changes.select_changes(
        log, since=recent, release_filter=release_filter, tz=tz, catalog=live.catalog.table
    )


def change_log(live: LiveCatalog) -> pa.Table | None:
    """The catalog's change log, or none when it cannot be read (exports go on without)."""
    try:
        return live.change_log()
    except changes.ChangeLogError:
        return None


def _generated_at(live: LiveCatalog) -> dt.datetime | None:
    """When the catalog was generated, else when its file was written: the ``updated`` of a
    feed entry that has none of its own, which must not move from one fetch to the next."""
    try:
        return dt.datetime.fromisoformat(live.catalog.generated_at)
    except ValueError:
        return live.derived(("written_at",), lambda: written_at(live.catalog.origin))


def _refused(status: int, message: str) -> Response:
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"X-Content-Type-Options": "nosniff"}
    )
