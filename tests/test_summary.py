"""`briefing summary`: every format, widths, colour, selection, pipes and hostile text."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.cells import cell_width
from briefing.records import Briefing, Document, attribution, date_order, event_date
from briefing.store import parse
from briefing.summary import FORMATS, Options, render
from tests.conftest import (
    BUNDLED,
    hostile_document,
    many_sections,
    minimal,
    multi_document,
    run_cli,
    run_in_terminal,
    write_json,
)
from tests.webpages import assert_inert

ESCAPE = "\x1b"
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile() -> Document:
    return parse(json.dumps(hostile_document()))


@pytest.fixture
def multi_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "multi.json", multi_document())


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "hostile.json", hostile_document())


def output(briefings: list[Briefing], fmt: str = "text", **options: Any) -> str:
    return "".join(render(briefings, fmt, Options(**options)))


def markdown_tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").parse(text)


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    """(tag, plain text) of each heading, failing if its content holds any formatting."""
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            kinds = {child.type for child in inline.children or []}
            assert kinds <= {"text", "softbreak"}, (inline.content, kinds)
            text = "".join(c.content if c.type == "text" else " " for c in inline.children or [])
            found.append((token.tag, text))
    return found


def assert_fits(out: str, width: int, fmt: str) -> None:
    for line in out.splitlines():
        if fmt == "markdown" and "](<http" in line:
            continue  # a link's URL cannot be broken; it is the one thing that may overflow
        assert cell_width(line) <= width, (width, line)


def squash(text: str) -> str:
    return "".join(text.split())


def all_inline_text(tokens: list[Token]) -> str:
    return " ".join(
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "text"
    )


# --- text -----------------------------------------------------------------------------------


def test_text_shows_the_essentials_not_the_paragraphs(default: Document) -> None:
    briefing = default.briefings[0]
    out = output([briefing])
    flat = " ".join(out.split())
    assert out.splitlines()[0] == briefing.title
    assert "19 November 2024" in out
    assert " ".join(briefing.bottom_line.split()) in flat
    for number, section in enumerate(briefing.sections, 1):
        assert f"{number:>2}. {section.title}" in out
        assert section.summary in flat
        assert section.paragraphs[0] not in flat
    for fact in briefing.key_facts:
        assert re.search(rf"^  {fact.status} +{re.escape(fact.label)}:", out, re.MULTILINE)
    for item in briefing.watch:
        assert item in flat
    for heading in ("BOTTOM LINE", "SECTIONS", "KEY FACTS", "WHAT TO WATCH"):
        assert heading in out.splitlines()
    assert "TIMELINE" not in out and "SOURCES" not in out


def test_text_full_adds_paragraphs_quotes_timeline_and_sources(default: Document) -> None:
    briefing = default.briefings[0]
    out = output([briefing], full=True)
    flat = " ".join(out.split())
    for section in briefing.sections:
        for paragraph in section.paragraphs:
            assert " ".join(paragraph.split()) in flat
    for quote in briefing.quotes:
        assert f"\u201c{quote.text}\u201d" in flat
        assert f"\u2014 {quote.speaker}" in flat
    timeline = out[out.index("\nTIMELINE\n") : out.index("\nSOURCES\n")]
    ordered = sorted(briefing.timeline, key=lambda event: date_order(event.date))
    shown = [event_date(event.date, event.inferred) for event in ordered]
    assert re.findall(rf"^  ({'|'.join(map(re.escape, shown))})", timeline, re.MULTILINE) == shown
    for source in briefing.sources:
        assert source.name in out


def test_sections_filter_keeps_numbers_and_only_their_facts(default: Document) -> None:
    briefing = default.briefings[0]
    out = output([briefing], sections=("trump",))
    assert " 4. Where Trump stands" in out
    assert "Moscow's warning" not in out
    facts = [f for f in briefing.key_facts if f.section == "trump"]
    assert len(re.findall(r"^  (confirmed|reported|unverified|claim) ", out, re.MULTILINE)) == len(
        facts
    )


@pytest.mark.parametrize("width", [20, 27, 40, 61, 80, 100, 160])
@pytest.mark.parametrize("fmt", ["text", "markdown", "line"])
@pytest.mark.parametrize("full", [False, True])
def test_no_line_is_wider_than_the_width(
    default: Document, hostile: Document, width: int, fmt: str, full: bool
) -> None:
    for document in (default, hostile):
        assert_fits(output(list(document.briefings), fmt, width=width, full=full), width, fmt)


def test_wide_characters_count_as_two_columns() -> None:
    data = minimal()
    data["briefings"][0]["bottom_line"] = "北朝鮮の部隊がロシアのクルスク州に到着した。" * 8
    briefing = parse(json.dumps(data)).briefings[0]
    lines = output([briefing], width=30).splitlines()
    wide = [line for line in lines if "部隊" in line or "到着" in line]
    assert wide
    assert max(cell_width(line) for line in wide) in (29, 30)
    assert all(len(line) <= 15 for line in wide)


def test_line_format_is_exactly_one_line(default: Document, hostile: Document) -> None:
    for briefing in [*default.briefings, *hostile.briefings]:
        for width in (20, 80, 200):
            out = output([briefing], "line", width=width)
            assert out.count("\n") == 1 and out.endswith("\n")
            assert cell_width(out[:-1]) <= width
    briefing = parse(json.dumps(minimal())).briefings[0]
    line = output([briefing], "line", width=44)
    assert line == "First briefing \u00b7 19 November 2024 \u2014 The\u2026\n"


# --- Markdown --------------------------------------------------------------------------------


@pytest.mark.parametrize("full", [False, True])
def test_markdown_structure(default: Document, full: bool) -> None:
    briefing = default.briefings[0]
    tokens = markdown_tokens(output([briefing], "markdown", full=full))
    assert headings(tokens) == [("h1", briefing.title)] + [
        ("h2", section.title) for section in briefing.sections
    ]
    assert not [t for t in tokens if t.type.startswith("html")]
    blockquotes = [t for t in tokens if t.type == "blockquote_open"]
    assert len(blockquotes) == (len(briefing.quotes) if full else 0)
    text = all_inline_text(tokens)
    for fact in briefing.key_facts:
        cited = attribution(briefing, fact)
        status = f"({fact.status}, {cited})" if full and cited else f"({fact.status})"
        assert fact.label in text and status in text, (fact.label, status)


def test_markdown_quotes_are_attributed() -> None:
    data = minimal()
    data["briefings"][0]["quotes"][0].update(role="Kremlin spokesman", date="2024-11-18")
    out = output(list(parse(json.dumps(data)).briefings), "markdown", full=True)
    assert "> Words.\n>\n> \u2014 Someone, Kremlin spokesman, 18 November 2024\n" in out


def test_hostile_markdown_is_inert(hostile: Document) -> None:
    for briefing in hostile.briefings:
        for width in (20, 80):
            for full in (False, True):
                text = output([briefing], "markdown", width=width, full=full)
                tokens = markdown_tokens(text)
                found = headings(tokens)
                # Words wider than a line are broken, so compare without white space.
                assert found[0] == ("h1", found[0][1])
                assert squash(found[0][1]) == squash(briefing.title)
                assert [tag for tag, _ in found] == ["h1"] + ["h2"] * len(briefing.sections)
                assert [t for t, _ in found[1:]] == ["h2"] * len(briefing.sections)
                for (_, shown), section in zip(found[1:], briefing.sections, strict=True):
                    assert squash(shown) == squash(section.title)
                kinds = {t.type for t in tokens}
                kinds |= {c.type for t in tokens for c in t.children or []}
                assert not {k for k in kinds if k.startswith(("html", "image", "code", "fence"))}
                links = [
                    c.attrs["href"]
                    for t in tokens
                    for c in t.children or []
                    if c.type == "link_open"
                ]
                assert links == ([s.url for s in briefing.sources if s.url] if full else [])
                assert {"bullet_list_open", "ordered_list_open"} & kinds <= {"bullet_list_open"}


def test_markdown_links_only_for_source_urls(default: Document) -> None:
    data = minimal()
    data["briefings"][0]["sources"][0].update(name="A [name] <x>", url="https://example.org/a>b")
    briefing = parse(json.dumps(data)).briefings[0]
    tokens = markdown_tokens(output([briefing], "markdown", full=True))
    links = [child for t in tokens for child in t.children or [] if child.type == "link_open"]
    assert [link.attrs["href"] for link in links] == ["https://example.org/a%3Eb"]


@settings(max_examples=120, deadline=None)
@given(
    title=st.text(min_size=1, max_size=80),
    paragraph=st.text(min_size=1, max_size=200),
    width=st.integers(20, 120),
)
def test_any_text_leaves_the_markdown_structure_alone(
    title: str, paragraph: str, width: int
) -> None:
    data = minimal()
    data["briefings"][0]["title"] = title
    data["briefings"][0]["sections"][0]["title"] = paragraph[:60]
    data["briefings"][0]["sections"][1]["paragraphs"] = [paragraph]
    data["briefings"][0]["bottom_line"] = paragraph
    try:
        briefing = parse(json.dumps(data)).briefings[0]
    except Exception:  # blank after cleaning: the loader's own tests cover that
        return
    for fmt in FORMATS:
        out = output([briefing], fmt, width=width, full=True)
        assert not CONTROL.search(out.replace("\n", "")), repr(out)
        if fmt == "html":  # a page: the browser wraps it (tests/test_webpage.py)
            assert_inert(out)
        elif fmt != "json":
            assert_fits(out, width, fmt)
    found = headings(markdown_tokens(output([briefing], "markdown", width=width, full=True)))
    assert [tag for tag, _ in found] == ["h1", "h2", "h2"]
    assert squash(found[0][1]) == squash(briefing.title)


# --- JSON ------------------------------------------------------------------------------------


def test_json_is_a_valid_briefing_file_with_the_same_fields(default: Document) -> None:
    out = output(list(default.briefings), "json")
    data = json.loads(out)
    assert list(data) == ["schema_version", "briefings"]
    original = json.loads(BUNDLED.read_text())
    assert data == original
    assert parse(out).briefings == default.briefings


def test_json_narrowed_to_sections_stays_valid(default: Document) -> None:
    out = output([default.briefings[0]], "json", sections=("north-korea",))
    briefing = parse(out).briefings[0]
    assert [s.id for s in briefing.sections] == ["north-korea"]
    assert {f.section for f in briefing.key_facts} == {"north-korea"}
    assert briefing.quotes == ()


# --- hostile text in every format ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("full", [False, True])
def test_hostile_text_is_inert_in_every_format(hostile: Document, fmt: str, full: bool) -> None:
    out = output(list(hostile.briefings), fmt, full=full, width=80)
    assert ESCAPE not in out
    assert not CONTROL.search(out.replace("\n", ""))
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", out)
    if fmt == "text":
        assert "[@click=app.quit]x[/]" in out  # markup printed as it is
        assert "[link='https://evil.example']https://good.example[/]" in out


# --- the command line ------------------------------------------------------------------------


def test_summary_default_is_the_newest_first_on_a_tie(multi_file: Path) -> None:
    result = run_cli("--data", str(multi_file), "summary")
    assert result.returncode == 0
    assert result.stdout.startswith("Newest, first in the file\n1 December 2024\n")


def test_summary_by_id_and_all(multi_file: Path) -> None:
    one = run_cli("--data", str(multi_file), "summary", "older", "--format", "line")
    assert one.stdout.startswith("An older briefing \u00b7 1 May 2023 \u2014 ")
    every = run_cli("--data", str(multi_file), "summary", "--all", "--format", "line")
    assert [line.split(" \u00b7 ")[0] for line in every.stdout.splitlines()] == [
        "An older briefing",
        "Newest, first in the file",
        "Newest, second in the file",
    ]
    text = run_cli("--data", str(multi_file), "summary", "--all").stdout
    assert text.count("BOTTOM LINE") == 3
    markdown = run_cli("--data", str(multi_file), "summary", "--all", "--format", "markdown")
    assert [tag for tag, _ in headings(markdown_tokens(markdown.stdout))].count("h1") == 3
    as_json = json.loads(
        run_cli("--data", str(multi_file), "summary", "--all", "--format", "json").stdout
    )
    assert [b["id"] for b in as_json["briefings"]] == ["older", "newest-first", "newest-second"]


def test_unknown_briefing_id_lists_known_ids(tmp_path: Path) -> None:
    data = minimal()
    base = data["briefings"][0]
    data["briefings"] = [dict(base, id=f"b-{n:02d}") for n in range(25)]
    path = write_json(tmp_path / "many.json", data)
    result = run_cli("--data", str(path), "summary", "nope")
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}: no briefing 'nope' (the file has: b-00, b-01, b-02, b-03, b-04, b-05, b-06, "
        "b-07, b-08, b-09 and 15 more)\n"
    )
    assert run_cli("--data", str(path), "nope").stderr == result.stderr


def test_unknown_section_lists_sections() -> None:
    result = run_cli("summary", "--section", "missiles", "--section", "nk")
    assert result.returncode == 1
    assert "no section 'nk' in briefing 'russia-us-missiles-warning'" in result.stderr
    assert "(sections: escalation, missiles, north-korea, trump)" in result.stderr


@pytest.fixture(scope="module")
def twelve(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_json(tmp_path_factory.mktemp("twelve") / "twelve.json", many_sections(12))


def summary_of(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("--data", str(path), "summary", *args)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_section_by_number_is_the_one_the_summary_numbers(twelve: Path, fmt: str) -> None:
    by_number = summary_of(twelve, "--section", "4", "--section", "12", "--format", fmt)
    assert by_number.returncode == 0, by_number.stderr
    by_id = summary_of(twelve, "--section", "part-4", "--section", "part-12", "--format", fmt)
    assert by_number.stdout == by_id.stdout
    if fmt == "text":
        assert " 4. Part 4 title\n" in by_number.stdout
        assert "12. Part 12 title\n" in by_number.stdout
        assert "Part 1 title" not in by_number.stdout and "Fact 5" not in by_number.stdout
    if fmt == "json":
        (briefing,) = json.loads(by_number.stdout)["briefings"]
        assert [section["id"] for section in briefing["sections"]] == ["part-4", "part-12"]
        assert [fact["label"] for fact in briefing["key_facts"]] == ["Fact 4", "Fact 12"]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.booleans()), min_size=1, max_size=4))
def test_sections_by_number_and_by_id_select_the_same(
    twelve: Path, choices: list[tuple[int, bool]]
) -> None:
    mixed = [str(n) if by_number else f"part-{n}" for n, by_number in choices]
    result = summary_of(twelve, "--full", *(f"--section={wanted}" for wanted in mixed))
    assert result.returncode == 0, result.stderr
    ids = summary_of(twelve, "--full", *(f"--section=part-{n}" for n, _ in choices))
    assert result.stdout == ids.stdout
    numbered = re.findall(r"^ ?(\d+)\. Part (\d+) title$", result.stdout, re.MULTILINE)
    assert [int(a) for a, _ in numbered] == sorted({n for n, _ in choices})
    assert all(a == b for a, b in numbered)


def test_a_section_number_out_of_range_names_the_range(twelve: Path, tmp_path: Path) -> None:
    for wanted in ("13", "0", "0013"):
        result = summary_of(twelve, "--section", "2", "--section", wanted)
        assert result.returncode == 1
        number = int(wanted)
        assert result.stderr == (
            f"{twelve}: no section {number} in briefing 'many' (it has 12 sections)\n"
        )
    one = write_json(tmp_path / "one.json", many_sections(1))
    assert summary_of(one, "--section", "2").stderr.endswith("(it has 1 section)\n")


def test_a_section_id_made_of_digits_wins_over_a_number(tmp_path: Path) -> None:
    data = many_sections(12)
    data["briefings"][0]["sections"][1]["id"] = "7"  # the second section's id is "7"
    data["briefings"][0]["key_facts"][1]["section"] = "7"
    path = write_json(tmp_path / "digits.json", data)
    seven = summary_of(path, "--section", "7")
    assert seven.returncode == 0, seven.stderr
    assert " 2. Part 2 title\n" in seven.stdout and "Part 7 title" not in seven.stdout
    three = summary_of(path, "--section", "3")
    assert " 3. Part 3 title\n" in three.stdout


def test_section_numbers_with_all_are_a_usage_error(twelve: Path, tmp_path: Path) -> None:
    result = summary_of(twelve, "--all", "--section", "4")
    assert result.returncode == 2
    assert result.stderr == (
        "briefing summary: error: --section 4: a section number needs one briefing ID, not "
        "--all; with --all, give section ids (briefing list --sections ID shows them)\n"
    )
    assert summary_of(twelve, "--all", "--section", "part-4").returncode == 0
    data = many_sections(3)
    data["briefings"][0]["sections"][0]["id"] = "4"
    data["briefings"][0]["key_facts"][0]["section"] = "4"
    digits = summary_of(write_json(tmp_path / "d.json", data), "--all", "--section", "4")
    assert digits.returncode == 0, digits.stderr  # an id, which --all takes
    assert " 1. Part 1 title\n" in digits.stdout
    assert "--section ID|N" in run_cli("summary", "--help").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--format", "pdf"),
        ("summary", "--width", "10"),
        ("summary", "--width", "wide"),
        ("summary", "x", "--all"),
        ("summary", "--color", "sometimes"),
    ],
)
def test_summary_usage_errors(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


def test_piped_output_has_no_escapes_unless_forced() -> None:
    for fmt in FORMATS:
        plain = run_cli("summary", "--full", "--format", fmt)
        assert plain.returncode == 0
        assert ESCAPE not in plain.stdout
    forced = run_cli("summary", env={"FORCE_COLOR": "1"})
    assert "\x1b[1m" in forced.stdout and "\x1b[32mconfirmed\x1b[0m" in forced.stdout
    both = run_cli("summary", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ESCAPE not in both.stdout
    assert ESCAPE in run_cli("summary", "--color", "always").stdout
    assert ESCAPE not in run_cli("summary", "--color", "never", env={"FORCE_COLOR": "1"}).stdout
    for fmt in ("markdown", "json"):  # data formats are never styled
        assert ESCAPE not in run_cli("summary", "--format", fmt, env={"FORCE_COLOR": "1"}).stdout


def test_terminal_output_is_styled_and_fits_the_terminal() -> None:
    out = run_in_terminal(["summary"], {}, columns=120)
    assert "\x1b[1m" in out
    lines = re.sub("\x1b\\[[0-9;]*m", "", out).replace("\r\n", "\n").splitlines()
    assert max(cell_width(line) for line in lines) <= 100  # the terminal's width, at most 100
    assert max(cell_width(line) for line in lines) > 80
    narrow = run_in_terminal(["summary"], {}, columns=50)
    plain = re.sub("\x1b\\[[0-9;]*m", "", narrow).replace("\r\n", "\n").splitlines()
    assert max(cell_width(line) for line in plain) <= 50


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_terminal_output_without_styles(env: dict[str, str]) -> None:
    assert ESCAPE not in run_in_terminal(["summary"], env)


def test_plain_briefing_in_a_pipe_prints_the_text_summary() -> None:
    piped = run_cli()
    assert piped.returncode == 0
    assert piped.stdout == run_cli("summary").stdout
    assert ESCAPE not in piped.stdout
    by_id = run_cli("russia-us-missiles-warning")
    assert by_id.stdout == piped.stdout


def test_hostile_file_through_the_command(hostile_file: Path) -> None:
    for fmt in FORMATS:
        for extra in ([], ["--full"], ["--all"]):
            result = run_cli("--data", str(hostile_file), "summary", "--format", fmt, *extra)
            assert result.returncode == 0, result.stderr
            assert "click=app.quit" in result.stdout  # the hostile title is there, as text
            assert ESCAPE not in result.stdout
            assert not CONTROL.search(result.stdout.replace("\n", ""))
