"""``briefing list`` (one aligned row per briefing, or per section of one briefing) and
``briefing keys``. Plain output: no Textual, no Rich."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from briefing.cells import cell_width, cut_long_words, truncate
from briefing.library import Entry

if TYPE_CHECKING:
    from briefing.records import Briefing

_HEADER = ("ID", "DATE", "TITLE", "SECTIONS", "READ")

MARKS = {"new": "new", "updated": "updated", "read": ""}
"""How ``list`` and the picker mark a briefing for its reader (:meth:`Reading.state
<briefing.reading.Reading.state>`), in words that read without colour."""
_SECTION_HEADER = ("#", "ID", "TITLE")
_GAP = "  "


def briefing_table(
    entries: Sequence[Entry], marks: Mapping[str, str], width: int | None = None
) -> Iterator[str]:
    """The lines of ``briefing list``: each briefing's id, date, title, number of sections and
    its mark (``new``, ``updated`` or nothing: ``marks`` by id); titles are cut to fit ``width``
    columns when one is given."""
    rows = [
        (e.id, e.published.isoformat(), cut_long_words(e.title), str(e.sections), marks[e.id])
        for e in entries
    ]
    return _table(_HEADER, rows, width, title=2, numbers=3)


def section_table(briefing: Briefing, width: int | None = None) -> Iterator[str]:
    """The lines of ``briefing list --sections``: each section's number and id (what
    ``briefing summary --section`` takes) and its title, cut to fit ``width`` columns."""
    rows = [(str(n), s.id, cut_long_words(s.title)) for n, s in enumerate(briefing.sections, 1)]
    return _table(_SECTION_HEADER, rows, width, title=2, numbers=0)


def _table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    width: int | None,
    *,
    title: int,
    numbers: int | None,
) -> Iterator[str]:
    """Aligned columns under ``header``; column ``title`` is cut to fit ``width`` (at least 5
    columns of it stay) and column ``numbers`` (if any) is aligned right.

    Each cell is measured once (a row of ASCII text by its lengths, in C): ``list`` on 10,000
    briefings is mostly this."""
    table = [header, *rows]
    measured = [
        list(map(len, row)) if "".join(row).isascii() else list(map(cell_width, row))
        for row in table
    ]
    widths = list(map(max, zip(*measured, strict=True)))
    if width is not None:
        fixed = sum(widths) - widths[title] + len(_GAP) * (len(header) - 1)
        widths[title] = max(min(widths[title], width - fixed), 5)
    last = len(header) - 1
    for row, sizes in zip(table, measured, strict=True):
        cells = list(row)
        if sizes[title] > widths[title]:
            cells[title] = truncate(cells[title], widths[title])
            sizes[title] = cell_width(cells[title])
        for column in range(last + 1):
            room = widths[column] - sizes[column]
            if column == numbers:
                cells[column] = " " * room + cells[column]
            elif column < last:
                cells[column] += " " * room
        yield _GAP.join(cells).rstrip() + "\n"


def key_table(rows: Sequence[tuple[str, Sequence[str], str]]) -> Iterator[str]:
    """The lines of ``briefing keys``: each binding's id, keys (comma-separated, as they are
    written in ``settings.json``) and what it does."""
    table = [(ident, ",".join(keys), description) for ident, keys, description in rows]
    return _table(("ID", "KEYS", "DESCRIPTION"), table, None, title=2, numbers=None)
