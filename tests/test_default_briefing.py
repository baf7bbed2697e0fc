"""The default briefing against the story it retells: figures, statuses, quotes, own words."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from briefing.records import GRADE, Briefing, KeyFact, date_line, date_order
from briefing.store import load
from tests.conftest import BUNDLED, STORY, run_cli


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
    texts = [briefing.title, briefing.standfirst or "", briefing.date_note or ""]
    texts += [briefing.bottom_line, *briefing.watch]
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
        ("Trump's claimed time to end the war", "Within 24 hours", "claim"),
    ],
)
def test_every_figure_of_the_story_is_a_key_fact(
    briefing: Briefing, label: str, value: str, status: str
) -> None:
    assert facts(briefing)[label][:2] == (value, status)


def test_figures_come_from_the_story(briefing: Briefing, story: str) -> None:
    """Invent nothing: every number in the text is in the story, or a year or weekend it implies."""
    # The years of the dated events; the days of the weekend, the Sunday and the Monday; the
    # 1,000th day, counted either way (the date note works them out from the story).
    implied = {"2024", "2025", "16", "17", "18", "19", "20"}
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
    assert len(briefing.bottom_line.split()) < 60
    assert len(briefing.watch) >= 3
    assert briefing.sources
    # The story names no publisher and no address: neither may the briefing.
    assert all(source.url is None for source in briefing.sources)


# --- the editorial standard of issue 15 -------------------------------------------------------

REPORT = "news-report"
"""The one report every fact reaches the briefing through."""


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def fact_citing(briefing: Briefing, source_id: str) -> KeyFact:
    (fact,) = [f for f in briefing.key_facts if source_id in f.sources]
    return fact


def test_the_file_says_it_uses_format_1_1() -> None:
    import json

    assert json.loads(BUNDLED.read_text(encoding="utf-8"))["schema_version"] == 1.1


def test_every_key_fact_cites_its_sources_and_carries_a_grade(briefing: Briefing) -> None:
    ids = [source.id for source in briefing.sources]
    assert None not in ids
    for fact in briefing.key_facts:
        assert fact.sources, fact.label
        assert set(fact.sources) <= set(ids), fact.label
        assert fact.grade is not None and GRADE.fullmatch(fact.grade), fact.label
        assert len(briefing.sources_of(fact)) == len(fact.sources)


def test_grades_follow_one_rule(briefing: Briefing) -> None:
    """F: every fact comes through one report that names no publisher, so its reliability
    cannot be judged. The digit: 2 for what the report says itself or puts in a named
    party's mouth, 3 for what it passes on from others it does not name, 6 for what it says
    is not verified (see README, "How the default briefing is graded")."""
    unnamed = {"analysts"}
    for fact in briefing.key_facts:
        assert fact.sources[-1] == REPORT, fact.label
        assert fact.grade is not None and fact.grade[0] == "F", fact.label
        others = set(fact.sources) - {REPORT}
        if fact.status == "unverified":
            expected = "6"
        elif fact.status == "reported" or others & unnamed:
            expected = "3"
        else:
            expected = "2"
        assert fact.grade[1] == expected, fact.label


def test_the_news_is_the_first_key_fact_and_confirmed(briefing: Briefing) -> None:
    news = briefing.key_facts[0]
    assert news.status == "confirmed"
    assert "Biden approved" in news.value and "Russia" in news.value
    assert news.sources == (REPORT,)


def test_speculation_and_statements_of_parties_are_claims(briefing: Briefing) -> None:
    speculation = fact_citing(briefing, "analysts")
    assert speculation.status == "claim"
    assert "Kursk" in speculation.label + speculation.value
    assert "may have" in speculation.value  # what is claimed, not "Possible"
    peskov = fact_citing(briefing, "dmitry-peskov")
    assert (peskov.status, peskov.section) == ("claim", "escalation")
    assert '"adding oil to the fire"' in peskov.value
    finer = fact_citing(briefing, "jon-finer")
    assert (finer.status, finer.section) == ("claim", "north-korea")
    assert "North Korea" in finer.value and "Russia" in finer.value


def test_sources_have_ids_and_quotes_cite_them(briefing: Briefing) -> None:
    names = {source.id: source.name for source in briefing.sources}
    assert names["volodymyr-zelensky"] == "Volodymyr Zelensky"
    assert all(source.note for source in briefing.sources)
    for quote in briefing.quotes:
        assert briefing.source_named(quote.source) is not None, quote.text
    (ministry,) = [q for q in briefing.quotes if q.speaker == "Russian foreign ministry"]
    assert ministry.role is None  # an institution has no role; its statement is not one


def test_the_date_note_says_how_the_date_was_inferred(briefing: Briefing) -> None:
    note = briefing.date_note
    assert note is not None
    for needed in ("1,000th", "24 February 2022", "19 November 2024", "Sunday", "Monday"):
        assert needed in note
    assert "a day out" in note
    assert date_line(briefing) == "19 November 2024 (inferred)"


def test_dates_that_follow_from_the_inference_are_marked(briefing: Briefing) -> None:
    """Every day-precise date of November 2024 after the election rests on the inferred date
    (the Sunday, the Monday, the 1,000th day, the bounds of the undated approval)."""
    for event in briefing.timeline:
        follows = "2024-11-06" <= date_order(event.date) < "2024-12"
        assert event.inferred == follows, event.event
    assert {q.speaker: (q.date, q.inferred) for q in briefing.quotes} == {
        "Russian foreign ministry": ("2024-11-06/2024-11-19", True),
        "Dmitry Peskov": ("2024-11-18", True),
        "Volodymyr Zelensky": ("2024-11-17", True),
    }


def test_the_timeline_sorts_in_the_story_s_order(briefing: Briefing) -> None:
    events = list(briefing.timeline)
    assert sorted(events, key=lambda e: date_order(e.date)) == events
    # A month-only date sorts at the start of its month: none may share a month with a day.
    for event in events:
        if len(event.date) == 7:
            assert not [e for e in events if e is not event and e.date.startswith(event.date)]
    (approval,) = [e for e in events if e.event.startswith("Biden approves")]
    start, _, end = approval.date.partition("/")
    assert start > "2024-11-05"  # Trump is President-elect when it is made
    assert end <= "2024-11-17"  # Zelensky speaks of it on Sunday
    order = [e.event for e in events]
    election = order.index("Donald Trump wins the US presidential election.")
    assert election < order.index(approval.event)


def test_bottom_line_leads_with_the_news(briefing: Briefing) -> None:
    assert len(briefing.bottom_line.split()) < 60
    lead = first_sentence(briefing.bottom_line)
    assert "Biden has approved" in lead and "Russia" in lead


def test_the_title_says_what_happened(briefing: Briefing) -> None:
    assert briefing.title.startswith("Biden clears Ukraine")


def test_the_warning_stays_conditional(briefing: Briefing) -> None:
    assert briefing.standfirst is not None
    assert "would mean direct US involvement" in briefing.standfirst
    assert "calls that" not in briefing.standfirst


@pytest.mark.parametrize(
    "wording",
    [
        "Russian missile strike",  # the story does not say who fired at Odesa
        "lands on the war's 1,000th day",  # nor that the decision was made that day
        "alarmed governments",  # it says the troops "raised international concerns"
        "grown heavier",  # it says the air strikes were stepped up, no more
    ],
)
def test_no_wording_the_story_does_not_support(briefing: Briefing, wording: str) -> None:
    for text in all_text(briefing):
        assert wording not in text, text


def test_the_speculation_says_what_is_claimed(briefing: Briefing) -> None:
    assert "Possible" not in [fact.value for fact in briefing.key_facts]


def test_the_summary_header_marks_the_date_inferred() -> None:
    text = run_cli("summary").stdout.splitlines()
    assert text[:2] == [
        "Biden clears Ukraine to fire US long-range missiles into Russia",
        "19 November 2024 (inferred)",
    ]
    assert "*19 November 2024 (inferred)*" in run_cli("summary", "--format", "markdown").stdout
    assert (
        '"date_note": "The story carries no date.' in run_cli("summary", "--format", "json").stdout
    )


def test_the_line_format_carries_the_news() -> None:
    line = run_cli("summary", "--format", "line").stdout  # 80 columns: the title cut for the date
    assert line.startswith("Biden clears Ukraine to fire US long-range")
    wide = run_cli("summary", "--format", "line", "--width", "200").stdout
    assert wide.startswith("Biden clears Ukraine to fire US long-range missiles into Russia")
    assert "President Joe Biden has approved Ukraine's use of US long-range missiles" in wide


def test_the_line_format_and_the_full_summary_show_the_inference() -> None:
    assert "19 November 2024 (inferred)" in run_cli("summary", "--format", "line").stdout
    assert "The story carries no date." in run_cli("summary", "--full", "--width", "1000").stdout
