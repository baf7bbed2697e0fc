"""Rows whose text wraps under itself, not under the head beside it (a status badge, a key):

CONFIRMED  a value long enough
           to take two lines
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.visual import Visual

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.strip import Strip
    from textual.style import Style
    from textual.visual import RenderOptions

MIN_BODY = 8
"""Below this many cells beside the head, a row wraps as one text instead (nothing hangs)."""


class Hanging(Visual):
    """``rows`` of (head, body), each body's wrapped lines starting under the body; then
    ``tail``, wrapped at the full width."""

    def __init__(
        self, rows: Sequence[tuple[Content, Content]], tail: Content | None = None
    ) -> None:
        self.rows = tuple(rows)
        self.tail = tail
        lines = [head + body for head, body in self.rows] + ([tail] if tail is not None else [])
        self.content = Content("\n").join(lines)
        """Everything on unwrapped lines: what it says, and its highlights."""

    def __str__(self) -> str:
        return self.content.plain

    def lines(self, width: int) -> Content:
        """The rows laid out for ``width`` cells."""
        lines: list[Content] = []
        for head, body in self.rows:
            indent = head.cell_length
            if width - indent < MIN_BODY:
                lines += (head + body).wrap(max(width, 1))
                continue
            body_lines = body.wrap(width - indent)
            lines.append(head + body_lines[0])
            lines += [Content(" " * indent) + line for line in body_lines[1:]]
        if self.tail is not None:
            lines += self.tail.wrap(max(width, 1))
        return Content("\n").join(lines)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.lines(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.lines(width).get_height(rules, width)
