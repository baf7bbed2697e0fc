"""A folder of briefing files as one library: every command works on it as on one file, from
an index that a change to one file updates by validating that file alone."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import folder, store
from briefing.errors import BriefingError, FolderError
from briefing.index import IndexedLibrary, cache_dir, index_path, open_library
from briefing.library import MemoryLibrary
from tests.conftest import minimal, run_cli, write_json
from tests.test_folder import archive, briefing_file, line_of_id

__all__ = ["archive"]  # the fixture, shared with tests/test_folder.py


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files validated, as the folder's index validates them."""
    seen: list[str] = []
    real = store.validate

    def counting(text: str, source: str = "<string>") -> object:
        seen.append(source)
        return real(text, source)

    monkeypatch.setattr(store, "validate", counting)
    yield seen


def same_as_one_file(root: Path, tmp_path: Path) -> Path:
    """One file holding the folder's briefings, in the folder's order."""
    briefings = [b for path in folder.briefing_files(root) for b in
                 json.loads(path.read_text())["briefings"]]  # fmt: skip
    data = minimal()
    data["briefings"] = briefings
    return write_json(tmp_path / "one.json", data)


def ids(library: object) -> list[str]:
    assert isinstance(library, IndexedLibrary | MemoryLibrary)
    return library.ids()


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["list", "--sections", "c"],
        ["summary"],
        ["summary", "d", "--full"],
        ["summary", "--all", "--format", "json"],
        ["search", "Briefing"],
        ["search", "Briefing", "--format", "json"],
        ["changes", "b", "--format", "json"],
        ["b"],
    ],
)
def test_every_command_on_a_folder_as_on_one_file(
    archive: Path, tmp_path: Path, command: list[str]
) -> None:
    one = same_as_one_file(archive, tmp_path)
    on_folder = run_cli("--data", str(archive), *command)
    on_file = run_cli("--data", str(one), *command)
    assert on_folder.stderr == "" and on_folder.returncode == on_file.returncode
    assert on_folder.stdout == on_file.stdout
    again = run_cli("--data", str(archive), *command)  # from the index
    assert (again.stdout, again.stderr) == (on_folder.stdout, "")
    by_variable = run_cli(*command, env={"BRIEFING_DATA": str(archive)})
    assert by_variable.stdout == on_folder.stdout


def test_a_changed_file_is_the_only_one_validated_again(
    archive: Path, validated: list[str]
) -> None:
    assert ids(open_library(archive)) == ["a", "b", "c", "d"]
    assert len(validated) == 3
    validated.clear()
    assert ids(open_library(archive)) == ["a", "b", "c", "d"]
    assert validated == []  # nothing changed: nothing read
    edited = briefing_file(archive / "2024" / "12" / "01.json", "b", "c", "c2")
    library = open_library(archive)
    assert validated == [str(edited)]
    assert ids(library) == ["a", "b", "c", "c2", "d"]
    c2 = library.briefing("c2")
    assert c2 is not None and c2.title == "Briefing c2"


def test_files_added_removed_and_renamed_are_noticed(archive: Path, validated: list[str]) -> None:
    open_library(archive)
    validated.clear()
    added = briefing_file(archive / "2024" / "05.json", "early")
    (archive / "2024" / "11" / "19.json").unlink()
    library = open_library(archive)
    assert validated == [str(added)]
    assert ids(library) == ["early", "b", "c", "d"]
    assert library.briefing("a") is None
    validated.clear()
    moved = archive / "2026" / "01.json"
    moved.parent.mkdir()
    (archive / "2025" / "01.json").rename(moved)
    assert ids(open_library(archive)) == ["early", "b", "c", "d"]
    assert validated == [str(moved)]


def test_a_file_rewritten_within_the_same_second_is_seen_by_its_content(archive: Path) -> None:
    path = archive / "2025" / "01.json"
    assert open_library(archive).briefing("d") is not None
    info = path.stat()
    text = path.read_text()
    path.write_text(text.replace('"d"', '"x"'))  # the same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same time
    library = open_library(archive)  # within RACY_SECONDS: compared by content
    assert library.briefing("x") is not None and library.briefing("d") is None


def test_an_id_used_in_two_files_is_the_error_validate_gives(
    archive: Path, validated: list[str]
) -> None:
    open_library(archive)
    again = briefing_file(archive / "2025" / "02.json", "e", "b")
    with pytest.raises(FolderError) as raised:
        open_library(archive)
    first = archive / "2024" / "12" / "01.json"
    assert raised.value.lines() == [
        f"{again}:{line_of_id(again, 1)}:13: briefings[1].id: the id 'b' is already used by the "
        f"briefing at {first}:{line_of_id(first, 0)}:13: ids must be unique across the folder",
    ]
    assert raised.value.summary() == f"1 problem in 1 of 4 files in {archive}"
    result = run_cli("--data", str(archive), "list")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == run_cli("validate", str(archive)).stderr
    validated.clear()
    briefing_file(again, "e", "f")  # mended: the other files are not read again
    assert ids(open_library(archive)) == ["a", "b", "c", "d", "e", "f"]
    assert validated == [str(again)]


def test_a_broken_file_is_reported_and_the_rest_stays_indexed(
    archive: Path, validated: list[str]
) -> None:
    broken = archive / "2024" / "12" / "01.json"
    broken.write_text('{"schema_version": 1, "briefings": [}')
    with pytest.raises(FolderError) as raised:
        open_library(archive)
    assert raised.value.lines() == [f"{broken}:1:37: invalid JSON: Expecting value"]
    assert len(validated) == 3
    validated.clear()
    with pytest.raises(FolderError):
        open_library(archive)
    assert validated == [str(broken)]  # a broken file is checked each time, as a file always is
    validated.clear()
    briefing_file(broken, "b")
    assert ids(open_library(archive)) == ["a", "b", "d"]
    assert validated == [str(broken)]
    result = run_cli("--data", str(archive), "summary", "b")
    assert result.returncode == 0, result.stderr


def test_a_library_keeps_its_snapshot_while_the_index_is_updated(archive: Path) -> None:
    before = open_library(archive)
    assert isinstance(before, IndexedLibrary)
    briefing_file(archive / "2024" / "12" / "01.json", "b2")
    (archive / "2025" / "01.json").unlink()
    after = open_library(archive)  # updated in place, while `before` has it open
    assert ids(after) == ["a", "b2"]
    assert ids(before) == ["a", "b", "c", "d"]
    old = before.briefing("c")
    assert old is not None and old.title == "Briefing c"
    assert [b.id for b in before.briefings()] == ["a", "b", "c", "d"]
    assert [briefing.id for briefing, _ in before.search("Briefing d")] == ["d"]


def test_without_a_cache_the_folder_is_read_all_the_same(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    library = open_library(archive)
    assert isinstance(library, MemoryLibrary)
    assert ids(library) == ["a", "b", "c", "d"]
    briefing_file(archive / "2025" / "02.json", "a")
    with pytest.raises(FolderError):
        open_library(archive)


def test_a_damaged_folder_index_is_rebuilt(archive: Path) -> None:
    open_library(archive)
    cache = cache_dir()
    assert cache is not None
    index = index_path(archive, cache)
    db = sqlite3.connect(index)
    db.execute("UPDATE entries SET ord = 7 WHERE id = 'b'")
    db.commit()
    db.close()
    briefing_file(archive / "2025" / "02.json", "e")  # the walk changes: the index is looked at
    assert ids(open_library(archive)) == ["a", "b", "c", "d", "e"]
    index.write_bytes(b"not an index")
    assert ids(open_library(archive)) == ["a", "b", "c", "d", "e"]
    assert isinstance(open_library(archive), IndexedLibrary)


def test_an_empty_or_unreadable_folder_is_one_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("--data", str(empty), "list")
    assert result.returncode == 1
    assert result.stderr == f"{empty}: {folder.NO_FILES}\n"
    if os.geteuid() != 0:
        empty.chmod(0)
        result = run_cli("--data", str(empty), "list")
        empty.chmod(0o700)
        assert result.stderr.startswith(f"{empty}: cannot read the folder: ")


def test_the_first_look_at_a_folder_tells_its_progress(archive: Path) -> None:
    told: list[tuple[int, int]] = []
    open_library(archive, progress=lambda done, total: told.append((done, total)))
    assert told == [(0, 3), (1, 3), (2, 3), (3, 3)]
    told.clear()
    open_library(archive, progress=lambda done, total: told.append((done, total)))
    assert told == []  # nothing to do


# --- the index against the files, whatever is done to them ---------------------------------

_IDS = st.sampled_from(["a", "b", "c", "d", "e", "f"])
_NAMES = st.sampled_from(["2024/01.json", "2024/02.json", "2025/01.json", "2025/x/01.json",
                          "03.json"])  # fmt: skip
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), _NAMES, st.lists(_IDS, min_size=1, max_size=3, unique=True)),
        st.tuples(st.just("remove"), _NAMES, st.just([])),
        st.tuples(st.just("break"), _NAMES, st.just([])),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_STEPS)
def test_the_index_always_answers_as_validating_every_file_would(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, str, list[str]]]
) -> None:
    root = tmp_path_factory.mktemp("folder")
    briefing_file(root / "2024" / "01.json", "a")
    for action, name, wanted in steps:
        path = root / name
        if action == "write":
            briefing_file(path, *wanted)
        elif action == "remove":
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text('{"schema_version": 1}')
        expected = _from_every_file(root)
        assert _from_index(root) == expected
        assert _from_index(root) == expected  # and again, from the index as it is now


def _from_every_file(root: Path) -> object:
    try:
        document = folder.load(root)
    except BriefingError as error:
        return error.lines()
    return [(b.id, b.title) for b in document.briefings]


def _from_index(root: Path) -> object:
    try:
        library = open_library(root)
    except BriefingError as error:
        return error.lines()
    assert isinstance(library, IndexedLibrary)
    entries = [(entry.id, entry.title) for entry in library.entries]
    assert entries == [(b.id, b.title) for b in library.briefings()]
    assert library.newest_id() == MemoryLibrary(folder.load(root)).newest_id()
    return entries


def test_a_copied_folder_has_an_index_of_its_own(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    assert ids(open_library(archive)) == ids(open_library(copy))
    briefing_file(copy / "2025" / "02.json", "e")
    assert ids(open_library(archive)) == ["a", "b", "c", "d"]
    assert ids(open_library(copy)) == ["a", "b", "c", "d", "e"]
