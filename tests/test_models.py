"""Every rule of the data format, valid and invalid, through the loader's own parse()."""

from __future__ import annotations

import json
from typing import Any

import pytest

from briefing.errors import BriefingError
from briefing.records import Document
from briefing.store import parse
from tests.conftest import set_at, strings


def check(data: object) -> Document:
    return parse(json.dumps(data, indent=2), "test.json")


def problems_of(data: object) -> list[tuple[str | None, str]]:
    with pytest.raises(BriefingError) as caught:
        check(data)
    return [(p.field, p.message) for p in caught.value.problems]


def fields_of(data: object) -> list[str | None]:
    return [field for field, _ in problems_of(data)]


def test_minimal_document_is_valid(doc: dict[str, Any]) -> None:
    document = check(doc)
    briefing = document.briefings[0]
    assert briefing.id == "first"
    assert briefing.published.isoformat() == "2024-11-19"
    assert [s.id for s in briefing.sections] == ["one", "two"]
    assert briefing.tags == ()
    assert briefing.standfirst is None


def test_optional_fields_are_accepted(doc: dict[str, Any]) -> None:
    b = doc["briefings"][0]
    b.update(standfirst="Under the title.", updated="2024-11-20T08:30:00Z", tags=["world"])
    b["key_facts"][0]["note"] = "A caveat."
    b["timeline"][0].pop("section")
    b["quotes"][0].update(role="Spokesman", date="2024-11-18")
    b["sources"].append({"name": "No address", "note": "Print only."})
    briefing = check(doc).briefings[0]
    assert briefing.updated is not None and briefing.updated.year == 2024
    assert briefing.timeline[0].section is None
    assert briefing.sources[1].url is None


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda d: d, "tittle"),
        (lambda d: d["briefings"][0], "briefings[0].tittle"),
        (lambda d: d["briefings"][0]["sections"][1], "briefings[0].sections[1].tittle"),
        (lambda d: d["briefings"][0]["key_facts"][0], "briefings[0].key_facts[0].tittle"),
        (lambda d: d["briefings"][0]["timeline"][0], "briefings[0].timeline[0].tittle"),
        (lambda d: d["briefings"][0]["quotes"][0], "briefings[0].quotes[0].tittle"),
        (lambda d: d["briefings"][0]["sources"][0], "briefings[0].sources[0].tittle"),
    ],
)
def test_unknown_fields_are_errors_at_every_level(
    doc: dict[str, Any], where: Any, path: str
) -> None:
    where(doc)["tittle"] = "typo"
    problems = problems_of(doc)
    assert [field for field, _ in problems] == [path]
    assert problems[0][1].startswith("unknown field")


def test_unknown_field_suggests_the_field_meant(doc: dict[str, Any]) -> None:
    doc["briefings"][0]["bottom_lin"] = doc["briefings"][0].pop("bottom_line")
    problems = dict(problems_of(doc))
    assert problems["briefings[0].bottom_lin"] == "unknown field (did you mean 'bottom_line'?)"
    assert problems["briefings[0].bottom_line"] == "missing required field"


@pytest.mark.parametrize(
    "field",
    ["id", "title", "published", "bottom_line", "sections", "key_facts", "timeline", "quotes",
     "watch", "sources"],
)  # fmt: skip
def test_required_briefing_fields(doc: dict[str, Any], field: str) -> None:
    del doc["briefings"][0][field]
    assert problems_of(doc) == [(f"briefings[0].{field}", "missing required field")]


@pytest.mark.parametrize(
    ("container", "field"),
    [
        ("sections", "paragraphs"),
        ("sections", "summary"),
        ("key_facts", "status"),
        ("key_facts", "section"),
        ("timeline", "date"),
        ("quotes", "speaker"),
        ("quotes", "section"),
        ("sources", "name"),
    ],
)
def test_required_nested_fields(doc: dict[str, Any], container: str, field: str) -> None:
    del doc["briefings"][0][container][0][field]
    assert fields_of(doc) == [f"briefings[0].{container}[0].{field}"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t ", "\x1b\x07"])
@pytest.mark.parametrize(
    "path",
    [
        ("title",),
        ("bottom_line",),
        ("sections", 0, "title"),
        ("sections", 0, "summary"),
        ("sections", 0, "paragraphs", 0),
        ("key_facts", 0, "label"),
        ("key_facts", 0, "value"),
        ("timeline", 0, "event"),
        ("quotes", 0, "text"),
        ("quotes", 0, "speaker"),
        ("sources", 0, "name"),
        ("watch", 0),
    ],
)
def test_required_text_must_not_be_blank(
    doc: dict[str, Any], path: tuple[str | int, ...], blank: str
) -> None:
    set_at(doc["briefings"][0], path, blank)
    problems = problems_of(doc)
    assert len(problems) == 1
    assert problems[0][1] == "must not be empty or only white space"


@pytest.mark.parametrize("field", ["sections", "briefings"])
def test_lists_that_need_an_item(doc: dict[str, Any], field: str) -> None:
    if field == "briefings":
        doc["briefings"] = []
        expected = "briefings"
    else:
        doc["briefings"][0]["sections"] = []
        expected = "briefings[0].sections"
    assert problems_of(doc) == [(expected, "needs at least 1 item")]


def test_sections_need_a_paragraph(doc: dict[str, Any]) -> None:
    doc["briefings"][0]["sections"][0]["paragraphs"] = []
    assert problems_of(doc) == [("briefings[0].sections[0].paragraphs", "needs at least 1 item")]


def test_empty_optional_lists_are_fine(doc: dict[str, Any]) -> None:
    b = doc["briefings"][0]
    for field in ("key_facts", "timeline", "quotes", "watch", "sources", "tags"):
        b[field] = []
    assert check(doc).briefings[0].key_facts == ()


@pytest.mark.parametrize("slug", ["a", "north-korea", "x2", "2024-review", "a" * 64])
def test_valid_slugs(doc: dict[str, Any], slug: str) -> None:
    doc["briefings"][0]["id"] = slug
    assert check(doc).briefings[0].id == slug


@pytest.mark.parametrize(
    "slug", ["", "North-Korea", "north_korea", "north--korea", "-x", "x-", "a b", "é", "a" * 65, 5]
)
def test_invalid_slugs(doc: dict[str, Any], slug: object) -> None:
    doc["briefings"][0]["sections"][0]["id"] = slug
    doc["briefings"][0]["key_facts"][0]["section"] = "two"
    assert fields_of(doc) == ["briefings[0].sections[0].id"]


def test_duplicate_briefing_ids(doc: dict[str, Any]) -> None:
    doc["briefings"].append(json.loads(json.dumps(doc["briefings"][0])))
    assert problems_of(doc) == [
        ("briefings[1].id", "duplicate id 'first' (already used by briefings[0])")
    ]


def test_duplicate_section_ids(doc: dict[str, Any]) -> None:
    doc["briefings"][0]["sections"][1]["id"] = "one"
    doc["briefings"][0]["timeline"][0]["section"] = "one"
    doc["briefings"][0]["quotes"][0]["section"] = "one"
    assert problems_of(doc) == [
        ("briefings[0].sections[1].id", "duplicate id 'one' (already used by sections[0])")
    ]


def test_same_section_id_in_two_briefings_is_fine(doc: dict[str, Any]) -> None:
    second = json.loads(json.dumps(doc["briefings"][0]))
    second["id"] = "second"
    doc["briefings"].append(second)
    assert len(check(doc).briefings) == 2


@pytest.mark.parametrize("container", ["key_facts", "timeline", "quotes"])
def test_section_references_must_exist(doc: dict[str, Any], container: str) -> None:
    doc["briefings"][0][container][0]["section"] = "three"
    assert problems_of(doc) == [
        (
            f"briefings[0].{container}[0].section",
            "no section 'three' in this briefing (its sections: one, two)",
        )
    ]


def test_references_are_reported_with_other_errors(doc: dict[str, Any]) -> None:
    """Pydantic skips cross-field checks when a field fails; the loader still finds them."""
    b = doc["briefings"][0]
    b["title"] = ""
    b["key_facts"][0]["section"] = "missing"
    b["sections"][1]["id"] = "one"
    b["timeline"][0]["section"] = "one"
    b["quotes"][0]["section"] = "one"
    assert fields_of(doc) == [
        "briefings[0].title",
        "briefings[0].sections[1].id",
        "briefings[0].key_facts[0].section",
    ]


def test_section_reference_to_another_briefing_is_an_error(doc: dict[str, Any]) -> None:
    second = json.loads(json.dumps(doc["briefings"][0]))
    second["id"] = "second"
    second["sections"][0]["id"] = "elsewhere"
    second["key_facts"][0]["section"] = "two"
    doc["briefings"].append(second)
    doc["briefings"][0]["key_facts"][0]["section"] = "elsewhere"
    assert fields_of(doc) == ["briefings[0].key_facts[0].section"]


@pytest.mark.parametrize("status", ["confirmed", "reported", "unverified", "claim"])
def test_statuses(doc: dict[str, Any], status: str) -> None:
    doc["briefings"][0]["key_facts"][0]["status"] = status
    assert check(doc).briefings[0].key_facts[0].status == status


@pytest.mark.parametrize("status", ["rumour", "Confirmed", "", None, 1])
def test_invalid_statuses(doc: dict[str, Any], status: object) -> None:
    doc["briefings"][0]["key_facts"][0]["status"] = status
    assert fields_of(doc) == ["briefings[0].key_facts[0].status"]


@pytest.mark.parametrize("value", ["2024-11-19", "2024-11", "2024-02-29", "1999-12"])
def test_timeline_dates(doc: dict[str, Any], value: str) -> None:
    doc["briefings"][0]["timeline"][0]["date"] = value
    doc["briefings"][0]["quotes"][0]["date"] = value
    assert check(doc).briefings[0].timeline[0].date == value


@pytest.mark.parametrize(
    "value", ["2024", "2024-13", "2023-02-29", "2024-11-31", "24-11-19", "2024/11/19", "", 2024]
)
def test_invalid_timeline_dates(doc: dict[str, Any], value: object) -> None:
    doc["briefings"][0]["timeline"][0]["date"] = value
    doc["briefings"][0]["quotes"][0]["date"] = value
    assert fields_of(doc) == ["briefings[0].timeline[0].date", "briefings[0].quotes[0].date"]


@pytest.mark.parametrize("value", ["19 November 2024", "2024-11-31", "2024-11", 1732000000, None])
def test_invalid_published(doc: dict[str, Any], value: object) -> None:
    doc["briefings"][0]["published"] = value
    assert fields_of(doc) == ["briefings[0].published"]


def test_updated_must_not_precede_published(doc: dict[str, Any]) -> None:
    doc["briefings"][0]["updated"] = "2024-11-18T23:00:00"
    assert problems_of(doc) == [("briefings[0].updated", "is earlier than published (2024-11-19)")]


@pytest.mark.parametrize(
    "url", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://EXAMPLE.ORG/x"]
)
def test_valid_urls(doc: dict[str, Any], url: str) -> None:
    doc["briefings"][0]["sources"][0]["url"] = url
    assert check(doc).briefings[0].sources[0].url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "https://",
        "https:///path",
        "example.org",
        "https://exa mple.org",
        "",
    ],
)
def test_invalid_urls(doc: dict[str, Any], url: str) -> None:
    doc["briefings"][0]["sources"][0]["url"] = url
    assert fields_of(doc) == ["briefings[0].sources[0].url"]


@pytest.mark.parametrize("version", [2, 0, "1", True, 1.5, None])
def test_schema_version_must_be_1(doc: dict[str, Any], version: object) -> None:
    doc["schema_version"] = version
    problems = problems_of(doc)
    assert [field for field, _ in problems] == ["schema_version"]
    assert problems[0][1].startswith(("unsupported format version", "expected the number 1"))


@pytest.mark.parametrize(
    ("field", "value"), [("title", 5), ("title", ["a"]), ("sections", {}), ("watch", "one")]
)
def test_types_are_strict(doc: dict[str, Any], field: str, value: object) -> None:
    doc["briefings"][0][field] = value
    assert fields_of(doc) == [f"briefings[0].{field}"]


HOSTILE = "a\x1b[2J\x1b]0;title\x07b\x00c\x7fd\x9be\u202ef\u2066g\u2069h\x08i\rj"


def test_control_characters_are_removed_from_every_text_field(doc: dict[str, Any]) -> None:
    b = doc["briefings"][0]
    b.update(
        title=HOSTILE, standfirst=HOSTILE, bottom_line=HOSTILE, watch=[HOSTILE], tags=[HOSTILE]
    )
    b["sections"][0].update(title=HOSTILE, summary=HOSTILE, paragraphs=[HOSTILE])
    b["key_facts"][0].update(label=HOSTILE, value=HOSTILE, note=HOSTILE)
    b["timeline"][0]["event"] = HOSTILE
    b["quotes"][0].update(text=HOSTILE, speaker=HOSTILE, role=HOSTILE)
    b["sources"][0].update(name=HOSTILE, note=HOSTILE)
    text_values = strings([b.to_json() for b in check(doc).briefings])
    cleaned = "a[2J]0;titlebcdefghij"
    assert text_values.count(cleaned) == 17
    for value in text_values:
        assert not any(ord(c) < 32 and c not in "\n\t" for c in value), value
        assert not any(0x7F <= ord(c) <= 0x9F for c in value)
        assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in value)


def test_line_breaks_kept_in_prose_and_folded_in_titles(doc: dict[str, Any]) -> None:
    b = doc["briefings"][0]
    b["title"] = "  Two\nlines\tand a tab  "
    b["sections"][0]["paragraphs"] = ["  First line.\nSecond\tline.  "]
    briefing = check(doc).briefings[0]
    assert briefing.title == "Two lines and a tab"
    assert briefing.sections[0].paragraphs == ("First line.\nSecond\tline.",)


def test_unicode_text_is_kept(doc: dict[str, Any]) -> None:
    # With the joiners scripts need: ZWNJ in Persian, ZWJ in an emoji sequence and in Hindi.
    text = "Кремль 北朝鮮 العربية e\u0301 👍🏽 می\u200cخواهم 👨\u200d👩\u200d👧 क्\u200dष"  # noqa: RUF001
    doc["briefings"][0]["title"] = text
    assert check(doc).briefings[0].title == text


def test_newest_briefing_and_ties(doc: dict[str, Any]) -> None:
    base = doc["briefings"][0]
    doc["briefings"] = []
    for ident, published in [
        ("old", "2020-01-01"),
        ("new-a", "2024-12-01"),
        ("new-b", "2024-12-01"),
    ]:
        briefing = json.loads(json.dumps(base))
        briefing.update(id=ident, published=published)
        doc["briefings"].append(briefing)
    document = check(doc)
    assert document.newest().id == "new-a"
    assert document.get("old") is not None
    assert document.get("nope") is None
    assert document.briefings[0].section("two") is not None
