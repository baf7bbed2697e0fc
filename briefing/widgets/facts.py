"""The key-facts panel: each fact's value, label and status, and under them its sources and
grade (``per Kremlin · B2``), grouped by section."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.records import Briefing, KeyFact, attribution
from briefing.search import FactKey
from briefing.widgets.bindings import bindings
from briefing.widgets.hanging import Hanging
from briefing.widgets.highlight import Marker, plain, same, shown

STATUS_STYLE = {
    status: f"bold reverse ${color}-muted on $text-{color}"
    for status, color in [
        ("confirmed", "success"),
        ("reported", "primary"),
        ("unverified", "warning"),
        ("claim", "secondary"),
    ]
}
"""Each status's badge: the colour's text on its shade, written reversed (the shade as the
text colour, on the text colour) so that, in ANSI themes, where both are the terminal's own
colours, the badge is the terminal's foreground and background swapped."""

BADGE_WIDTH = max(len(status) for status in STATUS_STYLE)


def fact_prompt(briefing: Briefing, index: int, mark: Marker = plain) -> Hanging:
    """The status as a word-badge and the value, prominent, its lines beside the badge; then
    the label; then, when it has them, the fact's sources and grade, in words."""
    fact = briefing.key_facts[index]
    badge = Content.assemble(
        (f" {fact.status.upper():<{BADGE_WIDTH}} ", STATUS_STYLE[fact.status]), " "
    )
    value = mark(FactKey(index, "value"), fact.value).stylize("bold")
    tail = mark(FactKey(index, "label"), fact.label).stylize("$text-muted")
    if credit := attribution(briefing, fact):
        tail = Content("\n").join(
            [tail, mark(FactKey(index, "sources"), credit).stylize("$text-muted italic")]
        )
    return Hanging([(badge, value)], tail)


class FactsPanel(OptionList):
    """Every key fact, in the order of the sections they belong to."""

    DEFAULT_CSS = """
    FactsPanel {
        width: 1fr;
        min-width: 38;
        max-width: 60;
        height: 1fr;
        border: round $panel;
        border-title-color: $text-accent;
        border-title-style: bold;
        padding: 0;
    }

    FactsPanel:focus {
        border: heavy $accent;  /* a heavier line, not a colour alone, says where the keys go */
    }

    FactsPanel > .option-list--option {
        padding: 0 1;
    }
    """

    BINDINGS = bindings("facts")

    @dataclass
    class Chosen(Message):
        """A fact was selected: the reader shows its sources (and from there its section)."""

        fact: KeyFact
        """The fact chosen."""

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.facts: dict[str, KeyFact] = {}
        self.indexes: dict[str, int] = {}
        super().__init__(*self._fact_options(briefing), id="facts")
        self.border_title = "Key facts"

    def set_facts(self, briefing: Briefing) -> None:
        """Show the facts of another briefing."""
        self.clear_options()
        self.add_options(self._fact_options(briefing))

    def _fact_options(self, briefing: Briefing) -> list[Option | None]:
        self.briefing = briefing
        self.facts, self.indexes = {}, {}
        facts = briefing.key_facts
        options: list[Option | None] = []
        for number, section in enumerate(briefing.sections, 1):
            group = [(i, fact) for i, fact in enumerate(facts) if fact.section == section.id]
            if not group:
                continue
            if options:
                options.append(None)
            title = Content.assemble((f"{number}. ", "bold"), shown(section.title).stylize("bold"))
            options.append(Option(title, disabled=True))
            for index, fact in group:
                option_id = f"fact-{index}"
                self.facts[option_id] = fact
                self.indexes[option_id] = index
                options.append(Option(fact_prompt(briefing, index), id=option_id))
        return options

    def mark(self, marker: Marker) -> None:
        """Show search highlights (or, with :func:`plain`, none), re-rendering only the facts
        whose highlights change."""
        for option_id in self.facts:
            prompt = fact_prompt(self.briefing, self.indexes[option_id], marker)
            shown = self.get_option(option_id).prompt
            if not same(shown.content if isinstance(shown, Hanging) else None, prompt.content):
                self.replace_option_prompt(option_id, prompt)

    def show_fact(self, index: int) -> None:
        """Move the cursor to the fact with this index in the briefing."""
        self.highlighted = self.get_option_index(f"fact-{index}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self.facts:
            self.post_message(self.Chosen(self.facts[event.option.id]))
