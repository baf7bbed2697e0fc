"""Finding words: folding, offsets, snippets, and `briefing search` as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.records import Document
from briefing.search import (
    BodyKey,
    CorrectionKey,
    FactKey,
    LeadKey,
    SectionKey,
    SourceKey,
    fold,
    fold_char,
    fold_query,
    search_briefing,
    section_title,
    snippet,
    snippet_parts,
    spans,
)
from briefing.store import parse
from tests.conftest import ROOT, hostile_document, minimal, run_cli, run_in_terminal, write_json
from tests.test_format11 import cited, document

MATCH_ON, OFF = "\x1b[1;7m", "\x1b[0m"
SGR = re.compile("\x1b\\[[0-9;]*m")


def test_spans_ignore_case_and_accents_and_keep_original_offsets() -> None:
    text = "Crème brûlée at the ÉCOLE, Straße; école again"
    assert [text[a:b] for a, b in spans(text, "ecole")] == ["ÉCOLE", "école"]
    assert [text[a:b] for a, b in spans(text, "STRASSE")] == ["Straße"]
    assert [text[a:b] for a, b in spans(text, "brulee")] == ["brûlée"]
    assert spans(text, "   ") == [] and spans(text, "") == []


def test_line_breaks_match_a_space() -> None:
    text = "first line\nsecond\tline"
    assert [text[a:b] for a, b in spans(text, "line second")] == ["line\nsecond"]
    assert fold_query("  Two   WORDS ") == "two words"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(min_size=1, max_size=5))
def test_every_span_folds_back_to_the_query(text: str, query: str) -> None:
    for start, end in spans(text, query):
        assert 0 <= start < end <= len(text)
        assert fold_query(query) in fold_query(text[start:end])


def test_snippet_is_one_line_around_the_match() -> None:
    text = "word " * 40 + "TARGET" + " word" * 40
    start = text.index("TARGET")
    cut = snippet(text, start, start + 6, width=40)
    assert "TARGET" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 42 and "\n" not in cut


def test_search_in_reading_order_with_places(default: Document) -> None:
    briefing = default.briefings[0]
    hits = search_briefing(briefing, "kursk")
    keys = [hit.field.key for hit in hits]
    assert keys[0] == ("standfirst",)  # the standfirst before the sections, in reading order
    assert keys.index(SectionKey("north-korea", "title")) > keys.index(
        BodyKey("missiles", "paragraph", 3)
    )
    assert ("section", "north-korea", "title") in keys
    places = {section_title(briefing, hit) for hit in hits}
    assert "North Korean troops in Kursk" in places
    assert any(place.startswith("Key facts") for place in places)


def test_cli_search_names_briefing_and_section() -> None:
    result = run_cli("search", "Pyongyang")
    assert result.returncode == 0
    assert result.stdout == (
        "russia-us-missiles-warning \u203a North Korean troops in Kursk \u203a "
        "…that have not been verified, Pyongyang could send as many as 100,000…\n"
    )


def test_search_finds_source_names_in_each_citing_fact_and_in_the_sources() -> None:
    briefing = parse(json.dumps(document(cited()))).briefings[0]
    hits = search_briefing(briefing, "a source")
    assert [(hit.field.key, hit.field.text) for hit in hits] == [
        (FactKey(0, "sources"), "per A source · B2"),
        (SourceKey(0), "A source"),
    ]
    assert [section_title(briefing, hit) for hit in hits] == ["Key facts (Section one)", "Sources"]
    # A format-1 briefing's facts cite nothing: they have no attribution to search.
    plain = parse(json.dumps(minimal())).briefings[0]
    assert [hit.field.key for hit in search_briefing(plain, "a source")] == [SourceKey(0)]


def test_cli_search_names_the_fact_or_the_sources_for_a_source_name(tmp_path: Path) -> None:
    data = document(cited())
    data["briefings"][0]["sources"].append({"id": "tass", "name": "TASS"})  # cited by nothing
    path = write_json(tmp_path / "cited.json", data)
    found = run_cli("--data", str(path), "search", "a source")
    assert found.returncode == 0
    assert found.stdout == (
        "everything \u203a Key facts (Section one) \u203a per A source · B2\n"
        "everything \u203a Sources \u203a A source\n"
    )
    rows = json.loads(run_cli("--data", str(path), "search", "tass", "--format", "json").stdout)
    assert rows == [
        {
            "briefing": "everything",
            "section": None,
            "where": "Sources",
            "field": "source.1.name",
            "snippet": "TASS",
        }
    ]


def test_search_finds_a_correction_after_the_title(tmp_path: Path) -> None:
    """The corrections show first, after the title: their text is searched there, in the
    reader (``/``) and in ``briefing search`` (through the index too)."""
    data = document(cited())
    data["briefings"][0]["corrections"].append(
        {"date": "2024-11-21", "text": "The bottom line was the wrong one."}
    )
    briefing = parse(json.dumps(data)).briefings[0]
    hits = search_briefing(briefing, "wrong")
    assert [hit.field.key for hit in hits] == [CorrectionKey(0), CorrectionKey(1)]
    assert [hit.field.section for hit in hits] == ["one", None]
    assert {section_title(briefing, hit) for hit in hits} == {"Corrections"}
    line = [hit.field.key for hit in search_briefing(briefing, "bottom line")]
    assert line == [CorrectionKey(1), LeadKey("bottom_line")]  # in reading order
    path = write_json(tmp_path / "corrected.json", data)
    for _ in range(2):  # the second from the index the first built
        found = run_cli("--data", str(path), "search", "wrong range")
        assert found.returncode == 0, found.stderr
        assert found.stdout == (
            "everything \u203a Corrections \u203a An earlier version gave the wrong range.\n"
        )
    rows = json.loads(
        run_cli("--data", str(path), "search", "wrong one", "--format", "json").stdout
    )
    assert rows == [
        {
            "briefing": "everything",
            "section": None,
            "where": "Corrections",
            "field": "correction.1.text",
            "snippet": "The bottom line was the wrong one.",
        }
    ]


def test_cli_search_json_and_no_match(tmp_path: Path) -> None:
    data = minimal()
    second = json.loads(json.dumps(data["briefings"][0]))
    second.update(id="second", bottom_line="Another bottom line about zeppelins.")
    data["briefings"].append(second)
    path = write_json(tmp_path / "two.json", data)
    found = run_cli("--data", str(path), "search", "ZEPPELIN", "--format", "json")
    assert found.returncode == 0
    assert json.loads(found.stdout) == [
        {
            "briefing": "second",
            "section": None,
            "where": "Bottom line",
            "field": "bottom_line",
            "snippet": "Another bottom line about zeppelins.",
        }
    ]
    missing = run_cli("--data", str(path), "search", "nothing like this")
    assert missing.returncode == 1
    assert missing.stdout == "" and "Traceback" not in missing.stderr
    assert run_cli("search").returncode == 2


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab cÉéßﬀ\n\t\u3000"), max_size=120),
    st.text(alphabet=st.sampled_from("ab cess"), min_size=1, max_size=4),
    st.integers(10, 80),
)
def test_snippet_parts_hold_exactly_the_match(text: str, query: str, width: int) -> None:
    for start, end in spans(text, query):
        before, match, after = snippet_parts(text, start, end, width)
        assert match == text[start:end].replace("\n", " ").replace("\t", " ")
        assert before + match + after == snippet(text, start, end, width)


@pytest.fixture
def accented(tmp_path: Path) -> Path:
    data = minimal()
    data["briefings"][0]["bottom_line"] = "Crème brûlée at the ÉCOLE, Straße; école again."
    return write_json(tmp_path / "accented.json", data)


def test_cli_search_highlights_exactly_the_matched_words(accented: Path) -> None:
    styled = run_cli("--data", str(accented), "search", "ecole", "--color", "always")
    assert styled.returncode == 0, styled.stderr
    where = "first \u203a Bottom line \u203a "
    assert styled.stdout == (
        f"{where}Crème brûlée at the {MATCH_ON}ÉCOLE{OFF}, Straße; école again.\n"
        f"{where}Crème brûlée at the ÉCOLE, Straße; {MATCH_ON}école{OFF} again.\n"
    )
    strasse = run_cli("--data", str(accented), "search", "STRASSE", "--color", "always")
    assert f"{MATCH_ON}Straße{OFF};" in strasse.stdout
    plain = run_cli("--data", str(accented), "search", "ecole")
    assert "\x1b" not in plain.stdout
    assert plain.stdout == SGR.sub("", styled.stdout)


@pytest.mark.parametrize(
    ("args", "env", "highlighted"),
    [
        ((), {}, False),  # a pipe
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        (("--format", "json", "--color", "always"), {}, False),
    ],
)
def test_cli_search_styles_follow_the_summarys_rules(
    args: tuple[str, ...], env: dict[str, str], highlighted: bool
) -> None:
    result = run_cli("search", "Pyongyang", *args, env=env)
    assert result.returncode == 0
    assert (MATCH_ON in result.stdout) is highlighted
    assert ("\x1b" in result.stdout) is highlighted


def test_cli_search_on_a_terminal_highlights_the_match() -> None:
    out = run_in_terminal(["search", "pyongyang"])
    assert f", {MATCH_ON}Pyongyang{OFF} could send" in out
    assert "\x1b" not in run_in_terminal(["search", "pyongyang"], {"NO_COLOR": "1"})


def test_cli_search_highlights_hostile_text_without_letting_it_act(tmp_path: Path) -> None:
    path = write_json(tmp_path / "hostile.json", hostile_document())
    for query in ("clear", "evil", "[bold]", "title"):
        result = run_cli("--data", str(path), "search", query, "--color", "always")
        assert result.returncode == 0, (query, result.stderr)
        lines = result.stdout.splitlines()
        assert lines
        for line in lines:
            assert line.count(MATCH_ON) == 1 and line.count(OFF) == 1, line
            rest = line.replace(MATCH_ON, "").replace(OFF, "")
            assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", rest)
            shown = line.split(MATCH_ON)[1].split(OFF)[0]
            assert fold_query(shown) == fold_query(query)


WRONG_KEYS = [
    'BodyKey(2, "paragraph", "trump")',
    'BodyKey("trump", 2, "paragraph")',
    'BodyKey("trump", "title", 2)',
    'SectionKey("title", "trump")',
    'FactKey("value", 0)',
    'LeadKey("section")',
    'FactKey(0, "source")',
    'SourceKey("kremlin")',
    'CorrectionKey("one")',
]
"""Search keys written in the wrong order, or with a part their kind has not."""


def test_a_key_in_the_wrong_order_is_a_type_error(tmp_path: Path) -> None:
    lines = [
        "from briefing.search import BodyKey, CorrectionKey, FactKey, LeadKey, SectionKey, "
        "SourceKey",
        *WRONG_KEYS,
    ]
    lines += ['BodyKey("trump", "paragraph", 2)', 'FactKey(0, "sources")', "SourceKey(0)"]
    lines += ["CorrectionKey(0)"]
    (tmp_path / "keys.py").write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(tmp_path / "keys.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wrong = {int(line.split(":")[1]) for line in result.stdout.splitlines() if ": error:" in line}
    assert wrong == set(range(2, 2 + len(WRONG_KEYS))), result.stdout + result.stderr


def _fold_char_by_char(text: str) -> tuple[str, list[int]]:
    """What fold() means, one character at a time (fold() folds runs of ASCII whole)."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in " " if char in "\n\t" else fold_char(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


@given(st.text(max_size=40) | st.text(alphabet="aBc\n\té·ÉßİﬁẞΣ 😀", max_size=40))
def test_folding_runs_of_ascii_whole_folds_as_one_character_at_a_time(text: str) -> None:
    folded, origin = fold(text)
    expected, expected_origin = _fold_char_by_char(text)
    assert folded == expected
    assert origin is None if text.isascii() else origin == expected_origin
