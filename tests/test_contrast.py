"""Every letter readable: the WCAG contrast of what the reader really draws, in every theme.

The figures come from escape codes, as a terminal gets them: from the real program in tmux
for six themes (dark and light), and from Textual's own output in-process for every built-in
theme. ``python -m tests.contrast`` prints them as a table (``--terminal`` for tmux).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from briefing.app import make_app
from briefing.records import Document
from briefing.search import Field, Hit, LeadKey
from briefing.widgets import readable
from briefing.widgets.highlight import marker
from tests.conftest import BUNDLED
from tests.contrast import (
    AA,
    CITED_STEPS,
    NARROW_SIZE,
    NARROW_STEPS,
    NEWS_STEPS,
    STEPS,
    SURVEY_SIZE,
    TERMINAL_THEMES,
    Cell,
    Findings,
    Step,
    app_palette,
    contrast,
    in_theme,
    is_text,
    lowest,
    news_app,
    parse_screen,
    rendered,
    screen_lines,
    survey,
    terminal_survey,
    write_cited,
)
from tests.test_terminal import Terminal, terminal

__all__ = ["terminal"]  # the fixture, shared with the other terminal tests

in_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
"""For the tests in tmux only: the rest of this file needs no terminal."""
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


# --- the theme's colours, made readable -------------------------------------------------------


@given(colours, colours)
def test_the_app_and_the_measure_agree_on_contrast(
    first: tuple[int, int, int], second: tuple[int, int, int]
) -> None:
    # Two implementations on purpose: the measure reads any version of the program, those
    # without briefing.widgets.readable too (python -m tests.contrast --root OLD-CHECKOUT).
    assert readable.contrast(first, second) == pytest.approx(contrast(first, second))


@given(colours, st.lists(colours, min_size=1, max_size=4))
def test_readable_moves_a_colour_only_as_far_as_it_must(
    rgb: tuple[int, int, int], backgrounds: list[tuple[int, int, int]]
) -> None:
    color, under = Color(*rgb), [Color(*bg) for bg in backgrounds]
    moved = readable.readable(color, under)
    worst = min(contrast(moved.rgb, bg) for bg in backgrounds)
    best_possible = max(min(contrast(end, bg) for bg in backgrounds) for end in (BLACK, WHITE))
    assert worst >= min(readable.TARGET, best_possible) - 0.05
    if min(contrast(rgb, bg) for bg in backgrounds) >= readable.TARGET:
        assert moved == color  # what reads already is left alone


@given(colours, colours, colours)
def test_a_quiet_background_lets_its_text_read(
    shade: tuple[int, int, int], base: tuple[int, int, int], text: tuple[int, int, int]
) -> None:
    # ``text`` reads on the screen's background ``base``: a shade moved toward it reads too.
    text_color = readable.readable(Color(*text), [Color(*base)])
    quiet = readable.quiet_background(Color(*shade), Color(*base), [text_color])
    if contrast(text_color.rgb, base) >= readable.TARGET:
        assert contrast(text_color.rgb, quiet.rgb) >= readable.TARGET - 0.05


def test_muted_colours_are_solid_and_read_on_the_reader_s_backgrounds(default: Document) -> None:
    app = make_app(default)
    for theme in BUILTIN_THEMES.values():
        if theme.ansi:
            continue
        app.theme = theme.name
        variables = app.get_css_variables()
        for name in ("text-muted", "text-disabled", "text-accent", "text-success"):
            color = Color.parse(variables[name])
            assert color.a == 1, (theme.name, name)  # resolved the same on any background
            for background in ("background", "surface", "panel"):
                ratio = contrast(color.rgb, Color.parse(variables[background]).rgb)
                assert ratio >= AA, (theme.name, name, background, ratio)


# --- in-process: every built-in theme, every screen ------------------------------------------


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
async def test_every_letter_reads_in_every_theme(theme: str) -> None:
    """The overview, an open section, the facts panel (focused, with a fact chosen), a search
    with its matches, help, the timeline, the sources, the picker, the command palette and
    notifications, wide; the overview and the facts laid over it, narrow."""
    wide = await survey(theme, SURVEY_SIZE, STEPS)
    narrow = await survey(theme, NARROW_SIZE, NARROW_STEPS)
    problems = wide.failures() + narrow.failures()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
async def test_sources_grades_and_inferred_dates_read_in_every_theme(
    theme: str, tmp_path: Path
) -> None:
    """What format 1.1 adds, in words that read without colour and at AA in every theme:
    each fact's sources and grade under it (on the chosen fact's background and off it), the
    fact's dialog, the date note over the sources, inferred and interval dates, the
    corrections' box above the bottom line."""
    found = await survey(theme, SURVEY_SIZE, CITED_STEPS, write_cited(tmp_path / "cited.json"))
    assert not found.failures(), "\n".join(found.failures())
    shows = {name: "\n".join(lines) for name, lines in found.text.items()}
    assert "per A source · B2" in shows["cited facts"]
    assert "20 November 2024 — An earlier version gave the wrong range." in shows["cited facts"]
    assert "per A source, Kremlin · C3" in shows["cited facts"]
    assert "B2, source usually reliable, information probably true" in shows["cited fact"]
    assert "Inferred from the story's mention" in shows["cited sources"]
    assert "between 6 and 17 November 2024 (inferred)" in shows["cited timeline"]
    assert "November 2024 (inferred)" in shows["cited quote"]


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
async def test_what_changed_since_the_last_visit_reads_in_every_theme(
    theme: str, tmp_path: Path
) -> None:
    """The strip, the old value beside the new, the gutter's marks, a closed section's count,
    the timeline's and the picker's marks: words and shapes, at AA in every theme."""
    found = await survey(theme, SURVEY_SIZE, NEWS_STEPS, app=news_app(tmp_path))
    assert not found.failures(), "\n".join(found.failures())
    shows = {name: "\n".join(lines) for name, lines in found.text.items()}
    assert "Updated since you read it on" in shows["news overview"]
    assert "310 km (was: 300 km)" in shows["news overview"]
    assert "+ A paragraph added since." in shows["news marks"]
    assert "~ First paragraph. Reworded." in shows["news marks"]
    assert "+ new" in shows["news timeline"]
    assert "· new" in shows["news picker"]


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
async def test_where_a_briefing_from_an_address_comes_from_reads_in_every_theme(
    theme: str,
) -> None:
    """The header's line under the title, ``Fetched just now · from URL``, at AA everywhere."""
    import asyncio

    from briefing.remote import Policy, Subscription, copy_of
    from tests.webserver import serving, static

    with serving() as site:
        site.routes["/b.json"] = static(BUNDLED.read_bytes())
        url = site.url("/b.json")
        policy = Policy(max_age=3600)  # fresh: no request while the screens are looked at
        copy = await asyncio.to_thread(copy_of, url, policy)
        subscription = Subscription(url, policy, copy)
        app = make_app(subscription.library(), subscription=subscription)
        found = await survey(theme, SURVEY_SIZE, [Step("from an address")], app=app)
    assert not found.failures(), "\n".join(found.failures())
    assert f"Fetched just now · from {url}" in "\n".join(found.text["from an address"])


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
async def test_the_opening_screen_and_its_progress_read_in_every_theme(theme: str) -> None:
    """What the reader shows while a folder is indexed: its frame, the bar, the files done."""
    import threading

    from briefing.index import open_library
    from briefing.library import Library
    from briefing.screens.opening import OpeningScreen
    from tests.helpers import wait_until

    gate = threading.Event()

    def opening(told: Callable[[int, int], None]) -> Library:
        told(1234, 10_000)
        gate.wait(10)
        return open_library(BUNDLED)

    app = make_app(None, source=BUNDLED, opening=opening)
    try:
        async with app.run_test(size=SURVEY_SIZE) as pilot:
            app.theme = theme
            await wait_until(pilot, lambda: isinstance(app.screen, OpeningScreen))
            await wait_until(pilot, lambda: "Indexing 1,234" in "\n".join(shown_lines(app)))
            await pilot.pause()
            found = Findings(theme)
            found.add("opening", parse_screen(rendered(app), app_palette(app)))
            gate.set()
    finally:
        gate.set()
    assert not found.failures(), "\n".join(found.failures())
    assert "Indexing 1,234 of 10,000 files" in "\n".join(found.text["opening"])


# --- the real program in tmux ------------------------------------------------------------------


@in_tmux
@pytest.mark.parametrize("theme", TERMINAL_THEMES)
def test_every_letter_reads_in_a_real_terminal(
    terminal: Callable[..., Terminal], theme: str
) -> None:
    """The overview, an open section, the facts panel and help, as tmux shows them."""
    term = terminal(width=SURVEY_SIZE[0], height=SURVEY_SIZE[1], env=in_theme(theme))
    findings = terminal_survey(term, theme)
    print(theme, {name: f"{cell.ratio:.2f}" for name, cell in findings.lowest.items() if cell})
    problems = findings.failures()
    assert not problems, "\n".join(problems)


# --- nothing carried by colour alone ------------------------------------------------------------


def shown_lines(app: object) -> list[str]:
    return screen_lines(parse_screen(rendered(app)))


def line_with(lines: list[str], text: str) -> str:
    return next(line for line in lines if text in line)


async def test_focus_shows_in_shapes_not_colours_alone(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=SURVEY_SIZE) as pilot:
        await pilot.pause()
        lines = shown_lines(app)
        assert "▌ ▸ 1. Moscow" in line_with(lines, "▸ 1. Moscow")
        assert "▏ ▸ 2. The missile" in line_with(lines, "▸ 2. The missile")
        assert "╭─ Key facts" in line_with(lines, "Key facts")
        await pilot.press("down")
        await pilot.pause()
        lines = shown_lines(app)
        assert "▏ ▸ 1. Moscow" in line_with(lines, "▸ 1. Moscow")
        assert "▌ ▸ 2. The missile" in line_with(lines, "▸ 2. The missile")
        await pilot.press("tab")
        await pilot.pause()
        assert "┏━ Key facts" in line_with(shown_lines(app), "Key facts")


def test_the_current_match_is_underlined_the_others_not() -> None:
    text = "Kursk, then Kursk again"
    field = Field(LeadKey("bottom_line"), None, text)
    current = Hit(field, 12, 17)
    content = marker("kursk", current)(field.key, text)
    styles = {(span.start, span.end): str(span.style) for span in content.spans}
    assert "underline" in styles[(12, 17)]
    assert "underline" not in styles[(0, 5)] and "bold" in styles[(0, 5)]
