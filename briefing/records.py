"""Briefings as plain, immutable records: what every command and the reader work with.

The pydantic models in :mod:`briefing.models` validate a file; the records here are what a
validated file becomes. They import nothing slow (no pydantic), so a command that reads
briefings from the index (:mod:`briefing.index`) starts in a few milliseconds.

Records are built from the JSON form of a validated briefing (:meth:`Briefing.from_json`) and
give it back (:meth:`Briefing.to_json`). They trust that form: data read back from anywhere but
the validator goes through :func:`scrub` first, so that it never carries a control character.

The format is declared once, by the models: each record here repeats its model's fields (names,
types, what a file may leave out, and, through :data:`_JSON_ORDER`, their order), because
deriving them would import pydantic. tests/test_format.py fails when the two drift apart.
"""

from __future__ import annotations

import operator
import re
import types
import typing
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, Literal, NamedTuple

SCHEMA_VERSIONS = (1, 1.1)
"""The format versions this code reads: 1.1 adds optional fields to 1, so a file of either is
read the same way. A file that uses a field of 1.1 says 1.1 (:func:`newer_fields` finds them),
so that older versions of the program, which read only 1, refuse it plainly."""

Status = Literal["confirmed", "reported", "unverified", "claim"]
"""How well a key fact is established, as the story supports it."""

STATUSES: tuple[Status, ...] = ("confirmed", "reported", "unverified", "claim")
"""Every status, strongest first."""

GRADE = re.compile("[A-F][1-6]")
"""An Admiralty (NATO) grade: the source's reliability, then the information's credibility."""

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
"""What the letter of a grade says of the source."""

CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
"""What the digit of a grade says of the information."""

INTERVAL = re.compile(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})")
"""An event date given as the days it happened between: ``2024-11-06/2024-11-17``."""

# C0 controls except tab and newline, DEL, C1 controls (but NEL, a line break), and the
# bidirectional embedding, override and isolate characters: none of them belongs in text shown
# in a terminal.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile(r"[\t\n]+")
SEPARATORS = re.compile("[\x85\u2028\u2029]")
"""Line and paragraph separators other than the newline: NEL, U+2028 and U+2029."""

_INVISIBLE_BMP = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
)
_INVISIBLE = _INVISIBLE_BMP + (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
"""Characters a terminal does not draw: the format characters (Unicode category Cf) and the
other default-ignorable code points (variation selectors, tags, the Hangul fillers). Terminals
disagree with each other, and with the reader's own measure, on how wide text holding them is;
they also hide text from a search. :func:`clean` keeps a few where a script needs them."""

_SUSPECT_BMP = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e" + _INVISIBLE_BMP
_SUSPECT = re.compile(f"[{_SUSPECT_BMP}{_INVISIBLE[len(_INVISIBLE_BMP) :]}]")
# The same, with every character outside the BMP in: a class of a few ranges is scanned several
# times faster than one with astral ranges too.
_QUICK = re.compile(f"[{_SUSPECT_BMP}\U00010000-\U0010ffff]")
_ESCAPED = re.compile(r"\\[ubfr]")
"""An escape in JSON text that can stand for a control character. Searched on its own: a pattern
that starts with a literal is scanned for that character first, an alternation at every place."""


def may_need_cleaning(text: str, *, json: bool = False) -> bool:
    """Whether ``text`` may hold a character that :func:`clean` changes; with ``json``, the
    text is JSON, where a control character can also come as an escape (raw C0 is not valid
    JSON). One scan in C (two for JSON); from the first character outside the BMP on (an emoji),
    a slower one."""
    if json and _ESCAPED.search(text):
        return True
    match = _QUICK.search(text)
    if match is None:
        return False
    if match.group() <= "\uffff":  # a character of the BMP
        return True
    return _SUSPECT.search(text, match.start()) is not None


def clean(text: str, separator: str = " ") -> str:
    """``text`` without control characters and invisible ones: line and paragraph separators
    become ``separator``, and :data:`INVISIBLE` characters go, except where a script needs
    them (see :func:`_kept`). Cleaning clean text changes nothing, and text with nothing to
    clean costs one scan in C (:func:`may_need_cleaning`)."""
    if not may_need_cleaning(text):
        return text
    text = SEPARATORS.sub(separator, CONTROL.sub("", text))
    return _strip_invisible(text) if INVISIBLE.search(text) else text


_ZWJ, _ZWNJ, _VS15, _VS16 = "\u200d", "\u200c", "\ufe0e", "\ufe0f"
_BLACK_FLAG, _CANCEL_TAG = "\U0001f3f4", "\U000e007f"
_SELECTORS = "\u180b\u180c\u180d\u180f"  # Mongolian's free variation selectors
_TAG_SEQUENCE = re.compile("[\U000e0020-\U000e007e]+\U000e007f")
# Blocks of the scripts that shape letters with ZWJ and ZWNJ: Arabic, Syriac, Thaana and N'Ko;
# the Indic and other Brahmic scripts; Tibetan, Myanmar, Khmer, Mongolian; Arabic presentation
# forms; the historic Brahmic and Arabic-like scripts of the supplementary planes.
_JOINING_BLOCKS = (
    (0x0600, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x18AF),
    (0x1900, 0x1B7F), (0xA800, 0xA8FF), (0xA980, 0xAAFF), (0xABC0, 0xABFF), (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF), (0x10A00, 0x10A5F), (0x10D00, 0x10D3F), (0x11000, 0x11DFF),
    (0x1E900, 0x1E95F),
)  # fmt: skip
_JOINING_STARTS = [start for start, _ in _JOINING_BLOCKS]


def _strip_invisible(text: str) -> str:
    pieces: list[str] = []
    last = base = ""  # the last character kept, and the last one kept that is not invisible
    position = 0
    for match in INVISIBLE.finditer(text):
        index = match.start()
        if index < position:
            continue  # inside a tag sequence, kept whole
        if index > position:
            pieces.append(text[position:index])
            last = base = text[index - 1]
        position = index + 1
        char = text[index]
        if last == base == _BLACK_FLAG and (sequence := _TAG_SEQUENCE.match(text, index)):
            # A subdivision flag: the black flag, tag letters and the cancel tag.
            pieces.append(sequence.group())
            last, position = _CANCEL_TAG, sequence.end()
            continue
        after = text[index + 1 : index + 2]
        if _kept(char, last, base, "" if INVISIBLE.match(after) else after):
            pieces.append(char)
            last = char
    pieces.append(text[position:])
    return "".join(pieces)


def _kept(char: str, last: str, base: str, after: str) -> bool:
    """Whether the invisible ``char`` stays, after ``last`` (the character kept last; ``base``
    is the last visible one) and before ``after`` (the next character, if visible):

    - ZWJ inside an emoji sequence (an emoji, or one with a tone or a VS16, before another, as
      in the family: man, ZWJ, woman, ZWJ, girl), and ZWJ and ZWNJ between letters or marks
      of a script that shapes with them (Persian, Hindi, Sinhala...);
    - a variation selector right after a character it has variants of (:func:`_selects`),
      but the emoji and text presentation selectors (VS16, VS15) only where they agree with
      the character's own width: VS16 makes a narrow character a wide emoji in some
      terminals and not in others;
    - the Mongolian free variation selectors after a Mongolian letter, and its vowel
      separator between two; the combining grapheme joiner between a letter and a mark;
    - the Hangul fillers inside a syllable (a filler and a vowel, an initial and a filler).

    Everything kept is decided on visible neighbours or on characters kept before it, so that
    cleaning clean text changes nothing.
    """
    code = ord(char)
    if char in _SELECTORS or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return last == base and _selects(char, base)
    rule = _CONTEXTS.get(char)
    return rule is not None and rule(last, base, after)


def _selects(selector: str, base: str) -> bool:
    """Whether a variation selector right after ``base`` stays: where it selects a variant of
    ``base`` (a symbol, an emoji, an ideograph...), and for the emoji and text presentation
    selectors only where they agree with the character's own width."""
    if selector in _SELECTORS:
        return _is_mongolian(base)
    if not base:
        return False
    kind = unicodedata.category(base)[0]
    if selector in (_VS15, _VS16):
        wide = unicodedata.east_asian_width(base) in ("W", "F")
        return kind == "S" and wide == (selector == _VS16)
    if selector >= "\U000e0100":  # the ideographic variation selectors
        return unicodedata.name(base, "").startswith("CJK ")
    return kind == "S" or (kind == "L" and base >= "\u1000")  # math symbols, CJK, Myanmar...


_CONTEXTS: dict[str, Callable[[str, str, str], bool]] = {
    _ZWJ: lambda last, base, after: (
        _is_emoji(base) and last in (base, _VS16, _CANCEL_TAG) and _is_emoji(after)
        and not _is_tone(after)
    ) or _joins(last, after),
    _ZWNJ: lambda last, base, after: _joins(last, after),
    "\u180e": lambda last, base, after: _is_mongolian(last) and _is_mongolian(after),
    "\u034f": lambda last, base, after: (
        last == base and _is_letter(base) and unicodedata.category(after or " ")[0] == "M"
    ),
    "\u115f": lambda last, base, after: (
        "\u1161" <= after <= "\u11a7" or "\ud7b0" <= after <= "\ud7c6"
    ),
    "\u1160": lambda last, base, after: (
        last == base and ("\u1100" <= base <= "\u115e" or "\ua960" <= base <= "\ua97c")
    ),
}  # fmt: skip
"""The invisible characters kept in some contexts (variation selectors aside), and when."""


def _is_emoji(char: str) -> bool:
    return bool(char) and (unicodedata.category(char) == "So" or _is_tone(char))


def _is_tone(char: str) -> bool:
    return "\U0001f3fb" <= char <= "\U0001f3ff"  # the skin tone modifiers


def _is_visible(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] not in "ZC"


def _is_letter(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LM"


def _joins(before: str, after: str) -> bool:
    """Whether a joiner between these is inside a word of a script that uses joiners."""
    return _in_joining_script(before) and _in_joining_script(after)


def _in_joining_script(char: str) -> bool:
    if not _is_letter(char):
        return False
    code = ord(char)
    block = bisect_right(_JOINING_STARTS, code) - 1
    return block >= 0 and code <= _JOINING_BLOCKS[block][1]


def _is_mongolian(char: str) -> bool:
    return "\u1820" <= char <= "\u18aa" and _is_letter(char)


JsonObject = Mapping[str, Any]


def scrub(data: Any) -> Any:
    """JSON data with every string :func:`clean`: for data read back from somewhere less sure
    than the validator, such as a cache file."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, list):
        return [scrub(item) for item in data]
    if isinstance(data, dict):
        return {key: scrub(value) for key, value in data.items()}
    return data


class Section(NamedTuple):
    """One part of a briefing, shown collapsed as its title and one-line summary."""

    id: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> Section:
        return cls(
            id=data["id"],
            title=data["title"],
            summary=data["summary"],
            paragraphs=tuple(str(p) for p in data["paragraphs"]),
        )


class KeyFact(NamedTuple):
    """A figure or fact worth seeing at a glance, with how well it is established."""

    label: str
    value: str
    status: Status
    section: str
    note: str | None = None
    sources: tuple[str, ...] = ()
    """The ids of the briefing's sources that support it."""
    grade: str | None = None
    """Its Admiralty grade, such as ``B2`` (see :func:`grade_meaning`)."""

    @classmethod
    def from_json(cls, data: JsonObject) -> KeyFact:
        status = data["status"]
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return cls(
            label=data["label"],
            value=data["value"],
            status=status,
            section=data["section"],
            note=data.get("note"),
            sources=tuple(str(s) for s in data.get("sources", ())),
            grade=data.get("grade"),
        )


class TimelineEvent(NamedTuple):
    """Something that happened, or is due, on a known day or month (``YYYY-MM[-DD]``), or
    within some days (``YYYY-MM-DD/YYYY-MM-DD``): see :func:`event_date`."""

    date: str
    event: str
    section: str | None = None
    inferred: bool = False
    """Whether the date is derived rather than stated."""

    @classmethod
    def from_json(cls, data: JsonObject) -> TimelineEvent:
        return cls(
            date=data["date"],
            event=data["event"],
            section=data.get("section"),
            inferred=data.get("inferred", False),
        )

    def when(self) -> str:
        """Its date as every format shows it (:func:`event_date`)."""
        return event_date(self.date, self.inferred)


class Quote(NamedTuple):
    """A direct quotation, verbatim, with who said it."""

    text: str
    speaker: str
    section: str
    role: str | None = None
    date: str | None = None
    inferred: bool = False
    """Whether the date is derived rather than stated."""
    source: str | None = None
    """The id of the source where it was published or reported."""

    @classmethod
    def from_json(cls, data: JsonObject) -> Quote:
        return cls(
            text=data["text"],
            speaker=data["speaker"],
            role=data.get("role"),
            section=data["section"],
            date=data.get("date"),
            inferred=data.get("inferred", False),
            source=data.get("source"),
        )

    def when(self) -> str | None:
        """Its date as every format shows it (:func:`event_date`), if it has one."""
        return event_date(self.date, self.inferred) if self.date else None


class Source(NamedTuple):
    """Where the briefing's information comes from."""

    name: str
    url: str | None = None
    note: str | None = None
    id: str | None = None
    """The id by which facts and quotes cite it."""

    @classmethod
    def from_json(cls, data: JsonObject) -> Source:
        return cls(
            id=data.get("id"),
            name=data["name"],
            url=data.get("url"),
            note=data.get("note"),
        )


class Piece(NamedTuple):
    """Words that every format writes alike (an attribution, a quote's credit), with what they
    name, for a format that marks that up (the web page): a day (``YYYY-MM[-DD]``), a source,
    the speaker or the grade."""

    text: str
    day: str | None = None
    source: Source | None = None
    speaker: bool = False
    grade: bool = False


class Correction(NamedTuple):
    """A correction the editor declares: shown first, in every format."""

    date: str
    """The day it was made, ``YYYY-MM-DD``."""
    text: str
    section: str | None = None
    """The id of the section it concerns, if one."""

    @classmethod
    def from_json(cls, data: JsonObject) -> Correction:
        return cls(date=data["date"], text=data["text"], section=data.get("section"))

    def when(self) -> str:
        """Its date as every format shows it (:func:`event_date`)."""
        return event_date(self.date)


class Briefing(NamedTuple):
    """One story: a bottom line, sections, key facts, timeline, quotes and what to watch."""

    id: str
    title: str
    published: date
    bottom_line: str
    sections: tuple[Section, ...]
    standfirst: str | None = None
    date_note: str | None = None
    """How the date was arrived at, when the story gives none: the date is then inferred."""
    updated: datetime | None = None
    language: str | None = None
    """The language it is written in, a language tag (BCP 47), when the file says."""
    key_facts: tuple[KeyFact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    quotes: tuple[Quote, ...] = ()
    watch: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    tags: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    """Corrections declared by the editor, oldest first."""

    def section(self, section_id: str) -> Section | None:
        """The section with this id, if there is one."""
        return next((s for s in self.sections if s.id == section_id), None)

    @classmethod
    def from_json(cls, data: JsonObject) -> Briefing:
        """A briefing from its JSON form (as a validated file holds it)."""
        updated = data.get("updated")
        return cls(
            id=data["id"],
            title=data["title"],
            standfirst=data.get("standfirst"),
            published=date.fromisoformat(data["published"]),
            date_note=data.get("date_note"),
            updated=None if updated is None else datetime.fromisoformat(updated),
            language=data.get("language"),
            corrections=tuple(Correction.from_json(c) for c in data.get("corrections", ())),
            bottom_line=data["bottom_line"],
            sections=tuple(Section.from_json(s) for s in data["sections"]),
            key_facts=tuple(KeyFact.from_json(f) for f in data["key_facts"]),
            timeline=tuple(TimelineEvent.from_json(e) for e in data["timeline"]),
            quotes=tuple(Quote.from_json(q) for q in data["quotes"]),
            watch=tuple(str(w) for w in data["watch"]),
            sources=tuple(Source.from_json(s) for s in data["sources"]),
            tags=tuple(str(t) for t in data.get("tags", ())),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form: the file format's field names and order, absent fields left out."""
        data: dict[str, Any] = _to_json(self)
        return data

    def timeline_in_order(self) -> list[TimelineEvent]:
        """The timeline by date (:func:`date_order`), events of the same date as the file has
        them."""
        return sorted(self.timeline, key=lambda event: date_order(event.date))

    def sources_of(self, fact: KeyFact) -> tuple[Source, ...]:
        """The sources a key fact cites, in its order."""
        by_id = {source.id: source for source in self.sources if source.id is not None}
        return tuple(by_id[ident] for ident in fact.sources if ident in by_id)

    def source_named(self, source_id: str | None) -> Source | None:
        """The source with this id (a quote's), if there is one."""
        return next((s for s in self.sources if s.id == source_id), None) if source_id else None


_JSON_ORDER = {
    "Quote": ("text", "speaker", "role", "section", "date", "inferred", "source"),
    "Source": ("id", "name", "url", "note"),
    "Briefing": ("id", "title", "standfirst", "published", "date_note", "updated",
                 "language", "corrections", "bottom_line", "sections", "key_facts", "timeline",
                 "quotes", "watch", "sources", "tags"),
}  # fmt: skip
"""Field order in the file format, where the record's own order differs (a tuple's fields with
defaults come last)."""


def _to_json(record: object) -> Any:
    if isinstance(record, (date, datetime)):
        return record.isoformat()
    if not isinstance(record, tuple):
        return record
    names: tuple[str, ...] | None = getattr(record, "_fields", None)
    if names is None:
        return [_to_json(item) for item in record]
    result = {}
    kind = type(record).__name__
    for name in _JSON_ORDER.get(kind, names):
        value = getattr(record, name)
        if value is None or value is False or (value == () and f"{kind}.{name}" in _LEFT_OUT_EMPTY):
            continue
        result[name] = _to_json(value)
    return result


_LEFT_OUT_EMPTY = frozenset({"KeyFact.sources", "Briefing.corrections"})
"""Fields of format 1.1 left out when empty, as a format 1 file has them (``false`` and
absent values are left out everywhere)."""


class Document:
    """A whole briefing file, in memory (small files, standard input, and tests)."""

    def __init__(self, briefings: tuple[Briefing, ...]) -> None:
        self.briefings = briefings

    def get(self, briefing_id: str) -> Briefing | None:
        """The briefing with this id, if there is one."""
        return next((b for b in self.briefings if b.id == briefing_id), None)

    def newest(self) -> Briefing:
        """The briefing published last; on a tie, the first of them in the file."""
        return self.briefings[newest_index([b.published for b in self.briefings])]


def newest_index(published: Sequence[date]) -> int:
    """Which of these publication dates is the latest; on a tie, the first of them."""
    best = 0
    for index, day in enumerate(published):
        if day > published[best]:
            best = index
    return best


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def day_and_time(when: datetime, now: datetime | None = None) -> str:
    """``2 December at 18:53``, in local time (``2 December 2025 at 18:53`` when that was in
    another year than ``now``): when a briefing was read, or a copy fetched."""
    local = when.astimezone()
    year = "" if local.year == (now or datetime.now().astimezone()).year else f" {local.year}"
    return f"{local.day} {MONTHS[local.month - 1]}{year} at {local:%H:%M}"


def date_line(briefing: Briefing) -> str:
    """``19 November 2024``, with the update time when there is one (the reader shows it too);
    ``19 November 2024 (inferred)`` when the date is inferred (:attr:`Briefing.date_note`)."""
    line = published_date(briefing)
    if briefing.updated:
        line += f" (updated {updated_time(briefing.updated)})"
    return line


def updated_time(updated: datetime) -> str:
    """When a briefing was updated, as every format shows it: ``2024-11-20 09:30+00:00``."""
    return updated.isoformat(sep=" ", timespec="minutes")


def published_date(briefing: Briefing) -> str:
    """``19 November 2024``, or ``19 November 2024 (inferred)`` when the date is inferred: the
    date of :func:`date_line` without the update time (the ``line`` summary shows it)."""
    published = briefing.published
    line = f"{published.day} {MONTHS[published.month - 1]} {published.year}"
    return line + INFERRED if briefing.date_note is not None else line


INFERRED = " (inferred)"
"""What follows a date derived rather than stated, in every format."""


def event_date(when: str, inferred: bool = False) -> str:
    """An event's or a quote's date as every format shows it: ``18 November 2024``,
    ``November 2024``, ``between 6 and 17 November 2024``, ``between 28 October and
    6 November 2024``; then `` (inferred)`` when it is derived rather than stated."""
    return "".join(piece.text for piece in event_date_pieces(when, inferred))


def event_date_pieces(when: str, inferred: bool = False) -> list[Piece]:
    """The words of :func:`event_date`, each date apart with the day
    or month it names: ``[Piece("18 November 2024", day="2024-11-18")]``, or for days it
    happened between, ``between ``, ``6`` (``2024-11-06``), `` and ``, ``17 November 2024``
    (``2024-11-17``): the web page marks each date up as a ``<time>``."""
    interval = INTERVAL.fullmatch(when)
    if interval is None:
        year, month, *day = when.split("-")
        words = " ".join([*(str(int(d)) for d in day), MONTHS[int(month) - 1], year])
        return [Piece(words, day=when), *([Piece(INFERRED)] if inferred else [])]
    start, end = (date.fromisoformat(part) for part in interval.groups())
    last = f"{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year != end.year:
        first = f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    elif start.month != end.month:
        first = f"{start.day} {MONTHS[start.month - 1]}"
    else:
        first = str(start.day)
    return [
        Piece("between "),
        Piece(first, day=interval[1]),
        Piece(" and "),
        Piece(last, day=interval[2]),
        *([Piece(INFERRED)] if inferred else []),
    ]


def date_order(when: str) -> str:
    """The sort key of an event date: by its start, a month-only date (``2024-11``) at the
    start of its month, before the days of it."""
    start = when.partition("/")[0]
    return start if len(start) == 10 else f"{start}-00"


def grade_meaning(grade: str) -> str:
    """``B2``: ``source usually reliable, information probably true``."""
    return f"source {RELIABILITY[grade[0]]}, information {CREDIBILITY[grade[1]]}"


def attribution(briefing: Briefing, fact: KeyFact) -> str:
    """What every format says of a fact's sources and grade: ``per Kremlin · B2``,
    ``per Kremlin``, ``graded B2``, or nothing (:func:`attribution_pieces`)."""
    return "".join(piece.text for piece in attribution_pieces(briefing, fact))


def attribution_pieces(briefing: Briefing, fact: KeyFact) -> list[Piece]:
    """The words of :func:`attribution`, each source's name and the grade apart."""
    sources = briefing.sources_of(fact)
    pieces = [Piece("per ")] if sources else [Piece("graded ")] if fact.grade else []
    for index, source in enumerate(sources):
        pieces += [Piece(", ")] if index else []
        pieces.append(Piece(source.name, source=source))
    if fact.grade:
        pieces += [Piece(" \u00b7 ")] if sources else []
        pieces.append(Piece(fact.grade, grade=True))
    return pieces


def credit(briefing: Briefing, quote: Quote) -> str:
    """What every format says under a quote: ``\u2014 Speaker, role, 18 November 2024, per
    Source`` (who said it, when and where; :func:`credit_pieces`)."""
    return "".join(piece.text for piece in credit_pieces(briefing, quote))


def credit_pieces(briefing: Briefing, quote: Quote) -> list[Piece]:
    """The words of :func:`credit`, the speaker, each date and the source apart."""
    pieces = [Piece("\u2014 "), Piece(quote.speaker, speaker=True)]
    if quote.role:
        pieces += [Piece(", "), Piece(quote.role)]
    if quote.date:
        pieces.append(Piece(", "))
        pieces += event_date_pieces(quote.date, quote.inferred)
    source = briefing.source_named(quote.source)
    if source:
        pieces += [Piece(", per "), Piece(source.name, source=source)]
    return pieces


def correction_place(
    briefing: Briefing, correction: Correction, numbers: Mapping[str, int] | None = None
) -> str:
    """What every format says of the section a correction concerns: ``section 2, Missiles``,
    numbered as the reader's keys number it (its place in ``briefing``, or ``numbers``, for a
    briefing narrowed to some sections); nothing when it concerns the whole briefing."""
    if correction.section is None:
        return ""
    section = briefing.section(correction.section)
    if section is None:  # only in a record built by hand: a valid file names a section it has
        return ""
    number = (numbers or {}).get(section.id) or briefing.sections.index(section) + 1
    return f"section {number}, {section.title}"


def corrections_title(briefing: Briefing) -> str:
    """What heads a briefing's corrections in every format: ``Correction``, or
    ``Corrections`` when there are more than one."""
    return "Correction" if len(briefing.corrections) == 1 else "Corrections"


def correction_line(
    briefing: Briefing, correction: Correction, numbers: Mapping[str, int] | None = None
) -> str:
    """A correction as the text summary shows it (and the reader, its date in bold):
    ``20 November 2024 \u2014 An earlier version gave the wrong range. (section 2, Missiles)``."""
    place = correction_place(briefing, correction, numbers)
    return f"{correction.when()} \u2014 {correction.text}" + (f" ({place})" if place else "")


# --- what a briefing of format 1.1 has that 1 has not -----------------------------------------


def field_of(item: object, name: str) -> object:
    """A field of a record, of a model, or of its raw JSON (``None`` when it has none)."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def items_of(item: object, name: str) -> list[object]:
    """A list field of a record, of a model or of its raw JSON (empty when it is not a list)."""
    value = field_of(item, name)
    return list(value) if isinstance(value, list | tuple) else []


def newer_fields(briefing: object) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Where a briefing (a record, a model or the raw JSON of one) uses a field of format 1.1,
    and what it is, such as ``(("key_facts", 0, "grade"), "a grade")``."""
    for field, what in (("date_note", "a date note"), ("language", "a language")):
        if field_of(briefing, field) is not None:
            yield (field,), what
    for index, _ in enumerate(items_of(briefing, "corrections")):
        yield ("corrections", index), "a correction"
    for index, fact in enumerate(items_of(briefing, "key_facts")):
        if items_of(fact, "sources"):
            yield ("key_facts", index, "sources"), "citing sources"
        if field_of(fact, "grade") is not None:
            yield ("key_facts", index, "grade"), "a grade"
    yield from _newer_in_dated(briefing)
    for index, source in enumerate(items_of(briefing, "sources")):
        if field_of(source, "id") is not None:
            yield ("sources", index, "id"), "a source id"


def _newer_in_dated(briefing: object) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """:func:`newer_fields` in the timeline and the quotes."""
    for field in ("timeline", "quotes"):
        for index, item in enumerate(items_of(briefing, field)):
            when = field_of(item, "date")
            if isinstance(when, str) and INTERVAL.fullmatch(when):
                yield (field, index, "date"), "a date interval"
            if field_of(item, "inferred") not in (None, False):
                yield (field, index, "inferred"), "an inferred date"
            if field == "quotes" and field_of(item, "source") is not None:
                yield (field, index, "source"), "a quote's source"


def format_version(briefings: Sequence[Briefing]) -> float:
    """The oldest format version that holds these briefings: 1, unless one uses a field of 1.1."""
    return 1.1 if any(next(newer_fields(b), None) for b in briefings) else 1


# --- checking a briefing read back from a store (the index, the versions read) ---------------

_Check = Callable[[Any], bool]


def _plain_types(hint: Any) -> frozenset[type] | None:
    """The types a value of this annotation may have, when it names only plain types (``str``,
    ``str | None``, ``date``); ``None`` for a tuple, a record or a literal."""
    if hint is None or hint is type(None):
        return frozenset({type(None)})
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        allowed: frozenset[type] = frozenset()
        for part in typing.get_args(hint):
            types_of_part = _plain_types(part)
            if types_of_part is None:
                return None
            allowed |= types_of_part
        return allowed
    if isinstance(hint, type) and not issubclass(hint, tuple):
        return frozenset({hint})
    return None


def _record_check(record: type[tuple[Any, ...]]) -> _Check:
    """Whether a value is a well-typed ``record`` (a NamedTuple of :mod:`briefing.records`),
    every field as its annotation says, records inside included: derived from the annotations,
    so a field added to a record is checked too. The fields of plain types are checked a group
    at a time, in C: a briefing in about 30 microseconds."""
    hints = typing.get_type_hints(record)
    groups: dict[frozenset[type], list[int]] = {}
    others: list[tuple[int, _Check]] = []
    for position, name in enumerate(record._fields):  # type: ignore[attr-defined]
        plain = _plain_types(hints[name])
        if plain is not None:
            groups.setdefault(plain, []).append(position)
        else:
            others.append((position, _value_check(hints[name])))
    plain_checks = [(_getter(positions), allowed) for allowed, positions in groups.items()]

    def check(value: Any) -> bool:
        return (
            type(value) is record
            and all(set(map(type, get(value))) <= allowed for get, allowed in plain_checks)
            and all(inner(value[position]) for position, inner in others)
        )

    return check


def _value_check(hint: Any) -> _Check:
    """Whether a value is of the type this annotation names."""
    plain = _plain_types(hint)
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if plain is not None:
        return lambda value: type(value) in plain
    if origin is typing.Literal:
        return lambda value: value in arguments
    if origin in (typing.Union, types.UnionType):
        alternatives = [_value_check(argument) for argument in arguments]
        return lambda value: any(check(value) for check in alternatives)
    if origin is tuple and arguments[1:] == (Ellipsis,):
        items = _plain_types(arguments[0])
        if items is not None:
            return lambda value: type(value) is tuple and set(map(type, value)) <= items
        item = _value_check(arguments[0])
        return lambda value: type(value) is tuple and all(map(item, value))
    if isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields"):
        return _record_check(hint)
    raise TypeError(f"no check for values of type {hint}")


def _getter(positions: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """The values at these positions of a tuple, as a tuple (operator.itemgetter: in C)."""
    if len(positions) == 1:
        position = positions[0]
        return lambda value: (value[position],)
    getter: Callable[[Any], tuple[Any, ...]] = operator.itemgetter(*positions)
    return getter


@cache  # built on first use: a command that decodes no briefing never pays for it
def _briefing_check() -> _Check:
    return _record_check(Briefing)


def sound(briefing: object) -> bool:
    """Whether a briefing decoded from a store (the index, a version read) is one a valid file
    could have given: every field of the type it must have (records inside included), every
    date one the formats can show, every grade a grade, and no two sections of one id (the
    reader names its widgets after them). What fails is not used: the store is damaged."""
    if not _briefing_check()(briefing):
        return False
    assert isinstance(briefing, Briefing)
    dates = [e.date for e in briefing.timeline] + [c.date for c in briefing.corrections]
    dates += [q.date for q in briefing.quotes if q.date is not None]
    grades = [f.grade for f in briefing.key_facts if f.grade is not None]
    return (
        all(map(_shows, dates))
        and all(GRADE.fullmatch(grade) for grade in grades)
        and len({section.id for section in briefing.sections}) == len(briefing.sections)
    )


def _shows(when: str) -> bool:
    """Whether :func:`event_date` can show this date."""
    if not _EVENT_DATE.fullmatch(when):
        return False
    try:
        event_date(when)
    except (ValueError, IndexError):
        return False
    return True


_EVENT_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?|\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}")
