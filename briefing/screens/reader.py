"""The reader: header, bottom line, collapsible sections and the key-facts panel."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Set
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from briefing import keys
from briefing.library import Library
from briefing.marks import GUTTER, WATCH, Marks, Stop
from briefing.reading import Place
from briefing.records import (
    Briefing,
    KeyFact,
    Quote,
    Section,
    correction_place,
    corrections_title,
    date_line,
)
from briefing.search import (
    BodyKey,
    CorrectionKey,
    FactKey,
    Hit,
    LeadKey,
    Matches,
    SectionKey,
    SourceKey,
    section_of,
)
from briefing.widgets.balanced import BalancedStatic
from briefing.widgets.bindings import bindings
from briefing.widgets.column import ReadingColumn
from briefing.widgets.facts import FactsPanel
from briefing.widgets.footer import QuietFooter
from briefing.widgets.highlight import Marker, marker, moves, plain, same, shown
from briefing.widgets.news import NewsStrip
from briefing.widgets.searchbar import SearchBar
from briefing.widgets.section import SectionView

if TYPE_CHECKING:
    from textual.events import Resize
    from textual.geometry import Size
    from textual.timer import Timer


NARROW = 100
"""Below this many columns the facts panel leaves the side and opens over the sections."""

SHORT = 32
"""Below this many lines the layout tightens so the overview still fits on one screen."""

TINY = 50
"""Below this many columns the header keeps only the title."""

FLASH_SECONDS = 1.5
"""How long a section chosen from the facts panel stays highlighted."""


@runtime_checkable
class Visits(Protocol):
    """What the screen asks of an app that remembers what is read
    (:class:`briefing.app.BriefingApp`), named here so that the screen need not import it."""

    def visit(self, briefing: Briefing) -> Place:
        """The screen is about to show ``briefing``: it counts as read; where the reader was
        in it."""
        ...

    def leave(self, briefing_id: str, place: Place) -> None:
        """The screen leaves a briefing: where it was in it."""
        ...

    def briefing_marks(self) -> dict[str, str]:
        """Each briefing's mark in the picker (``new``, ``updated``)."""
        ...


News = Callable[[Briefing], tuple[Marks, str | None, str]]
"""What is new in a briefing shown, for its reader: the marks, the strip's headline (``None``:
no strip) and the word for the header (``new``, ``updated`` or nothing)."""


def no_news(briefing: Briefing) -> tuple[Marks, str | None, str]:
    """Nothing is remembered (tests, standard input): nothing to mark."""
    return Marks(), None, ""


TYPING_ACTIONS = frozenset(b.action.split("(")[0] for b in keys.scope("reader") if b.typing)
"""What the screen's keys still do while a text input has focus: the other keys are letters
the input takes, so the footer must not offer them."""


class ReaderScreen(Screen[None]):
    """One briefing at a time; ``[`` and ``]`` and the picker change which."""

    DEFAULT_CSS = """
    ReaderScreen {
        layout: vertical;
    }

    #header {
        dock: top;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
    }

    #title {
        width: 1fr;
        text-style: bold;
        color: $text;
        text-overflow: ellipsis;
    }

    #date {
        width: auto;
        margin-left: 2;
        color: $text-muted;
        text-wrap: nowrap;
    }

    /* While the file on disk is not what is on screen: a line of its own under the title. */
    #stale {
        display: none;
        dock: bottom;
        width: 100%;
        padding: 0 1;
        text-style: bold;
        text-wrap: nowrap;
        color: $foreground;
        background: $warning 30%;
    }

    /* A briefing read from a web address: a line of its own under the title. */
    #origin {
        display: none;
        dock: bottom;
        width: 100%;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }

    /* A reading measure: paragraphs wrap at about 80 columns however wide the terminal (as
       glow does); the facts panel takes what is left, up to its own measure, and the two stay
       centred. When narrow, the panel opens over the sections, on the overlay layer. */
    #body {
        height: 1fr;
        align-horizontal: center;
        layers: base overlay;
    }

    #main {
        width: 2fr;
        max-width: 88;
        height: 1fr;
        padding: 0 1;
        scrollbar-gutter: stable;
    }

    /* The editor's corrections: first, before the standfirst and the bottom line. */
    #corrections {
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $warning;
        border-title-color: $text-warning;
        border-title-style: bold;
        color: $text;
    }

    ReaderScreen.-short #corrections {
        border: none;
        border-top: solid $warning;
        margin: 0;
    }

    #standfirst {
        margin: 1 1 0 1;
        text-style: italic;
        color: $text-muted;
    }

    #bottom-line {
        margin: 1 0 1 0;
        padding: 0 1;
        border: round $accent;
        border-title-color: $text-accent;
        border-title-style: bold;
    }

    #watch {
        margin: 1 0;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        border-title-style: bold;
    }

    #corrections.-empty, #standfirst.-empty, #watch.-empty {
        display: none;
    }
    """

    AUTO_FOCUS = None
    """The screen places focus itself, at once; Textual's deferred auto-focus could take it
    back from the search input when keys come quickly after the start."""

    BINDINGS = bindings("reader")
    """From :data:`briefing.keys.BINDINGS`, which says why some have priority."""

    show_facts: var[bool] = var(True)
    """Whether the key-facts panel shows (beside the sections, or over them when narrow)."""

    narrow: var[bool] = var(False, toggle_class="-narrow")
    """Whether the screen is too narrow for the panel beside the sections."""

    searching: var[bool] = var(False, toggle_class="-searching")
    """Whether a search is in progress: the search bar shows, and :attr:`matches` holds its
    matches."""

    DIGIT_SECONDS = 0.5
    """How long the reader waits, after a digit that could start a two-digit section number,
    for the second digit."""

    def __init__(
        self,
        library: Library,
        briefing: Briefing,
        open_sections: Iterable[str] = (),
        *,
        scroll: int = 0,
        news: News = no_news,
    ) -> None:
        """``open_sections`` and ``scroll``: the ids of the sections to show open at first and
        the lines scrolled down (where the reader was in this briefing when it last left it);
        ``news``: what is new in each briefing shown, asked once each time one is shown."""
        super().__init__()
        self.library = library
        self.briefing = briefing
        self._scroll_at_start = scroll
        self.news = news
        self.marks = Marks()
        """What changed in the briefing shown since it was last read."""
        self._stop: int | None = None
        """Which of the marks' stops ``u`` went to last."""
        self._dismissed: set[str] = set()
        """The briefings whose strip of news was dismissed in this visit."""
        self._headline: str | None = None
        self._state_word = ""
        self._last_section: str | None = None
        self._first_digit: int | None = None
        """A digit typed less than :attr:`DIGIT_SECONDS` ago that may start a section number."""
        self._digit_timer: Timer | None = None
        self.matches = Matches()
        """The search in progress (empty when there is none)."""
        self._recomposing = asyncio.Lock()
        self._open_at_start = frozenset(open_sections)
        self._origin: str | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout classes for the terminal's size are set before the widgets exist: set
        # later, on the first resize, each class would restyle every widget on the screen.
        self._fit(self.app.size)
        with Horizontal(id="header"):
            yield BalancedStatic(id="title")
            yield Static(id="date")
            yield Static(id="stale")  # shown while the file on disk is not what is on screen
            yield Static(id="origin")  # a briefing from a web address: where, and how fresh
        yield NewsStrip(id="news")
        with Horizontal(id="body"):
            with ReadingColumn(id="main"):
                yield Static(id="corrections")
                yield Static(id="standfirst")
                bottom_line = Static(id="bottom-line")
                bottom_line.border_title = "Bottom line"
                yield bottom_line
                yield from self._new_views(0, self._open_at_start)
                watch = Static(id="watch")
                watch.border_title = "What to watch"
                yield watch
            yield FactsPanel(self.briefing)
        yield SearchBar(id="search")
        yield QuietFooter(compact=self.narrow).data_bind(compact=ReaderScreen.narrow)

    def _new_views(self, start: int, open_ids: Set[str]) -> Iterator[SectionView]:
        """Views for the sections of the briefing from ``start`` on, those in ``open_ids``
        open."""
        sections = self.briefing.sections
        for number, section in enumerate(sections[start:], start + 1):
            is_open = section.id in open_ids
            yield SectionView(number, section, self._quotes(section), expanded=is_open)

    def _quotes(self, section: Section) -> list[tuple[int, Quote]]:
        """The section's quotes, each with its index among the briefing's quotes."""
        return [(i, q) for i, q in enumerate(self.briefing.quotes) if q.section == section.id]

    def _fill_text(self) -> None:
        """Show the briefing's title, date, corrections, standfirst, bottom line and what to
        watch."""
        briefing = self.briefing
        self._show("title", shown(briefing.title))
        self._show("origin", Content(self._origin or ""))
        word = f" \u00b7 {self._state_word}" if self._state_word else ""
        self._show("date", Content(date_line(briefing) + word))
        corrections = self.query_one("#corrections", Static)
        corrections.border_title = corrections_title(briefing)
        corrections.set_class(not briefing.corrections, "-empty")
        self._show("corrections", self._corrections(plain))
        self._show("standfirst", shown(briefing.standfirst or ""))
        self.query_one("#standfirst").set_class(not briefing.standfirst, "-empty")
        self._show("bottom-line", shown(briefing.bottom_line))
        changed = self.marks.lead.get("bottom_line")
        bottom_line = self.query_one("#bottom-line")
        bottom_line.border_title = "Bottom line" + (" \u00b7 changed" if changed else "")
        new = self.marks.watch  # a new or reworded item's bullet is its gutter mark
        items = [
            shown(f"{GUTTER[new[i]] if i in new else '•'} {item}")
            for i, item in enumerate(briefing.watch)
        ]
        self._show("watch", Content("\n").join(items))
        self.query_one("#watch").set_class(not briefing.watch, "-empty")

    def _take_news(self) -> None:
        """Ask what is new in the briefing now shown (this counts it as read), for the marks
        and the strip."""
        self.marks, self._headline, self._state_word = self.news(self.briefing)
        self._stop = None

    def _show_news(self) -> None:
        """Mark what changed since the briefing was last read: the strip, the sections, the
        facts (the bottom line and what to watch are marked by :meth:`_fill_text`)."""
        marks = self.marks
        for view in self.sections:
            section_id = view.section.id
            parts = {k: how for k, how in marks.parts.items() if k.section == section_id}
            count = marks.sections.get(section_id, 0)
            view.show_changes(parts, count, section_id in marks.new_sections)
        self._show_strip()

    def _show_strip(self) -> None:
        """The strip of what changed, unless there is none or it was dismissed."""
        marks = self.marks
        strip = self.query_one(NewsStrip)
        if self._headline is None or self.briefing.id in self._dismissed:
            strip.say(None)
        else:
            strip.say(self._headline, marks.changes, self._news_keys())

    def _news_keys(self) -> str:
        """The strip's key hints: the keys in force (the user's own, if rebound)."""
        shown = getattr(self.app, "key_shown", None)
        if shown is None:
            return ""
        hints = []
        if self.marks.stops:
            hints.append(f"{shown('reader.next-change')}: next change")
        hints.append(f"{shown('reader.dismiss-news')}: dismiss")
        if not self.narrow:  # on a small screen every line counts: the help says it
            hints.append(f"marked {GUTTER['added']} new, {GUTTER['changed']} changed")
        return " \u00b7 ".join(hints)

    async def _replace(self, briefing: Briefing, open_ids: Set[str] = frozenset()) -> None:
        """Show another briefing in the widgets already there (building widgets is what takes
        time): sections are reused, and only those beyond the old count are added or removed.
        The sections in ``open_ids`` show open, the others closed.
        """
        self.briefing = briefing
        self._take_news()
        self._fill_text()
        views = self.sections
        sections = briefing.sections
        for number, (view, section) in enumerate(zip(views, sections, strict=False), 1):
            is_open = section.id in open_ids
            view.show(number, section, self._quotes(section), expanded=is_open)
        if len(views) > len(sections):
            await self.remove_children(views[len(sections) :])
        elif len(views) < len(sections):
            main = self.query_one("#main", VerticalScroll)
            await main.mount_all(self._new_views(len(views), open_ids), before="#watch")
        self.query_one(FactsPanel).set_facts(briefing, self.marks.facts)
        self._show_news()
        self.query_one("#main", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(self._prepare_sections, 0)

    def on_mount(self) -> None:
        self._take_news()
        self._fill_text()
        if self.marks:
            self.query_one(FactsPanel).set_facts(self.briefing, self.marks.facts)
        self._show_news()
        self._focus_section(0, scroll=False)
        self.call_after_refresh(self._prepare_sections, 0)
        if self._scroll_at_start:
            self._scroll_after_layout(self._scroll_at_start)

    def _scroll_after_layout(self, lines: int) -> None:
        """Scroll the main column down ``lines`` once the sections shown open are laid out."""
        main = self.query_one("#main", VerticalScroll)
        self.call_after_refresh(main.scroll_to, y=lines, animate=False)

    def place(self) -> Place:
        """Where the reader is in the briefing on screen: its open sections, its scroll."""
        main = self.query_one("#main", VerticalScroll)
        opened = tuple(view.section.id for view in self.sections if view.expanded)
        return Place(opened, round(main.scroll_y))

    def _visits(self) -> Visits | None:
        """The app, when it remembers what is read (``None`` in an app of another kind)."""
        return self.app if isinstance(self.app, Visits) else None

    def _prepare_sections(self, index: int) -> None:
        """While idle, wrap the sections' bodies one at a time, so that opening them (``e``
        on sixty sections) only lays out what is ready."""
        views = self.sections
        if index < len(views):
            views[index].prepare()
            self.call_after_refresh(self._prepare_sections, index + 1)

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW
        self.set_class(event.size.height < SHORT, "-short")
        self.set_class(event.size.width < TINY, "-tiny")

    def _fit(self, size: Size) -> None:
        """Take the layout for a screen of this size, without calling watchers."""
        narrow = size.width < NARROW
        self.set_reactive(ReaderScreen.narrow, narrow)
        self.set_reactive(ReaderScreen.show_facts, not narrow)
        classes = {"-narrow": narrow, "-short": size.height < SHORT, "-tiny": size.width < TINY,
                   "-show-facts": not narrow, "-hide-facts": narrow}  # fmt: skip
        self.set_classes([name for name, wanted in classes.items() if wanted])

    def watch_narrow(self, narrow: bool) -> None:
        self.show_facts = not narrow
        if self.is_mounted:
            self._show_strip()  # its key hints fit the width

    def watch_show_facts(self, show: bool) -> None:
        self.set_class(show, "-show-facts")
        self.set_class(not show, "-hide-facts")
        if not show and any(panel.has_focus for panel in self.query(FactsPanel)):
            self._focus_section(self._section_index(self._last_section))

    def show_stale(self, reason: str | None, what: str = "file") -> None:
        """Say in the header, for as long as it lasts, that what is on screen is not the data
        ``what`` (the file, the folder)'s current content, and why (``None``: it is again)."""
        self._show(
            "stale", Content(f"⚠ Not the {what}'s current content: {reason}" if reason else "")
        )
        self.set_class(reason is not None, "-stale")

    def show_origin(self, origin: str | None) -> None:
        """Say in the header where the briefing comes from and how fresh it is (``Fetched 2 min
        ago · from https://…``; ``None``: a local file, nothing to say)."""
        self._origin = origin
        self.set_class(origin is not None, "-subscribed")
        if self.is_mounted:
            self._show("origin", Content(origin or ""))

    # --- sections -------------------------------------------------------------------------

    @property
    def sections(self) -> list[SectionView]:
        """The section views, in order."""
        return list(self.query(SectionView))

    def _section_index(self, section_id: str | None) -> int:
        ids = [view.section.id for view in self.sections]
        return ids.index(section_id) if section_id in ids else 0

    def _focus_section(self, index: int, *, top: bool = False, scroll: bool = True) -> None:
        """Focus a section: scrolled into view, to the top of the view (``top``), or where it
        is (not ``scroll``: at start, when the bottom line must stay the first thing seen)."""
        views = self.sections
        if not views:
            return
        view = views[max(0, min(index, len(views) - 1))]
        # At once, not on the next refresh, so no key typed meanwhile goes to the old focus.
        self.set_focus(view, scroll_visible=scroll and not top)
        if top:
            view.bring_to_top()

    @on(SectionView.Step)
    def _step_section(self, event: SectionView.Step) -> None:
        self._focus_section(self.sections.index(event.view) + event.step)

    def on_descendant_focus(self) -> None:
        focused = self.focused
        if isinstance(focused, SectionView):
            self._last_section = focused.section.id

    def action_digit(self, digit: int) -> None:
        """A digit of a section number: one digit opens its section at once, unless the
        briefing has a two-digit section that it could start; then a second digit typed within
        :attr:`DIGIT_SECONDS` makes the number (``1`` ``2``: section 12), else it opens alone."""
        first, self._first_digit = self._first_digit, None
        if self._digit_timer is not None:
            self._digit_timer.stop()
            self._digit_timer = None
        count = len(self.sections)
        if first is not None:
            if first * 10 + digit <= count:
                self.action_open_section(first * 10 + digit)
                return
            self.action_open_section(first)  # no such two-digit section: each digit alone
        if digit > 0 and digit * 10 <= count:
            self._first_digit = digit
            self._digit_timer = self.set_timer(self.DIGIT_SECONDS, self._digit_alone)
        elif digit > 0:
            self.action_open_section(digit)

    def _digit_alone(self) -> None:
        """No second digit came: open the section of the first alone."""
        digit, self._first_digit, self._digit_timer = self._first_digit, None, None
        if digit is not None:
            self.action_open_section(digit)

    def action_first_section(self) -> None:
        """Go to the first section, the top of the briefing in view."""
        self._focus_section(0, scroll=False)
        self.query_one("#main", VerticalScroll).scroll_home(animate=False, immediate=True)

    def action_last_section(self) -> None:
        """Go to the last section, the end of the briefing in view."""
        self._focus_section(len(self.sections) - 1, scroll=False)
        self.query_one("#main", VerticalScroll).scroll_end(animate=False, immediate=True)

    def action_scroll_pages(self, pages: float) -> None:
        """Scroll by ``pages`` screens (half a page for ``ctrl+d``/``ctrl+u``), at once; the
        focus moves to a section in view, so the next key acts on what is on screen."""
        main = self.query_one("#main", VerticalScroll)
        step = max(1, round(main.scrollable_content_region.height * abs(pages)))
        main.scroll_to(y=main.scroll_y + step * (1 if pages > 0 else -1), animate=False)
        self.call_after_refresh(self._focus_in_view)

    def _focus_in_view(self) -> None:
        """Keep the focused section if it is in view, else focus the first section in view
        (or the nearest one when none is)."""
        main = self.query_one("#main", VerticalScroll)
        top, bottom = main.scroll_y, main.scroll_y + main.scrollable_content_region.height
        views = self.sections
        if not views or not isinstance(self.focused, SectionView):
            return

        def in_view(view: SectionView) -> bool:
            region = view.virtual_region
            return region.bottom > top and region.y < bottom

        if in_view(self.focused):
            return
        shown = [i for i, view in enumerate(views) if in_view(view)]
        nearest = 0 if views[0].virtual_region.y >= bottom else len(views) - 1
        self._focus_section(shown[0] if shown else nearest, scroll=False)

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
        self._focus_section(0, scroll=False)
        # At once: a key typed straight after (`e` `2` in one read) scrolls from the top, and a
        # return to the top deferred to the next refresh would undo its scroll.
        self.query_one("#main", VerticalScroll).scroll_home(animate=False, immediate=True)

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

    def action_close_facts(self) -> None:
        """Close the facts panel laid over the sections (narrow screens)."""
        self.show_facts = False

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
    def _show_fact(self, event: FactsPanel.Chosen) -> None:
        """The fact chosen, with its grade and the sources it cites; from there, ``g`` goes to
        its section."""
        from briefing.screens.fact import FactScreen

        fact = event.fact

        def chosen(to_section: bool | None) -> None:
            if to_section:
                self.open_fact_section(fact)

        self.app.push_screen(FactScreen(self.briefing, fact), chosen)

    def open_fact_section(self, fact: KeyFact) -> None:
        """Open the section a fact belongs to, move to it and flash it."""
        index = self._section_index(fact.section)
        view = self.sections[index]
        view.expanded = True
        if self.narrow:
            self.show_facts = False
        self._focus_section(index, top=True)
        view.add_class("-flash")
        self.set_timer(FLASH_SECONDS, lambda: view.remove_class("-flash"))

    # --- search --------------------------------------------------------------------------
    # A search is entered (the bar shows, its input focused, perhaps with a query) and left
    # (no highlights, the bar gone) in one place each: _enter_search and _leave_search.

    def watch_searching(self, searching: bool) -> None:
        # At once, not on the next refresh: keys typed straight after the slash (fast typing,
        # a paste) must land in the shown input, not run as commands.
        self.query_one(SearchBar).display = searching

    async def _enter_search(self, query: str | None = None, *, focus: bool = True) -> None:
        """Show the search bar, with ``query`` searched for (``None``: the last query, all of
        it selected, so typing replaces it and ``enter`` keeps it), its input focused or not."""
        bar = self.query_one(SearchBar)
        search_input = await bar.ready()
        self.searching = True
        if focus:
            self.set_focus(search_input)
        if query is None:
            search_input.select_all()
        else:
            bar.set_query(query)
            self.run_search(query)

    def _leave_search(self) -> None:
        """End the search: its matches are forgotten (the sections it opened stay open: the
        reader was reading them), its highlights go, the bar hides, its input empties."""
        self.matches.clear()
        if not self.searching:
            return
        self.searching = False
        bar = self.query_one(SearchBar)
        bar.set_query("")
        bar.show_count("")
        self._mark(plain)
        self.refresh_bindings()  # n and N no longer apply

    async def action_start_search(self) -> None:
        """Open the search bar: matches are found and shown as you type. Searching again
        selects the last query, so typing replaces it and ``enter`` keeps it."""
        # The binding has priority, so keys typed while the input is made wait for this.
        await self._enter_search()

    @on(Input.Changed, "#search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    async def _typed(self) -> None:
        """Wait until the search box, then this screen, have handled the keys and changes
        already sent to them.

        ``enter`` and ``escape`` have priority, so the app runs them as soon as it reads them:
        the letters typed before them may still wait in the input's queue. The app reads no
        further key until this returns, so none reaches the box after it is left.
        """
        for pump in (self.query_one(SearchBar).input, self):
            handled = asyncio.Event()
            pump.call_later(handled.set)
            await handled.wait()

    async def action_finish_search(self) -> None:
        """``enter`` in the search box: the search is done; leave the box for the matches,
        where ``n`` and ``N`` move between them (an empty search just closes)."""
        await self._typed()
        if not self.query_one(SearchBar).query_text.strip():
            self._close_search()
            return
        hit = self.matches.hit
        section_id = section_of(hit.field.key) if hit is not None else None
        if section_id is not None:
            self._last_section = section_id
        self._focus_section(self._section_index(self._last_section), scroll=False)
        self.refresh_bindings()

    def run_search(self, query: str) -> None:
        """Find ``query``, open the sections that hold it, and show the first match."""
        matches = self.matches
        holding = matches.find(self.briefing, query)
        for view in self.sections:
            section_id = view.section.id
            if section_id in holding and not view.expanded:
                view.expanded = True
                matches.opened.add(section_id)
            elif section_id not in holding and section_id in matches.opened:
                # Opened for an earlier keystroke's matches: close it again.
                view.expanded = False
                matches.opened.discard(section_id)
        self._show_current(query)

    def action_next_match(self) -> None:
        """Go to the next match (after the last, the first)."""
        self._step_match(1)

    def action_previous_match(self) -> None:
        """Go to the previous match (before the first, the last)."""
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        if self.matches.step(step) is not None:
            self._show_current(self.query_one(SearchBar).query_text)

    async def action_clear_search(self) -> None:
        """Close the search: no more highlights."""
        if self.typing:
            await self._typed()
        self._close_search()

    def _close_search(self) -> None:
        had_focus = self.query_one(SearchBar).input.has_focus
        self._leave_search()
        if had_focus or self.focused is None:
            self._focus_section(self._section_index(self._last_section))

    @property
    def typing(self) -> bool:
        """Whether a text input (the search box) has focus: it takes the letter keys."""
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._recomposing.locked():
            return False  # the screen is being rebuilt (a reload): its keys wait for it
        if self.typing and action not in TYPING_ACTIONS:
            return False  # a letter for the input (a priority `/` or `b` falls through to it)
        applies = {
            "next_match": lambda: bool(self.matches.hits),
            "previous_match": lambda: bool(self.matches.hits),
            "clear_search": lambda: self.searching,
            "close_facts": lambda: self.narrow and self.show_facts,
            "finish_search": lambda: self.typing,
            "next_change": lambda: bool(self.marks.stops),
            "previous_change": lambda: bool(self.marks.stops),
            "dismiss_news": lambda: self.query_one(NewsStrip).shown,
        }.get(action)
        return applies() if applies is not None else True

    def _show_current(self, query: str) -> None:
        hit = self.matches.hit
        self._mark(marker(query, hit) if query.strip() else plain)
        self.query_one(SearchBar).show_count(self.matches.count(query))
        if hit is not None:
            self._reveal(hit)
        # No refresh_bindings() here: the search keys are not in the footer, and refreshing
        # it rebuilds the footer on every keystroke.

    def _show(self, widget_id: str, content: Content) -> None:
        """Show content in one of the screen's own Statics, if it is not shown already (an
        update lays the screen out again)."""
        static = self.query_one(f"#{widget_id}", Static)
        shown = static.content if isinstance(static.content, Content) else None
        if not same(shown, content):
            static.update(content, layout=moves(shown, content))

    def _corrections(self, mark: Marker) -> Content:
        """The briefing's corrections, one a line: ``20 November 2024 — text (section 2,
        Title)``, the date in bold."""
        briefing = self.briefing
        lines = []
        for index, correction in enumerate(briefing.corrections):
            place = correction_place(briefing, correction)
            lines.append(
                Content.assemble(
                    (correction.when(), "bold"),
                    " \u2014 ",
                    mark(CorrectionKey(index), correction.text),
                    shown(f" ({place})") if place else "",
                )
            )
        return Content("\n").join(lines)

    def _mark(self, mark: Marker) -> None:
        briefing = self.briefing
        self._show("title", mark(LeadKey("title"), briefing.title))
        if briefing.corrections:
            self._show("corrections", self._corrections(mark))
        if briefing.standfirst:
            self._show("standfirst", mark(LeadKey("standfirst"), briefing.standfirst))
        self._show("bottom-line", mark(LeadKey("bottom_line"), briefing.bottom_line))
        for view in self.sections:
            view.mark(mark)
        self.query_one(FactsPanel).mark(mark)

    def _reveal(self, hit: Hit) -> None:
        """Scroll to a match: open its section, or show its fact in the panel (for a source's
        name, the first fact that cites the source)."""
        self._go_to(hit.field.key)

    def _go_to(self, key: Stop | SourceKey | CorrectionKey) -> None:
        """Scroll to a place (a match's, a change's): open its section, or show its fact in
        the panel (for a source's name, the first fact that cites it)."""
        main = self.query_one("#main", VerticalScroll)
        if key == WATCH:
            self.call_after_refresh(main.scroll_end, animate=False)
            return
        if isinstance(key, SectionKey | BodyKey):
            view = self.sections[self._section_index(key.section)]
            view.expanded = True
            self.call_after_refresh(self._scroll_to_part, view, key)
        elif isinstance(key, FactKey):
            self.show_facts = True
            self.query_one(FactsPanel).show_fact(key.position)
        elif isinstance(key, SourceKey):
            self._reveal_source(key.position)
        elif key.part != "title":
            self.call_after_refresh(main.scroll_home, animate=False)

    def _reveal_source(self, position: int) -> None:
        """A match in a source's name: the sources are not on the page (``s`` shows them), so
        the facts panel shows the first fact that cites the source, if one does; else nothing
        moves."""
        source_id = self.briefing.sources[position].id
        facts = self.briefing.key_facts
        citing = [i for i, fact in enumerate(facts) if source_id and source_id in fact.sources]
        if citing:
            self.show_facts = True
            self.query_one(FactsPanel).show_fact(citing[0])

    def _scroll_to_part(self, view: SectionView, key: SectionKey | BodyKey) -> None:
        """Centre the line where a part of a section starts (its title for the title)."""
        main = self.query_one("#main", VerticalScroll)
        top = view.virtual_region.y
        for ancestor in view.ancestors:
            if ancestor is main or not isinstance(ancestor, Widget):
                break
            top += ancestor.virtual_region.y
        line = top + view.part_line(key)
        main.scroll_to(y=max(line - main.scrollable_content_region.height // 2, 0), animate=False)

    # --- what changed since the last visit ---------------------------------------------

    def action_next_change(self) -> None:
        """Go to the next change since the briefing was last read (after the last, the
        first), opening its section."""
        self._step_change(1)

    def action_previous_change(self) -> None:
        """Go to the previous change since the briefing was last read."""
        self._step_change(-1)

    def _step_change(self, step: int) -> None:
        stops = self.marks.stops
        if not stops:
            return
        start = -1 if step > 0 else 0
        self._stop = ((start if self._stop is None else self._stop) + step) % len(stops)
        stop = stops[self._stop]
        if isinstance(stop, SectionKey | BodyKey):
            index = self._section_index(stop.section)
            self.sections[index].expanded = True
            self._focus_section(index, scroll=False)
            if self.narrow:
                self.show_facts = False
        self._go_to(stop)
        said = self.marks.said[self._stop]
        self.notify(f"Change {self._stop + 1} of {len(stops)}: {said}", timeout=3, markup=False)

    def help_also(self) -> list[tuple[str, str]]:
        """The help's rows for the keys of what changed, while nothing did (they apply as soon
        as a briefing you read has changed: the help says so, the footer only then)."""
        shown = getattr(self.app, "key_shown", None)
        if shown is None or self.marks.stops:
            return []
        when = " (when the briefing changed since you read it)"
        return [
            (shown("reader.next-change"), f"Next change{when}"),
            (shown("reader.previous-change"), f"Previous change{when}"),
            (shown("reader.dismiss-news"), "Dismiss the note of what changed"),
        ]

    def action_dismiss_news(self) -> None:
        """Dismiss the strip that says what changed (the marks stay, for this visit)."""
        self._dismissed.add(self.briefing.id)
        self.query_one(NewsStrip).say(None)
        self.refresh_bindings()

    # --- timeline, sources, copy --------------------------------------------------------

    def action_timeline(self) -> None:
        """The dated events, in order; choosing one opens its section."""
        from briefing.screens.timeline import TimelineScreen

        def chosen(section_id: str | None) -> None:
            if section_id is not None:
                self.open_section_by_id(section_id)

        self.app.push_screen(TimelineScreen(self.briefing, self.marks.events), chosen)

    def action_sources(self) -> None:
        """Where the information comes from; ``o`` opens a source's address."""
        from briefing.screens.sources import SourcesScreen

        self.app.push_screen(SourcesScreen(self.briefing))

    def action_copy_summary(self) -> None:
        """Copy the text summary of this briefing to the clipboard."""
        from briefing.screens.outside import copy_text
        from briefing.summary import Options, render

        text = "".join(render([self.briefing], "text", Options(width=80)))
        copy_text(self.app, text, "the summary of this briefing")

    # --- briefings ------------------------------------------------------------------------

    async def show_briefing(self, briefing: Briefing) -> None:
        """Replace the briefing on screen."""
        async with self._recomposing:
            await self._show_briefing(briefing)

    async def _show_briefing(self, briefing: Briefing) -> None:
        """Show another briefing where the reader was in it last (its open sections, its
        scroll), keeping where it was in the one it leaves, and marking the new one read."""
        visits = self._visits()
        place = Place()
        if visits is not None:
            visits.leave(self.briefing.id, self.place())
            place = visits.visit(briefing)
        self.briefing = briefing
        self._last_section = None
        self._leave_search()
        await self._replace(briefing, frozenset(place.open_sections))
        self._focus_section(0, scroll=False)
        if place.scroll:
            self._scroll_after_layout(place.scroll)

    async def show_document(self, library: Library) -> None:
        """Show a reloaded file, keeping the briefing, its open sections, the focused section,
        the scroll position and the search, wherever they still exist."""
        async with self._recomposing:  # one rebuild at a time: reloads can come close together
            await self._show_document(library)

    async def _show_document(self, library: Library) -> None:
        main = self.query_one("#main", VerticalScroll)
        scroll_y = main.scroll_y
        open_ids = {view.section.id for view in self.sections if view.expanded}
        focused = self._last_section
        bar = self.query_one(SearchBar)
        searching, query = self.searching, bar.query_text
        search_focused = searching and bar.input.has_focus
        self.library = library
        kept = library.briefing(self.briefing.id)
        self.matches.clear()
        shown = kept or library.newest()
        visits = self._visits()
        if visits is not None:  # the new version on screen is the one read (the place stays)
            visits.visit(shown)
        await self._replace(shown, open_ids if kept is not None else set())
        self._last_section = focused if kept is not None else None
        self._focus_section(self._section_index(self._last_section))
        if kept is not None:
            main = self.query_one("#main", VerticalScroll)
            self.call_after_refresh(main.scroll_to, y=scroll_y, animate=False)
        if searching:
            await self._enter_search(query, focus=search_focused)
            self.refresh_bindings()  # whether n and N apply may have changed

    async def action_step_briefing(self, step: int) -> None:
        """Go to the previous (-1) or next (1) briefing in the file."""
        ids = self.library.ids()
        index = ids.index(self.briefing.id) + step if self.briefing.id in ids else 0
        if not 0 <= index < len(ids):
            where = "first" if step < 0 else "last"
            self.notify(f"This is the {where} briefing in the file.", markup=False)
            return
        briefing = self.library.briefing(ids[index])
        if briefing is not None:
            await self.show_briefing(briefing)

    async def action_pick_briefing(self) -> None:
        """Choose a briefing from a filterable list."""
        from briefing.screens.picker import BriefingPicker

        def chosen(briefing_id: str | None) -> None:
            if briefing_id is not None and briefing_id != self.briefing.id:
                self.open_briefing(briefing_id)

        # Awaited: the picker's filter has focus before the app reads the next key, so the
        # keys typed straight after `b` filter the list.
        visits = self._visits()
        marks = visits.briefing_marks() if visits is not None else {}
        await self.app.push_screen(BriefingPicker(self.library, self.briefing.id, marks), chosen)

    def open_briefing(self, briefing_id: str) -> None:
        """Show the briefing with this id (for the picker and the command palette)."""
        briefing = self.library.briefing(briefing_id)
        if briefing is not None:
            self.run_worker(self.show_briefing(briefing), exclusive=True)

    def open_section_by_id(self, section_id: str) -> None:
        """Open a section and move to it (for the command palette)."""
        self.action_open_section(self._section_index(section_id) + 1)
