"""`briefing summary` of a briefing with corrections (format 1.1): every format shows them
first, also without ``--full``; ``--section`` keeps those of its sections and the whole
briefing's; a briefing without corrections shows what it showed before."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from briefing.cells import cell_width
from briefing.records import Briefing
from briefing.store import parse
from briefing.summary import FORMATS, Options, render
from tests.conftest import minimal, run_cli, write_json

WRONG_RANGE = "An earlier version gave the wrong range."
WRONG_TOLL = "The toll was given as 10; it is 12."


def corrected() -> dict[str, Any]:
    """A document of format 1.1: the minimal briefing with a correction of section two and one
    of the whole briefing, and a standfirst."""
    data = minimal()
    data["schema_version"] = 1.1
    briefing = data["briefings"][0]
    briefing["standfirst"] = "Under the title."
    briefing["corrections"] = [
        {"date": "2024-11-20", "text": WRONG_RANGE, "section": "two"},
        {"date": "2024-11-21", "text": WRONG_TOLL},
    ]
    return data


def loaded(data: dict[str, Any]) -> list[Briefing]:
    return list(parse(json.dumps(data)).briefings)


def output(data: dict[str, Any], fmt: str = "text", **options: Any) -> str:
    return "".join(render(loaded(data), fmt, Options(**options)))


def without_corrections(data: dict[str, Any]) -> dict[str, Any]:
    plain = copy.deepcopy(data)
    del plain["briefings"][0]["corrections"]
    return plain


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("full", [False, True])
def test_text_shows_the_corrections_after_the_date_before_the_rest(full: bool) -> None:
    lines = output(corrected(), full=full).splitlines()
    assert lines[:9] == [
        "First briefing",
        "19 November 2024",
        "",
        "CORRECTIONS",
        f"  - 20 November 2024 \u2014 {WRONG_RANGE} (section 2,",
        "    Section two)",
        f"  - 21 November 2024 \u2014 {WRONG_TOLL}",
        "",
        "Under the title.",
    ]
    assert lines.index("BOTTOM LINE") > 8


def test_one_correction_is_headed_in_the_singular() -> None:
    data = corrected()
    del data["briefings"][0]["corrections"][1]
    lines = output(data).splitlines()
    assert "CORRECTION" in lines and "CORRECTIONS" not in lines
    markdown = output(data, "markdown")
    assert "\n**Correction**\n" in markdown and "Corrections" not in markdown


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("full", [False, True])
def test_apart_from_the_corrections_nothing_changes(fmt: str, full: bool) -> None:
    """The corrections' block is all they add: taken out, the summary is the one of the same
    briefing without corrections."""
    data = corrected()
    shown = output(data, fmt, full=full)
    plain = output(without_corrections(data), fmt, full=full)
    assert "orrection" not in plain and "corrected" not in plain
    heading = "CORRECTIONS\n" if fmt == "text" else "**Corrections**\n"
    before, block = shown.split("\n" + heading, 1)
    after = block.split("\n\n", 1)[1]
    assert f"{before}\n{after}" == plain


def test_sections_keep_their_own_corrections_and_the_whole_briefing_s() -> None:
    """``--section one``: a reader who asks for one section is told what was corrected in it
    and in the whole briefing, not what was corrected in the sections left out."""
    one = output(corrected(), sections=("one",))
    assert WRONG_TOLL in one and "wrong range" not in one
    assert "CORRECTION\n" in one  # one of them left: the heading says so
    two = output(corrected(), sections=("two",), width=100)
    # The section keeps its number in the whole briefing, as its heading does.
    assert f"{WRONG_RANGE} (section 2, Section" in two and WRONG_TOLL in two
    assert " 2. Section two" in two


def test_styled_text_says_everything_in_words() -> None:
    """Colour and bold are only added: without the escape codes, the styled summary is the
    plain one."""
    styled = output(corrected(), styled=True)
    assert "\x1b[" in styled
    assert re.sub("\x1b\\[[0-9;]*m", "", styled) == output(corrected())


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_lists_the_corrections_before_the_standfirst() -> None:
    markdown = output(corrected(), "markdown", width=100)
    assert markdown.startswith(
        "# First briefing\n\n*19 November 2024*\n\n**Corrections**\n\n"
        f"- **20 November 2024:** {WRONG_RANGE} *(section 2, Section two)*\n"
        f"- **21 November 2024:** {WRONG_TOLL}\n\n*Under the title.*\n\n**Bottom line:**"
    )


HOSTILE = [
    "[bold]B[/bold] [@click=app.quit]x[/] <script>alert(1)</script> <b>html</b>",
    "# heading\n## sub\n- item\n1. one\n> quote\n---",
    "*em* _em_ `code` [link](https://x.example) ![img](https://x.example/i.png) | a | b |",
    "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\ \x07bel \x9b31m",
]


def hostile() -> dict[str, Any]:
    data = corrected()
    data["briefings"][0]["corrections"] = [
        {"date": "2024-11-20", "text": text, "section": "one"} for text in HOSTILE
    ]
    return data


@pytest.mark.parametrize("width", [20, 80])
def test_hostile_text_in_a_correction_is_inert_in_markdown(width: int) -> None:
    markdown = output(hostile(), "markdown", width=width)
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not {k for k in kinds if k.startswith(("html", "image", "code", "fence", "link"))}
    assert not {"ordered_list_open", "blockquote_open", "hr", "table_open"} & kinds
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2"]
    # One list of corrections, an item for each, before the standfirst.
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) >= len(HOSTILE)
    inline = " ".join(t.content for t in tokens if t.type == "inline")
    assert inline.index("Under the title") > inline.index("alert")


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_in_a_correction_is_inert_in_every_format(fmt: str) -> None:
    """Markup is printed as it is; the escape character and other controls are gone at load,
    so what is left of an escape sequence is only characters."""
    out = output(hostile(), fmt, width=200)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    if fmt == "text":
        assert "[bold]B[/bold] [@click=app.quit]x[/] <script>alert(1)</script>" in out
        assert "[2J[31mred[0m" in out  # what is left of the sequences: characters


# --- one line --------------------------------------------------------------------------------


def test_the_line_says_corrected_after_the_date() -> None:
    assert output(corrected(), "line") == (
        "First briefing \u00b7 19 November 2024 \u00b7 corrected \u2014 The bottom line.\n"
    )
    assert "corrected" not in output(without_corrections(corrected()), "line")


def test_the_line_never_leaves_corrected_out() -> None:
    """The date is shown whole or not at all, as without corrections; "corrected" always, the
    title cut for it where need be; the title starts the line."""
    data = corrected()
    data["briefings"][0]["title"] = "A rather long title for a briefing that was corrected"
    for width in range(20, 120):
        line = output(data, "line", width=width).rstrip("\n")
        assert cell_width(line) <= width, line
        assert line.startswith("A r"), line
        assert " \u00b7 corrected" in line, line
        assert "19 November 2024" in line or "November" not in line, line


def test_a_bold_title_in_the_line_leaves_the_marker_in_words() -> None:
    styled = output(corrected(), "line", styled=True)
    assert styled.startswith(
        "\x1b[1mFirst briefing\x1b[0m \u00b7 19 November 2024 \u00b7 corrected"
    )


# --- JSON ------------------------------------------------------------------------------------


def test_json_holds_the_corrections_and_is_a_valid_file() -> None:
    data = corrected()
    out = json.loads(output(data, "json"))
    assert out["schema_version"] == 1.1
    assert out["briefings"][0]["corrections"] == data["briefings"][0]["corrections"]
    assert list(out["briefings"][0])[:3] == ["id", "title", "standfirst"]
    assert loaded(out)[0].corrections == loaded(data)[0].corrections
    # Narrowed, as the other formats: the whole briefing's correction stays.
    one = json.loads(output(data, "json", sections=("one",)))
    assert one["briefings"][0]["corrections"] == [{"date": "2024-11-21", "text": WRONG_TOLL}]
    loaded(one)  # still a valid file
    assert "corrections" not in json.loads(output(minimal(), "json"))["briefings"][0]


# --- the command -----------------------------------------------------------------------------


def test_the_command_shows_the_corrections(tmp_path: Path) -> None:
    path = write_json(tmp_path / "corrected.json", corrected())
    result = run_cli("--data", str(path), "summary", "--section", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3] == "CORRECTIONS"
    assert lines[4].startswith("  - 20 November 2024 \u2014 An earlier version")
    line = run_cli("--data", str(path), "summary", "--format", "line")
    assert "\u00b7 corrected \u2014" in line.stdout
    valid = run_cli("validate", str(path))
    assert valid.returncode == 0, valid.stderr
