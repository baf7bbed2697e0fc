"""The reader while its briefings are opened (a folder's first look, a large file indexed):
its frame and the progress at once, keys that work meanwhile, then the briefing; a problem
found meanwhile ends it with the error the command would have given."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from textual.widgets import ProgressBar, Static

from briefing.app import make_app
from briefing.errors import BriefingError
from briefing.index import open_library
from briefing.library import Library
from briefing.progress import Background
from briefing.screens.help import HelpScreen
from briefing.screens.opening import OpeningScreen
from tests.conftest import BUNDLED
from tests.helpers import opened, reader, wait_until

Told = Callable[[int, int], None]


def held(files: int) -> tuple[threading.Event, Callable[[Told], Library]]:
    """Opening work that tells of ``files`` files, then waits for the event."""
    gate = threading.Event()

    def opening(told: Told) -> Library:
        for done in range(files):
            told(done, files)
        assert gate.wait(10)
        told(files, files)
        return open_library(BUNDLED)

    return gate, opening


def shown(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_the_frame_and_the_progress_come_first_then_the_briefing() -> None:
    gate, opening = held(400)
    app = make_app(None, source=BUNDLED, opening=opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OpeningScreen))
        screen = app.screen
        assert isinstance(screen, OpeningScreen)
        await wait_until(pilot, lambda: screen.done == (399, 400))
        await wait_until(pilot, lambda: shown(app, "#opening-done") != "")
        assert shown(app, "#opening-done").startswith("Indexing ")
        assert shown(app, "#opening-what") == f"Opening {BUNDLED}…"
        assert screen.query_one(ProgressBar).total == 400
        await pilot.press("question_mark")  # the help works meanwhile
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        gate.set()
        await wait_until(pilot, lambda: app.opened and app.screen is app.reader)
        assert reader(app).briefing.id == "russia-us-missiles-warning"
        await pilot.press("e")
        await wait_until(pilot, lambda: all(opened(app)))


async def test_a_problem_found_while_opening_ends_the_reader_with_it() -> None:
    def opening(told: Told) -> Library:
        told(1, 2)
        raise BriefingError.single("news/2024.json", "invalid JSON: Expecting value", 1, 3)

    app = make_app(None, opening=opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: not app.is_running)
    assert isinstance(app.opening_error, BriefingError)
    assert app.return_code == 1


async def test_quitting_while_opening_does_not_wait_for_the_work() -> None:
    gate, opening = held(3)
    app = make_app(None, opening=opening)
    started = time.monotonic()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OpeningScreen))
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running)
    assert time.monotonic() - started < 5
    assert app.opening_error is None
    gate.set()


def test_background_work_passes_on_its_progress_and_its_result() -> None:
    gate = threading.Event()
    told: list[tuple[int, int]] = []

    def work(progress: Told) -> str:
        progress(1, 3)
        gate.wait(10)
        progress(3, 3)
        return "done"

    background = Background(work)
    assert not background.done_within(0.05)
    gate.set()
    assert background.result(lambda done, total: told.append((done, total))) == "done"
    assert told[0] == (1, 3) and told[-1] == (3, 3)

    def failing(progress: Told) -> str:
        raise BriefingError.single("x.json", "no such file")

    broken = Background(failing)
    assert broken.done_within(5)
    with pytest.raises(BriefingError, match=r"^x\.json: no such file$"):
        broken.result()


async def test_the_list_of_briefings_is_read_once_the_first_screen_is_drawn(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The picker (`b`) then opens without reading 10,000 rows of the index first."""
    from briefing.index import IndexedLibrary

    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    library = open_library(BUNDLED)
    assert isinstance(library, IndexedLibrary) and library._entries is None
    app = make_app(library)
    async with app.run_test() as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: library._entries is not None)
    gate, opening = held(1)  # and once a library opened behind the opening screen is shown
    app = make_app(None, source=BUNDLED, opening=opening)
    async with app.run_test() as pilot:
        gate.set()
        await wait_until(pilot, lambda: app.opened and app.screen is app.reader)
        opened_library = app.library
        assert isinstance(opened_library, IndexedLibrary)
        await wait_until(pilot, lambda: opened_library._entries is not None)
