"""A section of a briefing, collapsed to its title and summary, opened to its full text."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from briefing.models import Quote, Section

OPEN_MARK = "▾"
CLOSED_MARK = "▸"


def section_body(section: Section, quotes: Sequence[Quote]) -> Content:
    """The paragraphs, then the quotes with who said them, as plain (never markup) content."""
    parts: list[Content | str | tuple[str, str]] = []
    for paragraph in section.paragraphs:
        if parts:
            parts.append("\n\n")
        parts.append(Content(paragraph))
    for quote in quotes:
        attribution = ", ".join(part for part in (quote.speaker, quote.role, quote.date) if part)
        parts += [
            "\n\n",
            (f"\u201c{quote.text}\u201d", "italic"),
            "\n",
            (f"\u2014 {attribution}", "dim"),
        ]
    return Content.assemble(*parts)


class SectionView(Widget, can_focus=True):
    """One section: its number, title and one-line summary; opened, its paragraphs and quotes.

    The section itself takes focus (not a title inside it), so closing it never loses focus.
    """

    BINDINGS = [
        Binding("enter,space", "toggle_open", "Open/close", tooltip="Open or close this section"),
        Binding("down,j", "step(1)", "Next section", show=False),
        Binding("up,k", "step(-1)", "Previous section", show=False),
    ]

    expanded: reactive[bool] = reactive(False, init=False)
    """Whether the paragraphs and quotes show."""

    class Toggled(Message):
        """The section was opened or closed."""

        def __init__(self, view: SectionView) -> None:
            super().__init__()
            self.view = view

    class Step(Message):
        """The reader asked for the next (1) or previous (-1) section."""

        def __init__(self, view: SectionView, step: int) -> None:
            super().__init__()
            self.view = view
            self.step = step

    def __init__(self, number: int, section: Section, quotes: Sequence[Quote]) -> None:
        super().__init__(id=f"section-{section.id}", classes="section")
        self.number = number
        self.section = section
        self.quotes = list(quotes)
        self._keep_at_top = False

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="section-title")
        yield Static(Content(self.section.summary), classes="section-summary")
        yield Static(section_body(self.section, self.quotes), classes="section-body")

    def _title(self) -> Content:
        mark = OPEN_MARK if self.expanded else CLOSED_MARK
        return Content.assemble(f"{mark} {self.number}. ", Content(self.section.title))

    def watch_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-open")
        self.query_one(".section-title", Static).update(self._title())

    def action_toggle_open(self) -> None:
        """Open a closed section, close an open one."""
        self.expanded = not self.expanded
        self.post_message(self.Toggled(self))

    def action_step(self, step: int) -> None:
        """Ask the screen to move to the next or previous section."""
        self.post_message(self.Step(self, step))

    def bring_to_top(self) -> None:
        """Scroll this section to the top of its column, now and whenever its size changes
        (as when it has just opened) until it loses focus."""
        self._keep_at_top = True
        self.call_after_refresh(self._scroll_to_top)

    def _scroll_to_top(self) -> None:
        if self._keep_at_top and self.parent is not None:
            column = self.parent
            if isinstance(column, ScrollableContainer):
                column.scroll_to_widget(self, top=True, animate=False)

    def on_resize(self) -> None:
        self._scroll_to_top()

    def on_blur(self) -> None:
        self._keep_at_top = False

    def on_click(self, event: events.Click) -> None:
        self.focus()
        clicked = event.widget
        if clicked is not None and {"section-title", "section-summary"} & set(clicked.classes):
            self.action_toggle_open()
