"""Finding words in briefings: case-insensitive, accents optional. No Textual, no Rich.

Both the reader (``/``, the picker) and ``briefing search`` use these functions, so a query
finds the same things everywhere. Matching works on a folded copy of the text (case folded,
accents removed) and maps every hit back to its place in the original text, so the reader can
highlight exactly the characters the reader typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from briefing.records import attribution

if TYPE_CHECKING:
    from typing import Self

    from briefing.records import Briefing

# --- search keys: which text a field is -----------------------------------------------------
# Each kind of key is a tuple (equal to the plain tuple it reads as, such as
# ``("section", "trump", "paragraph", 2)``, which ``briefing search --format json`` shows
# joined with dots) built by one constructor with typed arguments, so a key written in the
# wrong order is a type error. The constant first item of section and fact keys is filled in
# by the constructor.


class LeadKey(NamedTuple):
    """The briefing's title, standfirst or bottom line: ``("bottom_line",)``."""

    part: Literal["title", "standfirst", "bottom_line"]


class _SectionKey(NamedTuple):
    kind: Literal["section"]
    section: str
    part: Literal["title", "summary"]


class SectionKey(_SectionKey):
    """A section's title or summary: ``SectionKey("trump", "title")``, which is
    ``("section", "trump", "title")``."""

    __slots__ = ()

    def __new__(cls, section: str, part: Literal["title", "summary"]) -> Self:
        return tuple.__new__(cls, ("section", section, part))

    def __getnewargs__(self) -> tuple[str, Literal["title", "summary"]]:
        return self.section, self.part


class _BodyKey(NamedTuple):
    kind: Literal["section"]
    section: str
    part: Literal["paragraph", "quote"]
    position: int


class BodyKey(_BodyKey):
    """A paragraph of a section (``position`` among its paragraphs) or a quote shown in it
    (``position`` among the briefing's quotes): ``BodyKey("trump", "paragraph", 2)``, which is
    ``("section", "trump", "paragraph", 2)``."""

    __slots__ = ()

    def __new__(cls, section: str, part: Literal["paragraph", "quote"], position: int) -> Self:
        return tuple.__new__(cls, ("section", section, part, position))

    def __getnewargs__(self) -> tuple[str, Literal["paragraph", "quote"], int]:
        return self.section, self.part, self.position


FactPart = Literal["value", "label", "sources"]
"""A key fact's parts as the facts panel shows them: ``sources`` is its attribution line
(:func:`briefing.records.attribution`: ``per Kremlin · B2``)."""


class _FactKey(NamedTuple):
    kind: Literal["fact"]
    position: int
    part: FactPart


class FactKey(_FactKey):
    """A key fact's value, label or attribution (``position`` among the briefing's key
    facts): ``FactKey(0, "value")``, which is ``("fact", 0, "value")``."""

    __slots__ = ()

    def __new__(cls, position: int, part: FactPart) -> Self:
        return tuple.__new__(cls, ("fact", position, part))

    def __getnewargs__(self) -> tuple[int, FactPart]:
        return self.position, self.part


class _SourceKey(NamedTuple):
    kind: Literal["source"]
    position: int
    part: Literal["name"]


class SourceKey(_SourceKey):
    """A source's name (``position`` among the briefing's sources): ``SourceKey(0)``, which
    is ``("source", 0, "name")``. The sources show in their dialog (``s``), not on the
    reader's page."""

    __slots__ = ()

    def __new__(cls, position: int) -> Self:
        return tuple.__new__(cls, ("source", position, "name"))

    def __getnewargs__(self) -> tuple[int]:
        return (self.position,)


class _CorrectionKey(NamedTuple):
    kind: Literal["correction"]
    position: int
    part: Literal["text"]


class CorrectionKey(_CorrectionKey):
    """A correction's text (``position`` among the briefing's corrections):
    ``CorrectionKey(0)``, which is ``("correction", 0, "text")``. The corrections show first,
    above the bottom line."""

    __slots__ = ()

    def __new__(cls, position: int) -> Self:
        return tuple.__new__(cls, ("correction", position, "text"))

    def __getnewargs__(self) -> tuple[int]:
        return (self.position,)


Key = LeadKey | CorrectionKey | SectionKey | BodyKey | FactKey | SourceKey
"""Which text of a briefing a field is."""


def section_of(key: Key) -> str | None:
    """The id of the section whose text the key is, if it is a section's (not a fact's, which
    is shown in the key-facts panel)."""
    return key.section if isinstance(key, SectionKey | BodyKey) else None


class Field(NamedTuple):
    """A piece of a briefing's text that can be searched, with where it belongs."""

    key: Key
    """Which text, such as ``LeadKey("bottom_line")`` or ``BodyKey("trump", "paragraph", 2)``."""
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
        return _fold_ascii(text), None
    # Runs of ASCII (most of any text in a Latin script) are folded whole, each other
    # character alone: a line with one "·" or "é" costs little more than an ASCII one.
    folded: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        if index > position:
            folded.append(_fold_ascii(text[position:index]))
            origin.extend(range(position, index))
        piece = fold_char(text[index])
        folded.append(piece)
        origin.extend([index] * len(piece))
        position = index + 1
    if position < len(text):
        folded.append(_fold_ascii(text[position:]))
        origin.extend(range(position, len(text)))
    return "".join(folded), origin


_NON_ASCII = re.compile("[^\x00-\x7f]")


def _fold_ascii(text: str) -> str:
    """ASCII text folded: lower case, line breaks and tabs as spaces (one character for one)."""
    return text.lower().replace("\n", " ").replace("\t", " ")


def fold_query(query: str) -> str:
    """The query as it is matched: folded, with runs of white space made single spaces."""
    return " ".join(fold(query)[0].split())


def spans(text: str, query: str) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of ``query`` in ``text``, as original offsets."""
    return _spans(text, fold_query(query))


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    """:func:`spans` for a query already folded (:func:`fold_query`)."""
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
    """Every searchable text of a briefing, in reading order: the lead (the corrections
    after the title), then each section (title, summary, paragraphs, quotes), then the key
    facts (value, label and attribution, as the panel shows them), then the sources' names."""
    yield Field(LeadKey("title"), None, briefing.title)
    for index, correction in enumerate(briefing.corrections):
        yield Field(CorrectionKey(index), correction.section, correction.text)
    if briefing.standfirst:
        yield Field(LeadKey("standfirst"), None, briefing.standfirst)
    yield Field(LeadKey("bottom_line"), None, briefing.bottom_line)
    for section in briefing.sections:
        yield Field(SectionKey(section.id, "title"), section.id, section.title)
        yield Field(SectionKey(section.id, "summary"), section.id, section.summary)
        for index, paragraph in enumerate(section.paragraphs):
            yield Field(BodyKey(section.id, "paragraph", index), section.id, paragraph)
        for index, quote in enumerate(briefing.quotes):
            if quote.section == section.id:
                yield Field(BodyKey(section.id, "quote", index), section.id, quote.text)
    for index, fact in enumerate(briefing.key_facts):
        yield Field(FactKey(index, "value"), fact.section, fact.value)
        yield Field(FactKey(index, "label"), fact.section, fact.label)
        if credit := attribution(briefing, fact):
            yield Field(FactKey(index, "sources"), fact.section, credit)
    for index, source in enumerate(briefing.sources):
        yield Field(SourceKey(index), None, source.name)


def search_briefing(briefing: Briefing, query: str) -> list[Hit]:
    """Every occurrence of ``query`` in the briefing, in reading order."""
    needle = fold_query(query)  # once, not once a field
    if not needle:
        return []
    return [
        Hit(field, start, end)
        for field in fields(briefing)
        for start, end in _spans(field.text, needle)
    ]


class Matches:
    """A search in progress in one briefing: its hits in reading order, which one is current,
    and which sections the search opened (so that it can close them again when a later query
    no longer matches in them). The reader keeps one; nothing else holds this state."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.current: int | None = None
        """Which of :attr:`hits` is the current one (``None``: there are none)."""
        self.opened: set[str] = set()
        """The ids of the sections this search opened."""

    @property
    def hit(self) -> Hit | None:
        """The current match, if there is one."""
        return self.hits[self.current] if self.current is not None else None

    def find(self, briefing: Briefing, query: str) -> set[str]:
        """Search for ``query`` from its first match; return the ids of the sections that
        hold a match."""
        self.hits = search_briefing(briefing, query)
        self.current = 0 if self.hits else None
        keys = (section_of(hit.field.key) for hit in self.hits)
        return {section for section in keys if section is not None}

    def step(self, step: int) -> Hit | None:
        """Move ``step`` matches on (negative: back), round the ends; the new current match."""
        if self.hits:
            self.current = ((self.current or 0) + step) % len(self.hits)
        return self.hit

    def count(self, query: str) -> str:
        """What the search bar says: ``2/5``, ``no match``, or nothing for an empty query."""
        if not query.strip():
            return ""
        return f"{(self.current or 0) + 1}/{len(self.hits)}" if self.hits else "no match"

    def clear(self) -> None:
        """Forget the matches and the sections opened (they stay open: the reader was reading
        them)."""
        self.hits, self.current = [], None
        self.opened.clear()


def section_title(briefing: Briefing, hit: Hit) -> str:
    """Where a hit is, in words: its section's title, or the part of the lead or facts."""
    return place(briefing, hit.field)


def place(briefing: Briefing, field: Field) -> str:
    """Where a field is, in words: its section's title, the part of the lead, the
    corrections, the key facts (with their section's title) or the sources."""
    key = field.key
    if isinstance(key, LeadKey):
        return LEAD_PLACES[key.part]
    if isinstance(key, FactKey):
        section = briefing.section(field.section or "")
        return f"Key facts ({section.title})" if section else "Key facts"
    if isinstance(key, SourceKey):
        return "Sources"
    if isinstance(key, CorrectionKey):
        return "Corrections"
    section = briefing.section(key.section)
    return section.title if section else ""


LEAD_PLACES = {"title": "Title", "standfirst": "Standfirst", "bottom_line": "Bottom line"}
"""The lead's fields in words (:func:`place`)."""


FIELD_SEPARATOR = "\n"
"""Joins the folded fields of a briefing in :func:`folded_body`; no folded query contains it,
so no match can run from one field into the next."""


def folded_body(briefing: Briefing) -> tuple[str, list[tuple[int, str]]]:
    """All of a briefing's searchable text, folded, in one string, and where each field ends
    in it with the field's place (:func:`place`): what the index searches."""
    parts: list[str] = []
    places: list[tuple[int, str]] = []
    end = -len(FIELD_SEPARATOR)
    named: dict[tuple[str, str | None], str] = {}
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
