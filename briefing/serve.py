"""``briefing serve``: the reader in web browsers, through textual-serve (an optional extra).

textual-serve starts one reader process per browser tab by running a command *through a shell*,
so the command is built here from ``sys.executable`` and arguments that are each quoted with
``shlex.quote``: a data path with spaces, quotes or ``$(...)`` is passed as it is and can never
run anything.

A browser tab is a client the server cannot trust: any web page the user visits can open a
WebSocket to 127.0.0.1. So the server here accepts only WebSockets from its own pages (their
``Origin``), at most ``max_tabs`` of them at once, and never lets a client size a reader beyond
``MAX_COLUMNS`` x ``MAX_ROWS``; each reader runs in a process group of its own, and the whole
group is ended as soon as its tab has gone. No Textual import here; textual-serve is imported
only when serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from textual_serve.server import Server

from briefing.files import real_path
from briefing.remote import is_loopback

INSTALL_HINT = "briefing serve needs textual-serve: pip install 'briefing[serve]'"

NO_AUTH_WARNING = (
    "warning: textual-serve has no authentication: anyone who can reach {url} can read these "
    "briefings. Put an authenticating reverse proxy in front of it."
)

MAX_COLUMNS = 500
MAX_ROWS = 200
"""The largest terminal a client may ask a reader for (a reader's memory grows with its
screen: 100000x100000 took 8 GB in a minute)."""

DEFAULT_SIZE = (80, 24)
"""A reader's size when the client gives none, or something that is not a number."""

END_GRACE_SECONDS = 2.0
"""How long a reader's process group has to leave after SIGTERM before SIGKILL ends it."""

INPUT_SECONDS = 5.0
"""How long a reader may leave its input untaken (its pipe full: stuck) before it is ended."""

TOO_MANY_READERS = (
    "too many readers open ({limit} at most): close another tab of this briefing, then reload"
)

FORBIDDEN_ORIGIN = (
    "forbidden: this server opens readers only for its own pages "
    "(briefing serve --origin URL accepts another address)"
)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""The names of this machine that a browser may use for a server listening on loopback."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def reader_command(
    data: Path | str,
    briefing_id: str | None,
    max_size: int | None = None,
    options: Sequence[str] = (),
) -> str:
    """The shell command textual-serve runs for each tab: this Python, this package, the
    reader on ``data`` (a file, or an address: then ``options`` say how it is read); every
    argument quoted."""
    where = data if isinstance(data, str) and "://" in data else str(real_path(data))
    args = [sys.executable, "-m", "briefing", "--data", where, *options]
    if max_size is not None:
        args += ["--max-size", str(max_size)]
    args.append("read")  # the reader itself, even if the id looks like a command's name
    if briefing_id is not None:
        args.append(briefing_id)
    # exec: the reader takes the shell's place, so that it is the server's own child (see
    # ``tied_to_parent``).
    return "exec " + " ".join(shlex.quote(arg) for arg in args)


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every address of this machine (0.0.0.0, ::), loopback included."""
    address = _address(host)
    return address is not None and address.is_unspecified


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` as an IP address (``[::1]`` as well as ``::1``), or ``None`` for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def url_for(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


# --- what a client may ask for -------------------------------------------------------------


def cells(value: object, most: int) -> int | None:
    """A terminal dimension a client asked for, kept within 1..``most``; ``None`` when it is not
    a whole number (text such as ``"120"`` counts: a query string's values are text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.lstrip("+-").isdigit():
            return None
        # A number of thousands of digits is just very large: no int() of it (that raises).
        value = int(text) if len(text) <= 9 else (-1 if text.startswith("-") else most)
    if not isinstance(value, int):
        return None
    return max(1, min(most, value))


def terminal_size(width: object, height: object) -> tuple[int, int] | None:
    """The reader size for a client's ``width`` and ``height``: each clamped to at most
    ``MAX_COLUMNS`` x ``MAX_ROWS`` and at least 1x1; ``None`` if either is not a number."""
    columns, rows = cells(width, MAX_COLUMNS), cells(height, MAX_ROWS)
    if columns is None or rows is None:
        return None
    return columns, rows


def origin_of(url: str) -> str | None:
    """``url``'s origin as a browser writes it in an ``Origin`` header: ``scheme://host[:port]``
    in lower case, the scheme's default port left out, a name in IDNA (``xn--``) form. ``None``
    when ``url`` is not an http(s) address or says more than an origin (a path, a query, a
    user name)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host or parts.username is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}")


def own_origins(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The origins whose pages may open readers: the server's own address and, when it listens
    on loopback (or on every address, loopback included), this machine's loopback names at
    the same port; plus ``extra``, the ``--origin`` addresses."""
    names = [host, *(LOOPBACK_NAMES if is_loopback(host) or is_wildcard(host) else ())]
    found = {origin_of(url_for(name.strip("[]"), port)) for name in names}
    found.update(origin_of(url) for url in extra)
    return frozenset(origin for origin in found if origin is not None)


# --- ending a reader -----------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def tied_to_parent() -> Callable[[], None] | None:
    """What a reader's process runs just before the reader (a ``preexec_fn``): on Linux, the
    kernel is to SIGKILL it when the server dies, for a server killed outright (SIGKILL, out of
    memory) cannot end its readers, and a reader in a session of its own would stay for ever.
    ``None`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # resolved here, in the server: nothing may be imported between fork and exec

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    server = os.getpid()

    def tie() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != server:  # the server died before the tie was made
            os.kill(os.getpid(), signal.SIGKILL)

    return tie


def _signal_group(group: int, signum: int) -> bool:
    """Send ``signum`` to process group ``group``; whether the group still existed."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # only zombies left, on some systems: nothing more to end
        return False
    return True


async def _group_gone(group: int, seconds: float) -> bool:
    """Wait up to ``seconds`` for every process of ``group`` to end; whether they all did."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while _signal_group(group, 0):  # signal 0: only whether it is there
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def end_group(process: asyncio.subprocess.Process, grace: float = END_GRACE_SECONDS) -> None:
    """End ``process``, the leader of its own process group, and everything in that group:
    SIGTERM at once (a reader then saves where it was and leaves), SIGKILL for whatever is still
    there ``grace`` seconds later (a reader stuck drawing never runs its handler)."""
    group = process.pid  # asyncio reaps the leader when it ends: no zombie keeps the group
    _signal_group(group, signal.SIGTERM)
    if not await _group_gone(group, grace):
        _signal_group(group, signal.SIGKILL)
        await _group_gone(group, grace)  # at once, unless a process is stuck in the kernel
    await process.wait()


# --- the server ----------------------------------------------------------------------------


def make_server(
    command: str,
    host: str,
    port: int,
    *,
    origins: Iterable[str] = (),
    max_tabs: int,
) -> Server:
    """A textual-serve server running ``command`` for each tab, guarded as the module says."""
    from aiohttp import WSMsgType, web
    from aiohttp.typedefs import Handler
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, log

    allowed = own_origins(host, port, origins)
    tie = tied_to_parent()

    async def close(websocket: web.WebSocketResponse) -> None:
        await websocket.close()

    class Reader(AppService):
        """One tab's reader: in a process group of its own, never larger than the bounds, and
        ended with its whole group."""

        async def _open_app_process(
            self, width: int = 80, height: int = 24
        ) -> asyncio.subprocess.Process:
            self._process = process = await asyncio.create_subprocess_shell(
                self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width=width, height=height),
                start_new_session=True,  # its own process group, which end_group ends whole
                preexec_fn=tie,
            )
            assert process.stdin is not None
            self._stdin = process.stdin
            return process

        async def start(self, width: object, height: object) -> None:
            await super().start(*(terminal_size(width, height) or DEFAULT_SIZE))

        async def set_terminal_size(self, width: object, height: object) -> None:
            size = terminal_size(width, height)
            if size is not None:  # a resize to something that is not a size is ignored
                await super().set_terminal_size(*size)

        async def run(self) -> None:
            await super().run()
            await self.remote_close()  # a reader that has gone ends its tab (and frees its slot)

        async def stop(self) -> None:
            process, task = self._process, self._task
            if process is None:
                return
            self._process = self._task = None
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await end_group(process)
            if task is not None:  # its output has ended with the group: it ends at once
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(task, END_GRACE_SECONDS)  # else it is cancelled

    class GuardedServer(Server):
        """textual-serve's server with the origin check, the tab limit and ended readers."""

        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="briefing")
            self.readers: set[Reader] = set()
            self.tabs: set[asyncio.Task[object]] = set()

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self.check_origin)
            return app

        @web.middleware
        async def check_origin(self, request: web.Request, handler: Handler) -> web.StreamResponse:
            """403 for a request from another site's page (its ``Origin`` is not ours), and for
            a WebSocket without an ``Origin``: browsers always send one, so that is not one of
            our pages (a script can send the server's own origin)."""
            origin = request.headers.get("Origin")
            websocket = request.headers.get("Upgrade", "").lower() == "websocket"
            if (origin is None and websocket) or (
                origin is not None and origin_of(origin) not in allowed
            ):
                log.warning("refused a request from origin %r to %s", origin, request.path)
                raise web.HTTPForbidden(text=FORBIDDEN_ORIGIN + "\n")
            return await handler(request)

        def check_room(self) -> None:
            """503 with a clear page when every reader is taken."""
            if len(self.readers) >= max_tabs:
                log.warning("refused a tab: %d readers open", len(self.readers))
                raise web.HTTPServiceUnavailable(
                    text=TOO_MANY_READERS.format(limit=max_tabs) + "\n"
                )

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            self.check_room()  # the page itself says so, rather than "Session ended"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            self.check_room()
            # A peer that never answers our close holds the tab no more than a few seconds.
            websocket = web.WebSocketResponse(heartbeat=15, timeout=END_GRACE_SECONDS)
            reader = Reader(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=lambda: close(websocket),
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.readers.add(reader)  # before any await: the limit holds under a burst
            task = asyncio.current_task()
            assert task is not None
            self.tabs.add(task)
            try:
                await websocket.prepare(request)
                await reader.start(request.query.get("width"), request.query.get("height"))
                await self.relay(websocket, reader)
            except asyncio.CancelledError:
                pass  # the server is stopping: end the reader below
            except (OSError, RuntimeError) as error:
                log.warning("a tab's connection failed: %r", error)
            finally:
                await self.end(reader)
                self.tabs.discard(task)
                await websocket.close()
            return websocket

        async def end(self, reader: Reader) -> None:
            """End ``reader``'s process group, and only then free its place. A cancel meanwhile
            (the server stopping) does not cut that short: it takes a few seconds at most."""
            stopping = asyncio.ensure_future(reader.stop())
            while not stopping.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(stopping)
            self.readers.discard(reader)

        async def relay(self, websocket: web.WebSocketResponse, reader: Reader) -> None:
            """Pass the page's messages to its reader until the page goes, or until the reader
            has not taken one in ``INPUT_SECONDS`` (stuck, its input pipe full: a page going
            must be seen, and its reader ended). Anything malformed is ignored."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                except ValueError:
                    continue
                if isinstance(envelope, list) and envelope:
                    try:
                        await asyncio.wait_for(
                            self.pass_on(websocket, reader, *envelope), INPUT_SECONDS
                        )
                    except TimeoutError:
                        log.warning("a reader took no input for %s s: ending it", INPUT_SECONDS)
                        return

        async def pass_on(
            self,
            websocket: web.WebSocketResponse,
            reader: Reader,
            kind: object,
            data: object = None,
            *_: object,
        ) -> None:
            """One message of textual-serve's page to its reader."""
            if kind == "stdin" and isinstance(data, str):
                await reader.send_bytes(data.encode("utf-8", "ignore"))
            elif kind == "resize" and isinstance(data, dict):
                await reader.set_terminal_size(data.get("width"), data.get("height"))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await reader.blur()
            elif kind == "focus":
                await reader.focus()

        async def on_startup(self, app: web.Application) -> None:
            await super().on_startup(app)
            # A closed terminal stops the server as ctrl+c does: the readers, in sessions of
            # their own, would not get its SIGHUP.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)

        async def on_shutdown(self, app: web.Application) -> None:
            """Close every tab, which ends its reader: textual-serve alone leaves them open and
            its web server then waits up to a minute for them."""
            tabs = list(self.tabs)
            for task in tabs:
                task.cancel()
            await asyncio.gather(*tabs, return_exceptions=True)

    return GuardedServer()


def serve(
    command: str,
    host: str,
    port: int,
    *,
    origins: Iterable[str] = (),
    max_tabs: int,
) -> None:
    """Serve ``command`` until ctrl+c, SIGTERM or SIGHUP, then end every tab's reader."""
    make_server(command, host, port, origins=origins, max_tabs=max_tabs).serve()


def has_textual_serve() -> bool:
    """Whether the serve extra is installed."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return False
    return True
