"""A section of a briefing, collapsed to its title and summary, opened to its full text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from briefing.widgets.bindings import bindings

if TYPE_CHECKING:
    from textual.geometry import Size

    from briefing.changes import How

from briefing.marks import GUTTER
from briefing.records import Quote, Section
from briefing.search import BodyKey, SectionKey
from briefing.widgets.highlight import Marker, plain, shown

OPEN_MARK = "▾"
CLOSED_MARK = "▸"
INDENT = 2
"""How far the summary and the body are indented under the title."""


class SectionView(Widget, can_focus=True):
    """One section: its number, title and one-line summary; opened, its paragraphs and quotes.

    The section itself takes focus (not a title inside it), so closing it never loses focus.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "section--title",
        "section--summary",
        "section--changed",
    }

    DEFAULT_CSS = """
    SectionView {
        height: auto;
        text-wrap: nowrap;  /* a section lays out its own lines */
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: vkey $panel;
    }

    /* Focus shows in the bar's shape (a thin line becomes a half block), not in colour alone. */
    SectionView:focus {
        border-left: outer $accent;
        background: $boost;
    }

    SectionView > .section--title {
        text-style: bold;
    }

    SectionView:focus > .section--title {
        color: $text-accent;
    }

    SectionView > .section--summary {
        color: $text-muted;
    }

    SectionView > .section--changed {
        text-style: bold;
        color: $text-accent;
    }

    SectionView.-flash {
        background: $section-flash;  /* the accent, quiet enough for the text on it */
    }
    """

    BINDINGS = bindings("section")

    expanded: reactive[bool] = reactive(False, init=False)
    """Whether the paragraphs and quotes show."""

    @dataclass
    class Step(Message):
        """The reader asked for the next (1) or previous (-1) section."""

        view: SectionView
        """The section the reader was on."""
        step: int
        """How many sections on (negative: back)."""

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
        self._lines: tuple[int, list[Content], int] | None
        """The section laid out at a width: the width, its lines, how many are the title's and
        the summary's (a section draws itself: one widget, not one per paragraph, is what keeps
        opening sixty sections fast)."""
        self._wrapped: tuple[int, list[list[Content]]] | None
        """The body's parts wrapped at a width: the width and each part's lines."""
        self._forget(body=True)
        self._bind(number, section, quotes, expanded)

    def show(
        self,
        number: int,
        section: Section,
        quotes: Sequence[tuple[int, Quote]],
        *,
        expanded: bool = False,
    ) -> None:
        """Show another section in this view (cheaper than a new view)."""
        self._bind(number, section, quotes, expanded)
        self._changed(layout=True, body=True)

    def _bind(
        self, number: int, section: Section, quotes: Sequence[tuple[int, Quote]], expanded: bool
    ) -> None:
        self.number = number
        self.section = section
        self.quotes = list(quotes)
        self._mark: Marker = plain
        self._keep_at_top = False
        self._changes: dict[BodyKey, How] = {}
        self._change_count = 0
        self._new_section = False
        self.set_reactive(SectionView.expanded, expanded)

    def show_changes(self, parts: dict[BodyKey, How], count: int, new: bool) -> None:
        """Mark what changed since the briefing was last read: the paragraphs and quotes new
        or reworded (``parts``, a mark in the gutter), and, on the title while the section is
        closed, how many changes it holds (``count``) or that it is ``new``."""
        shown = (self._changes, self._change_count, self._new_section)
        if shown != (parts, count, new):
            self._changes, self._change_count, self._new_section = dict(parts), count, new
            self._changed(layout=True, body=True)

    @property
    def change_note(self) -> str:
        """What the closed title says of the changes it holds: `` · 2 changes``, `` · new``."""
        if self._new_section:
            return " \u00b7 new section"
        count = self._change_count
        return f" \u00b7 {count} change{'s' * (count != 1)}" if count else ""

    # --- content --------------------------------------------------------------------------

    @property
    def title_content(self) -> Content:
        """The title line: open or closed mark, number and title (with search highlights)."""
        state = OPEN_MARK if self.expanded else CLOSED_MARK
        title = self._mark(SectionKey(self.section.id, "title"), self.section.title)
        style = self.get_visual_style("section--title", partial=True)
        line = Content.assemble(f"{state} {self.number}. ", title).stylize_before(style)
        note = self.change_note
        if note and not self.expanded:  # open, its marks show where
            changed = self.get_visual_style("section--changed", partial=True)
            line = Content.assemble(line, Content(note).stylize_before(changed))
        return line

    @property
    def summary_content(self) -> Content:
        """The one-line summary (with search highlights)."""
        # Partial: the colour without a background, so that the section's own background
        # (focused, flashed) shows through. It must then be a solid colour, not a blend that
        # needs the background (see briefing.widgets.readable: $text-muted is one).
        style = self.get_visual_style("section--summary", partial=True)
        summary = self._mark(SectionKey(self.section.id, "summary"), self.section.summary)
        return summary.stylize_before(style)

    def _quote(self, index: int, quote: Quote) -> Content:
        when = quote.when()
        attribution = ", ".join(part for part in (quote.speaker, quote.role, when) if part)
        text = self._mark(BodyKey(self.section.id, "quote", index), quote.text).stylize("italic")
        return Content.assemble(
            "\u201c", text, "\u201d\n", shown(f"\u2014 {attribution}").stylize("$text-muted")
        )

    def _parts(self) -> list[tuple[BodyKey, Content]]:
        """The body's parts in order, each with its search key: paragraphs, then quotes."""
        section_id = self.section.id
        parts: list[tuple[BodyKey, Content]] = []
        for index, text in enumerate(self.section.paragraphs):
            key = BodyKey(section_id, "paragraph", index)
            parts.append((key, self._mark(key, text)))
        parts += [
            (BodyKey(section_id, "quote", i), self._quote(i, quote)) for i, quote in self.quotes
        ]
        return parts

    @property
    def body_content(self) -> Content | None:
        """The paragraphs and quotes, when the section is open."""
        if not self.expanded:
            return None
        return Content("\n\n").join(content for _, content in self._parts())

    # --- layout ---------------------------------------------------------------------------

    def _layout(self, width: int) -> list[Content]:
        """The section's lines at this width: the title, then the summary and (open) the body
        indented by :data:`INDENT` columns, a blank line before each part of the body."""
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        inner = max(width - INDENT, 1)
        lines = self.title_content.wrap(max(width, 1))
        lines += [Content.assemble(" " * INDENT, line) for line in self.summary_content.wrap(inner)]
        head_lines = len(lines)
        if self.expanded:
            keys = [key for key, _ in self._parts()] if self._changes else []
            for index, part_lines in enumerate(self._body_lines(width)):
                lines.append(Content(""))
                gutter = self._gutter(keys[index] if keys else None)
                lines += [Content.assemble(gutter, line) for line in part_lines]
        self._lines = (width, lines, head_lines)
        return lines

    def _gutter(self, key: BodyKey | None) -> Content:
        """What stands in the indent of a part's lines: ``+`` for a new paragraph or quote,
        ``~`` for a reworded one (a shape that reads without colour), else spaces."""
        how = self._changes.get(key) if key is not None else None
        if how is None or how not in GUTTER:
            return Content(" " * INDENT)
        style = self.get_visual_style("section--changed", partial=True)
        return Content(GUTTER[how].ljust(INDENT)).stylize_before(style)

    @property
    def _head_lines(self) -> int:
        """How many lines the title and the summary take, as the section is laid out now."""
        self._layout(self.content_size.width)
        assert self._lines is not None
        return self._lines[2]

    def _body_lines(self, width: int) -> list[list[Content]]:
        """Each part of the body wrapped for a section this wide (kept while the parts and the
        width stay the same: opening and closing, focus and the cursor do not change them)."""
        inner = max(width - INDENT, 1)
        if self._wrapped is None or self._wrapped[0] != inner:
            self._wrapped = (inner, [content.wrap(inner) for _, content in self._parts()])
        return self._wrapped[1]

    def prepare(self) -> None:
        """Wrap the body ahead of time, at the width the section has now: the reader does it
        while idle, one section at a time, so that opening sections costs little."""
        if self.content_size.width > 0:
            self._body_lines(self.content_size.width)

    def render(self) -> Content:
        return Content("\n").join(self._layout(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width))

    def part_line(self, key: SectionKey | BodyKey) -> int:
        """The line of the section where the text with this search key starts, as the section
        is laid out now (0 for its title)."""
        width = self.content_size.width
        lines = self._layout(width)
        if isinstance(key, SectionKey):
            return 0 if key.part == "title" else min(1, len(lines) - 1)
        line = self._head_lines
        parts = self._parts()
        for (part_key, _), part_lines in zip(parts, self._body_lines(width), strict=True):
            line += 1  # the blank line before each part
            if part_key == key:
                return line
            line += len(part_lines)
        return 0

    def _forget(self, *, body: bool) -> None:
        """The one way to drop what the section has laid out, for every change to what it shows
        (the section, open or closed, focus, highlights, the theme): its lines are made again
        when next drawn; with ``body``, the body's wrapped parts too (their text or highlights
        changed). A width that changes makes them again by itself."""
        self._lines = None
        if body:
            self._wrapped = None

    def _changed(self, *, layout: bool, body: bool = False) -> None:
        self._forget(body=body)
        self.refresh(layout=layout)

    def mark(self, marker: Marker) -> None:
        """Show search highlights (or, with :func:`plain`, none); the section is drawn again
        only when they change what it shows."""
        before = self._signature()
        self._mark = marker
        if self._signature() != before:
            # Highlights change styles, never the text; the body's are in its wrapped parts.
            self._changed(layout=False, body=True)

    def _signature(self) -> list[tuple[str, object]]:
        shown = [self.title_content, self.summary_content, *(c for _, c in self._parts())]
        return [(content.plain, content.spans) for content in shown]

    def watch_expanded(self) -> None:
        self._changed(layout=True)

    def on_focus(self) -> None:
        self._changed(layout=False)

    def notify_style_update(self) -> None:
        self._forget(body=False)  # the theme or the pseudo-classes changed: colours are baked in
        super().notify_style_update()

    def action_toggle_open(self) -> None:
        """Open a closed section, close an open one."""
        self.expanded = not self.expanded

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
        self._changed(layout=False)

    def on_click(self, event: events.Click) -> None:
        self.focus()
        if event.y < self._head_lines:  # the title or the summary: open or close
            self.action_toggle_open()
