"""`briefing serve`: the command built for textual-serve, and the reader in real Chromium."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from briefing import cli, remote, serve
from tests.conftest import BUNDLED, ROOT, minimal, run_cli, write_json

T = TypeVar("T")

ODD_NAME = "brief ings 'q\" $(touch pwned) `touch pwned2`.json"


def test_reader_command_quotes_every_argument(tmp_path: Path) -> None:
    data = tmp_path / ODD_NAME
    command = serve.reader_command(data, "some id; rm -rf /", 1000)
    assert shlex.split(command) == [
        "exec",
        sys.executable,
        "-m",
        "briefing",
        "--data",
        str(data.resolve()),
        "--max-size",
        "1000",
        "read",
        "some id; rm -rf /",
    ]


def test_reader_command_through_a_shell_runs_nothing_else(tmp_path: Path) -> None:
    data = tmp_path / ODD_NAME
    shutil.copy(BUNDLED, data)
    command = serve.reader_command(data, None)
    result = subprocess.run(
        ["sh", "-c", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Biden clears Ukraine")  # not a terminal: the summary
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_serve_gives_each_tab_a_reader_on_the_whole_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_folder import briefing_file

    briefing_file(tmp_path / "news" / "2024" / "01.json", "older")
    briefing_file(tmp_path / "news" / "2025" / "01.json", "newer", "newest")
    calls: list[str] = []
    monkeypatch.setattr(serve, "serve", lambda command, *args, **options: calls.append(command))
    assert cli.main(["--data", str(tmp_path / "news"), "serve", "newer"]) == 0
    (command,) = calls
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = run_cli("--data", str(tmp_path / "news"), "summary", "newer")
    assert result.stdout == summary.stdout  # a tab's reader, in a pipe: the summary


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.1.2.3", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False), ("::", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert remote.is_loopback(host) is loopback


def test_urls() -> None:
    assert serve.url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert serve.url_for("::1", 9000) == "http://[::1]:9000/"


def test_serve_warns_off_loopback_and_passes_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr(serve, "serve", lambda *args, **options: calls.append((args, options)))
    argv = ["serve", "--host", "0.0.0.0", "--port", "8123", "--origin", "HTTPS://b.example.org/"]
    assert cli.main([*argv, "--origin", "http://b.example.org:8123", "--max-tabs", "5"]) == 0
    out, err = capsys.readouterr()
    assert "no authentication" in err and "reverse proxy" in err
    assert out == "Serving the briefing reader at http://0.0.0.0:8123/ (ctrl+c to stop)\n"
    (((command, host, port), options),) = calls
    assert (host, port) == ("0.0.0.0", 8123)
    assert options == {"origins": ["https://b.example.org", "http://b.example.org:8123"],
                       "max_tabs": 5}  # fmt: skip
    assert isinstance(command, str) and shlex.split(command)[-1] == "read"
    assert cli.main(["serve"]) == 0
    _, err = capsys.readouterr()
    assert err == ""  # loopback: no warning
    assert calls[-1] == ((command, "127.0.0.1", 8000), {"origins": [], "max_tabs": 20})


def test_serve_unknown_briefing_is_an_error_before_serving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve, "serve", lambda *args, **options: pytest.fail("should not serve"))
    assert cli.main(["serve", "nope"]) == 1
    assert "no briefing 'nope'" in capsys.readouterr().err


def test_serve_without_the_extra_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['textual_serve'] = None\n"
        "from briefing.cli import main; raise SystemExit(main(['serve']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert (
        result.stderr
        == "briefing: briefing serve needs textual-serve: pip install 'briefing[serve]'\n"
    )


# --- what a client may ask for --------------------------------------------------------------


@given(st.one_of(st.integers(), st.text(), st.none(), st.floats(), st.booleans()))
def test_a_dimension_is_a_whole_number_within_bounds_or_nothing(value: object) -> None:
    got = serve.cells(value, 500)
    assert got is None or 1 <= got <= 500
    if isinstance(value, int) and not isinstance(value, bool):
        assert got == max(1, min(500, value))


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [("100000", "100000", (500, 200)), (100000, 100000, (500, 200)), ("120", " 40 ", (120, 40)),
     ("0", "-5", (1, 1)), pytest.param("9" * 5000, "1" + "0" * 5000, (500, 200), id="5000-digits"),
     pytest.param("-" + "9" * 5000, "3", (1, 3), id="-5000-digits"),
     ("80", None, None), ("wide", "24", None), ("1e9", "24", None), (80.0, 24, None),
     (True, 24, None), ("١٢٠", "24", None), ("1_000", "24", None)],
)  # fmt: skip
def test_a_client_never_sizes_a_reader_beyond_500x200(
    width: object, height: object, size: tuple[int, int] | None
) -> None:
    assert serve.terminal_size(width, height) == size


@pytest.mark.parametrize(
    ("url", "origin"),
    [("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
     ("HTTP://LocalHost:8000/", "http://localhost:8000"),
     ("https://briefing.example.org:443", "https://briefing.example.org"),
     ("http://briefing.example.org:80/", "http://briefing.example.org"),
     ("http://[::1]:9000", "http://[::1]:9000"),
     ("https://bücher.example", "https://xn--bcher-kva.example"),
     ("null", None), ("", None), ("file:///etc", None), ("ftp://example.org", None),
     ("http://example.org/path", None), ("http://example.org/?q", None),
     ("http://user@example.org", None), ("http://127.0.0.1:8000.evil.example", None),
     ("http://example.org:99999", None), ("example.org", None)],
)  # fmt: skip
def test_origins_are_written_as_browsers_write_them(url: str, origin: str | None) -> None:
    assert serve.origin_of(url) == origin


def test_a_server_accepts_its_own_origin_and_the_ones_it_is_given() -> None:
    loopback = {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"}
    assert serve.own_origins("127.0.0.1", 8000) == loopback
    assert serve.own_origins("localhost", 8000) == loopback
    assert serve.own_origins("0.0.0.0", 8000) == loopback | {"http://0.0.0.0:8000"}
    assert serve.own_origins("192.168.1.4", 8000, ["https://b.example.org/"]) == {
        "http://192.168.1.4:8000",
        "https://b.example.org",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--origin", "evil.example"], "--origin: not a web address's origin: 'evil.example'"),
     (["--origin", "http://h.example/page"], "argument --origin: not a web address's origin"),
     (["--max-tabs", "0"], "argument --max-tabs: must be a whole number of at least 1"),
     (["--max-tabs", "many"], "argument --max-tabs: must be a whole number of at least 1")],
)  # fmt: skip
def test_bad_serve_options_are_usage_errors(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "serve", lambda *args, **options: pytest.fail("should not serve"))
    result = run_cli("serve", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


# --- end to end: real clients, a real server, real readers -----------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Proc:
    """A process as /proc describes it."""

    pid: int
    ppid: int
    group: int
    session: int
    rss_kib: int


def processes() -> dict[int, Proc]:
    """Every process alive now (zombies left out), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:  # gone meanwhile
            continue
        if stat[0] in "ZX":
            continue
        rss = next((int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmRSS:")), 0)  # fmt: skip
        pid = int(entry.name)
        found[pid] = Proc(pid, int(stat[1]), int(stat[2]), int(stat[3]), rss)
    return found


def descendants(pid: int) -> set[int]:
    table = processes()
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = {child.pid for child in table.values() if child.ppid == parent}
        found |= children
        todo.extend(children)
    return found


def alive(pids: set[int]) -> set[int]:
    return pids & processes().keys()


def in_groups(groups: set[int]) -> set[int]:
    """The processes alive in these process groups."""
    return {proc.pid for proc in processes().values() if proc.group in groups}


def reader_groups(server: subprocess.Popen[str]) -> dict[int, set[int]]:
    """The server's readers: each process group below it, with its processes."""
    table = processes()
    groups: dict[int, set[int]] = {}
    for pid in descendants(server.pid):
        if pid in table:
            groups.setdefault(table[pid].group, set()).add(pid)
    return groups


def memory_mib(pids: set[int]) -> float:
    table = processes()
    return sum(table[pid].rss_kib for pid in pids if pid in table) / 1024


async def eventually(condition: Callable[[], T], what: str, seconds: float = 30) -> T:
    """Wait for ``condition`` to hold (a true value, returned), polling; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} (not within {seconds:.0f} s)")
        await asyncio.sleep(0.05)
    return value


class Server:
    """A real ``briefing serve`` on 127.0.0.1, and what a test saw of its readers."""

    def __init__(self, process: subprocess.Popen[str], port: int, home: Path) -> None:
        self.process = process
        self.port = port
        self.home = home
        self.origin = f"http://127.0.0.1:{port}"
        self.seen: set[int] = set()  # every reader process seen, to end them if a test fails

    def readers(self) -> dict[int, set[int]]:
        groups = reader_groups(self.process)
        for pids in groups.values():
            self.seen |= pids
        return groups

    async def reader_count(self, count: int) -> dict[int, set[int]]:
        """Wait until exactly ``count`` readers run, each in a process group of its own (not
        the server's), and return them."""
        await eventually(lambda: len(self.readers()) == count, f"{count} readers never ran")
        groups = self.readers()
        assert os.getpgid(self.process.pid) not in groups, "a reader in the server's group"
        for group, pids in groups.items():
            assert group in pids and {processes()[pid].session for pid in pids} == {group}
        return groups


@contextlib.contextmanager
def served(data: Path, port: int, cwd: Path, *options: str) -> Iterator[Server]:
    log = (cwd / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "--data", str(data), "serve", "--port", str(port),
         *options],
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(cwd / "state"),
             "XDG_CONFIG_HOME": str(cwd / "config")},
    )  # fmt: skip
    server = Server(process, port, cwd)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the server ended: {(cwd / 'server.log').read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the server never listened")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in alive(server.seen):  # only after a failure: a test checks none is left
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        log.close()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start a server on the smallest briefing, with these options; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(*options: str) -> Server:
            data = write_json(tmp_path / "b.json", minimal())
            return stack.enter_context(served(data, free_port(), tmp_path, *options))

        yield start


CURSOR = re.compile(rb"\x1b\[(\d+);(\d+)H")
ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])|[\r\n]")
UPDATE = re.compile(rb"\x1b\[\?2026h(.*?)\x1b\[\?2026l", re.DOTALL)
"""One screen update, between the synchronized-output marks a reader writes once the terminal
says it knows them (as the page's terminal does)."""


def extent(update: bytes) -> tuple[int, int]:
    """How far an update draws: its lowest row and the right edge of its widest text."""
    rows = columns = 0
    parts = CURSOR.split(update)  # text, then (row, column, text) for each cursor move
    for row, column, text in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        shown = ESCAPE.sub("", text.decode("utf-8", "replace"))
        rows, columns = max(rows, int(row)), max(columns, int(column) - 1 + cell_len(shown))
    return rows, columns


class Tab:
    """One browser tab's WebSocket, as textual-serve's page uses it."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.output = b""

    async def drawn(self, width: int, height: int) -> None:
        """Wait for the reader to draw a whole screen of ``width`` x ``height``. No update ever
        reaches beyond 500x200."""
        while True:
            message = await asyncio.wait_for(self.websocket.receive(), 30)
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            if message.type != aiohttp.WSMsgType.BINARY:
                continue
            self.output += message.data
            done = 0
            for match in UPDATE.finditer(self.output):
                done = match.end()
                rows, columns = extent(match.group(1))
                assert rows <= serve.MAX_ROWS and columns <= serve.MAX_COLUMNS, (rows, columns)
                if (rows, columns) == (height, width):
                    self.output = self.output[done:]
                    return
            self.output = self.output[done:]

    async def send(self, *envelope: object) -> None:
        await self.websocket.send_str(json.dumps(list(envelope)))


async def open_tab(
    session: aiohttp.ClientSession, server: Server, query: str = "", origin: str | None = None
) -> Tab:
    websocket = await session.ws_connect(
        f"{server.origin}/ws{query}", headers={"Origin": origin or server.origin}
    )
    tab = Tab(websocket)
    await tab.send("stdin", "\x1b[?2026;2$y")  # the answer to "synchronized output?": yes
    return tab


async def handshake(
    session: aiohttp.ClientSession, server: Server, headers: dict[str, str]
) -> tuple[int, str]:
    """A WebSocket handshake to /ws with these headers: the status and the text of the answer
    (a browser's WebSocket never shows it; this reads it as a plain request)."""
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    async with session.get(f"{server.origin}/ws", headers={**upgrade, **headers}) as answer:
        return answer.status, await answer.text()


async def test_a_foreign_page_gets_403_and_no_reader(start: Callable[..., Server]) -> None:
    server = start("--origin", "https://briefing.example.org")
    foreign = [
        "http://evil.example",
        f"http://127.0.0.1:{server.port + 1}",  # another server on this machine
        f"https://127.0.0.1:{server.port}",
        f"http://127.0.0.1:{server.port}.evil.example",
        "https://briefing.example.org:8443",
        "null",  # a sandboxed frame, a file:// page
    ]
    async with aiohttp.ClientSession() as session:
        for origin in foreign:
            with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                await open_tab(session, server, "?width=80&height=24", origin)
            assert caught.value.status == 403, origin
            status, text = await handshake(session, server, {"Origin": origin})
            assert status == 403 and "forbidden" in text and "--origin" in text
            async with session.get(f"{server.origin}/", headers={"Origin": origin}) as page:
                assert page.status == 403
        # Browsers always send Origin with a WebSocket: a handshake without one is no page's.
        assert (await handshake(session, server, {}))[0] == 403
        assert not descendants(server.process.pid), "a reader started for a refused client"
        async with session.get(f"{server.origin}/") as page:  # a browser's own navigation
            assert page.status == 200 and "/ws" in await page.text()
        # The server's own pages, under either loopback name, and the --origin one do get one.
        for origin in (server.origin, f"http://localhost:{server.port}",
                       "https://briefing.example.org"):  # fmt: skip
            tab = await open_tab(session, server, "", origin)
            await tab.drawn(80, 24)
            await tab.websocket.close()
    log = (server.home / "server.log").read_text()
    assert "refused a request from origin 'http://evil.example' to /ws" in log


async def test_a_reader_is_never_larger_than_500x200(start: Callable[..., Server]) -> None:
    server = start()
    async with aiohttp.ClientSession() as session:
        tab = await open_tab(session, server, "?width=100000&height=100000")
        ((group, pids),) = (await server.reader_count(1)).items()
        environment = Path(f"/proc/{group}/environ").read_bytes().split(b"\0")
        assert b"COLUMNS=500" in environment and b"ROWS=200" in environment
        await tab.drawn(500, 200)
        # A resize is held to the same bounds; one that is not a size changes nothing, and
        # nothing malformed ends the tab.
        await tab.send("resize", {"width": 120, "height": 40})
        await tab.drawn(120, 40)
        for junk in ("not json", "[]", "{}", "[5]", '["resize"]', '["resize", "big"]',
                     '["resize", {"width": "wide", "height": 40}]', '["stdin", 5]',
                     '["stdin", "\\ud800"]', '["ping"]'):  # fmt: skip
            await tab.websocket.send_str(junk)
        await tab.send("resize", {"width": 10**9, "height": "100000"})
        await tab.drawn(500, 200)
        assert server.readers() == {group: pids}, "the reader changed"
        assert memory_mib(pids) < 250


async def test_at_the_tab_limit_the_next_one_hears_too_many_readers(
    start: Callable[..., Server],
) -> None:
    server = start("--max-tabs", "2")
    async with aiohttp.ClientSession() as session:
        # Four at once: exactly two get a reader.
        attempts = await asyncio.gather(
            *(open_tab(session, server) for _ in range(4)), return_exceptions=True
        )
        tabs = [attempt for attempt in attempts if isinstance(attempt, Tab)]
        assert len(tabs) == 2
        for attempt in attempts:
            if not isinstance(attempt, Tab):
                assert isinstance(attempt, aiohttp.WSServerHandshakeError), attempt
                assert attempt.status == 503
        for tab in tabs:
            await tab.drawn(80, 24)
        groups = await server.reader_count(2)
        status, text = await handshake(session, server, {"Origin": server.origin})
        assert (status, text) == (503, "too many readers open (2 at most): close another tab "
                                       "of this briefing, then reload\n")  # fmt: skip
        async with session.get(f"{server.origin}/") as page:  # the page says so too
            assert page.status == 503 and "too many readers open" in await page.text()
        assert server.readers() == groups, "a process started for a refused tab"
        # A closed tab frees its place for the next one.
        await tabs[0].websocket.close()
        await eventually(lambda: len(server.readers()) == 1, "the closed tab's reader stayed")
        deadline = time.monotonic() + 10  # the server counts the place free once it has seen
        while (await session.get(f"{server.origin}/")).status == 503:  # the group go, too
            assert time.monotonic() < deadline, "the closed tab's place stayed taken"
            await asyncio.sleep(0.05)
        tab = await open_tab(session, server)
        await tab.drawn(80, 24)
        assert len(await server.reader_count(2)) == 2


async def test_a_tab_gone_ends_its_readers_whole_group(start: Callable[..., Server]) -> None:
    server = start()
    async with aiohttp.ClientSession() as session:
        closed = await open_tab(session, server)
        await closed.drawn(80, 24)
        (first,) = await server.reader_count(1)
        dropped = await open_tab(session, server)
        await dropped.drawn(80, 24)
        (second,) = (await server.reader_count(2)).keys() - {first}
        # A browser closing its tab: the reader leaves, remembering where it was.
        await closed.websocket.close()
        await eventually(lambda: not in_groups({first}), "the closed tab's reader stayed")
        assert (server.home / "state" / "briefing" / "reading.json").exists()
        # A reader that cannot answer (stopped, as one stuck drawing), its input pipe full, its
        # client gone without a word: the whole group is ended all the same.
        os.killpg(second, signal.SIGSTOP)
        for _ in range(20):
            await dropped.send("stdin", "j" * 16384)
        dropped.websocket.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
        await eventually(lambda: not in_groups({second}), "the stuck reader outlived its tab")
        assert not descendants(server.process.pid)


async def test_ctrl_c_ends_the_server_and_every_reader_at_once(
    start: Callable[..., Server],
) -> None:
    server = start()
    async with aiohttp.ClientSession() as session:
        tabs = [await open_tab(session, server) for _ in range(2)]
        for tab in tabs:
            await tab.drawn(80, 24)
        groups = await server.reader_count(2)
        os.killpg(min(groups), signal.SIGSTOP)  # one of them stuck
        server.process.send_signal(signal.SIGINT)  # what ctrl+c sends
        await eventually(lambda: server.process.poll() is not None, "the server did not stop")
    assert server.process.returncode == 0
    assert not in_groups(set(groups)), "readers outlived the server"


async def test_a_server_killed_outright_takes_its_readers_along(
    start: Callable[..., Server],
) -> None:
    server = start()
    async with aiohttp.ClientSession() as session:
        tab = await open_tab(session, server)
        await tab.drawn(80, 24)
        groups = await server.reader_count(1)
        server.process.kill()  # SIGKILL, or out of memory: no chance to end its readers
        await eventually(lambda: not in_groups(set(groups)), "a reader outlived its server")


# --- end to end, in Chromium -------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_reader_in_chromium(tmp_path: Path) -> None:  # noqa: PLR0915 (one story, told in order)
    sync_api = pytest.importorskip("playwright.sync_api")
    port = free_port()
    source_url = f"http://127.0.0.1:{port}/a-source"  # loopback: the test reaches nothing else
    document = json.loads(BUNDLED.read_text())
    document["briefings"][0]["sources"][0]["url"] = source_url
    data = write_json(tmp_path / ODD_NAME, document)
    with served(data, port, tmp_path) as served_server:
        server = served_server.process
        frames: list[str] = []

        def seen() -> str:
            return "".join(frames)

        def record(payload: str | bytes) -> None:
            frames.append(
                payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            )

        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("websocket", lambda ws: ws.on("framereceived", record))
            page.goto(f"http://127.0.0.1:{port}/")

            def wait_for(text: str) -> None:
                for _ in range(200):
                    if text in seen():
                        return
                    page.wait_for_timeout(100)
                pytest.fail(f"{text!r} never reached the page")

            wait_for("1. Moscow's warning and a wave of strikes")
            readers = alive(descendants(server.pid))
            assert readers, "no reader process for the tab"
            page.locator(".xterm-helper-textarea").focus()
            page.keyboard.press("2")
            wait_for("President Joe Biden has approved")
            # `o` in the sources opens the address in a new tab of the same browser.
            page.keyboard.press("s")
            with page.context.expect_page(timeout=15_000) as opened:
                page.keyboard.press("o")
            assert opened.value.url.startswith(source_url)
            opened.value.close()
            page.close()
            deadline = time.monotonic() + 15
            while alive(readers) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not alive(readers), "the tab's reader outlived its tab"
            # Stopping the server with a tab open ends that tab's reader too.
            frames.clear()
            page = browser.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", record))
            page.goto(f"http://127.0.0.1:{port}/")
            wait_for("1. Moscow's warning and a wave of strikes")
            readers = alive(descendants(server.pid))
            assert readers
            server.send_signal(signal.SIGINT)  # what ctrl+c sends
            assert server.wait(timeout=20) is not None
            deadline = time.monotonic() + 15
            while alive(readers) and time.monotonic() < deadline:
                time.sleep(0.2)
            browser.close()
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()
    assert not alive(readers)
