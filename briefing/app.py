"""The Textual app: its key bindings, its screens, and the one factory the CLI and tests use.

The app reads no briefing file: it is given loaded models. It saves one thing, the theme,
through :mod:`briefing.settings`.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from briefing.commands import BriefingCommands
from briefing.models import Document
from briefing.screens.help import HelpScreen, help_rows
from briefing.screens.reader import ReaderScreen
from briefing.settings import Settings, load_settings, save_settings

_EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class BriefingApp(App[None]):
    """A terminal reader for one file of briefings."""

    TITLE = "briefing"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {BriefingCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        document: Document,
        briefing_id: str | None = None,
        *,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.document = document
        briefing = document.get(briefing_id) if briefing_id else None
        self.first_briefing = briefing or document.newest()
        self.settings_path = settings_path
        self.settings, self._settings_warning = (
            load_settings(settings_path) if settings_path else (Settings(), None)
        )
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    def get_default_screen(self) -> ReaderScreen:
        return ReaderScreen(self.document, self.first_briefing)

    def on_mount(self) -> None:
        if self._settings_warning:
            self.notify(self._settings_warning, severity="warning", markup=False)
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in _EXIT_SIGNALS:
                loop.add_signal_handler(signum, self._exit_on_signal, signum)

    def _exit_on_signal(self, signum: int) -> None:
        """SIGTERM or a closed terminal: leave cleanly, so the terminal is restored."""
        self.exit(return_code=128 + signum)

    def watch_theme(self, theme: str) -> None:
        if self.settings_path is None or theme == self.settings.theme:
            return
        self.settings = Settings(theme=theme)
        warning = save_settings(self.settings_path, self.settings)
        if warning and warning != self._settings_warning:
            self._settings_warning = warning
            self.notify(warning, severity="warning", markup=False)

    def action_help(self) -> None:
        """Show every key that works here, with what it does."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_rows(self.screen)))


def make_app(
    document: Document, briefing_id: str | None = None, *, settings_path: Path | None = None
) -> BriefingApp:
    """The app for ``document``, opened at ``briefing_id`` (default: the newest briefing).

    ``settings_path`` is where the theme is remembered; ``None`` remembers nothing (tests).
    """
    return BriefingApp(document, briefing_id, settings_path=settings_path)
