"""The reader: header, bottom line, collapsible sections and the key-facts panel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static

from briefing.models import Briefing, Document
from briefing.widgets.facts import FactsPanel
from briefing.widgets.section import SectionView

if TYPE_CHECKING:
    from textual.events import Resize

NARROW = 100
"""Below this many columns the facts panel leaves the side and opens over the sections."""

SHORT = 32
"""Below this many lines the layout tightens so the overview still fits on one screen."""

TINY = 50
"""Below this many columns the header keeps only the title."""

FLASH_SECONDS = 1.5
"""How long a section chosen from the facts panel stays highlighted."""

_MONTHS = "January February March April May June July August September October November December"


def date_text(briefing: Briefing) -> str:
    """``19 November 2024``, with the update time when there is one."""
    published = briefing.published
    text = f"{published.day} {_MONTHS.split()[published.month - 1]} {published.year}"
    if briefing.updated is not None:
        text += f" · updated {briefing.updated.isoformat(sep=' ', timespec='minutes')}"
    return text


class ReaderScreen(Screen[None]):
    """One briefing at a time; ``[`` and ``]`` and the picker change which."""

    BINDINGS = [
        Binding("e", "expand_all", "Expand", tooltip="Open every section"),
        Binding("c", "collapse_all", "Collapse", tooltip="Close every section"),
        Binding("f", "toggle_facts", "Facts"),
        Binding("b", "pick_briefing", "Briefings"),
        Binding("left_square_bracket", "step_briefing(-1)", "Previous briefing", show=False),
        Binding("right_square_bracket", "step_briefing(1)", "Next briefing", show=False),
        Binding("tab", "switch_pane", "Sections ⇄ facts", show=False),
        Binding("shift+tab", "switch_pane", "Sections ⇄ facts", show=False),
        *(
            Binding(str(number), f"open_section({number})", f"Open section {number}", show=False)
            for number in range(1, 10)
        ),
    ]

    show_facts: var[bool] = var(True)
    """Whether the key-facts panel shows (beside the sections, or over them when narrow)."""

    narrow: var[bool] = var(False)
    """Whether the screen is too narrow for the panel beside the sections."""

    def __init__(self, document: Document, briefing: Briefing) -> None:
        super().__init__()
        self.document = document
        self.briefing = briefing
        self._last_section: str | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        briefing = self.briefing
        with Horizontal(id="header"):
            yield Static(Content(briefing.title), id="title")
            yield Static(Content(date_text(briefing)), id="date")
        with Horizontal(id="body"):
            with VerticalScroll(id="main"):
                if briefing.standfirst:
                    yield Static(Content(briefing.standfirst), id="standfirst")
                bottom_line = Static(Content(briefing.bottom_line), id="bottom-line")
                bottom_line.border_title = "Bottom line"
                yield bottom_line
                quotes = briefing.quotes
                for number, section in enumerate(briefing.sections, 1):
                    yield SectionView(
                        number, section, [q for q in quotes if q.section == section.id]
                    )
                if briefing.watch:
                    watch = Static(
                        Content("\n").join(Content(f"• {item}") for item in briefing.watch),
                        id="watch",
                    )
                    watch.border_title = "What to watch"
                    yield watch
            yield FactsPanel(briefing.sections, briefing.key_facts)
        yield Footer(compact=self.narrow)

    def on_mount(self) -> None:
        self._focus_section(0)

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW
        self.set_class(event.size.height < SHORT, "-short")
        self.set_class(event.size.width < TINY, "-tiny")

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self.show_facts = not narrow
        for footer in self.query(Footer):
            footer.compact = narrow

    def watch_show_facts(self, show: bool) -> None:
        self.set_class(show, "-show-facts")
        self.set_class(not show, "-hide-facts")
        if not show and any(panel.has_focus for panel in self.query(FactsPanel)):
            self._focus_section(self._section_index(self._last_section))

    # --- sections -------------------------------------------------------------------------

    @property
    def sections(self) -> list[SectionView]:
        """The section views, in order."""
        return list(self.query(SectionView))

    def _section_index(self, section_id: str | None) -> int:
        ids = [view.section.id for view in self.sections]
        return ids.index(section_id) if section_id in ids else 0

    def _focus_section(self, index: int, *, top: bool = False) -> None:
        views = self.sections
        if not views:
            return
        view = views[max(0, min(index, len(views) - 1))]
        view.focus(scroll_visible=not top)
        if top:
            view.bring_to_top()

    @on(SectionView.Step)
    def _step_section(self, event: SectionView.Step) -> None:
        self._focus_section(self.sections.index(event.view) + event.step)

    def on_descendant_focus(self) -> None:
        focused = self.focused
        if isinstance(focused, SectionView):
            self._last_section = focused.section.id

    def action_open_section(self, number: int) -> None:
        """Open section ``number`` (from 1) and move to it."""
        views = self.sections
        if number > len(views):
            self.notify(f"This briefing has {len(views)} sections.", markup=False)
            return
        views[number - 1].expanded = True
        if self.narrow:
            self.show_facts = False
        self._focus_section(number - 1, top=True)

    def _set_all(self, expanded: bool) -> None:
        for view in self.sections:
            view.expanded = expanded
        self._focus_section(0)
        self.call_after_refresh(self.query_one("#main", VerticalScroll).scroll_home, animate=False)

    def action_expand_all(self) -> None:
        """Open every section and go back to the top."""
        self._set_all(True)

    def action_collapse_all(self) -> None:
        """Close every section and go back to the top."""
        self._set_all(False)

    # --- facts ----------------------------------------------------------------------------

    def action_toggle_facts(self) -> None:
        """Show or hide the key-facts panel."""
        self.show_facts = not self.show_facts
        if self.show_facts and self.narrow:
            self.query_one(FactsPanel).focus()

    def action_switch_pane(self) -> None:
        """Move between the sections and the key-facts panel."""
        facts = self.query_one(FactsPanel)
        if facts.has_focus:
            if self.narrow:
                self.show_facts = False
            self._focus_section(self._section_index(self._last_section))
        else:
            self.show_facts = True
            facts.focus()

    @on(FactsPanel.Chosen)
    def _open_fact_section(self, event: FactsPanel.Chosen) -> None:
        index = self._section_index(event.fact.section)
        view = self.sections[index]
        view.expanded = True
        if self.narrow:
            self.show_facts = False
        self._focus_section(index, top=True)
        view.add_class("-flash")
        self.set_timer(FLASH_SECONDS, lambda: view.remove_class("-flash"))

    # --- briefings ------------------------------------------------------------------------

    async def show_briefing(self, briefing: Briefing) -> None:
        """Replace the briefing on screen."""
        self.briefing = briefing
        self._last_section = None
        await self.recompose()
        self._focus_section(0)

    async def action_step_briefing(self, step: int) -> None:
        """Go to the previous (-1) or next (1) briefing in the file."""
        briefings = self.document.briefings
        index = [b.id for b in briefings].index(self.briefing.id) + step
        if not 0 <= index < len(briefings):
            where = "first" if step < 0 else "last"
            self.notify(f"This is the {where} briefing in the file.", markup=False)
            return
        await self.show_briefing(briefings[index])

    def action_pick_briefing(self) -> None:
        """Choose a briefing from a filterable list."""
        from briefing.screens.picker import BriefingPicker

        def chosen(briefing_id: str | None) -> None:
            briefing = self.document.get(briefing_id) if briefing_id else None
            if briefing is not None and briefing is not self.briefing:
                self.run_worker(self.show_briefing(briefing), exclusive=True)

        self.app.push_screen(BriefingPicker(self.document, self.briefing.id), chosen)

    def open_section_by_id(self, section_id: str) -> None:
        """Open a section and move to it (for the command palette)."""
        self.action_open_section(self._section_index(section_id) + 1)

    def iter_commands(self) -> Iterator[tuple[str, str]]:
        """Plain names of this screen's commands for the palette, with the action to run."""
        yield "Expand all sections", "expand_all"
        yield "Collapse all sections", "collapse_all"
        yield "Show or hide the key facts", "toggle_facts"
