"""Text whose wrapped lines are balanced: a title that needs two lines gets two of about the
same length, never a full line and then one word alone (``soil``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.visual import Visual
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import RenderResult
    from textual.css.styles import RulesMap
    from textual.css.types import TextOverflow
    from textual.strip import Strip
    from textual.style import Style
    from textual.visual import RenderOptions


def balanced_width(content: Content, width: int, overflow: TextOverflow = "fold") -> int:
    """The narrowest width at most ``width`` that wraps ``content`` on no more lines than
    ``width`` does (the number of lines only grows as the width shrinks)."""
    lines = len(content.wrap(width, overflow=overflow))
    if lines <= 1:
        return width
    low, high = 1, width
    while low < high:
        middle = (low + high) // 2
        if len(content.wrap(middle, overflow=overflow)) <= lines:
            high = middle
        else:
            low = middle + 1
    return low


class Balanced(Visual):
    """``content`` wrapped at its :func:`balanced_width`."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def __str__(self) -> str:
        return self.content.plain

    def lines(self, width: int, rules: RulesMap) -> list[Content]:
        """The balanced lines at ``width`` (a word too long for a line overflowing as the
        widget's ``text-overflow`` says)."""
        overflow = rules.get("text_overflow", "fold")
        return self.content.wrap(balanced_width(self.content, width, overflow), overflow=overflow)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        lines = Content("\n").join(self.lines(width, options.rules))
        return lines.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width, rules))


class BalancedStatic(Static):
    """A Static that shows its content (a :class:`Content`) in balanced lines."""

    def render(self) -> RenderResult:
        visual = self.visual
        return Balanced(visual) if isinstance(visual, Content) else visual
