"""Terminal column widths of text, without Rich: wide East Asian characters take two columns;
and long unbroken words cut for display, here for the summary and the reader alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

_ZWJ = "\u200d"


def char_width(char: str) -> int:
    """Columns one character takes in a terminal: 0, 1 or 2."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff":
        return 0  # Hangul vowels and finals: they join the initial before them
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _widths(text: str) -> Iterator[int]:
    """The columns each character of ``text`` adds: a character after a zero-width joiner adds
    none, as terminals that join such sequences (tmux, and Rich in the reader) draw it."""
    joined = False
    for char in text:
        yield 0 if joined else char_width(char)
        joined = char == _ZWJ


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    if text.isascii():
        return len(text)
    return sum(_widths(text)) if _ZWJ in text else sum(map(char_width, text))


def truncate(text: str, width: int, ellipsis: str = "…", *, words: bool = False) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when it was cut;
    with ``words``, cut at the end of a word when one ends near enough. Only as much of
    ``text`` as fits is looked at."""
    if text.isascii() and len(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    used = 0
    cut = None  # where the text is cut if it does not fit
    for index, char_columns in enumerate(_widths(text)):
        used += char_columns
        if cut is None and used > room:
            cut = index
        if used > width:
            break
    else:
        return text
    if room <= 0:
        return ellipsis[: max(width, 0)]
    assert cut is not None
    kept = text[:cut]
    if words and not text[cut].isspace():
        space = kept.rfind(" ")
        if space > 0 and cut - space <= max(room // 4, 1):
            kept = kept[:space]
    return kept.rstrip() + ellipsis


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(width - cell_width(text), 0)


def clusters(pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` (characters, or atoms that must stay together) joined where a line must not
    be broken: before a mark or another character that takes no column, and after a zero-width
    joiner (an emoji sequence)."""
    cluster = ""
    for piece in pieces:
        if cluster and (cluster.endswith(_ZWJ) or cell_width(piece) == 0):
            cluster += piece
            continue
        if cluster:
            yield cluster
        cluster = piece
    if cluster:
        yield cluster


def wrap(
    words: list[list[str]] | str, width: int, first: str = "", rest: str | None = None
) -> list[str]:
    """Fill lines of at most ``width`` columns, the first starting with ``first``, the others
    with ``rest`` (by default as many spaces as ``first`` is wide).

    ``words`` is text (split at white space) or words already cut into atoms: pieces that must
    stay together, such as a Markdown escape. A word wider than a line is broken between atoms
    (and never inside an emoji sequence or before a mark).
    """
    items: list[list[str]] | list[str] = words.split() if isinstance(words, str) else words
    rest = " " * cell_width(first) if rest is None else rest
    lines: list[str] = []
    line, used, empty = first, cell_width(first), True
    for item in items:
        word = item if isinstance(item, str) else "".join(item)
        word_width = cell_width(word)
        if not empty and used + 1 + word_width <= width:
            line, used = f"{line} {word}", used + 1 + word_width
            continue
        if not empty:
            lines.append(line)
            line, used = rest, cell_width(rest)
        filled = False  # whether this line has part of the word yet
        for atom in clusters(item) if used + word_width > width else [word]:
            atom_width = cell_width(atom)
            if filled and used + atom_width > width:
                lines.append(line)
                line, used = rest, cell_width(rest)
            line, used, filled = line + atom, used + atom_width, True
        empty = False
    lines.append(line)
    return [text.rstrip() for text in lines]


# --- long words -----------------------------------------------------------------------------

WORD_LIMIT = 1000
"""The most characters of one unbroken word that are shown; the rest of it is left out with
a note of how much (:func:`cut_marker`). Drawing a word costs time in proportion to its length
however narrow the screen: a 10 MB word took the reader ten seconds to open. A thousand
characters are longer than any real word or web address in running text; text in scripts
written without spaces (Chinese, Japanese) may break between any two of its characters, so
it makes no unbroken word."""

# Where a line may break: white space, and around the wide characters of scripts written
# without spaces (Hangul, the CJK ideographs, kana and punctuation, full-width forms).
_BREAKS = (
    r"\s\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
_LONG_ASCII_WORD = re.compile(rf"(?<!\S)\S{{{WORD_LIMIT + 1},}}")


@cache  # compiled on first use (a few milliseconds): most runs have no text long enough
def _long_word() -> re.Pattern[str]:
    """A word longer than :data:`WORD_LIMIT`; :data:`_LONG_ASCII_WORD` is the same for ASCII
    text, scanned faster."""
    return re.compile(rf"(?<![^{_BREAKS}])[^{_BREAKS}]{{{WORD_LIMIT + 1},}}")


def long_word_cuts(text: str) -> list[tuple[int, int]]:
    """What to leave out of ``text`` to show it: ``(start, end)`` of the part of each word
    longer than :data:`WORD_LIMIT` characters beyond its first :data:`WORD_LIMIT` (a little
    fewer, so that a mark or a joined emoji stays whole with the character it belongs to)."""
    if len(text) <= WORD_LIMIT:
        return []
    cuts = []
    for match in (_LONG_ASCII_WORD if text.isascii() else _long_word()).finditer(text):
        start = match.start() + WORD_LIMIT
        for _ in range(32):  # never a long way back: a word of marks is cut anywhere
            if char_width(text[start]) and text[start - 1] != _ZWJ:
                break
            start -= 1
        cuts.append((start, match.end()))
    return cuts


def cut_marker(left_out: int) -> str:
    """What is shown in place of ``left_out`` characters cut from a long word."""
    return f"… ({left_out:,} more characters)"


def cut_long_words(text: str) -> str:
    """``text`` to show: each word longer than :data:`WORD_LIMIT` characters cut, with a note
    of how many characters were left out. Text without such a word is returned as it is."""
    pieces: list[str] = []
    position = 0
    for start, end in long_word_cuts(text):
        pieces += [text[position:start], cut_marker(end - start)]
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)
