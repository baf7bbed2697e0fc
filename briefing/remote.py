"""Briefing files published at a web address: fetched, kept, revalidated, offline-first.

A briefing file at ``https://…`` is read as a local one is, from a copy kept in the cache
folder (``remote/``: the copy, and beside it what is known of it: its validators, when it was
fetched, how long the server said it stays fresh). A copy younger than the maximum age is used
without asking the server, so a summary in a shell prompt never waits on the network; an older
one is revalidated with a conditional GET. When the server cannot be reached or answers an
error, the copy is used and a notice says so; a new version that is not a valid briefing file
never replaces a good copy.

What a server can do is bounded before a byte is trusted: only ``http`` and ``https``, plain
``http`` only to this machine (unless the user allows it), at most :data:`MAX_REDIRECTS`
redirects and never down to ``http``, one overall deadline that a server dripping a byte a
second cannot outlast, and a size limit counted after decompression while the body streams (a
gzip bomb or a lying ``Content-Length`` cannot exceed it, in memory or on disk). One request at a
time per host over every process of this user: readers of the same address share the copy, and
one that waited for another's request uses its answer instead of asking again.

The standard library only until a request is made: httpx (and asyncio) are imported then, so a
command on a local file, or on a copy still fresh, pays nothing for them.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

from briefing import __version__
from briefing.errors import BriefingError
from briefing.files import decode_text, read_regular, size_limit, write_atomically

if TYPE_CHECKING:
    import httpx

    from briefing.library import Library
    from briefing.records import Document

MAX_AGE_ENV = "BRIEFING_MAX_AGE"
"""Environment variable: how many seconds a copy is used without asking the server."""

DEFAULT_MAX_AGE = 60.0
DEFAULT_TIMEOUT = 20.0
"""Seconds that one fetch may take in all, redirects and a slow server included."""

MAX_REDIRECTS = 5

LONGEST_SERVER_AGE = 24 * 3600.0
"""The longest a server's ``Cache-Control: max-age`` or ``Retry-After`` is honoured for: a
server (or an attacker on the way) cannot keep a reader from asking for a day and more."""

USER_AGENT = f"briefing/{__version__}"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

_DOWNLOADING: contextvars.ContextVar[Callable[[int, int], None] | None] = contextvars.ContextVar(
    "downloading", default=None
)
"""Told ``(bytes received, bytes declared or 0)`` as a body arrives (:func:`downloading`)."""
_SPOOL = 8 * 1024**2
_PHRASE = 60
_META_FORMAT = 1


def is_address(text: str | os.PathLike[str] | None) -> bool:
    """Whether ``--data`` names a web address (anything of the form ``scheme://…``; only http
    and https are read, the others refused by :func:`check_address`) rather than a file."""
    return isinstance(text, str) and _SCHEME.match(text) is not None


class Policy(NamedTuple):
    """How an address is read: the command line's and the environment's settings."""

    max_age: float = DEFAULT_MAX_AGE
    """Seconds a copy is used without asking; 0: always ask (but a ``Retry-After`` holds)."""
    timeout: float = DEFAULT_TIMEOUT
    max_size: int | None = None
    """The most bytes a file may have (``None``: ``$BRIEFING_MAX_SIZE``, else the default)."""
    allow_http: bool = False
    ca_bundle: str | None = None

    @property
    def max_bytes(self) -> int:
        return size_limit() if self.max_size is None else self.max_size


def max_age_setting() -> float:
    """``$BRIEFING_MAX_AGE`` when set, else the default; a bad value is the user's error."""
    configured = os.environ.get(MAX_AGE_ENV, "")
    if not configured:
        return DEFAULT_MAX_AGE
    try:
        return seconds(configured)
    except ValueError as error:
        raise BriefingError.single(MAX_AGE_ENV, str(error)) from None


def seconds(text: str) -> float:
    """A number of seconds of at least 0, as the options take them."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ValueError(f"not a number of seconds: {text!r} (such as 60, or 0)")
    return value


# --- which addresses ----------------------------------------------------------------------


def shown(url: str) -> str:
    """The address as messages, the header and what is remembered name it: without the user
    name and password it may carry (``https://user:secret@host/…``), which only the request
    needs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_address(url: str, allow_http: bool = False) -> None:
    """Refuse, before any connection, an address this program does not read: another scheme
    than http and https, no host, or plain http to another machine than this one (a network
    attacker could rewrite what is shown as news) unless ``allow_http``."""
    problem = address_problem(url, allow_http)
    if problem:
        raise BriefingError.single(shown(url), problem)


def address_problem(url: str, allow_http: bool, came_from: str | None = None) -> str | None:
    """What is wrong with fetching ``url`` (reached by a redirect from ``came_from``), or
    ``None``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError as error:
        return f"not a web address: {error}"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "a relative address"
        return f"only http and https addresses are read, not {shown}"
    if not host:
        return "no host in the address"
    if came_from is not None and urlsplit(came_from).scheme.lower() == "https" and scheme == "http":
        return "a redirect from https down to plain http is never followed"
    if scheme == "http" and not allow_http and not is_loopback(host):
        return (
            f"plain http is read only from this machine, not from {host}: anyone on the way "
            "could change what it says. Use https, or --allow-http to read it anyway"
        )
    return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine, known without asking a resolver: ``localhost``, or an
    address in 127.0.0.0/8 or ``::1`` (``[::1]`` too): reachable only from here."""
    import ipaddress

    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- what is kept -------------------------------------------------------------------------


class Kept(NamedTuple):
    """What is known of an address's copy (``remote/<key>.meta.json``)."""

    url: str
    location: str
    """Where it is fetched from: the address, or where a permanent redirect moved it."""
    fetched: float | None = None
    """When the server last gave or confirmed the copy (``None``: there is no copy)."""
    size: int = -1
    mtime_ns: int = -1
    """The copy file's size and modification time when it was written: a copy that no longer
    matches is no copy (no validators are sent for what may be another version)."""
    etag: str | None = None
    last_modified: str | None = None
    server_age: float | None = None
    """The server's ``Cache-Control: max-age``, when it gave one."""
    retry_after: float | None = None
    """No request before this time (the server's ``Retry-After`` on 429 or 503)."""
    failed_since: float | None = None
    failure: str | None = None
    """Since when, and why, the server could not be asked (cleared by the next answer)."""

    def to_json(self) -> dict[str, Any]:
        return {"format": _META_FORMAT, **self._asdict()}

    @classmethod
    def from_json(cls, data: object, url: str) -> Kept | None:
        """The record, if ``data`` is one for ``url`` (anything else: ``None``)."""
        if not isinstance(data, dict) or data.get("format") != _META_FORMAT:
            return None
        if data.get("url") != url or not isinstance(data.get("location"), str):
            return None
        typed = {
            "fetched": (int, float),
            "size": (int,),
            "mtime_ns": (int,),
            "etag": (str,),
            "last_modified": (str,),
            "server_age": (int, float),
            "retry_after": (int, float),
            "failed_since": (int, float),
            "failure": (str,),
        }
        values: dict[str, Any] = {}
        for name, kinds in typed.items():
            value = data.get(name)
            if value is None:
                continue
            if type(value) not in kinds:
                return None
            values[name] = value
        return cls(url=url, location=data["location"], **values)


class Copy(NamedTuple):
    """An address's briefing file as this command reads it."""

    url: str
    path: Path | None
    """The copy on disk (``None`` when no cache is kept: then :attr:`document` holds it)."""
    kept: Kept
    document: Document | None = None
    """The file validated in this run (a new version), so that it is not validated twice."""
    changed: bool = False
    """Whether this run stored a new version."""
    error: BriefingError | None = None
    """The problems of a new version that was refused (the copy shown in its place)."""
    problem: str | None = None
    """Why the server's answer is not what is shown (``None``: it is)."""

    @property
    def notice(self) -> str | None:
        """One line for the user when the copy stands in for the server's answer: it could not
        be asked (``offline: …``), or its new version is invalid."""
        if self.problem is None or self.kept.fetched is None:
            return None
        when = clock(self.kept.fetched)
        if self.error is not None:
            return f"{self.problem}; showing the copy from {when}"
        return f"offline: showing the copy from {when} ({self.problem})"


class Place(NamedTuple):
    """Where an address's copy and record are kept."""

    copy: Path
    meta: Path
    lock: Path

    @classmethod
    def of(cls, url: str, folder: Path) -> Place:
        key = url_key(url)
        host = urlsplit(url).netloc.lower().encode("utf-8", "surrogateescape")
        return cls(
            folder / f"{key}.json",
            folder / f"{key}.meta.json",
            folder / f"host-{zlib.crc32(host):08x}.lock",
        )


def url_key(url: str) -> str:
    """The name an address's files are kept under: a hash of the address (hashlib costs more
    to import than a warm command's whole read; the record names the address, so two that
    share a hash only take turns)."""
    raw = url.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"


def remote_folder() -> Path | None:
    """Where copies are kept (``<cache>/remote``), made when missing; ``None`` when the cache is
    turned off or is not the user's own (every command then asks the server)."""
    from briefing.index import cache_dir, usable_folder

    cache = cache_dir()
    if cache is None:
        return None
    folder = cache / "remote"
    return folder if usable_folder(cache) and usable_folder(folder) else None


def _load_kept(place: Place, url: str) -> Kept:
    """The record of ``url``; a new one when there is none or it cannot be used (unreadable,
    damaged, another address's, a link), as a damaged index is rebuilt: the server is asked
    again. A record whose copy is missing or not the one it describes keeps its times but no
    copy (no validators are sent for a version that is not here)."""
    fresh = Kept(url=url, location=url)
    try:
        kept = Kept.from_json(
            json.loads(read_regular(place.meta, 1024**2, follow_links=False)), url
        )
    except (OSError, ValueError):
        return fresh
    if kept is None:
        return fresh
    if kept.fetched is not None and not _copy_matches(place.copy, kept):
        kept = kept._replace(fetched=None, etag=None, last_modified=None, size=-1, mtime_ns=-1)
    return kept


def _copy_matches(copy: Path, kept: Kept) -> bool:
    try:
        info = copy.lstat()
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) == (kept.size, kept.mtime_ns)


def _save_kept(place: Place, kept: Kept) -> None:
    with contextlib.suppress(OSError):
        write_atomically(place.meta, json.dumps(kept.to_json()), ".meta-")


def _store(place: Place, kept: Kept, body: bytes) -> Kept:
    """Write a new version's bytes (0600, atomically), then its record."""
    write_atomically(place.copy, body, ".copy-")
    info = place.copy.lstat()
    kept = kept._replace(size=info.st_size, mtime_ns=info.st_mtime_ns)
    _save_kept(place, kept)
    return kept


# --- reading an address -------------------------------------------------------------------


def kept_copy(url: str, policy: Policy) -> Copy | None:
    """The copy kept of ``url``, whatever its age, without asking the server (``None`` when
    there is none): what the reader shows at once."""
    check_address(url, policy.allow_http)
    found = _record(url)
    if found is None:
        return None
    place, kept = found
    return Copy(url, place.copy, kept) if kept.fetched is not None else None


def _record(url: str) -> tuple[Place, Kept] | None:
    """Where the copy of ``url`` is kept and what is known of it (``None``: no cache)."""
    folder = remote_folder()
    if folder is None:
        return None
    place = Place.of(url, folder)
    return place, _load_kept(place, url)


def fresh(kept: Kept, policy: Policy, now: float) -> bool:
    """Whether the copy may be used without asking: younger than the maximum age (or the
    server's longer ``max-age``); never with ``--max-age 0``."""
    if kept.fetched is None or policy.max_age <= 0:
        return False
    window = max(policy.max_age, min(kept.server_age or 0.0, LONGEST_SERVER_AGE))
    return 0 <= now - kept.fetched < window


def waiting(kept: Kept, now: float) -> bool:
    """Whether the server asked not to be asked again before now (``Retry-After``)."""
    return kept.retry_after is not None and now < kept.retry_after


@contextlib.contextmanager
def downloading(progress: Callable[[int, int], None]) -> Iterator[None]:
    """Within this, every body fetched tells ``progress`` of the bytes received so far and of
    those the server declared (0 when it did not say)."""
    token = _DOWNLOADING.set(progress)
    try:
        yield
    finally:
        _DOWNLOADING.reset(token)


def copy_of(url: str, policy: Policy, *, ask: bool = False) -> Copy:
    """The briefing file at ``url``: the kept copy while it is fresh (unless ``ask``), else
    what the server answers to a conditional request, else the copy with a notice; with no
    copy, a :class:`BriefingError` naming the address and the cause."""
    check_address(url, policy.allow_http)
    found = _record(url)
    if found is None:
        return _fetch_into_memory(url, policy)
    place, seen = found
    if not ask and fresh(seen, policy, time.time()):
        return Copy(url, place.copy, seen)
    with _host_lock(place.lock, policy.timeout) as locked:
        return _ask_if_still_due(place, seen, policy, locked)


def _ask_if_still_due(place: Place, seen: Kept, policy: Policy, locked: bool) -> Copy:
    """Under the host's lock (``locked``: held, else waited for in vain), ask the server,
    unless another reader asked while this one waited (its answer is ours) or the server asked
    to wait."""
    kept = _load_kept(place, seen.url) if locked else seen
    if kept != seen and kept.failure is not None:
        return _instead(place, kept, kept.failure)
    if kept != seen and kept.fetched is not None:
        return Copy(kept.url, place.copy, kept)
    if waiting(kept, time.time()):
        return _instead(place, kept, _wait_problem(kept))
    if not locked:
        waited = f"timed out after {_secs(policy.timeout)} s waiting for another request"
        return _instead(place, kept, waited)
    return _ask(place, kept, policy)


def _ask(place: Place, kept: Kept, policy: Policy) -> Copy:
    url, asked = kept.url, kept  # asked: the copy's record, whatever the answer
    validators = kept.fetched is not None
    answer = fetch(kept.location, policy, kept.etag if validators else None,
                   kept.last_modified if validators else None)  # fmt: skip
    now = time.time()
    if answer.moved_to is not None:
        kept = kept._replace(location=answer.moved_to)
    if answer.problem is not None:
        kept = kept._replace(
            retry_after=answer.retry_after,
            failed_since=kept.failed_since or now,
            failure=answer.problem,
        )
        _save_kept(place, kept)
        return _instead(place, kept, answer.problem)
    kept = kept._replace(
        fetched=now,
        etag=answer.etag or kept.etag,
        last_modified=answer.last_modified or kept.last_modified,
        server_age=answer.server_age,
        retry_after=None,
        failed_since=None,
        failure=None,
    )
    if answer.body is None and not validators:
        return _instead(place, asked, "HTTP 304 Not Modified to a request for the whole file")
    if answer.body is None or (validators and _same_as_copy(place.copy, answer.body)):
        _save_kept(place, kept)  # 304, or the same bytes again: the copy is current
        return Copy(url, place.copy, kept)
    try:
        document = _validated(answer.body, shown(url))
    except BriefingError as error:
        return _instead(place, asked, _invalid(error), error=error)
    kept = kept._replace(etag=answer.etag, last_modified=answer.last_modified)
    try:
        kept = _store(place, kept, answer.body)
    except OSError:
        return Copy(url, None, kept, document, changed=True)  # shown, not kept
    return Copy(url, place.copy, kept, document, changed=True)


def _same_as_copy(copy: Path, body: bytes) -> bool:
    """Whether ``body`` is the copy's bytes (a server that ignores the validators sends the
    same file again: nothing to validate, nothing to reload)."""
    try:
        return copy.stat().st_size == len(body) and copy.read_bytes() == body
    except OSError:
        return False


def _instead(place: Place, kept: Kept, problem: str, error: BriefingError | None = None) -> Copy:
    """The copy ``kept`` describes in place of what the server did not give (``problem``);
    with no copy, the error."""
    if kept.fetched is None:
        raise error or BriefingError.single(shown(kept.url), problem)
    return Copy(kept.url, place.copy, kept, error=error, problem=problem)


def _invalid(error: BriefingError) -> str:
    first = error.lines(limit=1)[0]
    more = f" (and {error.count - 1} more problems)" if error.count > 1 else ""
    return f"the new version is not a valid briefing file: {first}{more}"


def _wait_problem(kept: Kept) -> str:
    assert kept.retry_after is not None
    return f"the server asked not to be asked again before {clock(kept.retry_after)}"


def _fetch_into_memory(url: str, policy: Policy) -> Copy:
    """No cache is kept: every command asks the server."""
    answer = fetch(url, policy)
    if answer.problem is not None:
        raise BriefingError.single(shown(url), answer.problem)
    assert answer.body is not None
    kept = Kept(url=url, location=answer.moved_to or url, fetched=time.time())
    return Copy(url, None, kept, _validated(answer.body, shown(url)), changed=True)


def _validated(body: bytes, url: str) -> Document:
    from briefing import store  # pydantic: only for a new version

    return store.parse(decode_text(body, url), url)


@contextlib.contextmanager
def _host_lock(lock: Path, timeout: float) -> Iterator[bool]:
    """Hold the host's lock (every process of this user: one request at a time per host),
    waiting at most ``timeout``; yields whether it is held (no lock on Windows: ``True``)."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(lock, flags, 0o600)
    except OSError:
        yield True  # no lock can be had here: ask anyway, as without a cache
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
            except OSError:
                break  # a file system without locks
        yield True
    finally:
        os.close(descriptor)  # lets the lock go


def clock(when: float, now: float | None = None) -> str:
    """``14:02`` today, else ``1 December at 14:02`` (with the year when another): local time."""
    from datetime import datetime

    from briefing.records import day_and_time

    moment = datetime.fromtimestamp(when).astimezone()
    current = datetime.fromtimestamp(time.time() if now is None else now).astimezone()
    return f"{moment:%H:%M}" if moment.date() == current.date() else day_and_time(moment, current)


def freshness(kept: Kept, now: float | None = None) -> str:
    """``fetched 2 min ago``, or ``offline since 14:02 (connection refused)``: what the
    reader's header says of an address's copy."""
    now = time.time() if now is None else now
    if kept.failed_since is not None:
        return f"offline since {clock(kept.failed_since, now)} ({kept.failure})"
    if kept.fetched is None:
        return "not fetched yet"
    return f"fetched {ago(now - kept.fetched)}"


def ago(elapsed: float) -> str:
    """``just now``, ``40 s ago``, ``2 min ago``, ``3 h ago``, ``2 days ago``."""
    if elapsed < 10:
        return "just now"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if elapsed >= size:
            count = int(elapsed // size)
            return f"{count} {unit}{'s' if unit == 'day' and count != 1 else ''} ago"
    return f"{int(elapsed)} s ago"


def _secs(value: float) -> str:
    return f"{value:g}"


# --- one request --------------------------------------------------------------------------


class Answer(NamedTuple):
    """What one fetch came to: a body (200), none (304), or a problem."""

    body: bytes | None = None
    spool: IO[bytes] | None = None
    """The body as it arrived, before :func:`fetch` reads it into :attr:`body`."""
    etag: str | None = None
    last_modified: str | None = None
    server_age: float | None = None
    moved_to: str | None = None
    """Where a permanent redirect (301, 308) moved the address."""
    problem: str | None = None
    retry_after: float | None = None


class _Refused(Exception):
    """A problem that ends the fetch: its message says what, in the user's terms."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def fetch(
    url: str,
    policy: Policy,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Answer:
    """GET ``url`` (conditionally, with these validators), within ``policy``'s deadline, size
    and redirect rules. Never raises for what the network or the server does: that is the
    answer's :attr:`~Answer.problem`."""
    import asyncio

    try:
        answer = asyncio.run(_fetch(url, policy, etag, last_modified))
    except _Refused as refused:
        return Answer(problem=str(refused), retry_after=refused.retry_after)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # a proxy setting httpx cannot use, say: one line all the same
        return Answer(problem=f"cannot connect: {error or type(error).__name__}")
    if answer.spool is None:
        return answer
    with answer.spool as spool:
        return answer._replace(body=spool.read(), spool=None)


async def _fetch(url: str, policy: Policy, etag: str | None, last_modified: str | None) -> Answer:
    import asyncio

    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
               "Accept": "application/json, */*;q=0.5"}  # fmt: skip
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = policy.timeout
    try:
        async with asyncio.timeout(limit), _client(policy) as client:
            return await _follow(client, url, headers, policy)
    except TimeoutError:
        raise _Refused(f"timed out after {_secs(limit)} s") from None
    except httpx.TimeoutException:
        raise _Refused(f"timed out after {_secs(limit)} s") from None
    except httpx.HTTPError as error:
        raise _Refused(_network_problem(error)) from None
    except OSError as error:  # a CA bundle that cannot be read, say
        raise _Refused(f"cannot connect: {error.strerror or error}") from None


def _client(policy: Policy) -> httpx.AsyncClient:
    import ssl

    import httpx

    verify: ssl.SSLContext | bool = True  # certifi, or $SSL_CERT_FILE / $SSL_CERT_DIR
    if policy.ca_bundle:
        try:
            verify = ssl.create_default_context(cafile=policy.ca_bundle)
        except (OSError, ssl.SSLError) as error:
            raise _Refused(f"the CA bundle {policy.ca_bundle} cannot be used: {error}") from None
    return httpx.AsyncClient(
        follow_redirects=False,  # followed below, each hop checked
        timeout=httpx.Timeout(policy.timeout),
        verify=verify,
        limits=httpx.Limits(max_connections=1),
    )


async def _follow(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], policy: Policy
) -> Answer:
    """Follow at most :data:`MAX_REDIRECTS` redirects, each checked before it is followed."""
    location, moved_to, permanent = url, None, True
    for _ in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", location, headers=headers) as response:
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                target = response.headers.get("location")
                if not target:
                    raise _Refused(f"HTTP {status} with no address to go to")
                next_location = urljoin(location, target.strip())
                problem = address_problem(next_location, policy.allow_http, came_from=location)
                if problem:
                    raise _Refused(f"redirected to {next_location}: {problem}")
                permanent = permanent and status in (301, 308)
                moved_to = next_location if permanent else moved_to
                location = next_location
                continue
            if status == 304:
                return _answer(response, None, moved_to)
            if status == 200:
                _refuse_a_web_page(response)
                body = await _body(response, policy.max_bytes)
                return _answer(response, body, moved_to)
            retry_after = _retry_after(response) if status in (429, 503) else None
            phrase = response.reason_phrase[:_PHRASE]  # the server's words: kept short
            reason = f"HTTP {status}" + (f" {phrase}" if phrase else "")
            if retry_after is not None:
                reason += f"; the server asks to try again after {clock(retry_after)}"
            raise _Refused(reason, retry_after)
    raise _Refused(f"more than {MAX_REDIRECTS} redirects")


def _refuse_a_web_page(response: httpx.Response) -> None:
    """A web page where a briefing file should be is the network's login page (a train's, a
    hotel's) or a wrong address, not a new version: refused as the server not answering."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        raise _Refused(
            f"the server sent a web page ({media}), not a briefing file: a network's login "
            "page, or the wrong address"
        )


def _answer(response: httpx.Response, spool: IO[bytes] | None, moved_to: str | None) -> Answer:
    headers = response.headers
    return Answer(
        spool=spool,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        server_age=_max_age(headers.get("cache-control", "")),
        moved_to=moved_to,
    )


def _max_age(cache_control: str) -> float | None:
    """The ``max-age`` of a ``Cache-Control`` header (``no-cache``, ``no-store``: 0)."""
    found = None
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("no-cache", "no-store"):
            return 0.0
        if name == "max-age":
            with contextlib.suppress(ValueError):
                found = max(0.0, float(int(value.strip().strip('"'))))
    return found


def _retry_after(response: httpx.Response) -> float | None:
    """When the server asks to be asked again (``Retry-After``: seconds or a date), at most
    :data:`LONGEST_SERVER_AGE` from now."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    now = time.time()
    if value.isdigit():
        delay = float(value)
    else:
        from email.utils import parsedate_to_datetime

        try:
            delay = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return now + min(max(delay, 0.0), LONGEST_SERVER_AGE)


async def _body(response: httpx.Response, limit: int) -> IO[bytes]:
    """The body, decompressed here (gzip, deflate) so that no more than ``limit`` bytes are
    ever made, whatever the server says of its length or sends."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise _Refused(f"the server sent the file in an encoding not asked for: {encoding}")
    declared = response.headers.get("content-length", "")
    if encoding in ("identity", "") and declared.isdigit() and int(declared) > limit:
        raise _Refused(_too_large(limit))
    inflate = None
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj()  # zlib-wrapped, as RFC 9110 says
    import tempfile

    # Spooled to a temporary file past a few megabytes, and read back once the request is
    # over, outside the event loop: the body is then in memory once, as a local file's bytes
    # are (read inside, it peaked at three times its size).
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (fetch() closes it)
    told = _DOWNLOADING.get() or _untold
    expected = int(declared) if declared.isdigit() else 0
    received = 0
    try:
        size = 0
        async for chunk in response.aiter_raw():  # as it arrives: its progress is told
            received += len(chunk)
            told(received, expected)
            data = chunk
            while data:
                if inflate is None:
                    piece, data = data, b""
                else:
                    try:
                        piece = inflate.decompress(data, limit - size + 1)
                    except zlib.error:
                        message = f"the {encoding} data the server sent is damaged"
                        raise _Refused(message) from None
                    data = inflate.unconsumed_tail
                size += len(piece)
                if size > limit:
                    raise _Refused(_too_large(limit))
                spool.write(piece)
                if inflate is not None and inflate.eof:
                    break
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _untold(done: int, total: int) -> None:
    pass


def _too_large(limit: int) -> str:
    from briefing.files import human_size

    return (
        f"the file is larger than the limit of {human_size(limit)}; to read it, raise the "
        "limit with --max-size or BRIEFING_MAX_SIZE"
    )


def _network_problem(error: Exception) -> str:
    """An httpx error in the user's terms: ``connection refused``, ``cannot find the host``."""
    import httpx

    cause: BaseException | None = error
    while cause is not None:
        said = _said_of(cause)
        if said:
            return said
        cause = cause.__cause__ or cause.__context__
    text = str(error)
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke off its answer ({text or 'protocol error'})"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({text})" if text else "cannot connect"
    return text or type(error).__name__


def _said_of(cause: BaseException) -> str | None:
    """What one exception in an error's chain means to the user, if it says something."""
    import socket
    import ssl

    said = None
    if isinstance(cause, ssl.SSLCertVerificationError):
        said = f"the server's certificate is not trusted ({cause.verify_message})"
    elif isinstance(cause, ssl.SSLError):
        said = f"a secure connection failed ({cause.reason or cause})"
    elif isinstance(cause, socket.gaierror):
        said = "cannot find the host (no such name, or no network)"
    elif isinstance(cause, ConnectionRefusedError):
        said = "connection refused"
    elif isinstance(cause, ConnectionResetError):
        said = "the connection was reset"
    elif isinstance(cause, OSError) and cause.strerror:
        said = cause.strerror[:1].lower() + cause.strerror[1:]
    return said


def library_of(copy: Copy, max_bytes: int | None = None) -> Library:
    """The briefings of an address's copy: those validated in this run, else the copy's index
    (errors name the address, not the copy)."""
    from briefing.library import MemoryLibrary

    if copy.document is not None:
        return MemoryLibrary(copy.document, shown(copy.url))
    assert copy.path is not None
    from briefing.index import open_library

    return open_library(copy.path, max_bytes, name=shown(copy.url))


class Subscription:
    """An address the reader follows: its copy refreshed in the background (:meth:`refresh`, in
    a worker thread: it may wait on the network), and what the header says of it."""

    MIN_INTERVAL = 1.0

    def __init__(self, url: str, policy: Policy, copy: Copy) -> None:
        self.url = url
        self.shown = shown(url)
        """How the address is named to the user and in what is remembered (no password)."""
        self.policy = policy
        self.copy = copy
        """The last copy read (a new version, or the kept one)."""
        self._failure: tuple[float, str] | None = None

    @property
    def path(self) -> Path | None:
        """The copy on disk, which the reader watches (``None``: no cache is kept)."""
        return self.copy.path

    @property
    def interval(self) -> float:
        """How often the reader asks again: every ``--max-age`` seconds (at least a second)."""
        return max(self.policy.max_age, self.MIN_INTERVAL)

    def library(self) -> Library:
        """The briefings of the copy as it is now: those the last fetch validated while the
        copy is still the file it wrote (and when no cache is kept), else the copy's own (which
        another reader may have refreshed), through its index."""
        copy, path = self.copy, self.copy.path
        if path is None or (copy.document is not None and _copy_matches(path, copy.kept)):
            return library_of(copy, self.policy.max_size)  # validated by the fetch: not again
        from briefing.index import open_library

        return open_library(path, self.policy.max_size, name=self.shown)

    def refresh(self, ask: bool = False) -> Copy:
        """The copy after asking the server if it is due (always when ``ask``, as ``r`` does),
        as :func:`copy_of` gives it; an error only when there is no copy at all."""
        try:
            copy = copy_of(self.url, self.policy, ask=ask)
        except BriefingError as error:
            since = self._failure[0] if self._failure else time.time()
            self._failure = (since, error.lines(limit=1)[0])
            raise
        self._failure = None
        self.copy = copy
        return copy

    def origin(self, now: float | None = None) -> str:
        """``Fetched 2 min ago · from https://…`` (or ``Offline since 14:02 (…) · from …``),
        from what is kept now: another reader may have fetched it meanwhile."""
        from briefing.errors import visible

        kept = self.copy.kept
        found = _record(self.url) if self.copy.path is not None else None
        if found is not None:
            kept = found[1]
        if self._failure is not None:
            kept = kept._replace(failed_since=self._failure[0], failure=self._failure[1])
        said = freshness(kept, now)  # first: a narrow header still shows it
        return visible(f"{said[:1].upper()}{said[1:]} \u00b7 from {self.shown}")
