"""The briefings of one file, as the commands and the reader reach them.

A :class:`Library` answers the questions a command asks (which briefings are there, give me
this one, which ones mention these words) without saying where the answers come from: a file
held in memory (:class:`MemoryLibrary`) or the on-disk index of a file
(:class:`briefing.index.IndexedLibrary`), which answers without reading the whole file.

No pydantic, no Textual, no Rich: this sits on the path of every command.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from briefing.records import Briefing, Document, newest_index
from briefing.search import Hit, fold_query, place, search_briefing


class Entry(NamedTuple):
    """What a list of briefings shows of one: id, date, title and how many sections."""

    id: str
    published: date
    title: str
    sections: int

    @classmethod
    def of(cls, briefing: Briefing) -> Entry:
        return cls(briefing.id, briefing.published, briefing.title, len(briefing.sections))


class Library(ABC):
    """The briefings of one file, in file order."""

    source: str
    """The file's name, as errors show it."""

    @property
    @abstractmethod
    def entries(self) -> Sequence[Entry]:
        """One entry per briefing, in file order."""

    @abstractmethod
    def briefing(self, briefing_id: str) -> Briefing | None:
        """The briefing with this id, if there is one."""

    @abstractmethod
    def found_in(self, query: str) -> Iterator[tuple[str, str]]:
        """``(id, place)`` for each briefing whose text holds ``query``, in file order, with
        where its first match is (:func:`briefing.search.place`)."""

    def __len__(self) -> int:
        return len(self.entries)

    def ids(self) -> list[str]:
        """Every briefing's id, in file order."""
        return [entry.id for entry in self.entries]

    def newest_id(self) -> str:
        """The id of the briefing published last; on a tie, the first of them in the file."""
        entries = self.entries
        return entries[newest_index([entry.published for entry in entries])].id

    def newest(self) -> Briefing:
        """The briefing published last."""
        briefing = self.briefing(self.newest_id())
        assert briefing is not None
        return briefing

    def briefings(self) -> Iterator[Briefing]:
        """Every briefing, in file order, read one at a time."""
        for entry in self.entries:
            briefing = self.briefing(entry.id)
            if briefing is not None:
                yield briefing

    def candidates(self, query: str) -> Iterator[Briefing]:
        """The briefings that may hold ``query`` (all of them unless an index says fewer)."""
        return self.briefings()

    def search(self, query: str) -> Iterator[tuple[Briefing, Hit]]:
        """Every occurrence of ``query`` in every briefing, in file and reading order."""
        if not fold_query(query):
            return
        for briefing in self.candidates(query):
            for hit in search_briefing(briefing, query):
                yield briefing, hit


class MemoryLibrary(Library):
    """A whole file held in memory: standard input, tests, or when no index can be kept."""

    def __init__(self, document: Document, source: str = "<memory>") -> None:
        self.document = document
        self.source = source
        self._entries = [Entry.of(briefing) for briefing in document.briefings]
        self._by_id = {briefing.id: briefing for briefing in document.briefings}

    @property
    def entries(self) -> Sequence[Entry]:
        return self._entries

    def briefing(self, briefing_id: str) -> Briefing | None:
        return self._by_id.get(briefing_id)

    def briefings(self) -> Iterator[Briefing]:
        return iter(self.document.briefings)

    def found_in(self, query: str) -> Iterator[tuple[str, str]]:
        for briefing in self.document.briefings:
            hits = search_briefing(briefing, query)
            if hits:
                yield briefing.id, place(briefing, hits[0].field)
