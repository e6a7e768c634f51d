"""Changes: what each build and import changed in the catalog, newest first (``/changes``)."""

import streamlit as st

from calendar_data.params import SINCE
from calendar_data.text import counted, escape_markdown
from calendar_data.ui.context import current
from calendar_data.ui.date_picker import date_picker
from calendar_data.ui.history import read_history, show_history

context = current()
live, release_filter, tz = context.live, context.release_filter, context.tz

st.title("Changes", anchor=False)
since = date_picker("Recorded since", SINCE)
history = read_history(live, tz, since=since, release_filter=release_filter)
if history is None:
    st.stop()
shown = counted(history.num_rows, "change")
st.caption(f"{shown} · {escape_markdown(release_filter.short_name())}")
if not history.num_rows:
    st.info(
        "No changes recorded for this view: clear some filters, or pick an earlier date.",
        icon=":material/history:",
    )
    st.stop()
show_history(history, tz, key="changes_table")
