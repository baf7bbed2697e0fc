"""Command palette entries: open any section or briefing, expand, collapse, toggle the panel.

Textual's own highlighter parses candidates as markup, so hits are highlighted here from
plain ``Content``: a title from the data can never become markup in the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

if TYPE_CHECKING:
    from briefing.screens.reader import ReaderScreen

Command = tuple[str, Callable[[], object], str]


def highlight(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` as plain text, with the characters the query matched highlighted."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _open_briefing(reader: ReaderScreen, briefing_id: str) -> None:
    reader.open_briefing(briefing_id)


class BriefingCommands(Provider):
    """Commands for the briefing on screen and for every briefing in the file."""

    @property
    def reader(self) -> ReaderScreen:
        from briefing.screens.reader import ReaderScreen

        screen = self.screen
        assert isinstance(screen, ReaderScreen)
        return screen

    def commands(self) -> Iterator[Command]:
        reader = self.reader
        for text, action in reader.iter_commands():
            yield text, partial(reader.run_action, action), "Reader"
        for number, section in enumerate(reader.briefing.sections, 1):
            yield (
                f"Section {number}: {section.title}",
                partial(reader.open_section_by_id, section.id),
                # A slug ([a-z0-9-]): nothing in it reads as markup in the palette's help line.
                f"Open this section and move to it (id {section.id}: briefing summary "
                f"--section {section.id})",
            )
        for entry in reader.library.entries:
            yield (
                f"Briefing: {entry.published.isoformat()} {entry.title}",
                partial(_open_briefing, reader, entry.id),
                "Open this briefing",
            )

    async def discover(self) -> Hits:
        for text, command, help_text in self.commands():
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), command, text=text, help=help_text)
