"""What the reader shows, read off the screen (Pilot): layout, messages and signs a newcomer
sees at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from briefing.app import BriefingApp, make_app
from briefing.records import Document
from briefing.screens.help import HelpScreen
from briefing.store import parse
from briefing.widgets.facts import BADGE_WIDTH, FactsPanel
from briefing.widgets.section import SectionView
from tests.conftest import BUNDLED, minimal
from tests.helpers import wait_until
from tests.test_reader_tools import reloading_app


def drawn(widget: Widget) -> list[str]:
    """The lines a widget draws now, as text (trailing blanks removed)."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def app_for(data: dict[str, Any], **options: Any) -> BriefingApp:
    return make_app(parse(json.dumps(data)), **options)


async def test_a_wrapped_fact_value_continues_under_the_value_not_the_badge() -> None:
    data = minimal()
    fact = data["briefings"][0]["key_facts"][0]
    fact.update(value="a value long enough to wrap over three lines of the panel", label="Lbl")
    app = app_for(data)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        lines = drawn(app.screen.query_one(FactsPanel))
        first = next(i for i, line in enumerate(lines) if "CONFIRMED" in line)
        value_column = lines[first].index("a value")
        assert value_column > lines[first].index("CONFIRMED") + BADGE_WIDTH
        label = next(i for i, line in enumerate(lines) if line.strip() == "Lbl")
        continued = lines[first + 1 : label]
        assert len(continued) >= 1
        for line in continued:
            assert line[:value_column].strip() == "", line  # nothing under the badge
            assert line[value_column] != " ", line  # the text starts under the value
        words = " ".join(line[value_column:].strip() for line in [lines[first], *continued])
        assert words == fact["value"]


async def test_paragraphs_keep_a_reading_measure_and_the_panel_takes_what_is_left(
    default: Document,
) -> None:
    app = make_app(default)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        main = app.screen.query_one("#main")
        panel = app.screen.query_one(FactsPanel)
        assert main.region.width <= 88
        assert panel.region.width > 38  # wider than at 110 columns, where it has its minimum
        body = drawn(app.screen.query(SectionView)[1])
        assert len(body) > 10
        assert max(len(line) for line in body) <= 84  # about 80 columns of text
        # The column and the panel are centred, not the column stretched across the screen.
        left = main.region.x
        right = app.size.width - panel.region.right
        assert left > 0 and abs(left - right) <= 2


async def test_a_long_title_wraps_into_balanced_lines(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = [line.strip() for line in drawn(app.screen.query_one("#title")) if line.strip()]
        assert " ".join(lines) == default.briefings[0].title
        assert len(lines) == 2
        assert len(lines[1].split()) > 1  # never one word alone
        assert abs(len(lines[0]) - len(lines[1])) <= 8


async def test_the_header_says_while_the_screen_is_not_the_files_content(
    tmp_path: Path,
) -> None:
    path = tmp_path / "briefings.json"
    shutil.copy(BUNDLED, path)
    app = reloading_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        stale = app.screen.query_one("#stale", Static)
        assert not stale.display
        header_lines = drawn(app.screen.query_one("#header"))

        def sign() -> str:
            return " ".join(drawn(stale)).strip() if stale.display else ""

        path.write_text("{", encoding="utf-8")
        await wait_until(pilot, lambda: "invalid" in sign())
        assert sign() == "⚠ Not the file's current content: the file is invalid"
        # Beside the title, not instead of it: the title keeps every line it had.
        assert drawn(app.screen.query_one("#header"))[: len(header_lines)] == header_lines
        path.unlink()
        await wait_until(pilot, lambda: "gone" in sign())
        shutil.copy(BUNDLED, path)
        await wait_until(pilot, lambda: not stale.display)


async def test_help_on_a_tiny_screen_wraps_and_lists_only_keys_a_terminal_sends(
    default: Document,
) -> None:
    app = make_app(default)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = help_screen.query_one("#help-keys")
        box = help_screen.query_one("#help")
        assert keys.region.right <= box.scrollable_content_region.right  # nothing cut off
        text = " ".join(" ".join(drawn(keys)).split())
        for _keys, description in help_screen.rows:
            assert description in text  # whole, even when wrapped
        assert "super" not in text and "Copy selected text" not in text
