"""What the reader shows while the briefings are indexed: its frame and the progress, at once.

The first look at a large folder of briefing files (or at a large file that changed) validates
every file, which takes seconds; the reader draws this screen before that work starts and
replaces it with the briefing when it is done. Only text from the program is shown here, but
the data's path is shown through :class:`~textual.content.Content` all the same.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from briefing.widgets.footer import QuietFooter

_EVERY = 0.1
"""The progress is redrawn at most this often (the work is told of every file)."""


class OpeningScreen(Screen[None]):
    """The reader's frame while the data is opened: what is opened, a bar, files done."""

    DEFAULT_CSS = """
    OpeningScreen {
        align: center middle;
    }
    OpeningScreen #opening {
        width: 70;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $primary;
    }
    OpeningScreen #opening-title {
        text-style: bold;
    }
    OpeningScreen ProgressBar {
        margin: 1 0 0 0;
    }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what
        self.done: tuple[int, int] | None = None
        """The files done and to do, as last told (``None``: not told yet)."""
        self._drawn_at = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(id="opening"):
            yield Static(Content("briefing"), id="opening-title")
            yield Static(Content(f"Opening {self.what}…"), id="opening-what")
            yield ProgressBar(total=None, show_eta=False, id="opening-bar")
            yield Static(Content(""), id="opening-done")
        yield QuietFooter()

    def show_progress(self, done: int, total: int) -> None:
        """Files ``done`` of ``total``: shown at most ten times a second, and always the last."""
        self.done = (done, total)
        now = time.monotonic()
        if done < total and now - self._drawn_at < _EVERY:
            return
        self._drawn_at = now
        self.query_one(ProgressBar).update(total=total, progress=done)
        line = f"Indexing {done:,} of {total:,} file{'s' * (total != 1)}"
        self.query_one("#opening-done", Static).update(Content(line))
