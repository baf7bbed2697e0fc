"""Briefings as plain, immutable records: what every command and the reader work with.

The pydantic models in :mod:`briefing.models` validate a file; the records here are what a
validated file becomes. They import nothing slow (no pydantic), so a command that reads
briefings from the index (:mod:`briefing.index`) starts in a few milliseconds.

Records are built from the JSON form of a validated briefing (:meth:`Briefing.from_json`) and
give it back (:meth:`Briefing.to_json`). They trust that form: data read back from anywhere but
the validator goes through :func:`scrub` first, so that it never carries a control character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

Status = Literal["confirmed", "reported", "unverified", "claim"]
"""How well a key fact is established, as the story supports it."""

STATUSES: tuple[Status, ...] = ("confirmed", "reported", "unverified", "claim")
"""Every status, strongest first."""

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embedding,
# override and isolate characters: none of them belongs in text shown in a terminal.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile(r"[\t\n]+")

JsonObject = Mapping[str, Any]


def scrub(data: Any) -> Any:
    """JSON data with control and bidi-override characters removed from every string: for
    data read back from somewhere less sure than the validator, such as a cache file."""
    if isinstance(data, str):
        return CONTROL.sub("", data)
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
        )


class TimelineEvent(NamedTuple):
    """Something that happened, or is due, on a known day or month (``YYYY-MM[-DD]``)."""

    date: str
    event: str
    section: str | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> TimelineEvent:
        return cls(
            date=data["date"],
            event=data["event"],
            section=data.get("section"),
        )


class Quote(NamedTuple):
    """A direct quotation, verbatim, with who said it."""

    text: str
    speaker: str
    section: str
    role: str | None = None
    date: str | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> Quote:
        return cls(
            text=data["text"],
            speaker=data["speaker"],
            role=data.get("role"),
            section=data["section"],
            date=data.get("date"),
        )


class Source(NamedTuple):
    """Where the briefing's information comes from."""

    name: str
    url: str | None = None
    note: str | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> Source:
        return cls(
            name=data["name"],
            url=data.get("url"),
            note=data.get("note"),
        )


class Briefing(NamedTuple):
    """One story: a bottom line, sections, key facts, timeline, quotes and what to watch."""

    id: str
    title: str
    published: date
    bottom_line: str
    sections: tuple[Section, ...]
    standfirst: str | None = None
    updated: datetime | None = None
    key_facts: tuple[KeyFact, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    quotes: tuple[Quote, ...] = ()
    watch: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    tags: tuple[str, ...] = ()

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
            updated=None if updated is None else datetime.fromisoformat(updated),
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


_JSON_ORDER = {
    "Quote": ("text", "speaker", "role", "section", "date"),
    "Briefing": ("id", "title", "standfirst", "published", "updated", "bottom_line", "sections",
                 "key_facts", "timeline", "quotes", "watch", "sources", "tags"),
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
    for name in _JSON_ORDER.get(type(record).__name__, names):
        value = getattr(record, name)
        if value is not None:
            result[name] = _to_json(value)
    return result


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


def date_line(briefing: Briefing) -> str:
    """``19 November 2024``, with the update time when there is one (the reader shows it too)."""
    published = briefing.published
    line = f"{published.day} {MONTHS[published.month - 1]} {published.year}"
    if briefing.updated:
        line += f" (updated {briefing.updated.isoformat(sep=' ', timespec='minutes')})"
    return line
