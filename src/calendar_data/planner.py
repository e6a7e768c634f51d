"""What the Planner page charts: the slate per service and week, season spans and clashes.

Pure functions: an Arrow table of the filtered rows and their local days in, small pandas
frames out, so a million-row catalog is aggregated here and never shipped to the browser.
Rows without a day (tba) are left out everywhere. Weeks start on Monday, as in the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .days import chunked_days, parse_date
from .params import FROM, SERVICE, TO
from .text import counted, one_line

METRICS = {"Releases": "releases", "Runtime hours": "runtime_hours"}
#: Release types that put a whole new show or season in front of viewers at once.
DROPS = ("series_premiere", "season_premiere", "full_season")
#: Titles named per clash; the rest are counted ("and 9 more").
TITLES_LISTED = 12
WEEK = dt.timedelta(days=7)

Days = pa.Array | pa.ChunkedArray


def weekly_load(table: pa.Table, days: Days) -> pd.DataFrame:
    """Releases, runtime hours and the releases whose runtime is known (``with_runtime``) per
    service and week (only weeks with releases).

    Runtime hours count every episode of a release: ``runtime_minutes * episode_count / 60``,
    with a missing episode count taken as one and a missing runtime as nothing.
    """
    dated = _dated(table, days, ["service", "runtime_minutes", "episode_count"])
    episodes = pc.coalesce(dated["episode_count"].cast(pa.int64()), 1)
    minutes = pc.multiply(dated["runtime_minutes"].cast(pa.int64()), episodes)
    per_row = pa.table(
        {
            "service": dated["service"],
            "week_start": _week_start(dated["day"]),
            "hours": pc.divide(minutes.cast(pa.float64()), 60.0),
        }
    )
    grouped = per_row.group_by(["service", "week_start"]).aggregate(
        [([], "count_all"), ("hours", "sum"), ("hours", "count")]
    )
    frame = grouped.to_pandas().rename(
        columns={
            "count_all": "releases",
            "hours_sum": "runtime_hours",
            "hours_count": "with_runtime",
        }
    )
    frame["runtime_hours"] = frame["runtime_hours"].fillna(0.0)
    frame = frame[["service", "week_start", "releases", "runtime_hours", "with_runtime"]]
    return frame.sort_values(["service", "week_start"], ignore_index=True)


def runtime_coverage(load: pd.DataFrame) -> str:
    """How many of the releases counted in ``load`` have a known runtime: the others add no
    hours, which a chart of hours cannot show."""
    known, releases = int(load["with_runtime"].sum()), int(load["releases"].sum())
    if known == releases:
        return f"Every release here has a known runtime ({releases:,})."
    return (
        f"Runtime known for {known:,} of {counted(releases, 'release')}: the others add no hours."
    )


def week_grid(load: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``metric`` as a services x weeks table: every week from the first to the last, zeros
    where a service has nothing, busiest service first."""
    if load.empty:
        return pd.DataFrame(dtype=float)
    weeks = mondays(load["week_start"].min(), load["week_start"].max())
    grid = load.pivot_table(
        index="service", columns="week_start", values=metric, aggfunc="sum", fill_value=0
    )
    grid = grid.reindex(columns=weeks, fill_value=0)
    order = grid.sum(axis=1).sort_values(ascending=False, kind="stable").index
    return grid.loc[order]


def season_spans(table: pa.Table, days: Days) -> pd.DataFrame:
    """Each season of a show on a service, from its first to its last day in ``table``.

    Movies are left out; a show without season numbers is one span. Sorted by start, title.
    """
    dated = _dated(table, days, ["title_id", "title", "service", "season", "release_type"])
    shows = dated.filter(pc.not_equal(dated["release_type"], "movie"))
    shows = shows.append_column("row", pa.array(np.arange(shows.num_rows)))
    grouped = shows.group_by(["title_id", "service", "season"]).aggregate(
        [("row", "min"), ("day", "min"), ("day", "max"), ([], "count_all")]
    )
    # A show's title is taken from its first row: cheaper than aggregating strings.
    grouped = grouped.append_column("title", shows["title"].take(grouped["row_min"]))
    frame = grouped.to_pandas().rename(
        columns={"day_min": "start", "day_max": "end", "count_all": "releases"}
    )
    frame["season"] = frame["season"].astype("Int64")
    frame = frame[["title_id", "title", "service", "season", "start", "end", "releases"]]
    return frame.sort_values(["start", "title", "season"], ignore_index=True)


def busiest(spans: pd.DataFrame, limit: int = 40) -> pd.DataFrame:
    """The spans of the ``limit`` series with the most releases, in the order of ``spans``."""
    totals = spans.groupby("title_id", sort=False)["releases"].sum()
    kept = totals.sort_values(ascending=False, kind="stable").index[:limit]
    return spans[spans["title_id"].isin(kept)].reset_index(drop=True)


def clashes(
    table: pa.Table,
    days: Days,
    per_day: int = 2,
    per_week: int = 3,
    include_movies: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Days and weeks where at least ``per_day`` / ``per_week`` premieres or full drops land.

    A title counts once per service however many regions it lands in. Each table holds the
    date (``day`` or ``week_start``), ``count``, ``services`` and ``titles`` (``Title
    (Service)``), busiest first, then earliest.
    """
    wanted = list(DROPS) + (["movie"] if include_movies else [])
    dated = _dated(table, days, ["title_id", "title", "service", "release_type"])
    drops = dated.filter(pc.is_in(dated["release_type"], pa.array(wanted)))
    frame = pd.DataFrame(
        {
            "title_id": drops["title_id"].to_pandas(),
            "title": drops["title"].to_pandas(),
            "service": drops["service"].to_pandas(),
            "day": drops["day"].to_pandas(),
            "week_start": _week_start(drops["day"]).to_pandas(),
        }
    )
    return _crowded(frame, "day", per_day), _crowded(frame, "week_start", per_week)


def narrowing(points: Sequence[Mapping]) -> dict:
    """Sidebar state that narrows the view to a clicked chart point.

    The charts give each point ``customdata = [service, first day, last day]`` (ISO dates);
    the result sets the ``service`` filter to that service and ``from``/``to`` to those days.
    No point, or a point without that data, changes nothing.
    """
    for point in points:
        data = point.get("customdata")
        if not isinstance(data, Sequence) or isinstance(data, str) or len(data) < 3:
            continue
        service, first, last = data[0], _date(data[1]), _date(data[2])
        if isinstance(service, str) and service and first and last:
            return {SERVICE: [service], FROM: min(first, last), TO: max(first, last)}
    return {}


def _dated(table: pa.Table, days: Days, columns: list[str]) -> pa.Table:
    """``columns`` of the rows that have a day, categories as plain text, plus ``day``."""
    chosen = table.select(columns)
    plain = [
        chosen[name].cast(pa.string())
        if pa.types.is_dictionary(chosen[name].type)
        else chosen[name]
        for name in columns
    ]
    with_days = pa.table([*plain, chunked_days(days)], names=[*columns, "day"])
    return with_days.filter(pc.is_valid(with_days["day"]))


def _week_start(days: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.floor_temporal(days, unit="week", week_starts_monday=True)


def mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every week's Monday from ``first`` to ``last`` (both Mondays)."""
    return [first + WEEK * i for i in range((last - first) // WEEK + 1)]


def _crowded(frame: pd.DataFrame, by: str, threshold: int) -> pd.DataFrame:
    entries = frame.drop_duplicates([by, "title_id", "service"])
    counts = entries.groupby(by).size()
    counts = counts[counts >= threshold]
    entries = entries[entries[by].isin(counts.index)].sort_values([by, "title", "service"])
    services = entries.groupby(by)["service"].agg(lambda names: ", ".join(sorted(set(names))))
    shown = entries.groupby(by).head(TITLES_LISTED)
    labels = [
        f"{one_line(title, 80)} ({one_line(service, 40)})"
        for title, service in zip(shown["title"], shown["service"], strict=True)
    ]
    titles = shown.assign(entry=labels).groupby(by)["entry"].agg("; ".join)
    hidden = (counts - TITLES_LISTED).clip(lower=0)
    titles = titles + hidden.map(lambda n: f"; and {n} more" if n else "")
    crowded = pd.DataFrame(
        {"count": counts.astype("int64"), "services": services, "titles": titles}
    )
    crowded = crowded.rename_axis(by).reset_index()
    return crowded.sort_values(["count", by], ascending=[False, True], ignore_index=True)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return parse_date(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None
