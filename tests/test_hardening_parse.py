"""Hardening, the parse (issue 13): numbers too long to read, messages in the user's terms, and
reporting a file of thousands of problems in linear time, the first 200 of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError, Problem
from briefing.jsonpos import Lines, Positions
from briefing.store import parse
from tests.conftest import minimal, run_cli, write_json


def place_of(text: str, fragment: str, after: int = 0) -> tuple[int, int]:
    """1-based line and column of the first ``fragment`` in ``text`` from offset ``after``."""
    offset = text.index(fragment, after)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- many problems: the first 200, in linear time --------------------------------------------


def broken_briefings(path: Path, count: int) -> Path:
    """``count`` small broken briefings, each a misspelt field and its required fields missing:
    ten problems each."""
    briefings = [{"id": f"b-{n}", "titel": "Something happened"} for n in range(count)]
    path.parent.mkdir(exist_ok=True)
    return write_json(path, {"schema_version": 1, "briefings": briefings})


def test_many_problems_show_the_first_200_in_file_order_then_a_count(tmp_path: Path) -> None:
    path = broken_briefings(tmp_path / "many" / "broken.json", 2000)
    first = broken_briefings(tmp_path / "first" / "broken.json", 20)  # the same first 200
    result = run_cli("--data", str(path), "validate")
    alone = run_cli("--data", str(first), "validate")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[200:] == ["and 19800 more problems", f"20000 problems in {path}"]
    assert lines[:200] == [
        line.replace(str(first), str(path)) for line in alone.stderr.splitlines()[:200]
    ]
    assert lines[199].startswith(f"{path}:") and "briefings[19].titel: unknown field" in lines[199]


def test_the_readers_notification_shows_six_problems_and_counts_the_rest() -> None:
    problems = [Problem(f"problem {n}", line=n + 1) for n in range(200)]
    error = BriefingError("f.json", problems, count=25_000)
    assert error.lines(limit=6) == [
        *(f"f.json:{n + 1}:1: problem {n}" for n in range(6)),
        "and 24994 more problems",
    ]
    assert len(error.lines()) == 201
    assert BriefingError("f.json", problems[:1]).lines() == ["f.json:1:1: problem 0"]


def test_a_repeated_key_deep_in_a_big_file_is_found_beside_other_problems() -> None:
    data = minimal()
    base = data["briefings"][0]
    data["briefings"] = [dict(base, id=f"b-{n}") for n in range(6)]
    data["briefings"][4]["published"] = "someday"
    text = json.dumps(data, indent=2)
    # The first section of briefings[3] names its title twice.
    fourth = text.index('"id": "b-3"')
    start = text.index('"title": "Section one"', fourth)
    text = text[:start] + '"title": "Again",\n' + text[start:]
    with pytest.raises(BriefingError) as caught:
        parse(text, "twice.json")
    found = [(p.field, p.line, p.message) for p in caught.value.problems]
    assert found == [
        ("briefings[3].sections[0].title", place_of(text, '"title": "Section one"', fourth)[0],
         "the same key appears earlier in this object"),
        ("briefings[4].published", place_of(text, '"someday"')[0],
         "input should be a valid date in the format YYYY-MM-DD, input is too short"),
    ]  # fmt: skip


# --- properties: the places are right -------------------------------------------------------


def naive_line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\né€\r😀", max_size=60), st.integers(1, 9), st.data())
def test_lines_agree_with_counting_newlines(text: str, chunk: int, data: st.DataObject) -> None:
    lines = Lines(text, chunk=chunk)
    offset = data.draw(st.integers(0, len(text)))
    line, column = naive_line_column(text, offset)
    assert lines.line_column(offset) == (line, column)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=25,
)


def paths_in(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list
    ) else []  # fmt: skip
    return [path, *(p for key, child in children for p in paths_in(child, (*path, key)))]


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from([None, 0, 2]), st.data())
def test_a_walk_to_some_paths_finds_what_the_whole_walk_finds(
    value: Any, indent: int | None, data: st.DataObject
) -> None:
    text = json.dumps(value, indent=indent)
    known = paths_in(value)
    wanted = data.draw(st.lists(st.sampled_from([*known, *((*p, "nope") for p in known)])))
    whole, some = Positions(text), Positions(text, wanted)
    for path in wanted:
        for key in (False, True):
            assert some.offset(path, key=key) == whole.offset(path, key=key)
            assert some.line_column(path, key=key) == whole.line_column(path, key=key)
