"""The layers stay apart: the data layer and the CLI's start-up never import Textual or Rich."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

DATA_LAYER = [
    "briefing.collector",
    "briefing.models",
    "briefing.store",
    "briefing.errors",
    "briefing.jsonpos",
    "briefing.files",
    "briefing.records",
    "briefing.library",
    "briefing.index",
    "briefing.settings",
    "briefing.reading",
    "briefing.changes",
    "briefing.remote",
    "briefing.folder",
    "briefing.folder_index",
    "briefing.watch",
    "briefing.layout",
]
PLAIN_OUTPUT = [
    "briefing.listing", "briefing.cells", "briefing.summary", "briefing.search", "briefing.keys",
    "briefing.changelog", "briefing.marks", "briefing.progress", "briefing.webpage",
]  # fmt: skip
TUI_LAYER = {"briefing.app", "briefing.commands", "briefing.serve", "briefing.screens",
             "briefing.widgets"}  # fmt: skip
"""What may import Textual: the app, its palette commands, the server and the screens and
widgets (packages: everything in them)."""

READ_PATH = ["briefing.files", "briefing.records", "briefing.library", "briefing.index",
             "briefing.remote", "briefing.folder", "briefing.folder_index",
             "briefing.watch", "briefing.layout"]  # fmt: skip
"""What reads briefings from the index (and an address's fresh copy): every command's path,
so nothing slow to import."""


def imported_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", DATA_LAYER + PLAIN_OUTPUT)
def test_data_and_plain_output_layers_import_neither_textual_nor_rich(module: str) -> None:
    modules = imported_after(f"import {module}")
    assert module in modules
    assert not {m for m in modules if m.split(".")[0] in ("textual", "rich")}


def test_every_module_outside_the_tui_layer_is_tested_for_its_imports() -> None:
    """A new module is data or plain output (and tested as such) unless it joins the TUI."""
    package = Path(__file__).resolve().parent.parent / "briefing"
    modules = {
        "briefing." + ".".join(path.relative_to(package).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    }
    outside = {m for m in modules if not any(m == t or m.startswith(t + ".") for t in TUI_LAYER)}
    assert outside - {"briefing.cli"} == set(DATA_LAYER + PLAIN_OUTPUT)


@pytest.mark.parametrize("module", READ_PATH)
def test_the_read_path_imports_no_pydantic(module: str) -> None:
    modules = imported_after(f"import {module}")
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")}
    assert "dataclasses" not in modules  # and its import of inspect: 10 ms of start-up


def test_cli_start_up_imports_no_pydantic_textual_or_rich() -> None:
    modules = imported_after("import briefing.cli")
    assert not {m for m in modules if m.split(".")[0] in ("textual", "rich", "pydantic")}


@pytest.mark.parametrize(
    "args",
    [["validate"], ["list"], ["schema"], ["keys"], ["--version"], ["summary", "--full"],
     ["summary", "--format", "markdown"]],
)  # fmt: skip
def test_commands_never_import_textual(args: list[str]) -> None:
    modules = imported_after(
        "import contextlib, io\nfrom briefing.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        code = main({args!r})\n"
        "    except SystemExit as exit:\n        code = exit.code\n"  # --version ends that way
        "assert code in (0, None), code"
    )
    assert "briefing.cli" in modules
    if args[0] == "summary":
        assert "briefing.summary" in modules
    assert not {m for m in modules if m.split(".")[0] in ("textual", "rich")}


def test_loading_a_valid_file_imports_no_error_machinery() -> None:
    modules = imported_after(
        "from briefing.store import load, bundled_data_path\nload(bundled_data_path())"
    )
    assert "briefing.jsonpos" not in modules and "difflib" not in modules


def test_only_the_collector_module_touches_the_garbage_collector() -> None:
    """The policy of when the cyclic collector runs is in briefing.collector alone."""
    package = Path(__file__).resolve().parent.parent / "briefing"
    touching = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom)
                else [node.value] if isinstance(node, ast.Constant) else []
            )  # fmt: skip
            if "gc" in [name.split(".")[0] for name in names if isinstance(name, str)]:
                touching.add(path.relative_to(package).as_posix())
    assert touching == {"collector.py"}


def test_the_reader_starts_without_the_comparison() -> None:
    """What changed is compared only when a briefing read before has changed: the reader's
    start does not import the comparison (nor the output of ``briefing changes``)."""
    modules = imported_after("import briefing.app")
    assert not {"briefing.changes", "briefing.changelog"} & modules
