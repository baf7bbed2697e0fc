"""Finding words in briefings: case-insensitive, accents optional. No Textual, no Rich.

Both the reader (``/``, the picker) and ``briefing search`` use these functions, so a query
finds the same things everywhere. Matching works on a folded copy of the text (case folded,
accents removed) and maps every hit back to its place in the original text, so the reader can
highlight exactly the characters the reader typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from briefing.records import Briefing

Key = tuple[str | int, ...]


class Field(NamedTuple):
    """A piece of a briefing's text that can be searched, with where it belongs."""

    key: Key
    """Which text, such as ``("bottom_line",)`` or ``("section", "trump", "paragraph", 2)``."""
    section: str | None
    """The id of the section it belongs to, if any."""
    text: str


class Hit(NamedTuple):
    """One occurrence of the query in a field: characters ``start`` to ``end`` of its text."""

    field: Field
    start: int
    end: int

    def snippet(self, width: int = 72) -> str:
        """The match with some text around it, on one line, at most ``width`` characters."""
        return "".join(self.snippet_parts(width))

    def snippet_parts(self, width: int = 72) -> tuple[str, str, str]:
        """:meth:`snippet` in three parts: the text before the match, the match, the rest."""
        return snippet_parts(self.field.text, self.start, self.end, width)


def fold_char(char: str) -> str:
    """A character without case or accents: 'É' -> 'e', 'ß' -> 'ss'."""
    return _fold_char(char)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text as it is searched (folded, line breaks and tabs as spaces) and, for each of its
    characters, the index of the original one (``None`` when they are the same)."""
    if text.isascii():
        return text.lower().replace("\n", " ").replace("\t", " "), None
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in " " if char in "\n\t" else fold_char(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def fold_query(query: str) -> str:
    """The query as it is matched: folded, with runs of white space made single spaces."""
    return " ".join(fold(query)[0].split())


def spans(text: str, query: str) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of ``query`` in ``text``, as original offsets."""
    needle = fold_query(query)
    if not needle:
        return []
    haystack, origin = fold(text)
    found = []
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        found.append((start, end) if origin is None else (origin[start], origin[end - 1] + 1))
        start = haystack.find(needle, end)
    return found


def fields(briefing: Briefing) -> Iterator[Field]:
    """Every searchable text of a briefing, in reading order: the lead, then each section
    (title, summary, paragraphs, quotes), then the key facts (value and label, as the panel
    shows them)."""
    yield Field(("title",), None, briefing.title)
    if briefing.standfirst:
        yield Field(("standfirst",), None, briefing.standfirst)
    yield Field(("bottom_line",), None, briefing.bottom_line)
    for section in briefing.sections:
        yield Field(("section", section.id, "title"), section.id, section.title)
        yield Field(("section", section.id, "summary"), section.id, section.summary)
        for index, paragraph in enumerate(section.paragraphs):
            yield Field(("section", section.id, "paragraph", index), section.id, paragraph)
        for index, quote in enumerate(briefing.quotes):
            if quote.section == section.id:
                yield Field(("section", section.id, "quote", index), section.id, quote.text)
    for index, fact in enumerate(briefing.key_facts):
        yield Field(("fact", index, "value"), fact.section, fact.value)
        yield Field(("fact", index, "label"), fact.section, fact.label)


def search_briefing(briefing: Briefing, query: str) -> list[Hit]:
    """Every occurrence of ``query`` in the briefing, in reading order."""
    if not fold_query(query):
        return []
    return [
        Hit(field, start, end)
        for field in fields(briefing)
        for start, end in spans(field.text, query)
    ]


def section_title(briefing: Briefing, hit: Hit) -> str:
    """Where a hit is, in words: its section's title, or the part of the lead or facts."""
    return place(briefing, hit.field)


def place(briefing: Briefing, field: Field) -> str:
    """Where a field is, in words: its section's title, or the part of the lead or facts."""
    if field.key[0] == "section":
        section = briefing.section(str(field.key[1]))
        return section.title if section else ""
    if field.key[0] == "fact":
        section = briefing.section(field.section or "")
        return f"Key facts ({section.title})" if section else "Key facts"
    return {"title": "Title", "standfirst": "Standfirst", "bottom_line": "Bottom line"}[
        str(field.key[0])
    ]


FIELD_SEPARATOR = "\n"
"""Joins the folded fields of a briefing in :func:`folded_body`; no folded query contains it,
so no match can run from one field into the next."""


def folded_body(briefing: Briefing) -> tuple[str, list[tuple[int, str]]]:
    """All of a briefing's searchable text, folded, in one string, and where each field ends
    in it with the field's place (:func:`place`): what the index searches."""
    parts: list[str] = []
    places: list[tuple[int, str]] = []
    end = -len(FIELD_SEPARATOR)
    named: dict[tuple[str | int, str | None], str] = {}
    for field in fields(briefing):
        folded = fold(field.text)[0]
        parts.append(folded)
        end += len(FIELD_SEPARATOR) + len(folded)
        kind = (field.key[0], field.section)
        if kind not in named:
            named[kind] = place(briefing, field)
        places.append((end, named[kind]))
    return FIELD_SEPARATOR.join(parts), places


def snippet(text: str, start: int, end: int, width: int = 72) -> str:
    """Text around ``start:end`` on one line, cut at word boundaries, with ellipses."""
    return "".join(snippet_parts(text, start, end, width))


def snippet_parts(text: str, start: int, end: int, width: int = 72) -> tuple[str, str, str]:
    """:func:`snippet` in three parts: what comes before ``start``, ``text[start:end]`` on one
    line, and what follows."""
    flat = text.replace("\n", " ").replace("\t", " ")  # same length: offsets still hold
    room = max(width - (end - start), 10)
    left = max(0, start - room // 2)
    right = min(len(flat), end + room - (start - left))
    left = max(0, min(left, right - width))
    if left > 0:
        space = flat.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(flat):
        space = flat.rfind(" ", end, right)
        right = space if space != -1 else right
    before = ("…" if left > 0 else "") + flat[left:start].lstrip()
    after = flat[end:right].rstrip() + ("…" if right < len(flat) else "")
    return before, flat[start:end], after
