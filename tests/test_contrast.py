"""The measure of readability: WCAG contrast, and the colours of each cell from escape codes.

``python -m tests.contrast`` prints the lowest contrast on each screen, for every built-in
theme (``--terminal``: the real program in tmux, for six of them).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contrast import (
    AA,
    Cell,
    contrast,
    is_text,
    lowest,
    parse_screen,
)

# --- the measure itself ---------------------------------------------------------------------


def test_known_contrast_ratios() -> None:
    white, black = (255, 255, 255), (0, 0, 0)
    assert contrast(black, white) == pytest.approx(21)
    assert contrast((0x77, 0x77, 0x77), white) == pytest.approx(4.48, abs=0.005)
    assert contrast((0x76, 0x76, 0x76), white) >= AA > contrast((0x77, 0x77, 0x77), white)
    assert contrast((0x12, 0x34, 0x56), (0x12, 0x34, 0x56)) == 1


colours = st.tuples(*[st.integers(0, 255)] * 3)
BLACK, WHITE = (0, 0, 0), (255, 255, 255)


@given(colours, colours)
def test_contrast_is_symmetric_and_between_1_and_21(
    first: tuple[int, int, int], second: tuple[int, int, int]
) -> None:
    ratio = contrast(first, second)
    assert ratio == pytest.approx(contrast(second, first))
    assert 1 <= ratio <= 21 + 1e-9


def cells(text: str) -> list[tuple[str, str, str]]:
    def hex_of(rgb: tuple[int, int, int]) -> str:
        return "#{:02x}{:02x}{:02x}".format(*rgb)

    return [(c.char, hex_of(c.foreground), hex_of(c.background)) for c in parse_screen(text)]


def test_sgr_truecolor_and_reset() -> None:
    text = "\x1b[1;38;2;1;2;3;48;2;250;251;252mab\x1b[0mc"
    assert cells(text) == [
        ("a", "#010203", "#fafbfc"),
        ("b", "#010203", "#fafbfc"),
        ("c", "#000000", "#ffffff"),  # the terminal's defaults
    ]


def test_sgr_palettes_and_defaults() -> None:
    text = "\x1b[38;5;196m1\x1b[38;5;244m2\x1b[31;42m3\x1b[91;102m4\x1b[39;49m5\x1b[38;5;21m6"
    assert cells(text) == [
        ("1", "#ff0000", "#ffffff"),  # the 6x6x6 cube
        ("2", "#808080", "#ffffff"),  # the grey ramp
        ("3", "#cd0000", "#00cd00"),  # the 16 colours, normal
        ("4", "#ff0000", "#00ff00"),  # and bright
        ("5", "#000000", "#ffffff"),
        ("6", "#0000ff", "#ffffff"),
    ]


def test_sgr_reverse_dim_and_their_ends() -> None:
    text = "\x1b[38;2;0;0;0;48;2;255;255;255;7mr\x1b[27mn\x1b[2md\x1b[22mn"
    assert cells(text) == [
        ("r", "#ffffff", "#000000"),  # reversed
        ("n", "#000000", "#ffffff"),
        ("d", "#808080", "#ffffff"),  # dim: half-way to the background
        ("n", "#000000", "#ffffff"),
    ]


def test_styles_carry_over_lines_and_columns_count_wide_characters() -> None:
    parsed = parse_screen("\x1b[38;2;9;9;9mab\n北c\x1b]8;;https://x.example\x1b\\d")
    assert [(c.row, c.column, c.char) for c in parsed] == [
        (0, 0, "a"),
        (0, 1, "b"),
        (1, 0, "北"),
        (1, 2, "c"),
        (1, 3, "d"),  # a hyperlink is no character
    ]
    assert all(c.foreground == (9, 9, 9) for c in parsed)


def test_a_capture_with_other_escapes_is_refused() -> None:
    with pytest.raises(ValueError, match="unexpected escape"):
        parse_screen("\x1b[2Jx")


def test_what_counts_as_text() -> None:
    assert all(is_text(char) for char in "aZ09.,'?/^⏎▸▾•—“")
    assert not any(is_text(char) for char in " ─│╭╮┏━▏▌▐█▁▂")


def test_lowest_finds_the_least_readable_letter_and_skips_decoration() -> None:
    dark, light = (0, 0, 0), (250, 250, 250)
    found = lowest(
        [
            Cell(0, 0, "a", dark, light),
            Cell(0, 1, "b", (120, 120, 120), light),
            Cell(0, 2, "─", light, light),
            Cell(0, 3, " ", light, light),
        ]
    )
    assert found is not None and found.char == "b"
    assert "4.2" in found.describe() and "'b' #787878 on #fafafa" in found.describe()
