"""The change log: comparing catalogs, recording on build and import, reading it back."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from route_client import get
from sample import REFERENCE, edited_sample_rows, sample_changes, sample_rows

# The fake TVmaze of the importer's tests, for one run of the real import command.
from test_tvmaze import NIGHT_DESK, serve_night_desk_a_day_later, server  # noqa: F401

from calendar_data import changes, exports
from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.cli import _recording_changes, main
from calendar_data.filters import ReleaseFilter
from calendar_data.schema import SCHEMA

LATER = dt.datetime(2023, 10, 8, 6, 0, tzinfo=dt.UTC)
REF = REFERENCE["release_id"]


def table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def diff(old_rows, new_rows) -> pa.Table:
    return sample_changes(old_rows, new_rows, changed_at=LATER)


def by_change(found: pa.Table) -> dict[tuple[str, str], dict]:
    return {(row["change"], row["release_id"]): row for row in found.to_pylist()}


# --------------------------------------------------------------------------- comparing


def test_each_kind_of_change_is_found_with_its_old_and_new_values():
    found = by_change(diff(sample_rows(), edited_sample_rows()))
    assert set(found) == {
        ("added", "test-new"),
        ("removed", "test-5"),
        ("date_moved", REF),
        ("status_changed", "test-2"),
        ("episodes_changed", "test-3"),
        ("episodes_changed", "test-4"),
    }
    moved = found[("date_moved", REF)]
    assert (moved["old_value"], moved["new_value"]) == ("2023-11-02", "2023-11-09")
    assert (moved["old_date"], moved["new_date"]) == (dt.date(2023, 11, 2), dt.date(2023, 11, 9))
    status = found[("status_changed", "test-2")]
    assert (status["old_value"], status["new_value"]) == ("confirmed", "tentative")
    episodes = found[("episodes_changed", "test-3")]
    assert (episodes["old_value"], episodes["new_value"]) == ("E3", "E3-E4 · 2 episodes")
    assert found[("episodes_changed", "test-4")]["new_value"] == "E4: Pilot"
    removed, added = found[("removed", "test-5")], found[("added", "test-new")]
    assert (removed["old_date"], removed["new_date"]) == (dt.date(2023, 11, 6), None)
    assert (added["old_date"], added["new_date"], added["title"]) == (
        None,
        dt.date(2023, 11, 7),
        "Test New Show",
    )


def test_change_rows_carry_when_what_and_the_release_columns():
    found = diff(sample_rows(), edited_sample_rows())
    assert found.schema == changes.CHANGE_SCHEMA
    row = by_change(found)[("date_moved", REF)]
    assert (row["changed_at"], row["source"]) == (LATER, "test")
    assert (row["title_id"], row["service"], row["kind"]) == (
        REFERENCE["title_id"],
        "Netflix",
        "limited_series",
    )
    assert {"name": "Mark Ruffalo", "character": "Daniel LeBlanc"} in row["cast"]


def test_the_same_catalog_has_no_changes():
    assert diff(sample_rows(), sample_rows()).num_rows == 0


def test_a_release_that_loses_its_date_moves_to_tba():
    rows = [dict(row) for row in sample_rows()]
    rows[0].update(release_date=None, release_at=None, status="tba")
    found = by_change(diff(sample_rows(), rows))
    assert found[("date_moved", REF)]["new_value"] == "tba"
    assert found[("status_changed", REF)]["new_value"] == "tba"
    # A view of the day it left hears of both: it moved out of that view, to tba.
    day = REFERENCE["release_date"]
    left = changes.select_changes(
        diff(sample_rows(), rows), release_filter=ReleaseFilter(start=day, end=day)
    )
    assert set(by_change(left)) >= {("date_moved", REF), ("status_changed", REF)}


def test_the_log_lies_beside_the_catalog():
    assert changes.change_log_path("data/catalog.parquet") == Path("data/catalog.changes.parquet")
    assert changes.change_log_path("data/by-month/") == Path("data/by-month.changes.parquet")


# --------------------------------------------------------------------------- recording


@pytest.fixture
def built(tmp_path, capsys) -> Path:
    """A catalog built from a JSON source, then rebuilt from an edited one."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_bytes(exports.to_json(table(sample_rows())))
    second.write_bytes(exports.to_json(table(edited_sample_rows())))
    target = tmp_path / "catalog.parquet"
    assert main(["-q", "build", str(first), "-o", str(target)]) == 0
    assert not changes.change_log_path(target).exists()  # a first build changes nothing
    assert main(["-q", "build", str(second), "-o", str(target)]) == 0
    assert capsys.readouterr().err == ""
    return target


def test_a_rebuild_appends_its_changes_to_the_log(built, tmp_path):
    found = changes.read_changes(changes.change_log_path(built))
    assert len(found) == 6
    assert set(found["source"].to_pylist()) == {f"build {tmp_path / 'second.json'}"}
    assert ("date_moved", REF) in by_change(found)


def test_a_ctrl_c_after_the_catalog_is_published_waits_for_its_log(built, tmp_path, monkeypatch):
    """The catalog is replaced first, then its changes logged: an interrupt in between would
    lose them for good (a rebuild finds nothing changed). It waits for the log."""
    compare = changes.diff_catalogs

    def interrupted_while_comparing(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return compare(*args, **kwargs)

    monkeypatch.setattr(changes, "diff_catalogs", interrupted_while_comparing)
    assert main(["-q", "build", str(tmp_path / "first.json"), "-o", str(built)]) == 130
    assert len(changes.read_changes(changes.change_log_path(built))) == 12  # 6 more


def test_an_unchanged_rebuild_appends_nothing(built, tmp_path):
    log = changes.change_log_path(built)
    before = log.read_bytes()
    assert main(["-q", "build", str(tmp_path / "second.json"), "-o", str(built)]) == 0
    assert log.read_bytes() == before


def test_changes_are_read_newest_first_and_filtered(built, tmp_path):
    log = changes.change_log_path(built)
    assert main(["-q", "build", str(tmp_path / "first.json"), "-o", str(built)]) == 0
    found = changes.read_changes(log)
    assert len(found) == 12
    stamps = found["changed_at"].to_pylist()
    assert stamps == sorted(stamps, reverse=True)
    assert found["source"][0].as_py().endswith("first.json")
    # The same filter as for releases: cast names, services, release days.
    ruffalo = changes.read_changes(log, release_filter=ReleaseFilter(query="ruffalo"))
    assert set(ruffalo["release_id"].to_pylist()) == {REF}
    hulu = changes.read_changes(log, release_filter=ReleaseFilter(services=("Hulu",)))
    assert set(hulu["service"].to_pylist()) == {"Hulu"}
    assert set(hulu["release_id"].to_pylist()) == {"test-2", "test-new"}
    history = changes.read_changes(log, title_id=REFERENCE["title_id"])
    assert history["change"].to_pylist() == ["date_moved", "date_moved"]
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert changes.read_changes(log, since=future).num_rows == 0


def test_a_release_moved_out_of_the_filters_dates_is_among_their_changes(built):
    """All the Light moved from 2 to 9 November (in the edited sample): a view of the days it
    left hears of it as well as one of the days it came to; one of neither does not."""
    log = changes.change_log_path(built)

    def moved(start: int, end: int, tz: str = "UTC") -> list[str]:
        dates = ReleaseFilter(start=dt.date(2023, 11, start), end=dt.date(2023, 11, end))
        found = changes.read_changes(log, release_filter=dates, tz=tz)
        return found.filter(pc.equal(found["change"], "date_moved"))["release_id"].to_pylist()

    assert moved(1, 5) == [REF]  # the days it left
    assert moved(6, 12) == [REF]  # the days it came to
    assert moved(20, 30) == []
    # Timed at 08:00 UTC, it left 1 November in Honolulu (22:00 the evening before).
    assert moved(1, 1, "Pacific/Honolulu") == [REF]
    assert moved(2, 2, "Pacific/Honolulu") == []


def test_since_is_a_day_in_the_zone_the_changes_are_shown_in():
    """The Changes page shows 03:25 on 7 December in Kiritimati for this change, so it is one
    of the changes since that day there (it was read as a UTC day, which had not begun)."""
    at = dt.datetime(2026, 12, 6, 13, 25, tzinfo=dt.UTC)
    row = {"changed_at": at, "release_id": "x", "title_id": "x", "change": "added"}
    log = pa.Table.from_pylist([row], schema=changes.CHANGE_SCHEMA)
    day = dt.date(2026, 12, 7)
    assert changes.select_changes(log, since=day, tz="Pacific/Kiritimati").num_rows == 1
    assert changes.select_changes(log, since=day).num_rows == 0  # a UTC day


def test_a_missing_log_reads_as_empty(tmp_path):
    found = changes.read_changes(tmp_path / "none.changes.parquet")
    assert found.num_rows == 0 and found.schema == changes.CHANGE_SCHEMA


def test_an_unreadable_log_is_kept_and_the_build_still_succeeds(built, tmp_path, capsys):
    log = changes.change_log_path(built)
    log.write_bytes(b"not parquet")
    code = main(["build", str(tmp_path / "first.json"), "-o", str(built)])
    _, err = capsys.readouterr()
    assert code == 0
    assert f"warning: {log}: change log not updated" in err and "Traceback" not in err
    assert log.read_bytes() == b"not parquet"
    assert load_catalog(built).table["release_id"].to_pylist().count("test-5") == 1
    with pytest.raises(changes.ChangeLogError, match="not a readable change log"):
        changes.read_changes(log)


def test_a_failing_comparison_never_stops_the_catalog_write(built, tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("comparison exploded")

    monkeypatch.setattr(changes, "diff_catalogs", broken)
    code = main(["build", str(tmp_path / "first.json"), "-o", str(built)])
    assert code == 0
    assert "change log not updated: comparison exploded" in capsys.readouterr().err
    assert "test-5" in load_catalog(built).table["release_id"].to_pylist()


def test_an_import_records_what_it_changed(tmp_path):
    target = tmp_path / "catalog.parquet"
    write_catalog(table(sample_rows()), target, [SourceInfo("synthetic test data")])

    def fake_import(args):  # stands in for an importer writing into --into
        write_catalog(table(edited_sample_rows()), args.into, [SourceInfo("synthetic test data")])
        return 0

    command = _recording_changes(fake_import, "import test")
    assert command(argparse.Namespace(into=str(target), out=None)) == 0
    found = changes.read_changes(changes.change_log_path(target))
    assert len(found) == 6 and set(found["source"].to_pylist()) == {"import test"}


def test_the_import_command_records_a_moved_release(server, tmp_path, capsys):  # noqa: F811
    catalog = tmp_path / "tvmaze.parquet"
    base = ["-q", "import", "tvmaze", "--start", "2025-03-06", "--base-url", server.url]
    assert main([*base, "--rate", "100", "--days", "1", "-o", str(catalog)]) == 0
    assert not changes.change_log_path(catalog).exists()
    serve_night_desk_a_day_later(server)
    assert main([*base, "--rate", "100", "--days", "2", "--into", str(catalog)]) == 0
    found = changes.read_changes(changes.change_log_path(catalog)).to_pylist()
    assert [(r["change"], r["release_id"], r["source"]) for r in found] == [
        ("date_moved", NIGHT_DESK, "import tvmaze")
    ]
    assert (found[0]["old_value"], found[0]["new_value"]) == ("2025-03-06", "2025-03-07")


def test_a_failed_import_records_nothing(tmp_path):
    target = tmp_path / "catalog.parquet"
    write_catalog(table(sample_rows()), target, [SourceInfo("synthetic test data")])
    command = _recording_changes(lambda args: 1, "import test")
    assert command(argparse.Namespace(into=None, out=str(target))) == 1
    assert not changes.change_log_path(target).exists()


@pytest.mark.parametrize("target", ["--into", "-o"])
def test_an_import_into_a_fifo_is_refused_before_anything_is_read(tmp_path, capsys, target):
    """Reading the catalog it replaces, to compare, would wait on the FIFO forever."""
    fifo = tmp_path / "catalog.parquet"
    os.mkfifo(fifo)
    assert main(["import", "tvmaze", "--days", "1", target, str(fifo)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {fifo}: a FIFO (named pipe), not a regular file; nothing was written\n",
    )
    assert os.listdir(tmp_path) == ["catalog.parquet"]


# --------------------------------------------------------------------------- the command


def test_the_changes_command_prints_one_line_per_change(built, capsys):
    assert main(["changes", str(built), "--since", "2000-01-01", "--query", "Ruffalo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert "Date moved: 2023-11-02 → 2023-11-09" in out[0]
    assert "All the Light We Cannot See — S1 E1-E4 · 4 episodes (Netflix)" in out[0]
    assert out[0].endswith("second.json]")


def test_the_changes_command_reads_a_service_in_any_case_as_the_dashboard_does(built, capsys):
    assert main(["changes", str(built), "--service", "Netflix"]) == 0
    netflix = capsys.readouterr().out
    assert "Date moved: 2023-11-02 → 2023-11-09" in netflix
    assert main(["changes", str(built), "--service", "netflix"]) == 0
    assert capsys.readouterr().out == netflix


def test_the_changes_command_refuses_a_service_the_catalog_lacks(built, capsys):
    assert main(["changes", str(built), "--service", "Netflx"]) == 1
    assert capsys.readouterr() == (
        "",
        "error: filters refused: the dashboard would ignore part of them. "
        "Ignored service 'Netflx': not in this catalog. Did you mean 'Netflix'?\n",
    )


@pytest.mark.parametrize(
    "command", [["export", "--format", "ics"], ["digest", "--week", "2023-11-01"]]
)
def test_an_export_or_digest_over_the_change_log_it_reads_is_refused(built, capsys, command):
    log = changes.change_log_path(built)
    before = log.read_bytes()
    name, *options = command
    assert main([name, str(built), *options, "-o", str(log)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: -o {log} would overwrite the input {log}; choose another -o\n",
    )
    assert log.read_bytes() == before


def test_the_changes_command_writes_json(built, capsys):
    assert main(["changes", str(built), "--format", "json", "--type", "full_drop"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["change"], r["release_id"], r["new_date"]) for r in records] == [
        ("date_moved", REF, "2023-11-09")
    ]


def test_a_service_whose_every_release_was_removed_is_still_heard_of(
    tmp_path, capsys, monkeypatch
):
    """The build that removes a service's last release: its changes, and its feed, still
    filter by it (the catalog no longer names it; the change log does)."""
    rows = sample_rows()
    gone = {row["release_id"] for row in rows if row["service"] == "Hulu"}
    assert gone
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_bytes(exports.to_json(table(rows)))
    second.write_bytes(exports.to_json(table([r for r in rows if r["service"] != "Hulu"])))
    catalog = tmp_path / "catalog.parquet"
    for source in (first, second):
        assert main(["-q", "build", str(source), "-o", str(catalog)]) == 0
    capsys.readouterr()

    assert main(["changes", str(catalog), "--service", "hulu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(gone) and all("Removed" in line for line in lines)
    assert main(["changes", str(catalog), "--service", "Nope"]) == 1  # still refused

    monkeypatch.setenv("CALENDAR_CATALOG", str(catalog))
    feed = get("/feed.atom?service=Hulu")
    assert feed.status_code == 200, feed.body
    assert feed.body.count(b"<entry>") == len(gone)
    assert get("/export.csv?service=Hulu").status_code == 400  # no release to export


def test_the_changes_command_says_when_none_match_its_filters(built, capsys):
    assert main(["changes", str(built), "--from", "2030-01-01"]) == 0
    assert capsys.readouterr().out == f"no changes match in {changes.change_log_path(built)}\n"


def test_the_changes_command_says_when_there_is_no_log(tmp_path, capsys):
    assert main(["changes", str(tmp_path / "catalog.parquet")]) == 0
    assert "no change log" in capsys.readouterr().out


@pytest.mark.parametrize("since", ["2023-W44-4", "yesterday", "2023-02-30"])
def test_a_bad_since_is_a_usage_error_naming_it(tmp_path, capsys, since):
    with pytest.raises(SystemExit) as exit_:
        main(["changes", str(tmp_path / "c.parquet"), "--since", since])
    assert exit_.value.code == 2
    assert since in capsys.readouterr().err
