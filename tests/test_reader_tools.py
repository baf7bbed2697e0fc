"""The reader's tools (Pilot): search, timeline, sources, copy, live reload, remembered state."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from briefing.app import BriefingApp, make_app
from briefing.index import open_library
from briefing.records import Document
from briefing.screens.picker import BriefingPicker
from briefing.screens.reader import ReaderScreen
from briefing.screens.sources import SourcesScreen
from briefing.screens.timeline import TimelineScreen
from briefing.store import parse
from briefing.widgets.facts import FactsPanel
from briefing.widgets.highlight import CURRENT_STYLE, MATCH_STYLE
from briefing.widgets.section import SectionView
from tests.conftest import BUNDLED, minimal, multi_document, notifications, write_json
from tests.helpers import counter, opened, reader, saved_place, wait_until

SIZE = (100, 40)


async def test_search_as_you_type_opens_sections_and_counts(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"pyongyang")
        await pilot.pause()
        assert counter(app) == "1/1"
        assert opened(app) == [False, False, True, False]  # only the section holding it
        body = reader(app).sections[2].body_content
        assert body is not None
        assert CURRENT_STYLE in {str(span.style) for span in body.spans}


async def test_next_previous_and_escape(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"kursk")
        await pilot.pause()
        total = int(counter(app).split("/")[1])
        assert counter(app) == f"1/{total}" and total >= 5
        await pilot.press("enter")  # the search is done: the box keeps it, the focus leaves
        await pilot.pause()
        assert counter(app) == f"1/{total}"
        assert not isinstance(app.focused, Input)
        assert reader(app).query_one("#search-input", Input).value == "kursk"
        await pilot.press("n", "n", "n")  # at once: n and N move between the matches
        await pilot.pause()
        assert counter(app) == f"4/{total}"
        await pilot.press("N")
        await pilot.pause()
        assert counter(app) == f"3/{total}"
        assert reader(app).query_one("#search-input", Input).value == "kursk"
        title = {str(span.style) for span in reader(app).sections[2].title_content.spans}
        assert MATCH_STYLE in title or CURRENT_STYLE in title
        await pilot.press("escape")
        await pilot.pause()
        assert not reader(app).searching
        assert reader(app).matches.hits == []
        assert counter(app) == ""
        title = {str(span.style) for span in reader(app).sections[2].title_content.spans}
        assert not title & {MATCH_STYLE, CURRENT_STYLE}
        await pilot.press("n")  # no search: n does nothing
        assert not reader(app).searching


async def test_search_ignores_case_and_accents(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"ODÉSA")
        await pilot.pause()
        assert counter(app).endswith("/3")
        search = reader(app).query_one("#search-input", Input)
        search.value = "no such words"
        await pilot.pause()
        assert counter(app) == "no match"


async def test_search_finds_key_facts_in_the_panel(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"atacms range")
        await pilot.pause()
        assert counter(app) == "1/1"
        panel = app.screen.query_one(FactsPanel)
        assert panel.display
        index = [f.label for f in default.briefings[0].key_facts].index("ATACMS range")
        assert panel.highlighted == panel.get_option_index(f"fact-{index}")


async def test_timeline_in_date_order_and_jump(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert [event.date for event in screen.events] == [
            "2022-02-24",
            "2024-09",  # a month sits at its start
            "2024-11-05",
            "2024-11-06/2024-11-17",  # an interval sorts by its start
            "2024-11-06/2024-11-19",
            "2024-11-16/2024-11-17",
            "2024-11-17",
            "2024-11-18",
            "2024-11-18",
            "2024-11-19",
            "2025-01-20",
        ]
        await pilot.press("down", "down")  # 2024-11-05: the election
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await wait_until(pilot, lambda: opened(app)[3], "section 4 to open")
        assert opened(app) == [False, False, False, True]
        assert isinstance(app.focused, SectionView) and app.focused.section.id == "trump"


@pytest.mark.parametrize("browser", [True, False], ids=["a browser", "no browser"])
async def test_sources_open_only_web_addresses_and_say_whether_a_browser_started(
    monkeypatch: pytest.MonkeyPatch, browser: bool
) -> None:
    data = minimal()
    data["briefings"][0]["sources"].append({"name": "Print only"})
    app = make_app(parse(json.dumps(data)))
    opened_urls: list[str] = []

    def open_in_browser(url: str) -> bool:
        opened_urls.append(url)
        return browser

    monkeypatch.setattr("webbrowser.open", open_in_browser)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        await pilot.press("o")
        await wait_until(pilot, lambda: messages)
        assert opened_urls == ["https://example.org/story"]
        if browser:
            assert messages == ["Started a web browser with the address."]
        else:
            assert messages == [
                "No web browser could be started here. Press c to copy the address instead."
            ]
        await pilot.press("c")
        assert copied == ["https://example.org/story"]
        assert messages[-1].startswith("Sent the address to the clipboard through the terminal.")
        await pilot.press("down", "o", "c")
        await pilot.pause()
        assert opened_urls == ["https://example.org/story"]
        assert copied == ["https://example.org/story"]
        assert messages[-2:] == ["This source has no web address."] * 2
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_copy_puts_the_text_summary_on_the_clipboard(
    default: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(default)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await pilot.pause()
    assert copied[0].startswith("Biden clears Ukraine to fire US long-range missiles into Russia\n")
    assert "KEY FACTS" in copied[0] and "\x1b" not in copied[0]
    # A terminal program cannot know whether the terminal took it: the message says what was done.
    assert messages == [
        "Sent the summary of this briefing to the clipboard through the terminal. If pasting "
        "gives nothing, your terminal does not let programs set the clipboard."
    ]


async def test_picker_searches_the_whole_text(tmp_path: Path) -> None:
    data = multi_document()
    data["briefings"][0]["sections"][1]["paragraphs"] = ["A word only here: zeppelin."]
    app = make_app(parse(json.dumps(data)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", *"zeppelin")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, BriefingPicker)
        options = picker.query_one("#picker-list", OptionList)
        assert options.option_count == 1
        prompt = str(options.get_option_at_index(0).prompt)
        assert prompt.startswith("2023-05-01  An older briefing")
        assert "found in: Section two" in prompt


# --- live reload ---------------------------------------------------------------------------


def reloading_app(path: Path, briefing_id: str | None = None, **options: Any) -> BriefingApp:
    return make_app(
        open_library(path), briefing_id, source=path, loader=lambda: open_library(path), **options
    )


async def test_live_reload_keeps_place_and_survives_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "briefings.json"
    shutil.copy(BUNDLED, path)
    app = reloading_app(path)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "4")
        await pilot.pause()

        def title() -> str:  # nothing while the screen is being rebuilt
            found = app.screen.query("#title").results(Static)
            return next((str(widget.render()) for widget in found), "")

        # A valid edit shows within a second or two, keeping the open sections.
        data = json.loads(path.read_text())
        data["briefings"][0]["title"] = "An edited title"
        write_json(path, data)
        await wait_until(pilot, lambda: title() == "An edited title")
        assert opened(app) == [False, True, False, True]
        # An invalid edit keeps the last good data and says where the problem is.
        path.write_text('{"schema_version": 1,')
        await wait_until(
            pilot, lambda: any("still showing" in m or "invalid JSON" in m for m in messages)
        )
        assert any(f"{path}:1:" in m and "invalid JSON" in m for m in messages)
        assert title() == "An edited title"
        # A deleted file too; restoring it recovers by itself.
        path.unlink()
        await wait_until(pilot, lambda: any("no such file" in m for m in messages))
        assert title() == "An edited title"
        data["briefings"][0]["title"] = "Restored"
        write_json(path, data)
        await wait_until(pilot, lambda: title() == "Restored")
        await wait_until(pilot, lambda: any("valid again" in m for m in messages))
        assert opened(app) == [False, True, False, True]
    assert json.loads(path.read_text())["briefings"][0]["title"] == "Restored"  # never written


async def test_r_reloads_by_hand(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    app = make_app(open_library(path), loader=lambda: open_library(path))  # no watching: only r
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        data = minimal()
        data["briefings"][0]["title"] = "By hand"
        write_json(path, data)
        await pilot.press("r")
        await wait_until(pilot, lambda: "Reloaded 1 briefing." in messages)
        assert str(app.screen.query_one("#title", Static).render()) == "By hand"


# --- remembered state ----------------------------------------------------------------------


async def test_state_comes_back_at_the_next_start(tmp_path: Path) -> None:
    path = write_json(tmp_path / "multi.json", multi_document())
    state = tmp_path / "state" / "reading.json"
    app = reloading_app(path, state_path=state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left_square_bracket")  # from the newest to the older one
        await pilot.pause()
        await pilot.press("2")
        await pilot.press("q")
        await pilot.pause()
    assert saved_place(state, path) == ("older", ("two",))
    again = reloading_app(path, state_path=state)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(again).briefing.id == "older"
        assert opened(again) == [False, True]
    asked = reloading_app(path, "newest-second", state_path=state)
    async with asked.run_test(size=SIZE):
        assert reader(asked).briefing.id == "newest-second"  # an id on the command line wins


@pytest.mark.parametrize("content", ["{broken", '{"briefing": 5}', '["x"]'])
async def test_corrupt_state_is_ignored_with_a_warning(tmp_path: Path, content: str) -> None:
    path = write_json(tmp_path / "multi.json", multi_document())
    state = tmp_path / "reading.json"
    state.write_text(content)
    app = reloading_app(path, state_path=state)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(app).briefing.id == "newest-first"
        assert any(m.startswith("Ignoring saved reading state") for m in messages)


async def test_unwritable_state_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    path = write_json(tmp_path / "multi.json", multi_document())
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = reloading_app(path, state_path=blocker / "reading.json")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await asyncio.sleep(0)
    assert app.exit_warning is not None and app.exit_warning.startswith("Could not save")


async def test_data_file_replaced_by_a_directory_or_truncated(tmp_path: Path) -> None:
    path = tmp_path / "briefings.json"
    shutil.copy(BUNDLED, path)
    original = path.read_bytes()
    app = reloading_app(path)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        path.unlink()
        path.mkdir()
        await wait_until(pilot, lambda: any("no briefing files in this" in m for m in messages))
        assert reader(app).briefing.id == "russia-us-missiles-warning"
        path.rmdir()
        path.write_bytes(original[: len(original) // 2])
        await wait_until(pilot, lambda: any("invalid JSON" in m for m in messages))
        assert len(reader(app).sections) == 4
        path.write_bytes(original)
        await wait_until(pilot, lambda: any("valid again" in m for m in messages))
        assert app.is_running
    assert path.read_bytes() == original
