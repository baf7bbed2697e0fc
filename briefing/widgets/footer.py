"""The footer: rebuilt only when the keys it shows change, and never showing part of a key.

Textual's footer rebuilds all its key widgets whenever the bindings *might* have changed: on
every focus change (moving from one section to the next) and when a dialog opens over the
screen, where it cannot even be seen. That costs tens of milliseconds a key; this one first
checks whether what it would show is any different.

When the keys do not all fit, Textual's footer cuts the row at the edge, through a key, and
the keys it cuts are the app's own (help and quit), which come last. This one shows whole
keys only, and drops the least important first: the app's keys, which work everywhere, stay
longest, then the command palette's; the others in the order of their bindings (the focused
widget's, then the screen's), the last dropped first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported: the one import of it (tests too)

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

__all__ = ["FooterKey", "QuietFooter", "keys_shown"]

Shown = tuple[tuple[str, str, str, bool, str], ...]


class QuietFooter(Footer):
    """A footer that skips rebuilds that would show the same keys, or that nobody would see,
    and that shows as many whole keys as fit, the most important first."""

    DEFAULT_CSS = """
    QuietFooter.-compact FooterKey.-command-palette {
        margin-right: 0;  /* docked at the right edge: a margin there only shows what is under */
    }
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Through public API only: Textual's own calls this from the screen's
        # bindings_updated_signal; skipping it leaves the keys shown as they are.
        if screen is self.screen and not screen.is_current:
            return  # a dialog is over this screen: rebuild, if need be, when it is back
        if not screen.app.app_focus:
            # Textual's own draws nothing while the terminal is unfocused: what it shows is
            # not what was asked for, so nothing is recorded, and the focus coming back
            # rebuilds the keys even if they are the same as asked for now.
            self._shown = None
            super().bindings_changed(screen)
            return
        shown = keys_shown(screen)
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        async with self.batch():  # never drawn with keys that do not fit
            await super().recompose()
            self.fit()

    def on_resize(self) -> None:
        self.fit()

    def watch_compact(self) -> None:
        self.call_after_refresh(self.fit)  # once the keys have their compact widths

    def fit(self) -> None:
        """Show the keys that fit in the footer's width, whole, by importance."""
        room = self.size.width
        for item in sorted(self.children, key=self._rank):
            width = _width(item)
            item.display = width <= room  # once one does not fit, none after it does
            room = room - width if item.display else 0

    def _rank(self, item: Widget) -> int:
        """0 for the app's keys, 1 for the command palette's, 2 for the others (a stable
        sort keeps the order of the bindings among equals)."""
        if item.has_class("-command-palette"):
            return 1
        active = self.screen.active_bindings.get(item.key) if isinstance(item, FooterKey) else None
        return 0 if active is not None and isinstance(active.node, App) else 2


def _width(item: Widget) -> int:
    """The columns a footer item takes when shown: its text, padding, border and margins."""
    styles = item.styles
    text = item.render().cell_len if isinstance(item, FooterKey) else item.outer_size.width
    return text + styles.gutter.width + styles.margin.width


def keys_shown(screen: Screen[object]) -> Shown:
    """What a footer shows for this screen: each shown binding's key, action, label, state."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
