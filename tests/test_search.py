"""Finding words: folding, offsets, snippets, and `briefing search` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.records import Document
from briefing.search import fold_query, search_briefing, section_title, snippet, spans
from tests.conftest import minimal, run_cli, write_json


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
    assert keys[0] == ("standfirst",) and keys[1] == ("bottom_line",)
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
