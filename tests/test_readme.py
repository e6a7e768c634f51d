"""The README's examples, run as a reader of a fresh clone would run them.

Every command of the README's ``sh`` blocks runs, in order, in one scratch folder holding a copy
of the repository's ``data/`` (``calendar-data`` in this process, anything else in bash), except
the ones that start the dashboard (``make ...``), reach the network (``calendar-data import``
and ``refresh``) or install system services (``sudo``, ``systemctl``). Each must exit 0
without a traceback; the ``#>`` lines after a command are what it prints (a command that
prints shows it): each must match its line, where ``#> ...`` stands for any number of lines,
a line ending in `` ...`` for any line starting with the text before it, and the instants a
build stamps (``2026-12-06 06:15 UTC``, ``2026-12-06T06:15:00.000000Z``) for any instant.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from calendar_data.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHOWN = "#>"
ANY_LINES = "..."
#: What a reader runs by hand but a test cannot: the dashboard, imports and refreshes over the
#: network, and installing system services.
NOT_RUN = re.compile(
    r"^(\S+=\S+ )*(make\b|sudo\b|systemctl\b|calendar-data( -q)? (import|refresh)\b)"
)
INSTANT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?Z)?")


@dataclass
class Example:
    command: str
    shown: list[str] = field(default_factory=list)

    @property
    def runs(self) -> bool:
        return not NOT_RUN.match(self.command)


def examples(text: str) -> list[Example]:
    """The commands of the ``sh`` blocks, continuation lines joined, with their ``#>`` lines."""
    found: list[Example] = []
    for block in BLOCK.findall(text):
        lines = iter(block.splitlines())
        for line in lines:
            while line.endswith("\\"):
                line = line[:-1] + next(lines).strip()
            if line.startswith(SHOWN):
                found[-1].shown.append(line[len(SHOWN) :].removeprefix(" "))
            elif line.strip() and not line.startswith("#"):
                found.append(Example(line.strip()))
    return found


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether ``printed`` is what ``shown`` shows (see the module's docstring)."""
    if not shown:
        return not printed
    first, rest = shown[0], shown[1:]
    if first == ANY_LINES:
        return any(matches(rest, printed[start:]) for start in range(len(printed) + 1))
    if not printed:
        return False
    line, wanted = INSTANT.sub("<instant>", printed[0]), INSTANT.sub("<instant>", first)
    if wanted.endswith(" " + ANY_LINES):
        same = line.startswith(wanted[: -len(ANY_LINES)].rstrip())
    else:
        same = line == wanted
    return same and matches(rest, printed[1:])


def test_the_parser_finds_commands_their_output_and_what_cannot_run():
    text = (
        "```sh\nmake run   # opens the dashboard\n```\n"
        "```sh\n# a comment\ncalendar-data export a \\\n    --service X\n#> wrote 1\n"
        "calendar-data import tvmaze --days 3\nCALENDAR_CATALOG=x make run\n```\n"
        "```cron\ncalendar-data -q import tvmaze\n```\n"
    )
    found = examples(text)
    assert [(e.command, e.shown, e.runs) for e in found] == [
        ("make run   # opens the dashboard", [], False),
        ("calendar-data export a --service X", ["wrote 1"], True),
        ("calendar-data import tvmaze --days 3", [], False),
        ("CALENDAR_CATALOG=x make run", [], False),
    ]
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "..."], ["a"]) and not matches(["a"], ["a", "b"])
    assert matches(["at 2026-12-06 06:15 UTC: {x ..."], ["at 2031-01-02 23:59 UTC: {x, y}"])
    assert not matches(["wrote 16 releases"], ["wrote 17 releases"])


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    """A scratch folder with what the examples read: the embedded catalog and its source."""
    folder = tmp_path_factory.mktemp("clone")
    shutil.copytree(ROOT / "data", folder / "data")
    return folder


def run(command: str, folder: Path, capsys) -> tuple[int, str]:
    """Exit code and output (stdout, then stderr) of ``command`` run in ``folder``:
    ``calendar-data`` in this process (as fast, and the same code), anything else in bash."""
    if command.startswith("calendar-data "):
        code = main(shlex.split(command, comments=True)[1:])
        out, err = capsys.readouterr()
        return code, out + err
    done = subprocess.run(
        ["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout + done.stderr


def test_every_readme_example_prints_what_it_shows(fresh_clone, monkeypatch, capsys):
    found = examples(README.read_text("utf-8"))
    runnable = [example for example in found if example.runs]
    assert len(runnable) >= 10, "the README's examples were not found"
    assert not [e.command for e in found if not e.runs and e.shown], "shown but not run"
    monkeypatch.chdir(fresh_clone)
    for example in runnable:
        code, said = run(example.command, fresh_clone, capsys)
        assert code == 0 and "Traceback" not in said, f"{example.command}\n{said}"
        assert example.shown or not said, f"{example.command} prints, and the README hides it"
        if example.shown:
            assert matches(example.shown, said.splitlines()), (
                f"{example.command}\nshows:\n" + "\n".join(example.shown) + f"\nprints:\n{said}"
            )
