"""Find, read and validate a briefing file.

Data flows one way: file -> :func:`load` -> :class:`~briefing.records.Document`, validated on the
way by the pydantic models of :mod:`briefing.models`. Whatever goes
wrong on the way (no file, bytes that are not UTF-8, bad JSON, a schema rule broken) becomes a
:class:`BriefingError` that names the file and the place of every problem found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from briefing import records
from briefing.errors import BriefingError, Problem
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
from briefing.models import Document, raw_reference_problems

if TYPE_CHECKING:
    from briefing.jsonpos import Positions

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


def load(path: str | Path, max_bytes: int | None = None) -> records.Document:
    """Read and validate a briefing file (``-`` for standard input) of at most ``max_bytes``
    (default: ``$BRIEFING_MAX_SIZE``, else :data:`DEFAULT_MAX_BYTES`)."""
    return parse(read_text(path, max_bytes), display_name(path))


def parse(text: str, source: str = "<string>") -> records.Document:
    """Validate a briefing file's text and return its briefings; ``source`` names it in
    errors."""
    return as_records(validate(text, source))[0]


def as_records(document: Document) -> tuple[records.Document, list[str]]:
    """A validated file as records, and each briefing as JSON (cleaned text, absent optional
    fields left out) from pydantic's compiled serializer, which the records are read from."""
    raw = [briefing.model_dump_json(exclude_none=True) for briefing in document.briefings]
    briefings = tuple(records.Briefing.from_json(json.loads(data)) for data in raw)
    return records.Document(briefings), raw


def validate(text: str, source: str = "<string>") -> Document:
    """Validate a briefing file's text with the models; ``source`` names it in errors."""
    # Python's json module first: its syntax errors are the clearest, and it can see repeated
    # keys, which every JSON parser silently resolves to the last value (a typo's hiding place).
    repeated_keys = False
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
        repeated_keys = True
    found: list[Problem] = []
    try:
        document = Document.model_validate_json(text, strict=True)
    except ValidationError as error:
        found = problems(error, text)
    if repeated_keys:
        found = sorted([*found, *_repeated_key_problems(text)], key=_file_order)
    if found:
        raise BriefingError(source, found)
    return document


class _RepeatedKey(Exception):
    """An object in the file has the same key twice."""


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RepeatedKey
    return result


def _repeated_key_problems(text: str) -> list[Problem]:
    from briefing.jsonpos import Positions, line_column

    positions = Positions(text)
    return [
        Problem("the same key appears earlier in this object", format_path(loc), *place)
        for loc, offset in positions.duplicate_keys
        for place in [line_column(text, offset)]
    ]


def _file_order(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def problems(error: ValidationError, text: str) -> list[Problem]:
    """Turn pydantic's errors into problems with field paths and lines, in file order."""
    from briefing.jsonpos import Positions  # the error path only: loading never pays for it

    details = error.errors(include_url=False, include_input=False)
    if details and details[0]["type"] == "json_invalid":
        return [_parser_problem(str(details[0]["msg"]))]
    positions = Positions(text)
    found = {
        (loc, message): _problem(positions, loc, error_type, message)
        for loc, error_type, message in [*_expand(details), *_unchecked_references(text)]
    }.values()
    return sorted(found, key=_file_order)


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


def _unchecked_references(text: str) -> Iterable[tuple[Loc, str, str]]:
    """Reference problems in briefings whose own checks did not run (their fields failed)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return
    for loc, message in raw_reference_problems(document):
        yield loc, "references", message


def _problem(positions: Positions, loc: Loc, error_type: str, message: str) -> Problem:
    at_key = False
    if error_type == "extra_forbidden":
        message = f"unknown field{_suggestion(loc)}"
        at_key = True
    elif error_type == "missing":
        message = "missing required field"
        at_key = True  # points at the object that lacks it
    elif error_type == "model_type" and not loc:
        message = "expected a JSON object with 'schema_version' and 'briefings'"
    else:
        message = message[:1].lower() + message[1:]
    place = positions.line_column(loc, key=at_key)
    field = format_path(loc)
    line, column = place if place else (None, None)
    return Problem(message, field or None, line, column)


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


def _parser_problem(parser_message: str) -> Problem:
    """A syntax error that only pydantic's parser sees (it nests less deeply than json)."""
    match = _PARSER_PLACE.match(parser_message.removeprefix("Invalid JSON: "))
    assert match is not None  # the pattern matches any text
    message, line, column = match.groups()
    if line is None:
        return Problem(f"invalid JSON: {message}")
    return Problem(f"invalid JSON: {message}", line=int(line), column=max(int(column), 1))
