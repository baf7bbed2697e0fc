"""The sources: each with its note and address; ``o`` opens the address in the browser.

:class:`SourceList` is what every dialog that lists sources shares (this one, and the key
fact's, :mod:`briefing.screens.fact`): the sources' options, and opening or copying the
highlighted one's address."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from briefing.records import Briefing, Source, date_line
from briefing.screens.dialog import dialog_css
from briefing.screens.outside import copy_text, open_address
from briefing.widgets.bindings import bindings
from briefing.widgets.highlight import shown

WEB_SCHEMES = ("http://", "https://")

R = TypeVar("R")

SOURCE_LIST_CSS = """
    #source-list {
        height: auto;
        max-height: 1fr;
        border: none;
        padding: 0;
        background: $surface;
    }

    #source-list > .option-list--option {
        padding: 0 1 1 1;
    }

    .dialog-text {
        height: auto;
        padding: 0 1 1 1;
    }

    .-empty {
        display: none;
    }
"""
"""The rules of a dialog's list of sources and of the text above it, the same in each."""


class SourceList(OptionList):
    """Sources, one option each: the name, the note, the address; with nothing to list, a line
    that says so (``empty``)."""

    def __init__(self, sources: Iterable[Source], empty: str) -> None:
        self.sources = list(sources)
        options = [
            Option(self._prompt(source), id=f"source-{index}")
            for index, source in enumerate(self.sources)
        ]
        if not options:
            options.append(Option(Content(empty), disabled=True))
        super().__init__(*options, id="source-list")

    @staticmethod
    def _prompt(source: Source) -> Content:
        parts: list[Content | str | tuple[str, str]] = [shown(source.name).stylize("bold")]
        if source.note:
            parts += ["\n", shown(source.note)]
        parts += [
            "\n",
            shown(source.url).stylize("$text-muted underline")
            if source.url
            else Content("(no address)").stylize("$text-muted"),
        ]
        return Content.assemble(*parts)

    @property
    def selected(self) -> Source | None:
        """The highlighted source, if there is one."""
        if self.highlighted is None or not self.sources:
            return None
        return self.sources[self.highlighted]


class SourcesDialog(ModalScreen[R]):
    """A dialog with a :class:`SourceList`: ``o`` (or ``enter``) opens the highlighted
    source's address, ``c`` copies it. Each dialog brings its own bindings."""

    @property
    def source_list(self) -> SourceList:
        return self.query_one(SourceList)

    def _address(self) -> str | None:
        """The highlighted source's web address (http and https only), or ``None`` (and the
        user told why)."""
        source = self.source_list.selected
        if source is None:
            return None
        if source.url is None or not source.url.lower().startswith(WEB_SCHEMES):
            self.notify("This source has no web address.", markup=False)
            return None
        return source.url

    def action_open_source(self) -> None:
        """Open the highlighted source's address in a web browser."""
        if (url := self._address()) is not None:
            open_address(self.app, url)

    def action_copy_address(self) -> None:
        """Copy the highlighted source's address, to open it elsewhere."""
        if (url := self._address()) is not None:
            copy_text(self.app, url, "the address")

    @on(OptionList.OptionSelected, "#source-list")
    def _chosen(self) -> None:
        self.action_open_source()

    def action_close(self) -> None:
        self.dismiss(None)


class SourcesScreen(SourcesDialog[None]):
    """Where the briefing's information comes from, and how its date was arrived at when the
    story gives none."""

    DEFAULT_CSS = (
        dialog_css(
            "SourcesScreen", "sources", "width: 90%; max-width: 110; height: auto; max-height: 90%;"
        )
        + SOURCE_LIST_CSS
    )

    BINDINGS = bindings("sources")

    def __init__(self, briefing: Briefing) -> None:
        super().__init__()
        self.briefing = briefing
        self.sources = list(briefing.sources)

    def compose(self) -> ComposeResult:
        note = self.briefing.date_note
        with Vertical(id="sources"):
            dated = Content.assemble(
                ("Date: ", "bold"), date_line(self.briefing), ". ", shown(note or "")
            )
            yield Static(dated, id="date-note", classes="dialog-text" + ("" if note else " -empty"))
            yield SourceList(self.sources, "This briefing lists no sources.")

    def on_mount(self) -> None:
        frame = self.query_one("#sources")
        frame.border_title = "Sources"
        frame.border_subtitle = "o or enter: open in browser · c: copy address · escape: close"
        self.source_list.focus()
