"""Job control and the signals that stop, continue or quit the reader (issue 13, "Signals").

ctrl+z suspends to the shell with the terminal as it was, `fg` brings the reader back drawn,
SIGTSTP and SIGCONT from outside do the same, and SIGQUIT ends it like SIGTERM. The real
program in tmux, in a shell with job control where the test needs one.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefing.app import make_app
from briefing.records import Document
from briefing.screens.help import HelpScreen
from tests import test_terminal
from tests.conftest import ROOT, USER_FOLDERS, notifications, run_cli
from tests.test_terminal import TIMEOUT, Terminal, running, wait_until_ended

terminal = test_terminal.terminal  # the real program in tmux, run by `sh -c`: no job control

WIDTH, HEIGHT = 100, 30
PROMPT = "READY$ "
TITLE = "Biden clears Ukraine"


def process_state(pid: int) -> str:
    """The process's state letter (``S`` sleeping, ``T`` stopped...; ``""`` once it is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return ""


def wait_for_state(pid: int, state: str, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process_state(pid) == state:
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: the reader's state is {process_state(pid)!r}, not {state!r}")


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


def prompts(screen: str) -> int:
    return sum(row.startswith(PROMPT.rstrip()) for row in screen.splitlines())


class Shell:
    """An interactive bash with job control in a tmux pane, where the test types commands."""

    def __init__(self) -> None:
        env = {
            **{variable: os.environ[variable] for variable in USER_FOLDERS},
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
            "PS1": PROMPT,
        }
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        self.term = Terminal(WIDTH, HEIGHT, f"env {exports} bash --norc --noprofile -i")
        self.term.wait_for(lambda screen: prompts(screen) >= 1, "the shell's prompt")
        # A detached pane can start at tmux's default size and be resized a moment later: the
        # reader starts only once the pane has the size asked for.
        size = f"{WIDTH}x{HEIGHT}"
        self.term.wait_for(
            lambda _: self.term.flag("pane_width") + "x" + self.term.flag("pane_height") == size,
            f"the pane at {size}",
        )

    def run(self, command: str) -> None:
        """Type a command line, as a user does, and Enter."""
        self.term.keys("-l", command)
        self.term.keys("Enter")

    def start_reader(self) -> int:
        """``briefing`` typed at the prompt: the reader's process id, once it has drawn."""
        self.run(shlex.join([sys.executable, "-m", "briefing"]))
        wait_drawn(self.term, "the reader at start")
        (reader,) = self.term.program_pids()
        return reader

    def wait_for_prompt(self, count: int) -> str:
        """Wait until the shell has shown its ``count``-th prompt (the shell has the terminal)."""
        return self.term.wait_for(lambda screen: prompts(screen) >= count, f"prompt {count}")


@pytest.fixture
def shell() -> Iterator[Callable[[], Shell]]:
    started: list[Shell] = []

    def start() -> Shell:
        started.append(Shell())
        return started[-1]

    yield start
    for one in started:
        one.term.kill()


def assert_given_back(term: Terminal) -> None:
    """The terminal as it was before the reader: the main screen, no mouse reporting, the
    cursor shown."""
    term.assert_restored()
    assert term.flag("cursor_flag") == "1"


pytestmark = test_terminal.pytestmark


def test_ctrl_z_suspends_to_the_shell_and_fg_brings_the_reader_back_drawn(
    shell: Callable[[], Shell],
) -> None:
    sh = shell()
    reader = sh.start_reader()
    sh.term.keys("C-z")
    screen = sh.wait_for_prompt(2)  # the shell's prompt, after the one the reader started from
    assert "Stopped" in screen
    wait_for_state(reader, "T", "after ctrl+z")
    assert_given_back(sh.term)
    sh.run("bg")  # continued in the background, the reader stops again and waits for fg
    sh.wait_for_prompt(3)
    wait_for_state(reader, "T", "after bg")
    assert_given_back(sh.term)
    sh.run("fg")
    wait_drawn(sh.term, "the reader after fg")
    assert process_state(reader) in ("S", "R")
    sh.term.keys("2")  # it reads keys again
    sh.term.wait_for_text("▾ 2. The missile decision")
    sh.term.keys("q")
    screen = sh.wait_for_prompt(4)
    wait_until_ended([reader], "the reader after q")
    assert_given_back(sh.term)


def test_a_stopped_reader_ended_by_the_shell_saves_its_state_and_ends(
    shell: Callable[[], Shell], user_home: Path
) -> None:
    sh = shell()
    reader = sh.start_reader()
    sh.term.keys("2")
    sh.term.wait_for_text("▾ 2. The missile decision")
    sh.term.keys("C-z")
    sh.wait_for_prompt(2)
    wait_for_state(reader, "T", "after ctrl+z")
    sh.run("kill %1")  # SIGTERM, then SIGCONT to the stopped job: it must end, not stop again
    wait_until_ended([reader], "the stopped reader after kill %1")
    sh.run("echo ONCE")  # the shell reports how its job ended before its next prompt
    screen = sh.term.wait_for_text("Exit 143", "\nONCE")
    assert screen.count("echo ONCE") == 1  # the shell's own terminal modes left alone
    assert_given_back(sh.term)
    state = (user_home / ".local/state/briefing/reading.json").read_text()
    assert '"missiles"' in state  # where it was: section 2 open


def test_sigtstp_then_sigcont_from_outside_draws_the_reader_again_without_a_key(
    terminal: Callable[..., Terminal],
) -> None:
    term = terminal(width=WIDTH, height=HEIGHT)
    wait_drawn(term, "the reader at start")
    (reader,) = term.program_pids()
    os.kill(reader, signal.SIGTSTP)
    wait_for_state(reader, "T", "after SIGTSTP")
    assert_given_back(term)
    os.kill(reader, signal.SIGCONT)
    wait_drawn(term, "the reader after SIGCONT, no key pressed")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_sigtstp_from_outside_then_fg_in_a_shell_with_job_control(
    shell: Callable[[], Shell],
) -> None:
    sh = shell()
    reader = sh.start_reader()
    os.kill(reader, signal.SIGTSTP)
    sh.wait_for_prompt(2)
    wait_for_state(reader, "T", "after SIGTSTP")
    assert_given_back(sh.term)
    sh.run("fg")
    wait_drawn(sh.term, "the reader after fg")
    sh.term.keys("q")
    sh.wait_for_prompt(3)
    wait_until_ended([reader], "the reader after q")


def test_ctrl_z_without_job_control_says_so_and_the_reader_stays(
    terminal: Callable[..., Terminal],
) -> None:
    term = terminal(width=WIDTH, height=HEIGHT)  # run by `sh -c`: nothing could continue it
    wait_drawn(term, "the reader at start")
    (reader,) = term.program_pids()
    term.keys("C-z")
    term.wait_for_text("Not suspended", "job control")  # the notification, wrapped
    assert process_state(reader) in ("S", "R") and term.flag("alternate_on") == "1"
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


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
    assert (user_home / ".local/state/briefing/reading.json").exists()  # saved, as on SIGTERM


# --- the key in the table, the help and `briefing keys` -----------------------------------


async def test_ctrl_z_with_no_terminal_to_give_back_says_so(default: Document) -> None:
    app = make_app(default)  # headless, as in a browser tab: no shell to go back to
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        messages = notifications(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert messages == ["This reader has no terminal to give back to a shell."]
        assert app.is_running


async def test_help_lists_ctrl_z_and_the_footer_leaves_it_out(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        footer_keys = {binding.key for _, binding, *_ in app.screen.active_bindings.values()
                       if binding.show}  # fmt: skip
        assert "ctrl+z" not in footer_keys
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("^z", "Suspend to the shell") in app.screen.rows


def test_briefing_keys_lists_ctrl_z(tmp_path: Path) -> None:
    result = run_cli("keys")
    assert result.returncode == 0
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("app.suspend ")]
    assert row.split()[1] == "ctrl+z" and "fg brings the reader back" in row
