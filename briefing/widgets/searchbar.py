"""The reader's search bar: an input for the query and the count of matches beside it."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static


class SearchBar(Horizontal):
    """Docked at the bottom of the reader while a search is in progress.

    Its input is made on the first search, not at start: an input costs first-paint time.
    The reader shows and hides the bar (its ``searching`` state); the bar only holds the query.
    """

    DEFAULT_CSS = """
    SearchBar {
        dock: bottom;
        height: 3;
        display: none;
        background: $panel;
    }

    SearchBar > #search-input {
        width: 1fr;
    }

    SearchBar > #search-count {
        width: auto;
        min-width: 10;
        padding: 1 1 0 1;
        color: $text-muted;
    }
    """

    async def ready(self) -> Input:
        """The input, made if this is the first search."""
        if not self.children:
            await self.mount(Input(placeholder="Search this briefing", id="search-input"))
            await self.mount(Static(id="search-count"))
        return self.input

    @property
    def input(self) -> Input:
        """The query's input (once :meth:`ready` has made it)."""
        return self.query_one("#search-input", Input)

    @property
    def query_text(self) -> str:
        """The query typed, or nothing before the first search."""
        return self.input.value if self.children else ""

    def set_query(self, query: str) -> None:
        """Put ``query`` in the input without sending ``Input.Changed`` (the caller searches)."""
        with self.input.prevent(Input.Changed):
            self.input.value = query

    def show_count(self, text: str) -> None:
        """Say how many matches there are (``2/5``, ``no match``, or nothing)."""
        count = self.query_one("#search-count", Static)
        if str(count.content) != text:
            count.update(Content(text))
