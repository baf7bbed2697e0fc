"""The strip under the reader's header (in the screen's flow, above the body) that says what
changed since the briefing was last read: ``Updated since you read it on 19 November 2024 at
14:02: 2 facts changed, 1 new paragraph``, a correction named first. It stays until dismissed
(``x``) or the briefing changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from briefing.changes import Change


class NewsStrip(Static):
    """Hidden unless there is something to say; what it says is plain text from the data and
    from :func:`briefing.changelog.headline`, never markup."""

    DEFAULT_CSS = """
    NewsStrip {
        display: none;
        width: 100%;
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $foreground;
        background: $boost;
        border-left: outer $accent;  /* a bar's shape marks it, not its colour alone */
    }

    NewsStrip.-shown {
        display: block;
    }
    """

    def say(self, headline: str | None, changes: Sequence[Change] = (), keys: str = "") -> None:
        """Show ``headline`` (``None``: hide), each correction declared since first, and the
        ``keys`` that go through the changes and dismiss the strip."""
        if headline is None:
            self.set_class(False, "-shown")
            self.update("")
            return
        parts: list[Content] = []
        for change in changes:
            if change.kind == "correction" and change.change != "removed" and change.after:
                parts.append(Content.assemble(("Correction: ", "bold"), Content(change.after)))
        parts.append(Content(headline).stylize("bold"))
        if keys:
            parts.append(Content(keys))
        self.update(Content(" · ").join(parts))
        self.set_class(True, "-shown")

    @property
    def shown(self) -> bool:
        """Whether the strip shows."""
        return self.has_class("-shown")
