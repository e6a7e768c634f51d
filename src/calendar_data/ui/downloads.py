"""The Browse page's export buttons: links to the export routes (:mod:`calendar_data.routes`)
when ``server.py`` serves them, which ``make run`` does.

Served as ``streamlit run app.py``, without the routes, the page falls back to
``st.download_button`` making the file on click. Streamlit keeps such a file only until two more
script runs of any session end, so on a busy server a browser that asks later gets a 404.
"""

from __future__ import annotations

import pyarrow as pa

from .. import exports, routes
from ..filters import ReleaseFilter
from ..live import LiveCatalog
from ..params import EXPORT_PATHS, FEED_PATHS
from ..routes import FEED_CHANGES_DAYS, MEDIA_TYPES

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
    "json": "This view's rows as JSON, for scripts. The link itself always gives the current rows.",
    "atom": f"This view's releases, and their changes of the last {FEED_CHANGES_DAYS} days, as "
    "an Atom feed: copy the link into a feed reader.",
}
#: The Browse page's buttons, in order.
FORMATS = (*EXPORT_PATHS, *FEED_PATHS)


def export_buttons(
    menu, live: LiveCatalog, positions: pa.Array, release_filter: ReleaseFilter, tz: str
) -> None:
    """A button per :data:`FORMATS` (CSV, iCalendar, JSON, Atom), one under the other in
    ``menu``, for the rows at ``positions``. Without the routes, the files are made on click;
    the feed, which is a link to follow, is then not offered."""
    for fmt in FORMATS:
        common = dict(
            key=f"export_{fmt}",
            icon=ICONS[fmt],
            help=HELP[fmt],
            disabled=not len(positions) and fmt != "atom",  # a feed also lists changes
            width="stretch",
        )
        if routes.mounted():
            menu.link_button(LABELS[fmt], routes.export_url(fmt, release_filter, tz), **common)
        elif fmt in exports.FORMATS:
            menu.download_button(
                LABELS[fmt],
                data=lambda fmt=fmt: exports.export_bytes(
                    fmt, live.rows(positions), release_filter
                ),
                file_name=exports.export_filename(release_filter, fmt),
                mime=MEDIA_TYPES[fmt],
                on_click="ignore",
                **common,
            )
