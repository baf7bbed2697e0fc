"""The footer: whole keys only, help and quit kept longest, rebuilt only when its keys change."""

from __future__ import annotations

import ast
import inspect
import shutil
from collections.abc import Callable

import pytest
import textual
from textual.widgets import Footer, _footer

from briefing.app import make_app
from briefing.records import Document
from briefing.widgets.footer import FooterKey, QuietFooter
from tests.contrast import in_theme
from tests.test_terminal import Terminal, terminal

__all__ = ["terminal"]  # the fixture, shared with the other terminal tests

FOOTER_ITEMS = [
    "⏎ Open/close",
    "e Expand",
    "c Collapse",
    "f Facts",
    "/ Search",
    "t Timeline",
    "? Help",
    "q Quit",
]
"""Every key the reader's footer may show on the overview, in their order."""


def footer_items(line: str) -> list[str]:
    """The keys a footer line shows, each whole: anything else (a cut label, a stray
    character) fails the test."""
    keys, separator, palette = line.rstrip().partition("▏")
    assert separator and palette == "^p palette", f"the palette key is not whole: {line!r}"
    shown: list[str] = []
    rest = keys.strip()
    for item in FOOTER_ITEMS:
        if rest.startswith(item):
            shown.append(item)
            rest = rest[len(item) :].lstrip()
    assert not rest, f"part of a key in the footer: {rest!r} in {line!r}"
    return shown


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("size", [(40, 12), (60, 20), (80, 24)], ids=["40x12", "60x20", "80x24"])
def test_the_footer_shows_whole_keys_help_and_quit_first(
    terminal: Callable[..., Terminal], size: tuple[int, int]
) -> None:
    width, height = size
    term = terminal(width=width, height=height, env=in_theme("textual-dark"))
    line = term.wait_for_text("^p palette").splitlines()[height - 1]
    print(f"{width}x{height}: {line!r}")
    assert len(line.rstrip()) == width, f"the palette key leaves the last column: {line!r}"
    shown = footer_items(line)
    assert {"? Help", "q Quit"} <= set(shown), line
    assert shown == [item for item in FOOTER_ITEMS if item in shown]  # in their order


def shown_keys(app: object) -> list[FooterKey]:
    footer = app.screen.query_one(QuietFooter)  # type: ignore[attr-defined]
    return [key for key in footer.query(FooterKey) if key.display]


async def test_keys_that_do_not_fit_are_dropped_whole_the_app_s_last(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        every = list(app.screen.query(FooterKey))
        assert len(shown_keys(app)) == len(every)  # room for all of them
        for width in (80, 60, 40, 30, 120):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            shown = shown_keys(app)
            descriptions = [key.description for key in shown]
            assert {"Help", "Quit"} <= set(descriptions), (width, descriptions)
            palette = next(key for key in shown if key.has_class("-command-palette"))
            for key in shown:
                if key is not palette:  # nothing under the palette key or past the edge
                    assert key.region.right <= palette.region.x, (width, key.description)
            assert palette.region.right == width
            assert list(app.screen.query(FooterKey)) == every  # shown or hidden, not rebuilt
        assert len(shown_keys(app)) == len(every)


async def test_the_palette_key_goes_before_help_and_quit(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(24, 12)) as pilot:
        await pilot.pause()
        assert [key.description for key in shown_keys(app)] == ["Help", "Quit"]


def test_what_the_footer_takes_from_textual_is_still_there() -> None:
    """QuietFooter uses Textual's Footer through its public methods, but FooterKey, which
    Textual does not export, and the way Footer rebuilds: a Textual upgrade that changes them
    fails here, by name, rather than as a footer that shows stale keys or none."""
    assert int(textual.__version__.split(".")[0]) < 9  # as pyproject pins it
    assert FooterKey is _footer.FooterKey
    assert {"key", "key_display", "description", "action"} <= set(
        inspect.signature(FooterKey.__init__).parameters
    )
    # The screen's signal calls bindings_changed (QuietFooter's, which skips or defers to
    # Footer's), and Footer's rebuilds by recompose (QuietFooter's, which fits the keys).
    assert "self.bindings_changed" in inspect.getsource(Footer.on_mount)
    assert "self.recompose" in inspect.getsource(Footer.bindings_changed)
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"]


def test_the_footer_sets_no_private_attribute_of_textual_s() -> None:
    from briefing.widgets import footer

    tree = ast.parse(inspect.getsource(footer))
    own = {"_shown", "_rank"}
    private = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    }
    assert private <= own, private - own


async def test_keys_changed_while_the_terminal_was_unfocused_show_when_it_is_back(
    default: Document,
) -> None:
    from textual import events

    from tests.helpers import reader, wait_until

    def next_match_offered() -> bool:
        keys = [key for key in shown_keys(app) if key.action == "next_match"]
        return bool(keys) and not keys[0].has_class("-disabled")

    app = make_app(default)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        assert not next_match_offered()
        app.post_message(events.AppBlur())
        await wait_until(pilot, lambda: not app.app_focus, "the terminal unfocused")
        await reader(app)._enter_search("kursk", focus=False)  # as a reload does: no key
        reader(app).refresh_bindings()
        await pilot.pause()
        assert not next_match_offered()  # Textual draws no footer for an unfocused terminal
        app.post_message(events.AppFocus())
        await wait_until(pilot, next_match_offered, "n offered again")
