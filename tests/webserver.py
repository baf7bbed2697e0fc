"""A real HTTP(S) server on a loopback address, for the tests of briefings read from an address.

Each path is a :data:`Route`: a function that answers one request as a server would, well or
badly (an ETag and 304s, a redirect loop, a body that never ends, a gzip bomb, a server that
never answers). The server counts and records every request, and how many were in flight at
once. Loopback only: the machines that run the tests have no other network.
"""

from __future__ import annotations

import contextlib
import gzip
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Route = Callable[["Handler"], None]


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]


@dataclass
class Site:
    """The server's routes and what it saw."""

    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        """How many requests for ``path`` the server has had."""
        return sum(1 for seen in self.seen if seen.path == path)

    def last(self, path: str) -> Seen:
        return [seen for seen in self.seen if seen.path == path][-1]


class Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            site.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            site.in_flight += 1
            site.most_in_flight = max(site.most_in_flight, site.in_flight)
        try:
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up, as it should on a hostile answer
        finally:
            with site.lock:
                site.in_flight -= 1

    def handle(self) -> None:
        # A client that gave up on a keep-alive connection is no error of the test's.
        with contextlib.suppress(ConnectionResetError, BrokenPipeError, ssl.SSLError, TimeoutError):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def wait(self, seconds: float) -> None:
        """Sleep, but end early when the server stops."""
        self.site.stopping.wait(seconds)


@contextmanager
def serving(tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Iterator[Site]:
    """A server on a free port of ``host`` (https with ``tls``) while the block runs."""
    site = Site()
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    site.base = f"{'https' if tls else 'http'}://{shown}:{port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()


# --- routes -------------------------------------------------------------------------------


def static(
    body: bytes | Callable[[], bytes],
    *,
    etag: str | None = None,
    last_modified: float | None = None,
    cache_control: str | None = None,
    gzipped: bool = False,
) -> Route:
    """A file as a static server gives it: with its validators, and 304 to a conditional request
    that still matches (``If-None-Match`` first, as RFC 9110 says)."""

    def answer(handler: Handler) -> None:
        content = body() if callable(body) else body
        tag = etag
        modified = formatdate(last_modified, usegmt=True) if last_modified else None
        asked_tag = handler.headers.get("If-None-Match")
        asked_since = handler.headers.get("If-Modified-Since")
        if asked_tag and tag:
            same = asked_tag == tag
        else:
            same = bool(asked_since) and asked_since == modified
        handler.send_response(304 if same else 200)
        if tag:
            handler.send_header("ETag", tag)
        if modified:
            handler.send_header("Last-Modified", modified)
        if cache_control:
            handler.send_header("Cache-Control", cache_control)
        if same:
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if gzipped:
            content = gzip.compress(content)
            handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    return answer


def versioned(site: Site, path: str, versions: dict[str, bytes], current: list[str]) -> None:
    """``path`` serves ``versions[current[0]]`` with that name as its ETag: change
    ``current[0]`` to publish another version."""

    def answer(handler: Handler) -> None:
        static(versions[current[0]], etag=f'"{current[0]}"')(handler)

    site.routes[path] = answer


def status(code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Route:
    def answer(handler: Handler) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def redirect(to: str, code: int = 302) -> Route:
    return status(code, {"Location": to})


def hang(seconds: float = 60.0) -> Route:
    """Take the connection and the request, then say nothing."""

    def answer(handler: Handler) -> None:
        handler.wait(seconds)

    return answer


def drip(every: float = 0.5, headers_too: bool = False) -> Route:
    """A byte at a time, ``every`` seconds apart: of the status line too (``headers_too``), or
    of a body that says it is a megabyte long. Each byte comes well within any read timeout."""

    def answer(handler: Handler) -> None:
        if headers_too:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                handler.wait(every)
                if handler.site.stopping.is_set():
                    return
            return
        handler.send_response(200)
        handler.send_header("Content-Length", str(1024**2))
        handler.end_headers()
        handler.wfile.write(b"{")
        while not handler.site.stopping.is_set():
            handler.wfile.write(b" ")
            handler.wfile.flush()
            handler.wait(every)

    return answer


def endless(total: int, declared: bool = False, chunk: int = 1024**2) -> Route:
    """``total`` bytes of a JSON string that never closes (``declared``: with an honest
    ``Content-Length``, else none: the body ends when the connection does)."""

    def answer(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declared:
            handler.send_header("Content-Length", str(total))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        block = b" " * chunk
        sent = 0
        while sent < total and not handler.site.stopping.is_set():
            piece = block[: total - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return answer


@cache
def bomb(expanded: int = 400 * 1024**2) -> bytes:
    """Gzip of ``expanded`` bytes of spaces: about a thousandth of that on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * 1024**2
    parts = [packer.compress(b'{"briefings": "')]
    for _ in range(expanded // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb() -> Route:
    return status(200, {"Content-Encoding": "gzip", "Content-Type": "application/json"}, bomb())


def lying_length(declared: int, sent: bytes) -> Route:
    """A ``Content-Length`` of ``declared`` bytes, and ``sent`` as the body, then the connection
    closed."""

    def answer(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(declared))
        handler.send_header("Connection", "close")
        handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(sent)

    return answer


def slow(route: Route, seconds: float) -> Route:
    """``route``, after ``seconds``."""

    def answer(handler: Handler) -> None:
        handler.wait(seconds)
        route(handler)

    return answer


def tls_pair(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for 127.0.0.1 and localhost from a throwaway
    certificate authority, and the authority's certificate as a file for clients to trust."""
    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost", "::1").configure_cert(context)
    bundle = folder / "test-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, bundle


def later(seconds: float, action: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()
    return timer


def wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
