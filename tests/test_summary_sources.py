"""`briefing summary` of a format 1.1 briefing: the date note and inferred dates, intervals in the
timeline, each key fact's sources and grade, a quote's source; format 1 output unchanged."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefing.cells import cell_width
from briefing.records import CREDIBILITY, RELIABILITY, Briefing, event_date, grade_meaning
from briefing.store import parse
from briefing.summary import FORMATS, Options, render
from tests.conftest import minimal, run_cli, write_json
from tests.test_format import MAXIMAL
from tests.webpages import assert_inert

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NOTE = MAXIMAL["date_note"]


def cited() -> dict[str, Any]:
    """The maximal briefing of format 1.1 with a second source, two more facts (one citing both
    sources, one only graded) and a second timeline event on a day, before the interval."""
    briefing = copy.deepcopy(MAXIMAL)
    briefing["sources"].append({"id": "other", "name": "Other outlet"})
    briefing["key_facts"] += [
        {"label": "Toll", "value": "10 dead", "status": "claim", "section": "one",
         "sources": ["other", "report"], "grade": "C3"},
        {"label": "Mood", "value": "Tense", "status": "unverified", "section": "one",
         "grade": "B2"},
    ]  # fmt: skip
    briefing["timeline"].append({"date": "2024-11-05", "event": "An election.", "section": "one"})
    return briefing


def document(*briefings: dict[str, Any], version: float = 1.1) -> dict[str, Any]:
    return {"schema_version": version, "briefings": list(briefings)}


def loaded(data: dict[str, Any]) -> list[Briefing]:
    return list(parse(json.dumps(data)).briefings)


def output(data: dict[str, Any], fmt: str = "text", **options: Any) -> str:
    return "".join(render(loaded(data), fmt, Options(**options)))


def block(out: str, heading: str) -> list[str]:
    """The lines of a text summary's part under ``heading``, up to the next heading."""
    lines = out.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if re.fullmatch("[A-Z ]+", lines[i])), None)
    return lines[start : end if end is None else end - 1]


# --- dates -----------------------------------------------------------------------------------


def test_the_date_is_marked_inferred_and_full_prints_the_note_under_it() -> None:
    data = document(cited())
    head = "19 November 2024 (inferred) (updated 2024-11-20 08:30+01:00)"
    text = output(data, full=True).splitlines()
    assert text[1:3] == [head, f"Date: {NOTE}"]
    short = output(data).splitlines()
    assert short[1] == head and not any(line.startswith("Date:") for line in short)
    markdown = output(data, "markdown", full=True)
    correction = (
        "**Correction**\n\n- **20 November 2024:** An earlier version gave the wrong range. "
        "*(section 1,\n  Section one)*\n"
    )  # the corrections come before the standfirst (tests/test_summary_corrections.py)
    assert f"*{head}*\n\n*Date: {NOTE}*\n\n{correction}\n*Under the title.*\n" in markdown
    assert "Date:" not in output(data, "markdown")


def test_a_format_1_briefing_shows_nothing_inferred_nor_graded() -> None:
    for fmt in ("text", "markdown", "line"):
        out = output(minimal(), fmt, full=True)
        assert "inferred" not in out and "Date:" not in out
        assert "Grade" not in out and "per " not in out
    assert output(minimal(), full=True).splitlines()[1] == "19 November 2024"


def test_the_timeline_shows_dates_in_words_in_order() -> None:
    interval = "between 6 and 17 November 2024 (inferred)"
    text = output(document(cited()), full=True)
    assert block(text, "TIMELINE") == [
        "  5 November 2024",
        "    An election.",
        "",
        f"  {interval}",
        "    Something happened.",
    ]  # a date this long on a line of its own: the events keep the width
    markdown = output(document(cited()), "markdown", full=True)
    assert f"- 5 November 2024: An election.\n- {interval}: Something happened.\n" in markdown


def test_short_dates_stay_in_a_column_as_wide_as_the_widest() -> None:
    briefing = cited()
    briefing["timeline"][0].update(date="2024-11-17", inferred=False, event="Words " * 12)
    lines = block(output(document(briefing), full=True), "TIMELINE")
    assert lines[0] == "  5 November 2024   An election."
    assert lines[1].startswith("  17 November 2024  Words Words")
    assert lines[2].startswith(" " * 20 + "Words")
    # Where the column would take half the width, each date goes on its own line.
    narrow = block(output(document(briefing), full=True, width=39), "TIMELINE")
    assert narrow[:2] == ["  5 November 2024", "    An election."]


# --- the one-line format --------------------------------------------------------------------


def uncorrected() -> dict[str, Any]:
    """:func:`cited` without its correction (which the line marks: see
    tests/test_summary_corrections.py)."""
    briefing = cited()
    del briefing["corrections"]
    return briefing


def test_the_line_carries_the_date_after_the_title() -> None:
    assert output(document(uncorrected()), "line") == (
        "A briefing with every field \u00b7 19 November 2024 (inferred) \u2014 The bottom line.\n"
    )
    assert output(minimal(), "line") == (
        "First briefing \u00b7 19 November 2024 \u2014 The bottom line.\n"
    )


def test_the_line_shows_the_date_whole_or_not_at_all() -> None:
    """Cut, "19 November 2024 (inferred)" could lose its "(inferred)": where title and date do
    not fit, the title is cut to make room for the date; where that would leave less than 20
    columns of title, the date is left out. The title always starts the line."""
    date = " \u00b7 19 November 2024 (inferred)"
    dated = f"A briefing with every field{date} \u2014"
    for width in range(20, 90):
        line = output(document(uncorrected()), "line", width=width).rstrip("\n")
        assert cell_width(line) <= width
        assert line.startswith("A briefing")
        if width >= len(dated) + 1:
            assert line.startswith(dated), line  # the bottom line follows
        elif width - len(date) >= 20:
            assert line.endswith(date) and cell_width(line) <= width, line
        else:
            assert "\u00b7" not in line and "inferred" not in line, line


# --- key facts: sources and grades -----------------------------------------------------------


def test_full_text_shows_each_facts_sources_and_grade_and_what_grades_mean() -> None:
    text = output(document(cited()), full=True)
    assert block(text, "KEY FACTS") == [
        "  reported    Range: 300 km",
        "              per A source \u00b7 B2",
        "              A caveat.",
        "  claim       Toll: 10 dead",
        "              per Other outlet, A source \u00b7 C3",
        "  unverified  Mood: Tense",
        "              graded B2",
        "",
        "  Grade B2: source usually reliable, information probably true",
        "  Grade C3: source fairly reliable, information possibly true",
    ]
    assert "per " not in output(document(cited())) and "Grade" not in output(document(cited()))


def test_full_markdown_shows_each_facts_sources_and_grade_and_what_grades_mean() -> None:
    out = output(document(cited()), "markdown", full=True)
    assert (
        "- **Range:** 300 km *(reported, per A source \u00b7 B2)* \u2014 A caveat.\n"
        "- **Toll:** 10 dead *(claim, per Other outlet, A source \u00b7 C3)*\n"
        "- **Mood:** Tense *(unverified, graded B2)*\n"
        "\n*Grade B2: source usually reliable, information probably true*\n"
        "\n*Grade C3: source fairly reliable, information possibly true*\n"
    ) in out
    tokens = MarkdownIt("commonmark").parse(out)
    emphasised = [
        pair[1].content
        for inline in tokens
        for pair in zip(inline.children or [], (inline.children or [])[1:], strict=False)
        if pair[0].type == "em_open"
    ]
    assert "(claim, per Other outlet, A source \u00b7 C3)" in emphasised
    assert "Grade C3: source fairly reliable, information possibly true" in emphasised
    assert "per " not in output(document(cited()), "markdown")


def test_a_quote_names_its_source_and_its_date_in_words() -> None:
    said = "\u2014 Someone, Spokesman, November 2024 (inferred), per A source"
    assert f"      {said}\n" in output(document(cited()), full=True)
    assert f"> Words.\n>\n> {said}\n" in output(document(cited()), "markdown", full=True)


# --- JSON ------------------------------------------------------------------------------------


def test_json_of_a_1_1_briefing_says_1_1_and_validates(tmp_path: Path) -> None:
    path = write_json(tmp_path / "cited.json", document(cited()))
    result = run_cli("--data", str(path), "summary", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('{\n  "schema_version": 1.1,\n')
    assert json.loads(result.stdout)["briefings"] == [cited()]
    out = tmp_path / "out.json"
    out.write_text(result.stdout, encoding="utf-8")
    checked = run_cli("validate", str(out))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == f"ok: 1 briefing in {out}\n"


def test_json_of_a_format_1_file_is_as_it_was(tmp_path: Path) -> None:
    path = write_json(tmp_path / "one.json", minimal())
    result = run_cli("--data", str(path), "summary", "--format", "json")
    expected = minimal()
    expected["briefings"][0]["tags"] = []  # as format 1's output has always had it
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


# --- any text, any grade, any dates -----------------------------------------------------------

day = st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 1, 1))


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(st.text(min_size=1, max_size=60), min_size=4, max_size=4),
    grade=st.tuples(st.sampled_from(sorted(RELIABILITY)), st.sampled_from(sorted(CREDIBILITY))),
    when=st.tuples(day, st.integers(0, 400), st.booleans()),
    width=st.integers(20, 120),
)
def test_any_1_1_briefing_renders_inert_and_within_the_width(
    words: list[str], grade: tuple[str, str], when: tuple[date, int, bool], width: int
) -> None:
    """Any text in the new places (the date note, a cited source's name, a graded fact, a
    quote with a source), any grade and any dates and intervals, inferred or not."""
    start, length, inferred = when
    briefing = cited()
    briefing["date_note"], briefing["sources"][0]["name"], label, speaker = words
    briefing["key_facts"][1].update(label=label, grade="".join(grade))
    briefing["quotes"][0].update(speaker=speaker, date=start.isoformat(), inferred=inferred)
    end = start + timedelta(days=length)
    briefing["timeline"][0].update(date=f"{start}/{end}", inferred=inferred)
    try:
        (shown,) = loaded(document(briefing))
    except Exception:  # blank after cleaning: the loader's own tests cover that
        return
    for fmt in FORMATS:
        out = "".join(render([shown], fmt, Options(width=width, full=True)))
        assert not CONTROL.search(out.replace("\n", "")), repr(out)
        if fmt == "json":
            assert parse(out).briefings == (shown,)
            continue
        if fmt == "html":  # a page: the browser wraps it (tests/test_webpage.py)
            assert_inert(out)
            continue
        for line in out.splitlines():
            if "](<http" not in line:
                assert cell_width(line) <= width, (width, line)
    flat = " ".join(output(document(briefing), full=True, width=200).split())
    assert f"Grade {''.join(grade)}: {grade_meaning(''.join(grade))}" in flat
    assert event_date(f"{start}/{end}", inferred) in flat
    tokens = MarkdownIt("commonmark").parse(output(document(briefing), "markdown", full=True))
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2"]
    assert [t.type for t in tokens].count("blockquote_open") == 1
    links = [c.attrs["href"] for t in tokens for c in t.children or [] if c.type == "link_open"]
    assert links == ["https://example.org/story"]
