"""The reader's state held in one place: the search (one :class:`Matches`, one ``searching``
flag that the bar and the screen's class follow), and the messages its widgets send, checked
as they flow (``message_hook``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st
from textual.message import Message

from briefing.app import BriefingApp, make_app
from briefing.index import open_library
from briefing.records import Document
from briefing.screens.fact import FactScreen
from briefing.screens.reader import ReaderScreen
from briefing.search import Matches
from briefing.store import parse
from briefing.widgets.facts import FactsPanel
from briefing.widgets.footer import FooterKey, QuietFooter
from briefing.widgets.searchbar import SearchBar
from briefing.widgets.section import SectionView
from tests.conftest import BUNDLED, multi_document, notifications, write_json
from tests.helpers import counter, focused_section, opened, reader, wait_until

M = TypeVar("M", bound=Message)

SIZE = (120, 40)


def sent_once(sent: list[Message], kind: type[M]) -> list[M]:
    """The messages of one kind, each once: the hook sees a message at every widget it
    bubbles through."""
    return list({id(m): m for m in sent if isinstance(m, kind)}.values())


def search_state(app: BriefingApp) -> tuple[bool, str, int]:
    """Whether the reader is searching, the query in its bar and how many matches it holds,
    after checking that everything that shows the search agrees with ``searching``."""
    screen = reader(app)
    bar = screen.query_one(SearchBar)
    searching = screen.searching
    assert screen.has_class("-searching") is searching
    assert bool(bar.display) is searching
    if not searching:
        assert screen.matches.hits == [] and screen.matches.current is None
        assert bar.query_text == "" and (not bar.children or counter(app) == "")
    return searching, bar.query_text, len(screen.matches.hits)


def offered(app: BriefingApp) -> list[str]:
    """The actions of the keys the footer offers (shown and not disabled)."""
    keys = reader(app).query_one(QuietFooter).query(FooterKey)
    return [key.action for key in keys if key.display and not key.has_class("-disabled")]


# --- the search state, alone -----------------------------------------------------------------


def test_matches_find_step_count_and_clear(default: Document) -> None:
    briefing = default.briefings[0]
    matches = Matches()
    assert matches.hit is None and matches.count("") == "" and matches.step(1) is None
    holding = matches.find(briefing, "kursk")
    found = len(matches.hits)
    assert found >= 2 and matches.current == 0 and matches.count("kursk") == f"1/{found}"
    assert holding == {h.field.section for h in matches.hits} - {None}
    assert matches.step(-1) == matches.hits[-1]  # before the first: the last
    assert matches.count("kursk") == f"{found}/{found}"
    assert matches.step(1) == matches.hits[0]  # after the last: the first
    assert matches.find(briefing, "no such words here") == set()
    assert matches.hit is None and matches.count("no such words here") == "no match"
    matches.opened.add("trump")
    matches.clear()
    assert not matches.hits and matches.hit is None and not matches.opened


@given(steps=st.lists(st.integers(min_value=-7, max_value=7), max_size=12))
def test_stepping_stays_among_the_matches(default: Document, steps: list[int]) -> None:
    matches = Matches()
    matches.find(default.briefings[0], "e")
    expected = 0
    for step in steps:
        expected = (expected + step) % len(matches.hits)
        assert matches.step(step) == matches.hits[expected]
        assert matches.count("e") == f"{expected + 1}/{len(matches.hits)}"


# --- the search state in the reader ---------------------------------------------------------


async def test_entering_and_leaving_search_keep_one_state(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        assert search_state(app) == (False, "", 0)
        await pilot.press("slash", *"kursk")
        await wait_until(pilot, lambda: counter(app).startswith("1/"), "the first match")
        assert search_state(app)[:2] == (True, "kursk")
        await pilot.press("enter", "n")
        assert search_state(app)[0]
        await wait_until(pilot, lambda: "next_match" in offered(app), "n in the footer")
        await pilot.press("escape")  # clears the search
        assert search_state(app) == (False, "", 0)
        await wait_until(pilot, lambda: "next_match" not in offered(app), "n gone")
        await pilot.press("slash")  # again: the bar is back, empty
        assert search_state(app) == (True, "", 0)
        await pilot.press("enter")  # an empty search just closes
        assert search_state(app) == (False, "", 0)


async def test_another_briefing_ends_the_search(tmp_path: Path) -> None:
    app = make_app(parse(json.dumps(multi_document())), "older")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"a")
        await wait_until(pilot, lambda: bool(reader(app).matches.hits), "matches")
        await pilot.press("enter", "right_square_bracket")
        await wait_until(pilot, lambda: reader(app).briefing.id != "older", "the next briefing")
        assert search_state(app) == (False, "", 0)


async def test_a_reload_during_a_search_searches_the_new_text(tmp_path: Path) -> None:
    path = tmp_path / "briefings.json"
    shutil.copy(BUNDLED, path)
    app = make_app(open_library(path), loader=lambda: open_library(path))
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"pyongyang")
        await wait_until(pilot, lambda: counter(app) == "1/1", "the one match")
        await pilot.press("enter")
        assert opened(app) == [False, False, True, False]
        data = json.loads(path.read_text())
        data["briefings"][0]["bottom_line"] += " Pyongyang again."
        write_json(path, data)
        await pilot.press("r")
        await wait_until(pilot, lambda: "Reloaded 1 briefing." in messages, "the reload")
        await wait_until(pilot, lambda: counter(app) == "1/2", "both matches")
        assert search_state(app) == (True, "pyongyang", 2)
        assert focused_section(app) == "north-korea"  # the search box did not take focus back
        assert opened(app) == [False, False, True, False]
        await pilot.press("n")
        assert counter(app) == "2/2"


async def test_the_footer_follows_the_width_by_binding(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(160, 40)) as pilot:
        footer = reader(app).query_one(QuietFooter)
        assert not reader(app).narrow and not footer.compact
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: reader(app).narrow, "the narrow layout")
        assert footer.compact and reader(app).has_class("-narrow")
        await pilot.resize_terminal(160, 40)
        await wait_until(pilot, lambda: not reader(app).narrow, "the wide layout")
        assert not footer.compact and not reader(app).has_class("-narrow")


# --- messages, as they flow --------------------------------------------------------------------


async def test_choosing_a_fact_sends_chosen_with_the_fact_and_g_goes_to_its_section(
    default: Document,
) -> None:
    """``enter`` on a fact sends one Chosen with it: the reader shows the fact's dialog; ``g``
    there opens the fact's section and moves to it."""
    sent: list[Message] = []
    app = make_app(default)
    async with app.run_test(size=SIZE, message_hook=sent.append) as pilot:
        await pilot.press("tab", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FactScreen), "the fact's dialog")
        chosen = sent_once(sent, FactsPanel.Chosen)
        assert len(chosen) == 1
        fact = chosen[0].fact
        briefing = default.briefings[0]
        in_panel = [f for s in briefing.sections for f in briefing.key_facts if f.section == s.id]
        assert fact == in_panel[1]  # the panel lists the facts section by section
        screen = app.screen
        assert isinstance(screen, FactScreen) and screen.fact == fact
        behind = app.screen_stack[-2]
        assert isinstance(behind, ReaderScreen)
        assert not any(view.expanded for view in behind.sections)  # not opened yet
        await pilot.press("g")
        await wait_until(pilot, lambda: focused_section(app) is not None, "a section focused")
        assert focused_section(app) == fact.section
        assert opened(app)[reader(app)._section_index(fact.section)]


async def test_moving_between_sections_sends_step_from_the_section(default: Document) -> None:
    sent: list[Message] = []
    app = make_app(default)
    async with app.run_test(size=SIZE, message_hook=sent.append) as pilot:
        await pilot.press("down", "j", "k")
        await pilot.pause()
        steps = [(m.view.section.id, m.step) for m in sent_once(sent, SectionView.Step)]
        ids = [s.id for s in default.briefings[0].sections]
        assert steps == [(ids[0], 1), (ids[1], 1), (ids[2], -1)]
        assert focused_section(app) == ids[1]
        # Opening and closing a section sends nothing the reader would have to handle.
        sent.clear()
        await pilot.press("enter", "enter")
        assert not [m for m in sent if type(m).__qualname__.startswith("SectionView.")]
        assert opened(app)[1] is False  # opened and closed again
