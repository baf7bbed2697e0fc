"""Terminal column widths of text, without Rich: wide East Asian characters take two columns."""

from __future__ import annotations

import unicodedata


def char_width(char: str) -> int:
    """Columns one character takes in a terminal: 0, 1 or 2."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when it was cut."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > room:
            return text[:index].rstrip() + ellipsis if room > 0 else ellipsis[: max(width, 0)]
    return text


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(width - cell_width(text), 0)
