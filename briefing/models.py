"""The briefing file format, version 1.1, as pydantic models (a version 1 file is a valid 1.1
file: 1.1 only adds optional fields and wider dates).

This is the data layer: it imports neither Textual nor Rich. Every text field is cleaned of
control characters and invisible ones as it is validated (:func:`briefing.records.clean`), so
nothing downstream (the summary, the reader) ever sees an escape sequence, a bidirectional
override or a zero-width character that came from a data file.

Rules that JSON Schema cannot express (unique ids, references between sections, facts, quotes and
timeline events) are checked by ``model_validator`` hooks; each problem they find keeps its own
field path so that an author can go straight to it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefing.records import (
    GRADE,
    INTERVAL,
    LINE_BREAKS,
    SCHEMA_VERSIONS,
    Status,
    clean,
    field_of,
    items_of,
    newer_fields,
    newest_index,
)

SCHEMA_VERSION = SCHEMA_VERSIONS[-1]
"""The newest format version, the one these models describe."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARTIAL_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
EVENT_DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$|^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"
GRADE_PATTERN = r"^[A-F][1-6]$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$"
TEXT_PATTERN = r"\S"
_LANGUAGE = re.compile(LANGUAGE_PATTERN)


# These two run for every text of a file (half a million in a big archive): one function call
# each, the common case (nothing to remove) in C.


def _prose(value: str) -> str:
    """Clean multi-line text (paragraphs keep their line breaks, and line separators become
    line breaks) and require some content."""
    value = clean(value, "\n").strip()
    if not value:
        raise _blank()
    return value


def _line(value: str) -> str:
    """Clean single-line text: tabs, line breaks and separators become spaces, and require
    some content."""
    value = clean(value).strip()
    if "\n" in value or "\t" in value:
        value = LINE_BREAKS.sub(" ", value)
    if not value:
        raise _blank()
    return value


def _blank() -> PydanticCustomError:
    return PydanticCustomError("blank_text", "must not be empty or only white space")


def _slug(value: str) -> str:
    if len(value) > 64 or not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            "must be a slug of at most 64 characters: lower-case letters and digits in words "
            "joined by single hyphens, such as 'north-korea'",
        )
    return value


@lru_cache(maxsize=4096)  # archives repeat the same few dates; errors are never cached
def _partial_date(value: str) -> str:
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        raise PydanticCustomError(
            "partial_date", "must be a date as YYYY-MM-DD, or YYYY-MM when only the month is known"
        )
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        raise PydanticCustomError("partial_date", "is not a real calendar date") from None
    return value


def _day(value: str) -> str:
    if not re.fullmatch(DAY_PATTERN, value):
        raise PydanticCustomError("day", "must be a date as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("day", "is not a real calendar date") from None
    return value


def _event_date(value: str) -> str:
    interval = INTERVAL.fullmatch(value)
    if interval is None:
        if "/" in value:
            raise PydanticCustomError(
                "event_date",
                "must be a date (YYYY-MM-DD, or YYYY-MM) or an interval of two full dates, "
                "YYYY-MM-DD/YYYY-MM-DD",
            )
        return _partial_date(value)
    start, end = interval.groups()
    for day in (start, end):
        try:
            date.fromisoformat(day)
        except ValueError:
            raise PydanticCustomError(
                "event_date", "{day} is not a real calendar date", {"day": day}
            ) from None
    if end < start:
        raise PydanticCustomError("event_date", "the interval ends before it starts")
    return value


def _grade(value: str) -> str:
    if not GRADE.fullmatch(value):
        raise PydanticCustomError(
            "grade",
            "must be an Admiralty grade: the source's reliability, a letter A to F, then the "
            "information's credibility, a digit 1 to 6, such as 'B2'",
        )
    return value


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise PydanticCustomError(
            "url", "must be an http:// or https:// address with a host and no spaces"
        )
    return value


def _language(value: str) -> str:
    if len(value) > 35 or not _LANGUAGE.fullmatch(value):
        raise PydanticCustomError(
            "language", "must be a language tag (BCP 47) such as en, fr or pt-BR"
        )
    return value


def _schema_version(value: object) -> object:
    # bool is an int in Python, and true == 1: without this, "schema_version": true would pass.
    # A version is an integer (1, 2) or a decimal (1.1): 1.0, NaN or Infinity is neither.
    if type(value) is not int and (
        type(value) is not float or value.is_integer() or not math.isfinite(value)
    ):
        raise PydanticCustomError(
            "schema_version",
            "expected the number 1 or 1.1, got {value}",
            {"value": _spelling(value)},
        )
    if value not in SCHEMA_VERSIONS:
        raise PydanticCustomError(
            "schema_version",
            "unsupported format version {version}: this version of briefing reads versions "
            "1 and 1.1",
            {"version": repr(value)},
        )
    return value


def _spelling(value: object) -> str:
    """A value read from a file as JSON writes it (an object or array by its kind), short."""
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "an array"
    spelt = json.dumps(value, ensure_ascii=False)
    return spelt if len(spelt) <= 40 else f"{spelt[:39]}…"


def _string_schema(**constraints: Any) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", **constraints})


Prose = Annotated[str, AfterValidator(_prose), _string_schema(minLength=1, pattern=TEXT_PATTERN)]
"""Free text that may span lines, such as a paragraph."""

Line = Annotated[str, AfterValidator(_line), _string_schema(minLength=1, pattern=TEXT_PATTERN)]
"""Text shown on one line, such as a title; line breaks in the file become spaces."""

Slug = Annotated[
    str, AfterValidator(_slug), _string_schema(pattern=SLUG_PATTERN, minLength=1, maxLength=64)
]
"""An identifier: lower-case words joined by hyphens."""

PartialDate = Annotated[
    str, AfterValidator(_partial_date), _string_schema(pattern=PARTIAL_DATE_PATTERN)
]
"""A calendar date, ``YYYY-MM-DD``, or ``YYYY-MM`` when the story gives only the month."""

Day = Annotated[str, AfterValidator(_day), _string_schema(format="date", pattern=DAY_PATTERN)]
"""A calendar day, ``YYYY-MM-DD``, kept as written (as event dates are)."""

EventDate = Annotated[str, AfterValidator(_event_date), _string_schema(pattern=EVENT_DATE_PATTERN)]
"""When an event happened or a quote was said: a :data:`PartialDate`, or, when the story says
only that it happened within some days, the interval ``YYYY-MM-DD/YYYY-MM-DD`` (format 1.1)."""

Grade = Annotated[str, AfterValidator(_grade), _string_schema(pattern=GRADE_PATTERN)]
"""An Admiralty (NATO) grade: source reliability ``A``-``F``, then information credibility
``1``-``6``."""

Url = Annotated[str, AfterValidator(_url), _string_schema(format="uri", pattern=URL_PATTERN)]
"""An http or https address."""

Language = Annotated[
    str, AfterValidator(_language), _string_schema(pattern=LANGUAGE_PATTERN, maxLength=35)
]
"""A language tag (BCP 47), such as ``en``, ``fr`` or ``pt-BR``."""


class _Model(BaseModel):
    """Shared configuration: unknown fields are errors and loaded data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Model):
    """One part of a briefing, shown collapsed as its title and one-line summary."""

    id: Slug = Field(description="Identifier, unique within its briefing.")
    title: Line = Field(description="Heading of the section.")
    summary: Line = Field(description="What the section says, in one line.")
    paragraphs: list[Prose] = Field(min_length=1, description="The section's body text.")


class KeyFact(_Model):
    """A figure or fact worth seeing at a glance, with how well it is established."""

    label: Line = Field(description="What the value is, such as 'Missile range'.")
    value: Line = Field(description="The fact itself, such as '300 km (190 miles)'.")
    status: Status = Field(
        description=(
            "confirmed: stated as fact; reported: attributed to reports; "
            "unverified: the story says it is not verified; claim: a party's assertion or promise."
        )
    )
    section: Slug = Field(description="Id of the section of this briefing the fact belongs to.")
    note: Prose | None = Field(default=None, description="Context or caveat.")
    sources: list[Slug] = Field(
        default_factory=list,
        description="Ids of the briefing's sources that support the fact (format 1.1).",
    )
    grade: Grade | None = Field(
        default=None,
        description=(
            "How well the fact is established, as an Admiralty code (format 1.1): the "
            "source's reliability, A (completely reliable) to E (unreliable) or F (cannot be "
            "judged), then the information's credibility, 1 (confirmed by other sources) to 5 "
            "(improbable) or 6 (cannot be judged); such as 'B2'."
        ),
    )


class TimelineEvent(_Model):
    """Something that happened, or is due, on a known day or month."""

    date: EventDate = Field(
        description=(
            "YYYY-MM-DD, or YYYY-MM when only the month is known, or YYYY-MM-DD/YYYY-MM-DD when "
            "it happened within those days (format 1.1)."
        )
    )
    event: Line = Field(description="What happened.")
    section: Slug | None = Field(default=None, description="Id of the related section.")
    inferred: bool = Field(
        default=False,
        description="Whether the date is derived rather than stated by the story (format 1.1).",
    )


class Quote(_Model):
    """A direct quotation, verbatim, with who said it."""

    text: Prose = Field(description="The words quoted, verbatim, without quotation marks.")
    speaker: Line = Field(description="Who said it: a person or an institution.")
    role: Line | None = Field(default=None, description="The speaker's position.")
    section: Slug = Field(description="Id of the section the quote belongs to.")
    date: EventDate | None = Field(
        default=None, description="When it was said: a date or an interval, as for events."
    )
    inferred: bool = Field(
        default=False,
        description="Whether the date is derived rather than stated by the story (format 1.1).",
    )
    source: Slug | None = Field(
        default=None,
        description="Id of the source where it was published or reported (format 1.1).",
    )


class Source(_Model):
    """Where the briefing's information comes from."""

    id: Slug | None = Field(
        default=None,
        description=(
            "Identifier, unique among the briefing's sources, by which facts and quotes cite "
            "it (format 1.1; required of every source once any fact or quote cites one)."
        ),
    )
    name: Line = Field(description="Name of the source.")
    url: Url | None = Field(default=None, description="An http or https address.")
    note: Prose | None = Field(default=None, description="What the source contributed.")


class Correction(_Model):
    """A correction the editor declares (format 1.1): what was wrong, said plainly, shown
    before the rest of the briefing in every format."""

    date: Day = Field(description="When it was corrected, YYYY-MM-DD.")
    text: Prose = Field(description="What was corrected, and what is right now.")
    section: Slug | None = Field(
        default=None, description="Id of the section the correction concerns."
    )


class Briefing(_Model):
    """One story: a bottom line, sections, key facts, timeline, quotes and what to watch."""

    id: Slug = Field(description="Identifier, unique within the file.")
    title: Line = Field(description="Headline of the briefing.")
    standfirst: Prose | None = Field(default=None, description="A sentence or two under the title.")
    published: date = Field(description="Publication date, YYYY-MM-DD.")
    date_note: Prose | None = Field(
        default=None,
        description=(
            "How the date was arrived at, when the story gives none (format 1.1): the date "
            "is then shown as inferred."
        ),
    )
    updated: datetime | None = Field(default=None, description="Last update, ISO 8601 date-time.")
    language: Language | None = Field(
        default=None,
        description=(
            "The language it is written in, as a language tag (BCP 47) such as en, fr or "
            "pt-BR (format 1.1): the web page says so to browsers and screen readers."
        ),
    )
    corrections: list[Correction] = Field(
        default_factory=list,
        description="Corrections declared by the editor, oldest first (format 1.1).",
    )
    bottom_line: Prose = Field(description="The bottom line up front, in one paragraph.")
    sections: list[Section] = Field(min_length=1, description="The body, in reading order.")
    key_facts: list[KeyFact] = Field(description="Facts and figures with their status.")
    timeline: list[TimelineEvent] = Field(description="Dated events.")
    quotes: list[Quote] = Field(description="Direct quotations.")
    watch: list[Line] = Field(description="What to watch next.")
    sources: list[Source] = Field(description="Where the information comes from.")
    tags: list[Line] = Field(default_factory=list, description="Topics, for finding briefings.")

    def section(self, section_id: str) -> Section | None:
        """The section with this id, if there is one."""
        return next((s for s in self.sections if s.id == section_id), None)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        problems = briefing_problems(self)
        if self.updated is not None and self.updated.date() < self.published:
            problems.append(
                (("updated",), f"is earlier than published ({self.published.isoformat()})")
            )
        raise_problems(problems)
        return self


class Document(_Model):
    """A briefing file: a format version and one or more briefings."""

    model_config = ConfigDict(
        title="Briefing file",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    schema_version: Annotated[
        float, BeforeValidator(_schema_version), WithJsonSchema({"enum": list(SCHEMA_VERSIONS)})
    ] = Field(description="Version of the format: 1, or 1.1 for a file that uses a field of 1.1.")
    # A file that fails stops at its first broken briefing: pydantic keeps every error found
    # (a kilobyte or more each), so the loader validates the briefings one by one for the rest.
    briefings: list[Briefing] = Field(
        min_length=1, fail_fast=True, description="The briefings in the file."
    )

    @model_validator(mode="after")
    def _check_unique_ids(self) -> Self:
        raise_problems(
            duplicate_ids("briefings", [b.id for b in self.briefings])[0]
            + version_problems(self.schema_version, self.briefings)
        )
        return self

    def get(self, briefing_id: str) -> Briefing | None:
        """The briefing with this id, if there is one."""
        return next((b for b in self.briefings if b.id == briefing_id), None)

    def newest(self) -> Briefing:
        """The briefing published last; on a tie, the first of them in the file."""
        return self.briefings[newest_index([b.published for b in self.briefings])]


Loc = tuple[str | int, ...]
LocatedProblem = tuple[Loc, str]

_REFERRING_FIELDS = ("corrections", "key_facts", "timeline", "quotes")


def duplicate_ids(field: str, ids: Sequence[object]) -> tuple[list[LocatedProblem], dict[str, int]]:
    """Problems for ids used twice in ``field``, and the index of each id's first use."""
    problems: list[LocatedProblem] = []
    first_index: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if not isinstance(ident, str):
            continue
        if ident in first_index:
            problems.append(
                (
                    (field, index, "id"),
                    f"duplicate id '{ident}' (already used by {field}[{first_index[ident]}])",
                )
            )
        else:
            first_index[ident] = index
    return problems, first_index


def briefing_problems(briefing: object) -> list[LocatedProblem]:
    """The problems of one briefing that no field's own check sees: ids used twice, and
    references to no section or no source. ``briefing`` is a validated model or the raw JSON
    of one (whose fields may be missing or of the wrong type: those are left to the fields'
    own checks), so that both are checked by the same rules."""
    sections = items_of(briefing, "sections")
    if not sections:
        return []  # no sections to refer to: that error is reported on its own
    problems, known = duplicate_ids("sections", [field_of(s, "id") for s in sections])
    names = ", ".join(known)
    for field in _REFERRING_FIELDS:
        for index, item in enumerate(items_of(briefing, field)):
            section_id = field_of(item, "section")
            if isinstance(section_id, str) and section_id not in known:
                problems.append(
                    (
                        (field, index, "section"),
                        f"no section '{section_id}' in this briefing (its sections: {names})",
                    )
                )
    return problems + _source_problems(briefing)


def _source_problems(briefing: object) -> list[LocatedProblem]:
    """Sources with the same id, citations of no source, a source cited twice by one fact,
    and sources without an id in a briefing that cites its sources (format 1.1)."""
    sources = items_of(briefing, "sources")
    ids = [field_of(source, "id") for source in sources]
    problems, known = duplicate_ids("sources", ids)
    names = ", ".join(known) or "none has an id"
    citations: list[tuple[Loc, object]] = []
    for index, fact in enumerate(items_of(briefing, "key_facts")):
        cited = items_of(fact, "sources")
        for position, source_id in enumerate(cited):
            loc: Loc = ("key_facts", index, "sources", position)
            if source_id in cited[:position]:
                problems.append((loc, f"cites source '{source_id}' twice"))
            citations.append((loc, source_id))
    for index, quote in enumerate(items_of(briefing, "quotes")):
        citations.append((("quotes", index, "source"), field_of(quote, "source")))
    cites = False
    for loc, source_id in citations:
        if isinstance(source_id, str):
            cites = True
            if source_id not in known:
                problems.append(
                    (loc, f"no source '{source_id}' in this briefing (its sources: {names})")
                )
    if cites:
        problems.extend(
            (("sources", index), "needs an 'id': this briefing's facts and quotes cite their "
             "sources by id")
            for index, ident in enumerate(ids)
            if ident is None
        )  # fmt: skip
    return problems


def version_problems(version: object, briefings: Sequence[object]) -> list[LocatedProblem]:
    """A field of format 1.1 used in a file that says it is version 1: one problem for each
    place (the models and the raw JSON of a file are checked by this one rule)."""
    if version != 1 or type(version) is bool:
        return []
    return [
        (("briefings", index, *loc), f'{what} needs "schema_version": 1.1 (this file says 1)')
        for index, briefing in enumerate(briefings)
        for loc, what in newer_fields(briefing)
    ]


def raw_reference_problems(document: object) -> list[LocatedProblem]:
    """The cross-reference problems of a parsed but unvalidated file, as far as they can be seen.

    Pydantic skips a model's after-validators when one of its fields is invalid; the loader
    calls this on such files so that an author sees every problem at once.
    """
    if not isinstance(document, dict):
        return []
    briefings = items_of(document, "briefings")
    problems, _ = duplicate_ids("briefings", [field_of(b, "id") for b in briefings])
    for b_index, briefing in enumerate(briefings):
        problems.extend(
            (("briefings", b_index, *loc), message) for loc, message in briefing_problems(briefing)
        )
    return problems + version_problems(document.get("schema_version"), briefings)


def raise_problems(problems: list[LocatedProblem]) -> None:
    """Raise the problems found by a cross-field check as one error that keeps every path.

    Pydantic gives an after-validator one location; the loader expands ``ctx["problems"]`` into
    one error per problem, each at its own field path below that location.
    """
    if problems:
        raise PydanticCustomError(
            "references",
            "{summary}",
            {"summary": "; ".join(message for _, message in problems), "problems": problems},
        )
