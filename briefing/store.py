"""Find, read and validate a briefing file.

Data flows one way: file -> :func:`load` -> :class:`~briefing.records.Document`, validated on the
way by the pydantic models of :mod:`briefing.models`. Whatever goes
wrong on the way (no file, bytes that are not UTF-8, bad JSON, a schema rule broken) becomes a
:class:`BriefingError` that names the file and the place of every problem found (of the first
:data:`~briefing.errors.MAX_PROBLEMS`, in a file with more).
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from briefing import collector, records
from briefing.errors import MAX_PROBLEMS, BriefingError, Problem
from briefing.files import (
    DATA_ENV,
    STDIN,
    bundled_data_path,
    data_path,
    display_name,
    parse_size,
    read_text,
    signature,
)
from briefing.models import (
    Briefing,
    Document,
    duplicate_ids,
    raw_reference_problems,
    version_problems,
)

if TYPE_CHECKING:
    from briefing.jsonpos import Lines

__all__ = [
    "DATA_ENV",
    "STDIN",
    "as_records",
    "bundled_data_path",
    "data_path",
    "load",
    "parse",
    "parse_size",
    "read_text",
    "signature",
    "validate",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARSER_PLACE = re.compile(r"(.*?)(?: at line (\d+) column (\d+))?$", re.DOTALL)

Loc = tuple[str | int, ...]
Found = tuple[Loc, str, str]
"""A problem as found: where, pydantic's error type and its message."""


def load(
    path: str | Path, max_bytes: int | None = None, name: str | None = None
) -> records.Document:
    """Read and validate a briefing file (``-`` for standard input) of at most ``max_bytes``
    (default: ``$BRIEFING_MAX_SIZE``, else :data:`DEFAULT_MAX_BYTES`); errors name it ``name``
    (default: its path)."""
    name = display_name(path) if name is None else name
    return parse(read_text(path, max_bytes, name), name)


def parse(text: str, source: str = "<string>") -> records.Document:
    """Validate a briefing file's text and return its briefings; ``source`` names it in
    errors."""
    return as_records(validate(text, source))[0]


def as_records(document: Document) -> tuple[records.Document, list[str]]:
    """A validated file as records, and each briefing as JSON (cleaned text, absent optional
    fields left out) from pydantic's compiled serializer, which the records are read from."""
    briefings, raw = records_of(document.briefings)
    return records.Document(briefings), raw


def records_of(validated: Sequence[Briefing]) -> tuple[tuple[records.Briefing, ...], list[str]]:
    """Validated briefings as records, and each one's JSON form (:func:`as_records`)."""
    raw = [briefing.model_dump_json(exclude_none=True) for briefing in validated]
    return tuple(records.Briefing.from_json(json.loads(data)) for data in raw), raw


def validate(text: str, source: str = "<string>") -> Document:
    """Validate a briefing file's text with the models; ``source`` names it in errors."""
    return validate_located(text, source)[0]


Located = tuple[list[int], int]
"""Where each briefing of a file's text starts, and where the last one ends
(:func:`briefing.layout.locate`)."""


def validate_located(text: str, source: str = "<string>") -> tuple[Document, Located | None]:
    """:func:`validate`, and where the file's briefings are (found by the same parse that
    checks its syntax; ``None`` for a file laid out otherwise than one object)."""
    repeated_keys, located = _check_syntax(text, source)
    failed: ValidationError | None = None
    try:
        document = Document.model_validate_json(text, strict=True)
    except ValidationError as error:
        failed = error
    else:
        if not repeated_keys:
            return document, located
    # The report makes many small objects and no cycles: the cyclic collector would only slow
    # it (it doubled the time of a file of 200,000 problems).
    with collector.paused():
        details = [] if failed is None else failed.errors(include_url=False, include_input=False)
        del failed  # it holds the values that failed (whole briefings): free them for the parse
        shown, count = problems(details, text)
    raise BriefingError(source, shown, count)


def _check_syntax(text: str, source: str) -> tuple[bool, Located | None]:
    """Whether some object repeats a key, after refusing what Python's json module finds
    wrong; and where the briefings are.

    It goes first: its syntax errors are the clearest, and it can see repeated keys, which
    every JSON parser silently resolves to the last value (a typo's hiding place). A file
    that is one object is read by the walk that locates its briefings, each briefing by the
    json module's scanner; any other, and any that the walk finds broken, by the json module
    alone, which then says what is wrong and where."""
    from briefing.layout import locate

    try:
        located = locate(text, _REFUSING_SCANNER.scan_once)  # type: ignore[attr-defined]
    except _RepeatedKey:
        return True, None
    except (ValueError, IndexError, StopIteration, RecursionError):
        located = None
    if located is not None:
        return False, located
    return _check_with_json(text, source), None


def _check_with_json(text: str, source: str) -> bool:
    try:
        json.loads(text, object_pairs_hook=_refuse_repeated_keys)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at").removesuffix(" starting")
        raise BriefingError.single(
            source, f"invalid JSON: {message}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise BriefingError.single(source, "invalid JSON: nested too deeply") from None
    except _RepeatedKey:
        return True
    except ValueError:
        pass  # a number of more digits than int() takes: pydantic's parser says where
    return False


class _RepeatedKey(Exception):
    """An object in the file has the same key twice."""


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RepeatedKey
    return result


_REFUSING_SCANNER = json.JSONDecoder(object_pairs_hook=_refuse_repeated_keys)


def validate_briefings(texts: Sequence[str], version: float) -> list[Briefing] | None:
    """The briefings of these texts (each one briefing's JSON, from a file of format
    ``version``), validated as the file's validation validates them: ``None`` when one has a
    problem (or two have the same id), which the whole file's validation then reports. Their
    ids are left to the caller to compare with the file's other briefings'."""
    briefings = []
    try:
        for text in texts:
            json.loads(text, object_pairs_hook=_refuse_repeated_keys)
            briefings.append(Briefing.model_validate_json(text, strict=True))
    except (ValueError, RecursionError, _RepeatedKey):  # a ValidationError is a ValueError
        return None
    if duplicate_ids("briefings", [b.id for b in briefings])[0]:
        return None
    return None if version_problems(version, briefings) else briefings


class _Repeats(dict[str, Any]):
    """An object that has the same key twice, as :func:`_parsed` marks it."""


def problems(details: Sequence[ErrorDetails], text: str) -> tuple[list[Problem], int]:
    """The first :data:`~briefing.errors.MAX_PROBLEMS` problems of a file that failed
    validation with pydantic's ``details``, in file order, with field paths and places; and how
    many problems there are in all.

    The file's validation stops at its first broken briefing (pydantic keeps a kilobyte or more
    for each error it finds): the briefings are then validated one at a time, each one's errors
    counted and let go unless they can be among the first shown. Only the problems shown are
    placed and worded, and the text is walked in Python only on the way to them: a file of a
    hundred thousand problems costs about what parsing it does, in time and in memory."""
    from briefing.jsonpos import Positions  # the error path only: loading never pays for it

    if details and details[0]["type"] == "json_invalid":
        return [_parser_problem(str(details[0]["msg"]), text)], 1
    outside = [detail for detail in details if _briefing_index(tuple(detail["loc"])) is None]
    # Where the briefings are, found before the whole file is read again below: one at a time.
    start = None
    if len(outside) < len(details):
        start = Positions(text, [("briefings",)]).values.get(("briefings",))
    if start is None:
        outside = list(details)
    document, repeats = _parsed(text)
    # The references the models checked are seen again unchecked: once each.
    unchecked = list(_unchecked_references(document))
    del document
    each = () if start is None else _each_briefing(text, start)
    candidates, count = _first_candidates(list(_expand(outside)), unchecked, each)
    # A path inside each object with a repeated key, so that the walk goes into it.
    inside_repeats = [(*loc, "") for loc in repeats]
    positions = Positions(text, [*(loc for loc, _, _ in candidates), *inside_repeats])
    located = [
        (positions.offset(loc, key=error_type in _AT_KEY), loc, error_type, message)
        for loc, error_type, message in candidates
    ]
    located += [(offset, loc, "repeated_key", "") for loc, offset in positions.duplicate_keys]
    first = heapq.nsmallest(MAX_PROBLEMS, located, key=_file_order)
    count += len(positions.duplicate_keys)
    return [_problem(positions.lines, *problem) for problem in first], count


def _each_briefing(text: str, start: int) -> Iterator[tuple[int, list[Found]]]:
    """The problems of each broken briefing of the array at ``start``, briefing by briefing."""
    from briefing.jsonpos import array_items

    for index, (begin, end) in enumerate(array_items(text, start)):
        try:
            Briefing.model_validate_json(text[begin:end], strict=True)
        except ValidationError as error:
            details = error.errors(include_url=False, include_input=False)
            found = _expand(details)
            yield (
                index,
                [(("briefings", index, *loc), kind, message) for loc, kind, message in found],
            )


def _briefing_index(loc: Loc) -> int | None:
    """The index of the briefing a problem is in, if it is in one."""
    index = loc[1] if len(loc) > 1 and loc[0] == "briefings" else None
    return index if isinstance(index, int) else None


def _first_candidates(
    found: list[Found], unchecked: list[Found], each: Iterable[tuple[int, list[Found]]]
) -> tuple[list[Found], int]:
    """The problems that can be among the first :data:`~briefing.errors.MAX_PROBLEMS` in file
    order, to be placed, and how many problems there are: the problems of a briefing come after
    those of the briefings before it, so only those of the first briefings that have that many
    in all, and those outside them.

    ``found`` are the problems the models found at once, ``each`` those of each broken
    briefing, one briefing after another, and ``unchecked`` the references seen in the parsed
    file, counted unless the models found them too."""
    candidates = [problem for problem in found if _briefing_index(problem[0]) is None]
    outside, inside = len(candidates), 0
    groups = heapq.merge(
        ((index, True, problems) for index, problems in each),
        ((index, True, problems) for index, problems in _by_briefing(found)),
        ((index, False, problems) for index, problems in _by_briefing(unchecked)),
        key=itemgetter(0),
    )
    for _, same in itertools.groupby(groups, key=itemgetter(0)):
        group: list[Found] = []
        seen: list[Found] = []
        for _, checked, problems in same:
            (group if checked else seen).extend(problems)
        known = {(loc, message) for loc, error_type, message in group if error_type == "references"}
        group += [ref for ref in seen if (ref[0], ref[2]) not in known]
        if inside < MAX_PROBLEMS:
            candidates += group
        inside += len(group)
    return candidates, outside + inside


def _by_briefing(found: list[Found]) -> list[tuple[int, list[Found]]]:
    """The problems inside briefings, grouped by briefing, in order."""
    groups: dict[int, list[Found]] = {}
    for problem in found:
        index = _briefing_index(problem[0])
        if index is not None:
            groups.setdefault(index, []).append(problem)
    return sorted(groups.items())


_AT_KEY = ("extra_forbidden", "missing")
"""Errors placed at the key (a missing field: at its object), not at the value."""


def _file_order(located: tuple[int | None, Loc, str, str]) -> int:
    return -1 if located[0] is None else located[0]


def _parsed(text: str) -> tuple[object, list[Loc]]:
    """The file as the json module reads it (``None`` if it cannot), and where its objects
    with a repeated key are."""
    repeated = False

    def note_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        repeated = True
        return _Repeats(result)

    try:
        document = json.loads(text, object_pairs_hook=note_repeats)
    except (ValueError, RecursionError):
        return None, []
    return document, _repeats_in(document) if repeated else []


def _repeats_in(document: object) -> list[Loc]:
    """The paths of the objects marked :class:`_Repeats` in a parsed file."""
    found: list[Loc] = []
    stack: list[tuple[Loc, object]] = [((), document)]
    while stack:
        loc, value = stack.pop()
        children: Iterable[tuple[str | int, object]]
        if isinstance(value, dict):
            if isinstance(value, _Repeats):
                found.append(loc)
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        stack.extend(((*loc, key), child) for key, child in children)
    return found


def _expand(details: Iterable[Any]) -> Iterable[tuple[Loc, str, str]]:
    """Each error as (location, type, message), one per problem of a cross-reference check."""
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] == "references":
            for sub_loc, message in detail["ctx"]["problems"]:
                yield (*loc, *sub_loc), "references", message
        elif detail["type"] == "too_short":
            least = detail["ctx"]["min_length"]
            yield loc, "too_short", f"needs at least {least} item{'s' if least > 1 else ''}"
        else:
            yield loc, detail["type"], detail["msg"]


def _unchecked_references(document: object) -> Iterable[tuple[Loc, str, str]]:
    """Reference problems in briefings whose own checks did not run (their fields failed)."""
    for loc, message in raw_reference_problems(document):
        yield loc, "references", message


def _problem(lines: Lines, offset: int | None, loc: Loc, error_type: str, message: str) -> Problem:
    if error_type == "extra_forbidden":
        message = f"unknown field{_suggestion(loc)}"
    elif error_type == "missing":
        message = "missing required field"  # placed at the object that lacks it
    elif error_type == "repeated_key":
        message = "the same key appears earlier in this object"
    elif error_type == "model_type" and not loc:
        message = "expected a JSON object with 'schema_version' and 'briefings'"
    else:
        message = message[:1].lower() + message[1:]
    line, column = (None, None) if offset is None else lines.line_column(offset)
    return Problem(message, format_path(loc) or None, line, column)


def _suggestion(loc: Loc) -> str:
    """' (did you mean 'title'?)' for a misspelt field name, else ''."""
    import difflib  # the error path only

    model = _model_at(loc[:-1])
    if model is None or not isinstance(loc[-1], str):
        return ""
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the object at ``loc``."""
    model: type[BaseModel] = Document
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def format_path(loc: Loc) -> str:
    """``('briefings', 0, 'title')`` as ``briefings[0].title``; odd keys are quoted."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(part)}]"
    return path


def _parser_problem(parser_message: str, text: str) -> Problem:
    """A syntax error that only pydantic's parser sees, in the user's terms: a lone surrogate
    escape (the json module lets them through), a number longer than it reads, nesting deeper
    than it goes."""
    from briefing.jsonpos import Lines

    match = _PARSER_PLACE.match(parser_message.removeprefix("Invalid JSON: "))
    assert match is not None  # the pattern matches any text
    message, line, column = match.groups()
    if line is None:
        return Problem(f"invalid JSON: {message}")
    lines = Lines(text)
    offset = lines.offset(int(line), int(column))  # the parser counts columns in bytes
    if "surrogate" in message or "hex escape" in message:
        offset, message = _lone_surrogate(text, offset) or (offset, message)
    elif message == "number out of range":
        offset, message = _long_number(text, offset) or (offset, message)
    elif message == "recursion limit exceeded":
        message = f"nested too deeply (more than {_PARSER_DEPTH} levels)"
    line, column = lines.line_column(offset)
    return Problem(f"invalid JSON: {message}", line=line, column=column)


_PARSER_DEPTH = 200
"""How deep pydantic's parser nests arrays and objects."""

_PARSER_DIGITS = 4300
"""The most digits pydantic's parser reads before a number's point (Python's int() too)."""

_ESCAPE = re.compile(
    r"\\(?:u(?P<high>[dD][89abAB][0-9a-fA-F]{2})(?P<low>\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|u(?P<lone_low>[dD][c-fC-F][0-9a-fA-F]{2})|.)",
    re.DOTALL,
)
_NUMBER = re.compile(r"-?(\d+)(\.\d+)?([eE][-+]?\d+)?")


def _lone_surrogate(text: str, offset: int) -> tuple[int, str] | None:
    """The first escape of half a UTF-16 pair (up to where the parser stopped), and what is
    wrong with it. Text the parser has read holds backslashes only in strings, so escapes
    match from the start one after another, a double backslash consumed as one."""
    for match in _ESCAPE.finditer(text, 0, offset + 13):
        escape = match.group()[:6]
        if match["high"] and not match["low"]:
            return match.start(), (
                f"{escape} is a lone high surrogate: it must be followed by a low one "
                "(\\udc00 to \\udfff) to make a character"
            )
        if match["lone_low"]:
            return match.start(), (
                f"{escape} is a lone low surrogate: it must follow a high one "
                "(\\ud800 to \\udbff) to make a character"
            )
    return None


def _long_number(text: str, offset: int) -> tuple[int, str] | None:
    """The start of the number the parser stopped in, and what is wrong with it."""
    start = min(offset, len(text))
    while start > 0 and text[start - 1] in "0123456789":
        start -= 1
    if start > 0 and text[start - 1] == "-":
        start -= 1
    number = _NUMBER.match(text, start)
    if number is None or len(number[1]) <= _PARSER_DIGITS:
        return None
    if number[2] or number[3]:
        return start, f"a number with more than {_PARSER_DIGITS} digits before its decimal point"
    return start, f"a number of more than {_PARSER_DIGITS} digits"
