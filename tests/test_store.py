"""The loader: reading files, and the place (line:column, field path) of every problem."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import store
from briefing.errors import BriefingError, Problem
from briefing.files import FOLDER
from briefing.jsonpos import Positions
from briefing.records import Document
from tests.conftest import BUNDLED, minimal, set_at, write_json


def load_error(path: Path) -> BriefingError:
    with pytest.raises(BriefingError) as caught:
        store.load(path)
    return caught.value


def test_bundled_file_loads() -> None:
    assert store.bundled_data_path() == BUNDLED
    document = store.load(BUNDLED)
    assert document.briefings[0].id == "russia-us-missiles-warning"


def test_data_path_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.DATA_ENV, raising=False)
    assert store.data_path() == BUNDLED
    monkeypatch.setenv(store.DATA_ENV, "")
    assert store.data_path() == BUNDLED
    monkeypatch.setenv(store.DATA_ENV, "/from/env.json")
    assert store.data_path() == Path("/from/env.json")
    assert store.data_path("given.json") == Path("given.json")


def test_missing_file(tmp_path: Path) -> None:
    error = load_error(tmp_path / "nope.json")
    assert str(error) == f"{tmp_path / 'nope.json'}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert str(load_error(tmp_path)) == f"{tmp_path}: {FOLDER}"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_json(tmp_path / "locked.json", minimal())

    real_open = os.open

    def refuse(file: str | Path, *args: Any, **kwargs: Any) -> int:  # as chmod 0 does (not to root)
        if Path(file) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert str(load_error(path)) == f"{path}: permission denied: cannot read it"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    assert str(load_error(path)).endswith("empty.json: the file is empty: expected a JSON object")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(minimal()).encode())
    assert store.load(path).briefings[0].id == "first"


def test_invalid_utf8_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    text = json.dumps(minimal(), indent=2).replace("Section two", "Sectión two")
    path.write_bytes(text.encode("latin-1"))
    error = load_error(path)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "Sectión" in row)
    column = text.splitlines()[line - 1].index("ó") + 1
    assert error.problems == (Problem("not valid UTF-8 text (byte 0xf3)", None, line, column),)
    assert str(error) == f"{path}:{line}:{column}: not valid UTF-8 text (byte 0xf3)"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            '{"schema_version": 1,\n "briefings": [\n  {"id": "x"}\n',
            4,
            1,
            "Expecting ',' delimiter",
        ),
        ('{"schema_version": 1,}', 1, 22, "Expecting property name enclosed in double quotes"),
        ("{'schema_version': 1}", 1, 2, "Expecting property name enclosed in double quotes"),
        ('{"a": 1}\n{"b": 2}', 2, 1, "Extra data"),
        ('{\n  "a": tru\n}', 2, 8, "Expecting value"),
        ('{"a": "unterminated\n}', 1, 20, "Invalid control character"),
        ('{"a": "unterminated', 1, 7, "Unterminated string"),
    ],
)
def test_json_syntax_errors_have_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    error = load_error(path)
    assert error.problems == (Problem(f"invalid JSON: {message}", None, line, column),)
    assert str(error).startswith(f"{path}:{line}:{column}: invalid JSON: ")


def test_nan_is_refused_with_a_place() -> None:
    data = json.dumps(minimal()).replace('"schema_version": 1', '"schema_version": NaN')
    with pytest.raises(BriefingError) as caught:
        store.parse(data, "nan.json")
    (problem,) = caught.value.problems
    assert (problem.field, problem.line, problem.column) == ("schema_version", 1, 20)


def test_schema_errors_name_field_path_and_line(tmp_path: Path) -> None:
    data = minimal()
    data["briefings"][0]["sections"][1]["title"] = ""
    data["briefings"][0]["key_facts"][0]["status"] = "rumour"
    path = write_json(tmp_path / "bad.json", data)
    lines = path.read_text().splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, row in enumerate(lines, 1) if fragment in row)

    error = load_error(path)
    title_line = line_of('"title": ""')
    title_column = lines[title_line - 1].index('""') + 1
    status_line = line_of('"status": "rumour"')
    status_column = lines[status_line - 1].index('"rumour"') + 1
    assert error.lines() == [
        f"{path}:{title_line}:{title_column}: briefings[0].sections[1].title: "
        "must not be empty or only white space",
        f"{path}:{status_line}:{status_column}: briefings[0].key_facts[0].status: "
        "input should be 'confirmed', 'reported', 'unverified' or 'claim'",
    ]


def test_every_problem_is_listed_in_file_order(tmp_path: Path) -> None:
    data = minimal()
    b = data["briefings"][0]
    b["sources"][0]["url"] = "ftp://x"
    b["title"] = " "
    b["extra"] = 1
    del b["quotes"][0]["speaker"]
    path = write_json(tmp_path / "many.json", data)
    error = load_error(path)
    assert len(error.problems) == 4
    positions = [(p.line or 0, p.column or 0) for p in error.problems]
    assert positions == sorted(positions)
    assert {p.field for p in error.problems} == {
        "briefings[0].title",
        "briefings[0].quotes[0].speaker",
        "briefings[0].sources[0].url",
        "briefings[0].extra",
    }


def test_missing_field_points_at_its_object(tmp_path: Path) -> None:
    data = minimal()
    del data["briefings"][0]["quotes"][0]["speaker"]
    path = write_json(tmp_path / "missing.json", data)
    (problem,) = load_error(path).problems
    quote_line = next(
        i for i, row in enumerate(path.read_text().splitlines(), 1) if '"text": "Words."' in row
    )
    assert problem.line == quote_line - 1  # the line of the quote's opening brace


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(BriefingError) as caught:
        store.parse("[1, 2]", "list.json")
    assert str(caught.value) == (
        "list.json:1:1: expected a JSON object with 'schema_version' and 'briefings'"
    )


def test_hostile_keys_and_paths_are_printed_escaped(tmp_path: Path) -> None:
    data = minimal()
    data["briefings"][0]["\x1b]0;owned\x07"] = 1
    path = write_json(tmp_path / "evil\x1b[2J.json", data, ensure_ascii=False)
    message = str(load_error(path))
    assert "\x1b" not in message
    assert "\x07" not in message
    assert '["\\u001b]0;owned\\u0007"]: unknown field' in message


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO(json.dumps(minimal()).encode()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert store.load("-").briefings[0].id == "first"


def test_positions_of_values_and_keys() -> None:
    text = '{\n  "a": [1, {"b\\u0041": "x"}],\n  "c": null\n}'
    positions = Positions(text)
    assert positions.line_column(("a",)) == (2, 8)
    assert positions.line_column(("a", 1, "bA")) == (2, 24)
    assert positions.line_column(("a", 1, "bA"), key=True) == (2, 13)
    assert positions.line_column(("c",)) == (3, 8)
    assert positions.line_column(("a", 1, "missing")) == (2, 12)  # nearest parent
    assert positions.line_column(("zzz", 4)) == (1, 1)


# --- properties: whatever the input, models or the project's error, never anything else ---

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _mutations() -> st.SearchStrategy[dict[str, Any]]:
    """The minimal document with one value somewhere replaced by arbitrary JSON."""
    paths = [
        ("schema_version",),
        ("briefings",),
        ("briefings", 0),
        ("briefings", 0, "id"),
        ("briefings", 0, "title"),
        ("briefings", 0, "published"),
        ("briefings", 0, "updated"),
        ("briefings", 0, "sections"),
        ("briefings", 0, "sections", 0),
        ("briefings", 0, "sections", 1, "id"),
        ("briefings", 0, "sections", 0, "paragraphs"),
        ("briefings", 0, "key_facts", 0),
        ("briefings", 0, "key_facts", 0, "section"),
        ("briefings", 0, "timeline", 0, "date"),
        ("briefings", 0, "quotes", 0, "section"),
        ("briefings", 0, "sources", 0, "url"),
        ("briefings", 0, "watch"),
        ("briefings", 0, "tags"),
    ]

    def mutate(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
        data = minimal()
        set_at(data, path, value)
        return data

    return st.builds(mutate, st.sampled_from(paths), json_values)


def _load_or_error(text: str) -> Document | BriefingError:
    try:
        return store.parse(text, "prop.json")
    except BriefingError as error:
        for line in error.lines():
            assert line.startswith("prop.json")
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line)
        return error


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_json_gives_models_or_our_error(value: object) -> None:
    _load_or_error(json.dumps(value))


@settings(max_examples=300, deadline=None)
@given(_mutations())
def test_any_mutation_gives_models_or_our_error(data: dict[str, Any]) -> None:
    result = _load_or_error(json.dumps(data, indent=1))
    if isinstance(result, BriefingError):
        assert result.problems


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_any_bytes_give_models_or_our_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "bytes.json"
    path.write_bytes(raw)
    try:
        store.load(path)
    except BriefingError as error:
        assert error.problems


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_field_is_cleaned(text: str) -> None:
    data = minimal()
    data["briefings"][0]["title"] = text
    data["briefings"][0]["bottom_line"] = text
    result = _load_or_error(json.dumps(data))
    if isinstance(result, Document):
        briefing = result.briefings[0]
        for value in (briefing.title, briefing.bottom_line):
            assert value.strip() == value and value
            assert not any(
                (ord(c) < 32 and c not in "\n\t")
                or 0x7F <= ord(c) <= 0x9F
                or 0x202A <= ord(c) <= 0x202E
                or 0x2066 <= ord(c) <= 0x2069
                for c in value
            )
        assert "\n" not in briefing.title and "\t" not in briefing.title


def test_repeated_keys_are_errors_with_their_place() -> None:
    text = (
        json.dumps(minimal(), indent=2)
        .replace('"title": "First briefing",', '"title": "First briefing",\n"title": "Again",')
        .replace('"status": "confirmed",', '"status": "rumour",')
    )
    lines = text.splitlines()
    again = next(i for i, row in enumerate(lines, 1) if '"title": "Again"' in row)
    status = next(i for i, row in enumerate(lines, 1) if '"rumour"' in row)
    status_column = lines[status - 1].index('"rumour"') + 1
    with pytest.raises(BriefingError) as caught:
        store.parse(text, "twice.json")
    assert [(p.field, p.line, p.column) for p in caught.value.problems] == [
        ("briefings[0].title", again, 1),
        ("briefings[0].key_facts[0].status", status, status_column),
    ]
    assert caught.value.problems[0].message == "the same key appears earlier in this object"


def test_repeated_keys_in_different_objects_are_fine() -> None:
    data = minimal()
    data["briefings"][0]["sections"][1]["title"] = data["briefings"][0]["sections"][0]["title"]
    assert store.parse(json.dumps(data)).briefings[0].sections[1].title == "Section one"
