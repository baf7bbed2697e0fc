"""Every key binding of the reader, in one table, and the user's own keys checked against it.

The screens build their Textual bindings from :data:`BINDINGS` (see
:mod:`briefing.widgets.bindings`) and ``briefing keys`` lists it, so the two cannot drift. A
binding's id is ``SCOPE.NAME``, the scope being where it works: ``app`` everywhere, ``reader``
on the reader, ``section`` on a focused section, ``facts`` in the key-facts panel, ``help``,
``picker``, ``timeline`` and ``sources`` in those dialogs, ``fact`` in the dialog of a key
fact (``enter`` on one in the panel).

The ``keys`` object of ``settings.json`` rebinds by id (``{"reader.search": "ctrl+f"}``);
:func:`keys_in_force` checks it: an unknown id, a key that is no key, a key that clashes with
another binding active at the same time, or a key a text box would take while it works there,
is one warning and the default stays. Key names are Textual's (``ctrl+f``, ``f5``,
``pagedown``, ``slash`` or ``/``), checked here without importing Textual.

No Textual here: ``briefing keys`` runs without it.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from typing import NamedTuple


class KeyBinding(NamedTuple):
    """One binding: its id, default keys (Textual names, comma-separated) and action."""

    id: str
    keys: str
    action: str
    label: str
    """Short, for the footer and the help screen ("" keeps it out of the help)."""
    description: str
    """What it does, for ``briefing keys``, the palette and the footer's tooltip."""
    show: bool = False
    """Whether the footer shows it."""
    priority: bool = False
    """Whether it runs before the focused widget sees the key (see the reader's bindings)."""
    typing: bool = False
    """Whether it works while a text box (the search box, the picker's filter) has focus."""
    palette: bool = False
    """Whether the command palette offers it."""

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def default_keys(self) -> tuple[str, ...]:
        return tuple(self.keys.split(","))


def _digits() -> Iterator[KeyBinding]:
    for digit in range(1, 10):
        opens = f"Open section {digit}"
        yield KeyBinding(f"reader.digit-{digit}", str(digit), f"digit({digit})", opens, opens)
    second = "The second digit of a two-digit section number (10, 20…)"
    yield KeyBinding("reader.digit-0", "0", "digit(0)", "", second)


# The keys that move focus into or out of a text box have priority: they run as soon as the app
# reads them, before it forwards the next key, so the keys typed straight after them (fast
# typing, a paste, one terminal read) reach the new focus instead of being checked against the
# old one and dropped. The search's keys come first: while a search is on they lead the footer.
BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("app.help", "question_mark", "help", "Help", "Show every key that works here",
               show=True),
    KeyBinding("app.quit", "q", "quit", "Quit", "Quit, remembering where you were", show=True),
    KeyBinding("app.quit-now", "ctrl+c,ctrl+q", "quit_now", "Quit",
               "Quit from anywhere, a text box included", priority=True, typing=True),
    KeyBinding("app.reload", "r", "reload", "Reload the file",
               "Read the data file again (from a web address: ask its server now)"),
    KeyBinding("app.suspend", "ctrl+z", "suspend_process", "Suspend to the shell",
               "Suspend to the shell, the terminal as it was; fg brings the reader back",
               priority=True, typing=True),
    KeyBinding("app.palette", "ctrl+p", "command_palette", "palette",
               "Open the command palette", priority=True, typing=True),
    KeyBinding("reader.finish-search", "enter", "finish_search", "Go to matches",
               "Leave the search box for its matches", show=True, priority=True, typing=True),
    KeyBinding("reader.next-match", "n", "next_match", "Next match", "Go to the next match",
               show=True),
    KeyBinding("reader.previous-match", "N", "previous_match", "Previous match",
               "Go to the previous match", show=True),
    KeyBinding("reader.clear-search", "escape", "clear_search", "Clear search",
               "Close the search and its highlights", show=True, priority=True, typing=True),
    KeyBinding("reader.close-facts", "escape", "close_facts", "Close the facts",
               "Close the facts panel laid over the sections (narrow screens)", priority=True),
    # Shown only when the briefing changed since it was read: then before the rest.
    KeyBinding("reader.next-change", "u", "next_change", "Next change",
               "Go to the next change since you last read this briefing", show=True,
               palette=True),
    KeyBinding("reader.previous-change", "U", "previous_change", "Previous change",
               "Go to the previous change since you last read this briefing", palette=True),
    KeyBinding("reader.dismiss-news", "x", "dismiss_news", "Dismiss the note",
               "Dismiss the note of what changed since you last read this briefing"),
    KeyBinding("reader.expand-all", "e", "expand_all", "Expand", "Expand all sections",
               show=True, palette=True),
    KeyBinding("reader.collapse-all", "c", "collapse_all", "Collapse", "Collapse all sections",
               show=True, palette=True),
    KeyBinding("reader.toggle-facts", "f", "toggle_facts", "Facts",
               "Show or hide the key facts", show=True, palette=True),
    KeyBinding("reader.pick-briefing", "b", "pick_briefing", "Briefings",
               "Choose a briefing from a filterable list", priority=True, palette=True),
    KeyBinding("reader.search", "slash", "start_search", "Search", "Search this briefing",
               show=True, priority=True, palette=True),
    KeyBinding("reader.timeline", "t", "timeline", "Timeline", "Show the timeline", show=True,
               palette=True),
    KeyBinding("reader.sources", "s", "sources", "Sources", "Show the sources", palette=True),
    KeyBinding("reader.copy-summary", "y", "copy_summary", "Copy summary",
               "Copy the summary to the clipboard", palette=True),
    KeyBinding("reader.previous-briefing", "left_square_bracket", "step_briefing(-1)",
               "Previous briefing", "Go to the previous briefing in the file"),
    KeyBinding("reader.next-briefing", "right_square_bracket", "step_briefing(1)",
               "Next briefing", "Go to the next briefing in the file"),
    KeyBinding("reader.switch-pane", "tab,shift+tab", "switch_pane", "Sections ⇄ facts",
               "Move between the sections and the key facts", typing=True),
    KeyBinding("reader.first-section", "g,home", "first_section", "First section",
               "Go to the first section"),
    KeyBinding("reader.last-section", "G,end", "last_section", "Last section",
               "Go to the last section"),
    KeyBinding("reader.page-down", "pagedown", "scroll_pages(1)", "Page down",
               "Scroll down a page", typing=True),
    KeyBinding("reader.page-up", "pageup", "scroll_pages(-1)", "Page up", "Scroll up a page",
               typing=True),
    KeyBinding("reader.half-page-down", "ctrl+d", "scroll_pages(0.5)", "Half a page down",
               "Scroll down half a page", typing=True),
    KeyBinding("reader.half-page-up", "ctrl+u", "scroll_pages(-0.5)", "Half a page up",
               "Scroll up half a page", typing=True),
    *_digits(),
    KeyBinding("section.toggle", "enter,space", "toggle_open", "Open/close",
               "Open or close this section", show=True),
    KeyBinding("section.next", "down,j", "step(1)", "Next section", "Go to the next section"),
    KeyBinding("section.previous", "up,k", "step(-1)", "Previous section",
               "Go to the previous section"),
    KeyBinding("facts.next", "j", "cursor_down", "Next fact", "Go to the next fact"),
    KeyBinding("facts.previous", "k", "cursor_up", "Previous fact", "Go to the previous fact"),
    KeyBinding("help.close", "escape,q,question_mark", "close", "Close help", "Close the help",
               show=True),
    KeyBinding("picker.close", "escape", "dismiss_picker", "Close", "Close the briefing list",
               show=True, typing=True),
    KeyBinding("picker.next", "down", "move(1)", "Next", "Highlight the next briefing",
               typing=True),
    KeyBinding("picker.previous", "up", "move(-1)", "Previous",
               "Highlight the previous briefing", typing=True),
    KeyBinding("picker.page-down", "pagedown", "page(1)", "", "Down a page of briefings",
               typing=True),
    KeyBinding("picker.page-up", "pageup", "page(-1)", "", "Up a page of briefings",
               typing=True),
    KeyBinding("timeline.close", "escape,t,q", "close", "Close", "Close the timeline", show=True),
    KeyBinding("sources.open", "o", "open_source", "Open in browser",
               "Open the highlighted source in the browser", show=True),
    KeyBinding("sources.copy", "c", "copy_address", "Copy the address",
               "Copy the highlighted source's address", show=True),
    KeyBinding("sources.close", "escape,s,q", "close", "Close", "Close the sources", show=True),
    KeyBinding("fact.open", "o", "open_source", "Open in browser",
               "Open the highlighted source of the fact in the browser", show=True),
    KeyBinding("fact.copy", "c", "copy_address", "Copy the address",
               "Copy the highlighted source's address", show=True),
    KeyBinding("fact.section", "g", "go_to_section", "Go to the section",
               "Close the fact and open its section", show=True),
    KeyBinding("fact.close", "escape,q", "close", "Close", "Close the fact", show=True),
)  # fmt: skip

BY_ID: dict[str, KeyBinding] = {binding.id: binding for binding in BINDINGS}


def scope(name: str) -> list[KeyBinding]:
    """The bindings of one scope, in the table's order."""
    return [binding for binding in BINDINGS if binding.scope == name]


CHAINS: tuple[frozenset[str], ...] = (
    frozenset({"app", "reader", "section"}),
    frozenset({"app", "reader", "facts"}),
    frozenset({"help"}),
    frozenset({"picker"}),
    frozenset({"timeline"}),
    frozenset({"sources"}),
    frozenset({"fact"}),
)
"""The scopes whose keys work at the same time: the reader's with a section's or the facts
panel's (never both: one of them has focus), and each dialog alone, with the app's priority
keys, which work everywhere."""

Keymap = dict[str, tuple[str, ...]]
"""Binding id to its keys (Textual names)."""


# --- key names --------------------------------------------------------------------------------

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
"""In the order Textual names them: ``ctrl+shift+up``."""

NAMED_KEYS = frozenset(
    ["escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
     "pageup", "pagedown", "up", "down", "left", "right", *(f"f{n}" for n in range(1, 25))]
)  # fmt: skip
"""The keys that are not characters, as Textual names them."""

_SHORT_NAMES = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}  # fmt: skip
"""Textual's shorter names for some characters (its ``KEY_NAME_REPLACEMENTS``)."""

_KEPT_AS_NAMES = {"space", "plus", "comma"}
"""Characters shown by name: a space is invisible, ``+`` and ``,`` separate keys."""


def character_key(character: str) -> str:
    """Textual's name for the key that types ``character``: ``a``, ``A``, ``7``, ``slash``."""
    if character.isalnum():
        return character
    if character == "\t":
        return "tab"
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return _SHORT_NAMES.get(name, name)


_CHARACTERS = {character_key(chr(code)): chr(code) for code in range(32, 127)}
"""Textual's name for each printable ASCII character, to that character."""


def _character_of(name: str) -> str | None:
    """The character a key name types (``slash``: ``/``, ``space``: a space), if it names
    one."""
    if name in NAMED_KEYS or name in _CHARACTERS:
        return _CHARACTERS.get(name)
    try:
        character = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return _all_characters().get(name)  # a name with hyphens in Unicode's (plus-minus)
    return character if character_key(character) == name and character.isprintable() else None


@cache
def _all_characters() -> dict[str, str]:
    """Textual's name for every printable character (a quarter of a second: only for a name
    that is neither ASCII's nor found as written)."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        if character.isprintable() and not character.isalnum():
            found.setdefault(character_key(character), character)
    return found


def normalize_key(text: str) -> str | None:
    """The Textual name of the key ``text`` names (``Ctrl+F``: ``ctrl+f``, ``?``:
    ``question_mark``, ``shift+n``: ``N``), or ``None`` when it names none."""
    *modifiers, base = text.strip().split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    base = base.strip()
    if (
        not base
        or any(m not in MODIFIERS for m in modifiers)
        or len(set(modifiers)) < len(modifiers)
    ):
        return None
    if len(base) == 1:
        if not base.isprintable():
            return None
        if modifiers and base.isascii() and base.isalpha():
            base = base.lower()  # ctrl+F is ctrl+f: the terminal sends the same
        if modifiers == ["shift"] and base.isascii() and base.isalpha():
            return base.upper()  # shift+n arrives as N
        name = character_key(base)
    else:
        name = base.lower()
        if name not in NAMED_KEYS and _character_of(name) is None:
            return None
    return "+".join([*sorted(modifiers), name])


def shown_key(key: str) -> str:
    """A Textual key name as a person writes it in ``settings.json``: ``slash`` as ``/``."""
    *modifiers, base = key.split("+")
    character = _character_of(base) if base not in _KEPT_AS_NAMES else None
    return "+".join([*modifiers, character or base])


def _typed(key: str) -> bool:
    """Whether a text box takes this key as text (no ctrl, alt and the like; a character)."""
    *modifiers, base = key.split("+")
    return set(modifiers) <= {"shift"} and (len(base) == 1 or _character_of(base) is not None)


# --- the user's keys ----------------------------------------------------------------------


def keys_in_force(user: Mapping[str, object], where: str) -> tuple[Keymap, list[str]]:
    """The keys of every binding with the user's rebindings applied, and one warning for each
    rebinding that was not (``where`` names the settings file in the warnings).

    A rebinding is refused when its id is unknown, its value is not text, a key in it is no
    key, a text box would take the key while the binding works there, or the key is already
    another binding's where both work, unless both had that key by default (``escape``
    clears the search or closes the facts panel: the reader tells which from the state).
    """
    warnings: list[str] = []
    wanted: Keymap = {}
    for binding_id, value in user.items():
        problem, keys = _rebinding(binding_id, value)
        if problem:
            warnings.append(f"{where}: keys: {problem}")
        else:
            wanted[binding_id] = keys
    while clash := _first_clash(wanted):
        rebound, other, key = clash
        for one, two in ((rebound, other), (other, rebound)):
            if one in wanted:
                del wanted[one]
                kept = ",".join(map(shown_key, BY_ID[one].default_keys))
                warnings.append(
                    f"{where}: keys: {one}: {shown_key(key)!r} is also the key of {two} "
                    f"({BY_ID[two].description.lower()}); keeping {kept!r}"
                )
    return {b.id: wanted.get(b.id, b.default_keys) for b in BINDINGS}, warnings


def _rebinding(binding_id: str, value: object) -> tuple[str | None, tuple[str, ...]]:
    """What is wrong with one entry of ``keys`` (``None`` when nothing is), and its keys."""
    binding = BY_ID.get(binding_id)
    if binding is None:
        import difflib

        close = difflib.get_close_matches(binding_id, BY_ID, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (briefing keys lists them)"
        return f"unknown key binding id {binding_id!r}{hint}", ()
    if not isinstance(value, str):
        return f'{binding_id}: the keys must be text such as "ctrl+f", not {value!r}', ()
    keys: list[str] = []
    for part in value.split(","):
        key = normalize_key(part)
        if key is None:
            return (
                f"{binding_id}: {part.strip()!r} is not a key "
                "(keys look like f, F, ctrl+f, alt+x, slash or /, f5, pagedown, escape)",
                (),
            )
        if binding.typing and _typed(key):
            return (
                f"{binding_id}: {shown_key(key)!r} would be typed into the text box where this "
                "key works; choose one with ctrl or alt, or a named key such as f3",
                (),
            )
        if key not in keys:
            keys.append(key)
    return None, tuple(keys)


def _first_clash(wanted: Keymap) -> tuple[str, str, str] | None:
    """The first rebound binding whose key another binding active with it already has (and
    did not have by default too): (rebound id, other id, key)."""
    for rebound, keys in wanted.items():
        binding = BY_ID[rebound]
        for other in BINDINGS:
            if other.id == rebound or not _together(binding, other):
                continue
            other_keys = wanted.get(other.id, other.default_keys)
            for key in keys:
                both_by_default = key in binding.default_keys and key in other.default_keys
                if key in other_keys and not both_by_default:
                    return rebound, other.id, key
    return None


def _together(one: KeyBinding, two: KeyBinding) -> bool:
    """Whether two bindings can be active at the same time."""
    if (one.scope == "app" and one.priority) or (two.scope == "app" and two.priority):
        return True
    return any(one.scope in chain and two.scope in chain for chain in CHAINS)


def textual_keymap(force: Keymap) -> dict[str, str]:
    """What to give ``App.set_keymap`` for these keys in force: each rebound binding, and each
    binding that shares a default key with a rebound one in its scope.

    Textual, rebinding an id, drops every binding of that id's old keys in the same widget,
    other ids' included: rebinding ``reader.clear-search`` would take ``escape`` from
    ``reader.close-facts`` too, unless the keymap gives ``escape`` back to it.
    """
    rebound = {i for i, keys in force.items() if keys != BY_ID[i].default_keys}
    keymap = {i: ",".join(force[i]) for i in rebound}
    for binding_id in rebound:
        moved = BY_ID[binding_id]
        for other in scope(moved.scope):
            shares = set(other.default_keys) & set(moved.default_keys)
            if other.id not in keymap and shares:
                keymap[other.id] = other.keys
    return keymap
