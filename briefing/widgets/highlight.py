"""Search highlights on data text: every match marked, the current one marked more strongly."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from briefing.cells import cut_marker, long_word_cuts
from briefing.search import Hit, Key, spans

MATCH_STYLE = "bold $foreground on $warning-muted"
"""Every match: bold (which shows without colour too), on the warning colour's shade."""
CURRENT_STYLE = "bold underline reverse $text-warning"
"""The current match: reversed (the background it is on, as text on the warning colour that
reads there) and underlined, so that it stands out from the others without colour too."""

Marker = Callable[[Key, str], Content]
"""Turns a field's text into content, given the field's search key."""


CUT_STYLE = "italic"
"""The note in place of the end of a word too long to show (:func:`cut`)."""


def shown(text: str) -> Content:
    """Data text as the reader shows it: never parsed as markup, long words :func:`cut`."""
    return cut(Content(text))


def cut(content: Content) -> Content:
    """``content`` with each word too long to show cut, and a note of how many characters were
    left out (:func:`briefing.cells.long_word_cuts`, as in the summary). Only what is shown
    is cut: the data, and the search that runs on it, keep every word whole."""
    pieces: list[Content] = []
    position = 0
    for start, end in long_word_cuts(content.plain):
        pieces += [content[position:start], Content(cut_marker(end - start)).stylize(CUT_STYLE)]
        position = end
    if not pieces:
        return content
    return Content.assemble(*pieces, content[position:])


def plain(key: Key, text: str) -> Content:
    """No search: the text as it is shown (:func:`shown`)."""
    return shown(text)


def marker(query: str, current: Hit | None) -> Marker:
    """A marker that highlights ``query`` wherever it occurs, and ``current`` above the rest."""

    def mark(key: Key, text: str) -> Content:
        content = Content(text)
        for start, end in spans(text, query):
            is_current = (
                current is not None
                and current.field.key == key
                and (current.start, current.end) == (start, end)
            )
            content = content.stylize(CURRENT_STYLE if is_current else MATCH_STYLE, start, end)
        return cut(content)

    return mark


def same(first: Content | None, second: Content) -> bool:
    """Whether two contents show the same: text and styles (``==`` compares text only)."""
    return first is not None and (first.plain, first.spans) == (second.plain, second.spans)


def moves(shown: Content | None, content: Content) -> bool:
    """Whether showing ``content`` instead of ``shown`` may change the layout: only when the
    text changes, since highlights change styles, never widths."""
    return shown is None or shown.plain != content.plain
