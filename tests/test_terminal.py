"""The real program in a real terminal: tmux types the keys and reads the screen."""

from __future__ import annotations

import copy
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.conftest import (
    BUNDLED,
    ROOT,
    USER_FOLDERS,
    RealUserFiles,
    bundled_matches,
    minimal,
    write_json,
)
from tests.helpers import saved_place

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"
)

TIMEOUT = 20.0


class Terminal:
    """One tmux session on a private server of its own, running one command."""

    def __init__(self, width: int, height: int, command: str) -> None:
        self.socket = f"briefing-test-{uuid.uuid4().hex}"  # never another test's server
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)
        server = self._tmux("display", "-p", "#{pid} #{socket_path}").strip()
        pid, self.socket_path = server.split(" ", 1)
        self.server_pid = int(pid)

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout

    def screen(self) -> str:
        """What the terminal shows now."""
        return self._tmux("capture-pane", "-p", "-t", "t")

    def screen_with_escapes(self) -> str:
        """The screen with its styles as escape sequences (what the program drew)."""
        return self._tmux("capture-pane", "-p", "-e", "-t", "t")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def wait_for_size(self, width: int, height: int) -> str:
        """Wait until the reader has drawn itself at this size: its footer on the last row
        (with the help key, which the footer keeps longest: at 20 columns it is all but alone)."""

        def footer_at_the_bottom(screen: str) -> bool:
            rows = screen.splitlines()
            return len(rows) == height and "Help" in rows[-1]

        return self.wait_for(footer_at_the_bottom, f"the reader drawn at {width}x{height}")

    def flag(self, name: str) -> str:
        return self._tmux("display", "-p", "-t", "t", f"#{{{name}}}").strip()

    def wait_for(self, predicate: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{screen}")

    def wait_for_text(self, *texts: str) -> str:
        """Wait until the screen shows every one of ``texts``. tmux shows a frame as it arrives,
        so one text on the screen does not mean the rows drawn after it are there yet."""
        return self.wait_for(lambda screen: all(t in screen for t in texts), repr(texts))

    def assert_restored(self) -> None:
        """No alternate screen and no mouse reporting left on after the program ended."""
        assert self.flag("alternate_on") == "0"
        for mode in ("mouse_any_flag", "mouse_button_flag", "mouse_sgr_flag"):
            assert self.flag(mode) == "0", mode

    def program_pids(self) -> list[int]:
        """The process ids of the program running in the pane (children of its shell)."""
        shell = self.flag("pane_pid")
        children = subprocess.run(
            ["pgrep", "-P", shell], capture_output=True, text=True, check=False
        ).stdout.split()
        return [pid for pid in map(int, children) if b"briefing" in _cmdline(pid)]

    def kill(self) -> None:
        """End the server and all in it, as closing the window does; return once it is gone."""
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30, check=False
        )
        wait_until_ended([self.server_pid], "the tmux server")
        Path(self.socket_path).unlink(missing_ok=True)  # tmux leaves it behind


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (nothing may reap a daemon's zombie)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rpartition(")")[2].split()[0] != "Z"


def wait_until_ended(pids: list[int], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if not any(map(running, pids)):
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} still runs: {[pid for pid in pids if running(pid)]}")


def reader_command(
    args: Sequence[str], width: int, height: int, env: dict[str, str], stdin: str | None = None
) -> str:
    """The shell command for a pane that runs ``briefing ARGS`` with ``env``, then stays and
    shows its exit code."""
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    program = shlex.join([sys.executable, "-m", "briefing", *args])
    if stdin is not None:
        program += f" < {shlex.quote(stdin)}"
    # A detached pane can start at tmux's default size and be resized a moment later:
    # start the program only once the pane has the size asked for.
    wait = f'until [ "$(stty size)" = "{height} {width}" ]; do sleep 0.05; done'
    return f"{wait}; env {exports} {program}; echo EXITED=$?; exec sleep 120"


@pytest.fixture
def terminal() -> Iterator[Callable[..., Terminal]]:
    """Start ``briefing ARGS`` in tmux; the pane stays after it exits and shows its exit code."""
    started: list[Terminal] = []

    def start(
        *args: str,
        width: int = 80,
        height: int = 24,
        term: str = "xterm-256color",
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Terminal:
        env = {
            # The tmux server keeps the environment it started with: name the test's own
            # folders (HOME, XDG, the cache) to the program explicitly.
            **{variable: os.environ[variable] for variable in USER_FOLDERS},
            "TERM": term,
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        session = Terminal(width, height, reader_command(args, width, height, env, stdin))
        started.append(session)
        return session

    yield start
    for session in started:
        session.kill()


def test_reader_at_80x24_opens_expands_and_quits_cleanly(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=80, height=24)
    screen = term.wait_for_text("1. Moscow's warning and a wave of strikes")
    assert "Biden clears Ukraine" in screen
    assert term.flag("alternate_on") == "1"
    term.keys("e2")  # one write: every section opened, then section 2 at the top
    term.wait_for_text("▾ 2. The missile decision", "President Joe Biden has approved")
    term.keys("c", "f")
    term.wait_for_text(
        "Key facts", "Killed in the Odesa missile strike", "CONFIRMED", "per News report · F2"
    )
    term.keys("f", "q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_the_reader_keeps_its_state_in_the_tests_home(
    terminal: Callable[..., Terminal], user_home: Path, real_user_files: RealUserFiles
) -> None:
    term = terminal(width=100, height=30)
    term.wait_for_text("▸ 2. The missile decision")
    term.keys("2")
    term.wait_for_text("▾ 2. The missile decision")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    saved = saved_place(user_home / ".local/state/briefing/reading.json", BUNDLED)
    assert saved == ("russia-us-missiles-warning", ("missiles",))
    assert real_user_files.changes() == []


def test_reader_at_160x45_shows_sections_and_facts_and_survives_resizes(
    terminal: Callable[..., Terminal],
) -> None:
    # A stale COLUMNS/LINES pair in the environment must not pin the reader to 80x24.
    term = terminal(width=160, height=45, env={"COLUMNS": "80", "LINES": "24"})
    screen = term.wait_for_text(
        "4. Where Trump stands", "Key facts", "CLAIM", "per Dmitry Peskov, News report · F2"
    )
    for text in ("1. Moscow's warning", "2. The missile decision", "3. North Korean troops"):
        assert text in screen
    for width, height in [(250, 70), (20, 6), (80, 24), (37, 9), (160, 45)]:
        term.resize(width, height)
        term.wait_for_size(width, height)
    term.wait_for_text("4. Where Trump stands")
    term.keys("3")
    term.wait_for_text("Pyongyang could send")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]
)
def test_signals_end_the_reader_and_restore_the_terminal(
    terminal: Callable[..., Terminal], signum: int, code: int
) -> None:
    term = terminal(width=100, height=30)
    term.wait_for_text("1. Moscow's warning")
    (reader,) = term.program_pids()
    os.kill(reader, signum)
    term.wait_for_text(f"EXITED={code}")
    term.assert_restored()
    assert not Path(f"/proc/{reader}").exists()


def test_a_dumb_terminal_gets_the_summary(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=100, height=60, term="dumb")
    screen = term.wait_for_text("EXITED=0")
    assert "BOTTOM LINE" in screen and " 1. Moscow's warning" in screen
    term.assert_restored()


def test_search_timeline_and_live_reload_in_a_real_terminal(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    data_file = tmp_path / "b.json"
    data_file.write_text((ROOT / "data" / "briefings.json").read_text())
    term = terminal("--data", str(data_file), width=110, height=40)
    term.wait_for_text("1. Moscow's warning")
    assert "Pyongyang" not in term.screen()  # only in a closed section
    term.keys("/")
    term.keys("-l", "Pyongyang")
    screen = term.wait_for_text("1/1")
    assert "Pyongyang" in screen.split("Search")[0]  # shown in the opened section
    # An escape and the key after it in one read are alt+key: each key once the last has shown.
    term.keys("Escape")
    term.wait_for(lambda screen: "1/1" not in screen, "the search to close")
    term.keys("t")
    screen = term.wait_for_text("Russia invades Ukraine.")
    assert "24 February 2022" in screen
    term.keys("Escape")
    term.wait_for(lambda screen: "─ Timeline ─" not in screen, "the timeline to close")
    text = data_file.read_text()
    data_file.write_text(text.replace("Biden clears Ukraine", "EDITED: Biden clears Ukraine"))
    term.wait_for_text("EDITED: Biden clears")
    data_file.write_text(text[:200])  # cut short: invalid JSON
    # The header's lasting line and the notification with the problem, over the last good data.
    screen = term.wait_for_text("Not the file's current content: the file is invalid", "problem")
    assert "EDITED: Biden clears" in screen
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_ctrl_c_quits_and_restores(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=100, height=30)
    term.wait_for_text("1. Moscow's warning")
    term.keys("C-c")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_keys_typed_after_q_open_nothing(terminal: Callable[..., Terminal]) -> None:
    """`q` then `s` or `t` in one write: the dialog is not made while the app closes (it
    crashed, with a traceback and exit 1)."""
    for burst in ("qs", "qt", "question_mark"):
        term = terminal(width=100, height=30)
        term.wait_for_text("1. Moscow's warning")
        term.keys(burst)
        screen = term.wait_for_text("EXITED=")
        assert "EXITED=0" in screen and "Error" not in screen, screen
        term.assert_restored()


def test_a_storm_of_resizes_does_not_crash(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=120, height=40)
    term.wait_for_text("1. Moscow's warning")
    for step in range(40):
        term.resize(20 + (step * 37) % 230, 6 + (step * 13) % 64)
    term.resize(120, 40)
    term.wait_for_text("4. Where Trump stands")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_stdin_not_a_terminal_gets_the_summary(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=100, height=60, stdin="/dev/null")
    screen = term.wait_for_text("EXITED=0")
    assert "BOTTOM LINE" in screen
    term.assert_restored()


def test_hostile_file_in_a_real_terminal(terminal: Callable[..., Terminal], tmp_path: Path) -> None:
    from tests.conftest import HOSTILE_TEXTS, hostile_document, write_json

    data = hostile_document()
    data["briefings"][0]["sections"][0]["title"] = HOSTILE_TEXTS[2]  # escape sequences
    data["briefings"][0]["sections"][1]["title"] = HOSTILE_TEXTS[0]  # markup
    path = write_json(tmp_path / "hostile.json", data)
    term = terminal("--data", str(path), "first", width=160, height=45)
    title_before = term.flag("pane_title")
    screen = term.wait_for_text("clear")
    assert "[@click=app.quit]x[/]" in screen
    term.keys("e")
    term.wait_for_text("▾ 2. ")  # every section open, the hostile paragraphs drawn
    raw = term.screen_with_escapes()
    assert "\x1b]" not in raw  # no OSC: no title, hyperlink or clipboard write got through
    assert term.flag("pane_title") == title_before
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_closing_the_terminal_leaves_no_process(terminal: Callable[..., Terminal]) -> None:
    term = terminal(width=100, height=30)
    term.wait_for_text("1. Moscow's warning")
    children = term.program_pids()
    assert children
    term.kill()  # the whole terminal goes away, as when a window is closed
    wait_until_ended(children, "the reader")


def test_keys_sent_in_one_write_are_never_lost(terminal: Callable[..., Terminal]) -> None:
    """A burst (a fast typist, a paste) arrives in one read: the keys after the one that opens
    an input, and after the one that leaves it, must all take effect."""
    term = terminal(width=80, height=24)
    term.wait_for_text("1. Moscow's warning")
    term.keys("/kursk")  # one send-keys, one write: the slash and the word together
    kursk = bundled_matches("kursk")
    term.wait_for_text(f"1/{kursk}")
    term.keys("Enter", "nn")  # enter ends the search; n n move between its matches at once
    screen = term.wait_for_text(f"3/{kursk}")
    assert "kursknn" not in screen
    term.keys("Escape")
    term.wait_for(lambda screen: f"3/{kursk}" not in screen, "the search to close")
    term.keys("bkursk")
    screen = term.wait_for_text("found in:", "1 briefing")  # the picker, filtered by the word
    assert "kursk" in screen
    term.keys("Escape")
    term.wait_for(lambda screen: "found in:" not in screen, "the picker to close")
    term.keys("q")
    term.wait_for_text("EXITED=0")


def test_twelve_sections_two_digits_and_the_narrow_panel(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    data = minimal()
    base = data["briefings"][0]
    base["sections"] = [
        {"id": f"s{n}", "title": f"Part {n} title", "summary": f"Summary {n}.",
         "paragraphs": [f"Body of part {n}."]}
        for n in range(1, 13)
    ]  # fmt: skip
    for key in ("key_facts", "timeline", "quotes"):
        base[key][0]["section"] = "s12"
    term = terminal("--data", str(write_json(tmp_path / "twelve.json", data)), width=80, height=24)
    term.wait_for_text("1. Part 1 title")
    term.keys("12")  # one write: section 12, not 1 then 2
    screen = term.wait_for_text("Body of part 12.")
    assert "▾ 12. Part 12 title" in screen
    assert "Body of part 1." not in screen and "Body of part 2." not in screen
    term.keys("3")  # no section 30 or more: at once
    term.wait_for_text("Body of part 3.")
    term.keys("g")
    term.wait_for_text("The bottom line.")
    term.keys("f")
    term.wait_for_text("Key facts")
    term.keys("Escape")  # closes the panel laid over the sections; never quits
    term.wait_for(lambda screen: "Key facts" not in screen, "the facts panel to close")
    assert "EXITED" not in term.screen()
    term.keys("q")
    term.wait_for_text("EXITED=0")


def test_a_search_key_rebound_in_settings_takes_a_burst(
    terminal: Callable[..., Terminal],
) -> None:
    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "briefing" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"keys": {"reader.search": "ctrl+f"}}), encoding="utf-8")
    term = terminal(width=120, height=30)
    term.wait_for_text("1. Moscow's warning")
    term.wait_for_text("^f Search")  # the footer shows the key in force
    term.keys("/e")  # the slash does nothing now: e, straight after it, opens every section
    screen = term.wait_for_text("▾ 1.")
    assert "Search this briefing" not in screen
    term.keys("c")
    term.wait_for_text("▸ 1.")
    term.keys("C-f", "kursk")  # one send-keys: ctrl+f and the word in one write
    first = f"1/{bundled_matches('kursk')}"
    screen = term.wait_for_text(first)
    assert "kursk" in screen
    term.keys("Escape")
    term.wait_for(lambda screen: first not in screen, "the search to close")
    term.keys("q")
    term.wait_for_text("EXITED=0")


def test_coming_back_to_a_revised_briefing_in_a_real_terminal(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    """The reader's first visit, the publisher's revision, the second visit's strip, marks and
    ``u``, and a third visit with nothing left to mark."""
    data_file = tmp_path / "b.json"
    data_file.write_text(BUNDLED.read_text())
    term = terminal("--data", str(data_file), width=120, height=40)
    term.wait_for_text("1. Moscow's warning", "· new")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    data = json.loads(data_file.read_text())
    briefing = data["briefings"][0]
    old_value = briefing["key_facts"][0]["value"]
    briefing["key_facts"][0]["value"] = "A revised figure"
    briefing["sections"][2]["paragraphs"].append("A paragraph the publisher added.")
    data_file.write_text(json.dumps(data, indent=2))
    term = terminal("--data", str(data_file), width=120, height=40)
    screen = term.wait_for_text("Updated since you read it on", "1 fact changed, 1 new paragraph")
    assert "A revised figure" in screen and f"(was: {old_value.split()[0]}" in screen
    assert "3. North Korean troops in Kursk · 1 change" in screen
    term.keys("u")
    screen = term.wait_for_text("+ A paragraph the publisher added.")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term = terminal("--data", str(data_file), width=120, height=40)
    screen = term.wait_for_text("1. Moscow's warning")
    assert "Updated since" not in screen and "(was:" not in screen
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()


def test_a_briefing_from_a_web_address_in_a_real_terminal(
    terminal: Callable[..., Terminal],
) -> None:
    """The copy on screen with where it comes from, a new version arriving by itself, and `q`
    ending the reader at once while the server hangs (not when the request's 20 s are up)."""
    from tests.webserver import hang, serving, versioned

    versions = {"v1": BUNDLED.read_bytes()}
    versions["v2"] = versions["v1"].replace(b"Biden clears", b"Biden allows")
    current = ["v1"]
    with serving() as site:
        versioned(site, "/b.json", versions, current)
        url = site.url("/b.json")
        term = terminal("--data", url, "--max-age", "1", width=120, height=40)
        term.wait_for_text(f"Fetched just now · from {url}", "1. Moscow's warning")
        current[0] = "v2"
        screen = term.wait_for_text("Biden allows", "Updated since you opened it")
        assert "the title changed" in screen
        site.routes["/b.json"] = hang(60)
        deadline = time.monotonic() + TIMEOUT
        while site.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.in_flight == 1
        asked = time.monotonic()
        term.keys("q")
        term.wait_for_text("EXITED=0")
        assert time.monotonic() - asked < 15  # not held until the 20 s deadline
        term.assert_restored()


def test_a_briefing_published_since_the_copy_opens_by_its_id(
    terminal: Callable[..., Terminal],
) -> None:
    """``briefing --data URL ID`` with an ID the kept copy lacks asks the server first."""
    from tests.webserver import serving, versioned

    data = json.loads(BUNDLED.read_text())
    later = copy.deepcopy(data)
    later["briefings"].append(
        copy.deepcopy(data["briefings"][0]) | {"id": "second", "title": "A second briefing"}
    )
    versions = {"v1": json.dumps(data).encode(), "v2": json.dumps(later).encode()}
    current = ["v1"]
    with serving() as site:
        versioned(site, "/b.json", versions, current)
        url = site.url("/b.json")
        first = terminal("--data", url, width=120, height=40)
        first.wait_for_text("· from http", "1. Moscow's warning")
        first.keys("q")
        first.wait_for_text("EXITED=0")
        current[0] = "v2"
        term = terminal("--data", url, "second", width=120, height=40)
        term.wait_for_text("A second briefing", f"Fetched just now · from {url}")
        term.keys("q")
        term.wait_for_text("EXITED=0")


def test_a_folder_s_first_look_shows_the_frame_and_progress_then_the_briefing(
    terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    base = json.loads(BUNDLED.read_text())
    for n in range(1500):
        path = tmp_path / "news" / str(2016 + n // 150) / f"{n:04d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        briefing = dict(base["briefings"][0], id=f"story-{n}", title=f"Story number {n}")
        path.write_text(json.dumps({**base, "briefings": [briefing]}))
    term = terminal("--data", str(tmp_path / "news"), "story-7", width=80, height=24)
    term.wait_for_text("Opening ", "files", "q Quit")  # at once, while the files are indexed
    term.wait_for_text("Story number 7", "1. Moscow's warning")
    term.keys("q")
    term.wait_for_text("EXITED=0")
    term.assert_restored()
    again = terminal("--data", str(tmp_path / "news"), "no-such-story", width=80, height=24)
    again.wait_for_text("EXITED=1")  # indexed now: refused before any screen
    said = again.screen().replace("\n", "")
    assert f"{tmp_path / 'news'}: no briefing 'no-such-story' (the folder has: story-0," in said


def test_a_slow_download_shows_how_far_it_has_got(terminal: Callable[..., Terminal]) -> None:
    from tests.webserver import drip, serving

    with serving() as site:
        site.routes["/slow.json"] = drip(0.05)  # a byte every 50 ms of a declared megabyte
        url = site.url("/slow.json")
        term = terminal("--data", url, "--timeout", "3", "summary", width=100, height=10)
        term.wait_for_text("downloading 0 of 1,024 KiB")  # on standard error, a terminal
        screen = term.wait_for_text("EXITED=1")
        assert "downloading" not in screen  # rubbed out, the error in its place
        assert f"{url}: timed out after 3 s" in screen
