"""The briefing picker: every briefing, newest first, filtered as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from briefing.records import Briefing, Document
from briefing.search import fold_query, search_briefing, section_title


def briefing_prompt(briefing: Briefing, where: str | None = None) -> Content:
    """``2024-11-19  Title``, and where the filter matched inside it; never parsed as markup."""
    date = briefing.published.isoformat()
    prompt = Content(f"{date}  {briefing.title}").stylize("dim", 0, len(date))
    if where:
        prompt = Content.assemble(prompt, "\n", (f"            found in: {where}", "dim italic"))
    return prompt


def matches(briefing: Briefing, query: str) -> tuple[bool, str | None]:
    """Whether the briefing matches the filter, and where in its text when not in its date, id
    or title: every word in those, or the whole filter anywhere in its text."""
    words = fold_query(query).split()
    heading = fold_query(f"{briefing.published.isoformat()} {briefing.id} {briefing.title}")
    if all(word in heading for word in words):
        return True, None
    hits = search_briefing(briefing, query)
    return (True, section_title(briefing, hits[0])) if hits else (False, None)


class BriefingPicker(ModalScreen[str | None]):
    """Pick a briefing: type to filter, arrows to move, enter to open, escape to go back."""

    BINDINGS = [
        Binding("escape", "dismiss_picker", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    def __init__(self, document: Document, current_id: str) -> None:
        super().__init__()
        self.document = document
        self.current_id = current_id
        self.ordered = sorted(document.briefings, key=lambda b: b.published, reverse=True)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder="Type to filter: date, title or any words", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one("#picker", Vertical).border_title = "Briefings"
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        shown = []
        for briefing in self.ordered:
            found, where = matches(briefing, query)
            if found:
                shown.append(Option(briefing_prompt(briefing, where), id=briefing.id))
        options.add_options(shown)
        ids = [option.id for option in shown]
        if ids:
            options.highlighted = ids.index(self.current_id) if self.current_id in ids else 0

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submit(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _select(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_page(self, step: int) -> None:
        options = self.query_one("#picker-list", OptionList)
        if step > 0:
            options.action_page_down()  # type: ignore[no-untyped-call]
        else:
            options.action_page_up()  # type: ignore[no-untyped-call]

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)
