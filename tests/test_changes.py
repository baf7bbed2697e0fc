"""What changed between two versions of a briefing: nothing against itself, and any one edit
reported as exactly that edit, wherever it is and whatever the briefing holds (copies of a
paragraph beside it, facts of the same label, sections in another order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.changes import Change, Kind, compare, place, similarity, tally
from briefing.records import (
    STATUSES,
    Briefing,
    Correction,
    KeyFact,
    Quote,
    Section,
    Source,
    TimelineEvent,
    attribution,
)
from briefing.store import load
from tests.conftest import BUNDLED

T = TypeVar("T")

# Few words, so that paragraphs, events and items often repeat each other and their neighbours.
WORDS = ["the", "toll", "rose", "Kursk", "missiles", "talks", "said", "north"]
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
long_texts = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join)
days = st.sampled_from(["2024-11-18", "2024-11", "2024-11-06/2024-11-17", "2022-02-24"])
optional = st.none() | texts
SOURCE_IDS = ["report", "kremlin", "isw"]


@st.composite
def briefings(draw: st.DrawFn) -> Briefing:
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True, max_size=4))
    sections = tuple(
        Section(ident, draw(texts), draw(texts), tuple(draw(st.lists(long_texts, max_size=5))))
        for ident in ids
    )
    section_ids = st.sampled_from(ids or ["a"])
    facts = draw(st.lists(st.builds(
        KeyFact, label=st.sampled_from(["Toll", "Range", "Troops"]), value=texts,
        status=st.sampled_from(STATUSES), section=section_ids, note=optional,
        sources=st.lists(st.sampled_from(SOURCE_IDS), max_size=2).map(tuple),
        grade=st.none() | st.sampled_from(["B2", "F2"]),
    ), max_size=5))  # fmt: skip
    events = draw(st.lists(st.builds(
        TimelineEvent, date=days, event=long_texts, section=st.none() | section_ids,
        inferred=st.booleans(),
    ), max_size=5))  # fmt: skip
    quotes = draw(st.lists(st.builds(
        Quote, text=long_texts, speaker=st.sampled_from(["Putin", "Biden"]), section=section_ids,
        role=optional, date=st.none() | days, source=st.none() | st.sampled_from(SOURCE_IDS),
    ), max_size=4))  # fmt: skip
    sources = draw(st.lists(st.builds(
        Source, name=st.sampled_from(["News report", "Kremlin", "ISW"]),
        url=st.none() | st.just("https://example.org/a"), note=optional,
        id=st.none() | st.sampled_from(SOURCE_IDS),
    ), max_size=4))  # fmt: skip
    corrections = draw(st.lists(st.builds(
        Correction, date=st.sampled_from(["2024-11-19", "2024-11-20"]), text=long_texts,
        section=st.none() | section_ids,
    ), max_size=3))  # fmt: skip
    return Briefing(
        id="story",
        title=draw(texts),
        published=draw(st.dates()),
        bottom_line=draw(long_texts),
        sections=sections,
        standfirst=draw(optional),
        key_facts=tuple(facts),
        timeline=tuple(events),
        quotes=tuple(quotes),
        watch=tuple(draw(st.lists(long_texts, max_size=4))),
        sources=tuple(sources),
        corrections=tuple(corrections),
    )


def reworded(text: str, data: st.DataObject) -> str:
    """``text`` with one of its words changed for a word no text here has."""
    words = text.split()
    at = data.draw(st.integers(0, len(words) - 1))
    return " ".join([*words[:at], "revised", *words[at + 1 :]])


def replaced(items: tuple[T, ...], at: int, item: T) -> tuple[T, ...]:
    return (*items[:at], item, *items[at + 1 :])


def edit(record: T, field: str, value: object) -> T:
    """``record`` with one field, named at run time, set to ``value``."""
    edited: T = cast(Any, record)._replace(**{field: value})
    return edited


def the_one(old: Briefing, new: Briefing) -> Change:
    """The one change from ``old`` to ``new``, and the one back."""
    changes = compare(old, new)
    assert len(changes) == 1, changes
    back = compare(new, old)
    assert len(back) == 1, back
    return changes[0]


def without(items: tuple[Any, ...], at: int | None) -> tuple[Any, ...]:
    assert at is not None
    return items[:at] + items[at + 1 :]


# --- nothing changed ---------------------------------------------------------------------------


@given(briefings())
def test_a_briefing_has_no_change_from_itself(briefing: Briefing) -> None:
    assert compare(briefing, briefing) == []
    assert compare(briefing, Briefing.from_json(briefing.to_json())) == []
    assert tally([]) == ""


@given(briefings(), st.data())
def test_sections_in_another_order_are_no_change(briefing: Briefing, data: st.DataObject) -> None:
    shuffled = briefing._replace(sections=tuple(data.draw(st.permutations(briefing.sections))))
    assert compare(briefing, shuffled) == []


@given(briefings(), st.data())
def test_what_is_not_compared_is_no_change(briefing: Briefing, data: st.DataObject) -> None:
    other = briefing._replace(
        published=data.draw(st.dates()),
        tags=("war",),
        date_note="Worked out from the story.",
        language="fr",
    )
    assert compare(briefing, other) == []


# --- one paragraph -----------------------------------------------------------------------------


def sections_with(briefing: Briefing, predicate: Callable[[Section], bool]) -> list[int]:
    return [n for n, section in enumerate(briefing.sections) if predicate(section)]


@given(briefings(), st.data())
def test_a_paragraph_added_anywhere_is_one_new_paragraph(
    briefing: Briefing, data: st.DataObject
) -> None:
    if not briefing.sections:
        return
    s = data.draw(st.integers(0, len(briefing.sections) - 1))
    section = briefing.sections[s]
    at = data.draw(st.integers(0, len(section.paragraphs)))
    near = section.paragraphs[max(at - 1, 0) : at + 1]
    text = data.draw(st.sampled_from(near) | long_texts if near else long_texts)  # a copy, often
    paragraphs = (*section.paragraphs[:at], text, *section.paragraphs[at:])
    new = briefing._replace(
        sections=replaced(briefing.sections, s, section._replace(paragraphs=paragraphs))
    )
    change = the_one(briefing, new)
    assert change._replace(index=None) == Change("paragraph", "added", None, text, section.id)
    assert without(paragraphs, change.index) == section.paragraphs  # one place it can have been
    assert tally([change]) == "1 new paragraph"


@given(briefings(), st.data())
def test_a_paragraph_removed_is_one_removed(briefing: Briefing, data: st.DataObject) -> None:
    having = sections_with(briefing, lambda section: bool(section.paragraphs))
    if not having:
        return
    s = data.draw(st.sampled_from(having))
    section = briefing.sections[s]
    at = data.draw(st.integers(0, len(section.paragraphs) - 1))
    paragraphs = without(section.paragraphs, at)
    new = briefing._replace(
        sections=replaced(briefing.sections, s, section._replace(paragraphs=paragraphs))
    )
    change = the_one(briefing, new)
    text = section.paragraphs[at]
    assert change._replace(index=None) == Change("paragraph", "removed", text, None, section.id)
    assert without(section.paragraphs, change.index) == paragraphs
    assert tally([change]) == "1 paragraph removed"


@given(briefings(), st.data())
def test_a_paragraph_reworded_is_one_change_not_a_removal_and_an_addition(
    briefing: Briefing, data: st.DataObject
) -> None:
    having = sections_with(briefing, lambda section: bool(section.paragraphs))
    if not having:
        return
    s = data.draw(st.sampled_from(having))
    section = briefing.sections[s]
    at = data.draw(st.integers(0, len(section.paragraphs) - 1))
    before = section.paragraphs[at]
    after = reworded(before, data)
    paragraphs = replaced(section.paragraphs, at, after)
    shuffled = tuple(data.draw(st.permutations(briefing.sections)))  # and the sections moved
    new = briefing._replace(
        sections=tuple(
            other._replace(paragraphs=paragraphs) if other.id == section.id else other
            for other in shuffled
        )
    )
    assert the_one(briefing, new) == Change("paragraph", "changed", before, after, section.id, at)


def test_paragraphs_replaced_are_paired_by_likeness() -> None:
    old = section_of("Troops entered Kursk on Monday.", "The talks failed.", "A ceasefire held.")
    new = section_of("Talks resumed in Geneva today.", "Troops entered Kursk on Tuesday.")
    assert compare(old, new) == [
        Change("paragraph", "changed", "Troops entered Kursk on Monday.",
               "Troops entered Kursk on Tuesday.", "one", 1),
        Change("paragraph", "removed", "The talks failed.", None, "one", 1),
        Change("paragraph", "removed", "A ceasefire held.", None, "one", 2),
        Change("paragraph", "added", None, "Talks resumed in Geneva today.", "one", 0),
    ] or compare(old, new) == [
        Change("paragraph", "added", None, "Talks resumed in Geneva today.", "one", 0),
        Change("paragraph", "changed", "Troops entered Kursk on Monday.",
               "Troops entered Kursk on Tuesday.", "one", 1),
        Change("paragraph", "removed", "The talks failed.", None, "one", 1),
        Change("paragraph", "removed", "A ceasefire held.", None, "one", 2),
    ]  # fmt: skip


def test_every_paragraph_of_a_long_section_reworded_is_each_one_change() -> None:
    old = section_of(*(f"Paragraph {n} of a long section, as it ran first." for n in range(60)))
    new = section_of(*(text.replace("first", "then") for text in old.sections[0].paragraphs))
    changes = compare(old, new)
    assert [(c.change, c.index) for c in changes] == [("changed", n) for n in range(60)]
    assert tally(changes) == "60 paragraphs reworded"


def section_of(*paragraphs: str) -> Briefing:
    return Briefing(
        id="story", title="Story", published=BRIEFING.published, bottom_line="Line.",
        sections=(Section("one", "One", "Summary.", paragraphs),),
    )  # fmt: skip


# --- one section -------------------------------------------------------------------------------


@given(briefings(), st.data())
def test_a_section_added_or_removed_is_one_change(briefing: Briefing, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(briefing.sections)))
    added = Section("new", "A new part", "What it says.", ("One.", "Two."))
    shuffled = tuple(data.draw(st.permutations(briefing.sections)))
    new = briefing._replace(sections=(*shuffled[:at], added, *shuffled[at:]))
    change = the_one(briefing, new)
    assert change == Change("section", "added", None, "A new part", "new", at, "A new part")
    assert tally([change]) == "1 new section"
    assert compare(new, briefing) == [
        Change("section", "removed", "A new part", None, "new", at, "A new part")
    ]


@given(briefings(), st.data())
def test_a_section_title_or_summary_changed(briefing: Briefing, data: st.DataObject) -> None:
    if not briefing.sections:
        return
    s = data.draw(st.integers(0, len(briefing.sections) - 1))
    section = briefing.sections[s]
    field = data.draw(st.sampled_from(["title", "summary"]))
    edited = edit(section, field, getattr(section, field) + " revised")
    change = the_one(briefing, briefing._replace(sections=replaced(briefing.sections, s, edited)))
    kind: Kind = "section_title" if field == "title" else "section_summary"
    before, after = getattr(section, field), getattr(edited, field)
    assert change == Change(kind, "changed", before, after, section.id, s, edited.title)


# --- one key fact ------------------------------------------------------------------------------


@given(briefings(), st.data())
def test_a_fact_changed_is_one_change_saying_what_changed(
    briefing: Briefing, data: st.DataObject
) -> None:
    if not briefing.key_facts:
        return
    at = data.draw(st.integers(0, len(briefing.key_facts) - 1))
    fact = briefing.key_facts[at]
    field = data.draw(st.sampled_from(["value", "status", "sources", "grade", "note"]))
    value: object = {
        "value": fact.value + " revised",
        "status": data.draw(st.sampled_from([s for s in STATUSES if s != fact.status])),
        "sources": (*fact.sources, "new-source"),
        "grade": "A1" if fact.grade != "A1" else None,
        "note": "A new note." if fact.note != "A new note." else None,
    }[field]
    edited = edit(fact, field, value)
    new = briefing._replace(key_facts=replaced(briefing.key_facts, at, edited))
    change = the_one(briefing, new)
    assert change._replace(before=None, after=None) == Change(
        "fact", "changed", None, None, fact.section, at, fact.label, (field,)
    )
    for text, which, version in ((change.before, fact, briefing), (change.after, edited, new)):
        said = "; ".join(part for part in (which.status, attribution(version, which)) if part)
        assert text is not None and text.startswith(f"{which.value} ({said})")
    assert tally([change]) == "1 fact changed"
    assert place(change, new) == f'Key fact "{fact.label}"'


@given(briefings(), st.data())
def test_a_fact_added_or_removed(briefing: Briefing, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(briefing.key_facts)))
    fact = KeyFact("A new figure", "More than 11,000", "reported", "a", grade="B2")
    new = briefing._replace(key_facts=(*briefing.key_facts[:at], fact, *briefing.key_facts[at:]))
    assert the_one(briefing, new) == Change(
        "fact", "added", None, "More than 11,000 (reported; graded B2)", "a", at, "A new figure"
    )
    assert compare(new, briefing)[0].change == "removed"


def test_facts_of_one_label_and_section_are_told_apart_by_their_order() -> None:
    first, second = KeyFact("Toll", "10", "reported", "one"), KeyFact("Toll", "20", "claim", "one")
    old = section_of("Text.")._replace(key_facts=(first, second))
    new = old._replace(key_facts=(first, second._replace(value="21")))
    assert compare(old, new) == [
        Change("fact", "changed", "20 (claim)", "21 (claim)", "one", 1, "Toll", ("value",))
    ]
    moved = old._replace(key_facts=(first, second._replace(section="two")))
    assert [(c.change, c.section) for c in compare(old, moved)] == [
        ("removed", "one"), ("added", "two")
    ]  # fmt: skip


def test_a_change_of_note_alone_reads_as_one() -> None:
    fact = KeyFact("Toll", "10", "reported", "one", note="Old note.")
    old = section_of("Text.")._replace(key_facts=(fact,))
    new = old._replace(key_facts=(fact._replace(note="New note."),))
    assert compare(old, new) == [
        Change("fact", "changed", "10 (reported). Note: Old note.",
               "10 (reported). Note: New note.", "one", 0, "Toll", ("note",))
    ]  # fmt: skip


# --- timeline, quotes, watch, sources, corrections ---------------------------------------------


@given(briefings(), st.data())
def test_an_event_added_removed_or_changed_is_one_change(
    briefing: Briefing, data: st.DataObject
) -> None:
    timeline = briefing.timeline
    at = data.draw(st.integers(0, len(timeline)))
    event = TimelineEvent("2024-11-18", data.draw(long_texts | st.sampled_from(WORDS)), "a")
    added = (*timeline[:at], event, *timeline[at:])
    change = the_one(briefing, briefing._replace(timeline=added))
    assert change._replace(index=None) == Change(
        "event", "added", None, f"18 November 2024: {event.event}", "a", None, "18 November 2024"
    )
    assert without(added, change.index) == timeline
    assert tally([change]) == "1 new event"
    removed = the_one(briefing._replace(timeline=added), briefing)
    assert (removed.change, removed.before) == ("removed", change.after)
    if not timeline:
        return
    at = data.draw(st.integers(0, len(timeline) - 1))
    old = timeline[at]
    field = data.draw(st.sampled_from(["date", "event", "inferred", "section"]))
    edited = edit(old, field, {
        "date": "2023-01-02" if old.date != "2023-01-02" else "2023-01",
        "event": reworded(old.event, data),
        "inferred": not old.inferred,
        "section": "z",
    }[field])  # fmt: skip
    change = the_one(briefing, briefing._replace(timeline=replaced(timeline, at, edited)))
    assert change == Change(
        "event", "changed", f"{old.when()}: {old.event}", f"{edited.when()}: {edited.event}",
        "z" if field == "section" else old.section, at, edited.when(),
        ("date",) if field == "inferred" else (field,),
    )  # fmt: skip


@given(briefings(), st.data())
def test_a_quote_changed_is_one_change(briefing: Briefing, data: st.DataObject) -> None:
    if not briefing.quotes:
        return
    at = data.draw(st.integers(0, len(briefing.quotes) - 1))
    quote = briefing.quotes[at]
    field = data.draw(st.sampled_from(["text", "speaker", "role", "date", "source"]))
    edited = edit(quote, field, {
        "text": reworded(quote.text, data),
        "speaker": quote.speaker + " Jr",
        "role": "a new role",
        "date": "2023-05-06",
        "source": "elsewhere",
    }[field])  # fmt: skip
    new = briefing._replace(quotes=replaced(briefing.quotes, at, edited))
    change = the_one(briefing, new)
    assert change._replace(before=None, after=None) == Change(
        "quote", "changed", None, None, quote.section, at, edited.speaker, (field,)
    )
    assert change.after is not None and change.after.startswith(f"\u201c{edited.text}\u201d")
    assert place(change, new) == f"Quote by {edited.speaker}"


@given(briefings(), st.data())
def test_a_thing_to_watch_added_removed_or_reworded(
    briefing: Briefing, data: st.DataObject
) -> None:
    watch = briefing.watch
    at = data.draw(st.integers(0, len(watch)))
    text = data.draw(long_texts)
    added = (*watch[:at], text, *watch[at:])
    change = the_one(briefing, briefing._replace(watch=added))
    assert change._replace(index=None) == Change("watch", "added", None, text)
    assert without(added, change.index) == watch
    assert tally([change, change]) == "2 new things to watch"
    if not watch:
        return
    at = data.draw(st.integers(0, len(watch) - 1))
    after = reworded(watch[at], data)
    change = the_one(briefing, briefing._replace(watch=replaced(watch, at, after)))
    assert change == Change("watch", "changed", watch[at], after, None, at)
    assert place(change, briefing) == f"What to watch, item {at + 1}"


@given(briefings(), st.data())
def test_a_source_changed_is_one_change(briefing: Briefing, data: st.DataObject) -> None:
    if not briefing.sources:
        return
    at = data.draw(st.integers(0, len(briefing.sources) - 1))
    source = briefing.sources[at]
    field = data.draw(st.sampled_from(["name", "url", "note"]))
    edited = edit(source, field, (getattr(source, field) or "") + " revised")
    new = briefing._replace(sources=replaced(briefing.sources, at, edited))
    changes = [c for c in compare(briefing, new) if c.kind == "source"]
    assert changes == [
        Change("source", "changed", changes[0].before, changes[0].after, None, at, edited.name,
               (field,))
    ]  # fmt: skip
    assert changes[0].after is not None and changes[0].after.startswith(edited.name)
    # A source renamed changes the words of the facts and quotes that cite it, not them.
    assert {c.kind for c in compare(briefing, new)} == {"source"}


@given(briefings(), st.data())
def test_a_correction_added_comes_first(briefing: Briefing, data: st.DataObject) -> None:
    correction = Correction("2024-11-21", "The toll was 10,000, not 1,000.", "a")
    edited = briefing._replace(
        corrections=(*briefing.corrections, correction), bottom_line=briefing.bottom_line + " Now."
    )
    changes = compare(briefing, edited)
    assert changes[0] == Change(
        "correction", "added", None, "21 November 2024: The toll was 10,000, not 1,000.", "a",
        len(briefing.corrections), "21 November 2024",
    )  # fmt: skip
    assert changes[1].kind == "bottom_line"
    assert tally(changes) == "1 correction, the bottom line changed"
    assert place(changes[0], edited) == "Correction of 21 November 2024"
    assert compare(edited, briefing)[0].change == "removed"


@given(briefings(), st.data())
def test_the_bottom_line_title_and_standfirst(briefing: Briefing, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(["title", "bottom_line", "standfirst"]))
    before = getattr(briefing, field)
    after = data.draw(st.none() if field == "standfirst" and before else long_texts)
    if after == before:
        return
    change = the_one(briefing, edit(briefing, field, after))
    how = "added" if before is None else "removed" if after is None else "changed"
    assert change == Change(field, how, before, after)  # type: ignore[arg-type]


# --- in words ----------------------------------------------------------------------------------


def test_tally_counts_in_words() -> None:
    def many(kind: Any, how: Any, count: int) -> list[Change]:
        return [Change(kind, how, "a", "b")] * count

    changes = many("paragraph", "added", 1) + many("fact", "changed", 2) + many("event", "added", 1)
    assert tally(changes) == "2 facts changed, 1 new paragraph, 1 new event"
    assert tally(many("correction", "added", 1) + changes) == (
        "1 correction, 2 facts changed, 1 new paragraph, 1 new event"
    )
    assert tally(many("paragraph", "changed", 1)) == "1 paragraph reworded"
    assert tally(many("paragraph", "added", 2)) == "2 new paragraphs"
    assert tally(many("paragraph", "removed", 1)) == "1 paragraph removed"
    assert tally(many("bottom_line", "changed", 1)) == "the bottom line changed"
    assert tally(many("section", "added", 1) + many("section", "removed", 3)) == (
        "1 new section, 3 sections removed"
    )
    assert tally(many("section_summary", "changed", 2)) == "2 section summaries changed"
    assert tally(many("fact", "removed", 1) + many("fact", "added", 1)) == (
        "1 new fact, 1 fact removed"
    )
    assert tally(many("quote", "changed", 1) + many("source", "added", 2)) == (
        "1 quote changed, 2 new sources"
    )
    assert tally(many("standfirst", "added", 1)) == "a new standfirst"


BRIEFING = load(BUNDLED).briefings[0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (Change("title", "changed", "a", "b"), "Title"),
        (Change("bottom_line", "changed", "a", "b"), "Bottom line"),
        (Change("standfirst", "added", None, "b"), "Standfirst"),
        (Change("paragraph", "changed", "a", "b", "missiles", 2),
         'Section 2 "The missile decision", paragraph 3'),
        (Change("paragraph", "added", None, "b", "escalation", 0),
         'Section 1 "Moscow\'s warning and a wave of strikes", paragraph 1'),
        (Change("section", "added", None, "T", "trump", 3, "T"),
         'Section 4 "Where Trump stands"'),
        (Change("section", "removed", "Old part", None, "old", 2, "Old part"),
         'Section "Old part"'),
        (Change("section_title", "changed", "a", "b", "missiles", 1, "b"),
         'Section 2 "The missile decision", title'),
        (Change("section_summary", "changed", "a", "b", "missiles", 1, "b"),
         'Section 2 "The missile decision", summary'),
        (Change("fact", "changed", "a", "b", "missiles", 0, "Troops in Kursk", ("value",)),
         'Key fact "Troops in Kursk"'),
        (Change("event", "added", None, "b", None, 3, "18 November 2024"),
         "Timeline, 18 November 2024"),
        (Change("quote", "removed", "a", None, "missiles", 1, "Putin"), "Quote by Putin"),
        (Change("watch", "removed", "a", None, None, 1), "What to watch, item 2"),
        (Change("source", "changed", "a", "b", None, 0, "News report", ("note",)),
         'Source "News report"'),
        (Change("correction", "added", None, "b", None, 0, "21 November 2024"),
         "Correction of 21 November 2024"),
    ],
)  # fmt: skip
def test_place_in_words(change: Change, words: str) -> None:
    assert [s.id for s in BRIEFING.sections] == ["escalation", "missiles", "north-korea", "trump"]
    assert place(change, BRIEFING) == words


def test_similarity() -> None:
    assert similarity("The toll rose.", "The toll rose.") == 1.0
    assert similarity("The toll rose to 10,000.", "The toll rose to 11,000.") > 0.9
    assert similarity("Talks resumed.", "Missiles fell on Kursk overnight.") < 0.5
    long = " ".join(["word"] * 300)
    assert similarity(long, long.replace("word", "other", 1)) > 0.99  # word by word


# --- the default briefing, revised -------------------------------------------------------------


def test_the_default_briefing_revised_by_its_publisher() -> None:
    old = BRIEFING
    fact = old.key_facts[2]
    section = old.section("missiles")
    assert section is not None
    s = old.sections.index(section)
    paragraph = "The White House confirmed the decision on Tuesday."
    event = TimelineEvent("2024-11-19", "Ukraine fires ATACMS at a target in Bryansk.", "missiles")
    new = old._replace(
        key_facts=replaced(old.key_facts, 2, fact._replace(value="More than 11,000")),
        sections=replaced(
            old.sections, s, section._replace(paragraphs=(*section.paragraphs[:2], paragraph,
                                                          *section.paragraphs[2:]))
        ),
        timeline=(*old.timeline, event),
    )  # fmt: skip
    changes = compare(old, new)
    said = "; ".join(part for part in (fact.status, attribution(old, fact)) if part)
    assert changes == [
        Change("paragraph", "added", None, paragraph, "missiles", 2),
        Change("fact", "changed", f"{fact.value} ({said})", f"More than 11,000 ({said})",
               fact.section, 2, fact.label, ("value",)),
        Change("event", "added", None, f"19 November 2024: {event.event}", "missiles",
               len(old.timeline), "19 November 2024"),
    ]  # fmt: skip
    assert tally(changes) == "1 fact changed, 1 new paragraph, 1 new event"
    assert [place(change, new) for change in changes] == [
        'Section 2 "The missile decision", paragraph 3',
        f'Key fact "{fact.label}"',
        "Timeline, 19 November 2024",
    ]
    assert compare(new, new) == []
