"""Title: everything the catalog knows about one show or film (``/title?id=<title_id>``)."""

import streamlit as st

from calendar_data import describe
from calendar_data.params import RELEASE, TITLE
from calendar_data.regions import release_dates_by_region
from calendar_data.schema import KIND_NAMES
from calendar_data.text import escape_markdown, one_line
from calendar_data.ui.context import current, name_the_tab, source_credits
from calendar_data.ui.detail import title_of, title_rows
from calendar_data.ui.history import read_history, show_history
from calendar_data.ui.mine import follow_button, followed_ids
from calendar_data.ui.poster import show_poster

context = current()
release_id = st.query_params.get(RELEASE)
title_id = st.query_params.get(TITLE) or title_of(context.live, release_id)
rows = title_rows(context.live, title_id) if title_id else []

if not rows:
    st.title("Title", anchor=False)
    if title_id or release_id:
        st.info(
            "We could not find that title in this catalog. It may have been removed, or the "
            "link may be incomplete. Pick a card on the calendar to open a title.",
            icon=":material/help:",
        )
        if title_id in followed_ids():  # a followed title that left the catalog
            follow_button(title_id, title_id, key="follow_title")
    else:
        st.info(
            "Open a title from the calendar or the Browse table to see its details here.",
            icon=":material/movie:",
        )
    st.page_link(
        "pages/calendar.py", label="Back to the calendar", icon=":material/calendar_month:"
    )
    st.stop()

first = rows[0]
updates = [r["updated_at"] for r in rows if r["updated_at"]]
st.title(escape_markdown(one_line(first["title"], 200)), anchor=False)
name_the_tab(first["title"])
follow_button(title_id, first["title"], key="follow_title")
if first["original_title"] and first["original_title"] != first["title"]:
    st.caption(f"Original title: {escape_markdown(first['original_title'], 200)}")

poster, facts = st.columns([1, 3])
with poster:
    show_poster(first, "page", key="title_poster")
with facts:
    kind = KIND_NAMES.get(first["kind"], first["kind"])
    services = sorted({r["service"] for r in rows})
    regions = sorted({r["region"] or "Worldwide" for r in rows})
    st.markdown(
        f"**{escape_markdown(kind)}** on **{escape_markdown(', '.join(services))}** · "
        f"{escape_markdown(', '.join(regions))}"
    )
    if first["synopsis"]:
        st.markdown(escape_markdown(first["synopsis"], 3000))
    total, releases = describe.total_runtime(rows)
    details = [
        ("Genres", describe.genres(first["genres"])),
        ("Language", describe.language(first["language"])),
        ("Rating", describe.ratings(rows)),
        # One release's runtime gives its total; several releases' add up in "Total".
        ("Runtime", describe.runtime(first) if releases == 1 else describe.runtimes(rows)),
    ]
    if total and releases > 1:
        details.append(("Total", describe.hours(total) + " in this catalog"))
    for label, value in details:
        if value:
            st.markdown(f"**{label}:** {escape_markdown(value)}")

st.header("Releases", anchor=False)
st.dataframe(
    [
        {
            "Date": describe.release_time(r, context.tz),
            "Release": describe.RELEASE_TYPE_NAMES.get(r["release_type"], r["release_type"]),
            "Episodes": describe.episodes(r),
            "Service": r["service"],
            "Status": r["status"].capitalize(),
            "Date change (platform's dates)": describe.move(r),  # no zone moves them
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
    key="title-releases",
)

dates_by_country = release_dates_by_region(rows, context.tz)
if not dates_by_country.empty:
    st.header("Release dates by country", anchor=False)
    st.dataframe(
        dates_by_country,
        hide_index=True,
        column_config={
            "region": "Region",
            "release_date": f"First day ({context.tz})",
            "services": "Services",
        },
        key="title-release-dates",
    )

st.header("History", anchor=False)
history = read_history(context.live, context.tz, title_id=title_id)
if history is not None and history.num_rows:
    show_history(history, context.tz, key="title-history")
elif history is not None:
    st.caption("No build of this catalog recorded a change to this title.")
for r in rows:
    if r["previous_release_date"]:  # a move its source reports, recorded by a build or not
        st.markdown(f"{escape_markdown(describe.episodes(r) or 'Release')} {describe.move(r)}.")

cast = describe.cast_lines(first["cast"])
crew = describe.crew_by_role(first["crew"])
people, makers = st.columns(2)
with people:
    st.header("Cast", anchor=False)
    st.markdown("\n".join(f"- {escape_markdown(c, 150)}" for c in cast) or "Not listed.")
with makers:
    st.header("Crew", anchor=False)
    for role, names in crew.items():
        st.markdown(f"**{describe.ROLE_NAMES[role]}:** {escape_markdown(', '.join(names), 400)}")
    if not crew:
        st.markdown("Not listed.")

st.header("Links and provenance", anchor=False)
links = describe.links(first)
if links:
    st.markdown(" · ".join(links))
sources = source_credits(context.live.catalog.sources, {r["source"] for r in rows})
st.caption(
    f"Source: {sources}"
    + (f" · record changed {max(updates):%-d %b %Y}" if updates else "")
)
