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


def truncate(text: str, width: int, ellipsis: str = "…", *, words: bool = False) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when it was cut;
    with ``words``, cut at the end of a word when one ends near enough."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    if room <= 0:
        return ellipsis[: max(width, 0)]
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > room:
            cut = text[:index]
            if words and not char.isspace():
                space = cut.rfind(" ")
                if space > 0 and index - space <= max(room // 4, 1):
                    cut = cut[:space]
            return cut.rstrip() + ellipsis
    return text


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(width - cell_width(text), 0)


def wrap(
    words: list[list[str]] | str, width: int, first: str = "", rest: str | None = None
) -> list[str]:
    """Fill lines of at most ``width`` columns, the first starting with ``first``, the others
    with ``rest`` (by default as many spaces as ``first`` is wide).

    ``words`` is text (split at white space) or words already cut into atoms: pieces that must
    stay together, such as a Markdown escape. A word wider than a line is broken between atoms.
    """
    if isinstance(words, str):
        words = [list(word) for word in words.split()]
    rest = " " * cell_width(first) if rest is None else rest
    lines: list[str] = []
    line, used, empty = first, cell_width(first), True
    for atoms in words:
        word = "".join(atoms)
        word_width = cell_width(word)
        if not empty and used + 1 + word_width <= width:
            line, used = f"{line} {word}", used + 1 + word_width
            continue
        if not empty:
            lines.append(line)
            line, used = rest, cell_width(rest)
        filled = False  # whether this line has part of the word yet
        for atom in atoms:
            atom_width = cell_width(atom)
            if filled and used + atom_width > width:
                lines.append(line)
                line, used = rest, cell_width(rest)
            line, used, filled = line + atom, used + atom_width, True
        empty = False
    lines.append(line)
    return [text.rstrip() for text in lines]
