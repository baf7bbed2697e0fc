"""Watching a folder of briefing files while the reader is open: every change that matters is
seen, cheaply (inotify on Linux; elsewhere the folders and a few files a look)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList

from briefing import watch
from briefing.app import make_app
from briefing.index import open_library
from briefing.screens.picker import BriefingPicker
from tests.conftest import write_json
from tests.helpers import reader, wait_until
from tests.test_folder import archive, briefing_file

__all__ = ["archive"]  # the fixture, shared with tests/test_folder.py


@pytest.fixture(params=["kernel", "stat"])
def folder_watch(request: pytest.FixtureRequest) -> type[watch.Watch]:
    """Each way a folder is watched: by inotify (Linux) and by its folders' and files' stat."""
    if request.param == "kernel":
        if not sys.platform.startswith("linux"):
            pytest.skip("inotify is Linux's")
        return watch.KernelWatch
    return watch.FolderWatch


def test_a_folder_watch_sees_each_kind_of_change_and_nothing_else(
    archive: Path, folder_watch: type[watch.Watch], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "SWEEP", 100)  # every file each look: in place writes at once
    seen = folder_watch(archive)  # type: ignore[call-arg]
    try:
        assert not seen.changed()
        (archive / "2025" / "notes.txt").write_text("still not a briefing")
        (archive / ".git" / "HEAD.json").write_text("hidden")
        if folder_watch is watch.KernelWatch:
            assert not seen.changed()  # what is not a briefing file is no change
        seen.changed()
        assert not seen.changed()
        for change in (
            lambda: briefing_file(archive / "2025" / "02.json", "e"),  # added
            (archive / "2025" / "02.json").unlink,  # removed
            lambda: _append(archive / "2025" / "01.json"),  # written in place
            lambda: (archive / "2024" / "12" / "01.json").rename(archive / "2024" / "01.json"),
            lambda: briefing_file(archive / "2026" / "01" / "01.json", "f"),  # a new folder
            lambda: briefing_file(archive / "2026" / "01" / "02.json", "g"),  # and in it
        ):
            change()
            assert seen.changed(), change
            assert not seen.changed()
    finally:
        seen.close()


def _append(path: Path) -> None:
    with path.open("a") as stream:
        stream.write("\n")


def test_a_folder_is_watched_by_the_kernel_on_linux(archive: Path) -> None:
    made = watch.watch(archive)
    try:
        kind = watch.KernelWatch if sys.platform.startswith("linux") else watch.FolderWatch
        assert type(made) is kind
        assert type(watch.watch(archive / "2025" / "01.json")) is watch.FileWatch
    finally:
        made.close()


async def test_the_reader_on_a_folder_shows_a_file_changed_and_a_file_added(
    archive: Path,
) -> None:
    app = make_app(open_library(archive), "b", source=archive, loader=lambda: open_library(archive))
    async with app.run_test(size=(100, 30)) as pilot:
        assert reader(app).briefing.id == "b"
        data = json.loads((archive / "2024" / "12" / "01.json").read_text())
        data["briefings"][0]["title"] = "An edited title"
        write_json(archive / "2024" / "12" / "01.json", data)
        await wait_until(pilot, lambda: reader(app).briefing.title == "An edited title")
        briefing_file(archive / "2026" / "01.json", "late")
        await wait_until(pilot, lambda: app.library.briefing("late") is not None)
        assert app.library.ids() == ["a", "b", "c", "d", "late"]
        broken = archive / "2025" / "01.json"
        broken.write_text("{")
        await wait_until(
            pilot,
            lambda: (
                str(reader(app).query_one("#stale").render())
                == "⚠ Not the folder's current content: 1 of its files has problems"
            ),
        )
        assert app.library.ids() == ["a", "b", "c", "d", "late"]  # the last good version


async def test_the_picker_lists_and_searches_every_file_of_the_folder(archive: Path) -> None:
    app = make_app(open_library(archive), source=archive, loader=lambda: open_library(archive))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, BriefingPicker))
        options = app.screen.query_one("#picker-list", OptionList)
        await wait_until(pilot, lambda: options.option_count == 4)
        await pilot.press(*"Briefing c")
        await wait_until(pilot, lambda: options.option_count == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.reader)
        assert reader(app).briefing.id == "c"
