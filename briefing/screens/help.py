"""Help: every key that works where you were, generated from the bindings themselves."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from briefing.screens.dialog import dialog_css
from briefing.widgets.bindings import bindings
from briefing.widgets.hanging import Hanging

_NUMBERED = re.compile(r"(.*?)(\d+)\)?$")
# Modifiers a terminal never sends (a desktop's, taken by the terminal or the system).
_UNDELIVERABLE = ("super+", "hyper+")
# The reader wraps its text, so scrolling sideways never applies: leave those keys out.
_SIDEWAYS = {"scroll_left", "scroll_right", "page_left", "page_right"}


def help_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for each binding active on ``screen``, in the order they apply.

    Keys that run the same action, and numbered actions (``open_section(1)`` ... ``(9)``), are
    folded into one row, so ``1-9`` reads as one key range.
    """
    rows: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system or binding.action in _SIDEWAYS:
            continue
        if key.startswith(_UNDELIVERABLE):
            continue
        display = screen.app.get_key_display(Binding(key, binding.action))
        numbered = _NUMBERED.fullmatch(binding.action)
        if numbered and binding.action.endswith(")") and binding.description[-1].isdigit():
            group = numbered.group(1)
            description = binding.description.rstrip("0123456789").rstrip() + " N"
        else:
            group = f"{binding.action}|{binding.description}"
            description = binding.description
        keys, _ = rows.setdefault(group, ([], description))
        if display not in keys:
            keys.append(display)
    shown = [(_keys_text(keys), description) for keys, description in rows.values()]
    also = getattr(screen, "help_also", None)  # keys that do not apply now, but will
    return shown + (also() if callable(also) else [])


def _keys_text(keys: list[str]) -> str:
    if len(keys) > 2 and all(key.isdigit() for key in keys):
        return f"{keys[0]}-{keys[-1]}"
    return " ".join(keys)


class HelpScreen(ModalScreen[None]):
    """The keys, with what each does. Escape, q or ? closes it."""

    DEFAULT_CSS = (
        dialog_css(
            "HelpScreen",
            "help",
            "width: auto; max-width: 90%; height: auto; max-height: 90%; padding: 0 2;",
        )
        + """
    #help-keys {
        width: auto;
        max-width: 100%;  /* on a narrow screen the descriptions wrap rather than being cut */
    }
    """
    )

    BINDINGS = bindings("help")

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _ in self.rows), default=0)
        lines = Hanging(
            [
                (
                    Content.assemble((keys.rjust(width), "bold $text-accent"), "  "),
                    Content(description),
                )
                for keys, description in self.rows
            ]
        )  # a description too long for a narrow screen wraps under itself, beside its keys
        with VerticalScroll(id="help"):
            yield Static(lines, id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).border_title = "Keys"
        self.query_one("#help", VerticalScroll).border_subtitle = "escape to close"

    def action_close(self) -> None:
        self.dismiss(None)
