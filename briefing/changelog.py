"""``briefing changes``: what changed in each briefing since its reader last read it, old beside
new, as text, Markdown or JSON. Plain output: no Textual, no Rich.

What changed is found by :func:`briefing.changes.compare`; when each briefing was read, and the
version read, by :mod:`briefing.reading`. A briefing never read is new: its title and bottom
line are shown. Data text is never interpreted, as in every summary (:mod:`briefing.summary`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from briefing.cells import cut_long_words, wrap
from briefing.changes import Change, compare, place, said, tally
from briefing.records import day_and_time
from briefing.summary import _md_block, _md_escape, _md_heading, _Paint, _paragraph

if TYPE_CHECKING:
    from briefing.reading import Reading, State
    from briefing.records import Briefing

FORMATS = ("text", "markdown", "json")
"""The values of ``briefing changes --format``."""


_BOLD, _DIM = "1", "2"
_BEFORE, _AFTER = "was: ", "now: "


class News(NamedTuple):
    """What is new in one briefing for its reader."""

    briefing: Briefing
    state: State
    """``new`` (never read), ``updated`` (read, and changed since) or ``read`` (read as it is)."""
    read_at: datetime | None = None
    """When it was last read (``None``: never)."""
    changes: tuple[Change, ...] = ()
    """What changed since then, corrections first (:func:`briefing.changes.compare`)."""

    @property
    def is_news(self) -> bool:
        """Whether there is something to show: the briefing is new or changed."""
        return self.state != "read"


def news_of(reading: Reading, source: str, briefing: Briefing) -> News:
    """What is new in ``briefing`` (of the data ``source``) since it was last read."""
    state = reading.state(source, briefing)
    read = reading.read(source, briefing.id)
    if read is None or state != "updated":
        return News(briefing, state, read.read_at if read else None)
    old = reading.version(read)
    if old is None:  # the version read is lost: all that is known is that it differed
        return News(briefing, "updated", read.read_at)
    return News(briefing, "updated", read.read_at, tuple(compare(old, briefing)))


def headline(state: State, read_at: datetime | None, changes: Sequence[Change] = ()) -> str:
    """``Updated since you read it on 19 November 2024 at 14:02: 2 facts changed, 1 new
    paragraph``; ``New: not read before``; or ``No change since you read it on ...``: what the
    command and the reader's strip say of a briefing. Updated with no ``read_at``: it changed
    while shown for the first time (a live reload), ``Updated since you opened it: ...``."""
    if state == "new":
        return "New: not read before"
    if state == "read":
        return "No change since you read it" + (f" on {day_and_time(read_at)}" if read_at else "")
    since = f"you read it on {day_and_time(read_at)}" if read_at else "you opened it"
    counted = tally(changes)
    return f"Updated since {since}" + (f": {counted}" if counted else "")


def render(news: Sequence[News], fmt: str, width: int = 80, styled: bool = False) -> Iterator[str]:
    """The lines of ``briefing changes`` for these briefings (those with news: the others are
    counted in the text's last line), each ending in a newline."""
    shown = [item for item in news if item.is_news]
    if fmt == "json":
        yield json.dumps({"briefings": [_json(item) for item in shown]}, indent=2,
                         ensure_ascii=False) + "\n"  # fmt: skip
        return
    lines = _markdown if fmt == "markdown" else _text
    for index, item in enumerate(shown):
        if index:
            yield "\n"
        for line in lines(item, width, _Paint(styled and fmt == "text")):
            yield line + "\n"
    if not shown:
        count = len(news)
        what = "this briefing as it is" if count == 1 else f"these {count} briefings as they are"
        yield f"Nothing new: you have read {what} now.\n"


# --- text ---------------------------------------------------------------------------------


def _text(news: News, width: int, paint: _Paint) -> Iterator[str]:
    briefing = news.briefing
    yield from (paint(line, _BOLD) for line in wrap(cut_long_words(briefing.title), width))
    said = headline(news.state, news.read_at, news.changes)
    yield from (paint(line, _BOLD) for line in wrap(cut_long_words(said), width))
    yield from (paint(line, _DIM) for line in wrap(cut_long_words(f"id: {briefing.id}"), width))
    if news.state == "new":
        yield ""
        yield from _paragraph(cut_long_words(briefing.bottom_line), width)
        return
    for change in news.changes:
        yield ""
        yield paint(_where(change, briefing), _BOLD)
        for label, text in _sides(change):
            yield from _paragraph(cut_long_words(text), width, indent=label)


def _where(change: Change, briefing: Briefing) -> str:
    return cut_long_words(said(change, briefing))


def _sides(change: Change) -> list[tuple[str, str]]:
    """The text before and after, each with what introduces it (``was:``, ``now:``)."""
    sides = []
    if change.before is not None:
        sides.append((_BEFORE, change.before))
    if change.after is not None:
        sides.append((_AFTER, change.after))
    return sides


# --- Markdown -----------------------------------------------------------------------------


def _markdown(news: News, width: int, paint: _Paint) -> Iterator[str]:
    briefing = news.briefing
    yield from _md_heading(briefing.title, "##", "-", width)
    yield ""
    said = headline(news.state, news.read_at, news.changes)
    yield from _md_block(said, width, emphasis="**")
    yield ""
    yield from _md_block(f"id: {briefing.id}", width, emphasis="*")
    if news.state == "new":
        yield ""
        yield from _md_block(briefing.bottom_line, width, label="**Bottom line:**")
        return
    if news.changes:
        yield ""
    for change in news.changes:
        label = f"**{_md_escape(_where(change, briefing))}**"
        yield from _md_block(label, width, "- ", "  ", escaped=True)
        for side, text in _sides(change):
            yield from _md_block(f"*{side.strip()}* {_md_escape(text)}", width, "  - ", "    ",
                                 escaped=True)  # fmt: skip


# --- JSON ---------------------------------------------------------------------------------


def _json(news: News) -> dict[str, Any]:
    briefing = news.briefing
    data: dict[str, Any] = {
        "id": briefing.id,
        "title": briefing.title,
        "state": news.state,
        "last_read": news.read_at.isoformat() if news.read_at else None,
    }
    if news.state == "new":
        data["bottom_line"] = briefing.bottom_line
    else:
        data["summary"] = tally(news.changes)
    data["changes"] = [_json_change(change, briefing) for change in news.changes]
    return data


def _json_change(change: Change, briefing: Briefing) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "change": change.change,
        "place": place(change, briefing),
        "section": change.section,
        "index": change.index,
        "label": change.label,
        "fields": list(change.fields),
        "before": change.before,
        "after": change.after,
    }
