"""A second baseline for first paint and memory: the reader's first screen built from Textual's
stock widgets, with none of the reader's code.

It reads the default briefing with the json module and draws what the reader's first screen
draws: the title and date, the standfirst, the bottom line and what to watch in bordered boxes,
one collapsed ``Collapsible`` per section with its one-line summary under it, the key facts
(status, value, label and source) in a bordered column, and a footer of eight keys. It is
what any Textual app showing this briefing would pay, so the reader's cost above it is what
the reader's own code costs (benchmarks/bench.py reports both ratios).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Collapsible, Footer, OptionList, Static

DATA = Path(__file__).resolve().parent.parent / "data" / "briefings.json"


class FloorApp(App[None]):
    """The reader's first screen, as stock widgets draw it."""

    CSS = """
    #title { height: 1; padding: 0 1; text-style: bold; }
    #story { width: 1fr; }
    #facts { width: 40; border: round $primary; border-title-align: left; }
    .box { border: round $primary; margin: 1 3 1 1; padding: 0 1; }
    .summary { padding: 0 4; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "key('enter')", "Open/close"),
        Binding("e", "expand", "Expand"),
        Binding("c", "key('c')", "Collapse"),
        Binding("f", "key('f')", "Facts"),
        Binding("slash", "key('slash')", "Search"),
        Binding("t", "key('t')", "Timeline"),
        Binding("question_mark", "key('question_mark')", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("b", "pick", "Briefings", show=False),
    ]

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        """``document``: the bundled file's (the default), or one made from it by the
        benchmarks; Collapsible parses its title as markup, so nothing else."""
        super().__init__()
        self.document = document or json.loads(DATA.read_text(encoding="utf-8"))
        self.briefing = self.document["briefings"][0]

    def compose(self) -> ComposeResult:
        briefing = self.briefing
        date = briefing.get("published") or ""
        yield Static(f"{briefing['title']}   {date}", id="title", markup=False)
        with Horizontal():
            with VerticalScroll(id="story"):
                yield Static(briefing.get("standfirst", ""), markup=False, classes="summary")
                bottom = Static(briefing["bottom_line"], markup=False, classes="box")
                bottom.border_title = "Bottom line"
                yield bottom
                for number, section in enumerate(briefing["sections"], 1):
                    title = f"{number}. {section['title']}"
                    with Collapsible(title=title, collapsed=True):
                        yield Static("\n\n".join(section["paragraphs"]), markup=False)
                    yield Static(section["summary"], markup=False, classes="summary")
                watch = Static(
                    "\n".join(f"• {item}" for item in briefing["watch"]),
                    markup=False,
                    classes="box",
                )
                watch.border_title = "What to watch"
                yield watch
            facts = VerticalScroll(id="facts")
            facts.border_title = "Key facts"
            with facts:
                for fact in briefing["key_facts"]:
                    status = fact["status"].upper()
                    sources = ", ".join(fact.get("sources", []))
                    text = f"{status:<12}{fact['value']}\n{fact['label']}\nper {sources}"
                    yield Static(text, markup=False)
        yield Footer()

    def on_mount(self) -> None:
        # The marker the first-paint benchmark waits for is the first section's title.
        self.title = self.briefing["title"]

    def action_expand(self) -> None:
        for collapsible in self.query(Collapsible):
            collapsible.collapsed = False

    def action_pick(self) -> None:
        # As the reader's picker: the first 100 titles, newest first.
        briefings = sorted(self.document["briefings"], key=lambda b: b["id"], reverse=True)
        self.push_screen(Picker([briefing["title"] for briefing in briefings[:100]]))

    def action_key(self, key: str) -> None:
        pass  # each key its own action, as in the reader: the footer groups a shared one


class Picker(ModalScreen[None]):
    """A list of briefings to choose from."""

    DEFAULT_CSS = "Picker OptionList { width: 80%; height: 80%; }"
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield OptionList(*self.titles)


class OneScreenApp(App[None]):
    """The minimal app with a key, ``x``, that opens a screen of one line: what any dialog
    costs Textual, before its content."""

    BINDINGS = [Binding("x", "open", "Open")]

    def compose(self) -> ComposeResult:
        yield Static("minimal app ready")
        yield Footer()

    def action_open(self) -> None:
        self.push_screen(OneLine())


class OneLine(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a screen of one line")


if __name__ == "__main__":
    FloorApp().run()
