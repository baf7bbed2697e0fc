"""Where style lives: each widget and screen of the app carries its own rules in its
DEFAULT_CSS; ``app.tcss`` holds only the reader's layout classes and the app's corrections to
Textual's own widgets. A rule for one of the app's widgets or screens creeping back into
``app.tcss`` fails here, naming it."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from textual.css.model import CombinatorType, Selector, SelectorType
from textual.css.parse import parse_selectors
from textual.dom import DOMNode

import briefing
import briefing.screens
import briefing.widgets

PACKAGE = Path(briefing.__file__).parent
APP_CSS = PACKAGE / "app.tcss"
READER = PACKAGE / "screens" / "reader.py"

LAYOUT_CLASSES = {"-short", "-tiny", "-stale", "-subscribed", "-narrow", "-hide-facts"}
"""The classes the reader sets on itself for the terminal's size, the file's state and where it
comes from: the rules keyed on them are the app's layout, and stay in app.tcss."""

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{[^{}]*\}")
_ID = re.compile(r"""\bid=["']([\w-]+)["']""")


def modules() -> Iterator[ModuleType]:
    for package in (briefing.widgets, briefing.screens):
        for info in pkgutil.iter_modules(package.__path__):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def app_node_classes() -> list[type[DOMNode]]:
    """The widgets and screens the app defines."""
    return [
        value
        for module in modules()
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, DOMNode)
        and value.__module__ == module.__name__
    ]


def selectors(css: str) -> list[list[Selector]]:
    """Every selector of a flat stylesheet (no nesting), each as its list of parts."""
    css = _COMMENT.sub("", css)
    heads = _RULE.findall(css)
    assert not _RULE.sub("", css).strip(), "app.tcss: a nested or unclosed rule"
    return [list(chain.selectors) for head in heads for chain in parse_selectors(head)]


def app_names() -> set[str]:
    """The type names and ids of the app's own widgets and screens (ids as ``#id``)."""
    names = {cls.__name__ for cls in app_node_classes()}
    for path in PACKAGE.rglob("*.py"):
        names |= {f"#{name}" for name in _ID.findall(path.read_text(encoding="utf-8"))}
    for cls in app_node_classes():
        css = cls.__dict__.get("DEFAULT_CSS", "")
        names |= {f"#{name}" for name in re.findall(r"#([\w-]+)", _COMMENT.sub("", css))}
    return names


def named(part: Selector) -> str:
    prefix = {SelectorType.ID: "#", SelectorType.CLASS: "."}.get(part.type, "")
    return f"{prefix}{part.name}"


def is_layout(chain: list[Selector]) -> bool:
    """``ReaderScreen.-short ...``: a rule of the reader's layout for a size or state."""
    head = [chain[0]]
    for part in chain[1:]:
        if part.combinator != CombinatorType.SAME:
            break
        head.append(part)
    classes = {p.name for p in head if p.type == SelectorType.CLASS}
    return head[0].name == "ReaderScreen" and bool(classes) and classes <= LAYOUT_CLASSES


def test_app_css_holds_only_the_layout_and_corrections_to_textual() -> None:
    own = app_names()
    assert {"SectionView", "FactsPanel", "HelpScreen", "#main", "#help"} <= own
    misplaced = [
        " ".join(named(p) for p in chain)
        for chain in selectors(APP_CSS.read_text(encoding="utf-8"))
        if not is_layout(chain) and any(named(p) in own for p in chain)
    ]
    assert not misplaced, (
        f"app.tcss styles the app's own widgets or screens outside the reader's layout "
        f"classes {sorted(LAYOUT_CLASSES)}: move these rules into the DEFAULT_CSS of the "
        f"widget or screen they style: {misplaced}"
    )


def test_the_layout_classes_are_the_reader_s_own() -> None:
    source = READER.read_text(encoding="utf-8")
    for name in LAYOUT_CLASSES:
        assert f'"{name}"' in source, f"ReaderScreen never sets {name}"


def test_the_app_s_widgets_and_screens_carry_their_style() -> None:
    """The widgets the reader is made of have rules of their own, beside them."""
    styled = {cls.__name__ for cls in app_node_classes() if cls.__dict__.get("DEFAULT_CSS")}
    expected = {"ReaderScreen", "SectionView", "FactsPanel", "QuietFooter", "HelpScreen"}
    assert expected | {"BriefingPicker", "TimelineScreen", "SourcesScreen"} <= styled
