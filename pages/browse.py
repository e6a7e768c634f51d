"""Browse: the filtered releases as a sortable, paged table, with their exports and feed."""

import math

import streamlit as st

from calendar_data import browse_table
from calendar_data.text import escape_markdown, releases_matching
from calendar_data.ui.context import current
from calendar_data.ui.detail import open_release, show_open_panel
from calendar_data.ui.downloads import export_buttons
from calendar_data.ui.mine import follow_picker, followed_ids

PAGE_SIZE = 100

context = current()
live, release_filter, tz = context.live, context.release_filter, context.tz
positions = live.select(release_filter, tz)
days = live.days(tz)

st.title("Browse releases", anchor=False)
st.caption(
    f"{releases_matching(len(positions))} · {escape_markdown(release_filter.short_name())} · "
    f"days in {escape_markdown(tz)}"
)

controls = st.columns([2, 1, 1], vertical_alignment="bottom")
sort = controls[0].selectbox(
    "Sort by", list(browse_table.SORTS), format_func=browse_table.SORTS.get, key="browse_sort"
)
descending = controls[1].toggle("Reverse", key="browse_descending", help="Newest or Z first")
pages = max(1, math.ceil(len(positions) / PAGE_SIZE))
page = controls[2].number_input("Page", min_value=1, max_value=pages, step=1, key="browse_page")

# One row of menus, so that on a phone the table starts on the first screen.
menus = st.container(horizontal=True)
downloads = menus.popover(
    "Download or subscribe", icon=":material/download:", key="export_menu", width="content"
)
export_buttons(downloads, live, positions, release_filter, tz)

if not len(positions):
    st.info(
        "No releases match these filters. Clear some filters to see more.",
        icon=":material/search_off:",
    )
    st.stop()

ordered = browse_table.sorted_positions(live.table, days, positions, sort, descending)
shown = ordered.slice((page - 1) * PAGE_SIZE, PAGE_SIZE)
rows = live.rows(shown, browse_table.COLUMNS)
follow_picker(menus, rows)
st.space("small")  # room for the table's toolbar, always shown on a phone, under the menus
event = st.dataframe(
    browse_table.display_frame(rows, days.take(shown), followed_ids()),
    key="browse_table",
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    placeholder="",
    column_config={
        browse_table.FOLLOWED: st.column_config.TextColumn(
            "★", width=40, help="★: a title I follow"
        ),
        "Date": st.column_config.DateColumn(format="ddd D MMM YYYY"),
        "Genres": st.column_config.ListColumn(),
    },
)
st.caption(
    f"Page {page} of {pages:,} · {PAGE_SIZE} rows per page · for a release's details, tick the "
    "box at its row's left, or press Shift+Space in its row"
)

selected = event.selection.rows
picked = rows.slice(selected[0], 1).to_pylist()[0] if selected else None
if picked and st.session_state.get("_browse_opened") != picked["release_id"]:
    st.session_state["_browse_opened"] = picked["release_id"]
    open_release(picked["title_id"], picked["release_id"])
if not picked:
    st.session_state.pop("_browse_opened", None)

show_open_panel(live, tz)
