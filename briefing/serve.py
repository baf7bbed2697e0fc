"""``briefing serve``: the reader in web browsers, through textual-serve (an optional extra).

textual-serve starts one reader process per browser tab by running a command *through a shell*,
so the command is built here from ``sys.executable`` and arguments that are each quoted with
``shlex.quote``: a data path with spaces, quotes or ``$(...)`` is passed as it is and can never
run anything. No Textual import here; textual-serve is imported only when serving.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

from briefing.files import real_path

INSTALL_HINT = "briefing serve needs textual-serve: pip install 'briefing[serve]'"

NO_AUTH_WARNING = (
    "warning: textual-serve has no authentication: anyone who can reach {url} can read these "
    "briefings. Put an authenticating reverse proxy in front of it."
)


def reader_command(data: Path, briefing_id: str | None, max_size: int | None = None) -> str:
    """The shell command textual-serve runs for each tab: this Python, this package, the
    reader on ``data``; every argument quoted."""
    args = [sys.executable, "-m", "briefing", "--data", str(real_path(data))]
    if max_size is not None:
        args += ["--max-size", str(max_size)]
    args.append("read")  # the reader itself, even if the id looks like a command's name
    if briefing_id is not None:
        args.append(briefing_id)
    return " ".join(shlex.quote(arg) for arg in args)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


def serve(command: str, host: str, port: int) -> None:
    """Serve ``command`` until ctrl+c or SIGTERM, then end every tab's reader.

    textual-serve alone leaves open tabs connected on shutdown, and its web server then waits
    up to a minute for them; here each tab's connection is cancelled, which makes textual-serve
    tell that tab's reader to quit and wait for it.
    """
    import asyncio

    from aiohttp import web
    from textual_serve.server import Server

    class ClosingServer(Server):
        """A textual-serve server that closes its tabs when it stops."""

        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="briefing")
            self.tabs: set[asyncio.Task[object]] = set()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            task = asyncio.current_task()
            assert task is not None
            self.tabs.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs.discard(task)

        async def on_shutdown(self, app: web.Application) -> None:
            tabs = list(self.tabs)
            for task in tabs:
                task.cancel()
            await asyncio.gather(*tabs, return_exceptions=True)

    ClosingServer().serve()


def has_textual_serve() -> bool:
    """Whether the serve extra is installed."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return False
    return True
