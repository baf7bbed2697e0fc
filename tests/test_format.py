"""The format is declared once, by the models (briefing/models.py); the records
(briefing/records.py, kept free of pydantic for start-up speed) and the index's list of
briefings (briefing/index.py) are tied to it here: a field added, renamed, reordered, made
optional or retyped in one and not the other fails these tests."""

from __future__ import annotations

import json
import sqlite3
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin, get_type_hints

import pytest
from pydantic import BaseModel

from briefing import library, models, records
from briefing.index import IndexedLibrary, open_library
from tests.conftest import write_json

PAIRS: list[tuple[type[BaseModel], type[tuple[Any, ...]]]] = [
    (models.Briefing, records.Briefing),
    (models.Section, records.Section),
    (models.KeyFact, records.KeyFact),
    (models.TimelineEvent, records.TimelineEvent),
    (models.Quote, records.Quote),
    (models.Source, records.Source),
    (models.Correction, records.Correction),
]
"""Each model of a briefing and the record it becomes."""

MAXIMAL: dict[str, Any] = {
    "id": "everything",
    "title": "A briefing with every field",
    "standfirst": "Under the title.",
    "published": "2024-11-19",
    "date_note": "Inferred from the story's mention of the war's 1,000th day.",
    "updated": "2024-11-20T08:30:00+01:00",
    "language": "en-GB",
    "corrections": [{"date": "2024-11-20", "text": "An earlier version gave the wrong range.",
                     "section": "one"}],
    "bottom_line": "The bottom line.",
    "sections": [
        {"id": "one", "title": "Section one", "summary": "What one says.",
         "paragraphs": ["First paragraph.", "Second paragraph."]},
    ],
    "key_facts": [
        {"label": "Range", "value": "300 km", "status": "reported", "section": "one",
         "note": "A caveat.", "sources": ["report"], "grade": "B2"},
    ],
    "timeline": [{"date": "2024-11-06/2024-11-17", "event": "Something happened.",
                  "section": "one", "inferred": True}],
    "quotes": [
        {"text": "Words.", "speaker": "Someone", "role": "Spokesman", "section": "one",
         "date": "2024-11", "inferred": True, "source": "report"},
    ],
    "watch": ["What comes next."],
    "sources": [{"id": "report", "name": "A source", "url": "https://example.org/story",
                 "note": "The facts."}],
    "tags": ["world"],
}  # fmt: skip
"""A briefing that sets every field of the format, in the format's order, every list with an
item: extend it with each new field (a test below fails until it is)."""


def _model_of(name: str) -> type[BaseModel]:
    return next(model for model, record in PAIRS if record.__name__ == name)


def _every_field_set(model: type[BaseModel], data: Any) -> list[str]:
    """The fields of ``model`` (and of its nested models) that ``data`` leaves out or empty."""
    missing = []
    for name, field in model.model_fields.items():
        value = data.get(name)
        if value in (None, [], ""):
            missing.append(f"{model.__name__}.{name}")
            continue
        inner = _bare(field.annotation)
        if get_origin(inner) is list:
            inner = get_args(inner)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            for item in value:
                missing += _every_field_set(inner, item)
    return missing


def test_the_maximal_briefing_sets_every_field_in_the_formats_order() -> None:
    assert _every_field_set(models.Briefing, MAXIMAL) == []
    dumped = json.loads(models.Briefing.model_validate(MAXIMAL).model_dump_json())
    assert json.dumps(dumped) == json.dumps(MAXIMAL)  # the same keys in the same order


@pytest.mark.parametrize("data", [MAXIMAL, {k: v for k, v in MAXIMAL.items() if k != "tags"}])
def test_a_briefing_comes_through_the_records_whole_and_in_order(data: dict[str, Any]) -> None:
    """model -> JSON -> record -> JSON gives the same JSON, key order included: the record
    reads every field (``from_json``) and writes it back in the format's order."""
    dumped = models.Briefing.model_validate(data).model_dump_json(exclude_none=True)
    record = records.Briefing.from_json(json.loads(dumped))
    assert json.dumps(record.to_json(), separators=(",", ":"), ensure_ascii=False) == dumped


def test_every_record_field_is_read() -> None:
    """From the maximal briefing no record keeps a default: each field came from the JSON."""
    dumped = models.Briefing.model_validate(MAXIMAL).model_dump_json(exclude_none=True)
    briefing = records.Briefing.from_json(json.loads(dumped))
    pending: list[Any] = [briefing]
    while pending:
        record = pending.pop()
        for name in record._fields:
            value = getattr(record, name)
            assert value not in (None, (), ""), f"{type(record).__name__}.{name} was not read"
            if isinstance(value, tuple):
                pending += [item for item in value if hasattr(item, "_fields")]


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda pair: getattr(pair, "__name__", ""))
def test_record_fields_are_the_models_in_the_formats_order(
    model: type[BaseModel], record: type[NamedTuple]
) -> None:
    order = records._JSON_ORDER.get(record.__name__, record._fields)
    assert order == tuple(model.model_fields)
    assert sorted(record._fields) == sorted(model.model_fields)


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda pair: getattr(pair, "__name__", ""))
def test_record_types_are_the_models(model: type[BaseModel], record: type[NamedTuple]) -> None:
    """A list in the model is a tuple in the record, a nested model its record, constrained
    text a plain str."""
    hints = get_type_hints(record, vars(records))
    for name, field in model.model_fields.items():
        assert _as_record_type(field.annotation) == hints[name], f"{record.__name__}.{name}"


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda pair: getattr(pair, "__name__", ""))
def test_record_optionality_is_the_models(model: type[BaseModel], record: type[NamedTuple]) -> None:
    """A field the model requires, ``from_json`` requires too (the record may still give it a
    default: a tuple's fields with defaults come last); a field the model lets a file leave
    out, ``from_json`` does without, and the record's default is the model's (None, or an
    empty tuple for an empty list)."""
    data = _json_of(record.__name__)
    for name, field in model.model_fields.items():
        without = {key: value for key, value in data.items() if key != name}
        if field.is_required():
            with pytest.raises(KeyError):
                record.from_json(without)  # type: ignore[attr-defined]
            continue
        default = field.get_default(call_default_factory=True)
        expected = tuple(default) if isinstance(default, list) else default
        assert record._field_defaults.get(name, "required") == expected, name
        assert getattr(record.from_json(without), name) == expected, name  # type: ignore[attr-defined]


def _json_of(name: str) -> dict[str, Any]:
    """The JSON form of the maximal briefing's part that ``name`` records, as validated."""
    dumped = json.loads(models.Briefing.model_validate(MAXIMAL).model_dump_json(exclude_none=True))
    if name == "Briefing":
        return dict(dumped)
    field = next(
        key
        for key, f in models.Briefing.model_fields.items()
        if _model_of(name) in _parts(f.annotation)
    )
    return dict(dumped[field][0])


def _parts(annotation: Any) -> set[Any]:
    return {annotation, *(part for arg in get_args(annotation) for part in _parts(arg))}


def _bare(annotation: Any) -> Any:
    """The annotation without its Annotated metadata, and without None if optional."""
    if get_origin(annotation) is Annotated:
        return _bare(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(others) == 1:
            return _bare(others[0])
    return annotation


def _as_record_type(annotation: Any) -> Any:
    """A model's field annotation as the record's: lists become tuples, models their records,
    Annotated constraints go."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _as_record_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        parts = [_as_record_type(arg) for arg in get_args(annotation)]
        union = parts[0]
        for part in parts[1:]:
            union = union | part
        return union
    if origin is list:
        return tuple[_as_record_type(get_args(annotation)[0]), ...]  # type: ignore[misc]
    if origin is typing.Literal:
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return getattr(records, annotation.__name__)
    assert annotation in (str, bool, date, datetime, type(None)), annotation
    return annotation


def test_the_type_comparison_sees_a_difference() -> None:
    """The comparison above is not vacuous: a list of str is not a tuple of records."""
    assert _as_record_type(list[models.Prose]) == tuple[str, ...]
    assert _as_record_type(list[models.Prose]) != tuple[records.Section, ...]
    assert _as_record_type(models.Prose | None) == str | None
    assert _as_record_type(models.Prose | None) is not str


def test_newest_is_one_function() -> None:
    """The models, the records and the library pick the newest briefing the same way."""
    published = [date(2024, 1, 2), date(2024, 1, 3), date(2024, 1, 1), date(2024, 1, 3)]
    briefings = [dict(MAXIMAL, id=f"b-{n}", published=day.isoformat(), updated=None)
                 for n, day in enumerate(published)]  # fmt: skip
    document = models.Document.model_validate({"schema_version": 1.1, "briefings": briefings})
    in_records = records.Document(
        tuple(records.Briefing.from_json(b.model_dump(mode="json")) for b in document.briefings)
    )
    in_library = library.MemoryLibrary(in_records)
    assert document.newest().id == in_records.newest().id == in_library.newest_id() == "b-1"
    assert records.newest_index(published) == 1


def test_the_index_lists_what_an_entry_holds(tmp_path: Path) -> None:
    """The index's ``entries`` table has a column for each field of :class:`library.Entry`, in
    its order (after where the entry is), and each row holds what ``Entry.of`` takes from the
    briefing."""
    path = write_json(tmp_path / "b.json", {"schema_version": 1.1, "briefings": [MAXIMAL]})
    opened = open_library(path)
    assert isinstance(opened, IndexedLibrary)
    with sqlite3.connect(opened.index) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(entries)")]
        row = db.execute(f"SELECT {', '.join(library.Entry._fields)} FROM entries").fetchone()
    assert columns == ["pos", "ord", "file", "idx", *library.Entry._fields]
    dumped = models.Briefing.model_validate(MAXIMAL).model_dump_json(exclude_none=True)
    entry = library.Entry.of(records.Briefing.from_json(json.loads(dumped)))
    assert row == tuple(v.isoformat() if isinstance(v, date) else v for v in entry)
    assert list(opened.entries) == [entry]
