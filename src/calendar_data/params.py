"""The names of the dashboard's state: its URL parameters and its session-state keys.

A URL-bound widget's key is its URL parameter (``bind="query-params"``), and the dashboard
removes every parameter it does not know from the URL: a new bound widget takes its key from
here, and :data:`KNOWN_PARAMS` then keeps it. tests/test_url_state.py fails for a bound widget
whose key is not known.
"""

from __future__ import annotations

# ---------------------------------------------------------------------- URL parameters

#: The filters, read by every page, export link and feed (see :mod:`calendar_data.filters`).
SERVICE = "service"
GENRE = "genre"
KIND = "kind"
TYPE = "type"
REGION = "region"
FROM = "from"
TO = "to"
QUERY = "q"
#: Titles a refresh first saw on their service on or after this UTC day (``first_seen``).
ARRIVED_SINCE = "arrived_since"
#: Followed titles' ids, comma-separated (``follow=ahsoka,loki``): on the dashboard they restrict
#: the view only with "Followed only" on; in an export link or feed they always do.
FOLLOW = "follow"
#: The viewer's time zone.
TIMEZONE = "tz"
#: The calendar's view (month, week, agenda) and a day of the period it shows.
VIEW = "view"
DATE = "date"
VIEWS = ("month", "week", "agenda")
#: The open title (its ``title_id``) and the release of it that is open (its ``release_id``).
TITLE = "id"
RELEASE = "release"
#: The Changes page's first day.
SINCE = "since"
#: Exports and feeds: ``0`` leaves spoilers (synopses, episode titles) out.
SPOILERS = "spoilers"
#: Mine (see ui/mine.py): my services, my region, the "All services / My services" switch and
#: "Followed only".
MY_SERVICE = "my_service"
MY_REGION = "my_region"
MINE = "mine"
FOLLOWED = "followed"

#: The export routes' paths, by format: the files a planner downloads or subscribes to...
EXPORT_PATHS = {"csv": "/export.csv", "ics": "/export.ics"}
#: ...and the links served beside them: the rows as JSON, and a feed of them and their changes.
FEED_PATHS = {"json": "/export.json", "atom": "/feed.atom"}

#: The multi-valued filters and the :class:`~calendar_data.filters.ReleaseFilter` field each
#: one fills, in URL order.
MULTI_PARAMS = {
    SERVICE: "services",
    GENRE: "genres",
    KIND: "kinds",
    TYPE: "types",
    REGION: "regions",
}
FILTER_PARAMS = (*MULTI_PARAMS, FROM, TO, QUERY, FOLLOW, ARRIVED_SINCE)
#: The parameters the sidebar's Filters panel binds its inputs to: the filters and the zone.
PANEL_PARAMS = (*MULTI_PARAMS, FROM, TO, ARRIVED_SINCE, QUERY, TIMEZONE)
VIEW_PARAMS = (VIEW, DATE, TITLE, RELEASE, TIMEZONE, SINCE, SPOILERS)
MINE_PARAMS = (MY_SERVICE, MY_REGION, MINE, FOLLOWED)
KNOWN_PARAMS = frozenset({*FILTER_PARAMS, *VIEW_PARAMS, *MINE_PARAMS})
#: The parameters that hold one value: a link repeating one is read by its last value, as
#: Streamlit reads a bound widget's.
ONE_VALUE_PARAMS = KNOWN_PARAMS - {*MULTI_PARAMS, FOLLOW, MY_SERVICE}

# ---------------------------------------------------------------------- session-state keys
# Private state of a session (a leading underscore keeps each out of widget keys).

#: The frame app.py drew for this run (catalog, filter, zone), handed to the page.
VIEW_CONTEXT = "_view_context"
#: A card's or row's request to open (title, release) or close (None) the detail drawer.
PANEL_REQUEST = "_panel_request"
#: The day whose "+N more" drawer is open.
OPEN_DAY = "_open_day"
#: The error of a rejected catalog update, said once.
REJECTED_CATALOG = "_rejected"
#: Notices about the URL, kept for the run that follows a repair of the URL.
URL_NOTICES = "_url_notices"
#: The notices about the URL that this run said (see ``ui.sidebar.keeps_url_notices``).
URL_NOTICES_SAID = "_url_notices_said"
#: Whether the viewer left the Filters panel open: kept over page changes, which reset the
#: panel's own state (:data:`FILTERS_OPEN`).
FILTERS_KEPT_OPEN = "_filters_open"
#: Whether this session's filters have read the URL: the first run writes it back as read,
#: if need be, before the filters' widgets bind to it (a bound parameter cannot be written).
URL_FILTERS_READ = "_url_filters_read"

# ---------------------------------------------------------------------- widget keys
# Widgets whose state is the session's own, never in the URL.

#: Whether the sidebar's Filters panel is open (its inputs are drawn only then, or while the
#: URL names a filter or a zone); set on every run from :data:`FILTERS_KEPT_OPEN`.
FILTERS_OPEN = "filters_open"
#: Whether the sidebar's "My services and region" is open (its inputs are drawn only then, or
#: while the URL names my services or my region).
MY_SERVICES_OPEN = "my_services_open"
#: Whether the sidebar's "My calendar" is open (its links and QR code are drawn only then).
MY_CALENDAR_OPEN = "my_calendar_open"
