"""A folder of briefing files: which files it holds, and ``briefing validate DIR``: every
problem of every file with its file, line and column, and the ids across the files."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import folder, progress
from tests.conftest import minimal, run_cli, write_json


def briefing_file(path: Path, *ids: str) -> Path:
    """A valid briefing file at ``path`` holding briefings of these ids."""
    data = minimal()
    base = data["briefings"][0]
    data["briefings"] = [base | {"id": ident, "title": f"Briefing {ident}"} for ident in ids]
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_json(path, data)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Two years of a newsroom's files, with what is not a briefing file beside them."""
    root = tmp_path / "news"
    briefing_file(root / "2024" / "11" / "19.json", "a")
    briefing_file(root / "2024" / "12" / "01.json", "b", "c")
    briefing_file(root / "2025" / "01.json", "d")
    (root / "2025" / "notes.txt").write_text("not a briefing")
    (root / ".git").mkdir()
    (root / ".git" / "config.json").write_text("hidden: skipped")
    (root / "2025" / ".draft.json").write_text("hidden: skipped")
    return root


def test_the_files_of_a_folder_in_order_hidden_ones_skipped(archive: Path) -> None:
    found = [path.relative_to(archive).as_posix() for path in folder.briefing_files(archive)]
    assert found == ["2024/11/19.json", "2024/12/01.json", "2025/01.json"]


def test_the_cache_a_link_back_up_and_a_fifo_are_no_briefing_files(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(archive / "cache"))
    briefing_file(archive / "cache" / "copy.json", "cached")
    (archive / "2025" / "loop").symlink_to(archive, target_is_directory=True)
    os.mkfifo(archive / "2025" / "pipe.json")
    (archive / "2025" / "link.json").symlink_to(archive / "2025" / "01.json")
    found = [path.relative_to(archive).as_posix() for path in folder.briefing_files(archive)]
    assert found == ["2024/11/19.json", "2024/12/01.json", "2025/01.json", "2025/link.json"]


def test_validate_a_folder_that_is_sound(archive: Path) -> None:
    result = run_cli("validate", str(archive))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"ok: 4 briefings in 3 files in {archive}\n"
    by_data = run_cli("--data", str(archive), "validate")
    assert by_data.stdout == result.stdout


def test_validate_reports_each_file_s_problems_with_its_place(archive: Path) -> None:
    broken = archive / "2025" / "02.json"
    broken.write_text('{"schema_version": 1, "briefings": [}')
    bad = archive / "2024" / "12" / "02.json"
    data: dict[str, Any] = minimal()
    data["briefings"][0]["title"] = 7
    write_json(bad, data)
    result = run_cli("validate", str(archive))
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:6:") and "briefings[0].title" in lines[0]
    assert lines[1] == f"{broken}:1:37: invalid JSON: Expecting value"
    assert lines[-1] == f"2 problems in 2 of 5 files in {archive}"
    assert "Traceback" not in result.stderr


def test_an_id_used_twice_in_the_folder_names_both_files_and_places(archive: Path) -> None:
    again = briefing_file(archive / "2025" / "02.json", "e", "b")
    result = run_cli("validate", str(archive))
    assert result.returncode == 1
    first = archive / "2024" / "12" / "01.json"
    assert result.stderr.splitlines() == [
        f"{again}:{line_of_id(again, 1)}:13: briefings[1].id: the id 'b' is already used by the "
        f"briefing at {first}:{line_of_id(first, 0)}:13: ids must be unique across the folder",
        f"1 problem in 1 of 4 files in {archive}",
    ]


def line_of_id(path: Path, index: int) -> int:
    """The line of the ``index``-th ``"id":`` key at the start of a briefing in an indented
    file."""
    lines = path.read_text().splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.startswith('      "id": ')]
    return starts[index]


def test_an_empty_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("validate", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path / 'empty'}: no briefing files in this folder or its " \
        "subfolders (*.json, not hidden)\n"  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.sampled_from("abcde"), min_size=1, max_size=4), min_size=1,
                max_size=5))  # fmt: skip
def test_every_repeat_of_an_id_is_reported_once_in_its_own_file(
    tmp_path_factory: pytest.TempPathFactory, files: list[list[str]]
) -> None:
    root = tmp_path_factory.mktemp("ids")
    paths = []
    for number, ids in enumerate(files):
        path = root / f"{number:02}.json"
        data = minimal()
        base = data["briefings"][0]
        data["briefings"] = [base | {"id": ident} for ident in ids]
        path.write_text(json.dumps(data, indent=2))
        paths.append(path)
    checked = folder.check(root)
    seen: set[str] = set()
    expected: list[tuple[str, str]] = []
    for path, ids in zip(paths, files, strict=True):
        in_file: set[str] = set()
        for ident in ids:
            if ident in in_file:  # the file's own check reports it (and the file fails)
                break
            in_file.add(ident)
        else:
            expected += [(str(path), f"briefings[{i}].id") for i, x in enumerate(ids) if x in seen]
            seen |= in_file
    found = [(error.source, problem.field) for error in checked.errors for problem in
             error.problems if problem.message.startswith("the id")]  # fmt: skip
    assert found == expected
    assert checked.files == len(files)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_once_the_work_is_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "_EVERY", 0.0)
    stream = Terminal()
    shown = progress.Progress("validating", "files", stream)
    shown(1, 10_000)
    shown(2_500, 10_000)
    shown.close()
    assert stream.getvalue().split("\r")[1:] == [
        "validating 1 of 10,000 files",
        "validating 2,500 of 10,000 files",
        " " * 32,
        "",
    ]
    quiet = io.StringIO()  # a pipe: nothing at all
    piped = progress.Progress("validating", "files", quiet)
    piped(1, 2)
    piped.close()
    assert quiet.getvalue() == ""


def test_progress_says_nothing_of_short_work() -> None:
    stream = Terminal()
    shown = progress.Progress("validating", "files", stream)
    shown(1, 2)
    shown.close()
    assert stream.getvalue() == ""


def test_progress_told_once_still_shows_when_the_work_is_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setattr(progress, "DELAY", 0.05)
    stream = Terminal()
    shown = progress.Progress("indexing", "files", stream)
    shown(0, 1)  # one large file: nothing more is told until it is done
    assert stream.getvalue() == ""
    deadline = time.monotonic() + 5
    while not stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "\rindexing 0 of 1 files"
    shown.close()
    assert stream.getvalue().endswith("\r" + " " * 21 + "\r")
    quick = Terminal()
    done = progress.Progress("indexing", "files", quick)
    done(0, 1)
    done.close()  # over before the delay: the timer draws nothing
    time.sleep(0.1)
    assert quick.getvalue() == ""
