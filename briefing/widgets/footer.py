"""The footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds all its key widgets whenever the bindings *might* have changed: on
every focus change (moving from one section to the next) and when a dialog opens over the
screen, where it cannot even be seen. That costs tens of milliseconds a key; this one first
checks whether what it would show is any different.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


class QuietFooter(Footer):
    """A footer that skips rebuilds that would show the same keys, or that nobody would see."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen and not screen.is_current:
            self._bindings_ready = True
            return  # a dialog is over this screen: rebuild, if need be, when it is back
        shown = keys_shown(screen)
        if shown == self._shown:
            self._bindings_ready = True
            return
        self._shown = shown
        super().bindings_changed(screen)


def keys_shown(screen: Screen[object]) -> Shown:
    """What a footer shows for this screen: each shown binding's key, action, label, state."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
