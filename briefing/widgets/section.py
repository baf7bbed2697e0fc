"""A section of a briefing, collapsed to its title and summary, opened to its full text."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from briefing.records import Quote, Section
from briefing.search import Key
from briefing.widgets.highlight import Marker, plain

OPEN_MARK = "▾"
CLOSED_MARK = "▸"


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

    def __init__(
        self,
        number: int,
        section: Section,
        quotes: Sequence[tuple[int, Quote]],
        *,
        expanded: bool = False,
    ) -> None:
        """``quotes`` are this section's quotes with their index among the briefing's quotes."""
        classes = "section -open" if expanded else "section"
        super().__init__(id=f"section-{section.id}", classes=classes)
        self.set_reactive(SectionView.expanded, expanded)
        self.number = number
        self.section = section
        self.quotes = list(quotes)
        self._keep_at_top = False
        self._mark: Marker = plain

    def _key(self, *parts: str | int) -> Key:
        return ("section", self.section.id, *parts)

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="section-title")
        yield Static(self._summary(), classes="section-summary")
        with Vertical(classes="section-body"):
            for index, paragraph in enumerate(self.section.paragraphs):
                yield Static(self._mark(self._key("paragraph", index), paragraph), classes="part")
            for index, quote in self.quotes:
                yield Static(self._quote(index, quote), classes="part quote")

    def _title(self) -> Content:
        state = OPEN_MARK if self.expanded else CLOSED_MARK
        title = self._mark(self._key("title"), self.section.title)
        return Content.assemble(f"{state} {self.number}. ", title)

    def _summary(self) -> Content:
        return self._mark(self._key("summary"), self.section.summary)

    def _quote(self, index: int, quote: Quote) -> Content:
        attribution = ", ".join(part for part in (quote.speaker, quote.role, quote.date) if part)
        text = self._mark(self._key("quote", index), quote.text).stylize("italic")
        return Content.assemble("\u201c", text, "\u201d\n", (f"\u2014 {attribution}", "dim"))

    def part(self, key: Key) -> Widget:
        """The widget that shows the text with this search key (the section for its title)."""
        parts = list(self.query(".part"))
        if key[2] == "paragraph":
            return parts[int(key[3])]
        if key[2] == "quote":
            indexes = [index for index, _ in self.quotes]
            return parts[len(self.section.paragraphs) + indexes.index(int(key[3]))]
        return self

    def mark(self, marker: Marker) -> None:
        """Show search highlights (or, with :func:`plain`, none)."""
        self._mark = marker
        self.query_one(".section-title", Static).update(self._title())
        self.query_one(".section-summary", Static).update(self._summary())
        parts = list(self.query(".part").results(Static))
        for index, paragraph in enumerate(self.section.paragraphs):
            parts[index].update(marker(self._key("paragraph", index), paragraph))
        for offset, (index, quote) in enumerate(self.quotes):
            parts[len(self.section.paragraphs) + offset].update(self._quote(index, quote))

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
