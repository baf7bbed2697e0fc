"""What the reader marks as changed since the last visit, and where ``u`` stops. No Textual.

From the changes between the version last read and the one shown
(:func:`briefing.changes.compare`): which paragraphs and quotes are new or reworded (a mark in
the gutter), which facts changed and what they were (the old value beside the new), which
sections hold changes (said on their collapsed title), which events and what-to-watch items are
new, and the places to go to, in the order they are on the page. Places are the search's keys
(:mod:`briefing.search`), so going to a change is going to a match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from briefing.search import BodyKey, CorrectionKey, FactKey, LeadKey, SectionKey

if TYPE_CHECKING:
    from briefing.changes import Change, How
    from briefing.records import Briefing, KeyFact

WATCH: Literal["watch"] = "watch"
"""The place of a what-to-watch item (the box at the end of the page)."""

Stop = LeadKey | CorrectionKey | SectionKey | BodyKey | FactKey | Literal["watch"]
"""A place ``u`` goes to."""

GUTTER: dict[How, str] = {"added": "+", "changed": "~"}
"""The gutter's mark of a new and of a reworded paragraph, quote, event or item: a shape, not
a colour, so it reads without one."""


@dataclass(frozen=True)
class FactMark:
    """A key fact of the shown briefing that is new, or changed since it was read."""

    new: bool
    """Whether it is new (then nothing else is set)."""
    old: KeyFact | None = None
    """The fact as it was read."""
    fields: tuple[str, ...] = ()
    """What changed: ``value``, ``status``, ``sources``, ``grade``, ``note``."""


@dataclass(frozen=True)
class Marks:
    """The changes of one briefing, as the reader shows them. Empty: nothing to mark."""

    changes: tuple[Change, ...] = ()
    parts: dict[BodyKey, How] = field(default_factory=dict)
    """Paragraphs and quotes new (``added``) or reworded (``changed``)."""
    sections: dict[str, int] = field(default_factory=dict)
    """How many changes each section of the shown briefing shows when open (its title, its
    summary, its paragraphs and quotes)."""
    new_sections: frozenset[str] = frozenset()
    facts: dict[int, FactMark] = field(default_factory=dict)
    """By the fact's index in the shown briefing."""
    events: dict[int, How] = field(default_factory=dict)
    """By the event's index in the shown briefing's timeline (as in the file)."""
    watch: dict[int, How] = field(default_factory=dict)
    lead: dict[str, How] = field(default_factory=dict)
    """``title``, ``standfirst``, ``bottom_line``."""
    stops: tuple[Stop, ...] = ()
    """Where ``u`` goes, in the order of the page: the lead, the sections (each: its title,
    then its paragraphs and quotes), the facts, what to watch."""
    said: tuple[str, ...] = ()
    """What each stop is, in words: ``Section 2 "Missiles", paragraph 3 — new``."""

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def summary(self) -> str:
        """``2 facts changed, 1 new paragraph`` (:func:`briefing.changes.tally`)."""
        from briefing.changes import tally

        return tally(self.changes)


def marks_of(old: Briefing, new: Briefing) -> Marks:
    """What to mark in ``new``, read last as ``old``: the changes between them
    (:func:`briefing.changes.compare`) as the reader shows them."""
    from briefing.changes import compare

    changes = compare(old, new)
    found = _Found(old, new)
    for change in changes:
        found.add(change)
    ordered: dict[Stop, str] = {}
    for _, stop, words in sorted(found.stops, key=lambda found: found[0]):
        ordered.setdefault(stop, words)
    return Marks(
        changes=tuple(changes),
        parts=found.parts,
        sections=found.sections,
        new_sections=frozenset(found.new_sections),
        facts=found.facts,
        events=found.events,
        watch=found.watch,
        lead=found.lead,
        stops=tuple(ordered),
        said=tuple(ordered.values()),
    )


_LEAD = ("title", "standfirst", "bottom_line")
_SHOWN_IN_SECTION = frozenset({"section_title", "section_summary", "paragraph", "quote"})
"""The changes a section shows when open, which its closed title counts (a fact's show in
the panel, an event's in the timeline)."""


class _Found:
    """The marks of :func:`marks_of` as they are found, one change at a time; each stop with
    its rank in the page's order (the lead, each section by its number, the facts, what to
    watch)."""

    def __init__(self, old: Briefing, new: Briefing) -> None:
        self.order = {section.id: number for number, section in enumerate(new.sections)}
        self.facts_at = _fact_indexes(new)
        self.old_facts = {key: old.key_facts[i] for key, i in _fact_indexes(old).items()}
        self.parts: dict[BodyKey, How] = {}
        self.sections: dict[str, int] = {}
        self.new_sections: set[str] = set()
        self.facts: dict[int, FactMark] = {}
        self.events: dict[int, How] = {}
        self.watch: dict[int, How] = {}
        self.lead: dict[str, How] = {}
        self.new = new
        self.stops: list[tuple[tuple[int, ...], Stop, str]] = []
        self.change: Change | None = None
        """The change being added."""

    def add(self, change: Change) -> None:
        self.change = change
        section = change.section if change.section in self.order else None
        if section is not None and change.kind in _SHOWN_IN_SECTION:
            self.sections[section] = self.sections.get(section, 0) + 1
        kind = change.kind
        if kind in _LEAD:
            self.lead[kind] = change.change
            self.stop((0, _LEAD.index(kind)), LeadKey(kind))  # type: ignore[arg-type]
        elif kind == "correction":
            if change.change != "removed" and change.index is not None:  # shown at the top
                self.stop((0, -1, change.index), CorrectionKey(change.index))
        elif kind == "fact":
            self._fact(change, section)
        elif kind in ("event", "watch"):
            self._item(change, section)
        elif section is not None:
            self._in_section(change, section)

    def stop(self, rank: tuple[int, ...], stop: Stop) -> None:
        """A place ``u`` goes to, said in words: where the change is and what it is."""
        assert self.change is not None
        from briefing.changes import said  # (imported once: marks_of is what needs it)

        self.stops.append((rank, stop, said(self.change, self.new)))

    def _section_stop(self, section: str, *rank: int) -> None:
        self.stop((1, self.order[section], *rank), SectionKey(section, "title"))

    def _in_section(self, change: Change, section: str) -> None:
        """A section added, its title or summary, a paragraph or a quote."""
        kind, how = change.kind, change.change
        if kind == "section":
            self.new_sections.add(section)
            self._section_stop(section, 0)
        elif kind in ("section_title", "section_summary"):
            part: Literal["title", "summary"] = "title" if kind == "section_title" else "summary"
            self.stop(
                (1, self.order[section], 0 if part == "title" else 1), SectionKey(section, part)
            )
        elif kind in ("paragraph", "quote"):
            if how == "removed" or change.index is None:  # nothing left to point at but its section
                self._section_stop(section, 0)
                return
            body: Literal["paragraph", "quote"] = "paragraph" if kind == "paragraph" else "quote"
            key = BodyKey(section, body, change.index)
            self.parts[key] = how
            self.stop((1, self.order[section], 2 if body == "paragraph" else 3, change.index), key)

    def _fact(self, change: Change, section: str | None) -> None:
        label_key = (change.section, change.label)
        at = self.facts_at.get(label_key) if change.change != "removed" else None
        if at is None:  # removed: its section says so
            if section is not None:
                self._section_stop(section, 0)
            return
        old = self.old_facts.get(label_key)
        self.facts[at] = FactMark(change.change == "added", old, tuple(change.fields))
        self.stop((5, at), FactKey(at, "value"))

    def _item(self, change: Change, section: str | None) -> None:
        """An event (in the timeline, ``t``: its section is the place to go) or an item to
        watch."""
        index = change.index if change.index is not None else 0
        marked = self.events if change.kind == "event" else self.watch
        if change.change != "removed":
            marked[index] = change.change
        if change.kind == "watch":
            self.stop((6, index), WATCH)
        elif section is not None:
            self._section_stop(section, 0)  # the event itself is marked in the timeline


def _fact_indexes(briefing: Briefing) -> dict[tuple[str | None, str | None], int]:
    """Each key fact's index by its identity (its section and label): the first of the same."""
    found: dict[tuple[str | None, str | None], int] = {}
    for index, fact in enumerate(briefing.key_facts):
        found.setdefault((fact.section, fact.label), index)
    return found
