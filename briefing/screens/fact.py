"""A key fact, chosen in the facts panel: what it says, how well it is established (its status
and its grade, with what the grade means), and the sources it cites, each with its note and
address; ``o`` opens the highlighted source's address, ``g`` goes to the fact's section."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from briefing.records import Briefing, KeyFact, grade_meaning
from briefing.screens.dialog import dialog_css
from briefing.screens.sources import SOURCE_LIST_CSS, SourceList, SourcesDialog
from briefing.widgets.bindings import bindings
from briefing.widgets.highlight import shown

NO_SOURCES = "This fact cites no sources."


def fact_text(briefing: Briefing, fact: KeyFact) -> Content:
    """The fact in words: label, value, status, note, grade and its meaning, section."""
    lines = [
        shown(fact.label).stylize("bold"),
        shown(fact.value),
        Content.assemble(("Status: ", "bold"), fact.status),
    ]
    if fact.note:
        lines.append(Content.assemble(("Note: ", "bold"), shown(fact.note)))
    if fact.grade:
        grade = f"{fact.grade}, {grade_meaning(fact.grade)}"
        lines.append(Content.assemble(("Grade: ", "bold"), grade))
    else:
        lines.append(Content.assemble(("Grade: ", "bold"), "none given"))
    section = briefing.section(fact.section)
    if section is not None:
        lines.append(Content.assemble(("Section: ", "bold"), shown(section.title)))
    return Content("\n").join(lines)


class FactScreen(SourcesDialog[bool]):
    """One key fact and its sources. Dismissed with ``True`` to go to the fact's section."""

    DEFAULT_CSS = (
        dialog_css(
            "FactScreen", "fact", "width: 90%; max-width: 110; height: auto; max-height: 90%;"
        )
        + SOURCE_LIST_CSS
    )

    BINDINGS = bindings("fact")

    def __init__(self, briefing: Briefing, fact: KeyFact) -> None:
        super().__init__()
        self.briefing = briefing
        self.fact = fact
        self.sources = list(briefing.sources_of(fact))

    def compose(self) -> ComposeResult:
        with Vertical(id="fact"):
            yield Static(fact_text(self.briefing, self.fact), id="fact-text", classes="dialog-text")
            heading = "Sources" if self.sources else NO_SOURCES
            yield Static(Content(heading).stylize("bold"), id="fact-sources", classes="dialog-text")
            yield SourceList(self.sources, NO_SOURCES)

    def on_mount(self) -> None:
        frame = self.query_one("#fact")
        frame.border_title = "Key fact"
        opening = "o or enter: open · c: copy · " if self.sources else ""
        frame.border_subtitle = f"{opening}g: go to the section · escape: close"
        self.source_list.set_class(not self.sources, "-empty")
        self.source_list.focus()

    def action_go_to_section(self) -> None:
        """Close this and open the fact's section."""
        self.dismiss(True)
