"""The briefing picker: every briefing, newest first, filtered as you type."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from briefing.library import Entry, Library
from briefing.search import fold_query


def briefing_prompt(entry: Entry, where: str | None = None) -> Content:
    """``2024-11-19  Title``, and where the filter matched inside it; never parsed as markup."""
    date = entry.published.isoformat()
    prompt = Content(f"{date}  {entry.title}").stylize("dim", 0, len(date))
    if where:
        prompt = Content.assemble(prompt, "\n", (f"            found in: {where}", "dim italic"))
    return prompt


def matching(
    library: Library, entries: Sequence[Entry], query: str
) -> list[tuple[Entry, str | None]]:
    """The entries the filter keeps, in their order, with where the filter matched inside each
    when not in its date, id or title: every word in those, or the whole filter anywhere in its
    text."""
    words = fold_query(query).split()
    if not words:
        return [(entry, None) for entry in entries]
    inside: dict[str, str] | None = None
    kept: list[tuple[Entry, str | None]] = []
    for entry in entries:
        heading = fold_query(f"{entry.published.isoformat()} {entry.id} {entry.title}")
        if all(word in heading for word in words):
            kept.append((entry, None))
            continue
        if inside is None:  # the full text is searched once, and only when needed
            inside = dict(library.found_in(query))
        if entry.id in inside:
            kept.append((entry, inside[entry.id]))
    return kept


class BriefingPicker(ModalScreen[str | None]):
    """Pick a briefing: type to filter, arrows to move, enter to open, escape to go back."""

    BINDINGS = [
        Binding("escape", "dismiss_picker", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    def __init__(self, library: Library, current_id: str) -> None:
        super().__init__()
        self.library = library
        self.current_id = current_id
        self.ordered = sorted(library.entries, key=lambda e: e.published, reverse=True)

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
        shown = [
            Option(briefing_prompt(entry, where), id=entry.id)
            for entry, where in matching(self.library, self.ordered, query)
        ]
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
