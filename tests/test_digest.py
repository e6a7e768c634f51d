"""The weekly digest: grouping, marks, last week's date changes, escaping, the command."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pyarrow as pa
import pytest
from sample import REFERENCE, sample_rows

from calendar_data import changes, digest
from calendar_data.cli import main
from calendar_data.filters import ReleaseFilter
from calendar_data.schema import SCHEMA

#: A Wednesday: its week runs from Monday 2023-10-30 to Sunday 2023-11-05.
WEEK = dt.date(2023, 11, 1)
HOSTILE = "<img src=x onerror=alert(1)> [link](http://evil.test) *bold* & co"


def sample(rows=None) -> pa.Table:
    return pa.Table.from_pylist(rows or sample_rows(), schema=SCHEMA)


def moves(*recorded: tuple[dt.datetime, str]) -> pa.Table:
    """A change log holding REFERENCE's date moving, once per (time, service) given."""
    logs = []
    for at, service in recorded:
        rows = [dict(row) for row in sample_rows()]
        rows[0].update(release_date=dt.date(2023, 11, 3), release_at=None, service=service)
        old = sample([{**sample_rows()[0], "service": service}, *sample_rows()[1:]])
        logs.append(
            changes.diff_catalogs(
                old.select(changes.READ),
                sample(rows).select(changes.READ),
                changed_at=at,
                source="test",
            )
        )
    return pa.concat_tables(logs)


def test_the_week_runs_monday_to_sunday_and_groups_by_day_then_service():
    result = digest.build_digest(sample(), WEEK, ReleaseFilter())
    assert (result.start, result.end) == (dt.date(2023, 10, 30), dt.date(2023, 11, 5))
    days = [day for day, _ in result.days]
    assert days == [dt.date(2023, 11, d) for d in (2, 3, 4, 5)]
    thursday = dict(result.days[0][1])
    assert list(thursday) == ["Max", "Netflix"]
    (light,) = thursday["Netflix"]
    assert (light.title, light.mark, light.time) == (REFERENCE["title"], "Full drop", "07:00 UTC")
    assert result.counts() == "5 releases: 1 full drop"


def test_premieres_finales_and_full_drops_are_marked():
    rows = sample_rows()
    rows[1] = {**rows[1], "release_type": "series_premiere"}
    rows[2] = {**rows[2], "release_type": "season_finale", "status": "tentative"}
    result = digest.build_digest(sample(rows), WEEK, ReleaseFilter())
    marks = {r.title: r.mark for _, services in result.days for _, rs in services for r in rs}
    assert marks["Test Show 1"] == "Premiere" and marks["Test Show 2"] == "Finale"
    assert marks["Test Show 3"] == ""
    assert result.counts() == "5 releases: 1 premiere, 1 finale, 1 full drop"
    text = digest.to_markdown(result)
    assert "- Test Show 2 · S1 E2 · date tentative · **Finale**" in text


def test_the_filters_narrow_the_week():
    result = digest.build_digest(sample(), WEEK, ReleaseFilter(services=("Netflix",)))
    titles = [r.title for _, services in result.days for _, rs in services for r in rs]
    assert titles == [REFERENCE["title"], "Test Show 4"]
    assert result.scope == "Netflix"
    narrowed = ReleaseFilter(start=dt.date(2023, 11, 4))
    assert [d for d, _ in digest.build_digest(sample(), WEEK, narrowed).days] == [
        dt.date(2023, 11, 4),
        dt.date(2023, 11, 5),
    ]


def test_last_weeks_date_changes_close_the_digest():
    log = moves(
        (dt.datetime(2023, 10, 25, 6, tzinfo=dt.UTC), "Netflix"),  # the week before: listed
        (dt.datetime(2023, 10, 20, 6, tzinfo=dt.UTC), "Netflix"),  # two weeks before: not
        (dt.datetime(2023, 10, 31, 6, tzinfo=dt.UTC), "Netflix"),  # this week: not
        (dt.datetime(2023, 10, 26, 6, tzinfo=dt.UTC), "Hulu"),  # filtered out below
    )
    result = digest.build_digest(sample(), WEEK, ReleaseFilter(services=("Netflix",)), log)
    assert result.moves == (digest.Move(REFERENCE["title"], "Netflix", "2023-11-02", "2023-11-03"),)
    text = digest.to_markdown(result)
    assert "## Dates that changed last week" in text
    assert "- All the Light We Cannot See (Netflix): 2023-11-02 → 2023-11-03" in text


def test_an_empty_week_says_so():
    result = digest.build_digest(sample(), dt.date(2030, 1, 1), ReleaseFilter())
    assert "Nothing is scheduled this week" in digest.to_markdown(result)
    assert "Nothing is scheduled this week" in digest.to_html(result)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_every_catalog_string():
    rows = sample_rows()
    rows[0] = {**rows[0], "title": HOSTILE, "service": "<b>Netflix</b>"}
    page = digest.to_html(digest.build_digest(sample(rows), WEEK, ReleaseFilter()))
    parser = Tags()
    parser.feed(page)
    assert "img" not in parser.tags and "b" not in parser.tags
    assert HOSTILE in "".join(parser.text) and "<b>Netflix</b>" in "".join(parser.text)
    assert parser.tags[:4] == ["html", "head", "meta", "meta"]


def test_markdown_escapes_what_would_become_markup():
    rows = sample_rows()
    rows[0] = {**rows[0], "title": HOSTILE}
    rows[1] = {**rows[1], "title": "1984. The Sequel"}
    text = digest.to_markdown(digest.build_digest(sample(rows), WEEK, ReleaseFilter()))
    assert r"\<img src=x onerror=alert(1)\> \[link\](http://evil.test) \*bold\* \& co" in text
    assert r"- 1984\. The Sequel" in text


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize(("fmt", "marker"), [("md", "# Coming this week"), ("html", "<h1>")])
def test_the_digest_command_writes_the_file(catalog, tmp_path, capsys, fmt, marker):
    out = tmp_path / f"digest.{fmt}"
    argv = ["digest", str(catalog), "--week", "2023-11-01", "--format", fmt, "-o", str(out)]
    assert main([*argv, "--service", "Netflix"]) == 0
    text = out.read_text()
    assert text.count(marker) == 1 and REFERENCE["title"] in text and "Test Show 1" not in text
    assert "2 releases: 1 full drop" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([catalog.name, out.name])


def test_the_digest_lists_date_changes_from_the_catalogs_log(catalog, tmp_path, capsys):
    changes.append_changes(
        changes.change_log_path(catalog),
        moves((dt.datetime(2023, 10, 27, tzinfo=dt.UTC), "Netflix")),
    )
    out = tmp_path / "digest.md"
    assert main(["-q", "digest", str(catalog), "--week", "2023-10-30", "-o", str(out)]) == 0
    assert "(Netflix): 2023-11-02 → 2023-11-03" in out.read_text()


@pytest.mark.parametrize("week", ["2023-W44-4", "next week", "2023-11-31"])
def test_a_bad_week_is_a_usage_error_naming_it(catalog, tmp_path, capsys, week):
    with pytest.raises(SystemExit) as exit_:
        main(["digest", str(catalog), "--week", week, "-o", str(tmp_path / "d.md")])
    assert exit_.value.code == 2
    assert week in capsys.readouterr().err
    assert not (tmp_path / "d.md").exists()
