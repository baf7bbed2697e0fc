"""A section's laid-out lines, kept between draws, are never stale: each change to what it
shows drops them, through one method (SectionView._forget)."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable

from briefing.app import make_app
from briefing.records import Document
from briefing.widgets import section
from briefing.widgets.highlight import marker, plain
from briefing.widgets.section import SectionView


def laid_out(view: SectionView) -> list[str]:
    """The section's lines as it would draw them now, styles included."""
    return [line.markup for line in view._layout(view.content_size.width)]


def afresh(view: SectionView) -> list[str]:
    """The lines laid out again from nothing."""
    view._forget(body=True)
    return laid_out(view)


async def test_every_change_to_what_a_section_shows_gives_fresh_lines(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        view, other = list(app.screen.query(SectionView))[:2]
        word = view.section.paragraphs[0].split()[0]  # in the body, which is open

        def reopen() -> None:
            view.show(other.number, other.section, other.quotes, expanded=True)

        changes: list[tuple[str, Callable[[], object], bool]] = [
            ("focus", view.focus, False),  # (what, how, whether it must show differently)
            ("open", lambda: setattr(view, "expanded", True), True),
            ("highlights", lambda: view.mark(marker(word, None)), True),
            ("no highlights", lambda: view.mark(plain), True),
            ("width", lambda: pilot.resize_terminal(70, 40), True),
            ("theme", lambda: setattr(app, "theme", "textual-light"), True),
            ("another section", reopen, True),
            ("closed", lambda: setattr(view, "expanded", False), True),
            ("blur", other.focus, True),
        ]
        before = laid_out(view)
        for what, how, shows_else in changes:
            done = how()
            if inspect.isawaitable(done):
                await done
            await pilot.pause()  # drawn: the lines are kept
            kept = laid_out(view)
            assert kept == afresh(view), f"stale lines after: {what}"
            assert kept != before or not shows_else, f"nothing changed: {what}"
            before = kept


def test_only_one_method_drops_a_section_s_lines() -> None:
    """The caches are set in the method that fills each, and dropped in _forget alone."""
    fills = {"_lines": "_layout", "_wrapped": "_body_lines"}
    tree = ast.parse(inspect.getsource(section))
    view = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SectionView")
    found = set()
    for method in view.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        for node in ast.walk(method):
            targets = (
                node.targets if isinstance(node, ast.Assign)
                else [node.target] if isinstance(node, ast.AugAssign)
                else [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None
                else []  # a declaration alone (self._lines: ...) sets nothing
            )  # fmt: skip
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                    and target.attr in (*fills, "_head_lines")
                ):
                    value = getattr(node, "value", None)
                    dropped = isinstance(value, ast.Constant) and value.value is None
                    found.add((target.attr, method.name, dropped))
    assert found == {
        ("_lines", "_forget", True),
        ("_wrapped", "_forget", True),
        ("_lines", "_layout", False),
        ("_wrapped", "_body_lines", False),
    }
