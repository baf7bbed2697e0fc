"""Text that must not reach the terminal, and text that must fit it (issue 13).

Invisible format characters (zero-width spaces, direction marks, tags, the Hangul fillers,
line and paragraph separators...) are removed at load, and from what the index gives back,
except the joiners scripts need; widths stay right with those kept (measured in tmux itself);
and a word too long to show is cut for display, in the summary and in the reader alike,
while the data, the search and ``--format json`` keep it whole.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content

from briefing import store
from briefing.app import make_app
from briefing.widgets.facts import FactsPanel
from briefing.widgets.hanging import Hanging
from briefing.widgets.section import SectionView
from tests.conftest import minimal, run_cli, write_json
from tests.helpers import reader, screen_text, wait_until

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, ZWJ, woman, ZWJ, girl
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want": ZWNJ after its prefix
HINDI = "\u0915\u094d\u200d\u0937"  # KA, VIRAMA, ZWJ, SSA: the half form of ka
FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # Scotland
KEPT = (FAMILY, PERSIAN, HINDI, FLAG)
"""Sequences whose joiners and tags a script needs: they stay exactly as they are."""

HEART = "\u2764\ufe0f"  # a narrow heart made an emoji by VS16: wide in some terminals only

# Every character the cleaning takes out, as the issue lists them (and their kin): format
# characters and the other default-ignorable code points, separators, controls. Written out
# here, not taken from the code under test.
BANNED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000e0000-\U000e0fff]"
)
INVISIBLE = (
    "\u200b\u200c\u200d\ufeff\u200e\u200f\u061c\u2060\u2061\u2062\u2063\u2064\u00ad\u034f"
    "\u180e\u3164\u115f\u1160\uffa0\ufe0e\ufe0f\U000e0001\U000e0041\U000e007f\u2028\u2029\x85"
)
EVIL = "".join(
    f"{letter}{char}" for letter, char in zip("abcdefghijklmnopqrstuvwxyz", INVISIBLE, strict=False)
)
"""Each invisible character between two letters (where none of them is needed)."""
EVIL_TEXT = f"{EVIL} {FAMILY} {PERSIAN} {HINDI} {FLAG} {HEART} a\u3164\u3164\u3164b"


def unbanned(text: str) -> str:
    """``text`` without the sequences allowed to keep their joiners: what must be clean."""
    for sequence in KEPT:
        text = text.replace(sequence, "")
    return text


# --- the cleaning -------------------------------------------------------------------------

SPECIAL = list(INVISIBLE + "\x1b\x07\n\t \u202e\u2066\ufe00\U000e0100\u180b\u1161\u1100")
SPECIAL += [FAMILY, PERSIAN, HINDI, FLAG, HEART, "\U0001f3fd", "\u0308", "\u0645", "\u1820"]
SPECIAL += ["\U0001f3f4", "\U000e0067", "\u2764", "\u6f22", "a", "1", "\u20e3"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=40)


def _letter(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LM" and not BANNED.match(char)


def _symbol(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] == "S"


def _emoji(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk")


def assert_only_where_needed(text: str) -> None:
    """Every invisible character left in ``text`` is one a script needs, where it needs it."""
    for index, char in enumerate(text):
        if not BANNED.match(char):
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1 : index + 2]
        where = f"{char!r} at {index} of {text!r}"
        if char == "\u200d":  # ZWJ: in an emoji sequence, or inside a word that shapes with it
            emoji = before in ("\ufe0f", "\U000e007f") or (before and _emoji(before))
            assert (emoji and after and _emoji(after)) or (_letter(before) and _letter(after)), (
                where
            )
        elif char == "\u200c":
            assert before and after and _letter(before) and _letter(after), where
        elif "\U000e0020" <= char <= "\U000e007f":  # a tag: only in a flag's tag sequence
            start = text.rfind("\U0001f3f4", 0, index)
            assert start != -1 and re.fullmatch(
                "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f",
                text[start : text.index("\U000e007f", index) + 1],
            ), where
        elif char in "\ufe0e\ufe0f":  # presentation selectors only where they change no width
            wide = unicodedata.east_asian_width(before or " ") in ("W", "F")
            assert _symbol(before) and wide == (char == "\ufe0f"), where
        elif "\ufe00" <= char <= "\ufe0d":
            assert _symbol(before) or (_letter(before) and ord(before) >= 0x1000), where
        elif "\U000e0100" <= char <= "\U000e01ef":
            assert unicodedata.name(before or " ").startswith("CJK "), where
        else:  # the Mongolian, Hangul and grapheme joiners: between letters and marks
            assert _letter(before) or _letter(after), where


@settings(max_examples=600, deadline=None)
@given(TEXT, st.sampled_from([" ", "\n"]))
def test_cleaning_is_idempotent_and_leaves_only_needed_joiners(
    pieces: list[str], separator: str
) -> None:
    from briefing.records import clean

    text = "".join(pieces)
    cleaned = clean(text, separator)
    assert clean(cleaned, separator) == cleaned
    assert_only_where_needed(cleaned)
    # Nothing visible is lost, nothing is added but the separator for a line separator.
    expected = re.sub("[\x85\u2028\u2029]", separator, text)
    assert [c for c in cleaned if not BANNED.match(c)] == [
        c for c in expected if not BANNED.match(c)
    ]
    for sequence in KEPT:
        assert cleaned.count(sequence) >= text.count(sequence)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_every_text_field_is_cleaned_at_load(pieces: list[str]) -> None:
    text = "x" + "".join(pieces)  # never blank, so always valid
    data = minimal()
    briefing = data["briefings"][0]
    briefing.update(title=text, bottom_line=text, watch=[text])
    briefing["sections"][0].update(summary=text, paragraphs=[text])
    loaded = store.parse(json.dumps(data), "t.json").briefings[0]
    for value in (loaded.title, loaded.sections[0].summary, loaded.watch[0]):
        assert_only_where_needed(value)
        assert "\n" not in value  # one-line fields: separators became spaces
    assert_only_where_needed(loaded.bottom_line)
    assert_only_where_needed(loaded.sections[0].paragraphs[0])


def test_separators_break_lines_in_prose_and_become_spaces_in_titles() -> None:
    data = minimal()
    data["briefings"][0]["title"] = "One\u2028two\u2029three\x85four"
    data["briefings"][0]["bottom_line"] = "One\u2028two\u2029three\x85four"
    loaded = store.parse(json.dumps(data), "t.json").briefings[0]
    assert loaded.title == "One two three four"
    assert loaded.bottom_line == "One\ntwo\nthree\nfour"


# --- the commands ---------------------------------------------------------------------------


def evil_document() -> dict[str, Any]:
    """A briefing whose every text field holds every invisible character, and the sequences
    that need theirs."""
    data = minimal()
    base = data["briefings"][0]
    base.update(title=EVIL_TEXT, standfirst=EVIL_TEXT, bottom_line=EVIL_TEXT, tags=[EVIL_TEXT])
    base["watch"] = [EVIL_TEXT]
    for section in base["sections"]:
        section.update(title=EVIL_TEXT, summary=EVIL_TEXT, paragraphs=[EVIL_TEXT])
    base["key_facts"][0].update(label=EVIL_TEXT, value=EVIL_TEXT, note=EVIL_TEXT)
    base["timeline"][0]["event"] = EVIL_TEXT
    base["quotes"][0].update(text=EVIL_TEXT, speaker=EVIL_TEXT, role=EVIL_TEXT)
    base["sources"][0].update(name=EVIL_TEXT, note=EVIL_TEXT)
    return data


COMMANDS = [
    ["list"],
    ["list", "--sections", "first"],
    ["search", "ab"],  # the zero-width space between a and b hid them from a search
    ["search", "--format", "json", "ab"],
    ["summary", "--full"],
    ["summary", "--full", "--format", "markdown"],
    ["summary", "--format", "line"],
    ["summary", "--format", "json"],
]


def assert_clean_output(output: str, command: list[str]) -> None:
    assert not BANNED.search(unbanned(output.replace("\n", ""))), (command, output)
    if "--full" in command or "json" in command:
        for sequence in KEPT:
            assert sequence in output, (command, sequence)
        assert "\u2764" in output  # the heart, without its VS16


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_invisible_character_reaches_any_output(tmp_path: Path, command: list[str]) -> None:
    path = write_json(tmp_path / "evil.json", evil_document(), ensure_ascii=False)
    for run in ("building the index", "reading it back"):
        result = run_cli("--data", str(path), *command)
        assert result.returncode == 0, (run, result.stderr)
        assert_clean_output(result.stdout, command)


def test_invisible_characters_planted_in_the_index_are_scrubbed(tmp_path: Path) -> None:
    from briefing.index import cache_dir, index_path

    path = write_json(tmp_path / "b.json", minimal())
    assert run_cli("--data", str(path), "list").returncode == 0  # builds the index
    folder = cache_dir()
    assert folder is not None
    db = sqlite3.connect(index_path(path, folder))
    row = zlib.decompress(db.execute("SELECT json FROM briefings").fetchone()[0]).decode()
    planted = row.replace("First briefing", f"First {EVIL_TEXT}").replace(
        "The bottom line.",
        json.dumps(EVIL_TEXT)[1:-1],  # escaped this time
    )
    with db:
        db.execute("UPDATE briefings SET json = ?", (zlib.compress(planted.encode()),))
        db.execute("UPDATE entries SET title = ?", (f"Entry {EVIL_TEXT}",))
        db.execute("UPDATE text SET places = ?", (json.dumps([[10**6, EVIL_TEXT]]),))
    db.close()
    for command in (["list"], ["summary"], ["summary", "--format", "json"], ["search", "first"]):
        result = run_cli("--data", str(path), *command)
        assert result.returncode == 0, result.stderr
        assert "Entry" in result.stdout or "First" in result.stdout
        if command == ["list"]:
            assert "Entry" in result.stdout  # read from the index, not rebuilt from the file
        assert not BANNED.search(unbanned(result.stdout.replace("\n", ""))), command


# --- widths ---------------------------------------------------------------------------------

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

_PROBE = """
import json, os, sys, tty
lines = json.load(open(sys.argv[1], encoding="utf-8"))
tty.setraw(0)
widths = []
for line in lines:
    os.write(1, ("\\r\\x1b[2K" + line + "\\x1b[6n").encode())
    answer = b""
    while not answer.endswith(b"R"):
        answer += os.read(0, 1)
    widths.append(int(answer.rsplit(b";", 1)[1][:-1]) - 1)
with open(sys.argv[2] + ".part", "w") as out:
    json.dump(widths, out)
os.replace(sys.argv[2] + ".part", sys.argv[2])
"""


def tmux_widths(lines: list[str], folder: Path) -> list[int]:
    """The columns tmux gives each of ``lines``, asked of tmux itself: a program in a pane
    writes each line and reads back where the cursor is."""
    (folder / "probe.py").write_text(_PROBE)
    (folder / "lines.json").write_text(json.dumps(lines), encoding="utf-8")
    answer = folder / "widths.json"
    socket = f"briefing-widths-{uuid.uuid4().hex}"
    command = f"{sys.executable} {folder / 'probe.py'} {folder / 'lines.json'} {answer}"
    tmux = ["tmux", "-u", "-L", socket, "-f", "/dev/null"]
    subprocess.run([*tmux, "new-session", "-d", "-x", "1000", "-y", "5", command], check=True)
    try:
        deadline = time.monotonic() + 20
        while not answer.exists():
            assert time.monotonic() < deadline, "the probe in tmux never answered"
            time.sleep(0.05)
        widths: list[int] = json.loads(answer.read_text())
        return widths
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)


def test_cell_widths_agree_with_rich_for_the_sequences_kept() -> None:
    from briefing.cells import cell_width

    for text in (FAMILY, PERSIAN, HINDI, FLAG, f"Family {FAMILY} and {PERSIAN}"):
        assert cell_width(text) == Content(text).cell_length, text
    assert cell_width(FAMILY) == 2


def wide_document() -> dict[str, Any]:
    data = minimal()
    base = data["briefings"][0]
    base["title"] = f"Families {FAMILY} {HEART} {PERSIAN} x\u3164\u3164\u3164\uffa0\uffa0 y"
    base["sections"][0]["title"] = f"A {FAMILY}{FAMILY} {HEART}{HEART} {FLAG} section"
    fact = base["key_facts"][0]
    fact.update(value=f"{HEART * 3} {FAMILY} {PERSIAN}", label=f"{HINDI} \u3164\u3164 label")
    second = json.loads(json.dumps(base))
    second.update(id="second", title="Plain title \u00ad\u00ad\u00ad", published="2024-01-01")
    data["briefings"].append(second)
    return data


@needs_tmux
async def test_the_reader_lines_up_in_tmux(tmp_path: Path) -> None:
    """Every line the reader draws (the header with its date, the sections, the facts panel)
    is exactly as wide in tmux as the reader thinks: nothing pushed off or short."""
    document = store.parse(json.dumps(wide_document()), "w.json")
    app = make_app(document, "first")
    async with app.run_test(size=(110, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
    assert "19 November 2024" in lines[0] and FAMILY in lines[0]
    assert any(FAMILY in line and "\u2502" in line for line in lines)  # in the facts panel
    assert tmux_widths(lines, tmp_path) == [110] * len(lines)


@needs_tmux
def test_list_columns_line_up_in_tmux(tmp_path: Path) -> None:
    path = write_json(tmp_path / "w.json", wide_document(), ensure_ascii=False)
    result = run_cli("--data", str(path), "list")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert FAMILY in rows[1]
    # Up to SECTIONS (right-aligned, so its cells end in one column), the READ mark left out.
    widths = tmux_widths([row.rsplit("  ", 1)[0] for row in rows], tmp_path)
    assert len(set(widths)) == 1, (widths, rows)


# --- long words -----------------------------------------------------------------------------

MILLION = 1_000_000


def long_word_document() -> dict[str, Any]:
    data = minimal()
    base = data["briefings"][0]
    base["title"] = "T" * (2 * MILLION)
    base["sections"][0]["paragraphs"] = ["w" * MILLION + "needle" + "w" * MILLION + " tail"]
    base["key_facts"][0]["value"] = "v" * MILLION
    return data


def test_long_words_are_cut_in_the_summary_and_kept_whole_in_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "long.json", long_word_document())
    for fmt in ("text", "markdown"):
        result = run_cli("--data", str(path), "summary", "--full", "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout) < 20_000, fmt
        words = " ".join(result.stdout.split())
        assert "T… (1,999,000 more characters)" in words
        assert "w… (1,999,006 more characters) tail" in words
        assert "v… (999,000 more characters)" in words
    listed = run_cli("--data", str(path), "list")
    assert len(listed.stdout) < 5_000 and "(1,999,000 more characters)" in listed.stdout
    whole = run_cli("--data", str(path), "summary", "--format", "json")
    (briefing,) = json.loads(whole.stdout)["briefings"]  # data, not display: every word whole
    written = long_word_document()["briefings"][0]
    assert briefing["title"] == written["title"]
    assert briefing["sections"][0]["paragraphs"] == written["sections"][0]["paragraphs"]
    assert briefing["key_facts"][0]["value"] == written["key_facts"][0]["value"]
    found = run_cli("--data", str(path), "search", "needle")  # the search sees the whole word
    assert found.returncode == 0 and "needle" in found.stdout and len(found.stdout) < 5_000


async def test_the_reader_cuts_long_words_and_still_finds_text_in_them() -> None:
    document = store.parse(json.dumps(long_word_document()), "long.json")
    app = make_app(document)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        view = reader(app).sections[0]
        await wait_until(pilot, lambda: view.expanded and view.size.height > 0, "the section open")
        width = view.content_size.width
        body = "".join(line.plain for line in view._layout(width))
        assert "w… (1,999,006 more characters) tail" in body.replace(" " * 2, "")
        assert len(view._layout(width)) < 40  # not thousands of lines of one word
        assert "(1,999,000 more characters)" in screen_text(app)  # the title, in the header
        fact = reader(app).query_one(FactsPanel).get_option("fact-0").prompt
        assert isinstance(fact, Hanging)
        assert "v… (999,000 more characters)" in fact.content.plain  # the value, in the panel
        assert document.briefings[0].sections[0].paragraphs[0].count("w") == 2 * MILLION
        await pilot.press("slash", *"needle", "enter")
        await wait_until(pilot, lambda: len(reader(app).matches.hits) == 1, "the match in the word")
        assert isinstance(app.focused, SectionView)
