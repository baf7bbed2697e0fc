"""The reader comes back to a briefing: the strip that says what changed since the last visit,
the marks (old value beside new, gutter marks, a closed section's count), ``u`` and ``U``, the
next visit clean, a live reload's changes, and the picker's marks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefing.app import BriefingApp, make_app
from briefing.index import open_library
from briefing.screens.help import HelpScreen
from briefing.screens.picker import BriefingPicker
from briefing.widgets.facts import FactsPanel
from briefing.widgets.news import NewsStrip
from tests.conftest import HOSTILE_TEXTS, minimal, multi_document, notifications, write_json
from tests.helpers import (
    focused_section,
    opened,
    palette_search,
    reader,
    screen_text,
    wait_until,
)

SIZE = (120, 40)


def _app(path: Path, state: Path, briefing_id: str | None = None) -> BriefingApp:
    return make_app(
        open_library(path),
        briefing_id,
        state_path=state,
        source=path,
        loader=lambda: open_library(path),
    )


def _revise(data: dict[str, Any]) -> dict[str, Any]:
    """The publisher's revision: a fact's value and status, a new paragraph, a new event."""
    briefing = data["briefings"][0]
    briefing["key_facts"][0].update(value="310 km", status="reported")
    briefing["sections"][1]["paragraphs"].append("A paragraph added in the revision.")
    briefing["timeline"].append({"date": "2024-11-20", "event": "A new event.", "section": "two"})
    return data


async def _visit(path: Path, state: Path, *keys: str) -> str:
    """Open the reader, press ``keys``, quit; what the strip said."""
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = _strip(app)
        await pilot.press(*keys)
        await pilot.press("q")
    return said


def _strip(app: BriefingApp) -> str:
    strip = reader(app).query_one(NewsStrip)
    return str(strip.render()) if strip.shown else ""


def _fact_text(app: BriefingApp, index: int = 0) -> str:
    panel = reader(app).query_one(FactsPanel)
    prompt = panel.get_option(f"fact-{index}").prompt
    return str(getattr(prompt, "content", prompt))


async def test_a_revision_is_marked_on_the_next_visit_and_only_then(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    assert await _visit(path, state) == ""  # the first visit: nothing to compare with
    write_json(path, _revise(minimal()))
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = _strip(app)
        assert said.startswith("Updated since you read it on ")
        assert "1 fact changed, 1 new paragraph, 1 new event" in said
        assert "u: next change · x: dismiss · marked + new, ~ changed" in said
        fact = _fact_text(app)
        assert "310 km (was: 300 km)" in fact and "confirmed → reported" in fact
        screen = screen_text(app)
        assert "2. Section two · 1 change" in screen  # the paragraph (the event is in t)
        assert (
            "1. Section one ·" not in screen
        )  # its change is a fact, in the panel  # closed: it says what it holds
        assert "· updated" in screen  # the header's date line
        # u goes to each change, opening its section.
        await pilot.press("u")
        await pilot.pause()
        assert opened(app) == [False, True] and focused_section(app) == "two"
        await pilot.pause()
        assert "+ A paragraph added in the revision." in screen_text(app)
        messages = notifications(app)
        await pilot.press("u")  # the paragraph
        await pilot.pause()
        assert messages[-1] == 'Change 2 of 3: Section 2 "Section two", paragraph 2 — new'
        await pilot.press("u")  # the fact, in the panel
        await pilot.pause()
        panel = reader(app).query_one(FactsPanel)
        assert panel.highlighted == panel.get_option_index("fact-0")
        await pilot.press("U")
        await pilot.pause()
        assert focused_section(app) == "two"
        await pilot.press("x")
        await pilot.pause()
        assert _strip(app) == ""
        await pilot.press("q")
    # The marks belonged to that visit: the next one is clean.
    assert await _visit(path, state) == ""


async def test_footer_and_keys_offer_changes_only_when_there_are(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Next change" not in screen_text(app)
        assert reader(app).check_action("next_change", ()) is False
        await pilot.press("question_mark")  # the help knows them all the same
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict((description, key) for key, description in app.screen.rows)
        assert rows["Next change (when the briefing changed since you read it)"] == "u"
        assert rows["Previous change (when the briefing changed since you read it)"] == "U"
        await pilot.press("escape")
        await pilot.press("q")
    write_json(path, _revise(minimal()))
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Next change" in screen_text(app)
        await pilot.press("ctrl+p")
        assert (
            await palette_search(pilot, "next change")
        ) == "u  Go to the next change since you last read this briefing"
        await pilot.press("escape", "q")


async def test_the_palette_offers_next_change_only_when_there_are_changes(
    tmp_path: Path,
) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    app = _app(path, tmp_path / "state" / "reading.json")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        assert (await palette_search(pilot, "next change")) is None
        await pilot.press("escape", "q")


async def test_a_correction_is_named_first_and_u_goes_to_it(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    await _visit(path, state)
    data = _revise(minimal())
    data["schema_version"] = 1.1
    data["briefings"][0]["corrections"] = [
        {"date": "2024-11-20", "text": "The range was misstated.", "section": "one"}
    ]
    write_json(path, data)
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = _strip(app)
        assert said.startswith("Correction: 20 November 2024: The range was misstated. · ")
        assert "Updated since you read it on" in said and "1 correction" in said
        await pilot.press("G", "u")  # from the end, u goes back to the top: the correction
        await pilot.pause()
        main = reader(app).query_one("#main")
        await wait_until(pilot, lambda: main.scroll_y == 0, "the top")
        await pilot.press("q")


async def test_a_live_reload_marks_what_it_changed(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _strip(app) == ""
        write_json(path, _revise(minimal()))
        await wait_until(pilot, lambda: "310 km" in _fact_text(app), "the reload")
        await pilot.pause()
        assert "Updated since you opened it: 1 fact changed" in _strip(app)
        assert "(was: 300 km)" in _fact_text(app)
        await pilot.press("q")


async def test_two_briefings_and_the_picker_say_which_are_new_or_updated(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", multi_document())
    state = tmp_path / "state" / "reading.json"
    await _visit(path, state)  # reads the newest: newest-first
    data = multi_document()
    data["briefings"][1]["bottom_line"] = "A revised bottom line."
    write_json(path, data)
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(app).briefing.id == "newest-first"
        assert "the bottom line changed" in _strip(app).lower()
        assert reader(app).query_one("#bottom-line").border_title == "Bottom line · changed"
        await pilot.press("]")
        await wait_until(pilot, lambda: reader(app).briefing.id == "newest-second")
        assert "· new" in screen_text(app) and _strip(app) == ""
        await pilot.press("b")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, BriefingPicker)
        # Both shown in this visit are read now; the old one was never opened.
        assert picker.marks == {"older": "new", "newest-first": "", "newest-second": ""}
        assert "older" in screen_text(app) or "· new" in screen_text(app)
        await pilot.press("escape", "q")


async def test_hostile_text_in_a_change_stays_text(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    await _visit(path, state)
    data = minimal()
    data["briefings"][0]["key_facts"][0]["value"] = HOSTILE_TEXTS[0]
    data["briefings"][0]["sections"][0]["paragraphs"].append(HOSTILE_TEXTS[0])
    write_json(path, data)
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]" in _fact_text(app)
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert app.is_running  # no markup ran
        assert "[@click=app.quit]" in screen_text(app)
        await pilot.press("q")
    assert json.loads(state.read_text())  # saved


def test_the_app_is_what_the_reader_asks_for_to_remember_what_is_read(tmp_path: Path) -> None:
    """The screen reaches the app through a protocol (no import of the app): a renamed method
    would silently stop the remembering, so the app is held to it."""
    from briefing.screens.reader import Visits

    path = write_json(tmp_path / "briefings.json", minimal())
    assert isinstance(_app(path, tmp_path / "reading.json"), Visits)


async def test_a_new_thing_to_watch_has_the_gutter_mark_for_bullet(tmp_path: Path) -> None:
    path = write_json(tmp_path / "briefings.json", minimal())
    state = tmp_path / "state" / "reading.json"
    await _visit(path, state)
    data = minimal()
    data["briefings"][0]["watch"].append("Something new to watch.")
    write_json(path, data)
    app = _app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_text(app)
        assert "• What comes next." in screen and "+ Something new to watch." in screen
        await pilot.press("q")
