"""Summaries for standard output: text, Markdown, JSON and one line, and the lines of
``briefing search``. No Textual, no Rich.

Everything here is written for pipes: lines never exceed the width (wide characters count as
two columns), styles are plain SGR codes added only when asked for, and data text is never
interpreted: it reaches the output as characters, escaped where Markdown would read it as syntax.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from briefing.cells import cell_width, cut_long_words, long_word_cuts, truncate, wrap
from briefing.records import (
    attribution,
    correction_line,
    correction_place,
    corrections_title,
    credit,
    date_line,
    format_version,
    grade_meaning,
    published_date,
)
from briefing.search import section_title

if TYPE_CHECKING:
    from briefing.records import Briefing, KeyFact, Quote
    from briefing.search import Hit

FORMATS = ("text", "markdown", "json", "line", "html")
"""The values of ``briefing summary --format``."""

MIN_WIDTH = 20
"""The narrowest output the renderers lay out."""


# SGR codes: the only escape sequences this module ever writes, and only when styled.
_BOLD, _DIM, _ITALIC = "1", "2", "3"
_MATCH = "1;7"  # bold, reverse video
_STATUS_STYLE = {"confirmed": "32", "reported": "36", "unverified": "33", "claim": "35"}
_STATUS_WIDTH = max(len(status) for status in _STATUS_STYLE)


class Options(NamedTuple):
    """How to render: the width in columns; ``full`` adds paragraphs, quotes, the timeline and
    sources; ``sections`` keeps only those sections (all when empty); ``styled`` adds terminal
    escape codes (text only)."""

    width: int = 80
    full: bool = False
    sections: tuple[str, ...] = ()
    styled: bool = False


def section_number(wanted: str) -> int | None:
    """``wanted`` read as a section number (``"4"``), when it is written as one."""
    return int(wanted) if wanted.isascii() and wanted.isdigit() else None


def section_id(briefing: Briefing, wanted: str) -> str | None:
    """The id of the section ``wanted`` names in ``briefing``: its id, or its number counted
    from 1 as the summary and the reader number sections; ``None`` when it names none. An id
    wins: in a briefing with a section whose id is ``4``, ``4`` names that section."""
    if briefing.section(wanted) is not None:
        return wanted
    number = section_number(wanted)
    if number is not None and 1 <= number <= len(briefing.sections):
        return briefing.sections[number - 1].id
    return None


def narrow(briefing: Briefing, section_ids: Sequence[str]) -> Briefing:
    """The briefing with only the given sections (all when none are given), and only the key
    facts, quotes, timeline events and corrections that belong to them: those of no section
    (the whole briefing's corrections, undated-section events) stay. It stays a valid
    briefing."""
    if not section_ids:
        return briefing
    keep = set(section_ids)
    return briefing._replace(
        corrections=tuple(
            c for c in briefing.corrections if c.section is None or c.section in keep
        ),
        sections=tuple(s for s in briefing.sections if s.id in keep),
        key_facts=tuple(f for f in briefing.key_facts if f.section in keep),
        quotes=tuple(q for q in briefing.quotes if q.section in keep),
        timeline=tuple(e for e in briefing.timeline if e.section is None or e.section in keep),
    )


def render(briefings: Sequence[Briefing], fmt: str, options: Options) -> Iterator[str]:
    """The summary of ``briefings`` in format ``fmt``, as lines ending in newlines."""
    chosen = [narrow(briefing, options.sections) for briefing in briefings]
    if fmt == "json":
        yield json_document(chosen) + "\n"  # data, not display: whole, as the file has it
        return
    if fmt == "html":
        from briefing.webpage import page  # and Jinja2: only this format pays for them

        yield page([(b, _numbers(o)) for b, o in zip(chosen, briefings, strict=True)], options.full)
        return
    shown = [_shown(briefing) for briefing in chosen]
    for index, (briefing, original) in enumerate(zip(shown, briefings, strict=True)):
        if fmt == "line":
            yield one_line(briefing, options) + "\n"
            continue
        if index:
            yield "\n"
            if fmt == "markdown":
                yield "---\n\n"
        numbers = _numbers(original)
        if fmt == "markdown":
            lines = markdown(briefing, options, numbers)
        else:
            lines = text(briefing, options, numbers)
        for line in lines:
            yield line + "\n"


def _numbers(briefing: Briefing) -> dict[str, int]:
    """Each section's number by its id: its place in the whole briefing, which a summary
    narrowed to some sections keeps (the reader's keys 1-9 number them so)."""
    return {section.id: number for number, section in enumerate(briefing.sections, 1)}


def _shown(record: object) -> Any:
    """A briefing (or a part of one) as it is shown: every word too long to show cut
    (:func:`briefing.cells.cut_long_words`), except in web addresses, which the renderers
    handle themselves (:func:`_address`). The data itself stays whole."""
    if isinstance(record, str):
        return cut_long_words(record)
    if not isinstance(record, tuple):
        return record
    names: tuple[str, ...] | None = getattr(record, "_fields", None)
    if names is None:
        return tuple(_shown(item) for item in record)
    return record._make(  # type: ignore[attr-defined]
        value if name == "url" else _shown(value) for name, value in zip(names, record, strict=True)
    )


def _address(url: str) -> str | None:
    """A source's web address to show, or ``None`` when it is too long to show whole (then
    it is no use as a link either)."""
    return None if long_word_cuts(url) else url


# --- text ---------------------------------------------------------------------------------


def text(
    briefing: Briefing, options: Options, numbers: Mapping[str, int] | None = None
) -> Iterator[str]:
    """Plain text: title, date, bottom line, sections, key facts and what to watch; with
    ``full``, the paragraphs and quotes of each section, the timeline and the sources too.
    ``numbers`` gives each section its number (default: its place in ``briefing``)."""
    paint = _Paint(options.styled)
    yield from _text_head(briefing, options, paint, numbers or {})
    yield from _text_sections(briefing, options, paint, numbers or {})
    yield from _text_facts(briefing, options, paint)
    yield from _text_watch(briefing, options, paint)
    if options.full:
        yield from _text_timeline(briefing, options, paint)
        yield from _text_sources(briefing, options, paint)


def _text_head(
    briefing: Briefing, options: Options, paint: _Paint, numbers: Mapping[str, int]
) -> Iterator[str]:
    yield from (paint(line, _BOLD) for line in wrap(briefing.title, options.width))
    yield from (paint(line, _DIM) for line in wrap(date_line(briefing), options.width))
    if options.full and briefing.date_note:
        note = wrap(f"{_DATE_NOTE}{briefing.date_note}", options.width)
        yield from (paint(line, _DIM) for line in note)
    if briefing.corrections:
        yield from _heading(corrections_title(briefing), paint)
        for correction in briefing.corrections:
            line = correction_line(briefing, correction, numbers)
            yield from wrap(line, options.width, "  - ", "    ")
    if briefing.standfirst:
        yield ""
        yield from (paint(line, _ITALIC) for line in wrap(briefing.standfirst, options.width))
    yield from _heading("Bottom line", paint)
    yield from _paragraph(briefing.bottom_line, options.width)


def _text_sections(
    briefing: Briefing, options: Options, paint: _Paint, numbers: Mapping[str, int]
) -> Iterator[str]:
    width = options.width
    yield from _heading("Sections", paint)
    quotes = _quotes_by_section(briefing.quotes)
    for index, section in enumerate(briefing.sections):
        if options.full and index:
            yield ""
        marker = f"{numbers.get(section.id, index + 1):>2}. "
        yield from (paint(line, _BOLD) for line in wrap(section.title, width, marker))
        yield from wrap(section.summary, width, "    ")
        if not options.full:
            continue
        for paragraph in section.paragraphs:
            yield ""
            yield from _paragraph(paragraph, width, "    ")
        for quote in quotes.get(section.id, []):
            yield ""
            yield from wrap(f"\u201c{quote.text}\u201d", width, "    ", "     ")
            said = wrap(credit(briefing, quote), width, "      ")
            yield from (paint(line, _DIM) for line in said)


def _text_facts(briefing: Briefing, options: Options, paint: _Paint) -> Iterator[str]:
    if not briefing.key_facts:
        return
    yield from _heading("Key facts", paint)
    for fact in briefing.key_facts:
        status = f"  {fact.status:<{_STATUS_WIDTH}}  "
        first, *more = wrap(f"{fact.label}: {fact.value}", options.width, status)
        painted = paint(fact.status, _STATUS_STYLE[fact.status])
        yield "  " + painted + first[2 + len(fact.status) :]
        yield from more
        if not options.full:
            continue
        for extra in (attribution(briefing, fact), fact.note):
            if extra:
                lines = wrap(extra, options.width, " " * len(status))
                yield from (paint(line, _DIM) for line in lines)
    if options.full:
        legend = [wrap(line, options.width, "  ", "    ") for line in _grade_legend(briefing)]
        if legend:
            yield ""
        yield from (paint(line, _DIM) for lines in legend for line in lines)


def _text_watch(briefing: Briefing, options: Options, paint: _Paint) -> Iterator[str]:
    if briefing.watch:
        yield from _heading("What to watch", paint)
        for item in briefing.watch:
            yield from wrap(item, options.width, "  - ")


def _text_timeline(briefing: Briefing, options: Options, paint: _Paint) -> Iterator[str]:
    if not briefing.timeline:
        return
    yield from _heading("Timeline", paint)
    events = [(event.when(), event) for event in briefing.timeline_in_order()]
    column = max(cell_width(when) for when, _ in events)
    if 4 + column <= options.width // 2:  # a column of dates leaves the events half the width
        for when, event in events:
            padding = " " * (column - cell_width(when))
            yield from wrap(event.event, options.width, f"  {when}{padding}  ", " " * (4 + column))
        return
    for index, (when, event) in enumerate(events):  # else each date on a line of its own
        if index:
            yield ""
        yield from wrap(when, options.width, "  ")
        yield from wrap(event.event, options.width, "    ")


def _text_sources(briefing: Briefing, options: Options, paint: _Paint) -> Iterator[str]:
    if not briefing.sources:
        return
    yield from _heading("Sources", paint)
    for source in briefing.sources:
        yield from wrap(source.name, options.width, "  - ")
        if source.note:
            yield from (paint(line, _DIM) for line in wrap(source.note, options.width, "    "))
        if source.url:
            yield from wrap(cut_long_words(source.url), options.width, "    ")


def _heading(title: str, paint: _Paint) -> Iterator[str]:
    yield ""
    yield paint(title.upper(), _BOLD)


def _paragraph(text: str, width: int, indent: str = "") -> Iterator[str]:
    """Wrapped text that keeps the line breaks the author wrote."""
    for line in text.split("\n"):
        yield from wrap(line, width, indent)


_DATE_NOTE = "Date: "
"""What introduces the briefing's date note under its date (with ``--full``)."""


def _grade_legend(briefing: Briefing) -> list[str]:
    """``Grade B2: source usually reliable, information probably true``, for each grade the
    key facts carry, in their order."""
    grades = dict.fromkeys(fact.grade for fact in briefing.key_facts if fact.grade)
    return [f"Grade {grade}: {grade_meaning(grade)}" for grade in grades]


def _quotes_by_section(quotes: Iterable[Quote]) -> dict[str, list[Quote]]:
    grouped: dict[str, list[Quote]] = {}
    for quote in quotes:
        grouped.setdefault(quote.section, []).append(quote)
    return grouped


class _Paint:
    """Wraps text in SGR codes, or returns it unchanged when output is not styled."""

    def __init__(self, styled: bool) -> None:
        self.styled = styled

    def __call__(self, text: str, codes: str) -> str:
        if not self.styled or not text:
            return text
        return f"\x1b[{codes}m{text}\x1b[0m"


# --- one line -----------------------------------------------------------------------------


def one_line(briefing: Briefing, options: Options) -> str:
    """The title, the date and as much of the bottom line as fits: one line, for prompts and
    bars (``Title · 19 November 2024 (inferred) — The bottom line…``); ``· corrected`` after
    the date when the briefing has corrections. The date is shown whole or not at all (cut,
    it could lose its ``(inferred)``): where title and date do not fit, the title is cut to
    make room for the date, unless that would leave less than :data:`_LINE_TITLE_MIN` columns
    of it. ``· corrected`` is never left out: without the date, the title is cut for it."""
    width = options.width
    bottom_line = " ".join(briefing.bottom_line.split())
    corrected = _LINE_CORRECTED if briefing.corrections else ""
    date = f" \u00b7 {published_date(briefing)}{corrected}"
    dated = f"{briefing.title}{date} \u2014"
    line = truncate(f"{dated} {bottom_line}", width, words=True)
    if line.startswith(dated):
        title = briefing.title
    elif width - cell_width(date) >= _LINE_TITLE_MIN:
        title = truncate(briefing.title, width - cell_width(date), words=True)
        line = title + date
    elif corrected:  # never hidden: the title cut as far as it takes to show it
        title = truncate(briefing.title, width - cell_width(corrected), words=True)
        line = title + corrected
    else:
        line = truncate(f"{briefing.title} \u2014 {bottom_line}", width, words=True)
        title = truncate(briefing.title, width)
    if options.styled and line.startswith(title):
        return _Paint(True)(title, _BOLD) + line[len(title) :]
    return line


_LINE_TITLE_MIN = 20
"""The fewest columns of the title the line format keeps when it cuts the title for the date."""

_LINE_CORRECTED = " \u00b7 corrected"
"""What the line format adds after the date of a briefing with corrections."""


# --- search results ----------------------------------------------------------------------


def search_line(briefing: Briefing, hit: Hit, styled: bool = False) -> str:
    """One match of ``briefing search``: the briefing's id, where the match is and the words
    around it, the matched words in bold reverse video when ``styled``."""
    before, match, after = hit.snippet_parts()
    where = cut_long_words(section_title(briefing, hit))
    return f"{briefing.id} \u203a {where} \u203a {before}{_Paint(styled)(match, _MATCH)}{after}"


# --- JSON ---------------------------------------------------------------------------------


def json_document(briefings: Sequence[Briefing]) -> str:
    """The briefings as a briefing file (same field names), which ``briefing validate`` accepts."""
    document = {
        "schema_version": format_version(briefings),
        "briefings": [b.to_json() for b in briefings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# --- Markdown -----------------------------------------------------------------------------

# Backslash-escaped wherever they appear: inline syntax, HTML, entities and table pipes.
_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# A link destination as this module writes it (data text cannot make one: its brackets are
# escaped), a backslash escape, or any other character.
_ATOM = re.compile(r"\]\(<(?:\\.|[^>\\])*>\)|\\.|.", re.DOTALL)
# Syntax only at the start of a line: list items, setext underlines, ordered list markers.
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def markdown(
    briefing: Briefing, options: Options, numbers: Mapping[str, int] | None = None
) -> Iterator[str]:
    """CommonMark: one ``#`` heading, a ``##`` heading per section, no raw HTML. ``numbers``
    gives each section its number, as corrections name it (default: its place in
    ``briefing``).

    Data text is escaped so it can never add headings, HTML, links or formatting.
    """
    width = options.width
    yield from _md_heading(briefing.title, "#", "=", width)
    yield ""
    yield from _md_block(date_line(briefing), width, emphasis="*")
    if options.full and briefing.date_note:
        yield ""
        yield from _md_block(
            _DATE_NOTE + _md_escape(briefing.date_note), width, emphasis="*", escaped=True
        )
    yield from _md_corrections(briefing, width, numbers)
    if briefing.standfirst:
        yield ""
        yield from _md_block(briefing.standfirst, width, emphasis="*")
    yield ""
    yield from _md_block(briefing.bottom_line, width, label="**Bottom line:**")
    if briefing.key_facts:
        yield ""
        yield "**Key facts**"
        yield ""
        for fact in briefing.key_facts:
            yield from _md_block(
                _md_fact(briefing, fact, options.full), width, "- ", "  ", escaped=True
            )
        for line in _grade_legend(briefing) if options.full else ():
            yield ""
            yield from _md_block(line, width, emphasis="*")
    if briefing.watch:
        yield ""
        yield "**What to watch**"
        yield ""
        for item in briefing.watch:
            yield from _md_block(item, width, "- ", "  ")
    quotes = _quotes_by_section(briefing.quotes)
    for section in briefing.sections:
        yield ""
        yield from _md_heading(section.title, "##", "-", width)
        yield ""
        yield from _md_block(section.summary, width, emphasis="*")
        if options.full:
            for paragraph in section.paragraphs:
                yield ""
                yield from _md_block(paragraph, width)
            for quote in quotes.get(section.id, []):
                yield ""
                yield from _md_block(quote.text, width, "> ", "> ")
                yield ">"
                yield from _md_block(credit(briefing, quote), width, "> ", "> ")
    if options.full and (briefing.timeline or briefing.sources):
        yield ""
        yield "---"
        yield from _md_timeline_and_sources(briefing, width)


def _md_fact(briefing: Briefing, fact: KeyFact, full: bool) -> str:
    """A key fact as escaped Markdown: ``**Label:** value *(status)*``; with ``full``, its
    sources and grade in the brackets, and its note after."""
    about: str = fact.status
    if full and (cited := attribution(briefing, fact)):
        about += f", {_md_escape(cited)}"
    text = f"**{_md_escape(fact.label)}:** {_md_escape(fact.value)} *({about})*"
    if full and fact.note:
        text += f" \u2014 {_md_escape(fact.note)}"
    return text


def _md_corrections(
    briefing: Briefing, width: int, numbers: Mapping[str, int] | None
) -> Iterator[str]:
    """The corrections, if any, under their bold title: each an item
    ``**20 November 2024:** text *(section 2, Title)*``."""
    if not briefing.corrections:
        return
    yield ""
    yield f"**{corrections_title(briefing)}**"
    yield ""
    for correction in briefing.corrections:
        text = f"**{correction.when()}:** {_md_escape(correction.text)}"
        if place := correction_place(briefing, correction, numbers):
            text += f" *({_md_escape(place)})*"
        yield from _md_block(text, width, "- ", "  ", escaped=True)


def _md_timeline_and_sources(briefing: Briefing, width: int) -> Iterator[str]:
    if briefing.timeline:
        yield ""
        yield "**Timeline**"
        yield ""
        for event in briefing.timeline_in_order():
            yield from _md_block(f"{event.when()}: {event.event}", width, "- ", "  ")
    if briefing.sources:
        yield ""
        yield "**Sources**"
        yield ""
        for source in briefing.sources:
            text = _md_escape(source.name)
            if source.url and (url := _address(source.url)):
                destination = re.sub(r"([<>\\])", r"\\\1", url)
                text = f"[{text}](<{destination}>)"
            elif source.url:
                text += f" {_md_escape(cut_long_words(source.url))}"
            if source.note:
                text += f": {_md_escape(source.note)}"
            yield from _md_block(text, width, "- ", "  ", escaped=True)


def _md_heading(title: str, atx: str, setext: str, width: int) -> Iterator[str]:
    """An ATX heading when it fits on a line, else a setext heading, which may wrap."""
    escaped = _md_escape(title)
    lines = _md_lines(escaped, width, f"{atx} ", "")
    if len(lines) == 1:
        yield lines[0]
        return
    yield from _md_lines(escaped, width, "", "")
    yield setext * 3


def _md_block(
    text: str,
    width: int,
    first: str = "",
    rest: str = "",
    *,
    label: str = "",
    emphasis: str = "",
    escaped: bool = False,
) -> Iterator[str]:
    """A paragraph (or list item, or quote) of data text, escaped and wrapped."""
    body = text if escaped else _md_escape(text)
    body = " ".join(body.split())  # one paragraph: a line break must not start a new block
    if emphasis:
        body = f"{emphasis}{body}{emphasis}"
    if label:
        body = f"{label} {body}"
    yield from _md_lines(body, width, first, rest)


def _md_lines(body: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap escaped Markdown, keeping escapes whole and escaping syntax at each line start."""
    words = [_atoms(word) for word in body.split()]
    # One column in reserve for the backslash a line start may need.
    lines = wrap(words, width - 1, first, rest)
    fixed = []
    for index, line in enumerate(lines):
        prefix = first if index == 0 else rest
        content = line[len(prefix) :]
        fixed.append(prefix + _MD_LINE_START.sub(_escape_line_start, content, count=1))
    return fixed


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def _atoms(word: str) -> list[str]:
    """Characters of escaped Markdown, with each backslash escape kept as one piece, and a
    link's destination too: a URL cannot be broken, so only it may overflow a line."""
    return _ATOM.findall(word)


def _md_escape(text: str) -> str:
    """Data text as Markdown that shows it literally."""
    return _MD_ESCAPE.sub(r"\\\1", text.replace("\t", " "))
