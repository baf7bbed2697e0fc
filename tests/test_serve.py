"""`briefing serve`: the command built for textual-serve, and the reader in real Chromium."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing import cli, serve
from tests.conftest import BUNDLED, ROOT, write_json

ODD_NAME = "brief ings 'q\" $(touch pwned) `touch pwned2`.json"


def test_reader_command_quotes_every_argument(tmp_path: Path) -> None:
    data = tmp_path / ODD_NAME
    command = serve.reader_command(data, "some id; rm -rf /", 1000)
    assert shlex.split(command) == [
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
    assert result.stdout.startswith("Russia vows a response")  # not a terminal: the summary
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.1.2.3", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False), ("::", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


def test_urls() -> None:
    assert serve.url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert serve.url_for("::1", 9000) == "http://[::1]:9000/"


def test_serve_warns_off_loopback_and_passes_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, str, int]] = []
    monkeypatch.setattr(serve, "serve", lambda *args: calls.append(args))
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    out, err = capsys.readouterr()
    assert "no authentication" in err and "reverse proxy" in err
    assert out == "Serving the briefing reader at http://0.0.0.0:8123/ (ctrl+c to stop)\n"
    ((command, host, port),) = calls
    assert (host, port) == ("0.0.0.0", 8123)
    assert shlex.split(command)[-1] == "read"
    assert cli.main(["serve"]) == 0
    _, err = capsys.readouterr()
    assert err == ""  # loopback: no warning
    assert calls[-1][1] == "127.0.0.1"


def test_serve_unknown_briefing_is_an_error_before_serving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve, "serve", lambda *args: pytest.fail("should not serve"))
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = subprocess.run(
            ["pgrep", "-P", str(parent)], capture_output=True, text=True, check=False
        ).stdout.split()
        for child in map(int, children):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "zombie" not in
            Path(f"/proc/{pid}/status").read_text().lower()}  # fmt: skip


@contextlib.contextmanager
def served(data: Path, port: int, cwd: Path) -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        [sys.executable, "-m", "briefing", "--data", str(data), "serve", "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(cwd / "state"),
             "XDG_CONFIG_HOME": str(cwd / "config")},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the server never listened")
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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
    with served(data, port, tmp_path) as server:
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
