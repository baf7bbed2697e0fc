"""The baseline for first paint and memory: a Header, a Static and a Footer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class MinimalApp(App[None]):
    """The least a Textual app can be and still look like one."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("minimal app ready")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
