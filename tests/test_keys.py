"""Keys your way: one table of bindings with ids, `briefing keys`, and `keys` in settings.json."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input

import briefing
from briefing import keys
from briefing.app import BriefingApp, make_app
from briefing.records import Document
from briefing.screens.help import HelpScreen
from briefing.screens.reader import ReaderScreen
from briefing.settings import load_settings
from briefing.widgets.facts import FactsPanel
from briefing.widgets.footer import FooterKey
from briefing.widgets.section import SectionView
from tests.conftest import notifications, run_cli

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


def test_key_names_are_textuals() -> None:
    for code in range(32, 127):
        assert keys.character_key(chr(code)) == _character_to_key(chr(code))
    assert {key.value for key in Keys} >= keys.NAMED_KEYS
    for binding in keys.BINDINGS:
        for key in binding.default_keys:
            assert keys.normalize_key(key) == key, binding


MODIFIERS = st.lists(st.sampled_from(["ctrl", "Shift", "alt", "super"]), max_size=2)
MODIFIED = st.tuples(MODIFIERS, st.text(min_size=1, max_size=3)).map(
    lambda t: "+".join([*t[0], t[1]])
)


@given(st.text(max_size=12) | MODIFIED)
def test_a_normalized_key_stays_itself_and_reads_back(text: str) -> None:
    key = keys.normalize_key(text)
    if key is not None:
        assert keys.normalize_key(key) == key
        assert keys.normalize_key(keys.shown_key(key)) == key


@pytest.mark.parametrize(
    ("written", "key"),
    [("ctrl+f", "ctrl+f"), ("Ctrl+F", "ctrl+f"), ("/", "slash"), ("?", "question_mark"),
     ("shift+n", "N"), ("F5", "f5"), ("shift+ctrl+up", "ctrl+shift+up"), ("<", "less_than_sign"),
     ("ctrl+ff", None), ("", None), ("hyper", None), ("ctrl+ctrl+f", None), ("x+y", None)],
)  # fmt: skip
def test_keys_are_read_as_textual_names_them(written: str, key: str | None) -> None:
    assert keys.normalize_key(written) == key


@pytest.mark.parametrize(
    ("user", "warning"),
    [
        ({"reader.serch": "x"}, "unknown key binding id 'reader.serch' (did you mean "),
        ({"reader.search": "ctrl+ff"}, "reader.search: 'ctrl+ff' is not a key"),
        ({"reader.search": 5}, 'reader.search: the keys must be text such as "ctrl+f", not 5'),
        ({"reader.search": "e"}, "reader.search: 'e' is also the key of reader.expand-all"),
        ({"reader.finish-search": "x"}, "reader.finish-search: 'x' would be typed into"),
        ({"reader.timeline": "q"}, "reader.timeline: 'q' is also the key of app.quit"),
        ({"help.close": "ctrl+p"}, "help.close: 'ctrl+p' is also the key of app.palette"),
    ],
)  # fmt: skip
def test_a_bad_rebinding_is_one_warning_and_the_default_stays(
    user: dict[str, object], warning: str
) -> None:
    force, warnings = keys.keys_in_force(user, "settings.json")
    assert force == DEFAULTS
    assert len(warnings) == 1 and warnings[0].startswith(f"settings.json: keys: {warning}")


def test_rebindings_that_do_not_clash() -> None:
    user = {
        "reader.search": "ctrl+f",
        "reader.expand-all": "c",  # a swap: each takes the other's key
        "reader.collapse-all": "e",
        "section.toggle": "enter,o",  # enter stays shared with the search box's enter
        "facts.next": "space",  # a section's key, but the facts panel and a section never
        # have focus together...
        "timeline.close": "escape,x",  # ...nor the dialogs and the reader
    }
    force, warnings = keys.keys_in_force(user, "settings.json")
    assert warnings == []
    assert force["reader.search"] == ("ctrl+f",) and force["section.toggle"] == ("enter", "o")
    assert force["reader.expand-all"] == ("c",) and force["reader.collapse-all"] == ("e",)


def test_two_rebindings_to_one_key_keep_both_defaults() -> None:
    force, warnings = keys.keys_in_force(
        {"reader.timeline": "x", "reader.sources": "x"}, "settings.json"
    )
    assert force == DEFAULTS
    assert len(warnings) == 2 and all("'x' is also the key of" in w for w in warnings)


# --- the reader --------------------------------------------------------------------------


async def test_a_rebound_key_works_and_the_default_no_longer_does(
    default: Document, tmp_path: Path
) -> None:
    path = settings_with(tmp_path, keys={"reader.search": "ctrl+f"})
    app = make_app(default, settings_path=path)
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash")
        assert not reader(app).searching
        # keys sent in one read, as a fast typist or tmux sends them, land in the box
        for key, character in [("ctrl+f", None), *((c, c) for c in "kursk")]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        search = reader(app).query_one("#search-input", Input)
        assert app.focused is search and search.value == "kursk"
    assert messages == []


async def test_footer_help_and_palette_show_the_keys_in_force(
    default: Document, tmp_path: Path
) -> None:
    user = {"reader.search": "ctrl+f", "reader.expand-all": "z", "app.palette": "f2"}
    app = make_app(default, settings_path=settings_with(tmp_path, keys=user))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {(key.key_display, key.description) for key in app.screen.query(FooterKey)}
        assert {("^f", "Search"), ("z", "Expand"), ("f2", "palette")} <= shown
        assert ("/", "Search") not in shown and ("e", "Expand") not in shown
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = dict((description, key) for key, description in app.screen.rows)
        assert rows["Search"] == "^f" and rows["Expand"] == "z"
        await press(pilot, "escape", "ctrl+p")
        assert isinstance(app.screen, ReaderScreen)
        await press(pilot, "f2")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, *"Search this")
        await pilot.pause(0.3)  # the palette searches in a worker
        await pilot.pause()
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(prompt.startswith("^f  Search this briefing") for prompt in prompts), prompts


async def test_palette_entries_lead_with_their_key(default: Document) -> None:
    from briefing.commands import BriefingCommands

    app = make_app(default)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        texts = [text for text, *_ in BriefingCommands(app.screen, None).commands()]
        assert "2  Open section 2: The missile decision" in texts
        assert "e  Expand all sections" in texts and "/  Search this briefing" in texts
        assert not any("Reader" in text for text in texts)


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ({"keys": {"reader.serch": "ctrl+f"}}, "unknown key binding id 'reader.serch'"),
        ({"keys": {"reader.search": "ctrl+ff"}}, "'ctrl+ff' is not a key"),
        ({"keys": {"reader.search": "e"}}, "'e' is also the key of reader.expand-all"),
        ({"keys": {"reader.search": ["ctrl+f"]}}, "the keys must be text"),
        ({"keys": ["reader.search", "ctrl+f"]}, "keys must be an object"),
    ],
)
async def test_bad_keys_in_settings_are_one_warning_at_start_and_defaults_stay(
    default: Document, tmp_path: Path, content: dict[str, Any], warning: str
) -> None:
    app = make_app(default, settings_path=settings_with(tmp_path, **content))
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(messages) == 1 and warning in messages[0], messages
        assert app.keys == DEFAULTS
        await press(pilot, "e")
        assert all(view.expanded for view in reader(app).sections)
        await press(pilot, "slash")
        assert reader(app).searching


async def test_a_key_a_textual_widget_has_there_is_one_warning_and_the_default_stays(
    default: Document, tmp_path: Path
) -> None:
    # `up` is the facts list's own key (Textual's OptionList): only the app finds that out
    app = make_app(default, settings_path=settings_with(tmp_path, keys={"facts.next": "up"}))
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "tab")
        panel = reader(app).query_one(FactsPanel)
        assert panel.has_focus
        start = panel.highlighted
        await press(pilot, "j")
        await press(pilot, "j")
        await press(pilot, "up")
        assert panel.highlighted is not None and start is not None
        assert panel.highlighted == start + 1
        assert len(messages) == 1 and "facts.next: 'up' is already taken there" in messages[0]
        assert app.keys == DEFAULTS


async def test_a_binding_of_several_keys_rebound_gives_no_warning(
    default: Document, tmp_path: Path
) -> None:
    # Textual reports such a binding as clashing with itself: that is no clash
    user = {"reader.last-section": "ctrl+end", "help.close": "f1"}
    app = make_app(default, settings_path=settings_with(tmp_path, keys=user))
    messages = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "G")
        assert reader(app).sections[0].has_focus
        await press(pilot, "ctrl+end")
        assert reader(app).sections[-1].has_focus
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "f1")
        assert isinstance(app.screen, ReaderScreen)
    assert messages == []
    assert app.keys["help.close"] == ("f1",)


async def test_rebinding_one_of_two_bindings_on_escape_keeps_the_other(
    default: Document, tmp_path: Path
) -> None:
    path = settings_with(tmp_path, keys={"reader.clear-search": "ctrl+g"})
    app = make_app(default, settings_path=path)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "f")
        assert reader(app).show_facts
        await press(pilot, "escape")  # still closes the panel laid over the sections
        assert not reader(app).show_facts
        await press(pilot, "slash", *"kursk", "escape")
        assert reader(app).searching  # escape no longer clears the search...
        await press(pilot, "ctrl+g")
        assert not reader(app).searching  # ...ctrl+g does
        assert isinstance(app.focused, SectionView)


async def test_saving_the_theme_keeps_the_keys(default: Document, tmp_path: Path) -> None:
    user = {"reader.search": "ctrl+f", "reader.serch": "x"}  # kept as written, typo included
    path = settings_with(tmp_path, theme="nord", keys=user)
    app = make_app(default, settings_path=path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "gruvbox"
        await pilot.pause()
    settings, warnings = load_settings(path)
    assert settings.theme == "gruvbox" and settings.keys == user and warnings == []


# --- briefing keys -----------------------------------------------------------------------


def keys_env(tmp_path: Path) -> dict[str, str]:
    return {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def test_briefing_keys_lists_every_binding(tmp_path: Path) -> None:
    result = run_cli("keys", env=keys_env(tmp_path))
    assert result.returncode == 0 and result.stderr == ""
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["ID", "KEYS", "DESCRIPTION"]
    assert [line.split()[0] for line in lines] == [b.id for b in keys.BINDINGS]
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in lines}
    assert rows["reader.search"] == ["/", "Search this briefing"]
    assert rows["reader.first-section"] == ["g,home", "Go to the first section"]
    column = header.index("DESCRIPTION")  # aligned columns
    assert all(line[column - 2 : column] == "  " and line[column] != " " for line in lines)


def test_briefing_keys_shows_the_keys_in_force_and_warns_on_stderr(tmp_path: Path) -> None:
    settings_with(tmp_path, keys={"reader.search": "ctrl+f", "reader.serch": "x"})
    result = run_cli("keys", env=keys_env(tmp_path))
    assert result.returncode == 0
    search = next(line for line in result.stdout.splitlines() if line.startswith("reader.search"))
    assert search.split()[:2] == ["reader.search", "ctrl+f"]
    (warning,) = result.stderr.splitlines()
    assert warning.startswith("briefing: ") and "'reader.serch'" in warning
    assert "settings.json: keys:" in warning


def test_briefing_keys_as_json(tmp_path: Path) -> None:
    settings_with(tmp_path, keys={"reader.first-section": "ctrl+home,g"})
    result = run_cli("keys", "--format", "json", env=keys_env(tmp_path))
    assert result.returncode == 0 and result.stderr == ""
    listed = json.loads(result.stdout)
    assert [entry["id"] for entry in listed] == [b.id for b in keys.BINDINGS]
    by_id = {entry["id"]: entry for entry in listed}
    assert by_id["reader.first-section"]["keys"] == ["ctrl+home", "g"]
    assert by_id["reader.search"] == {
        "id": "reader.search", "keys": ["/"], "description": "Search this briefing"
    }  # fmt: skip
