"""Format 1.1 in the reader (Pilot): each fact's sources and grade under it in the panel,
``enter`` on a fact for its dialog (grade, sources, ``o`` to open one, ``g`` to its section),
inferred and interval dates, the date note, and search over the sources' names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import OptionList, Static

from briefing.app import BriefingApp, make_app
from briefing.records import Document
from briefing.screens import reader as reader_module
from briefing.screens.fact import FactScreen
from briefing.screens.picker import BriefingPicker
from briefing.screens.reader import ReaderScreen
from briefing.screens.sources import SourceList, SourcesScreen
from briefing.screens.timeline import TimelineScreen
from briefing.search import FactKey, SourceKey
from briefing.store import load, parse
from briefing.widgets.facts import FactsPanel
from briefing.widgets.hanging import Hanging
from briefing.widgets.highlight import CURRENT_STYLE, MATCH_STYLE
from tests.conftest import minimal, notifications
from tests.contrast import write_cited
from tests.helpers import counter, focused_section, opened, reader, screen_text, wait_until

SIZE = (120, 40)


@pytest.fixture
def cited(tmp_path: Path) -> Document:
    """A briefing of format 1.1: fact 0 cites "A source" (graded B2), fact 1 "A source" and
    "Kremlin" (C3); the date is inferred; the timeline's date an inferred interval."""
    return load(write_cited(tmp_path / "cited.json"))


def prompt_lines(panel: FactsPanel, index: int) -> list[str]:
    return str(panel.get_option(f"fact-{index}").prompt).splitlines()


def marked(panel: FactsPanel, index: int) -> set[tuple[str, str]]:
    """The text a fact's prompt highlights, with the highlight's style."""
    prompt = panel.get_option(f"fact-{index}").prompt
    assert isinstance(prompt, Hanging)
    content = prompt.content
    highlights = {str(MATCH_STYLE), str(CURRENT_STYLE)}
    return {
        (content.plain[span.start : span.end], str(span.style))
        for span in content.spans
        if str(span.style) in highlights
    }


def text_of(screen: object, selector: str) -> str:
    assert isinstance(screen, FactScreen | SourcesScreen)
    return str(screen.query_one(selector, Static).render())


async def test_each_fact_shows_its_sources_and_grade_in_words_under_it(cited: Document) -> None:
    app = make_app(cited)
    async with app.run_test(size=SIZE):
        panel = reader(app).query_one(FactsPanel)
        assert prompt_lines(panel, 0)[-2:] == ["Range", "per A source · B2"]
        assert prompt_lines(panel, 1)[-2:] == ["Warning", "per A source, Kremlin · C3"]


async def test_a_fact_that_cites_nothing_has_no_attribution_line() -> None:
    app = make_app(parse(json.dumps(minimal())))
    async with app.run_test(size=SIZE):
        panel = reader(app).query_one(FactsPanel)
        assert prompt_lines(panel, 0) == [" CONFIRMED   300 km", "Range"]


async def test_enter_on_a_fact_shows_its_grade_and_sources_and_o_opens_one(
    cited: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_urls: list[str] = []

    def open_in_browser(url: str) -> bool:
        opened_urls.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", open_in_browser)
    app = make_app(cited)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FactScreen), "the fact's dialog")
        screen = app.screen
        assert text_of(screen, "#fact-text").splitlines() == [
            "Range",
            "300 km",
            "Status: reported",
            "Note: A caveat.",
            "Grade: B2, source usually reliable, information probably true",
            "Section: Section one",
        ]
        sources = screen.query_one(SourceList)
        assert [str(option.prompt) for option in sources.options] == [
            "A source\nThe facts.\nhttps://example.org/story"
        ]
        await pilot.press("o")
        await wait_until(pilot, lambda: opened_urls, "the address opened")
        assert opened_urls == ["https://example.org/story"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        assert not any(opened(app))  # closing the dialog goes nowhere
        # The second fact cites two sources, the second without an address.
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FactScreen), "the fact's dialog")
        names = [
            str(option.prompt).split("\n")[0] for option in app.screen.query_one(SourceList).options
        ]
        assert names == ["A source", "Kremlin"]
        await pilot.press("down", "o")
        await wait_until(pilot, lambda: len(messages) == 2, "a second message")
        assert messages[-1] == "This source has no web address."
        assert opened_urls == ["https://example.org/story"]


async def test_a_fact_without_sources_says_so_and_g_goes_to_its_section_flashed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader_module, "FLASH_SECONDS", 3600)  # flashed until looked at
    data = minimal()
    data["briefings"][0]["key_facts"][0]["section"] = "two"
    app = make_app(parse(json.dumps(data)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FactScreen), "the fact's dialog")
        assert "Grade: none given" in text_of(app.screen, "#fact-text")
        assert text_of(app.screen, "#fact-sources") == "This fact cites no sources."
        await pilot.press("g")
        await wait_until(pilot, lambda: focused_section(app) == "two", "section two focused")
        assert opened(app) == [False, True]
        assert reader(app).sections[1].has_class("-flash")


async def test_dates_show_as_inferred_and_intervals_in_words(cited: Document) -> None:
    app = make_app(cited)
    async with app.run_test(size=SIZE) as pilot:
        header = str(reader(app).query_one("#date", Static).render())
        assert header.startswith("19 November 2024 (inferred)")
        await pilot.press("1")
        await pilot.pause()
        body = reader(app).sections[0].body_content
        assert body is not None
        assert "\u2014 Someone, Spokesman, November 2024 (inferred)" in body.plain
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
        events = app.screen.query_one("#timeline", OptionList)
        first = str(events.get_option_at_index(0).prompt)
        assert first.startswith("between 6 and 17 November 2024 (inferred)")
        await pilot.press("escape", "s")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the sources")
        note = app.screen.query_one("#date-note", Static)
        assert note.display
        assert str(note.render()) == (
            "Date: 19 November 2024 (inferred) (updated 2024-11-20 08:30+01:00). "
            "Inferred from the story's mention of the war's 1,000th day."
        )


async def test_the_sources_say_nothing_of_a_date_that_is_not_inferred() -> None:
    app = make_app(parse(json.dumps(minimal())))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the sources")
        assert not app.screen.query_one("#date-note", Static).display


async def test_search_finds_source_names_in_the_facts_and_the_sources(cited: Document) -> None:
    """A source's name matches in each fact that cites it (highlighted in its attribution
    line) and in the source itself, whose match shows the first fact that cites it."""
    app = make_app(cited)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"a source")
        await pilot.pause()
        screen = reader(app)
        keys = [hit.field.key for hit in screen.matches.hits]
        assert keys == [FactKey(0, "sources"), FactKey(1, "sources"), SourceKey(0)]
        assert counter(app) == "1/3"
        panel = screen.query_one(FactsPanel)
        assert marked(panel, 0) == {("A source", str(CURRENT_STYLE))}
        assert marked(panel, 1) == {("A source", str(MATCH_STYLE))}
        assert panel.highlighted == panel.get_option_index("fact-0")
        await pilot.press("enter", "n")
        await pilot.pause()
        assert counter(app) == "2/3"
        assert panel.highlighted == panel.get_option_index("fact-1")
        assert marked(panel, 0) == {("A source", str(MATCH_STYLE))}
        assert marked(panel, 1) == {("A source", str(CURRENT_STYLE))}
        await pilot.press("n")
        await pilot.pause()
        assert counter(app) == "3/3"
        assert panel.highlighted == panel.get_option_index("fact-0")  # the first citing it
        assert not any(opened(app))


async def test_the_picker_finds_a_briefing_by_a_source_name(tmp_path: Path) -> None:
    data = json.loads(write_cited(tmp_path / "cited.json").read_text())
    data["briefings"].append(minimal()["briefings"][0])
    app = make_app(parse(json.dumps(data)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", *"kremlin")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, BriefingPicker)
        options = picker.query_one("#picker-list", OptionList)
        assert options.option_count == 1
        assert "A briefing with every field" in str(options.get_option_at_index(0).prompt)


# --- corrections -------------------------------------------------------------------------------


def corrections_box(app: BriefingApp) -> Static:
    return reader(app).query_one("#corrections", Static)


async def test_the_corrections_show_first_in_a_box_of_their_own(cited: Document) -> None:
    """Above the standfirst and the bottom line, titled in words, each correction its date,
    its text and the section it concerns."""
    app = make_app(cited)
    async with app.run_test(size=SIZE):
        box = corrections_box(app)
        assert box.display and box.border_title == "Correction"
        assert str(box.render()) == (
            "20 November 2024 \u2014 An earlier version gave the wrong range. "
            "(section 1, Section one)"
        )
        screen = reader(app)
        tops = [screen.query_one(f"#{name}").region.y for name in ("corrections", "standfirst")]
        tops.append(screen.query_one("#bottom-line").region.y)
        assert tops == sorted(tops) and len(set(tops)) == 3
        assert box.region.y <= 3  # at the top of the page, under the header


async def test_no_corrections_no_box_and_the_box_follows_the_briefing_shown() -> None:
    data = minimal()
    data["schema_version"] = 1.1
    second = json.loads(json.dumps(data["briefings"][0]))
    second.update(id="second", title="Second briefing")
    second["corrections"] = [
        {"date": "2024-11-20", "text": "A figure was wrong."},
        {"date": "2024-11-21", "text": "So was a name.", "section": "two"},
    ]
    data["briefings"].append(second)
    app = make_app(parse(json.dumps(data)), "first")
    async with app.run_test(size=SIZE) as pilot:
        box = corrections_box(app)
        assert not box.display and "orrection" not in screen_text(app)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: box.display, "the corrections shown")
        assert box.border_title == "Corrections"
        assert str(box.render()).splitlines() == [
            "20 November 2024 \u2014 A figure was wrong.",
            "21 November 2024 \u2014 So was a name. (section 2, Section two)",
        ]
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: not box.display, "the corrections hidden")


async def test_a_search_finds_and_highlights_a_correction(cited: Document) -> None:
    app = make_app(cited)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"wrong range")
        await wait_until(pilot, lambda: counter(app) == "1/1", "one match")
        content = corrections_box(app).content
        assert isinstance(content, Content)
        assert {
            (content.plain[span.start : span.end], str(span.style)) for span in content.spans
        } >= {("wrong range", str(CURRENT_STYLE))}
        await pilot.press("escape")
        await wait_until(pilot, lambda: not reader(app).searching, "the search closed")
        content = corrections_box(app).content
        assert isinstance(content, Content)
        assert str(CURRENT_STYLE) not in {str(span.style) for span in content.spans}
