"""Hardening, memory (issue 13): the report of a file dense with problems costs memory in
proportion to the file, not a kilobyte or more per problem (what pydantic keeps of each error),
and says exactly what validating the whole file at once would."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from briefing import store
from briefing.errors import BriefingError, Problem
from briefing.jsonpos import Positions
from briefing.models import Briefing, Document
from briefing.store import parse
from tests.conftest import minimal


class WholeDocument(Document):
    """The file's model, validating every briefing even after one has failed: what the report
    must agree with."""

    briefings: list[Briefing] = Field(min_length=1)


def whole_report(text: str, cap: int) -> tuple[list[Problem], int]:
    """Every problem pydantic finds in one validation of the whole file, each placed by walking
    the whole text, in file order: the first ``cap``, and how many."""
    try:
        WholeDocument.model_validate_json(text, strict=True)
        details: list[Any] = []
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
    if details and details[0]["type"] == "json_invalid":
        pytest.skip("not a validation error")  # never drawn: the documents are valid JSON
    document, _ = store._parsed(text)
    found = list(store._expand(details))
    checked = {(loc, message) for loc, kind, message in found if kind == "references"}
    found += [r for r in store._unchecked_references(document) if (r[0], r[2]) not in checked]
    positions = Positions(text)
    located = [
        (positions.offset(loc, key=kind in store._AT_KEY), loc, kind, message)
        for loc, kind, message in found
    ]
    located += [(offset, loc, "repeated_key", "") for loc, offset in positions.duplicate_keys]
    located.sort(key=store._file_order)
    return [store._problem(positions.lines, *problem) for problem in located[:cap]], len(located)


def drawn_briefing(n: int, kinds: list[str]) -> Any:
    """Briefing ``n``, broken in the ways named (or not a briefing at all)."""
    if "not an object" in kinds:
        return n
    briefing = minimal()["briefings"][0]
    briefing["id"] = "b-0" if "same id" in kinds else f"b-{n}"
    for kind in kinds:
        if kind == "tiny":
            briefing = {"id": briefing["id"], "titel": "x"}
        elif kind == "misspelt" and "title" in briefing:
            briefing["titel"] = briefing.pop("title")
        elif kind == "date":
            briefing["published"] = "someday"
        elif kind == "reference" and "key_facts" in briefing:
            briefing["key_facts"][0]["section"] = "nowhere"
        elif kind == "empty" and "sections" in briefing:
            briefing["sections"][1]["paragraphs"] = []
        elif kind == "section id" and "sections" in briefing:
            briefing["sections"][1]["id"] = briefing["sections"][0]["id"]
        elif kind == "updated":
            briefing["updated"] = "2000-01-01T00:00:00Z"
    return briefing


KINDS = ["tiny", "misspelt", "date", "reference", "empty", "section id", "updated", "same id",
         "not an object"]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(KINDS), unique=True, max_size=3), min_size=1, max_size=14),
    st.sampled_from([1, 2, "1"]),
    st.booleans(),
    st.sampled_from([None, {"extra": True}]),
    st.integers(1, 40),
)
def test_the_report_is_what_validating_the_whole_file_at_once_finds(
    breaks: list[list[str]], version: object, version_last: bool, extra: Any, cap: int
) -> None:
    """Briefing by briefing after the first broken one: the same problems shown, in the same
    order and places, and the same count, as from one validation of everything."""
    document: dict[str, Any] = {
        "briefings": [drawn_briefing(n, kinds) for n, kinds in enumerate(breaks)]
    }
    document = {**document, "schema_version": version} if version_last else {
        "schema_version": version, **document
    }  # fmt: skip
    document.update(extra or {})
    text = json.dumps(document, indent=1)
    expected, count = whole_report(text, cap)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "MAX_PROBLEMS", cap)
        try:
            parse(text, "f.json")
        except BriefingError as error:
            assert (list(error.problems), error.count) == (expected, count)
        else:
            assert count == 0


def test_a_briefing_before_the_first_broken_one_still_counts_for_a_repeated_id() -> None:
    data = minimal()
    first = data["briefings"][0]
    data["briefings"] = [first, {**first, "titel": first["title"]}]
    with pytest.raises(BriefingError) as caught:
        parse(json.dumps(data, indent=1), "f.json")
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("briefings[1].id", "duplicate id 'first' (already used by briefings[0])"),
        ("briefings[1].titel", "unknown field (did you mean 'title'?)"),
    ]


PEAK = """
import json, sys
from briefing.errors import BriefingError
from briefing.store import parse

def peak():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) * 1024

briefings = [{"id": f"b-{n}", "titel": "x"} for n in range(int(sys.argv[1]))]
text = json.dumps({"schema_version": 1, "briefings": briefings})
del briefings
before = peak()
try:
    parse(text, "f.json")
except BriefingError as error:
    print(error.count, len(text), peak() - before)
"""


def test_the_report_of_a_million_problems_takes_memory_in_proportion_to_the_file() -> None:
    """100,000 tiny broken briefings (ten problems each, 3.3 MB): reading the whole file at
    once took 1.5 GB (450 times the file), pydantic's errors for it; now a few times what
    the json module takes to read the file, far below the bound."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK, "100000"], capture_output=True, text=True, check=True
    )
    count, size, grown = map(int, result.stdout.split())
    assert count == 1_000_000
    assert grown < 30 * size, f"the report grew memory by {grown / size:.0f} times the file"
