"""The index under attack (issue 13): a file that vanishes while it is indexed, a cache folder
that cannot be searched, rows that do not decode or were tampered with, bytes that are not
UTF-8, a cache shared with other users, and a cache that must not grow for ever."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import index, store
from briefing.app import make_app
from briefing.errors import BriefingError
from briefing.files import NO_SUCH_FILE
from briefing.index import IndexedLibrary, index_path, open_library
from briefing.library import Library, MemoryLibrary
from briefing.summary import Options, render
from tests.conftest import BUNDLED, ROOT, minimal, multi_document, run_cli, write_json
from tests.helpers import wait_until
from tests.test_index import briefing_row as row
from tests.test_index import set_briefing_row as set_row
from tests.test_index import sql

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What must never reach standard output from a file or a cache: C0 (but tab and newline),
DEL and C1: ESC, BEL and the CSI/OSC introducers among them."""

EVIL = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m"
"""OSC 52 (set the clipboard), OSC 0 (set the window title), CSI 2J (clear the screen), C1 CSI."""

SIZE = (100, 30)


@pytest.fixture
def cache() -> Path:
    """The cache folder every test's commands use (inside the test's own home)."""
    folder = index.cache_dir()
    assert folder is not None
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A file of three briefings, the last two published on the same, newest day."""
    return write_json(tmp_path / "b.json", multi_document())


def indexed(path: Path) -> Path:
    """Index the file afresh by running a command, as a user would; the index's path."""
    folder = index.cache_dir()
    assert folder is not None
    db_path = index_path(path, folder)
    db_path.unlink(missing_ok=True)  # a damage a command did not read is still there
    result = run_cli("--data", str(path), "list")
    assert result.returncode == 0, result.stderr
    assert db_path.is_file()
    return db_path


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """A run that went well: exit 0, nothing on standard error, nothing raw on the output."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not CONTROLS.search(result.stdout), repr(result.stdout)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr


COMMANDS = [
    ["list"],
    ["list", "--sections"],
    ["summary"],
    ["summary", "--full"],
    ["summary", "older"],
    ["summary", "--all", "--format", "json"],
    ["summary", "--format", "json"],
    ["search", "briefing"],
    ["search", "Words", "--format", "json"],
    ["newest-second"],
]
"""Every command that reads the index, in the forms that read different rows."""


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each command prints when it reads the file itself, without a cache (the same for
    every copy of the file: no command prints its path)."""
    path = write_json(tmp_path_factory.mktemp("expected") / "b.json", multi_document())
    outputs = {}
    for command in COMMANDS:
        result = run_cli("--data", str(path), *command, env={index.CACHE_ENV: "off"})
        assert result.returncode == 0, result.stderr
        outputs[" ".join(command)] = result.stdout
    return outputs


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line run in this process (the exit code, stdout, stderr): as a subprocess
    would, only faster, for the tests that run hundreds of commands."""
    from briefing.cli import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. the file deleted while it is being indexed ----------------------------------------


def _run_with(patch: str, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, in a subprocess, with ``patch`` (Python) run first: to make a race
    happen at the one moment that matters."""
    program = (
        "import os, sys\n"
        "from pathlib import Path\n"
        f"PATH = {str(path)!r}\n"
        f"{patch}\n"
        "from briefing.cli import main\n"
        f"sys.exit(main(['--data', PATH, *{list(args)!r}]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


DELETED_AFTER_READING = """
from briefing import store
validate = store.validate_located
def deleting(*args, **kwargs):
    os.unlink(PATH)  # an editor's save: unlink, then write (here: not yet)
    return validate(*args, **kwargs)
store.validate_located = deleting
"""

DELETED_BEFORE_READING = """
from briefing import index
opening = index.IndexedLibrary.open
def deleting(*args, **kwargs):
    found = opening(*args, **kwargs)
    os.unlink(PATH)
    return found
index.IndexedLibrary.open = deleting
"""


def test_a_file_deleted_after_it_was_read_is_shown_from_memory(data: Path, cache: Path) -> None:
    result = _run_with(DELETED_AFTER_READING, data, "list")
    assert_clean(result)
    assert "Newest, first in the file" in result.stdout
    assert not list(cache.glob("index-*"))  # nothing indexed of a file that was not there


def test_a_file_deleted_before_it_was_read_is_no_such_file(data: Path) -> None:
    for command in (["list"], ["summary"], ["search", "x"]):
        result = _run_with(DELETED_BEFORE_READING, data, *command)
        assert result.returncode == 1
        assert result.stderr == f"{data}: {NO_SUCH_FILE}\n"
        assert result.stdout == ""


async def test_the_reader_survives_a_file_deleted_while_it_reloads(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import notifications

    app = make_app(open_library(data), loader=lambda: open_library(data))
    messages = notifications(app)
    validate = store.validate_located

    def deleting(*args: Any, **kwargs: Any) -> Any:
        data.unlink(missing_ok=True)
        return validate(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        edited = multi_document()
        edited["briefings"][1]["title"] = "Saved by the editor"
        edited["schema_version"] = 1.1  # the file is validated whole (not patched)
        write_json(data, edited)
        monkeypatch.setattr(store, "validate_located", deleting)
        await pilot.press("r")
        await wait_until(pilot, lambda: "Reloaded 3 briefings." in messages)
        assert app.reader.briefing.title == "Saved by the editor"  # as read, before the unlink
        monkeypatch.undo()
        opening = IndexedLibrary.open

        def gone(*args: Any, **kwargs: Any) -> IndexedLibrary | None:
            found = opening(*args, **kwargs)
            data.unlink(missing_ok=True)
            return found

        write_json(data, multi_document())
        monkeypatch.setattr(IndexedLibrary, "open", gone)
        await pilot.press("r")
        await wait_until(pilot, lambda: any(NO_SUCH_FILE in m for m in messages))
        assert app.is_running
        assert app.reader.briefing.title == "Saved by the editor"  # the last good version


# --- 2. a cache folder that cannot be searched, an index that cannot be read --------------


def _without_root_powers() -> list[str]:
    """A prefix under which permission bits hold: root passes them unless it gives up the
    capabilities that override them (the tests run as root in some containers)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions would not hold")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _run_unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "BRIEFING_DATA"}
    return subprocess.run(
        [*_without_root_powers(), sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def restore_modes() -> Iterator[list[Path]]:
    """Paths whose mode a test changes: made readable again afterwards, for the clean-up."""
    changed: list[Path] = []
    yield changed
    for path in changed:
        path.chmod(0o700)


@pytest.mark.parametrize(
    ("mode", "built"),
    [(0o600, True), (0o000, True), (0o300, True), (0o600, False), (0o000, False)],
    ids=["rw-with-index", "none-with-index", "wx-with-index", "rw-empty", "none-empty"],
)
def test_a_cache_folder_that_cannot_be_searched_is_passed_by(
    data: Path, cache: Path, mode: int, built: bool, expected: dict[str, str]
) -> None:
    if built:
        indexed(data)
    cache.chmod(mode)
    try:
        for command in (["list"], ["summary", "older"], ["search", "briefing"], ["summary"]):
            result = _run_unprivileged("--data", str(data), *command)
            assert_clean(result)
            assert result.stdout == expected[" ".join(command)], command
    finally:
        cache.chmod(0o700)


def test_an_index_that_cannot_be_read_is_rebuilt(
    data: Path, cache: Path, restore_modes: list[Path]
) -> None:
    db_path = indexed(data)
    db_path.chmod(0)
    restore_modes.append(db_path)
    result = _run_unprivileged("--data", str(data), "list")
    assert_clean(result)
    assert "Newest, first in the file" in result.stdout
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600  # a new one, renamed over it


# --- 3. rows that do not decode --------------------------------------------------------------


def _flip_a_bit(db_path: Path) -> None:
    blob = bytearray(zlib.compress(json.dumps(row(db_path, 1)).encode()))
    blob[len(blob) // 2] ^= 0x10
    sql(db_path, "UPDATE briefings SET json = ? WHERE pos = 1", bytes(blob))


DAMAGES: dict[str, Callable[[Path], None]] = {
    "published-not-a-date": lambda db: sql(db, "UPDATE entries SET published = '2024-13-45'"),
    "published-not-a-day": lambda db: sql(db, "UPDATE entries SET published = '2024-02-30'"),
    "published-year-zero": lambda db: sql(db, "UPDATE entries SET published = '0000-01-01'"),
    "published-a-number": lambda db: sql(db, "UPDATE entries SET published = 20241201"),
    "title-a-blob": lambda db: sql(db, "UPDATE entries SET title = x'41' WHERE pos = 1"),
    "title-not-utf8": lambda db: sql(db, "UPDATE entries SET title = CAST(x'ff41' AS TEXT)"),
    "sections-text": lambda db: sql(db, "UPDATE entries SET sections = 'two'"),
    "newest-not-newest": lambda db: sql(db, "UPDATE meta SET value = 'older' WHERE key='newest'"),
    "newest-second-of-a-tie": lambda db: sql(
        db, "UPDATE meta SET value = 'newest-second' WHERE key = 'newest'"
    ),
    "newest-missing": lambda db: sql(db, "UPDATE meta SET value = 'gone' WHERE key = 'newest'"),
    "newest-a-number": lambda db: sql(db, "UPDATE meta SET value = 7 WHERE key = 'newest'"),
    "count-too-high": lambda db: sql(db, "UPDATE meta SET value = 4 WHERE key = 'count'"),
    "count-text": lambda db: sql(db, "UPDATE meta SET value = '3' WHERE key = 'count'"),
    "entry-missing": lambda db: sql(db, "DELETE FROM entries WHERE pos = 2"),
    "briefing-row-missing": lambda db: sql(db, "DELETE FROM briefings WHERE pos = 1"),
    "last-briefing-row-missing": lambda db: sql(db, "DELETE FROM briefings WHERE pos = 2"),
    "row-not-compressed": lambda db: sql(db, "UPDATE briefings SET json = '{\"id\": 3}'"),
    "row-bit-flipped": _flip_a_bit,
    "row-not-json": lambda db: sql(db, "UPDATE briefings SET json = ?", zlib.compress(b"{")),
    "row-a-list": lambda db: set_row(db, [1, 2], pos=1),
    "row-title-a-number": lambda db: set_row(db, {**row(db, 1), "title": 5}, pos=1),
    "row-sections-a-text": lambda db: set_row(db, {**row(db, 1), "sections": "x"}, pos=1),
    "row-section-title-a-list": lambda db: set_row(
        db, {**row(db, 1), "sections": [{**row(db, 1)["sections"][0], "title": ["x"]}]}, pos=1
    ),
    "row-fact-status-unknown": lambda db: set_row(
        db, {**row(db, 1), "key_facts": [{**row(db, 1)["key_facts"][0], "status": "lie"}]}, pos=1
    ),
    "row-published-not-a-date": lambda db: set_row(db, {**row(db, 1), "published": "x"}, pos=1),
    "row-nested-deeply": lambda db: sql(
        db, "UPDATE briefings SET json = ?", zlib.compress(b"[" * 100_000 + b"]" * 100_000)
    ),
}

PLACES_DAMAGES = {  # only the reader's picker reads them (found_in)
    "not-json": "nonsense",
    "wrong-shape": '[["a", 1]]',
    "a-number": "[[100000, 5]]",
    "too-short": '[[1, "Title"]]',
    "not-a-list": "{}",
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_row_that_does_not_decode_falls_back_to_the_file(
    data: Path,
    damage: Callable[[Path], None],
    expected: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = index.cache_dir()
    assert folder is not None
    db_path = index_path(data, folder)
    for command in COMMANDS:
        db_path.unlink(missing_ok=True)  # a damage the last command did not read is still there
        assert in_process(capsys, "--data", str(data), "list")[0] == 0
        damage(db_path)
        code, out, err = in_process(capsys, "--data", str(data), *command)
        assert (code, err) == (0, ""), command
        assert out == expected[" ".join(command)], command


@pytest.mark.parametrize("damage", ["published-not-a-date", "newest-missing", "row-title-a-number"])
def test_a_command_on_a_damaged_index_goes_on(
    data: Path, damage: str, expected: dict[str, str]
) -> None:
    for command in (["list"], ["summary", "--format", "json"], ["search", "briefing"]):
        db_path = indexed(data)
        DAMAGES[damage](db_path)
        result = run_cli("--data", str(data), *command)
        no_traceback(result)
        assert_clean(result)
        assert result.stdout == expected[" ".join(command)], command


@pytest.mark.parametrize(
    "damage",
    [DAMAGES["row-title-a-number"], *PLACES_DAMAGES.values()],
    ids=["row", *(f"places-{name}" for name in PLACES_DAMAGES)],
)
def test_a_row_that_does_not_decode_removes_the_index(data: Path, damage: Any) -> None:
    db_path = indexed(data)
    if isinstance(damage, str):
        sql(db_path, "UPDATE text SET places = ?", damage)
    else:
        damage(db_path)
    library = open_library(data)
    assert isinstance(library, IndexedLibrary)  # the list is sound: the rows are not
    memory = MemoryLibrary(store.load(data))
    assert list(library.found_in("briefing")) == list(memory.found_in("briefing"))
    assert list(library.briefings()) == list(memory.briefings())
    assert not db_path.exists()
    assert isinstance(open_library(data), IndexedLibrary)  # the next command builds it again


async def test_the_reader_shows_the_file_for_a_row_that_breaks_a_rule_of_the_file(
    data: Path,
) -> None:
    db_path = indexed(data)
    newest = row(db_path, 1)
    set_row(db_path, {**newest, "sections": [newest["sections"][0]] * 2}, pos=1)  # one id twice
    app = make_app(open_library(data))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "2", "j", "b", "escape")
        assert [view.section.id for view in app.reader.sections] == ["one", "two"]
    assert not db_path.exists()


def test_a_damaged_row_midway_goes_on_from_the_file_where_it_was(data: Path) -> None:
    db_path = indexed(data)
    library = open_library(data)
    assert isinstance(library, IndexedLibrary)
    walked = library.briefings()
    first = next(walked)
    set_row(db_path, {**row(db_path, 1), "title": 5}, pos=1)  # in place, under the reader
    assert [first.id, *(b.id for b in walked)] == ["older", "newest-first", "newest-second"]


def test_a_damaged_row_of_a_file_gone_since_is_no_such_file(data: Path) -> None:
    db_path = indexed(data)
    set_row(db_path, {**row(db_path, 1), "title": 5}, pos=1)
    library = open_library(data)  # (a library keeps the snapshot it opened: damage it has)
    data.unlink()
    with pytest.raises(BriefingError) as raised:
        library.newest()
    assert raised.value.lines() == [f"{data}: {NO_SUCH_FILE}"]


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=4),
    st.lists(st.one_of(st.integers(), st.text(max_size=2), st.none()), max_size=2),
    st.dictionaries(st.sampled_from(["id", "title", "x"]), st.integers(), max_size=2),
)


def _places(data: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value inside a JSON value."""
    yield where
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield from _places(value, (*where, key))


def _replaced(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    if not where:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[where[0]] = _replaced(data[where[0]], where[1:], value)
    return copy


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=st.integers(min_value=0), value=JSON_VALUES)
def test_any_value_of_any_row_replaced_never_breaks_a_command(
    tmp_path: Path, choice: int, value: Any
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    open_library(path)
    db_path = index_path(path, index.cache_dir() or tmp_path)
    original = row(db_path)
    paths = list(_places(original))
    where = paths[choice % len(paths)]
    set_row(db_path, _replaced(original, where, value))
    library = open_library(path)
    briefing = library.newest()
    for fmt in ("text", "json", "markdown", "line"):
        text = "".join(render([briefing], fmt, Options(full=True)))
        assert not CONTROLS.search(text)
    list(library.search("e"))
    list(library.found_in("e"))
    if getattr(library, "_file", None) is not None:  # the row was refused: the file's own
        assert briefing == store.load(path).briefings[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", ""), ("date", "2024-13"), ("date", "2024"), ("date", "2024-11-06/x"),
     ("grade", "Z9")],
)  # fmt: skip
def test_a_row_whose_date_or_grade_no_format_can_show_is_refused(
    tmp_path: Path, field: str, value: str
) -> None:
    """A well-typed value the file could never hold (an event's date as '', a grade 'Z9'):
    the row is refused and the command goes on from the file (found by the test above)."""
    data = minimal()
    data["schema_version"] = 1.1
    data["briefings"][0]["key_facts"][0]["grade"] = "B2"
    path = write_json(tmp_path / "b.json", data)
    open_library(path)
    db_path = index_path(path, index.cache_dir() or tmp_path)
    original = row(db_path)
    wanted = ("timeline", 0, "date") if field == "date" else ("key_facts", 0, "grade")
    where = next(p for p in _places(original) if p[-3:] == wanted)
    set_row(db_path, _replaced(original, where, value))
    library = open_library(path)
    briefing = library.newest()
    assert getattr(library, "_file", None) is not None  # refused: from the file
    assert briefing == store.load(path).briefings[0]
    for fmt in ("text", "markdown", "line"):
        assert "".join(render([briefing], fmt, Options(full=True)))


# --- 4. text from a tampered index is scrubbed, ids included ------------------------------


DATES = frozenset({"published", "updated", "date"})


def _tamper_entry_id(db: Path, *, newest_too: bool = False) -> None:
    sql(db, "UPDATE entries SET id = ? WHERE pos = 1", "x" + EVIL)
    if newest_too:
        sql(db, "UPDATE meta SET value = ? WHERE key = 'newest'", "x" + EVIL)


def _tamper_rows(db: Path, *, but: frozenset[str] = frozenset()) -> None:
    for pos in range(3):
        set_row(db, _every_text(row(db, pos), EVIL, but=but), pos=pos)


TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "entry-id": _tamper_entry_id,
    "entry-id-and-newest": partial(_tamper_entry_id, newest_too=True),
    "entry-title": lambda db: sql(db, "UPDATE entries SET title = ?", "Title" + EVIL),
    "row-every-text": _tamper_rows,
    "row-every-text-but-dates": partial(_tamper_rows, but=DATES),
}
"""Tamperings every command may show (the places of matches are the reader's picker's only)."""


def _tamper_places(db_path: Path) -> None:
    sql(db_path, "UPDATE text SET places = ?", json.dumps([[10**6, EVIL]]))


def _every_text(data: Any, evil: str, but: frozenset[str] = frozenset()) -> Any:
    """The JSON value with ``evil`` added to every string in it (``but`` those of these keys:
    a date that is not one makes the row one that does not decode, its text never shown)."""
    if isinstance(data, str):
        return data + evil
    if isinstance(data, list):
        return [_every_text(item, evil, but) for item in data]
    if isinstance(data, dict):
        return {
            key: value if key in but else _every_text(value, evil, but)
            for key, value in data.items()
        }
    return data


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_nothing_raw_from_a_tampered_index_reaches_the_output(
    data: Path, tamper: Callable[[Path], None]
) -> None:
    db_path = indexed(data)
    tamper(db_path)
    tampered = db_path.read_bytes()
    for command in COMMANDS:
        db_path.write_bytes(tampered)  # a command that read a tampered row has removed it
        result = run_cli("--data", str(data), *command)
        assert_clean(result)


def test_ids_and_places_read_back_are_scrubbed(data: Path) -> None:
    db_path = indexed(data)
    _tamper_places(db_path)
    library = open_library(data)
    assert isinstance(library, IndexedLibrary)
    found = list(library.found_in("briefing"))
    assert found and all(not CONTROLS.search(ident + where) for ident, where in found)
    set_row(db_path, {**row(db_path), "id": "older" + EVIL})
    briefing = open_library(data).briefing("older")
    assert briefing is not None and briefing.id == "older]52;c;cHduZWQ=]0;pwned[2J31m"
    # An id in the list that would need scrubbing is damage: the ids are the file's.
    db_path = indexed(data)
    sql(db_path, "UPDATE entries SET id = ? WHERE pos = 0", "older" + EVIL)
    library = open_library(data)
    assert isinstance(library, IndexedLibrary)
    assert [ident for ident, _ in library.found_in("words")] == [
        "older",
        "newest-first",
        "newest-second",
    ]
    assert library.entries[0].id == "older"


# --- 5. bytes that are not UTF-8 in an id or a query --------------------------------------

NOT_UTF8 = os.fsdecode(b"\xff")  # what Python makes of the argument $'\xff': '\udcff'


@pytest.mark.parametrize("cache_setting", [None, "off"], ids=["indexed", "no-cache"])
def test_an_id_that_is_not_utf8_is_no_briefing(data: Path, cache_setting: str | None) -> None:
    env = {index.CACHE_ENV: cache_setting} if cache_setting else {}
    for command in (["summary", NOT_UTF8], [NOT_UTF8], ["list", "--sections", NOT_UTF8]):
        for _ in range(2):  # the first run builds the index, the second reads it
            result = run_cli("--data", str(data), *command, env=env)
            assert result.returncode == 1, result.stderr
            no_traceback(result)
            assert result.stderr.startswith(f"{data}: no briefing '\\xff' (the file has: older,")


def test_an_id_that_is_not_utf8_from_standard_input(data: Path) -> None:
    result = run_cli("--data", "-", "summary", NOT_UTF8, input=data.read_text())
    assert result.returncode == 1
    no_traceback(result)
    assert "no briefing '\\xff'" in result.stderr


@pytest.mark.parametrize("cache_setting", [None, "off"], ids=["indexed", "no-cache"])
@pytest.mark.parametrize("query", [NOT_UTF8, f"briefing{NOT_UTF8}", f"{NOT_UTF8} briefing"])
def test_a_query_that_is_not_utf8_matches_nothing(
    data: Path, cache_setting: str | None, query: str
) -> None:
    env = {index.CACHE_ENV: cache_setting} if cache_setting else {}
    for _ in range(2):
        for fmt in ("text", "json"):
            result = run_cli("--data", str(data), "search", query, "--format", fmt, env=env)
            assert result.returncode == 1
            assert result.stderr == ""
            assert result.stdout == ("[]\n" if fmt == "json" else "")


SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
WORDS = st.text(
    st.one_of(st.characters(), SURROGATES, st.sampled_from("briefing older")), max_size=10
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.one_of(WORDS, st.sampled_from(["older", "briefing", "Words", NOT_UTF8])))
def test_index_and_file_agree_on_any_id_or_query(data: Path, word: str) -> None:
    memory: Library = MemoryLibrary(store.load(data))
    indexed_library = open_library(data)
    assert isinstance(indexed_library, IndexedLibrary)
    for library in (memory, indexed_library):
        found = library.briefing(word)
        assert found is None or found.id == word
    assert indexed_library.briefing(word) == memory.briefing(word)
    assert list(indexed_library.found_in(word)) == list(memory.found_in(word))
    hits = [(b.id, hit) for b, hit in indexed_library.search(word)]
    assert hits == [(b.id, hit) for b, hit in memory.search(word)]


# --- 6. the cache, shared ------------------------------------------------------------------


def test_the_cache_folder_and_its_indexes_are_private(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "cache"
    result = run_cli("--data", str(data), "list", env={index.CACHE_ENV: str(folder)})
    assert_clean(result)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (db_path,) = folder.iterdir()
    assert db_path.name.startswith("index-")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_a_link_planted_at_the_temporary_name_is_not_followed(data: Path, cache: Path) -> None:
    # The name under which the index used to be written, then renamed into place.
    db_path = index_path(data, cache)
    cache.mkdir(parents=True, exist_ok=True)
    victim = data.parent / "victim"
    victim.write_text("precious")
    planted = cache / f".{db_path.name}.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    assert isinstance(open_library(data), IndexedLibrary)
    assert victim.read_text() == "precious"
    assert not db_path.is_symlink() and db_path.is_file()


def test_a_link_planted_at_the_index_name_is_not_followed(data: Path, cache: Path) -> None:
    db_path = indexed(data)
    elsewhere = data.parent / "planted.sqlite3"
    shutil.move(db_path, elsewhere)
    sql(elsewhere, "UPDATE entries SET title = 'Planted'")  # a current index, but not ours
    planted = elsewhere.read_bytes()
    db_path.symlink_to(elsewhere)
    result = run_cli("--data", str(data), "list")
    assert_clean(result)
    assert "Planted" not in result.stdout and "Newest, first in the file" in result.stdout
    assert not db_path.is_symlink()  # the new index, renamed over the link
    assert elsewhere.read_bytes() == planted  # never written through the link


def test_a_fifo_planted_at_the_index_name_does_not_block(data: Path, cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    os.mkfifo(index_path(data, cache))
    result = run_cli("--data", str(data), "list")
    assert_clean(result)
    assert index_path(data, cache).is_file()


def _give_away(path: Path) -> None:
    """Make ``path`` another user's (only root can)."""
    if os.geteuid() != 0:
        pytest.skip("only root can make a file another user's")
    os.chown(path, 65534, 65534)


def test_an_index_of_another_user_is_ignored(data: Path, cache: Path) -> None:
    db_path = indexed(data)
    sql(db_path, "UPDATE entries SET title = 'Not yours'")
    _give_away(db_path)
    result = run_cli("--data", str(data), "list")
    assert_clean(result)
    assert "Not yours" not in result.stdout and "Newest, first in the file" in result.stdout
    assert db_path.stat().st_uid == os.getuid()  # replaced by one of ours


def test_a_cache_folder_of_another_user_is_not_used(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    _give_away(folder)
    result = run_cli("--data", str(data), "list", env={index.CACHE_ENV: str(folder)})
    assert_clean(result)
    assert "Newest, first in the file" in result.stdout
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o702, 0o770])
def test_a_cache_folder_others_can_write_to_is_not_used(
    data: Path, tmp_path: Path, mode: int
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    if not mode & stat.S_IWOTH:  # only its group may write: a group that is not the user's
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to a group the user is not in")
        os.chown(folder, -1, 65534 if os.getgid() != 65534 else 0)
    for _ in range(2):
        result = run_cli("--data", str(data), "list", env={index.CACHE_ENV: str(folder)})
        assert_clean(result)
        assert "Newest, first in the file" in result.stdout
    assert list(folder.iterdir()) == []


def test_a_cache_folder_of_the_users_own_group_may_be_group_writable(
    data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "umask-002"  # what mkdir makes where the user's group is private
    folder.mkdir()
    folder.chmod(0o775)
    result = run_cli("--data", str(data), "list", env={index.CACHE_ENV: str(folder)})
    assert_clean(result)
    assert [path.name for path in folder.iterdir()] == [index_path(data, folder).name]


# --- 7. pruning -----------------------------------------------------------------------------


def _files(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        document = multi_document()
        document["briefings"][0]["title"] = f"File {number}"
        paths.append(write_json(tmp_path / f"file-{number}.json", document))
    return paths


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_cache_keeps_under_its_size_least_recently_used_out_first(
    tmp_path: Path, cache: Path
) -> None:
    first, second, third, fourth = paths = _files(tmp_path, 4)
    for path in paths[:3]:
        indexed(path)
    size = index_path(first, cache).stat().st_size
    _age(index_path(first, cache), 3000)
    _age(index_path(second, cache), 1000)  # used since the first
    _age(index_path(third, cache), 2000)
    limit = str(3 * size + size // 2)  # room for three
    result = run_cli("--data", str(fourth), "list", env={index.CACHE_SIZE_ENV: limit})
    assert_clean(result)
    kept = sorted(path.name for path in cache.iterdir())
    assert kept == sorted(index_path(path, cache).name for path in (second, third, fourth))
    limit = str(2 * size + size // 2)  # room for two: the third goes, then the second
    result = run_cli("--data", str(first), "list", env={index.CACHE_SIZE_ENV: limit})
    assert_clean(result)
    kept = sorted(path.name for path in cache.iterdir())
    assert kept == sorted(index_path(path, cache).name for path in (first, fourth))


def test_an_index_used_is_marked_as_used(data: Path, cache: Path) -> None:
    db_path = indexed(data)
    _age(db_path, 3600)
    before = db_path.stat().st_mtime
    assert_clean(run_cli("--data", str(data), "summary"))
    assert db_path.stat().st_mtime > before + 3000


def test_the_index_just_written_stays_whatever_the_limit(tmp_path: Path, cache: Path) -> None:
    first, second = _files(tmp_path, 2)
    indexed(first)
    result = run_cli("--data", str(second), "list", env={index.CACHE_SIZE_ENV: "0"})
    assert_clean(result)
    assert [path.name for path in cache.iterdir()] == [index_path(second, cache).name]


def test_temporary_files_left_behind_are_removed(data: Path, cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    stale = cache / ".index-0123456789abcdef.sqlite3.x8y7z6.tmp"
    fresh = cache / ".index-0123456789abcdef.sqlite3.a1b2c3.tmp"  # another command's, now
    stale.write_bytes(b"x" * 100)
    fresh.write_bytes(b"x" * 100)
    _age(stale, 2 * 3600)
    indexed(data)
    assert not stale.exists() and fresh.exists()


def test_the_cache_size_setting_is_checked(data: Path) -> None:
    result = run_cli("--data", str(data), "list", env={index.CACHE_SIZE_ENV: "lots"})
    assert result.returncode == 1
    assert result.stderr == (
        "BRIEFING_CACHE_SIZE: not a size: 'lots' (such as 512M, 2G or 1000000)\n"
    )
    result = run_cli("--data", str(data), "list", env={index.CACHE_SIZE_ENV: "1.5G"})
    assert_clean(result)


def test_an_index_is_about_the_size_of_its_file(tmp_path: Path, cache: Path) -> None:
    document = json.loads(BUNDLED.read_text())
    base = document["briefings"][0]
    document["briefings"] = [dict(base, id=f"{base['id']}-{n}") for n in range(100)]
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(document))  # compact, as an archive is written: 1 MB
    assert index_path(path, cache) == indexed(path)
    # The briefings compressed, the places of the fields in a row with one place as one: about
    # the file's size, mostly the folded text that search scans (it was 1.85 times the file).
    assert index_path(path, cache).stat().st_size < 1.2 * path.stat().st_size


def test_a_file_name_that_is_not_utf8_is_named_by_its_bytes(tmp_path: Path) -> None:
    missing = os.fsdecode(os.fsencode(tmp_path) + b"/\xff.json")
    result = run_cli("--data", missing, "list")
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path}/\\xff.json: no such file\n"
