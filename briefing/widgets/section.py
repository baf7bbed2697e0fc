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

from briefing.records import Quote, Section
from briefing.search import Key
from briefing.widgets.highlight import Marker, moves, plain, same

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
        super().__init__(classes="section")
        self.set_reactive(SectionView.expanded, expanded)
        self.number = number
        self.section = section
        self.quotes = list(quotes)
        self._keep_at_top = False
        self._mark: Marker = plain
        self._shown: dict[str, Content] = {}
        """What each part shows now, so that only parts whose text or highlights change are
        updated (each update lays the screen out again)."""

    def show(
        self,
        number: int,
        section: Section,
        quotes: Sequence[tuple[int, Quote]],
        *,
        expanded: bool = False,
    ) -> None:
        """Show another section in this view (cheaper than a new view)."""
        self.number = number
        self.section = section
        self.quotes = list(quotes)
        self._mark = plain
        self._keep_at_top = False
        self._shown.pop("body", None)
        self.set_reactive(SectionView.expanded, expanded)
        self.watch_expanded(expanded)
        self._update("summary", self._summary())

    def _key(self, *parts: str | int) -> Key:
        return ("section", self.section.id, *parts)

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="section-title")
        yield Static(self._summary(), classes="section-summary")
        # The body is laid out only when the section is first opened: a briefing of many
        # sections starts as fast as one of a few.
        body = Static(classes="section-body")
        body.display = False
        yield body

    def on_mount(self) -> None:
        if self.expanded:
            self._show_body()

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

    def _parts(self) -> list[tuple[Key, Content]]:
        """The body's parts in order, each with its search key: paragraphs, then quotes."""
        parts = [
            (self._key("paragraph", index), self._mark(self._key("paragraph", index), text))
            for index, text in enumerate(self.section.paragraphs)
        ]
        parts += [(self._key("quote", i), self._quote(i, quote)) for i, quote in self.quotes]
        return parts

    def _update(self, name: str, content: Content) -> None:
        shown = self._shown.get(name)
        if not same(shown, content):
            self._shown[name] = content
            self.query_one(f".section-{name}", Static).update(content, layout=moves(shown, content))

    def _show_body(self) -> None:
        body = Content("\n\n").join(content for _, content in self._parts())
        self._update("body", body)
        self.query_one(".section-body").display = True

    def part_line(self, key: Key) -> int:
        """The line of the body where the part with this search key starts (0 for the title
        and summary), as the body is laid out now."""
        if len(key) < 3 or key[2] not in ("paragraph", "quote"):
            return 0
        width = max(self.query_one(".section-body").content_size.width, 1)
        line = 0
        for part_key, content in self._parts():
            if part_key == key:
                return line
            line += len(content.wrap(width)) + 1
        return 0

    @property
    def body(self) -> Widget:
        """The widget that shows the paragraphs and quotes."""
        return self.query_one(".section-body")

    def mark(self, marker: Marker) -> None:
        """Show search highlights (or, with :func:`plain`, none)."""
        self._mark = marker
        self._update("title", self._title())
        self._update("summary", self._summary())
        if self.expanded:
            self._show_body()
        else:
            self._shown.pop("body", None)  # laid out again when next opened

    def watch_expanded(self, expanded: bool) -> None:
        self._update("title", self._title())
        if expanded:
            self._show_body()
        else:
            self.query_one(".section-body").display = False

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
