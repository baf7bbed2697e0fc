"""``briefing list``: one aligned row per briefing. Plain output: no Textual, no Rich."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefing.cells import cell_width, pad, truncate
from briefing.library import Entry

_HEADER = ("ID", "DATE", "TITLE", "SECTIONS")
_GAP = "  "


def briefing_table(entries: Sequence[Entry], width: int | None = None) -> Iterator[str]:
    """The lines of ``briefing list``; titles are cut to fit ``width`` columns when one is given."""
    rows = [(e.id, e.published.isoformat(), e.title, str(e.sections)) for e in entries]
    id_width = max(cell_width(row[0]) for row in [_HEADER, *rows])
    count_width = max(len(row[3]) for row in [_HEADER, *rows])
    title_width = max(cell_width(row[2]) for row in [_HEADER, *rows])
    if width is not None:
        fixed = id_width + 10 + count_width + 3 * len(_GAP)
        title_width = max(min(title_width, width - fixed), 5)
    for ident, published, title, sections in [_HEADER, *rows]:
        cells = [pad(ident, id_width), pad(published, 10), pad(truncate(title, title_width),
                 title_width), sections.rjust(count_width)]  # fmt: skip
        yield _GAP.join(cells).rstrip() + "\n"
