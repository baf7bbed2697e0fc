"""The reader's keys as people type them (Pilot): bursts, search like less, many sections."""

from __future__ import annotations

import json

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input

from briefing.app import BriefingApp, make_app
from briefing.records import Document
from briefing.screens.picker import BriefingPicker
from briefing.screens.reader import ReaderScreen
from briefing.store import parse
from briefing.widgets.facts import FactsPanel
from briefing.widgets.section import SectionView
from tests.conftest import bundled_matches, minimal, multi_document
from tests.helpers import counter, focused_section, reader, wait_until

SIZE = (100, 40)

KURSK = bundled_matches("kursk")
"""How many times the bundled briefing says Kursk."""


def footer_keys(app: BriefingApp) -> list[str]:
    """The keys the footer offers now, as shown."""
    bindings = reader(app).active_bindings.values()
    return [app.get_key_display(b.binding) for b in bindings if b.binding.show and b.enabled]


async def burst(pilot: Pilot[None], keys: str) -> None:
    """Send ``keys`` the way one terminal read delivers them: every key queued at once,
    before the app has handled the first (a fast typist, a paste, tmux send-keys)."""
    for character in keys:
        key = "enter" if character == "\r" else _character_to_key(character)
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


def sectioned(count: int) -> Document:
    """A briefing with ``count`` sections, ids s1..sN."""
    data = minimal()
    base = data["briefings"][0]
    base["sections"] = [
        {"id": f"s{n}", "title": f"Section {n}", "summary": "S.", "paragraphs": ["P. " * 400]}
        for n in range(1, count + 1)
    ]
    base["key_facts"][0]["section"] = f"s{count}"
    base["timeline"][0]["section"] = "s1"
    base["quotes"][0]["section"] = "s1"
    return parse(json.dumps(data))


# --- keys typed fast -----------------------------------------------------------------------


async def test_a_burst_after_slash_lands_in_the_search_box(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "/kursk")
        search = reader(app).query_one("#search-input", Input)
        assert search.value == "kursk"
        assert app.focused is search
        assert counter(app).endswith(f"/{KURSK}")


async def test_a_burst_after_b_filters_the_picker(default: Document) -> None:
    app = make_app(parse(json.dumps(multi_document())))
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "bolder")
        assert isinstance(app.screen, BriefingPicker)
        assert app.screen.query_one(Input).value == "older"


async def test_slash_and_b_are_letters_inside_the_search_box(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "/a/b")
        assert reader(app).query_one("#search-input", Input).value == "a/b"
        assert isinstance(app.screen, ReaderScreen)


# --- search like less ----------------------------------------------------------------------


async def test_enter_leaves_the_box_and_n_moves_at_once(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "/kursk\rnn")
        assert reader(app).query_one("#search-input", Input).value == "kursk"
        assert counter(app) == f"3/{KURSK}"
        assert isinstance(app.focused, SectionView)
        await burst(pilot, "N")
        assert counter(app) == f"2/{KURSK}"
        await burst(pilot, "/")  # back in the box, the query kept and selected
        search = reader(app).query_one("#search-input", Input)
        assert search.has_focus and search.selected_text == "kursk"
        await burst(pilot, "odesa\r")  # typing replaces the selected query
        assert search.value == "odesa" and counter(app) == "1/3"
        await pilot.press("escape")
        await pilot.pause()
        assert not reader(app).searching and counter(app) == ""
        assert isinstance(app.focused, SectionView)


async def test_enter_on_an_empty_search_closes_it(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "/\r")
        assert not reader(app).searching
        assert isinstance(app.focused, SectionView)


async def test_the_footer_offers_the_keys_that_work_in_the_box(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        assert "/" in footer_keys(app) and "n" not in footer_keys(app)
        await burst(pilot, "/kursk")
        shown = footer_keys(app)
        # letters go into the box: only enter and escape are offered while typing
        assert sorted(shown) == ["esc", "⏎"], shown
        await burst(pilot, "\r")
        shown = footer_keys(app)
        assert {"n", "N", "esc", "/"} <= set(shown), shown
        await pilot.press("escape")
        await pilot.pause()
        assert "n" not in footer_keys(app) and "esc" not in footer_keys(app)


# --- many sections -------------------------------------------------------------------------


async def test_two_digits_open_sections_past_nine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ReaderScreen, "DIGIT_SECONDS", 60.0)  # the second digit is never late
    app = make_app(sectioned(12))
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "12")
        assert focused_section(app) == "s12"
        assert reader(app).sections[11].expanded
        await burst(pilot, "10")
        assert focused_section(app) == "s10"
        await burst(pilot, "3")  # no section 30 or more: opens at once, nothing waits
        assert focused_section(app) == "s3"
        await burst(pilot, "1")  # could start 10-12: waits for a second digit
        assert focused_section(app) == "s3"
        await burst(pilot, "9")  # no section 19: 1 opens, then 9 (which cannot start one)
        assert focused_section(app) == "s9"
        assert reader(app).sections[0].expanded


async def test_one_digit_opens_its_section_after_the_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ReaderScreen, "DIGIT_SECONDS", 0.05)
    app = make_app(sectioned(12))
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "1")
        await wait_until(
            pilot,
            lambda: focused_section(app) == "s1" and reader(app).sections[0].expanded,
            "section 1 to open",
        )


async def test_one_digit_opens_at_once_with_nine_sections_or_fewer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ReaderScreen, "DIGIT_SECONDS", 60.0)
    app = make_app(sectioned(9))
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, "1")
        assert focused_section(app) == "s1" and reader(app).sections[0].expanded


@pytest.mark.parametrize(("first", "last"), [("g", "G"), ("home", "end")])
async def test_first_and_last_section_jump(first: str, last: str) -> None:
    app = make_app(sectioned(12))
    async with app.run_test(size=(80, 24)) as pilot:
        main = reader(app).query_one("#main")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(last)
        await pilot.pause()  # no animation: at the end once the key is handled
        assert focused_section(app) == "s12"
        assert main.scroll_y == main.max_scroll_y > 0
        await pilot.press(first)
        await pilot.pause()
        assert focused_section(app) == "s1"
        assert main.scroll_y == 0


async def test_half_pages_scroll_and_bring_the_focus_along() -> None:
    app = make_app(sectioned(12))
    async with app.run_test(size=(80, 24)) as pilot:
        main = reader(app).query_one("#main")
        await pilot.press("e")
        await pilot.pause()
        half = round(main.scrollable_content_region.height / 2)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert main.scroll_y == half
        await pilot.press("ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d")
        await pilot.pause()
        assert main.scroll_y == 6 * half
        focused = app.focused
        assert isinstance(focused, SectionView)
        region = focused.virtual_region
        assert region.bottom > main.scroll_y and region.y < main.scroll_y + 2 * half
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert main.scroll_y == 5 * half


# --- escape ----------------------------------------------------------------------------------


async def test_escape_closes_the_narrow_facts_overlay(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        panel = reader(app).query_one(FactsPanel)
        assert panel.display and panel.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.display
        assert isinstance(app.focused, SectionView)
        assert app.is_running
        await pilot.press("escape")  # nothing left to close: escape does nothing, never quits
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReaderScreen)


async def test_a_section_opened_straight_after_expand_all_is_in_view(default: Document) -> None:
    """`e` then `2` in one read: `e`'s return to the top must not undo `2`'s scroll."""
    app = make_app(default)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, "e2")
        view = reader(app).sections[1]
        main = reader(app).query_one("#main")
        await wait_until(pilot, lambda: main.scroll_y > 0, "the scroll down to section 2")
        assert focused_section(app) == "missiles"
        assert main.scroll_y == min(view.virtual_region.y, main.max_scroll_y)
