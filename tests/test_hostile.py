"""Hostile and huge input: nothing crashes, nothing injects, nothing is written.

The markup, escape-sequence, Markdown and HTML fixtures live in conftest (HOSTILE_TEXTS); this
module adds size (a 10,000-character word, a 1 MB paragraph, 500 sections, 5,000 key facts),
property tests over any Unicode and over random valid briefings, and the size limit.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefing import store
from briefing.app import make_app
from briefing.cells import cell_width
from briefing.errors import BriefingError
from briefing.records import Document
from briefing.summary import FORMATS, Options, render
from tests.conftest import HOSTILE_TEXTS, minimal, run_cli, set_at, write_json
from tests.helpers import screen_text

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LONG_WORD = "x" * 10_000
MEGABYTE_PARAGRAPH = ("paragraph " * 110_000)[:1_000_000]
WORLD = "北朝鮮の部隊 Кремль e\u0301 👍🏽 العربية"


def huge_document() -> dict[str, Any]:
    """500 sections, 5,000 key facts, a 10,000-character word and a 1 MB paragraph."""
    data = minimal()
    briefing = data["briefings"][0]
    briefing["title"] = f"{WORLD} {LONG_WORD}"
    briefing["sections"] = [
        {
            "id": f"s{n}",
            "title": f"Section {n} {WORLD}",
            "summary": f"Summary {n}.",
            "paragraphs": [f"Text of section {n}."],
        }
        for n in range(500)
    ]
    briefing["sections"][0]["paragraphs"].append(LONG_WORD)
    briefing["sections"][1]["paragraphs"].append(MEGABYTE_PARAGRAPH)
    briefing["key_facts"] = [
        {"label": f"Fact {n}", "value": f"{n} km", "status": "reported", "section": f"s{n % 500}"}
        for n in range(5000)
    ]
    briefing["timeline"][0]["section"] = "s1"
    briefing["quotes"][0]["section"] = "s1"
    return data


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_json(tmp_path_factory.mktemp("huge") / "huge.json", huge_document())


def test_huge_file_validates(huge_file: Path) -> None:
    result = run_cli("validate", str(huge_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 1 briefing")


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_file_in_every_summary_format(huge_file: Path, fmt: str) -> None:
    document = store.load(huge_file)
    out = "".join(render(list(document.briefings), fmt, Options(width=80, full=True)))
    assert not CONTROL.search(out.replace("\n", ""))
    if fmt in ("text", "line"):
        assert max(cell_width(line) for line in out.splitlines()) <= 80
    if fmt == "markdown":
        tokens = MarkdownIt("commonmark").parse(out)
        assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1"] + ["h2"] * 500


async def test_huge_file_in_the_reader(huge_file: Path) -> None:
    app = make_app(store.load(huge_file))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = screen_text(app).splitlines()
        assert shown[0].startswith(f" {WORLD}")  # the title, its 10,000-x word on a line cut short
        assert shown[1].startswith(" xxxx") and shown[1].rstrip().endswith("x…")
        assert shown[2].strip() == "(9,000 more characters)"  # the word is cut at 1,000
        assert "Bottom line" in shown[4] and "The bottom line." in shown[5]
        for number in range(1, 12):  # the first eleven sections, closed, and the facts panel
            assert any(f"▸ {number}. Section {number - 1} {WORLD}" in line for line in shown)
        assert "Key facts" in shown[3] and "Fact 500" in screen_text(app)
        await pilot.press("2", "f")  # with 500 sections, 2 waits for a digit that f says won't come
        await pilot.pause()
        shown = screen_text(app).splitlines()
        assert f"▾ 2. Section 1 {WORLD}" in shown[3]  # the section opened, scrolled to the top
        assert "Text of section 1." in shown[6] and "paragraph paragraph paragraph" in shown[8]
        assert "Key facts" not in screen_text(app)  # the panel hidden
        await pilot.press("f", "tab", "end")  # the panel again, focused, at its end
        await pilot.pause()
        screen = screen_text(app)
        assert "500. Section 499" in screen and "Fact 4999" in screen
        assert f"▾ 2. Section 1 {WORLD}" in screen
        await pilot.press("c")
        await pilot.pause()
        screen = screen_text(app)
        assert "Bottom line" in screen and f"▸ 2. Section 1 {WORLD}" in screen


def test_hostile_file_validates_after_cleaning(tmp_path: Path) -> None:
    from tests.conftest import hostile_document

    path = write_json(tmp_path / "hostile.json", hostile_document())
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: 2 briefings in {path}\n"
    cleaned = store.load(path).briefings[0]
    assert cleaned.title == HOSTILE_TEXTS[0]  # markup is only text: kept as written
    assert cleaned.standfirst is not None and not CONTROL.search(cleaned.standfirst)
    assert cleaned.standfirst.startswith("[2J[H clear ]0;title ")  # the escapes' text stays
    assert cleaned.watch[0] == "evil iso text"  # the bidirectional controls are gone


# --- properties --------------------------------------------------------------------------

TEXT_PATHS = [
    ("title",),
    ("standfirst",),
    ("bottom_line",),
    ("watch", 0),
    ("sections", 0, "title"),
    ("sections", 0, "summary"),
    ("sections", 0, "paragraphs", 0),
    ("sections", 1, "title"),
    ("key_facts", 0, "label"),
    ("key_facts", 0, "value"),
    ("key_facts", 0, "note"),
    ("timeline", 0, "event"),
    ("quotes", 0, "text"),
    ("quotes", 0, "speaker"),
    ("quotes", 0, "role"),
    ("sources", 0, "name"),
    ("sources", 0, "note"),
]


def with_texts(texts: list[str]) -> Document | None:
    """The minimal document with every text field replaced; None when cleaning empties one."""
    data = minimal()
    data["briefings"][0]["standfirst"] = "x"
    for path, text in zip(TEXT_PATHS, texts, strict=False):
        set_at(data["briefings"][0], path, text)
    try:
        return store.parse(json.dumps(data))
    except BriefingError:
        return None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(), min_size=len(TEXT_PATHS), max_size=len(TEXT_PATHS)))
def test_any_unicode_in_any_field_stays_inert_in_every_format(texts: list[str]) -> None:
    document = with_texts(texts)
    if document is None:
        return
    for fmt in FORMATS:
        for full in (False, True):
            out = "".join(render(list(document.briefings), fmt, Options(width=60, full=full)))
            assert not CONTROL.search(out.replace("\n", "")), (fmt, out)
            if fmt == "markdown":
                tokens = MarkdownIt("commonmark").parse(out)
                headings = [t.tag for t in tokens if t.type == "heading_open"]
                assert headings == ["h1", "h2", "h2"]
                assert not [t for t in tokens if t.type.startswith("html")]


READER_KEYS = ["down", "enter", "1", "2", "e", "c", "f", "tab", "slash", "a", "escape", "t",
               "escape", "s", "escape", "b", "escape", "question_mark", "escape", "end",
               "right_square_bracket", "y"]  # fmt: skip


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.text(min_size=1, max_size=40), min_size=len(TEXT_PATHS), max_size=len(TEXT_PATHS))
)
def test_random_valid_briefings_run_every_binding_in_the_reader(texts: list[str]) -> None:
    import asyncio

    document = with_texts(texts)
    if document is None:
        return

    async def drive() -> None:
        app = make_app(document)
        app.copy_to_clipboard = lambda text: None  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            for key in READER_KEYS:
                await pilot.press(key)
            await pilot.pause()
            assert app.is_running

    asyncio.run(drive())


# --- runaway input -----------------------------------------------------------------------


def test_size_limit_refuses_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as stream:  # a sparse 2 GiB file: reading it would take a while
        stream.seek(2 * 1024**3)
        stream.write(b"}")
    started = time.monotonic()
    result = run_cli("--data", str(path), "validate")
    assert time.monotonic() - started < 10
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}: the file is larger than the limit of 512 MiB; to read it, raise the limit "
        "with --max-size or BRIEFING_MAX_SIZE\n"
    )


def test_size_limit_flag_and_environment(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    assert run_cli("--max-size", "100", "validate", str(path)).returncode == 1
    assert run_cli("validate", str(path), env={"BRIEFING_MAX_SIZE": "100"}).returncode == 1
    assert run_cli("--max-size", "1M", "validate", str(path)).returncode == 0
    wins = run_cli("--max-size", "1M", "validate", str(path), env={"BRIEFING_MAX_SIZE": "100"})
    assert wins.returncode == 0
    bad = run_cli("validate", env={"BRIEFING_MAX_SIZE": "lots"})
    assert bad.returncode == 1 and "BRIEFING_MAX_SIZE: not a size" in bad.stderr
    assert run_cli("--max-size", "lots", "validate").returncode == 2
    assert store.parse_size("512M") == 512 * 1024**2
    assert store.parse_size("1.5G") == int(1.5 * 1024**3)
    assert store.parse_size("300 kB") == 300 * 1024


def test_standard_input_is_limited_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "--max-size", "1k", "validate", "-"],
        input=b"[" * 5000,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert b"larger than the limit of 1 KiB" in result.stderr


@pytest.mark.parametrize("depth", [300, 1_000, 100_000, 1_000_000])
def test_deep_nesting_is_refused_quickly(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    started = time.monotonic()
    result = run_cli("validate", str(path))
    assert time.monotonic() - started < 10
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:")
    assert "invalid JSON: " in result.stderr.splitlines()[0]
