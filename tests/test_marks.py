"""What the reader marks, from the changes between two versions (briefing.marks): where ``u``
stops, in the page's order, and what each mark says."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.marks import WATCH, marks_of
from briefing.records import Briefing
from briefing.search import BodyKey, FactKey, LeadKey, SectionKey
from briefing.store import parse
from tests.conftest import BUNDLED, many_sections


def _briefing(data: dict[str, Any]) -> Briefing:
    """A briefing from its JSON, through the loader (a file of format 1.1 holding it)."""
    return parse(json.dumps({"schema_version": 1.1, "briefings": [data]})).briefings[0]


def _marks(old: dict[str, Any], new: dict[str, Any]) -> Any:
    before, after = _briefing(old), _briefing(new)
    return marks_of(before, after)


def test_the_default_briefing_revised_is_marked_where_it_changed() -> None:
    old = json.loads(BUNDLED.read_text())["briefings"][0]
    new = copy.deepcopy(old)
    briefing = new
    briefing["key_facts"][1]["value"] = "A revised value"
    briefing["key_facts"][1]["status"] = "confirmed"
    briefing["sections"][2]["paragraphs"].insert(1, "A new paragraph.")
    briefing["sections"][0]["paragraphs"][0] += " Reworded."
    briefing["watch"].append("Something new to watch.")
    briefing["bottom_line"] += " Revised."
    marks = _marks(old, new)
    third, first = briefing["sections"][2]["id"], briefing["sections"][0]["id"]
    assert marks.parts == {
        BodyKey(third, "paragraph", 1): "added",
        BodyKey(first, "paragraph", 0): "changed",
    }
    assert marks.sections == {first: 1, third: 1}
    fact = marks.facts[1]
    assert not fact.new and fact.old is not None
    assert set(fact.fields) == {"value", "status"}
    assert fact.old.value == old["key_facts"][1]["value"]
    assert marks.watch == {len(briefing["watch"]) - 1: "added"}
    assert marks.lead == {"bottom_line": "changed"}
    # u goes through them in the order of the page: the lead, the sections, the facts, watch.
    assert marks.stops == (
        LeadKey("bottom_line"),
        BodyKey(first, "paragraph", 0),
        BodyKey(third, "paragraph", 1),
        FactKey(1, "value"),
        WATCH,
    )
    assert len(marks.said) == len(marks.stops)
    assert marks.said[2].endswith("paragraph 2 \u2014 new")
    assert marks.summary == tally_of(marks)


def tally_of(marks: Any) -> str:
    from briefing.changes import tally

    return str(tally(marks.changes))


def test_nothing_changed_is_nothing_to_mark() -> None:
    data = json.loads(BUNDLED.read_text())["briefings"][0]
    marks = _marks(data, data)
    assert not marks and marks.stops == () and marks.summary == ""


def test_a_removed_paragraph_or_fact_points_at_its_section() -> None:
    old = many_sections(3)["briefings"][0]
    new = copy.deepcopy(old)
    new["sections"][1]["paragraphs"] = []
    new["sections"][1]["paragraphs"] = ["Another body."]
    del new["key_facts"][2]
    marks = _marks(old, new)
    assert SectionKey("part-3", "title") in marks.stops  # the fact removed from part 3
    assert not marks.facts  # nothing in the panel to mark: it is gone


def test_a_new_section_is_said_on_its_title() -> None:
    old = many_sections(2)["briefings"][0]
    new = copy.deepcopy(old)
    new["sections"].append(
        {"id": "extra", "title": "Extra", "summary": "More.", "paragraphs": ["Body."]}
    )
    marks = _marks(old, new)
    assert marks.new_sections == {"extra"}
    assert marks.stops == (SectionKey("extra", "title"),)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(range(6)), min_size=1, max_size=4, unique=True),
    st.sampled_from(["added", "changed"]),
)
def test_every_change_of_a_paragraph_is_a_stop_in_page_order(sections: list[int], how: str) -> None:
    old = many_sections(6)["briefings"][0]
    new = copy.deepcopy(old)
    for number in sections:
        paragraphs = new["sections"][number]["paragraphs"]
        if how == "added":
            paragraphs.append(f"A new paragraph in part {number}.")
        else:
            paragraphs[0] = paragraphs[0] + " Reworded."
    marks = _marks(old, new)
    index = 1 if how == "added" else 0
    expected = tuple(BodyKey(f"part-{n + 1}", "paragraph", index) for n in sorted(sections))
    assert marks.stops == expected
    assert set(marks.parts.values()) == {how}
