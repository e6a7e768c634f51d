"""The change log in the dashboard: read beside the live catalog, shown as a table.

The Changes page lists every change the view's filters select; the Title page lists one title's.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pyarrow as pa
import streamlit as st

from .. import changes, describe
from ..filters import ReleaseFilter
from ..live import LiveCatalog, named_by_file
from ..text import counted, escape_markdown, escape_message, one_line

#: Changes a table shows at most, newest first.
SHOWN = 500


def read_history(
    live: LiveCatalog,
    tz: str,
    *,
    since: dt.date | None = None,
    release_filter: ReleaseFilter | None = None,
    title_id: str | None = None,
) -> pa.Table | None:
    """The changes recorded beside the live catalog that the arguments select, newest first;
    None, with a message shown, when the catalog has no log, or none that can be read."""
    if "://" in live.catalog.origin:
        st.info("Change history is kept beside local catalogs only.", icon=":material/info:")
        return None
    path = changes.change_log_path(live.catalog.origin)
    if not path.exists():
        st.info(
            "This catalog has no change history yet. Every `calendar-data build`, import and "
            f"refresh records what it changed in {escape_markdown(path.name, 200)} beside "
            "the catalog: what was added, removed, moved or changed, and what arrived on or "
            "left a service.",
            icon=":material/history:",
        )
        return None
    try:
        log = live.change_log()
    except changes.ChangeLogError as error:
        message = named_by_file(f"The change history could not be read. {error}")
        st.error(escape_message(message), icon="⚠️")
        return None
    return changes.select_changes(
        log,
        since=since,
        release_filter=release_filter,
        title_id=title_id,
        tz=tz,
        catalog=live.catalog.table,
    )


def show_history(table: pa.Table, tz: str, key: str) -> None:
    """The newest :data:`SHOWN` changes as a table, times in ``tz``: what changed first, so a
    phone's screen, which shows two columns, says which release and how."""
    zone = zoneinfo.ZoneInfo(tz)
    rows = table.slice(0, SHOWN).to_pylist()
    st.dataframe(
        [
            {
                "Release": describe.release_label(row),
                "Change": changes.describe_change(row),
                "When": row["changed_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "Source": one_line(row["source"], 200),
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
        key=key,
    )
    if table.num_rows > SHOWN:
        st.caption(f"The newest {SHOWN:,} of {counted(table.num_rows, 'change')}.")
