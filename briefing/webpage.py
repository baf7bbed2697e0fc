"""The briefing as one web page: ``briefing summary --format html``. No Textual, no Rich.

The page is self-contained and static: one HTML5 file with its style sheet inline, no script,
no event attribute, nothing loaded from elsewhere (its Content-Security-Policy says so to the
browser too), so that any web server, object store or CDN can give it to any number of readers.

It is rendered by Jinja2 from ``templates/page.html.j2`` with autoescaping on: every text from
the data reaches the page as characters, never as markup, and the only attribute values that
come from the data are web addresses (``http`` and ``https`` only) and dates (checked by the
format). Jinja2 is imported by this module alone, which only this format imports.

This module turns briefings into plain values for the template (strings, numbers, lists):
the wording of dates, attributions and corrections comes from :mod:`briefing.records`, as in
every other format; the template only places them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from briefing import __version__
from briefing.records import (
    INFERRED,
    attribution_pieces,
    correction_place,
    corrections_title,
    credit_pieces,
    event_date_pieces,
    grade_meaning,
    published_date,
    updated_time,
)

if TYPE_CHECKING:
    from briefing.records import Briefing, KeyFact, Piece, Quote

TEMPLATES = Path(__file__).resolve().with_name("templates")

LANGUAGE = "en"
"""The language of a briefing whose file does not say (``language``, format 1.1), and of the
labels the page adds ("Bottom line", "Key facts"): in a page of another language, they are
marked ``lang="en"``, so that a screen reader pronounces each as written."""

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""What the page allows itself: its own inline style sheet, nothing else (no script, no image,
no font, no frame, no request of any kind)."""

Numbers = Mapping[str, int]
"""Each section's number by its id: its place in the whole briefing, as the reader's keys
number it (a page narrowed to some sections keeps them)."""

View = dict[str, Any]


def page(briefings: Sequence[tuple[Briefing, Numbers]], full: bool = False) -> str:
    """The web page of ``briefings`` (each with its sections' numbers): one briefing under its
    title, or several under "Briefings"; ``full`` adds the quotes, the notes, the timeline and
    the sources, as in every format. The page's language is the briefings' (when they share
    one), else :data:`LANGUAGE`; a briefing in another says so on its own article."""
    single = len(briefings) == 1
    languages = {b.language or LANGUAGE for b, _ in briefings}
    language = languages.pop() if len(languages) == 1 else LANGUAGE
    views = [_briefing(b, numbers, index, full) for index, (b, numbers) in enumerate(briefings, 1)]
    for view in views:
        view["lang"] = view["language"] if view["language"] != language else None
    template = _environment().get_template("page.html.j2")
    return template.render(
        language=language,
        labels_apart=not _english(language),  # the page's own labels, English, marked so
        policy=CONTENT_SECURITY_POLICY,
        version=__version__,
        title=briefings[0][0].title if single else "Briefings",
        single=single,
        level=1 if single else 2,  # the level of each briefing's own title: h1 alone, else h2
        briefings=views,
        full=full,
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: data is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_page_text,
    )


def _page_text(value: object) -> object:
    """What every ``{{ }}`` writes: text with its tabs as spaces (the one control character
    prose keeps; the other formats wrap it away) and without Unicode's noncharacters (U+FFFE
    and the like, which HTML counts a parse error); anything else as it is."""
    if not isinstance(value, str):
        return value
    value = value.replace("\t", " ")
    return _NONCHARACTERS.sub("", value) if _NONCHARACTERS.search(value) else value


_NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef"
    + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000))
    + "]"
)


def _english(language: str) -> bool:
    return language.partition("-")[0].lower() == "en"


def web_address(url: str | None) -> str | None:
    """``url`` when a page may link to it: an ``http`` or ``https`` address (the format allows
    no other, and the page checks again); else ``None``, and the source is shown unlinked."""
    if url is None or not url.lower().startswith(("http://", "https://")):
        return None
    return url


def _briefing(briefing: Briefing, numbers: Numbers, index: int, full: bool) -> View:
    anchor = f"b{index}"
    source_anchors = {
        source.id: f"{anchor}-source-{n}"
        for n, source in enumerate(briefing.sources, 1)
        if source.id is not None
    }
    quotes: dict[str, list[View]] = {}
    for quote in briefing.quotes if full else ():
        quotes.setdefault(quote.section, []).append(_quote(briefing, quote, source_anchors))
    language = briefing.language or LANGUAGE
    return {
        "anchor": anchor,
        "language": language,
        "labels_apart": not _english(language),  # its labels, English, marked so
        "title": briefing.title,
        "published": briefing.published.isoformat(),
        "published_text": published_date(briefing).removesuffix(INFERRED),
        "inferred": briefing.date_note is not None,
        "date_note": briefing.date_note if full else None,
        "updated": briefing.updated.isoformat() if briefing.updated else None,
        "updated_text": updated_time(briefing.updated) if briefing.updated else None,
        "corrections_title": corrections_title(briefing),
        "corrections": [
            {
                "date": correction.date,
                "date_text": correction.when(),
                "text": correction.text,
                "place": correction_place(briefing, correction, numbers),
            }
            for correction in briefing.corrections
        ],
        "standfirst": briefing.standfirst,
        "bottom_line": briefing.bottom_line,
        "sections": [
            {
                "anchor": f"{anchor}-section-{numbers.get(section.id, n)}",
                "number": numbers.get(section.id, n),
                "title": section.title,
                "summary": section.summary,
                "paragraphs": list(section.paragraphs),
                "quotes": quotes.get(section.id, []),
            }
            for n, section in enumerate(briefing.sections, 1)
        ],
        "facts": [_fact(briefing, fact, source_anchors, full) for fact in briefing.key_facts],
        "grades": [
            {"grade": grade, "meaning": grade_meaning(grade)}
            for grade in dict.fromkeys(f.grade for f in briefing.key_facts if f.grade)
        ]
        if full
        else [],
        "watch": list(briefing.watch),
        "timeline": [
            {
                "when": _pieces(event_date_pieces(event.date, event.inferred), {}),
                "event": event.event,
            }
            for event in briefing.timeline_in_order()
        ]
        if full
        else [],
        "sources": [
            {
                "anchor": f"{anchor}-source-{n}",
                "name": source.name,
                "url": web_address(source.url),
                "note": source.note,
            }
            for n, source in enumerate(briefing.sources, 1)
        ]
        if full
        else [],
    }


def _fact(briefing: Briefing, fact: KeyFact, anchors: Mapping[str, str], full: bool) -> View:
    return {
        "status": fact.status,
        "value": fact.value,
        "label": fact.label,
        "credit": _pieces(attribution_pieces(briefing, fact), anchors if full else {}),
        "note": fact.note if full else None,
    }


def _quote(briefing: Briefing, quote: Quote, anchors: Mapping[str, str]) -> View:
    return {"text": quote.text, "credit": _pieces(credit_pieces(briefing, quote), anchors)}


def _pieces(pieces: Sequence[Piece], anchors: Mapping[str, str]) -> list[View]:
    """The words of an attribution or a credit as the template marks them up: a date as a
    ``<time>``, a source as a link to it in the page's sources (when they are on the page),
    the speaker as a ``<cite>``, a grade with its meaning."""
    return [
        {
            "text": piece.text,
            "day": piece.day,
            "anchor": anchors.get(piece.source.id or "") if piece.source else None,
            "speaker": piece.speaker,
            "meaning": grade_meaning(piece.text) if piece.grade else None,
        }
        for piece in pieces
    ]
