"""Format 1.1: sources cited by id, Admiralty grades, date notes, date intervals and inferred
dates; valid and invalid, each problem at its path; format 1 files unchanged."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import models, records
from briefing.errors import BriefingError
from briefing.records import (
    Briefing,
    attribution,
    date_line,
    date_order,
    event_date,
    format_version,
    grade_meaning,
)
from briefing.store import parse
from tests.conftest import minimal, run_cli, set_at, write_json
from tests.test_format import MAXIMAL
from tests.test_hardening_parse import place_of


def document(briefing: dict[str, Any], version: float = 1.1) -> dict[str, Any]:
    return {"schema_version": version, "briefings": [briefing]}


def cited() -> dict[str, Any]:
    """The maximal briefing of format 1.1, fresh."""
    return copy.deepcopy(MAXIMAL)


def problems(data: object) -> list[tuple[str | None, str]]:
    with pytest.raises(BriefingError) as caught:
        parse(json.dumps(data, indent=2), "test.json")
    return [(p.field, p.message) for p in caught.value.problems]


def fields(data: object) -> list[str | None]:
    return [field for field, _ in problems(data)]


# --- valid -----------------------------------------------------------------------------------


def test_a_1_1_file_with_every_new_field_loads_and_keeps_them() -> None:
    briefing = parse(json.dumps(document(cited()))).briefings[0]
    assert briefing.date_note is not None
    fact = briefing.key_facts[0]
    assert (fact.sources, fact.grade) == (("report",), "B2")
    assert briefing.sources_of(fact) == (briefing.sources[0],)
    assert briefing.quotes[0].source == "report" and briefing.quotes[0].inferred
    assert briefing.source_named("report") == briefing.sources[0]
    assert briefing.timeline[0].inferred and briefing.timeline[0].date == "2024-11-06/2024-11-17"
    assert briefing.to_json() == MAXIMAL  # the same fields, in the format's order


@pytest.mark.parametrize("version", [1, 1.1])
def test_format_1_files_load_as_they_did_under_either_version(version: float) -> None:
    data = minimal()
    data["schema_version"] = version
    briefing = parse(json.dumps(data)).briefings[0]
    assert briefing.date_note is None and all(not f.sources for f in briefing.key_facts)
    # Nothing of 1.1 added on the way out (the tags, of format 1, come out as an empty list).
    assert briefing.to_json() == {"tags": [], **minimal()["briefings"][0]}
    assert format_version([briefing]) == 1


def test_sources_may_go_uncited_and_without_ids() -> None:
    data = cited()
    data["key_facts"][0].pop("sources")
    data["quotes"][0].pop("source")
    data["sources"].append({"name": "Another source"})  # no id: nothing cites by id
    parse(json.dumps(document(data)))


@pytest.mark.parametrize("grade", [f"{r}{c}" for r in "ABCDEF" for c in "123456"])
def test_every_admiralty_grade_is_valid_and_has_a_meaning(grade: str) -> None:
    data = cited()
    data["key_facts"][0]["grade"] = grade
    parse(json.dumps(document(data)))
    assert grade_meaning(grade).startswith("source ") and ", information " in grade_meaning(grade)


# --- invalid, each at its path ---------------------------------------------------------------


@pytest.mark.parametrize("grade", ["G1", "A7", "a1", "B", "2B", "B22", "", " B2", 12, True])
def test_a_bad_grade_is_an_error_at_its_path(grade: object) -> None:
    data = cited()
    data["key_facts"][0]["grade"] = grade
    found = problems(document(data))
    assert [field for field, _ in found] == ["briefings[0].key_facts[0].grade"]
    if isinstance(grade, str):
        assert "Admiralty grade" in found[0][1] and "'B2'" in found[0][1]


def test_an_unknown_source_id_is_an_error_at_the_citation() -> None:
    data = cited()
    data["key_facts"][0]["sources"] = ["report", "nowhere"]
    data["quotes"][0]["source"] = "elsewhere"
    assert problems(document(data)) == [
        (
            "briefings[0].key_facts[0].sources[1]",
            "no source 'nowhere' in this briefing (its sources: report)",
        ),
        (
            "briefings[0].quotes[0].source",
            "no source 'elsewhere' in this briefing (its sources: report)",
        ),
    ]


def test_an_unknown_source_is_found_even_when_other_fields_fail() -> None:
    data = cited()
    data["key_facts"][0]["sources"] = ["nowhere"]
    data["title"] = " "  # a field fails: the models' own reference check does not run
    assert fields(document(data)) == [
        "briefings[0].title",
        "briefings[0].key_facts[0].sources[0]",
    ]


def test_source_ids_are_unique_slugs_and_each_fact_cites_a_source_once() -> None:
    data = cited()
    data["sources"].append({"id": "report", "name": "The same id"})
    data["key_facts"][0]["sources"] = ["report", "report"]
    assert problems(document(data)) == [
        ("briefings[0].key_facts[0].sources[1]", "cites source 'report' twice"),
        ("briefings[0].sources[1].id", "duplicate id 'report' (already used by sources[0])"),
    ]
    data = cited()
    data["sources"][0]["id"] = "Not a slug"
    assert "briefings[0].sources[0].id" in fields(document(data))


def test_once_anything_cites_sources_every_source_needs_an_id() -> None:
    data = cited()
    data["sources"].append({"name": "No id"})
    assert problems(document(data)) == [
        (
            "briefings[0].sources[1]",
            "needs an 'id': this briefing's facts and quotes cite their sources by id",
        )
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-11-17/2024-11-06", "the interval ends before it starts"),
        ("2024-11-06/2024-11-31", "2024-11-31 is not a real calendar date"),
        ("2024-11/2024-12", "or an interval of two full dates"),
        ("2024-11-06/", "or an interval of two full dates"),
        ("2024-11-06/2024-11-17/2024-11-18", "or an interval of two full dates"),
        ("2024-11-06 / 2024-11-17", "or an interval of two full dates"),
    ],
)
def test_a_bad_interval_is_an_error_at_its_date(value: str, message: str) -> None:
    data = cited()
    data["timeline"][0]["date"] = value
    data["quotes"][0]["date"] = value
    found = problems(document(data))
    assert [field for field, _ in found] == [
        "briefings[0].timeline[0].date",
        "briefings[0].quotes[0].date",
    ]
    assert all(message in text for _, text in found), found


@pytest.mark.parametrize("inferred", ["yes", 1, None])
def test_inferred_is_true_or_false(inferred: object) -> None:
    data = cited()
    data["timeline"][0]["inferred"] = inferred
    assert fields(document(data)) == ["briefings[0].timeline[0].inferred"]


@pytest.mark.parametrize("language", ["en", "fr", "pt-BR", "zh-Hant-TW", "de-CH-1996"])
def test_a_language_is_a_language_tag(language: str) -> None:
    data = cited()
    data["language"] = language
    assert parse(json.dumps(document(data))).briefings[0].language == language


@pytest.mark.parametrize(
    "language", ["", "e", "english language", "en_GB", "en-", "fr\n", "x" * 40, 7, "en-abcdefghi"]
)
def test_a_language_that_is_no_tag_is_refused(language: object) -> None:
    data = cited()
    data["language"] = language
    assert fields(document(data)) == ["briefings[0].language"]


def test_a_date_note_is_text() -> None:
    data = cited()
    data["date_note"] = "  "
    assert fields(document(data)) == ["briefings[0].date_note"]


def test_a_file_that_says_1_but_uses_1_1_fields_is_told_where() -> None:
    found = problems(document(cited(), version=1))
    needs = '"schema_version": 1.1 (this file says 1)'
    assert [field for field, _ in found] == [
        "briefings[0].date_note",
        "briefings[0].language",
        "briefings[0].corrections[0]",
        "briefings[0].key_facts[0].sources",
        "briefings[0].key_facts[0].grade",
        "briefings[0].timeline[0].date",
        "briefings[0].timeline[0].inferred",
        "briefings[0].quotes[0].inferred",
        "briefings[0].quotes[0].source",
        "briefings[0].sources[0].id",
    ]
    assert all(text.endswith(f"needs {needs}") for _, text in found), found
    assert found[1][1] == f"a language needs {needs}"
    assert found[4][1] == f"a grade needs {needs}"


@pytest.mark.parametrize("version", [1.2, 2, 1.0001, "1.1", 0.9])
def test_other_versions_are_refused(version: object) -> None:
    data = document(cited())
    data["schema_version"] = version
    assert fields(data) == ["schema_version"]


# --- the schema --------------------------------------------------------------------------------


def test_the_schema_describes_every_new_field_and_accepts_both_versions() -> None:
    schema = models.Document.model_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(document(cited()))
    validator.validate(minimal())  # format 1, as it is
    defs = schema["$defs"]
    for model, field in [
        ("KeyFact", "sources"),
        ("KeyFact", "grade"),
        ("Quote", "source"),
        ("Quote", "inferred"),
        ("TimelineEvent", "inferred"),
        ("Source", "id"),
        ("Briefing", "date_note"),
    ]:
        assert defs[model]["properties"][field]["description"], (model, field)
    bad = document(cited())
    bad["briefings"][0]["key_facts"][0]["grade"] = "G9"
    assert list(validator.iter_errors(bad))
    bad["briefings"][0]["key_facts"][0]["grade"] = "B2"
    bad["briefings"][0]["timeline"][0]["date"] = "2024-11/2024-12"
    assert list(validator.iter_errors(bad))


# --- how dates are shown and sorted ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "inferred", "shown"),
    [
        ("2024-11-18", False, "18 November 2024"),
        ("2024-11-18", True, "18 November 2024 (inferred)"),
        ("2024-09", False, "September 2024"),
        ("2024-11-06/2024-11-17", False, "between 6 and 17 November 2024"),
        ("2024-10-28/2024-11-06", True, "between 28 October and 6 November 2024 (inferred)"),
        ("2024-12-28/2025-01-03", False, "between 28 December 2024 and 3 January 2025"),
        ("2024-11-06/2024-11-06", False, "between 6 and 6 November 2024"),
    ],
)
def test_event_dates_read_as_words(value: str, inferred: bool, shown: str) -> None:
    assert event_date(value, inferred) == shown


def test_the_date_line_says_when_the_date_is_inferred() -> None:
    briefing = parse(json.dumps(document(cited()))).briefings[0]
    assert date_line(briefing).startswith("19 November 2024 (inferred)")
    plain = parse(json.dumps(minimal())).briefings[0]
    assert "inferred" not in date_line(plain)


def test_attribution_names_sources_and_grade() -> None:
    briefing = parse(json.dumps(document(cited()))).briefings[0]
    fact = briefing.key_facts[0]
    assert attribution(briefing, fact) == "per A source · B2"
    assert attribution(briefing, fact._replace(grade=None)) == "per A source"
    assert attribution(briefing, fact._replace(sources=())) == "graded B2"
    assert attribution(briefing, fact._replace(sources=(), grade=None)) == ""


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(start=days, length=st.integers(min_value=0, max_value=800), other=days)
def test_intervals_sort_by_their_start(start: date, length: int, other: date) -> None:
    end = min(start + timedelta(days=length), date(2100, 12, 31))
    interval = f"{start.isoformat()}/{end.isoformat()}"
    models.TimelineEvent(date=interval, event="Something.")  # valid
    day = other.isoformat()
    month = day[:7]
    assert (date_order(interval) < date_order(day)) == (start < other)
    # A month-only date comes before every day of its month, intervals starting in it too.
    if month == interval[:7]:
        assert date_order(month) < date_order(interval)
    shown = event_date(interval)
    assert shown.startswith("between ") and str(end.year) in shown and str(end.day) in shown


def test_the_version_a_summary_writes_is_the_oldest_that_holds_it() -> None:
    new = parse(json.dumps(document(cited()))).briefings[0]
    old = parse(json.dumps(minimal())).briefings[0]
    assert format_version([old]) == 1
    assert format_version([old, new]) == 1.1
    assert format_version([new._replace(date_note=None)]) == 1.1  # still cites sources
    assert records.SCHEMA_VERSIONS[-1] == models.SCHEMA_VERSION == 1.1


# --- as an author meets it: `briefing validate` on a broken 1.1 file ------------------------


def test_validate_names_each_bad_citation_and_grade_at_its_line_and_column(
    tmp_path: Path,
) -> None:
    data = cited()
    data["key_facts"].append(
        {**data["key_facts"][0], "label": "Another", "sources": ["report", "missing"]}
    )
    data["key_facts"][0]["grade"] = "Z9"
    path = write_json(tmp_path / "broken.json", document(data))
    text = path.read_text()
    result = run_cli("--data", str(path), "validate")
    grade_at = place_of(text, '"Z9"')
    missing_at = place_of(text, '"missing"')
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{path}:{grade_at[0]}:{grade_at[1]}: briefings[0].key_facts[0].grade: must be an "
        "Admiralty grade: the source's reliability, a letter A to F, then the information's "
        "credibility, a digit 1 to 6, such as 'B2'"
    )
    assert lines[1] == (
        f"{path}:{missing_at[0]}:{missing_at[1]}: briefings[0].key_facts[1].sources[1]: "
        "no source 'missing' in this briefing (its sources: report)"
    )
    assert lines[2:] == [f"2 problems in {path}"]


def test_the_schema_command_describes_format_1_1(tmp_path: Path) -> None:
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    assert schema["properties"]["schema_version"]["enum"] == [1, 1.1]
    assert "grade" in schema["$defs"]["KeyFact"]["properties"]
    jsonschema.Draft202012Validator(schema).validate(document(cited()))


# --- any change to a 1.1 file: records, or our error at a path -----------------------------

NEW_PLACES: list[tuple[str | int, ...]] = [
    ("schema_version",),
    ("briefings", 0, "date_note"),
    ("briefings", 0, "key_facts", 0, "sources"),
    ("briefings", 0, "key_facts", 0, "sources", 0),
    ("briefings", 0, "key_facts", 0, "grade"),
    ("briefings", 0, "timeline", 0, "date"),
    ("briefings", 0, "timeline", 0, "inferred"),
    ("briefings", 0, "quotes", 0, "date"),
    ("briefings", 0, "quotes", 0, "inferred"),
    ("briefings", 0, "quotes", 0, "source"),
    ("briefings", 0, "sources", 0, "id"),
]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=24),
    st.sampled_from(["report", "B2", "F6", "2024-11-06/2024-11-17", "2024-11", "1.1"]),
    st.lists(st.sampled_from(["report", "nowhere", "Bad Id", 3]), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(NEW_PLACES), value=values)
def test_any_change_to_a_1_1_field_gives_records_or_problems_at_paths(
    place: tuple[str | int, ...], value: object
) -> None:
    data = document(cited())
    set_at(data, place, value)
    text = json.dumps(data, indent=1)
    try:
        loaded = parse(text, "prop.json")
    except BriefingError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.field is not None and problem.line is not None, problem
        return
    briefing = loaded.briefings[0]
    # What loads is whole: every citation names a source, every grade is a grade.
    for fact in briefing.key_facts:
        assert len(briefing.sources_of(fact)) == len(fact.sources)
        assert fact.grade is None or records.GRADE.fullmatch(fact.grade)
    for event in briefing.timeline:
        assert event_date(event.date, event.inferred)
    assert Briefing.from_json(briefing.to_json()) == briefing


# --- corrections ------------------------------------------------------------------------------


def test_corrections_load_in_order_with_their_section() -> None:
    data = cited()
    data["corrections"].append({"date": "2024-11-21", "text": "A second one."})
    briefing = parse(json.dumps(document(data))).briefings[0]
    assert [(c.date, c.section) for c in briefing.corrections] == [
        ("2024-11-20", "one"),
        ("2024-11-21", None),
    ]
    assert briefing.corrections[0].when() == "20 November 2024"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-11", "must be a date as YYYY-MM-DD"),
        ("20 November", "must be a date as YYYY-MM-DD"),
        ("2024-02-30", "is not a real calendar date"),
    ],
)
def test_a_correction_is_dated_by_a_full_day(value: str, message: str) -> None:
    data = cited()
    data["corrections"][0]["date"] = value
    assert problems(document(data)) == [("briefings[0].corrections[0].date", message)]


def test_a_correction_names_a_section_of_the_briefing_and_has_text() -> None:
    data = cited()
    data["corrections"][0]["section"] = "two"
    data["corrections"].append({"date": "2024-11-21", "text": " "})
    found = problems(document(data))
    assert found == [
        ("briefings[0].corrections[0].section", "no section 'two' in this briefing (its "
         "sections: one)"),
        ("briefings[0].corrections[1].text", "must not be empty or only white space"),
    ]  # fmt: skip


def test_a_briefing_without_corrections_writes_none() -> None:
    data = cited()
    del data["corrections"]
    briefing = parse(json.dumps(document(data))).briefings[0]
    assert briefing.corrections == () and "corrections" not in briefing.to_json()
