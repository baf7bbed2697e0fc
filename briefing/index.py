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

Standard library only on the path that reads an index: no pydantic, no Textual, no Rich.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import __version__
from briefing.errors import BriefingError
from briefing.files import (
    STDIN,
    display_name,
    read_text,
    real_path,
    size_limit,
    too_large,
    user_folder,
)
from briefing.library import Entry, Library, MemoryLibrary
from briefing.records import Briefing, may_need_cleaning, scrub
from briefing.search import fold_query, folded_body

if TYPE_CHECKING:
    pass

CACHE_ENV = "BRIEFING_CACHE"
"""Environment variable: the folder that holds indexes, or ``off`` to keep none."""

INDEX_FORMAT = 2
"""The layout of an index file; a different one is rebuilt, never read."""

RACY_SECONDS = 2.0
"""A file modified this close to its indexing is checked by content hash before each use."""

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE entries (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    published TEXT NOT NULL,
    title TEXT NOT NULL,
    sections INTEGER NOT NULL
);
CREATE TABLE briefings (pos INTEGER PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE text (pos INTEGER PRIMARY KEY, body TEXT NOT NULL, places TEXT NOT NULL);
"""

_Key = tuple[int, int, int, int, int]

_DECODE_ERRORS = (sqlite3.Error, ValueError, KeyError, TypeError, IndexError)


def cache_dir() -> Path | None:
    """Where indexes are kept: ``$BRIEFING_CACHE``, else the platform's user cache folder
    (``$XDG_CACHE_HOME/briefing`` or ``~/.cache/briefing`` on Linux); ``None`` when turned off.
    """
    configured = os.environ.get(CACHE_ENV, "")
    if configured.lower() == "off":
        return None
    return Path(configured) if configured else user_folder("cache")


def index_path(data: Path, folder: Path) -> Path:
    """The index file of a data file: one per data file, named after its full path (which the
    index records too: two paths with the same name only take turns, never mix)."""
    import zlib  # hashlib would cost more to import than the rest of this module

    name = os.fsencode(real_path(data))
    return folder / f"index-{zlib.crc32(name):08x}{zlib.adler32(name):08x}.sqlite3"


def open_library(path: str | Path, max_bytes: int | None = None) -> Library:
    """The briefings of the file at ``path`` (``-``: standard input), from its index when the
    index is current, else validated from the file (and indexed for next time)."""
    name = display_name(path)
    if str(path) == STDIN:
        from briefing import store

        return MemoryLibrary(store.load(path, max_bytes), name)
    limit = size_limit() if max_bytes is None else max_bytes
    folder = cache_dir()
    try:
        info = Path(path).stat()
    except OSError:
        info = None
    if info is None or folder is None or not _is_file(info):
        return _validated(path, max_bytes, name)  # reports a missing file, a folder, …
    if info.st_size > limit:
        raise too_large(name, limit)
    index = index_path(Path(path), folder)
    return IndexedLibrary.open(index, Path(path), info, name) or build(path, index, max_bytes)


def _validated(path: str | Path, max_bytes: int | None, name: str) -> MemoryLibrary:
    from briefing import store  # pydantic: only when the file must be validated

    return MemoryLibrary(store.load(path, max_bytes), name)


def _is_file(info: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(info.st_mode)


def _key(info: os.stat_result) -> _Key:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def build(path: str | Path, index: Path, max_bytes: int | None = None) -> Library:
    """Validate the file and write its index; the briefings, from the index when it could be
    written, else from memory."""
    from briefing import store

    name = display_name(path)
    before = Path(path).stat()
    text = read_text(path, max_bytes)
    read_at = time.time_ns()
    document, raw = store.as_records(store.validate(text, name))
    after = Path(path).stat()
    if _key(before) != _key(after):
        return MemoryLibrary(document, name)  # changed while we read it: index it next time
    racy = read_at - after.st_mtime_ns < RACY_SECONDS * 1e9
    meta = {
        "format": INDEX_FORMAT,
        "version": __version__,
        "path": str(real_path(path)),
        "key": json.dumps(_key(after)),
        "digest": _digest(text),
        "racy": int(racy),
        "newest": document.newest().id,
        "count": len(document.briefings),
    }
    try:
        _write(index, meta, raw, document.briefings)
    except (OSError, sqlite3.Error):
        return MemoryLibrary(document, name)  # no index can be kept here: read the file each time
    return IndexedLibrary.open(index, Path(path), after, name) or MemoryLibrary(document, name)


def _write(
    index: Path, meta: dict[str, object], raw: Sequence[str], briefings: Sequence[Briefing]
) -> None:
    index.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = index.with_name(f".{index.name}.{os.getpid()}.tmp")
    try:
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            db.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?)",
                (
                    (pos, b.id, b.published.isoformat(), b.title, len(b.sections))
                    for pos, b in enumerate(briefings)
                ),
            )
            db.executemany(
                "INSERT INTO briefings VALUES (?, ?)",
                enumerate(raw),
            )
            db.executemany(
                "INSERT INTO text VALUES (?, ?, ?)",
                (
                    (pos, body, json.dumps(places, ensure_ascii=False))
                    for pos, b in enumerate(briefings)
                    for body, places in [folded_body(b)]
                ),
            )
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.commit()
        finally:
            db.close()
        temporary.replace(index)
    finally:
        temporary.unlink(missing_ok=True)


class IndexedLibrary(Library):
    """The briefings of a file, read from its index a few rows at a time."""

    def __init__(self, db: sqlite3.Connection, source: str, index: Path, meta: dict[str, Any]):
        self.db = db
        self.source = source
        self.index = index
        self._newest = str(meta["newest"])
        self._count = int(meta["count"])
        self._entries: list[Entry] | None = None

    @classmethod
    def open(
        cls, index: Path, path: Path, info: os.stat_result, source: str
    ) -> IndexedLibrary | None:
        """The index at ``index`` if it describes the file as it is now (``info``), else
        ``None``: missing, stale, from another version, unreadable or corrupt."""
        if not index.is_file():
            return None
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(index, check_same_thread=False)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            current = (
                tables >= {"meta", "entries", "briefings", "text"}
                and db.execute("SELECT count(*) FROM entries").fetchone()[0] == meta["count"]
                and meta.get("format") == INDEX_FORMAT
                and meta.get("version") == __version__
                and meta.get("path") == str(real_path(path))
                and tuple(json.loads(meta["key"])) == _key(info)
                and (not meta["racy"] or _still_same(path, meta["digest"], info))
            )
            if current:
                if meta["racy"] and time.time_ns() - info.st_mtime_ns > RACY_SECONDS * 1e9:
                    _settled(db)
                library, db = cls(db, source, index, meta), None
                return library
        except (*_DECODE_ERRORS, OSError, BriefingError):
            pass
        finally:
            if db is not None:
                db.close()
        return None

    # --- the library ----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    @property
    def entries(self) -> Sequence[Entry]:
        if self._entries is None:
            rows = self._query("SELECT id, published, title, sections FROM entries ORDER BY pos")
            self._entries = [
                Entry(ident, date.fromisoformat(published), scrub(title), int(sections))
                for ident, published, title, sections in rows
            ]
        return self._entries

    def newest_id(self) -> str:
        return self._newest

    def briefing(self, briefing_id: str) -> Briefing | None:
        rows = self._query(
            "SELECT json FROM briefings JOIN entries USING (pos) WHERE id = ?", (briefing_id,)
        )
        return self._decode(rows[0][0]) if rows else None

    def briefings(self) -> Iterator[Briefing]:
        for (data,) in self._rows("SELECT json FROM briefings ORDER BY pos"):
            yield self._decode(data)

    def candidates(self, query: str) -> Iterator[Briefing]:
        needle = fold_query(query)
        for (data,) in self._rows(
            "SELECT briefings.json FROM text JOIN briefings USING (pos) "
            "WHERE instr(text.body, ?) > 0 ORDER BY pos",
            (needle,),
        ):
            yield self._decode(data)

    def found_in(self, query: str) -> Iterator[tuple[str, str]]:
        needle = fold_query(query)
        if not needle:
            return
        for ident, position, places in self._rows(
            "SELECT entries.id, instr(text.body, ?) AS at, text.places FROM text "
            "JOIN entries USING (pos) WHERE at > 0 ORDER BY pos",
            (needle,),
        ):
            try:
                ends = json.loads(places)
                where = ends[bisect_right([end for end, _ in ends], position - 1)][1]
            except _DECODE_ERRORS:
                raise self._damaged() from None
            yield ident, scrub(str(where))

    # --- reading rows ---------------------------------------------------------------------

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        return list(self._rows(sql, parameters))

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> Iterator[Any]:
        try:
            cursor = self.db.execute(sql, parameters)
            while rows := cursor.fetchmany(256):
                yield from rows
        except sqlite3.Error:
            raise self._damaged() from None

    def _decode(self, data: str) -> Briefing:
        try:
            parsed = json.loads(data)
            return Briefing.from_json(
                scrub(parsed) if may_need_cleaning(data, json=True) else parsed
            )
        except _DECODE_ERRORS:
            raise self._damaged() from None

    def _damaged(self) -> BriefingError:
        """The index cannot be read after all: remove it, so that the next run rebuilds it."""
        self.index.unlink(missing_ok=True)
        return BriefingError.single(
            self.source,
            f"its index in the cache ({self.index}) was damaged and has been removed; "
            "run the command again to rebuild it",
        )


def _settled(db: sqlite3.Connection) -> None:
    """The file has not changed for long enough: no need to check its content any more."""
    try:
        with db:
            db.execute("UPDATE meta SET value = 0 WHERE key = 'racy'")
    except sqlite3.Error:
        pass  # a read-only cache: the check simply goes on


def _still_same(path: Path, digest: str, info: os.stat_result) -> bool:
    """Whether a recently modified file still has the content that was indexed."""
    return _digest(read_text(path, max(info.st_size, 1))) == digest
