"""Keys your way: one table of bindings with ids, `briefing keys`, and `keys` in settings.json."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.pilot import Pilot

import briefing
from briefing import keys
from briefing.app import BriefingApp
from briefing.screens.reader import ReaderScreen

SIZE = (100, 40)
NARROW = (80, 24)
DEFAULTS = {binding.id: binding.default_keys for binding in keys.BINDINGS}


def settings_with(tmp_path: Path, **settings: object) -> Path:
    path = tmp_path / "config" / "briefing" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings), encoding="utf-8")
    return path


def reader(app: BriefingApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


# --- the table ---------------------------------------------------------------------------


def textual_classes() -> list[type[DOMNode]]:
    """Every app, screen and widget class of the package that declares bindings."""
    found: list[type[DOMNode]] = []
    for info in pkgutil.walk_packages(briefing.__path__, "briefing."):
        if not info.name.startswith(("briefing.screens.", "briefing.widgets.", "briefing.app")):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, DOMNode) and cls.__module__ == info.name):
                continue
            if "BINDINGS" in cls.__dict__:
                found.append(cls)
    return found


def test_every_binding_has_an_id_from_the_table_and_ids_are_unique() -> None:
    classes = textual_classes()
    assert {cls.__name__ for cls in classes} >= {
        "BriefingApp", "ReaderScreen", "SectionView", "FactsPanel", "HelpScreen",
        "BriefingPicker", "TimelineScreen", "SourcesScreen",
    }  # fmt: skip
    ids: list[str] = []
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding), (cls, binding)
            assert binding.id in keys.BY_ID, (cls, binding)
            row = keys.BY_ID[binding.id]
            assert (binding.key, binding.action, binding.description) == (
                row.keys, row.action, row.label
            )  # fmt: skip
            ids.append(binding.id)
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(keys.BY_ID)  # `briefing keys` lists exactly these
