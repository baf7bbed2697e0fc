"""The key-facts panel: each fact's value, label and status, and under them its sources and
grade (``per Kremlin · B2``), grouped by section."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.marks import GUTTER, FactMark
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


CHANGE_STYLE = "bold $text-accent"
"""What changed since the last visit: the marks' colour (the words say it without)."""


def fact_prompt(
    briefing: Briefing, index: int, mark: Marker = plain, change: FactMark | None = None
) -> Hanging:
    """The status as a word-badge and the value, prominent, its lines beside the badge; then
    the label; then, when it has them, the fact's sources and grade, in words. A fact new or
    changed since the last visit (``change``) says so, its old value beside the new."""
    fact = briefing.key_facts[index]
    badge = Content.assemble(
        (f" {fact.status.upper():<{BADGE_WIDTH}} ", STATUS_STYLE[fact.status]), " "
    )
    value = mark(FactKey(index, "value"), fact.value).stylize("bold")
    if change is not None and change.old is not None and "value" in change.fields:
        was = shown(f" (was: {change.old.value})").stylize("$text-muted")
        value = Content.assemble(value, was)
    lines = [mark(FactKey(index, "label"), fact.label).stylize("$text-muted")]
    if credit := attribution(briefing, fact):
        lines.append(mark(FactKey(index, "sources"), credit).stylize("$text-muted italic"))
    if change is not None:
        lines += _change_lines(briefing, fact, change)
    return Hanging([(badge, value)], Content("\n").join(lines))


def _change_lines(briefing: Briefing, fact: KeyFact, change: FactMark) -> list[Content]:
    """What a fact new or changed since the last visit says of it, in words after a gutter
    mark (``+`` new, ``~`` changed)."""
    if change.new or change.old is None:
        return [Content(f"{GUTTER['added']} new since you last read it").stylize(CHANGE_STYLE)]
    old, changed = change.old, change.fields
    said: list[str] = []
    if "status" in changed:
        said.append(f"{old.status} \u2192 {fact.status}")
    if "value" in changed and not said:
        said.append("value revised")  # the old value shows beside the new
    if {"sources", "grade"} & set(changed):
        before = attribution(briefing, old) or "no sources or grade"
        said.append(f"was {before}")
    if "note" in changed:
        said.append("note revised")
    text = "; ".join(said) or "changed"
    return [shown(f"{GUTTER['changed']} {text}").stylize(CHANGE_STYLE)]


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
        self.changes: dict[int, FactMark] = {}
        """The facts new or changed since the last visit, by index."""
        super().__init__(*self._fact_options(briefing), id="facts")
        self.border_title = "Key facts"

    def set_facts(self, briefing: Briefing, changes: dict[int, FactMark] | None = None) -> None:
        """Show the facts of another briefing (``changes``: those new or changed since it was
        last read)."""
        self.changes = dict(changes or {})
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
                prompt = fact_prompt(briefing, index, change=self.changes.get(index))
                options.append(Option(prompt, id=option_id))
        return options

    def mark(self, marker: Marker) -> None:
        """Show search highlights (or, with :func:`plain`, none), re-rendering only the facts
        whose highlights change."""
        for option_id in self.facts:
            index = self.indexes[option_id]
            prompt = fact_prompt(self.briefing, index, marker, self.changes.get(index))
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
