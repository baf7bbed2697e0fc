"""Every key binding of the reader, in one table.

The screens build their Textual bindings from :data:`BINDINGS` (see
:mod:`briefing.widgets.bindings`) and ``briefing keys`` lists it, so the two cannot drift. A
binding's id is ``SCOPE.NAME``, the scope being where it works: ``app`` everywhere, ``reader``
on the reader, ``section`` on a focused section, ``facts`` in the key-facts panel, ``help``,
``picker``, ``timeline`` and ``sources`` in those dialogs.

No Textual here: ``briefing keys`` runs without it.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    KeyBinding("app.reload", "r", "reload", "Reload the file", "Read the data file again"),
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
)  # fmt: skip

BY_ID: dict[str, KeyBinding] = {binding.id: binding for binding in BINDINGS}


def scope(name: str) -> list[KeyBinding]:
    """The bindings of one scope, in the table's order."""
    return [binding for binding in BINDINGS if binding.scope == name]
