"""The timeline: every dated event in date order; choosing one opens its section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.marks import GUTTER
from briefing.records import Briefing
from briefing.screens.dialog import dialog_css
from briefing.widgets.bindings import bindings
from briefing.widgets.highlight import shown

if TYPE_CHECKING:
    from briefing.changes import How


class TimelineScreen(ModalScreen[str | None]):
    """The briefing's events, oldest first. Enter opens the event's section."""

    DEFAULT_CSS = (
        dialog_css(
            "TimelineScreen",
            "timeline",
            "width: 90%; max-width: 110; height: auto; max-height: 90%;",
        )
        + """
    #timeline > .option-list--option {
        padding: 0 1 1 1;
    }
    """
    )

    BINDINGS = bindings("timeline")

    def __init__(self, briefing: Briefing, changes: dict[int, How] | None = None) -> None:
        """``changes``: the events new or reworded since the briefing was last read, by their
        index in its timeline."""
        super().__init__()
        self.briefing = briefing
        self.events = briefing.timeline_in_order()
        self.changed = {briefing.timeline[i]: how for i, how in (changes or {}).items()}

    def compose(self) -> ComposeResult:
        options = []
        for index, event in enumerate(self.events):
            section = self.briefing.section(event.section) if event.section else None
            parts: list[Content | str | tuple[str, str]] = [(event.when(), "bold")]
            how = self.changed.get(event)
            if how in GUTTER:  # a shape, then the words: new or reworded since last read
                word = "new" if how == "added" else "changed"
                parts = [(f"{GUTTER[how]} {word} ", "bold $text-accent"), *parts]
            if section is not None:
                parts += [shown("  \u00b7  " + section.title).stylize("$text-muted")]
            parts += ["\n", shown(event.event)]
            options.append(Option(Content.assemble(*parts), id=f"event-{index}"))
        yield OptionList(*options, id="timeline")

    def on_mount(self) -> None:
        timeline = self.query_one("#timeline", OptionList)
        timeline.border_title = "Timeline"
        timeline.border_subtitle = "enter: go to the section · escape: close"
        if not self.events:
            timeline.add_option(
                Option(Content("This briefing has no dated events."), disabled=True)
            )

    @on(OptionList.OptionSelected, "#timeline")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        chosen = self.events[int(event.option.id.removeprefix("event-"))]
        self.dismiss(chosen.section)

    def action_close(self) -> None:
        self.dismiss(None)
