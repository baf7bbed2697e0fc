"""Files that are not regular files (a FIFO, a device, a socket, a loop of symbolic links) as
the data file, as settings.json or reading.json, and in place of the data file while the reader
runs: refused at once with one line naming the file, never waited for, never read without end.

A test that finds a FIFO opened blocking would hang: what reads in this process reads in a
thread of its own (:func:`promptly`), and each FIFO is unblocked when its test ends
(:func:`unblocked`), so that a failing run fails instead of hanging the test session.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import serve
from briefing.errors import BriefingError
from briefing.files import (
    LINK_LOOP,
    FileTooLarge,
    NotRegularFile,
    read_regular,
    read_text,
    real_path,
)
from briefing.index import index_path
from briefing.reading import Reading
from briefing.settings import load_settings
from tests.conftest import BUNDLED, minimal, multi_document, notifications, run_cli, write_json
from tests.helpers import opened, reader, saved_place, wait_until
from tests.test_reader_tools import SIZE, reloading_app
from tests.test_terminal import Terminal, terminal

__all__ = ["terminal"]  # the fixture, shared with the other terminal tests

FIFO = "not a regular file (a FIFO)"
HANG_GUARD = 60.0
"""Seconds after which a read that should be refused at once is taken to hang (as ``run_cli``'s
timeout): a guard against a hung session, not a timed assertion."""

T = TypeVar("T")

COMMANDS = [["validate"], ["summary"], ["list"], ["search", "word"], []]
"""Every command that reads the data file ([]: plain ``briefing`` in a pipe: the summary)."""


@contextmanager
def unblocked(fifo: Path) -> Iterator[Path]:
    """``fifo``; when the block ends, whoever waits to read it (a blocking open) is let go."""
    try:
        yield fifo
    finally:
        with suppress(OSError):  # nobody was waiting (ENXIO): as it should be
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def promptly(function: Callable[[], T]) -> T:
    """``function()``, run in a thread of its own: one that blocks fails the test instead of
    hanging it (its FIFO is unblocked afterwards, by :func:`unblocked`)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed to the test below
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), "still reading: it waits for a writer"
    if failure:
        raise failure[0]
    return outcome[0]


def make_fifo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> Path:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))  # the file stays after the socket closes
    return path


def make_loop(path: Path) -> Path:
    path.unlink(missing_ok=True)
    path.symlink_to(path.name)  # itself
    return path


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "read")
def test_a_fifo_as_data_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    with unblocked(make_fifo(tmp_path / "fifo.json")) as fifo:
        result = run_cli("--data", str(fifo), *command)  # hangs for ever without the fix
    assert result.returncode == 1
    assert result.stderr == f"{fifo}: {FIFO}\n"
    assert result.stdout == ""


def test_validate_names_a_fifo_given_as_its_argument(tmp_path: Path) -> None:
    with unblocked(make_fifo(tmp_path / "fifo.json")) as fifo:
        result = run_cli("validate", str(fifo))
    assert (result.returncode, result.stderr) == (1, f"{fifo}: {FIFO}\n")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "read")
def test_dev_zero_is_refused_as_a_device_not_read_to_the_limit(command: list[str]) -> None:
    result = run_cli("--data", "/dev/zero", *command)
    assert result.returncode == 1
    assert result.stderr == "/dev/zero: not a regular file (a character device)\n"


@pytest.mark.parametrize("command", [["validate"], ["list"]], ids=" ".join)
@pytest.mark.parametrize(
    ("make", "message"),
    [(make_socket, "not a regular file (a socket)"), (make_loop, LINK_LOOP)],
    ids=["socket", "loop"],
)
def test_a_socket_or_a_loop_of_links_is_one_line(
    tmp_path: Path, command: list[str], make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path / "data.json")
    result = run_cli("--data", str(path), *command)
    assert (result.returncode, result.stderr) == (1, f"{path}: {message}\n")


def test_keys_with_a_fifo_as_settings_warns_and_lists(user_home: Path) -> None:
    folder = user_home / ".config" / "briefing"
    folder.mkdir(parents=True)
    with unblocked(make_fifo(folder / "settings.json")) as fifo:
        result = run_cli("keys")
    assert result.returncode == 0
    assert result.stderr == f"briefing: Ignoring saved settings: cannot read {fifo}: {FIFO}\n"
    assert "reader.search" in result.stdout


# --- reading ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=64), limit=st.integers(min_value=0, max_value=80))
def test_a_regular_file_is_read_whole_up_to_the_limit(content: bytes, limit: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file"
        path.write_bytes(content)
        if len(content) > limit:
            with pytest.raises(FileTooLarge):
                read_regular(path, limit)
        else:
            assert read_regular(path, limit) == content


def test_read_text_refuses_a_fifo_before_a_writer_comes(tmp_path: Path) -> None:
    fifo = make_fifo(tmp_path / "fifo.json")
    with unblocked(fifo), pytest.raises(BriefingError) as caught:
        promptly(lambda: read_text(fifo))
    assert caught.value.lines() == [f"{fifo}: {FIFO}"]
    with unblocked(fifo), pytest.raises(NotRegularFile):
        promptly(lambda: read_regular(fifo, 100))


@settings(max_examples=80, deadline=None)
@given(
    links=st.lists(
        st.one_of(st.none(), st.just("file"), st.integers(min_value=0, max_value=4)),
        min_size=5,
        max_size=5,
    )
)
def test_real_path_follows_any_links_and_never_fails_on_a_loop(
    links: list[str | int | None],
) -> None:
    """Five names, each missing, a regular file or a link to one of the five (loops included):
    ``real_path`` of each never raises, and is ``Path.resolve()`` wherever that succeeds."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary).resolve()
        for number, link in enumerate(links):
            name = folder / f"n{number}"
            if link == "file":
                name.write_text("{}")
            elif isinstance(link, int):
                name.symlink_to(f"n{link}")
        for number in range(len(links)):
            name = folder / f"n{number}"
            found = real_path(name)
            assert found.is_absolute()
            try:
                resolved = name.resolve()
            except RuntimeError:  # a loop
                assert found.parent == folder
            else:
                assert found == resolved


def test_the_index_and_the_served_command_name_a_loop_without_an_error(tmp_path: Path) -> None:
    loop = make_loop(tmp_path / "data.json")
    assert index_path(loop, tmp_path / "cache").parent == tmp_path / "cache"
    assert str(tmp_path / "data.json") in serve.reader_command(loop, None)


# --- settings and state -------------------------------------------------------------------


@pytest.mark.parametrize("load", [load_settings, Reading.load])
def test_a_fifo_or_a_device_as_a_saved_file_is_ignored_with_a_warning(
    tmp_path: Path, load: Callable[[Path], tuple[object, object]]
) -> None:
    with unblocked(make_fifo(tmp_path / "saved.json")) as fifo:
        _, warnings = promptly(lambda: load(fifo))
    assert FIFO in str(warnings)
    if Path("/dev/zero").exists():
        _, warnings = promptly(lambda: load(Path("/dev/zero")))
        assert "not a regular file (a character device)" in str(warnings)


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        (".config/briefing", "settings.json"),
        (".local/state/briefing", "reading.json"),
        (".local/state/briefing", "state.json"),  # the old reading state, taken over
    ],
)
def test_a_fifo_as_settings_or_state_the_reader_starts_with_a_warning(
    terminal: Callable[..., Terminal], user_home: Path, folder: str, name: str
) -> None:
    (user_home / folder).mkdir(parents=True)
    with unblocked(make_fifo(user_home / folder / name)):
        term = terminal(width=120, height=30)
        screen = term.wait_for_text("1. Moscow's warning", "Ignoring saved")  # not a blank screen
        assert "FIFO" in screen
        term.keys("q")
        term.wait_for_text("EXITED=0")


# --- the running reader -------------------------------------------------------------------


async def test_the_data_file_becomes_a_fifo_reload_reports_it_and_quit_works(
    tmp_path: Path,
) -> None:
    path = tmp_path / "briefings.json"
    shutil.copy(BUNDLED, path)
    app = reloading_app(path)
    messages = notifications(app)
    with unblocked(path):
        async with app.run_test(size=SIZE) as pilot:
            make_fifo(path)
            await wait_until(pilot, lambda: any(FIFO in m for m in messages), "the problem")
            assert f"{path}: {FIFO}" in messages[-1]
            await pilot.press("2")  # still answering keys, on the last good data
            await wait_until(pilot, lambda: opened(app) == [False, True, False, False])
            await pilot.press("r")  # reloading by hand: the same problem, at once
            await wait_until(pilot, lambda: sum(FIFO in m for m in messages) == 2, "again")
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
    assert app.return_code == 0


async def test_the_data_file_becomes_a_loop_of_links_quit_saves_the_state(tmp_path: Path) -> None:
    path = write_json(tmp_path / "multi.json", multi_document())
    state = tmp_path / "state" / "reading.json"
    app = reloading_app(path, state_path=state)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left_square_bracket", "2")  # the older briefing, its section two
        await wait_until(pilot, lambda: opened(app) == [False, True])
        make_loop(path)
        await wait_until(pilot, lambda: any(LINK_LOOP in m for m in messages), "the problem")
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0 and app.exit_warning is None
    assert saved_place(state, tmp_path.resolve() / "multi.json") == ("older", ("two",))
    path.unlink()
    write_json(path, multi_document())  # the file is back: so is the place in it
    again = reloading_app(path, state_path=state)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(again).briefing.id == "older"
        assert opened(again) == [False, True]


@pytest.mark.parametrize("make", [make_fifo, make_loop], ids=["fifo", "loop"])
def test_the_real_reader_quits_at_once_after_its_file_is_swapped(
    terminal: Callable[..., Terminal],
    user_home: Path,
    tmp_path: Path,
    make: Callable[[Path], Path],
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    with unblocked(path):
        term = terminal("--data", str(path), width=120, height=30)
        term.wait_for_text("Section one")
        make(path)
        term.wait_for_text("Not the file's current content", "problem")
        term.keys("q")
        term.wait_for_text("EXITED=0")  # the process has ended: no reload is left waiting
    term.assert_restored()
    saved = saved_place(user_home / ".local/state/briefing/reading.json", tmp_path / "b.json")
    assert saved[0] == "first"


async def test_a_reload_that_fails_unforeseen_keeps_the_reader_and_says_why(
    tmp_path: Path,
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    failures = [OSError(5, "Input/output error"), RuntimeError()]

    def loader() -> object:
        raise failures.pop(0)

    app = reloading_app(path)
    app.loader = loader  # type: ignore[assignment]
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await wait_until(pilot, lambda: any("Input/output error" in m for m in messages))
        assert f"{path}: cannot read it: [Errno 5] Input/output error" in messages[-1]
        await pilot.press("r")
        await wait_until(pilot, lambda: any("RuntimeError" in m for m in messages))
        assert app.is_running and reader(app).briefing.id == "first"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
