"""Reading the reader's state in Pilot tests, and waiting for a condition instead of a time."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from briefing.app import BriefingApp
from briefing.reading import Reading, source_key
from briefing.screens.reader import ReaderScreen
from briefing.widgets.section import SectionView

TIMEOUT = 20.0
"""How long a condition may take to hold: far more than it ever needs, even under load."""


def reader(app: BriefingApp) -> ReaderScreen:
    """The reader screen, which must be the screen shown."""
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def opened(app: BriefingApp) -> list[bool]:
    """Which of the briefing's sections are open."""
    return [view.expanded for view in reader(app).sections]


def focused_section(app: BriefingApp) -> str | None:
    """The id of the focused section; ``None`` when focus is elsewhere."""
    return app.focused.section.id if isinstance(app.focused, SectionView) else None


def counter(app: BriefingApp) -> str:
    """The search's match counter, as shown (``3/9``)."""
    return str(reader(app).query_one("#search-count", Static).render())


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], object], what: str = "the condition"
) -> None:
    """Let the app run until ``condition()`` holds; fail if it never does."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def palette_search(pilot: Pilot[None], text: str) -> str | None:
    """Type ``text`` into the open command palette, wait until its search has finished, and
    return the prompt of the command it offers first (``None``: no command matches)."""
    from textual.command import CommandList, CommandPalette

    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*text)
    await pilot.pause()  # the search starts once the input has the text
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return None
    prompt = commands.get_option_at_index(commands.highlighted).prompt
    return str(prompt).splitlines()[0]


def screen_text(app: BriefingApp) -> str:
    """What the terminal shows now, as lines of text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def saved_place(reading_file: Path, source: Path) -> tuple[str | None, tuple[str, ...]]:
    """What ``reading.json`` says of a data file: the briefing open last in it, and the
    sections open in that briefing."""
    assert reading_file.is_file(), f"{reading_file} was not saved"
    reading, warnings = Reading.load(reading_file)
    assert warnings == []
    key = source_key(source)
    last = reading.last(key)
    return last, reading.place_of(key, last).open_sections if last else ()
