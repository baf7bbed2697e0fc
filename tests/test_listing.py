"""The aligned tables of ``list`` and ``keys``: each cell measured once, for speed, must give
what measuring every cell as it is padded gives (hypothesis: any text, any width)."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from briefing import listing
from briefing.cells import cell_width, pad, truncate

_TEXT = st.text(
    st.sampled_from(["a", "Z", " ", "é", "北", "\u0301", "😀", "\u200d", "-", "1"]), max_size=12
)


def reference(
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    width: int | None,
    *,
    title: int,
    numbers: int | None,
) -> Iterator[str]:
    """The table as it was drawn before it was made fast: every cell measured as it is used."""
    table = [header, *rows]
    widths = [max(cell_width(row[column]) for row in table) for column in range(len(header))]
    if width is not None:
        fixed = sum(widths) - widths[title] + 2 * (len(header) - 1)
        widths[title] = max(min(widths[title], width - fixed), 5)
    for row in table:
        cells = [truncate(cell, widths[c]) if c == title else cell for c, cell in enumerate(row)]
        cells = [
            " " * (widths[c] - cell_width(cell)) + cell if c == numbers else pad(cell, widths[c])
            for c, cell in enumerate(cells)
        ]
        yield "  ".join(cells).rstrip() + "\n"


@given(
    st.lists(st.tuples(_TEXT, _TEXT, _TEXT, _TEXT, _TEXT), max_size=6),
    st.one_of(st.none(), st.integers(0, 60)),
    st.sampled_from([None, 0, 3, 4]),
)
def test_the_table_is_what_measuring_each_cell_as_used_gives(
    rows: list[tuple[str, ...]], width: int | None, numbers: int | None
) -> None:
    header = ("ID", "DATE", "TITLE", "SECTIONS", "READ")
    fast = list(listing._table(header, rows, width, title=2, numbers=numbers))
    assert fast == list(reference(header, rows, width, title=2, numbers=numbers))
