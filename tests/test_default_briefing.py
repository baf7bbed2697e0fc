"""The default briefing against the story it retells: figures, statuses, quotes, own words."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from briefing.records import Briefing
from briefing.store import load
from tests.conftest import BUNDLED, STORY


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return load(BUNDLED).briefings[0]


@pytest.fixture(scope="module")
def story() -> str:
    return STORY.read_text(encoding="utf-8")


def facts(briefing: Briefing) -> dict[str, tuple[str, str, str]]:
    return {f.label: (f.value, f.status, f.section) for f in briefing.key_facts}


def all_text(briefing: Briefing) -> list[str]:
    """Every sentence-bearing text field of the briefing."""
    texts = [briefing.title, briefing.standfirst or "", briefing.bottom_line, *briefing.watch]
    for section in briefing.sections:
        texts += [section.title, section.summary, *section.paragraphs]
    for fact in briefing.key_facts:
        texts += [fact.label, fact.value, fact.note or ""]
    texts += [event.event for event in briefing.timeline]
    texts += [quote.role or "" for quote in briefing.quotes]
    texts += [source.name for source in briefing.sources]
    texts += [source.note or "" for source in briefing.sources]
    return [text for text in texts if text]


def test_it_is_the_first_briefing_and_the_newest() -> None:
    document = load(BUNDLED)
    assert document.briefings[0].id == "russia-us-missiles-warning"
    assert document.newest() is document.briefings[0]


def test_sections_in_order(briefing: Briefing) -> None:
    assert [s.id for s in briefing.sections] == ["escalation", "missiles", "north-korea", "trump"]


def test_at_least_ten_key_facts_touching_every_section(briefing: Briefing) -> None:
    assert len(briefing.key_facts) >= 10
    assert {f.section for f in briefing.key_facts} == {s.id for s in briefing.sections}


@pytest.mark.parametrize(
    ("label", "value", "status"),
    [
        ("ATACMS range", "300 km (190 miles)", "confirmed"),
        ("Day of the war", "1,000th", "confirmed"),
        ("Russian invasion began", "24 February 2022", "confirmed"),
        ("North Korean troops in Kursk", "More than 10,000", "reported"),
        ("Possible North Korean deployment", "Up to 100,000 soldiers", "unverified"),
        ("Killed in the Odesa missile strike", "10", "confirmed"),
        ("Injured in the Odesa missile strike", "Nearly 50", "confirmed"),
        ("Trump won the election", "5 November 2024", "confirmed"),
        ("Trump takes office", "20 January 2025", "confirmed"),
        ("Trump's time to end the war", "Within 24 hours", "claim"),
    ],
)
def test_every_figure_of_the_story_is_a_key_fact(
    briefing: Briefing, label: str, value: str, status: str
) -> None:
    assert facts(briefing)[label][:2] == (value, status)


def test_figures_come_from_the_story(briefing: Briefing, story: str) -> None:
    """Invent nothing: every number in the text is in the story, or a year or weekend it implies."""
    implied = {"2024", "2025", "16", "17"}  # the years of the dated events; the weekend's days
    story_numbers = set(re.findall(r"\d[\d,]*\d|\d", story))
    for text in all_text(briefing):
        for number in re.findall(r"\d[\d,]*\d|\d", text):
            assert number in story_numbers | implied, (number, text)


def test_quotes_are_verbatim_and_attributed(briefing: Briefing, story: str) -> None:
    quoted = {q.text: q.speaker for q in briefing.quotes}
    assert quoted == {
        "direct involvement of the United States and its allies in hostilities against Russia": (
            "Russian foreign ministry"
        ),
        "adding oil to the fire": "Dmitry Peskov",
        "The missiles will speak for themselves": "Volodymyr Zelensky",
    }
    for quote in briefing.quotes:
        assert quote.text in story
    # Every direct quotation in the story is among them.
    for found in re.findall("\u201c([^\u201d]+)\u201d", story):
        assert any(q.text in found for q in briefing.quotes), found


def test_quotations_in_the_prose_are_verbatim(briefing: Briefing, story: str) -> None:
    for text in all_text(briefing):
        for quoted in re.findall(r'"([^"]+)"', text):
            assert quoted.rstrip(".,") in story, quoted


def test_no_prose_copied_from_the_story(briefing: Briefing, story: str) -> None:
    """Outside quotation marks, no run of seven words is shared with the story."""

    def words(text: str) -> list[str]:
        text = re.sub(r'"[^"]*"|\u201c[^\u201d]*\u201d', " ", text)
        return re.findall(r"[a-z0-9]+", re.sub("['\u2019]", "", text.lower()))

    story_words = words(story)
    story_runs = {tuple(story_words[i : i + 7]) for i in range(len(story_words) - 6)}
    for text in all_text(briefing):
        ours = words(text)
        for i in range(len(ours) - 6):
            assert tuple(ours[i : i + 7]) not in story_runs, (" ".join(ours[i : i + 7]), text)


def test_publication_date_is_the_wars_1000th_day(briefing: Briefing) -> None:
    assert date(2022, 2, 24) + timedelta(days=999) == briefing.published
    assert briefing.published.weekday() == 1  # a Tuesday: the "Monday" events are the day before


def test_timeline_covers_every_dated_event(briefing: Briefing) -> None:
    dates = [event.date for event in briefing.timeline]
    for expected in [
        "2022-02-24",  # invasion
        "2024-09",  # Putin's warning
        "2024-11-05",  # election
        "2024-11-17",  # Zelensky, Sunday
        "2024-11-18",  # Odesa strike and Peskov, Monday
        "2024-11-19",  # 1,000th day
        "2025-01-20",  # inauguration
    ]:
        assert expected in dates
    assert {event.section for event in briefing.timeline} <= {s.id for s in briefing.sections}


def test_bottom_line_watch_and_sources(briefing: Briefing) -> None:
    assert len(briefing.bottom_line) > 200
    assert len(briefing.watch) >= 3
    assert briefing.sources
    # The story names no publisher and no address: neither may the briefing.
    assert all(source.url is None for source in briefing.sources)
