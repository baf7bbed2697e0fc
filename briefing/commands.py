"""Command palette entries: open any section or briefing, expand, collapse, toggle the panel,
each with its key.

Textual's own highlighter parses candidates as markup, so hits are highlighted here from
plain ``Content``: a title from the data can never become markup in the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from briefing.keys import BINDINGS

if TYPE_CHECKING:
    from briefing.screens.reader import ReaderScreen

KEY_GAP = "  "


def highlight(matcher: Matcher, candidate: str, key_width: int = 0) -> Content:
    """``candidate`` as plain text, its first ``key_width`` characters (the key) in bold, with
    the characters the query matched highlighted."""
    content = Content(candidate).stylize("bold", 0, key_width)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _open_briefing(reader: ReaderScreen, briefing_id: str) -> None:
    reader.open_briefing(briefing_id)


class BriefingCommands(Provider):
    """Commands for the briefing on screen and for every briefing in the file, each with the key
    that does the same in the reader (the key in force: the user's, if rebound)."""

    @property
    def reader(self) -> ReaderScreen:
        from briefing.screens.reader import ReaderScreen

        screen = self.screen
        assert isinstance(screen, ReaderScreen)
        return screen

    def entries(self) -> Iterator[tuple[str, str, Callable[[], object], str | None]]:
        """(key, what it does, what it runs, help) for each command; "" when it has no key."""
        from briefing.app import BriefingApp

        reader = self.reader
        app = reader.app
        assert isinstance(app, BriefingApp)
        for binding in BINDINGS:
            # Only what applies now: `u` Next change only when there are changes.
            applies = reader.check_action(binding.action.split("(")[0], ()) is not False
            if binding.palette and applies:
                action = partial(reader.run_action, binding.action)
                yield app.key_shown(binding.id), binding.description, action, None
        for number, section in enumerate(reader.briefing.sections, 1):
            yield (
                _section_key(app.key_shown, number),
                f"Open section {number}: {section.title}",
                partial(reader.open_section_by_id, section.id),
                # A slug ([a-z0-9-]): nothing in it reads as markup in the palette's help line.
                f"Open this section and move to it (id {section.id}: briefing summary "
                f"--section {section.id})",
            )
        for entry in reader.library.entries:
            yield (
                "",
                f"Briefing: {entry.published.isoformat()} {entry.title}",
                partial(_open_briefing, reader, entry.id),
                "Open this briefing",
            )

    def commands(self) -> Iterator[tuple[str, int, Callable[[], object], str | None]]:
        """(text, width of the key at its start, what it runs, help) for each command: the keys
        in a column, ``2  Open section 2: …``."""
        entries = list(self.entries())
        width = max((len(key) for key, *_ in entries), default=0)
        for key, text, command, help_text in entries:
            yield f"{key:<{width}}{KEY_GAP}{text}", len(key), command, help_text

    async def discover(self) -> Hits:
        for text, key_width, command, help_text in self.commands():
            content = Content(text).stylize("bold", 0, key_width)
            yield DiscoveryHit(content, command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, key_width, command, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                shown = highlight(matcher, text, key_width)
                yield Hit(score, shown, command, text=text, help=help_text)


def _section_key(key_shown: Callable[[str], str], number: int) -> str:
    """The keys that open section ``number``: its digit, or its two digits from 10 to 99."""
    if not 1 <= number <= 99:
        return ""
    digits = divmod(number, 10) if number > 9 else (number,)
    shown = [key_shown(f"reader.digit-{digit}") for digit in digits]
    return ("" if all(len(key) == 1 for key in shown) else " ").join(shown)
