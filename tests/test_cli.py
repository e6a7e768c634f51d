"""The ``calendar-data`` command, run in-process through ``main`` and once as a real process."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from sample import REFERENCE, sample_rows

from calendar_data.catalog import SourceInfo, load_catalog, write_catalog
from calendar_data.cli import main

SCRIPT = Path(sys.executable).parent / "calendar-data"
EMBEDDED = Path(__file__).resolve().parents[1] / "data" / "catalog.parquet"
HEADER = "release_id,title_id,title,kind,release_type,service,status,release_date,source"
GOOD_ROWS = (
    "r1,t1,Demo: Harbor,movie,movie,Netflix,confirmed,2026-03-01,editorial sample\n"
    "r2,t2,Demo: Orchard,series,full_season,Max,tentative,2026-04-10,editorial sample\n"
)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.parquet"
    assert main(["--quiet", "demo", "--rows", "3000", "--seed", "5", "-o", str(path)]) == 0
    return path


# --------------------------------------------------------------------------- demo


def test_one_release_is_said_in_the_singular(capsys, tmp_path):
    code, out, _ = run(capsys, "demo", "--rows", 1, "-o", tmp_path / "one.parquet")
    assert (code, out) == (0, f"wrote 1 synthetic release to {tmp_path / 'one.parquet'}\n")
    code, out, _ = run(capsys, "partition", tmp_path / "one.parquet", "-o", tmp_path / "parts")
    assert code == 0 and out.startswith(f"wrote 1 release to {tmp_path / 'parts'}, ")


def test_demo_writes_a_valid_deterministic_catalog(capsys, tmp_path):
    code, out, err = run(capsys, "demo", "--rows", 500, "--seed", 2, "-o", tmp_path / "a.parquet")
    assert (code, err) == (0, "")
    assert out == f"wrote 500 synthetic releases to {tmp_path / 'a.parquet'}\n"
    run(capsys, "demo", "--rows", 500, "--seed", 2, "-o", tmp_path / "b.parquet")
    a, b = load_catalog(tmp_path / "a.parquet"), load_catalog(tmp_path / "b.parquet")
    assert a.table.equals(b.table)
    assert [s.name for s in a.sources] == ["synthetic demo"]


def test_demo_start_date(capsys, tmp_path):
    code, *_ = run(capsys, "demo", "--rows", 50, "--start", "2031-02-01", "-o", tmp_path / "a.pq")
    assert code == 0
    dates = load_catalog(tmp_path / "a.pq").table["release_date"].drop_null().to_pylist()
    assert min(dates).year == 2031


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--rows", "0", "-o", "x"], "0 is not at least 1"),
        (["demo", "--rows", "many", "-o", "x"], "'many' is not a whole number"),
        (["demo", "--rows", "5", "--start", "soon", "-o", "x"], "'soon' is not a date"),
        (
            ["export", "x", "--format", "csv", "-o", "y", "--from", "2023-W44-4"],
            "argument --from: '2023-W44-4' is not a date (YYYY-MM-DD)",
        ),
        (["demo", "--rows", "5", "--start", "20231102", "-o", "x"], "'20231102' is not a date"),
        (["demo", "--rows", "5"], "required: -o/--output"),
        (["demo", "--rows", "5", "--seed", "-1", "-o", "x"], "argument --seed: -1 is not at"),
        (
            ["export", "x", "--format", "csv", "-o", "y", "--to", "9999-12-31"],
            "argument --to: 9999-12-31 is outside 1900-01-01 to 2199-12-31",
        ),
        (["digest", "x", "-o", "y", "--week", "0001-01-01"], "--week: 0001-01-01 is outside"),
        (["export", "x", "--format", "pdf", "-o", "y"], "invalid choice: 'pdf'"),
        (
            ["export", "x", "--format", "csv", "-o", "y", "--tz", "Mars/Olympus"],
            "argument --tz: 'Mars/Olympus' is not a known time zone",
        ),
        (
            ["export", "x", "--format", "csv", "-o", "y", "--tz", "europe/paris"],
            "'europe/paris' is not a known time zone (did you mean 'Europe/Paris'?)",
        ),
        ([], "required: COMMAND"),
    ],
)
def test_bad_usage_exits_2(capsys, argv, message):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--rows", "10", "-o", "s3://releases/demo.parquet"],
        ["build", str(EMBEDDED), "-o", "s3://releases/built.parquet"],
        ["export", str(EMBEDDED), "--format", "csv", "-o", "s3://releases/x.csv"],
        ["digest", str(EMBEDDED), "--week", "2023-11-02", "-o", "S3://releases/w.md"],
        ["import", "tvmaze", "--start", "2025-03-05", "--days", "1", "-o", "s3://r/tv"],
        ["import", "tvmaze", "--start", "2025-03-05", "--days", "1", "--into", "gs://r/tv"],
    ],
)
def test_a_uri_to_write_is_a_usage_error(capsys, tmp_path, monkeypatch, argv):
    """Only partition writes to object storage; elsewhere a URI once became a local folder
    named ``s3:`` while the command said it wrote to the bucket."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "give a local path, not a URI (calendar-data partition writes" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_reader_that_stops_early_is_no_error(demo_catalog, monkeypatch, capsys):
    """``calendar-data info x | head -1``: the pipe closes before the output ends."""
    read, write = os.pipe()
    os.close(read)
    with open(write, "w", buffering=1) as pipe:
        monkeypatch.setattr(sys, "stdout", pipe)
        assert main(["info", str(demo_catalog)]) == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- validate and info


def test_validate_summarises_a_good_catalog(capsys, demo_catalog):
    code, out, err = run(capsys, "validate", demo_catalog)
    assert (code, err) == (0, "")
    assert out.startswith(f"{demo_catalog}: a valid catalog\n")
    assert "rows       3,000" in out
    assert "services   12: Netflix" in out
    assert "kinds" in out and "regions    worldwide" in out
    assert "warnings   none" in out
    assert "per service" not in out


def test_info_adds_per_service_counts_and_size(capsys, demo_catalog):
    code, out, _ = run(capsys, "info", demo_catalog)
    assert code == 0
    size_kb = demo_catalog.stat().st_size / 1024
    assert f"size       {size_kb:,.1f} KB" in out
    lines = out.splitlines()
    per_service = lines[lines.index("  per service") + 1 :]
    assert len(per_service) == 12
    counts = [int(line.split()[-1].replace(",", "")) for line in per_service]
    assert sum(counts) == 3000 and counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("command", ["info", "validate"])
def test_a_catalogs_text_cannot_steer_the_terminal(capsys, tmp_path, command):
    """Names, sources and the generation time come from the file: their control characters
    (colours, a window title, a forged line) are left out."""
    rows = [{**row, "service": "Net\x1b[31mflix\nFAKE: ok"} for row in sample_rows()]
    path = tmp_path / "hostile.parquet"
    sources = [SourceInfo("evil\x1b]0;TITLE\x07", attribution="a\nfake: line")]
    write_catalog(pa.Table.from_pylist(rows), path, sources, "\x1b[31mRED\x1b[0m\nfake: line")
    code, out, _ = run(capsys, command, path)
    assert code == 0
    assert not any(ch in out for ch in "\x1b\x07"), out
    assert not [line for line in out.splitlines() if line.lower().startswith(("fake", "  fake"))]
    assert "Net[31mflix FAKE: ok" in out


def test_info_on_a_folder_reports_the_total_size(capsys, tmp_path, demo_catalog):
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "part-0.parquet").write_bytes(demo_catalog.read_bytes())
    code, out, _ = run(capsys, "info", folder)
    assert code == 0 and f"{demo_catalog.stat().st_size / 1024:,.1f} KB" in out


def test_quiet_silences_summaries_before_or_after_the_command(capsys, demo_catalog):
    assert run(capsys, "--quiet", "validate", demo_catalog) == (0, "", "")
    assert run(capsys, "info", demo_catalog, "-q") == (0, "", "")


def test_errors_still_print_when_quiet(capsys, tmp_path):
    code, out, err = run(capsys, "-q", "validate", tmp_path / "missing.parquet")
    assert (code, out) == (1, "")
    assert err == f"error: {tmp_path / 'missing.parquet'}: no such file or folder\n"


def test_a_csv_renamed_parquet_is_refused(capsys, tmp_path):
    fake = tmp_path / "fake.parquet"
    fake.write_text(HEADER + "\n" + GOOD_ROWS)
    for command in ("validate", "info"):
        code, out, err = run(capsys, command, fake)
        assert (code, out) == (1, "")
        assert err.startswith(f"error: {fake}: ") and "Parquet" in err


# --------------------------------------------------------------------------- build


def test_build_prints_warnings_and_one_result_line(capsys, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text(HEADER + ",homepage_url\n" + GOOD_ROWS.replace("\n", ",ftp://x\n"))
    code, out, err = run(capsys, "build", source, "-o", tmp_path / "c.parquet")
    assert code == 0
    assert out == f"wrote 2 releases (editorial sample) to {tmp_path / 'c.parquet'}\n"
    assert err.startswith("warning: ") and "homepage_url" in err
    assert load_catalog(tmp_path / "c.parquet").num_rows == 2


def test_a_failed_build_names_the_line_and_leaves_the_output_untouched(capsys, tmp_path):
    good, bad, out = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "c.parquet"
    good.write_text(HEADER + "\n" + GOOD_ROWS)
    assert run(capsys, "-q", "build", good, "-o", out)[0] == 0
    before = out.read_bytes()
    bad.write_text(HEADER + "\n" + GOOD_ROWS.replace("2026-04-10", "2026-04-31"))
    code, stdout, err = run(capsys, "build", bad, "-o", out)
    assert (code, stdout) == (1, "")
    assert err.splitlines() == [
        f"error: {bad}: 1 problem(s)",
        "         line 3, column release_date: '2026-04-31' is not a date (YYYY-MM-DD)",
    ]
    assert out.read_bytes() == before


def test_build_of_a_missing_source_fails_cleanly(capsys, tmp_path):
    code, _, err = run(capsys, "build", tmp_path / "nope.csv", "-o", tmp_path / "c.parquet")
    assert code == 1 and err == f"error: {tmp_path / 'nope.csv'}: no such file\n"
    assert not (tmp_path / "c.parquet").exists()


def test_an_unwritable_output_is_an_error_not_a_traceback(capsys, tmp_path, demo_catalog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(capsys, "demo", "--rows", 10, "-o", blocker / "c.parquet")
    assert code == 1 and err.startswith("error: ")


# --------------------------------------------------------------------------- export


def test_export_csv_applies_the_filters(capsys, tmp_path, demo_catalog):
    out = tmp_path / "netflix.csv"
    code, stdout, err = run(
        capsys,
        "export", demo_catalog, "--format", "csv", "-o", out,
        "--service", "Netflix", "--service", "Max", "--kind", "movie",
        "--from", "2026-03-01", "--to", "2026-03-31",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert stdout.startswith("wrote ") and "Netflix · Max · movie · 2026-03" in stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows
    assert {r["service"] for r in rows} <= {"Netflix", "Max"}
    assert {r["kind"] for r in rows} == {"movie"}
    assert all("2026-03-01" <= r["release_date"] <= "2026-03-31" for r in rows)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_export_ics_names_the_calendar_after_the_filter(capsys, tmp_path, demo_catalog):
    out = tmp_path / "cal.ics"
    code, *_ = run(capsys, "export", demo_catalog, "--format", "ics", "-o", out, "--genre", "Drama")
    assert code == 0
    text = out.read_text("utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert "All services · Drama" in text


def test_export_warns_about_swapped_dates_and_empty_results(capsys, tmp_path, demo_catalog):
    out = tmp_path / "none.csv"
    code, _, err = run(
        capsys,
        "export", demo_catalog, "--format", "csv", "-o", out,
        "--from", "2026-02-01", "--to", "2026-01-01", "--query", "no such title anywhere",
    )  # fmt: skip
    assert code == 0
    assert "warning: The date range was backwards; its ends were swapped." in err
    assert "warning: no releases match these filters" in err
    assert out.exists()


def test_export_reads_its_days_in_the_zone_tz_names_as_the_export_links_do(capsys, tmp_path):
    """Ahsoka's finale landed at 01:00 UTC on 4 October 2023: still 3 October in Los Angeles."""
    embedded = Path(__file__).resolve().parents[1] / "data" / "catalog.parquet"
    day = ["--service", "Disney+", "--from", "2023-10-03", "--to", "2023-10-03"]

    def exported(*zone: str) -> set[str]:
        out = tmp_path / "day.csv"
        code, _, err = run(capsys, "export", embedded, "--format", "csv", "-o", out, *day, *zone)
        assert code == 0, err
        rows = csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))
        return {row["release_id"] for row in rows}

    assert exported("--tz", "America/Los_Angeles") == {"ahsoka-s1e8"}
    assert "ahsoka-s1e8" not in exported()  # UTC, as a link without tz
    assert exported() == exported("--tz", "UTC")


def test_export_finds_a_release_two_days_from_its_platforms_date(capsys, tmp_path):
    """23:30 on 30 November in Pago Pago (UTC-11) is 00:30 on 2 December in Kiritimati (UTC+14),
    as the export links say; the command read only a day either side of its dates."""
    path = tmp_path / "far.parquet"
    far = REFERENCE | {
        "release_date": dt.date(2023, 11, 30),
        "release_at": dt.datetime(2023, 12, 1, 10, 30, tzinfo=dt.UTC),
        "release_tz": "Pacific/Pago_Pago",
    }
    write_catalog(pa.Table.from_pylist([far]), path, [SourceInfo("synthetic test data")])
    out = tmp_path / "day.csv"
    day = ["--from", "2023-12-02", "--to", "2023-12-02", "--tz", "Pacific/Kiritimati"]
    code, _, err = run(capsys, "export", path, "--format", "csv", "-o", out, *day)
    assert code == 0, err
    rows = csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))
    assert [row["release_id"] for row in rows] == [REFERENCE["release_id"]]


def test_export_says_how_many_releases_it_wrote_in_words(capsys, tmp_path):
    embedded = Path(__file__).resolve().parents[1] / "data" / "catalog.parquet"
    one = ["--service", "Disney+", "--from", "2023-10-03", "--to", "2023-10-03"]
    argv = ["export", embedded, "--format", "csv", "-o", tmp_path / "x.csv"]
    assert run(capsys, *argv, *one, "--tz", "America/Los_Angeles")[1] == (
        f"wrote 1 release (Disney+ · 2023-10-03 to 2023-10-03) to {tmp_path / 'x.csv'}\n"
    )
    assert run(capsys, *argv, "--service", "Disney+")[1].startswith("wrote 37 releases (")


def test_export_of_a_bad_catalog_writes_nothing(capsys, tmp_path):
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet")
    code, _, err = run(capsys, "export", fake, "--format", "csv", "-o", tmp_path / "x.csv")
    assert code == 1 and err.startswith("error: ")
    assert not (tmp_path / "x.csv").exists()


def exported_ids(capsys, out: Path, *flags) -> list[str]:
    code, _, err = run(capsys, "export", EMBEDDED, "--format", "csv", "-o", out, *flags)
    assert (code, err) == (0, ""), err
    return [row["release_id"] for row in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))]


@pytest.mark.parametrize(
    ("flag", "typed", "named", "rows"),
    [
        ("--service", "netflix", "Netflix", 55),
        ("--genre", "drama", "All services · Drama", 121),
        ("--region", "gb", "All services · GB", 167),
    ],
)
def test_a_name_in_another_case_takes_the_catalogs_spelling(
    capsys, tmp_path, flag, typed, named, rows
):
    """As the dashboard and its export links read ?service=netflix."""
    out = tmp_path / "x.csv"
    spelled = named.split(" · ")[-1]
    assert len(exported_ids(capsys, out, flag, typed)) == rows
    assert exported_ids(capsys, out, flag, typed) == exported_ids(capsys, out, flag, spelled)
    code, stdout, _ = run(capsys, "export", EMBEDDED, "--format", "csv", "-o", out, flag, typed)
    assert (code, stdout) == (0, f"wrote {rows} releases ({named}) to {out}\n")


REFUSED = "error: filters refused: the dashboard would ignore part of them."


@pytest.mark.parametrize(
    ("flags", "refused"),
    [
        (
            ["--service", "Netflx"],
            "Ignored service 'Netflx': not in this catalog. Did you mean 'Netflix'?",
        ),
        (
            ["--region", "XX", "--genre", "Drama", "--genre", "Dramedy"],
            "Ignored genre 'Dramedy': not in this catalog. Did you mean 'Drama' or 'Comedy'? "
            "Ignored region 'XX': not in this catalog.",
        ),
    ],
)
@pytest.mark.parametrize(
    "command",
    [["export", "--format", "ics", "-o"], ["digest", "--week", "2023-11-01", "-o"], ["changes"]],
)
def test_a_name_the_catalog_lacks_is_refused_as_the_links_refuse_it(
    capsys, tmp_path, command, flags, refused
):
    name, *options = command
    out = [tmp_path / "out"] if options else []
    code, stdout, err = run(capsys, name, EMBEDDED, *options, *out, *flags)
    assert (code, stdout, err) == (1, "", f"{REFUSED} {refused}\n")
    assert os.listdir(tmp_path) == []


def test_a_backwards_range_is_still_swapped_with_a_warning(capsys, tmp_path):
    out = tmp_path / "x.csv"
    span = ["--service", "NETFLIX", "--from", "2023-11-30", "--to", "2023-11-01"]
    code, stdout, err = run(capsys, "export", EMBEDDED, "--format", "csv", "-o", out, *span)
    assert (code, err) == (0, "warning: The date range was backwards; its ends were swapped.\n")
    assert stdout == f"wrote 16 releases (Netflix · 2023-11) to {out}\n"


# --------------------------------------------------------------------------- -o


def same_file_spellings(tmp_path: Path, name: str) -> list[tuple[str, str]]:
    """(input, output) pairs naming one file: the same path, a relative path, a link."""
    (tmp_path / "link").symlink_to(name)
    return [(str(tmp_path / name), str(tmp_path / name)), (name, f"./{name}"), ("link", name)]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{input}", "--format", "csv", "-o", "{output}"],
        ["digest", "{input}", "--week", "2023-11-01", "-o", "{output}"],
        ["partition", "{input}", "-o", "{output}"],
        ["build", "{input}", "-o", "{output}"],
    ],
)
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(
    capsys, tmp_path, monkeypatch, command
):
    monkeypatch.chdir(tmp_path)
    name = "same.csv" if command[0] == "build" else "same.parquet"
    source = EMBEDDED.with_name("releases.csv") if command[0] == "build" else EMBEDDED
    (tmp_path / name).write_bytes(source.read_bytes())
    for given, output in same_file_spellings(tmp_path, name):
        argv = [arg.format(input=given, output=output) for arg in command]
        code, stdout, err = run(capsys, *argv)
        assert (code, stdout) == (1, "")
        assert err == f"error: -o {output} would overwrite the input {given}; choose another -o\n"
        assert (tmp_path / name).read_bytes() == source.read_bytes()
        assert sorted(os.listdir(tmp_path)) == ["link", name]


def test_an_output_through_a_link_writes_the_file_it_points_to(capsys, tmp_path):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old")
    link.symlink_to("real.csv")
    code, *_ = run(capsys, "export", EMBEDDED, "--format", "csv", "-o", link, "--service", "Max")
    assert code == 0
    assert link.is_symlink() and real.read_text("utf-8-sig").startswith('"release_id"')
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]


@pytest.mark.parametrize(
    ("make", "what"), [(os.mkfifo, "a FIFO (named pipe)"), (os.mkdir, "a folder")]
)
@pytest.mark.parametrize(
    "command",
    [
        ["export", EMBEDDED, "--format", "json", "-o"],
        ["digest", EMBEDDED, "--week", "2023-11-01", "-o"],
        ["build", EMBEDDED.with_name("releases.csv"), "-o"],
        ["demo", "--rows", "5", "-o"],
    ],
)
def test_an_output_that_is_not_a_regular_file_is_refused_by_name(
    capsys, tmp_path, command, make, what
):
    target = tmp_path / "out"
    make(target)
    code, stdout, err = run(capsys, *command, target)
    assert (code, stdout) == (1, "")
    assert err == f"error: {target}: {what}, not a regular file; nothing was written\n"
    assert os.listdir(tmp_path) == ["out"]


def test_a_write_that_fails_names_the_output_not_its_temporary(capsys, tmp_path, monkeypatch):
    """As a read-only folder refuses the temporary file, by its name."""
    out = tmp_path / "x.csv"

    def read_only_folder(prefix, suffix, dir):
        temporary = os.path.join(dir, f"{prefix}7wf4hu2_{suffix}")
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), temporary)

    monkeypatch.setattr(tempfile, "mkstemp", read_only_folder)
    code, _, err = run(capsys, "export", EMBEDDED, "--format", "csv", "-o", out)
    assert (code, err) == (1, f"error: {out}: Permission denied\n")


@pytest.mark.parametrize(
    ("command", "starts"),
    [
        (["export", "--format", "csv"], '\ufeff"release_id"'.encode()),
        (["export", "--format", "json"], b"[\n"),
        (["export", "--format", "ics"], b"BEGIN:VCALENDAR\r\n"),
        (["digest", "--week", "2023-11-01"], b"# Coming this week"),
    ],
)
def test_dash_writes_to_standard_output(capfdbinary, tmp_path, monkeypatch, command, starts):
    monkeypatch.chdir(tmp_path)
    name, *options = command
    code = main([name, str(EMBEDDED), *options, "-o", "-", "--service", "netflix"])
    out, err = capfdbinary.readouterr()
    assert code == 0 and out.startswith(starts)
    assert err.startswith(b"wrote ") and err.endswith(b" to standard output\n")
    written = tmp_path / "file"
    assert (
        main(["-q", name, str(EMBEDDED), *options, "-o", str(written), "--service", "netflix"]) == 0
    )
    assert out == written.read_bytes()
    assert os.listdir(tmp_path) == ["file"]


# --------------------------------------------------------------------------- import


def test_import_is_a_command_group(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["import", "--help"])
    assert caught.value.code == 0
    assert "usage: calendar-data import" in capsys.readouterr().out


# --------------------------------------------------------------------------- real process


def test_the_installed_script_runs_without_tracebacks(tmp_path):
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "calendar_data.cli"]
    out = tmp_path / "demo.parquet"
    made = subprocess.run(
        [*command, "demo", "--rows", "200", "-o", str(out)], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([*command, "validate", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0 and "rows       200" in checked.stdout
    missing = subprocess.run(
        [*command, "validate", str(tmp_path / "missing.parquet")], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr
