"""Hardening, the parse (issue 13): numbers too long to read, messages in the user's terms, and
reporting a file of thousands of problems in linear time, the first 200 of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Static

from briefing import store
from briefing.app import make_app
from briefing.errors import BriefingError, Problem
from briefing.index import open_library
from briefing.jsonpos import Lines, Positions
from briefing.store import parse
from tests.conftest import BUNDLED, minimal, notifications, run_cli, write_json
from tests.helpers import wait_until


def place_of(text: str, fragment: str, after: int = 0) -> tuple[int, int]:
    """1-based line and column of the first ``fragment`` in ``text`` from offset ``after``."""
    offset = text.index(fragment, after)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- numbers of more than 4,300 digits ------------------------------------------------------

LONG = "1" + "0" * 5000
"""A number of 5,001 digits: more than int() (and pydantic's parser) reads."""

TOO_LONG = "invalid JSON: a number of more than 4300 digits"


def briefing_with(tmp_path: Path, field: str, raw: str) -> tuple[Path, str]:
    """The minimal file with one field of its briefing written as ``raw`` JSON text."""
    data = minimal()
    data["briefings"][0][field] = "@@@"
    text = json.dumps(data, indent=2).replace('"@@@"', raw)
    path = tmp_path / "briefings.json"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("command", ["validate", "summary", "list"])
def test_a_number_too_long_to_read_is_one_located_problem(tmp_path: Path, command: str) -> None:
    path = tmp_path / "long.json"
    path.write_text('{"schema_version": ' + LONG + ', "briefings": []}')
    result = run_cli("--data", str(path), command)
    assert result.returncode == 1
    assert result.stderr == f"{path}:1:20: {TOO_LONG}\n"


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_number_too_long_inside_a_briefing_is_placed_at_its_start(
    tmp_path: Path, sign: str
) -> None:
    path, text = briefing_with(tmp_path, "published", sign + LONG)
    line, column = place_of(text, sign + LONG)
    result = run_cli("--data", str(path), "validate")
    assert (result.returncode, result.stderr) == (1, f"{path}:{line}:{column}: {TOO_LONG}\n")


def test_a_float_with_too_many_digits_before_its_point_is_one_located_problem(
    tmp_path: Path,
) -> None:
    path, text = briefing_with(tmp_path, "title", LONG + ".5")
    line, column = place_of(text, LONG)
    result = run_cli("--data", str(path), "validate")
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}:{line}:{column}: invalid JSON: a number with more than 4300 digits before its "
        "decimal point\n"
    )


@pytest.mark.parametrize(
    "number",
    ["1." + "0" * 5000, "0." + "1" * 5000, "1e" + "9" * 5000],
    ids=["long-fraction", "long-fraction-0", "long-exponent"],
)
def test_long_fractions_and_exponents_are_ordinary_wrong_values(
    tmp_path: Path, number: str
) -> None:
    path, text = briefing_with(tmp_path, "title", number)
    line, column = place_of(text, number)
    result = run_cli("--data", str(path), "validate")
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}:{line}:{column}: briefings[0].title: input should be a valid string\n"
    )


async def test_a_reader_whose_file_gains_a_long_number_keeps_the_last_good_version(
    tmp_path: Path,
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    app = make_app(open_library(path), loader=lambda: open_library(path))
    messages = notifications(app)
    async with app.run_test(size=(100, 40)) as pilot:
        text = json.dumps(minimal()).replace('"schema_version": 1', f'"schema_version": {LONG}')
        path.write_text(text)
        await pilot.press("r")
        await wait_until(pilot, lambda: any(TOO_LONG in m for m in messages), "the problem")
        assert f"{path}:1:20: {TOO_LONG}" in messages
        assert str(app.screen.query_one("#title", Static).render()) == "First briefing"
        assert app.is_running


# --- messages in the user's terms ------------------------------------------------------------

HIGH = (
    "{} is a lone high surrogate: it must be followed by a low one (\\udc00 to \\udfff) to make "
    "a character"
)
LOW = (
    "{} is a lone low surrogate: it must follow a high one (\\ud800 to \\udbff) to make a character"
)


@pytest.mark.parametrize(
    ("escapes", "at", "message"),
    [
        ("\\ud800", "\\ud800", HIGH.format("\\ud800")),
        ("\\uD800\\u0041", "\\uD800", HIGH.format("\\uD800")),
        ("\\ud800\\ud800\\udc00", "\\ud800", HIGH.format("\\ud800")),
        ("\\udfff", "\\udfff", LOW.format("\\udfff")),
        ("\\uDC00\\ud800", "\\uDC00", LOW.format("\\uDC00")),
        ("\\ud83d\\ude00 and \\udc00", "\\udc00", LOW.format("\\udc00")),
        ("é€ \\\\\\ud800", "\\ud800", HIGH.format("\\ud800")),  # after \\ (a backslash)
    ],
)
def test_a_lone_surrogate_escape_is_named_at_its_place(
    tmp_path: Path, escapes: str, at: str, message: str
) -> None:
    path, text = briefing_with(tmp_path, "title", json.dumps("A title ")[:-1] + escapes + '"')
    line, column = place_of(text, at)
    result = run_cli("--data", str(path), "validate")
    assert (result.returncode, result.stderr) == (
        1,
        f"{path}:{line}:{column}: invalid JSON: {message}\n",
    )


def test_an_escaped_backslash_before_u_is_no_escape(tmp_path: Path) -> None:
    path, _ = briefing_with(tmp_path, "title", '"A \\\\ud800 title"')
    result = run_cli("--data", str(path), "validate")
    assert (result.returncode, result.stderr) == (0, "")


def test_a_parser_place_counts_characters_not_bytes() -> None:
    """Pydantic's parser counts columns in bytes: a line with accents must not shift it."""

    def nesting_problem(key: str) -> Problem:
        text = '{"schema_version": 1, "' + key + '": ' + "[" * 300 + "]" * 300 + "}"
        with pytest.raises(BriefingError) as caught:
            parse(text, "deep.json")
        (problem,) = caught.value.problems
        return problem

    plain, accented = nesting_problem("abc"), nesting_problem("é€ü")
    assert plain == accented
    assert plain.message == "invalid JSON: nested too deeply (more than 200 levels)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("true", "expected the number 1 or 1.1, got true"),
        ("false", "expected the number 1 or 1.1, got false"),
        ("null", "expected the number 1 or 1.1, got null"),
        ('"1"', 'expected the number 1 or 1.1, got "1"'),
        ("1.0", "expected the number 1 or 1.1, got 1.0"),
        pytest.param(
            "1." + "0" * 5000, "expected the number 1 or 1.1, got 1.0", id="long-fraction"
        ),
        ("1e99999", "expected the number 1 or 1.1, got Infinity"),
        ("[1]", "expected the number 1 or 1.1, got an array"),
        ('{"version": 1}', "expected the number 1 or 1.1, got an object"),
        pytest.param(
            '"' + "x" * 60 + '"', 'expected the number 1 or 1.1, got "' + "x" * 38 + "…", id="long"
        ),
        ("2", "unsupported format version 2: this version of briefing reads versions 1 and 1.1"),
        (
            "1.2",
            "unsupported format version 1.2: this version of briefing reads versions 1 and 1.1",
        ),
    ],
)
def test_a_wrong_schema_version_says_what_is_expected_in_json_terms(
    tmp_path: Path, raw: str, message: str
) -> None:
    path = tmp_path / "version.json"
    path.write_text(
        json.dumps(minimal()).replace('"schema_version": 1', f'"schema_version": {raw}')
    )
    result = run_cli("--data", str(path), "validate")
    assert (result.returncode, result.stderr) == (1, f"{path}:1:20: schema_version: {message}\n")


def test_nan_does_not_stop_the_places_of_later_problems(tmp_path: Path) -> None:
    data = minimal()
    data["briefings"][0]["title"] = ""
    text = json.dumps(data, indent=2).replace('"schema_version": 1', '"schema_version": NaN')
    path = tmp_path / "nan.json"
    path.write_text(text)
    line, column = place_of(text, '""')
    result = run_cli("--data", str(path), "validate")
    assert result.stderr.splitlines()[:2] == [
        f"{path}:2:21: schema_version: expected the number 1 or 1.1, got NaN",
        f"{path}:{line}:{column}: briefings[0].title: must not be empty or only white space",
    ]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-16", "UTF-16"),  # with a byte-order mark
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
        ("utf-32", "UTF-32"),
    ],
)
def test_utf16_and_utf32_files_are_named_as_such(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "wide.json"
    path.write_bytes(BUNDLED.read_text(encoding="utf-8").encode(encoding))
    result = run_cli("--data", str(path), "validate")
    assert (result.returncode, result.stderr) == (
        1,
        f"{path}: the file is {name} text; save it as UTF-8\n",
    )


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
    line_start = offset - column + 1
    byte_column = len(text[line_start:offset].encode()) + 1
    assert lines.offset(line, byte_column) == offset


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


def _broken_briefing(n: int, breaks: list[str]) -> dict[str, Any]:
    briefing: dict[str, Any] = minimal()["briefings"][0]
    briefing["id"] = f"b-{n}"
    for kind in breaks:
        if kind == "misspelt":
            briefing["titel"] = briefing.pop("title")
        elif kind == "date":
            briefing["published"] = "someday"
        elif kind == "reference":
            briefing["key_facts"][0]["section"] = "nowhere"
        elif kind == "empty":
            briefing["sections"][1]["paragraphs"] = []
    return briefing


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["misspelt", "date", "reference", "empty"]), unique=True),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([1, True, "1"]),
    st.booleans(),
    st.integers(1, 12),
)
def test_the_problems_shown_are_the_first_in_file_order_of_all_found(
    breaks: list[list[str]], version: object, version_last: bool, shown: int
) -> None:
    """Only the problems that can come first are placed: the same as placing all of them."""
    briefings = [_broken_briefing(n, kinds) for n, kinds in enumerate(breaks)]
    document = {"briefings": briefings, "schema_version": version}
    if not version_last:
        document = {"schema_version": version, "briefings": briefings}
    text = json.dumps(document, indent=1)

    def report(cap: int) -> BriefingError | None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(store, "MAX_PROBLEMS", cap)
            try:
                parse(text, "f.json")
            except BriefingError as error:
                return error
        return None

    capped, everything = report(shown), report(10**9)
    if everything is None:
        assert capped is None
        return
    assert capped is not None
    assert capped.problems == everything.problems[:shown]
    assert capped.count == everything.count == len(everything.problems)
