"""The title's detail panel: a side drawer opened from a calendar card or a table row.

The open title and release live in the URL (``id`` and ``release``), so a copied link reopens
the panel on that release (a link with ``id`` alone, on the title's first); closing the drawer
removes them and leaves the view as it was. Callbacks only record the request: the URL is
written during the run, because a query-parameter write from inside a callback makes the
browser reset widgets whose values were set through session state (the filters read from the
opening URL).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from .. import describe
from ..days import local_day, local_days
from ..filters import ReleaseFilter
from ..live import LiveCatalog
from ..params import OPEN_DAY as DAY_KEY
from ..params import PANEL_REQUEST, RELEASE, TITLE
from ..schema import KIND_NAMES, SCHEMA
from ..text import escape_markdown, one_line
from .context import source_credits
from .mine import follow_button
from .poster import show_poster


def open_release(title_id: str, release_id: str) -> None:
    """Card callback: open the panel for one release of a title."""
    st.session_state[PANEL_REQUEST] = (title_id, release_id)
    st.session_state.pop(DAY_KEY, None)


def close_panel() -> None:
    st.session_state[PANEL_REQUEST] = None


def show_open_panel(live: LiveCatalog, tz: str, gathered: ReleaseFilter | None = None) -> bool:
    """Apply this run's open/close request to the URL, then draw the drawer if a title is open
    (``gathered``: as the calendar's cards gather a title's releases of a day under that
    filter, see :func:`show_panel`)."""
    if PANEL_REQUEST in st.session_state:
        request = st.session_state.pop(PANEL_REQUEST)
        if request is None:
            for param in (TITLE, RELEASE):
                if param in st.query_params:
                    del st.query_params[param]
        else:
            title_id, release_id = request
            st.query_params.update({TITLE: title_id, RELEASE: release_id})
    release_id = st.query_params.get(RELEASE)
    title_id = st.query_params.get(TITLE) or title_of(live, release_id)
    if title_id or release_id:  # a release the catalog lacks: the drawer says so
        show_panel(live, title_id, release_id, tz, gathered)
    return bool(title_id or release_id)


def title_of(live: LiveCatalog, release_id: str | None) -> str | None:
    """The title of a release (release ids are unique): a link naming only the release opens
    it."""
    if not release_id:
        return None
    positions = pc.indices_nonzero(pc.equal(live.table["release_id"], release_id))
    return live.table["title_id"][positions[0].as_py()].as_py() if len(positions) else None


def title_rows(live: LiveCatalog, title_id: str) -> list[dict]:
    """Every release of a title, oldest first."""
    positions = pc.indices_nonzero(pc.equal(live.table["title_id"], title_id))
    rows = live.rows(positions).to_pylist()
    return sorted(rows, key=lambda r: (r["release_date"] is None, r["release_date"] or 0))


def show_panel(
    live: LiveCatalog,
    title_id: str | None,
    release_id: str | None,
    tz: str,
    gathered: ReleaseFilter | None = None,
) -> None:
    """The drawer of a title's release ``release_id``; its first release when the title has
    no such release (a link from before the URL named the release); a notice when the catalog
    has neither. ``gathered``: with the title's other releases on the same service and day
    that the filter selects, which a calendar card draws as one (a catalog of one row per
    episode)."""
    rows = title_rows(live, title_id) if title_id else []
    row = next((r for r in rows if r["release_id"] == release_id), rows[0] if rows else None)
    credits = source_credits(live.catalog.sources, {row["source"]}) if row else ""
    card = [row]
    if row is not None and gathered is not None:
        shown = _selected_ids(rows, gathered, tz)
        card = _same_card([r for r in rows if r["release_id"] in shown or r is row], row, tz)
    _panel(row, tz, credits, card)


def _selected_ids(rows: list[dict], release_filter: ReleaseFilter, tz: str) -> set[str]:
    """The ids of ``rows`` (a title's releases) that ``release_filter`` selects, as the
    calendar does."""
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    return set(release_filter.apply(table, local_days(table, tz))["release_id"].to_pylist())


def _same_card(rows: list[dict], row: dict, tz: str) -> list[dict]:
    """The rows that a calendar card gathers with ``row`` (see bucketing.CARD_KEYS), of
    every season, each episode once, of one country: the one releasing the most episodes, as
    the card counts them (the same episodes in two countries are a row each), ``row``'s on a
    tie. An undated release is on its own, as the TBA list shows it."""
    day = local_day(row, tz)
    if day is None:
        return [row]
    countries: dict[str | None, dict[tuple, dict]] = {}
    for other in rows:
        if other["service"] == row["service"] and local_day(other, tz) == day:
            countries.setdefault(other["region"], {}).setdefault(_episodes(other), other)
    most = max(countries, key=lambda r: (_episode_total(countries[r]), r == row["region"]))
    return list(countries[most].values())


def _episode_total(releases: dict[tuple, dict]) -> int:
    return sum(describe.episode_total(release) for release in releases.values())


def _episodes(row: dict) -> tuple:
    """What tells a release's episodes apart: their numbers; a release without numbers (a
    special) is its own."""
    if row["episode_start"] is None:
        return (row["release_id"],)
    return row["season"], row["episode_start"], row["episode_end"]


@st.dialog("Release details", position="right", width="medium", on_dismiss=close_panel)
def _panel(row: dict | None, tz: str, credits: str, card: list[dict]) -> None:
    """The release's facts (its episodes and runtime those of the ``card``'s releases), and
    last the source they come from, with the attribution its terms ask for where its data is
    shown."""
    if row is None:
        st.info("This title is not in the catalog (it may have been filtered out or removed).")
        return
    st.subheader(escape_markdown(one_line(row["title"], 200)), anchor=False)
    facts = [row["service"], KIND_NAMES.get(row["kind"], row["kind"])]
    facts.append(row["region"] or "Worldwide")
    st.caption(" · ".join(escape_markdown(f, 60) for f in facts))
    show_poster(row, "panel", key="panel_poster")
    follow_button(row["title_id"], row["title"], key="follow_drawer", in_drawer=True)
    st.markdown(f"**{describe.RELEASE_TYPE_NAMES.get(row['release_type'], '')}**")
    lines = [
        ("When", describe.release_time(row, tz)),
        ("Episodes", describe.episodes(row if card == [row] else describe.gathered(card))),
        ("Runtime", describe.runtime(row) if card == [row] else describe.card_runtime(card)),
        ("Genres", describe.genres(row["genres"])),
        ("Status", row["status"].capitalize() if row["status"] != "confirmed" else ""),
    ]
    for label, value in lines:
        if value:
            st.markdown(f"**{label}:** {escape_markdown(value)}")
    if row["synopsis"]:
        st.markdown(escape_markdown(row["synopsis"], 1500))
    cast = describe.cast_lines(row["cast"])[:6]
    if cast:
        st.markdown("**Cast**")
        st.markdown("\n".join(f"- {escape_markdown(line, 120)}" for line in cast))
    crew = describe.crew_by_role(row["crew"])
    if crew:
        st.markdown("**Crew**")
        st.markdown(
            "\n".join(
                f"- {describe.ROLE_NAMES[role]}: {escape_markdown(', '.join(names), 200)}"
                for role, names in crew.items()
            )
        )
    links = describe.links(row)
    if links:
        st.markdown(" · ".join(links))
    st.page_link(
        "pages/title.py",
        label="Open the title page",
        icon=":material/movie:",
        query_params={TITLE: row["title_id"]},
    )
    st.caption(f"Source: {credits}")
