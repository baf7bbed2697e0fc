"""The sources: each with its note and address; ``o`` opens the address in the browser."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.records import Briefing, Source
from briefing.screens.dialog import dialog_css
from briefing.screens.outside import copy_text, open_address
from briefing.widgets.bindings import bindings
from briefing.widgets.highlight import shown

WEB_SCHEMES = ("http://", "https://")


class SourcesScreen(ModalScreen[None]):
    """Where the briefing's information comes from."""

    DEFAULT_CSS = (
        dialog_css(
            "SourcesScreen", "sources", "width: 90%; max-width: 110; height: auto; max-height: 90%;"
        )
        + """
    #sources > .option-list--option {
        padding: 0 1 1 1;
    }
    """
    )

    BINDINGS = bindings("sources")

    def __init__(self, briefing: Briefing) -> None:
        super().__init__()
        self.sources = list(briefing.sources)

    def compose(self) -> ComposeResult:
        options = [
            Option(self._prompt(source), id=f"source-{index}")
            for index, source in enumerate(self.sources)
        ]
        yield OptionList(*options, id="sources")

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

    def on_mount(self) -> None:
        sources = self.query_one("#sources", OptionList)
        sources.border_title = "Sources"
        sources.border_subtitle = "o or enter: open in browser · c: copy address · escape: close"
        if not self.sources:
            sources.add_option(Option(Content("This briefing lists no sources."), disabled=True))

    def _selected(self) -> Source | None:
        sources = self.query_one("#sources", OptionList)
        if sources.highlighted is None or not self.sources:
            return None
        return self.sources[sources.highlighted]

    def _address(self) -> str | None:
        """The highlighted source's web address (http and https only), or ``None`` (and the
        user told why)."""
        source = self._selected()
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

    @on(OptionList.OptionSelected, "#sources")
    def _chosen(self) -> None:
        self.action_open_source()

    def action_close(self) -> None:
        self.dismiss(None)
