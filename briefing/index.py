"""A derived, disposable index of a briefing file, so that commands need not re-read it.

Validating a file with pydantic costs a tenth of a second to import and about half a
millisecond a briefing; most commands run on a file that has not changed since the last one.
The first command after a change validates the file as always (:mod:`briefing.store`) and
writes what it found to an SQLite file in the user's cache folder; the next commands read only
the rows they need from it: the list, one briefing, or the briefings a word occurs in (SQLite
scans a table of their folded text, which costs far less than decoding the briefings).

The JSON file stays the only source of truth. An index is used only when the file's path,
size, modification and change times, inode and device, the index format and this program's
version all match what was recorded; a file changed within :data:`RACY_SECONDS` of being
indexed could change again within the same timestamp, so such an index is trusted only after
the file's content hash is checked too (as git does with its "racily clean" index entries). A
stale, corrupt or unreadable index is rebuilt; when none can be written (read-only cache, full
disk), the file is read as before. The index is written to a temporary file and renamed into
place, so a reader never sees half of one, and two commands building at once do no harm.

Nothing read back from an index is trusted: the list is checked when the index is opened, every
row is checked as it is decoded, and all text is scrubbed of control characters. A row that
does not decode removes the index, and the command goes on from the file (validated as
always), where the row was. The cache folder must be the user's own and writable by no one
else (but the user's own group), an index file the user's own and not a symbolic link; anything
else is left alone and the file read directly. The cache is kept under a size
(:data:`CACHE_SIZE_ENV`), the least recently used indexes out first.

Standard library only on the path that reads an index: no pydantic, no Textual, no Rich.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
import typing
import zlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.errors import BriefingError
from briefing.files import (
    STDIN,
    display_name,
    read_bytes,
    read_text,
    real_path,
    size_limit,
    size_setting,
    stat_of,
    too_large,
    user_folder,
)
from briefing.layout import Change, Layout, byte_offsets, compare, items
from briefing.library import Entry, Library, MemoryLibrary
from briefing.records import Briefing, Document, may_need_cleaning, scrub, sound
from briefing.search import fold_query, folded_body

CACHE_ENV = "BRIEFING_CACHE"
"""Environment variable: the folder that holds indexes, or ``off`` to keep none."""

CACHE_SIZE_ENV = "BRIEFING_CACHE_SIZE"
"""Environment variable: how much the indexes in the cache folder may hold (such as ``1G``)."""

DEFAULT_CACHE_BYTES = 256 * 1024**2
"""The default cache size: 256 MiB, the indexes of about 250 MB of briefing files."""

INDEX_FORMAT = 8
"""The layout of an index file; a different one is rebuilt, never read."""

RACY_SECONDS = 2.0
"""A file modified this close to its indexing is checked by content hash before each use."""

TOUCH_SECONDS = 60.0
"""An index used is marked as used (its modification time set) at most this often: what the
least-recently-used pruning goes by, for the price of one system call a minute."""

STALE_SECONDS = 3600.0
"""A temporary index file this old is left from a command that was stopped: it is removed."""

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE files (
    file INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    ctime INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    device INTEGER NOT NULL,
    digest TEXT NOT NULL,
    racy INTEGER NOT NULL,
    broken INTEGER NOT NULL,
    first INTEGER NOT NULL,
    count INTEGER NOT NULL
);
CREATE TABLE entries (
    pos INTEGER PRIMARY KEY,
    ord INTEGER NOT NULL,
    file INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    id TEXT NOT NULL,
    published TEXT NOT NULL,
    title TEXT NOT NULL,
    sections INTEGER NOT NULL
);
CREATE INDEX entries_ord ON entries (ord);
CREATE INDEX entries_id ON entries (id);
CREATE INDEX entries_file ON entries (file);
CREATE TABLE briefings (pos INTEGER PRIMARY KEY, json BLOB NOT NULL);
CREATE TABLE text (pos INTEGER PRIMARY KEY, body TEXT NOT NULL, places TEXT NOT NULL);
"""
"""One layout for the index of a file and of a folder (:mod:`briefing.folder_index`).

A briefing's rows share its ``pos``, which never changes while it is indexed; ``ord`` is its
place in the library (0, 1, 2…: the files in order, each file's briefings in order), renumbered
when a file of a folder gains or loses briefings. ``files`` has one row per file of a folder
(empty for a file's index, whose meta data says what the file was): its path relative to the
folder, what it was when indexed, whether it was broken (then it has no briefings, and is
checked again by every command, as a broken file always is), and where its briefings start.

``briefings.json`` holds each briefing's JSON form, UTF-8, compressed (zlib, level
:data:`_COMPRESSION`): a third of its size, and a damaged row fails its checksum."""

_COMPRESSION = 1
"""zlib's fastest level: 0.38 of the size where the best level gives 0.34, at 60% of the time."""

# What the list must be for the index to be opened, in one scan of a column (a few ms for
# 10,000 briefings): as many entries as the index says, numbered 0, 1, 2… in order, and none
# published after the entry the index names the newest, or on its day before it
# (Library.newest_id). A date that is not one is either later than that as text (the index is
# refused) or found when the list is decoded.
_ENTRIES_CHECK = """
SELECT count(*), min(ord), max(ord), count(DISTINCT ord),
    total(published > :published OR (published = :published AND ord < :ord))
FROM entries
"""

REPEATED_ID = "SELECT id FROM entries GROUP BY id HAVING count(*) > 1"
"""The ids used by more than one briefing (only a folder's files can do that to each other)."""

_EVERY_ROW = "FROM entries LEFT JOIN text USING (pos)"
"""The briefings searched: every entry (a missing row of folded text is damage, not a miss)."""

_Key = tuple[int, int, int, int, int]

DECODE_ERRORS = (
    sqlite3.Error,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    zlib.error,
)


class _Damaged(Exception):
    """A row of the index does not decode."""


def cache_dir() -> Path | None:
    """Where indexes are kept: ``$BRIEFING_CACHE``, else the platform's user cache folder
    (``$XDG_CACHE_HOME/briefing`` or ``~/.cache/briefing`` on Linux); ``None`` when turned off.
    """
    configured = os.environ.get(CACHE_ENV, "")
    if configured.lower() == "off":
        return None
    return Path(configured) if configured else user_folder("cache")


def cache_limit() -> int:
    """How many bytes of indexes the cache keeps: ``$BRIEFING_CACHE_SIZE``, else the default."""
    return size_setting(CACHE_SIZE_ENV, DEFAULT_CACHE_BYTES)


def index_path(data: Path, folder: Path) -> Path:
    """The index file of a data file: one per data file, named after its full path (which the
    index records too: two paths with the same name only take turns, never mix)."""
    import zlib  # hashlib would cost more to import than the rest of this module

    name = real_name(data)
    return folder / f"index-{zlib.crc32(name):08x}{zlib.adler32(name):08x}.sqlite3"


def open_library(
    path: str | Path,
    max_bytes: int | None = None,
    name: str | None = None,
    progress: typing.Callable[[int, int], None] | None = None,
) -> Library:
    """The briefings of the file at ``path`` (``-``: standard input), from its index when the
    index is current, else validated from the file (and indexed for next time); of every file
    of a folder, from the folder's index brought up to date (:mod:`briefing.folder_index`;
    ``progress`` is told of the files it validates). Errors name it ``name`` (default: its
    path; an address's copy is named by the address)."""
    library = _library(path, max_bytes, name, progress, indexed_only=False)
    assert library is not None
    return library


def indexed_library(path: str | Path, max_bytes: int | None = None) -> Library | None:
    """:func:`open_library`'s briefings if they come from a current index at once, ``None``
    if they would have to be validated first (the reader then opens them behind its opening
    screen). What is wrong at a glance (no such file, too large, an empty folder) is raised
    all the same."""
    return _library(path, max_bytes, None, None, indexed_only=True)


def _library(
    path: str | Path,
    max_bytes: int | None,
    name: str | None,
    progress: typing.Callable[[int, int], None] | None,
    *,
    indexed_only: bool,
) -> Library | None:
    name = display_name(path) if name is None else name
    if str(path) == STDIN:
        return None if indexed_only else validated(path, max_bytes, name)
    limit = size_limit() if max_bytes is None else max_bytes
    folder = cache_dir()
    info = stat_of(path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        from briefing.folder_index import open_folder

        return open_folder(Path(path), max_bytes, name, progress, indexed_only=indexed_only)
    if info is None or not stat.S_ISREG(info.st_mode):
        return validated(path, max_bytes, name)  # reports a missing file, a FIFO, …
    if info.st_size > limit:
        raise too_large(name, limit)
    keep = cache_limit()  # a bad setting is reported whether or not an index is written
    if folder is None or not usable_folder(folder):
        return None if indexed_only else validated(path, max_bytes, name)
    index = index_path(Path(path), folder)
    opened = IndexedLibrary.open(index, Path(path), info, name, max_bytes)
    if opened is None and not indexed_only:
        opened = patch(Path(path), index, max_bytes, name, progress=progress)
        if opened is not None:
            prune(index, keep)
    if opened is not None or indexed_only:
        return opened
    return build(path, index, max_bytes, keep, name, progress=progress)


def validated(
    path: str | Path,
    max_bytes: int | None,
    name: str,
    progress: typing.Callable[[int, int], None] | None = None,
) -> MemoryLibrary:
    """The briefings of the file (or every file of the folder) at ``path``, validated, with no
    index (``progress``: told of a folder's files as they are done)."""
    from briefing import store  # pydantic: only when the file must be validated

    if str(path) != STDIN and Path(path).is_dir():
        from briefing.folder import load

        return MemoryLibrary(load(Path(path), max_bytes, progress, name), name)
    return MemoryLibrary(store.load(path, max_bytes, name), name)


def key_of(info: os.stat_result) -> _Key:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def real_name(path: str | Path) -> bytes:
    """The file's full path with every symbolic link resolved, as bytes (a name need not be
    UTF-8; a link loop is no error here: the file is then not found when it is read)."""
    return os.fsencode(real_path(path))


def digest_of(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _encodable(text: str) -> bool:
    """Whether the text can be looked up in SQLite: a command-line argument whose bytes are not
    UTF-8 arrives with lone surrogates, which no briefing contains (it matches nothing)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- whose the cache is -------------------------------------------------------------------


def _private(info: os.stat_result) -> bool:
    """Whether a file or folder is the user's own and no one else can write to it (a group's
    write is allowed only for the user's own primary group, as umask 002 systems make them)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: the folder is in the user's profile
        return True
    group_writes = info.st_mode & stat.S_IWGRP and info.st_gid != os.getgid()
    return info.st_uid == getuid() and not (info.st_mode & stat.S_IWOTH or group_writes)


def usable_folder(folder: Path) -> bool:
    """Whether indexes may be kept in ``folder``, made (0700) when missing: it must be a folder
    that is the user's own and that no one else can write to. Searching it may still be denied:
    every read and write below says so by an OSError, and the file is then read directly."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _private(info)


def connect(index: Path) -> tuple[sqlite3.Connection, os.stat_result] | None:
    """A connection to the index file, if it is a regular file of the user's own (never
    through a symbolic link, never blocking on a FIFO planted there), and the file's status.
    Marks it as used for the pruning (:data:`TOUCH_SECONDS`)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(index, flags)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not (stat.S_ISREG(info.st_mode) and _private(info)):
            return None
        if time.time() - info.st_mtime > TOUCH_SECONDS:
            with contextlib.suppress(OSError):
                os.utime(descriptor if os.utime in os.supports_fd else index)
        return sqlite3.connect(index, check_same_thread=False), info
    except (OSError, sqlite3.Error):
        return None
    finally:
        os.close(descriptor)


# --- writing an index ---------------------------------------------------------------------


def build(
    path: str | Path,
    index: Path,
    max_bytes: int | None = None,
    cache_bytes: int | None = None,
    name: str | None = None,
    *,
    progress: typing.Callable[[int, int], None] | None = None,
) -> Library:
    """Validate the file and write its index (then prune the cache to ``cache_bytes``); the
    briefings, from the index when it could be written, else from memory. ``progress`` is
    told that the one file is begun (its validation is one call: no more can be told)."""
    from briefing import store

    if progress is not None:
        progress(0, 1)
    name = display_name(path) if name is None else name
    before = stat_of(path)
    text = read_text(path, max_bytes, name)  # the one read: a file gone by now is reported here
    read_at = time.time_ns()
    validated, located = store.validate_located(text, name)
    document, raw = store.as_records(validated)
    after = stat_of(path)
    if before is None or after is None or key_of(before) != key_of(after):
        return MemoryLibrary(document, name)  # changed or gone while we read it: what we read
    if located is None:  # a valid file is one object: it cannot be otherwise
        return MemoryLibrary(document, name)
    meta = {
        "format": INDEX_FORMAT,
        "version": __version__,
        "path": real_name(path),
        "key": json.dumps(key_of(after)),
        "layout": _layout(text, located).to_bytes(),
        "schema": float(validated.schema_version),
        "racy": int(read_at - after.st_mtime_ns < RACY_SECONDS * 1e9),
        "newest": document.newest().id,
        "count": len(document.briefings),
    }
    try:
        _write(index, meta, raw, document.briefings)
    except (OSError, sqlite3.Error, ValueError):
        return MemoryLibrary(document, name)  # no index can be kept here: read the file each time
    prune(index, cache_limit() if cache_bytes is None else cache_bytes)
    library = IndexedLibrary.open(index, Path(path), after, name, max_bytes, read=True)
    return library or MemoryLibrary(document, name)


def _layout(text: str, located: tuple[list[int], int]) -> Layout:
    """The layout of a file's text (the briefings at these character offsets)."""
    starts, end = located
    *starts, end = byte_offsets(text, [*starts, end])
    return Layout.measure(text.encode("utf-8"), starts, end)


def patch(
    path: Path,
    index: Path,
    max_bytes: int | None,
    name: str,
    *,
    progress: typing.Callable[[int, int], None] | None = None,
) -> IndexedLibrary | None:
    """The file's briefings from its index brought up to date in place, when the file differs
    from the one indexed by some briefings (:mod:`briefing.layout`): only those are validated,
    and only their rows replaced, in one transaction (a library open on the index keeps its
    snapshot). ``None`` when that cannot be (no index of this file, its header or trailer
    changed, a changed briefing has a problem or takes an id another has, the file changed
    meanwhile): the file is then validated whole, and its problems reported as always."""
    db = _writing(index)
    if db is None:
        return None
    try:
        now = _patched(db, path, max_bytes, progress)
        if now is None:
            return None
        db.execute("COMMIT")
    except (OSError, BriefingError, *DECODE_ERRORS):
        return None
    finally:
        db.close()  # what was not committed is rolled back
    return IndexedLibrary.open(index, path, now, name, max_bytes, read=True)


BUSY_SECONDS = 60.0
"""How long a command waits for another that is updating the same index."""


def _writing(index: Path) -> sqlite3.Connection | None:
    """A connection to the index in a write transaction (after any other command's), or
    ``None`` if it cannot be had."""
    connected = connect(index)
    if connected is None:
        return None
    db = connected[0]
    try:
        db.isolation_level = None
        if db.execute("PRAGMA journal_mode").fetchone() != ("wal",):
            raise sqlite3.DatabaseError  # readers of it would hold a writer off
        db.execute("PRAGMA synchronous = OFF")  # a derived cache: a crash costs a rebuild
        db.execute("PRAGMA journal_size_limit = 4194304")  # a whole file's rows: not kept
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        db.close()
        return None
    return db


def _patched(
    db: sqlite3.Connection,
    path: Path,
    max_bytes: int | None,
    progress: typing.Callable[[int, int], None] | None,
) -> os.stat_result | None:
    """Bring the index up to date with the file, in the transaction under way: what the file
    is now (its ``stat``), or ``None`` if it cannot be (:func:`patch`)."""
    meta = read_meta(db)
    if meta is None or "kind" in meta or meta.get("path") != real_name(path):
        return None
    layout = Layout.from_bytes(meta.get("layout"))
    version = meta.get("schema")
    if layout is None or type(version) is not float or len(layout.starts) != meta["count"]:
        return None
    before = stat_of(path)
    raw = read_bytes(path, max_bytes)
    read_at = time.time_ns()
    change = compare(layout, raw)
    if before is None or change is None:
        return None
    count = len(layout.starts)
    if change.same(count):  # touched, or brought up to date by another command meanwhile
        return _recorded(db, path, before, read_at)
    if not _replaced(db, layout, change, raw, version, progress):
        return None
    return _recorded(db, path, before, read_at)


def _replaced(  # noqa: PLR0917 (one caller)
    db: sqlite3.Connection,
    layout: Layout,
    change: Change,
    raw: bytes,
    version: float,
    progress: typing.Callable[[int, int], None] | None,
) -> bool:
    """Replace the rows of the briefings that changed by those of the briefings between the
    parts kept of the file (``raw``), validated: whether they could be (they are values, and
    valid briefings)."""
    count = len(layout.starts)
    middle = raw[change.begin : change.stop].decode("utf-8")  # the rest was UTF-8, and is
    found = items(
        middle, after_item=change.kept_before == count, before_item=change.kept_after < count
    )
    if found is None:
        return False
    if progress is not None:
        progress(0, 1)
    from briefing import store  # pydantic: only when briefings must be validated

    validated = store.validate_briefings([middle[a:b] for a, b in found], version)
    if validated is None:
        return False
    briefings, forms = store.records_of(validated)
    offsets = iter(byte_offsets(middle, [offset for span in found for offset in span]))
    spans = [(change.begin + a, change.begin + b) for a, b in zip(offsets, offsets, strict=True)]
    first, past = change.kept_before, change.kept_after
    gone = "(SELECT pos FROM entries WHERE ord >= ? AND ord < ?)"
    for table in ("briefings", "text"):
        db.execute(f"DELETE FROM {table} WHERE pos IN {gone}", (first, past))
    db.execute("DELETE FROM entries WHERE ord >= ? AND ord < ?", (first, past))
    if len(briefings) != past - first:
        shift = len(briefings) - (past - first)
        db.execute("UPDATE entries SET ord = ord + ?, idx = idx + ? WHERE ord >= ?",
                   (shift, shift, past))  # fmt: skip
    (pos,) = db.execute(NEXT_POS).fetchone()
    insert_rows(db, briefings, forms, pos=pos, ord=first, file=0)
    db.execute("UPDATE entries SET idx = ord WHERE pos >= ?", (pos,))
    if db.execute(REPEATED_ID).fetchone() is not None:
        return False  # an id of another briefing: the file's validation says where
    (newest,) = db.execute(NEWEST).fetchone()
    db.executemany(
        "UPDATE meta SET value = ? WHERE key = ?",
        [
            (layout.changed(change, raw, spans).to_bytes(), "layout"),
            (newest, "newest"),
            (count - (past - first) + len(briefings), "count"),
        ],
    )
    return True


def _recorded(
    db: sqlite3.Connection, path: Path, before: os.stat_result, read_at: int
) -> os.stat_result | None:
    """Record that the index describes the file as it was read (``before``, at ``read_at``),
    if it still is so: what it is now, else ``None`` (it changed again while it was read)."""
    after = stat_of(path)
    if after is None or key_of(after) != key_of(before):
        return None
    db.executemany(
        "UPDATE meta SET value = ? WHERE key = ?",
        [
            (json.dumps(key_of(after)), "key"),
            (int(read_at - after.st_mtime_ns < RACY_SECONDS * 1e9), "racy"),
        ],
    )
    return after


NEXT_POS = (
    "SELECT max(coalesce((SELECT max(pos) FROM entries), -1), "
    "coalesce((SELECT max(pos) FROM briefings), -1), "
    "coalesce((SELECT max(pos) FROM text), -1)) + 1"
)
"""A row number no briefing's rows have."""

NEWEST = "SELECT id FROM entries ORDER BY published DESC, ord LIMIT 1"
"""The briefing published last; on a tie, the first of them (:meth:`Library.newest_id`)."""


def _write(
    index: Path, meta: dict[str, object], raw: Sequence[str], briefings: Sequence[Briefing]
) -> None:
    """Write the index: in place when there is one of this program's for this file (in one
    transaction: a library open on it keeps its snapshot), else as a new file renamed into
    place (:func:`write_new`)."""

    def fill(db: sqlite3.Connection) -> None:
        insert_rows(db, briefings, raw, pos=0, ord=0, file=0)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())

    db = _writing(index)
    if db is not None:
        try:
            old = read_meta(db)
            if old is not None and "kind" not in old and old.get("path") == meta["path"]:
                for table in ("meta", "entries", "briefings", "text"):
                    db.execute(f"DELETE FROM {table}")
                fill(db)
                db.execute("COMMIT")
                return
        except (sqlite3.Error, *DECODE_ERRORS):
            pass  # damaged: made anew
        finally:
            db.close()
    write_new(index, fill, wal=True)


def write_new(
    index: Path, fill: typing.Callable[[sqlite3.Connection], None], *, wal: bool = False
) -> None:
    """A new index file at ``index``: made under a temporary name of the user's only (0600, a
    name no one can guess, made without following a link), with the schema, filled by ``fill``
    and renamed into place (over whatever has the name), so that no one sees half of it.
    ``wal``: to be updated in place (a write-ahead log, so that readers keep their snapshot)."""
    import tempfile

    descriptor, name = tempfile.mkstemp(prefix=f".{index.name}.", suffix=".tmp", dir=index.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            fill(db)
            db.commit()
            if wal:
                db.execute("PRAGMA journal_mode = WAL")
        finally:
            db.close()
        for log in ("-wal", "-shm"):  # the replaced index's, else the new one would read them
            with contextlib.suppress(OSError):
                index.with_name(index.name + log).unlink()
        temporary.replace(index)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def insert_rows(
    db: sqlite3.Connection,
    briefings: Sequence[Briefing],
    raw: Sequence[str],
    *,
    pos: int,
    ord: int,
    file: int,
) -> None:
    """The rows of one file's briefings (``raw``: each one's JSON form), the first at row
    ``pos`` and at place ``ord`` in the library, the others after it."""
    db.executemany(
        "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (pos + n, ord + n, file, n, b.id, b.published.isoformat(), b.title, len(b.sections))
            for n, b in enumerate(briefings)
        ),
    )
    db.executemany(
        "INSERT INTO text VALUES (?, ?, ?)",
        (
            (pos + n, body, json.dumps(_runs(places), ensure_ascii=False, separators=(",", ":")))
            for n, b in enumerate(briefings)
            for body, places in [folded_body(b)]
        ),
    )
    db.executemany(
        "INSERT INTO briefings VALUES (?, ?)",
        ((pos + n, zlib.compress(data.encode(), _COMPRESSION)) for n, data in enumerate(raw)),
    )


def _runs(places: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Where each field of a folded body ends and its place, with the fields in a row that have
    the same place (a section's paragraphs) as one: the place of an offset is the same."""
    runs: list[tuple[int, str]] = []
    for end, where in places:
        if runs and runs[-1][1] == where:
            runs[-1] = (end, where)
        else:
            runs.append((end, where))
    return runs


def prune(keep: Path, limit: int) -> None:
    """Remove the least recently used indexes of the cache folder until it holds at most
    ``limit`` bytes (``keep``, the index just written, stays whatever its size), and temporary
    files left by commands that were stopped. Only the user's own files are looked at."""
    now = time.time()
    indexes: list[tuple[float, int, str]] = []
    total = 0
    try:
        with os.scandir(keep.parent) as found:
            for entry in found:
                name = entry.name
                is_index = name.startswith("index-") and name.endswith(".sqlite3")
                is_temporary = name.startswith(".index-") and name.endswith(".tmp")
                if not (is_index or is_temporary):
                    continue
                info = entry.stat(follow_symlinks=False)
                if not (stat.S_ISREG(info.st_mode) and _private(info)):
                    continue
                if is_temporary:
                    if now - info.st_mtime > STALE_SECONDS:
                        with contextlib.suppress(OSError):
                            Path(entry.path).unlink()
                    else:
                        total += info.st_size  # being written by another command
                elif name == keep.name:
                    total += info.st_size
                else:
                    total += info.st_size
                    indexes.append((info.st_mtime, info.st_size, entry.path))
    except OSError:
        return
    for _, size, path in sorted(indexes):  # the least recently used first
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            Path(path).unlink()
            total -= size


# --- reading an index ---------------------------------------------------------------------


class IndexedLibrary(Library):
    """The briefings of a file, read from its index a few rows at a time.

    A row that does not decode after all (the index is damaged or was tampered with) removes
    the index: the library then answers from the file, validated as always, from where it was.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        meta: dict[str, Any],
        *,
        index: Path,
        identity: tuple[int, int],
        path: Path,
        source: str,
        max_bytes: int | None = None,
    ) -> None:
        self.db = db
        self.source = source
        self.index = index
        self.path = path
        self.max_bytes = max_bytes
        self._identity = identity
        self._newest = str(meta["newest"])
        self._count = int(meta["count"])
        self._entries: list[Entry] | None = None
        self._file: MemoryLibrary | None = None

    @classmethod
    def open(
        cls,
        index: Path,
        path: Path,
        info: os.stat_result,
        source: str,
        max_bytes: int | None = None,
        *,
        read: bool = False,
    ) -> IndexedLibrary | None:
        """The index at ``index`` if it describes the file as it is now (``info``), else
        ``None``: missing, stale, from another version, not the user's, unreadable or corrupt.
        ``read``: the file was read as ``info`` says just now, to index it (a racy file's
        content need not be read again)."""
        connected = connect(index)
        if connected is None:
            return None
        db, index_info = connected
        try:
            db.isolation_level = None
            db.execute("BEGIN")  # the snapshot this library answers from, as long as it lives
            meta = _current_meta(db, path, info, read=read)
            if meta is not None:
                if meta["racy"] and time.time_ns() - info.st_mtime_ns > RACY_SECONDS * 1e9:
                    _settled(index, meta["key"])
                identity = (index_info.st_dev, index_info.st_ino)
                return cls(
                    db,
                    meta,
                    index=index,
                    identity=identity,
                    path=path,
                    source=source,
                    max_bytes=max_bytes,
                )
        except (*DECODE_ERRORS, OSError, BriefingError):
            pass
        db.close()
        return None

    # --- the library ----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count if self._file is None else len(self._file)

    @property
    def entries(self) -> Sequence[Entry]:
        if self._file is not None:
            return self._file.entries
        if self._entries is None:
            try:
                self._entries = self._read_entries()
            except (_Damaged, *DECODE_ERRORS):
                return self._from_file().entries
        return self._entries

    def _read_entries(self) -> list[Entry]:
        """The list, each column checked at once (loops in C: 10,000 entries in a few ms)."""
        sql = "SELECT id, published, title, sections FROM entries ORDER BY ord"
        ids, published, titles, sections = zip(*self._rows(sql), strict=True)
        if not (_only(str, ids, published, titles) and _only(int, sections)):
            raise _Damaged
        if may_need_cleaning("\n".join(ids)) and list(map(scrub, ids)) != list(ids):
            raise _Damaged  # an id is looked up as it is: one that needs scrubbing is damage
        days = map(date.fromisoformat, published)
        if may_need_cleaning("\n".join(titles)):  # one scan for all: a title rarely needs it
            titles = tuple(map(scrub, titles))
        return list(map(Entry, ids, days, titles, sections))

    def newest_id(self) -> str:
        return self._newest if self._file is None else self._file.newest_id()  # clean: opened

    def newest(self) -> Briefing:
        briefing = self.briefing(self.newest_id())
        return briefing if briefing is not None else self._from_file().newest()

    def briefing(self, briefing_id: str) -> Briefing | None:
        if self._file is not None:
            return self._file.briefing(briefing_id)
        if not _encodable(briefing_id):
            return None
        try:
            rows = list(
                self._rows(
                    "SELECT json FROM entries LEFT JOIN briefings USING (pos) WHERE id = ?",
                    (briefing_id,),
                )
            )
            return self._decode(rows[0][0]) if rows else None
        except _Damaged:
            return self._from_file().briefing(briefing_id)

    def briefings(self) -> Iterator[Briefing]:
        if self._file is not None:
            yield from self._file.briefings()
            return
        done = 0
        try:
            for ord, data in self._rows(
                "SELECT ord, json FROM entries LEFT JOIN briefings USING (pos) ORDER BY ord"
            ):
                if ord != done:
                    raise _Damaged  # an entry is missing (a missing row has no JSON)
                briefing = self._decode(data)
                done += 1
                yield briefing
        except _Damaged:
            yield from self._from_file().document.briefings[done:]

    def candidates(self, query: str) -> Iterator[Briefing]:
        if self._file is not None:
            yield from self._file.candidates(query)
            return
        needle = fold_query(query)
        if not _encodable(needle):
            return
        after = 0
        try:
            for ord, data, text_missing in self._rows(
                f"SELECT ord, briefings.json, text.pos IS NULL {_EVERY_ROW} "
                "LEFT JOIN briefings USING (pos) WHERE instr(text.body, ?) IS NOT 0 ORDER BY ord",
                (needle,),
            ):
                if text_missing:
                    raise _Damaged
                briefing = self._decode(data)
                after = ord + 1
                yield briefing
        except _Damaged:
            yield from self._from_file().document.briefings[after:]

    def found_in(self, query: str) -> Iterator[tuple[str, str]]:
        if self._file is not None:
            yield from self._file.found_in(query)
            return
        needle = fold_query(query)
        if not needle or not _encodable(needle):
            return
        after = 0
        try:
            for ord, ident, position, places in self._rows(
                f"SELECT ord, entries.id, instr(text.body, ?) AS at, text.places {_EVERY_ROW} "
                "WHERE at IS NOT 0 ORDER BY ord",
                (needle,),
            ):
                if position is None:
                    raise _Damaged  # no text row
                if type(ident) is not str or scrub(ident) != ident:
                    raise _Damaged
                found = ident, _place(places, position)
                after = ord + 1
                yield found
        except _Damaged:
            rest = self._from_file().document.briefings[after:]
            yield from MemoryLibrary(Document(rest), self.source).found_in(query)

    # --- reading rows ---------------------------------------------------------------------

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> Iterator[Any]:
        try:
            cursor = self.db.execute(sql, parameters)
            while rows := cursor.fetchmany(256):
                yield from rows
        except sqlite3.Error:
            raise _Damaged from None

    @staticmethod
    def _decode(data: bytes) -> Briefing:
        try:
            text = zlib.decompress(data).decode("utf-8")
            parsed = json.loads(text)
            if may_need_cleaning(text, json=True):
                parsed = scrub(parsed)
            briefing = Briefing.from_json(parsed)
        except DECODE_ERRORS:
            raise _Damaged from None
        if not sound(briefing):
            raise _Damaged
        return briefing

    def _from_file(self) -> MemoryLibrary:
        """The index cannot be read after all: remove it (the next command builds it again)
        and go on from the file, validated as always (a file gone by now is reported so)."""
        if self._file is None:
            with contextlib.suppress(OSError):
                info = self.index.stat(follow_symlinks=False)
                if (info.st_dev, info.st_ino) == self._identity:  # not one built since
                    self.index.unlink()
            self._file = validated(self.path, self.max_bytes, self.source)
        return self._file


def _current_meta(
    db: sqlite3.Connection, path: Path, info: os.stat_result, *, read: bool = False
) -> dict[str, Any] | None:
    """The index's meta data if the index describes the file as it is now and its list of
    briefings is sound (:func:`sound_list`), else ``None``."""
    meta = read_meta(db)
    if not (
        meta is not None
        and meta.get("path") == real_name(path)
        and tuple(json.loads(meta["key"])) == key_of(info)
        and type(meta.get("racy")) is int
        and sound_list(db, meta)
        and db.execute(REPEATED_ID).fetchone() is None  # a file's ids were unique
    ):
        return None
    if meta["racy"] and not read and not _still_same(path, meta, info):
        return None
    return meta


def read_meta(db: sqlite3.Connection) -> dict[str, Any] | None:
    """The index's meta data, if it has this program's layout and version."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    if not (
        tables >= {"meta", "files", "entries", "briefings", "text"}
        and meta.get("format") == INDEX_FORMAT
        and meta.get("version") == __version__
        and type(meta.get("count")) is int
        and type(meta.get("newest")) is str
    ):
        return None
    return meta


def sound_list(db: sqlite3.Connection, meta: dict[str, Any]) -> bool:
    """Whether the list of briefings is as the meta data says (:data:`_ENTRIES_CHECK`)."""
    count, newest = meta["count"], meta["newest"]
    rows = db.execute("SELECT ord, published FROM entries WHERE id = ?", (newest,)).fetchall()
    if len(rows) != 1 or scrub(newest) != newest or type(rows[0][1]) is not str:
        return False
    ord, published = rows[0]
    date.fromisoformat(published)  # a ValueError: not sound
    check = db.execute(_ENTRIES_CHECK, {"ord": ord, "published": published}).fetchone()
    return tuple(check) == (count, 0, count - 1, count, 0)


def _only(kind: type, *columns: Sequence[object]) -> bool:
    """Whether every value in these columns is of this type (and not a subclass: no bool)."""
    return all(set(map(type, column)) <= {kind} for column in columns)


def _place(places: str, position: int) -> str:
    """The place of the field that holds the 1-based ``position`` of a folded body."""
    try:
        runs = json.loads(places)
        where = runs[bisect_right([end for end, _ in runs], position - 1)][1]
    except DECODE_ERRORS:
        raise _Damaged from None
    if type(where) is not str:
        raise _Damaged
    return typing.cast(str, scrub(where))


def _settled(index: Path, key: str) -> None:
    """The file has not changed for long enough: no need to check its content any more (if
    the index still describes the file as ``key`` says: it may have been brought up to date
    since this library's snapshot of it)."""
    connected = connect(index)
    if connected is None:
        return
    db = connected[0]
    try:
        with db:
            db.execute(
                "UPDATE meta SET value = 0 WHERE key = 'racy' "
                "AND (SELECT value FROM meta WHERE key = 'key') = ?",
                (key,),
            )
    except sqlite3.Error:
        pass  # a read-only cache: the check simply goes on
    finally:
        db.close()


def _still_same(path: Path, meta: dict[str, Any], info: os.stat_result) -> bool:
    """Whether a recently modified file still has the content that was indexed: every part
    of it hashes as its layout says (:mod:`briefing.layout`)."""
    layout = Layout.from_bytes(meta.get("layout"))
    if layout is None:
        return False
    change = compare(layout, read_bytes(path, max(info.st_size, 1)))
    return change is not None and change.same(len(layout.starts))
