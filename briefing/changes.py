"""What changed between two versions of one briefing, part by part: a pure comparison.

Parts keep stable identities. A section is its id: sections that only moved are no change at
all, and a section added or removed is one change (its paragraphs are not listed apart). A key
fact is its section and label (several facts of the same pair: by their order). Paragraphs,
timeline events, quotes, things to watch, sources and corrections are sequences, aligned with
:class:`difflib.SequenceMatcher` after their common start and end are set aside, so that one
item inserted, deleted or edited is always reported as exactly that: an edited item is one
``changed``, never a removal and an addition.

Not compared: ``updated`` (it says when the briefing changed, not what), ``published`` (the
date a story first ran; a revision that moves it has revised its parts too, which are listed),
``tags``, ``language`` and ``date_note`` (how the date was arrived at): none of them is news
to a reader.

Every text here is the briefing's own, as untrusted as anywhere: whoever shows it escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from difflib import SequenceMatcher
from typing import Any, Literal, NamedTuple, TypeVar

from briefing.records import (
    Briefing,
    Correction,
    KeyFact,
    Quote,
    Section,
    Source,
    TimelineEvent,
    attribution,
    credit,
)

Kind = Literal[
    "correction", "title", "bottom_line", "standfirst", "section", "section_title",
    "section_summary", "paragraph", "fact", "event", "quote", "watch", "source",
]  # fmt: skip
"""What part of a briefing changed."""

How = Literal["added", "removed", "changed"]


class Change(NamedTuple):
    """One change from the old version of a briefing to the new."""

    kind: Kind
    change: How
    before: str | None
    """The text before, as a person reads it (``None`` when added)."""
    after: str | None
    """The text after (``None`` when removed)."""
    section: str | None = None
    """The id of the section it belongs to: a section's own, a paragraph's, a fact's, a
    quote's, and an event's or a correction's when it names one."""
    index: int | None = None  # type: ignore[assignment]  # a field, over tuple.index
    """Its position (from 0) in the new briefing when added or changed, in the old when
    removed: a section's among the sections, a paragraph's in its section, a fact's among the
    key facts, and an event's, quote's, thing to watch's, source's or correction's in its list
    (the timeline as the file has it, not in date order)."""
    label: str | None = None
    """What names it, as :func:`place` says it: a fact's label, a section's title (for kinds
    ``section``, ``section_title`` and ``section_summary``), an event's or a correction's date
    in words, a quote's speaker, a source's name. The new one, or the old when removed."""
    fields: tuple[str, ...] = ()
    """What changed of an item ``changed``: of a fact ``value``, ``status``, ``sources``,
    ``grade``, ``note``; of an event ``date``, ``event``, ``section``; of a quote ``text``,
    ``speaker``, ``role``, ``date``, ``section``, ``source``; of a source ``id``, ``name``,
    ``url``, ``note``; of a correction ``date``, ``text``, ``section``."""


def compare(old: Briefing, new: Briefing) -> list[Change]:
    """Every change from ``old`` to ``new``: the corrections first, then in the reading order of
    the new briefing: the title, the bottom line, the standfirst, the sections in the new order
    (each: the section added or removed, or its title, summary and paragraphs), the key facts,
    the timeline, the quotes, what to watch and the sources. A removed item comes where it
    stood: in a list, between its neighbours; a section or a fact, right after the one it
    followed in the old version.

    ``compare(b, b)`` is empty for every briefing. Not compared: ``updated``, ``published``,
    ``tags``, ``language``, ``date_note`` (see the module's documentation)."""
    changes = list(_items(_CORRECTIONS, old.corrections, new.corrections, _correction_text))
    parts: tuple[tuple[Kind, str | None, str | None], ...] = (
        ("title", old.title, new.title),
        ("bottom_line", old.bottom_line, new.bottom_line),
        ("standfirst", old.standfirst, new.standfirst),
    )
    for kind, before, after in parts:
        if before != after:
            how: How = "added" if before is None else "removed" if after is None else "changed"
            changes.append(Change(kind, how, before, after))
    changes += _sections(old.sections, new.sections)
    changes += _facts(old, new)
    changes += _items(_EVENTS, old.timeline, new.timeline, _event_text)
    changes += _items(_QUOTES, old.quotes, new.quotes, _quote_text(old), new_text=_quote_text(new))
    changes += _items(_WATCH, old.watch, new.watch, _same)
    changes += _items(_SOURCES, old.sources, new.sources, _source_text)
    return changes


# --- the parts ---------------------------------------------------------------------------------


def _sections(old: Sequence[Section], new: Sequence[Section]) -> Iterator[Change]:
    for i, j in _by_identity([s.id for s in old], [s.id for s in new]):
        if j is None:
            assert i is not None
            gone = old[i]
            yield Change("section", "removed", gone.title, None, gone.id, i, gone.title)
            continue
        section = new[j]
        if i is None:
            yield Change("section", "added", None, section.title, section.id, j, section.title)
            continue
        before = old[i]
        parts: tuple[tuple[Kind, str, str], ...] = (
            ("section_title", before.title, section.title),
            ("section_summary", before.summary, section.summary),
        )
        for kind, was, now in parts:
            if was != now:
                yield Change(kind, "changed", was, now, section.id, j, section.title)
        yield from _items(
            _PARAGRAPHS, before.paragraphs, section.paragraphs, _same, section=section.id
        )


_FACT = ("value", "status", "sources", "grade", "note")


def _facts(old: Briefing, new: Briefing) -> Iterator[Change]:
    """Key facts by section and label; a fact that moved to another section is another fact."""
    old_facts, new_facts = old.key_facts, new.key_facts
    pairs = _by_identity([(f.section, f.label) for f in old_facts],
                         [(f.section, f.label) for f in new_facts])  # fmt: skip
    for i, j in pairs:
        was = None if i is None else old_facts[i]
        now = None if j is None else new_facts[j]
        fields = () if was is None or now is None else _differing(was, now, _FACT)
        if was is not None and now is not None and not fields:
            continue
        shown = "note" in fields
        fact = was if now is None else now
        assert fact is not None
        yield Change(
            "fact",
            "removed" if now is None else "added" if was is None else "changed",
            None if was is None else _fact_text(old, was, shown),
            None if now is None else _fact_text(new, now, shown),
            fact.section,
            i if now is None else j,
            fact.label,
            fields,
        )


def _fact_text(briefing: Briefing, fact: KeyFact, with_note: bool = False) -> str:
    """``More than 10,000 (reported; per Kremlin · B2)``; with its note after when the note is
    what changed (so that a change of note alone reads as one)."""
    said = "; ".join(part for part in (fact.status, attribution(briefing, fact)) if part)
    text = f"{fact.value} ({said})"
    return f"{text}. Note: {fact.note}" if with_note and fact.note else text


T = TypeVar("T")


class _Part(NamedTuple):
    """How the items of a list are told apart, read and compared."""

    kind: Kind
    key: Callable[[Any], Hashable]
    """What stays the same when an item is edited in place (another is a replacement)."""
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each field a change names and the record's fields it stands for; none for text."""


def _items(
    part: _Part,
    old: Sequence[T],
    new: Sequence[T],
    text: Callable[[T], str],
    *,
    new_text: Callable[[T], str] | None = None,
    section: str | None = None,
) -> Iterator[Change]:
    """The changes of a list, aligned (:func:`_align`), each in words through ``text`` (for
    the new version ``new_text``, when it differs)."""
    for i, j in _align(old, new, part.key, text):
        was = None if i is None else old[i]
        now = None if j is None else new[j]
        changed: tuple[str, ...] = ()
        if was is not None and now is not None:
            if was == now:
                continue
            changed = tuple(
                name for name, names in part.fields
                if any(getattr(was, n) != getattr(now, n) for n in names)
            )  # fmt: skip
            if part.fields and not changed:
                continue
        item = was if now is None else now
        assert item is not None
        yield Change(
            part.kind,
            "removed" if now is None else "added" if was is None else "changed",
            None if was is None else text(was),
            None if now is None else (new_text or text)(now),
            getattr(item, "section", None) if section is None else section,
            i if now is None else j,
            _label(item),
            changed,
        )


def _label(item: object) -> str | None:
    if isinstance(item, TimelineEvent | Correction):
        return item.when()
    if isinstance(item, Quote):
        return item.speaker
    if isinstance(item, Source):
        return item.name
    return None


def _same(item: T) -> T:
    return item


def _event_key(event: TimelineEvent) -> Hashable:
    return (event.date, event.event)


def _event_text(event: TimelineEvent) -> str:
    """``18 November 2024: Biden clears...``"""
    return f"{event.when()}: {event.event}"


def _quote_key(quote: Quote) -> Hashable:
    return (quote.text, quote.speaker)


def _quote_text(briefing: Briefing) -> Callable[[Quote], str]:
    def text(quote: Quote) -> str:
        """``“Words.” — Speaker, role, 18 November 2024, per Source``"""
        return f"\u201c{quote.text}\u201d {credit(briefing, quote)}"

    return text


def _source_key(source: Source) -> Hashable:
    return ("id", source.id) if source.id is not None else ("name", source.name)


def _source_text(source: Source) -> str:
    """``Name, https://example.org: note``"""
    text = f"{source.name}, {source.url}" if source.url else source.name
    return f"{text}: {source.note}" if source.note else text


def _correction_key(correction: Correction) -> Hashable:
    return (correction.date, correction.text)


def _correction_text(correction: Correction) -> str:
    return f"{correction.when()}: {correction.text}"


def _differing(was: object, now: object, names: Sequence[str]) -> tuple[str, ...]:
    return tuple(name for name in names if getattr(was, name) != getattr(now, name))


def _fields(*names: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Fields named as the record names them, but ``date``: the date and whether inferred."""
    return tuple((name, (name, "inferred") if name == "date" else (name,)) for name in names)


_EVENTS = _Part("event", _event_key, _fields("date", "event", "section"))
_QUOTES = _Part(
    "quote", _quote_key, _fields("text", "speaker", "role", "date", "section", "source")
)
_WATCH = _Part("watch", _same)
_SOURCES = _Part("source", _source_key, _fields("id", "name", "url", "note"))
_CORRECTIONS = _Part(
    "correction",
    _correction_key,
    (("date", ("date",)), ("text", ("text",)), ("section", ("section",))),
)
_PARAGRAPHS = _Part("paragraph", _same)


# --- in words --------------------------------------------------------------------------------

_WORDS: dict[tuple[Kind, How], tuple[str, str]] = {
    ("correction", "added"): ("{} correction", "{} corrections"),
    ("correction", "changed"): ("{} correction changed", "{} corrections changed"),
    ("correction", "removed"): ("{} correction removed", "{} corrections removed"),
    ("title", "changed"): ("the title changed", "the title changed"),
    ("bottom_line", "changed"): ("the bottom line changed", "the bottom line changed"),
    ("standfirst", "changed"): ("the standfirst changed", "the standfirst changed"),
    ("standfirst", "added"): ("a new standfirst", "a new standfirst"),
    ("standfirst", "removed"): ("the standfirst removed", "the standfirst removed"),
    ("fact", "changed"): ("{} fact changed", "{} facts changed"),
    ("fact", "added"): ("{} new fact", "{} new facts"),
    ("fact", "removed"): ("{} fact removed", "{} facts removed"),
    ("section", "added"): ("{} new section", "{} new sections"),
    ("section", "removed"): ("{} section removed", "{} sections removed"),
    ("section_title", "changed"): ("{} section title changed", "{} section titles changed"),
    ("section_summary", "changed"): (
        "{} section summary changed", "{} section summaries changed"
    ),
    ("paragraph", "changed"): ("{} paragraph reworded", "{} paragraphs reworded"),
    ("paragraph", "added"): ("{} new paragraph", "{} new paragraphs"),
    ("paragraph", "removed"): ("{} paragraph removed", "{} paragraphs removed"),
    ("event", "changed"): ("{} event changed", "{} events changed"),
    ("event", "added"): ("{} new event", "{} new events"),
    ("event", "removed"): ("{} event removed", "{} events removed"),
    ("quote", "changed"): ("{} quote changed", "{} quotes changed"),
    ("quote", "added"): ("{} new quote", "{} new quotes"),
    ("quote", "removed"): ("{} quote removed", "{} quotes removed"),
    ("watch", "changed"): ("{} thing to watch changed", "{} things to watch changed"),
    ("watch", "added"): ("{} new thing to watch", "{} new things to watch"),
    ("watch", "removed"): ("{} thing to watch removed", "{} things to watch removed"),
    ("source", "changed"): ("{} source changed", "{} sources changed"),
    ("source", "added"): ("{} new source", "{} new sources"),
    ("source", "removed"): ("{} source removed", "{} sources removed"),
}  # fmt: skip
"""The words of :func:`tally` for each kind and change (one, several), in its order: the
corrections first, then the briefing's whole (title, bottom line, standfirst), the key facts
(what a reader comes back for), the sections and their paragraphs, and the rest in reading
order; of each kind, what changed, what is new, what went (but a new correction first)."""


def tally(changes: Sequence[Change]) -> str:
    """The changes counted in words, as the reader's strip says them: ``1 correction, 2 facts
    changed, 1 new paragraph, 1 new event`` (see :data:`_WORDS` for the order); empty for no
    changes."""
    counts: dict[tuple[Kind, How], int] = {}
    for change in changes:
        counts[change.kind, change.change] = counts.get((change.kind, change.change), 0) + 1
    return ", ".join(
        (one if count == 1 else several).format(count)
        for what, (one, several) in _WORDS.items()
        if (count := counts.get(what, 0))
    )


HOW_SAID: dict[How, str] = {"added": "new", "removed": "removed", "changed": "changed"}
"""How a change is named after its place (:func:`said`)."""


def said(change: Change, briefing: Briefing) -> str:
    """Where a change is and what it is, in words: ``Key fact "Troops" — changed``, as the
    command lists it and the reader's ``u`` says it (``briefing``: the new version)."""
    return f"{place(change, briefing)} \u2014 {HOW_SAID[change.change]}"


def place(change: Change, briefing: Briefing) -> str:
    """Where a change is, in words: ``Section 2 "Missiles", paragraph 3``, ``Key fact "Troops in
    Kursk"``, ``Timeline, 18 November 2024``, ``Bottom line``... Section numbers and titles are
    those of ``briefing``, the new version (a removed section is its old title alone); a
    removed item's number is the one it had in the old version."""
    number = None if change.index is None else change.index + 1
    if change.kind == "section" and change.change == "removed":
        return f'Section "{change.label}"'
    where = _section_place(change.section, briefing)
    return _PLACES[change.kind].format(section=where, number=number, label=change.label)


_PLACES: dict[Kind, str] = {
    "correction": "Correction of {label}",
    "title": "Title",
    "bottom_line": "Bottom line",
    "standfirst": "Standfirst",
    "section": "{section}",
    "section_title": "{section}, title",
    "section_summary": "{section}, summary",
    "paragraph": "{section}, paragraph {number}",
    "fact": 'Key fact "{label}"',
    "event": "Timeline, {label}",
    "quote": "Quote by {label}",
    "watch": "What to watch, item {number}",
    "source": 'Source "{label}"',
}
"""What :func:`place` says of each kind."""


def _section_place(section_id: str | None, briefing: Briefing) -> str:
    """``Section 2 "Missiles"``: its number and title in ``briefing``."""
    for number, section in enumerate(briefing.sections, 1):
        if section.id == section_id:
            return f'Section {number} "{section.title}"'
    return f'Section "{section_id}"'


# --- alignment ---------------------------------------------------------------------------------

Pair = tuple[int | None, int | None]
"""An old item and the new one it became (either ``None``: added or removed)."""


def _by_identity(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Pair]:
    """Items matched by identity (the n-th of a repeated identity with the n-th), in the new
    order, each removed one right after the kept one it followed in the old order (or first)."""
    waiting: dict[Hashable, list[int]] = {}
    for n, identity in enumerate(old):
        waiting.setdefault(identity, []).append(n)
    matched: list[Pair] = []
    for j, identity in enumerate(new):
        olds = waiting.get(identity)
        matched.append((olds.pop(0) if olds else None, j))
    kept = {i for i, _ in matched if i is not None}
    after: dict[int, list[Pair]] = {}  # the removed, by the kept one before them (or -1)
    anchor = -1
    for n in range(len(old)):
        if n in kept:
            anchor = n
        else:
            after.setdefault(anchor, []).append((n, None))
    pairs: list[Pair] = after.get(-1, [])
    for pair in matched:
        pairs.append(pair)
        if pair[0] is not None:
            pairs += after.get(pair[0], [])
    return pairs


def _align(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable], text: Callable[[T], str]
) -> list[Pair]:
    """Two sequences aligned, in order: equal items paired, and in a run replaced, the old and
    new items of the same key, else the most alike (:func:`_pair_alike`). The common start and
    end are set aside first, so that one item inserted, deleted or edited anywhere (next to a
    copy of itself too) is exactly one unpaired or one paired item."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    pairs: list[Pair] = [(n, n) for n in range(start)]
    matcher = SequenceMatcher(
        None, old[start : len(old) - end], new[start : len(new) - end], autojunk=False
    )
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        olds, news = range(start + a1, start + a2), range(start + b1, start + b2)
        if tag == "equal":
            pairs += zip(olds, news, strict=True)
        elif tag == "replace":
            pairs += _pair_alike(old, new, olds, news, key=key, text=text)
        else:
            pairs += [(i, None) for i in olds] + [(None, j) for j in news]
    pairs += [(len(old) - end + n, len(new) - end + n) for n in range(end)]
    return pairs


ALIKE = 0.5
"""How alike (:func:`similarity`) an old and a new item of a replaced run must be to count as
one item edited rather than one removed and another added."""

BAND = 8
"""How far apart (in items, along a long replaced run) an old and a new item may be to be
compared at all."""

SAME_KEY = 2.0
"""How alike two items of the same key are: more than any two texts can be."""


def _pair_alike(
    old: Sequence[T],
    new: Sequence[T],
    olds: range,
    news: range,
    *,
    key: Callable[[T], Hashable],
    text: Callable[[T], str],
) -> list[Pair]:
    """A run of old items replaced by new ones, paired in order so that the pairs are as alike
    as can be: their total likeness, an item's of the same key (an edit of its other fields)
    counted as :data:`SAME_KEY`, others' their :func:`similarity` if at least :data:`ALIKE`.
    One old item replaced by one new one is always a pair. Unpaired items are removed or
    added. In a long run, only items near the same place in it (within :data:`BAND`) are
    compared, so that the cost grows with its length, not its square."""
    if len(olds) == 1 and len(news) == 1:
        return [(olds[0], news[0])]
    old_texts, new_texts = [text(old[i]) for i in olds], [text(new[j]) for j in news]
    old_keys, new_keys = [key(old[i]) for i in olds], [key(new[j]) for j in news]
    m, n = len(olds), len(news)
    wide = m * n > BAND * BAND * 4
    # best[a][b]: the most total likeness of pairs among the first a old and first b new items.
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    alike = [[0.0] * n for _ in range(m)]
    for a in range(m):
        for b in range(n):
            if old_keys[a] == new_keys[b]:
                likeness = SAME_KEY
            elif wide and abs(a * n - b * m) > BAND * max(m, n):
                likeness = 0.0  # too far apart in a long run to be worth comparing
            else:
                likeness = similarity(old_texts[a], new_texts[b])
            alike[a][b] = likeness
            paired = best[a][b] + likeness if likeness >= ALIKE else 0.0
            best[a + 1][b + 1] = max(best[a][b + 1], best[a + 1][b], paired)
    pairs: list[Pair] = []
    a, b = m, n
    while a and b:
        likeness = alike[a - 1][b - 1]
        if likeness >= ALIKE and best[a][b] == best[a - 1][b - 1] + likeness:
            pairs.append((olds[a - 1], news[b - 1]))
            a, b = a - 1, b - 1
        elif best[a][b] == best[a - 1][b]:
            pairs.append((olds[a - 1], None))
            a -= 1
        else:
            pairs.append((None, news[b - 1]))
            b -= 1
    pairs += [(olds[k], None) for k in reversed(range(a))]
    pairs += [(None, news[k]) for k in reversed(range(b))]
    pairs.reverse()
    return pairs


def similarity(before: str, after: str) -> float:
    """How alike two texts are, from 0 to 1 (:meth:`SequenceMatcher.ratio`): short texts
    character by character, long ones word by word (a paragraph of a few hundred words is
    compared in far less time, and one word changed in it still reads as one edit)."""
    first: Sequence[str] = before
    second: Sequence[str] = after
    if len(before) + len(after) > 400:
        first, second = before.split(), after.split()
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < ALIKE or matcher.quick_ratio() < ALIKE:
        return 0.0
    return matcher.ratio()
