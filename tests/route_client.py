"""Calls the export routes (/export.csv|ics|json, /feed.atom) as a server would, without one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from calendar_data import routes

HOST = "calendar.test"


def get(url: str, language: str | None = None) -> Response:
    """What the route mounted at ``url``'s path answers to a GET of ``url`` (from a browser
    whose Accept-Language is ``language``)."""
    path, _, query = url.partition("?")
    return get_raw(path, query.encode(), language)


def get_raw(path: str, query: bytes, language: str | None = None) -> Response:
    """What the route at ``path`` answers to a query string of any bytes, asked for at
    ``http://calendar.test`` (a route that raised would answer 500)."""
    route = next(route for route in routes.export_routes() if route.path == path)
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query}
    headers = [(b"host", HOST.encode())]
    if language:
        headers.append((b"accept-language", language.encode()))
    return route.endpoint(Request({**scope, "scheme": "http", "headers": headers}))
