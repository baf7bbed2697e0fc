"""Reaching outside the terminal: the clipboard and the web browser, each saying honestly
what was done (a terminal program cannot know whether the clipboard took the text)."""

from __future__ import annotations

import webbrowser
from typing import Any

from textual.app import App


def copy_text(app: App[Any], text: str, what: str) -> None:
    """Copy ``text`` (``what`` names it) through the terminal (OSC 52), and say so."""
    app.copy_to_clipboard(text)
    app.notify(
        f"Sent {what} to the clipboard through the terminal. If pasting gives nothing, "
        "your terminal does not let programs set the clipboard.",
        markup=False,
    )


def open_address(app: App[Any], url: str) -> None:
    """Open a web address in a browser, and say whether one could be started."""
    if app.is_web:  # served: the page the reader runs in opens it
        app.open_url(url)
        app.notify("Asked your web browser to open the address.", markup=False)
        return

    def start() -> None:
        try:
            started = webbrowser.open(url)
        except webbrowser.Error:
            started = False
        app.call_from_thread(_report, app, started)

    app.run_worker(start, thread=True, group="browser")


def _report(app: App[Any], started: bool) -> None:
    if started:
        app.notify("Started a web browser with the address.", markup=False)
    else:
        app.notify(
            "No web browser could be started here. Press c to copy the address instead.",
            severity="warning",
            markup=False,
        )
