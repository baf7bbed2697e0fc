"""Job control and the signals that stop, continue or quit the reader (issue 13, "Signals").

ctrl+z suspends to the shell with the terminal as it was, `fg` brings the reader back drawn,
SIGTSTP and SIGCONT from outside do the same, and SIGQUIT ends it like SIGTERM. The real
program in tmux, in a shell with job control where the test needs one.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

from tests import test_terminal
from tests.test_terminal import Terminal, running

terminal = test_terminal.terminal  # the real program in tmux, run by `sh -c`: no job control

WIDTH, HEIGHT = 100, 30
TITLE = "Russia vows a response"


def drawn_in_full(screen: str) -> bool:
    """The whole reader on the screen: its header on the first row, the bottom line, the
    sections, and its footer on the last row."""
    rows = screen.splitlines()
    return (
        len(rows) == HEIGHT
        and TITLE in rows[0]
        and "Bottom line" in screen
        and "1. Moscow's warning" in screen
        and "Help" in rows[-1]
    )


def wait_drawn(term: Terminal, what: str) -> str:
    screen = term.wait_for(drawn_in_full, what)
    assert term.flag("alternate_on") == "1"
    return screen


pytestmark = test_terminal.pytestmark


def test_sigquit_ends_the_reader_and_restores_the_terminal(
    terminal: Callable[..., Terminal], user_home: Path
) -> None:
    term = terminal(width=WIDTH, height=HEIGHT)
    wait_drawn(term, "the reader at start")
    (reader,) = term.program_pids()
    os.kill(reader, signal.SIGQUIT)
    term.wait_for_text(f"EXITED={128 + signal.SIGQUIT}")  # as for SIGTERM: 128 + the signal
    term.assert_restored()
    assert not running(reader)
    assert (user_home / ".local/state/briefing/state.json").exists()  # saved, as on SIGTERM
