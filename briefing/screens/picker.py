"""The briefing picker: every briefing, newest first, filtered as you type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from briefing.library import Entry, Library
from briefing.screens.dialog import dialog_css
from briefing.search import fold_query
from briefing.widgets.bindings import bindings
from briefing.widgets.highlight import shown


def briefing_prompt(entry: Entry, where: str | None = None, mark: str = "") -> Content:
    """``2024-11-19  Title``, then ``· new`` or ``· updated`` when the reader has not read it
    as it is, and where the filter matched inside it; never parsed as markup."""
    date = entry.published.isoformat()
    prompt = shown(f"{date}  {entry.title}").stylize("$text-muted", 0, len(date))
    if mark:
        prompt = Content.assemble(prompt, (f"  \u00b7 {mark}", "bold $text-accent"))
    if where:
        prompt = Content.assemble(
            prompt, "\n", shown(f"            found in: {where}").stylize("$text-muted italic")
        )
    return prompt


def heading(entry: Entry) -> str:
    """What the filter's words are matched against first: date, id and title, folded."""
    return fold_query(f"{entry.published.isoformat()} {entry.id} {entry.title}")


def matching(
    library: Library, entries: Sequence[Entry], query: str, headings: Sequence[str] = ()
) -> tuple[Sequence[Entry], dict[str, str]]:
    """The entries the filter keeps, in their order, and where the filter matched inside those
    it did not match by date, id or title: every word in those, or the whole filter anywhere in
    its text. ``headings`` may give each entry's :func:`heading`, worked out before. With no
    filter, ``entries`` themselves come back: nothing is copied."""
    words = fold_query(query).split()
    if not words:
        return entries, {}
    inside: dict[str, str] | None = None
    kept: list[Entry] = []
    where: dict[str, str] = {}
    for index, entry in enumerate(entries):
        folded = headings[index] if headings else heading(entry)
        if all(word in folded for word in words):
            kept.append(entry)
            continue
        if inside is None:  # the full text is searched once, and only when needed
            inside = dict(library.found_in(query))
        if entry.id in inside:
            kept.append(entry)
            where[entry.id] = inside[entry.id]
    return kept, where


BATCH = 100
"""How many briefings the picker's list adds at a time."""


class BriefingPicker(ModalScreen[str | None]):
    """Pick a briefing: type to filter, arrows to move, enter to open, escape to go back.

    The list grows as the cursor nears its end, :data:`BATCH` briefings at a time: an option
    list lays out every option it holds, and an archive may hold ten thousand.
    """

    DEFAULT_CSS = (
        dialog_css("BriefingPicker", "picker", "width: 90%; max-width: 100; height: 80%;")
        + """
    #picker-filter {
        margin: 0 0 1 0;
    }

    #picker-list {
        height: 1fr;
        border: none;
    }
    """
    )

    BINDINGS = bindings("picker")

    def __init__(
        self, library: Library, current_id: str, marks: Mapping[str, str] | None = None
    ) -> None:
        """``marks``: each briefing's ``new`` or ``updated`` (nothing when read as it is)."""
        super().__init__()
        self.library = library
        self.current_id = current_id
        self.marks = marks or {}
        self.ordered = sorted(library.entries, key=lambda e: e.published, reverse=True)
        self.kept: Sequence[Entry] = []
        """The briefings the filter keeps, with where it matched: the list shows the first
        :attr:`shown` of them."""
        self.where: dict[str, str] = {}
        self.shown = 0
        self._headings: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder="Type to filter: date, title or any words", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one("#picker", Vertical).border_title = "Briefings"
        self._fill("")
        # At once, not on the next refresh: keys typed straight after `b` go to the filter.
        self.set_focus(self.query_one(Input))

    def _fill(self, query: str) -> None:
        if query.strip() and not self._headings:
            self._headings = [heading(entry) for entry in self.ordered]
        self.kept, self.where = matching(self.library, self.ordered, query, self._headings)
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        self.shown = 0
        current = next((i for i, e in enumerate(self.kept) if e.id == self.current_id), 0)
        self._show_more(current)
        if self.kept:
            options.highlighted = current
        total, kept = len(self.ordered), len(self.kept)
        count = f"{total:,}" if kept == total else f"{kept:,} of {total:,}"
        noun = "briefing" if total == 1 else "briefings"
        self.query_one("#picker", Vertical).border_subtitle = f"{count} {noun}"

    def _show_more(self, at_least: int = 0) -> None:
        """Add the next batch of kept briefings to the list (at least up to ``at_least``)."""
        end = max(self.shown + BATCH, at_least + 1)
        batch = self.kept[self.shown : end]
        options = self.query_one("#picker-list", OptionList)
        where, marks = self.where, self.marks
        options.add_options(
            [
                Option(briefing_prompt(e, where.get(e.id), marks.get(e.id, "")), id=e.id)
                for e in batch
            ]
        )
        self.shown += len(batch)

    @on(OptionList.OptionHighlighted)
    def _near_the_end(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= self.shown - BATCH // 4 and self.shown < len(self.kept):
            self._show_more()

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
