"""The index of a folder of briefing files, brought up to date one file at a time.

A folder's index has the layout of a file's (:mod:`briefing.index`), with a row in ``files``
for each of the folder's files. Every command walks the folder (:func:`~briefing.folder.
folder_files`: one ``stat`` a file) and compares what it finds with those rows. A file whose
size, modification and change times, inode and device are the ones indexed is not read (one
indexed within :data:`~briefing.index.RACY_SECONDS` of being modified is read and compared by
content hash until it settles, as git does); every other file is read and validated, and only
its rows are replaced; a removed file's rows go. The briefings after a file that gained or lost
some are renumbered. A folder edited one file at a time costs one file's work.

The index is updated in place, in one SQLite transaction with a write-ahead log, so that a
library that has it open keeps the snapshot it opened (a read transaction held for its life)
while another command brings it up to date: a reader on the folder never sees half of a
change. Two commands updating at once take turns, and the second finds the work done.

A folder is read only when it is valid: every file valid and no id used twice across them.
Otherwise the error is the report of ``briefing validate FOLDER``: every broken file's
problems, and each repeated id at its own place, naming the first one's. A broken file is
recorded as broken, without briefings, and checked again by each command, as a broken file
always is; the folder's valid files stay indexed meanwhile.

Standard library only, until a file must be validated (:mod:`briefing.store`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from briefing import __version__
from briefing.errors import BriefingError, FolderError
from briefing.files import read_text
from briefing.folder import NO_FILES, folder_files, repeated_ids, unreadable_folder
from briefing.index import (
    BUSY_SECONDS,
    DECODE_ERRORS,
    INDEX_FORMAT,
    NEWEST,
    NEXT_POS,
    RACY_SECONDS,
    REPEATED_ID,
    IndexedLibrary,
    cache_dir,
    cache_limit,
    connect,
    digest_of,
    index_path,
    insert_rows,
    prune,
    read_meta,
    real_name,
    sound_list,
    usable_folder,
    validated,
    write_new,
)
from briefing.library import Library

Progress = Callable[[int, int], None]
"""Told ``(files done, files to do)`` while the files that changed are validated."""

_ATTEMPTS = 3
"""How many times the index is brought up to date before the folder is read without it (each
time, the files may have changed again meanwhile)."""

_FILES = (
    "SELECT file, path, size, mtime, ctime, inode, device, digest, racy, broken, first, count "
    "FROM files"
)


class _Row(NamedTuple):
    """A file as its index row has it."""

    file: int
    path: bytes
    size: int
    mtime: int
    ctime: int
    inode: int
    device: int
    digest: str
    racy: int
    broken: int
    first: int
    briefings: int


Found = list[tuple[str, os.stat_result]]
"""The folder's files, as :func:`~briefing.folder.folder_files` finds them."""


class _Diff(NamedTuple):
    """What is to be done to the index for it to describe the folder as it is."""

    changed: list[tuple[str, os.stat_result, _Row | None]]
    """Files new, modified or broken (the row they had, if any), in folder order."""
    removed: list[_Row]
    settled: list[int]
    """Files no longer racy (their content is the one indexed)."""

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed or self.settled)


def open_folder(
    folder: Path,
    max_bytes: int | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    *,
    indexed_only: bool = False,
) -> Library | None:
    """The briefings of every file of ``folder``, from its index, brought up to date first;
    without an index (none can be kept), validated from the files. ``indexed_only``: ``None``
    instead of any file's validation (the index is not current)."""
    name = str(folder) if name is None else name
    try:
        found = folder_files(folder)
    except OSError as unreadable:
        raise unreadable_folder(name, unreadable) from None
    if not found:
        raise BriefingError.single(name, NO_FILES)
    cache = cache_dir()
    if cache is None or not usable_folder(cache):
        return None if indexed_only else validated(folder, max_bytes, name, progress)
    index = index_path(folder, cache)
    keep = cache_limit()
    checked: dict[str, BriefingError] = {}
    for _ in range(_ATTEMPTS):
        try:
            opened = _open(index, folder, found, name, max_bytes, checked)
            damaged = False
        except _Damaged:
            opened, damaged = None, True
        if opened is not None or indexed_only:
            return opened
        try:
            checked = _update(index, folder, found, max_bytes, progress, keep, damaged=damaged)
        except (OSError, sqlite3.Error, *DECODE_ERRORS):
            break  # no index can be kept here: read the files
    return validated(folder, max_bytes, name, progress)


class _Damaged(Exception):
    """The index cannot be read, or does not hold together: it is to be built anew."""


def _open(  # noqa: PLR0917 (one caller)
    index: Path,
    folder: Path,
    found: Found,
    name: str,
    max_bytes: int | None,
    checked: dict[str, BriefingError],
) -> IndexedLibrary | None:
    """The folder's library from its index, if the index describes the folder as ``found``
    (its broken files as just ``checked``); ``None`` when it must be brought up to date,
    :class:`_Damaged` when it must be built anew. A folder with problems raises its
    :class:`~briefing.errors.FolderError`."""
    connected = connect(index)
    if connected is None:
        return None
    db, index_info = connected
    try:
        db.isolation_level = None
        db.execute("PRAGMA synchronous = OFF")  # a derived cache: a crash costs a rebuild
        db.execute("BEGIN")  # the snapshot this library answers from, as long as it lives
        meta = _folder_meta(db, folder)
        if meta is None or not _current(db, meta, found, folder, checked):
            db.close()
            return None
        problems = None
        if meta["broken"] or meta["repeated"]:  # as counted when the index was updated
            problems = _problems(
                db, found=found, folder=folder, name=name, max_bytes=max_bytes, checked=checked
            )
        if problems is None and not sound_list(db, meta):
            raise _Damaged
    except (*DECODE_ERRORS, OSError, BriefingError, _Damaged):
        db.close()
        raise _Damaged from None
    if problems is not None:
        db.close()
        raise problems
    return IndexedLibrary(
        db,
        meta,
        index=index,
        identity=(index_info.st_dev, index_info.st_ino),
        path=folder,
        source=name,
        max_bytes=max_bytes,
    )


def _folder_meta(db: sqlite3.Connection, folder: Path) -> dict[str, Any] | None:
    meta = read_meta(db)
    if (
        meta is None
        or meta.get("kind") != "folder"
        or meta.get("path") != real_name(folder)
        or type(meta.get("walk")) is not bytes
        or type(meta.get("racy")) is not int
        or type(meta.get("broken")) is not int
        or type(meta.get("repeated")) is not int
    ):
        return None
    return meta


def _current(
    db: sqlite3.Connection,
    meta: dict[str, Any],
    found: Found,
    folder: Path,
    checked: dict[str, BriefingError],
) -> bool:
    """Whether the index describes the folder as ``found``. When the walk is the one indexed
    (its :func:`fingerprint`), every file's ``stat`` is as indexed: only the racy files'
    content and the broken files (checked just now?) are left to look at; else file by file."""
    if meta["walk"] == fingerprint(found) != b"":
        if not (meta["racy"] or meta["broken"]):
            return True
        return _only_checks_left(_rows(db, "WHERE racy OR broken"), folder, checked)
    rows = _rows(db)
    return bool(rows) and not _diff(rows, found, folder, checked)


def _only_checks_left(
    rows: Sequence[_Row], folder: Path, checked: dict[str, BriefingError]
) -> bool:
    """Whether these files, racy or broken, are as indexed: a broken one checked just now, a
    racy one with the content indexed and not old enough to be settled (then the index is
    brought up to date, which settles it)."""
    now = time.time_ns()
    for row in rows:
        relative = _decoded(row.path)
        if row.broken:
            if relative not in checked:
                return False
        elif now - row.mtime > RACY_SECONDS * 1e9 or not _same_content(
            folder / relative, row.size, row.digest
        ):
            return False
    return True


def _rows(db: sqlite3.Connection, where: str = "") -> list[_Row]:
    return list(map(_Row._make, db.execute(f"{_FILES} {where}").fetchall()))


_FS_ENCODING = (sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())


def _decoded(path: bytes) -> str:
    """A path as the index keeps it (bytes), as ``os.fsdecode`` gives it, at C speed."""
    return path.decode(*_FS_ENCODING)


def _encoded(path: str) -> bytes:
    return path.encode(*_FS_ENCODING)


def fingerprint(found: Found) -> bytes:
    """The folder's files as found, in a form compared at C speed: their paths and what
    ``stat`` says of each, as the index compares them (about 3 ms for 10,000 files, where
    reading the index's row of each file and comparing takes 20; kept whole rather than hashed,
    which would cost more, hashlib's import alone 2 ms). Empty when a number does not fit
    (the files are then compared row by row)."""
    from array import array

    names = "\0".join(relative for relative, _ in found).encode("utf-8", "surrogateescape")
    try:
        numbers = array(
            "q",
            [n for _, i in found for n in (i.st_size, i.st_mtime_ns, i.st_ctime_ns, i.st_ino,
                                           i.st_dev)],
        )  # fmt: skip
    except OverflowError:
        return b""
    return names + b"\0\0" + numbers.tobytes()


def _diff(
    rows: Sequence[_Row], found: Found, folder: Path, checked: dict[str, BriefingError]
) -> _Diff:
    """What changed in the folder since it was indexed, by comparing each file's ``stat`` with
    its row; a broken file counts as changed unless it was ``checked`` just now."""
    indexed = {_decoded(row.path): row for row in rows}
    changed: list[tuple[str, os.stat_result, _Row | None]] = []
    settled = []
    now = time.time_ns()
    for relative, info in found:
        row = indexed.pop(relative, None)
        if row is None or row[2:7] != _key(info) or (row.broken and relative not in checked):
            changed.append((relative, info, row))
        elif row.racy and not row.broken:
            if not _same_content(folder / relative, info.st_size, row.digest):
                changed.append((relative, info, row))
            elif now - info.st_mtime_ns > RACY_SECONDS * 1e9:
                settled.append(row.file)
    return _Diff(changed, list(indexed.values()), settled)


def _key(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _same_content(path: Path, size: int, digest: str) -> bool:
    """Whether a file indexed racily (just after it was modified) has the content indexed."""
    try:
        return digest_of(read_text(path, max(size, 1))) == digest
    except BriefingError:
        return False


def _problems(
    db: sqlite3.Connection,
    *,
    found: Found,
    folder: Path,
    name: str,
    max_bytes: int | None,
    checked: dict[str, BriefingError],
) -> FolderError | None:
    """The folder's problems, as ``validate`` reports them: each broken file's (as just
    ``checked``) and each id used again after its first use, in file order."""
    repeated = [ident for (ident,) in db.execute(REPEATED_ID)]
    broken = [_decoded(path) for (path,) in db.execute("SELECT path FROM files WHERE broken")]
    if not (repeated or broken):
        return None
    rows = _rows(db)
    order = {relative: n for n, (relative, _) in enumerate(found)}
    relative_of = {row.file: _decoded(row.path) for row in rows}
    first: dict[str, tuple[Path, int]] = {}
    again: dict[str, list[tuple[int, str]]] = {}
    for ident in repeated:
        uses = db.execute("SELECT file, idx FROM entries WHERE id = ? ORDER BY ord", (ident,))
        (file, idx), *others = uses.fetchall()
        first[ident] = (folder / relative_of[file], idx)
        for file, idx in others:
            again.setdefault(relative_of[file], []).append((idx, ident))
    errors = [(order[relative], checked[relative]) for relative in broken]
    errors += [
        (order[relative], repeated_ids(folder / relative, sorted(repeats), first, max_bytes))
        for relative, repeats in again.items()
    ]
    errors.sort(key=lambda pair: pair[0])
    return FolderError(name, [error for _, error in errors], len(found))


# --- bringing the index up to date ---------------------------------------------------------


def _update(  # noqa: PLR0917 (one caller)
    index: Path,
    folder: Path,
    found: Found,
    max_bytes: int | None,
    progress: Progress | None,
    keep: int,
    *,
    damaged: bool,
) -> dict[str, BriefingError]:
    """Bring the index up to date with the folder as ``found`` (a new index when there is
    none, none of this program's, or a ``damaged`` one); the problems of its broken files,
    checked now."""
    connected = None if damaged else connect(index)
    db = connected[0] if connected is not None else None
    try:
        if db is not None:
            db.isolation_level = None
            db.execute("PRAGMA synchronous = OFF")  # a derived cache: a crash costs a rebuild
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            db.execute("BEGIN IMMEDIATE")  # waits for another command's update to end
            if _folder_meta(db, folder) is not None:
                rows = _rows(db)
                checked = _apply(
                    db, folder, found=found, rows=rows, max_bytes=max_bytes, progress=progress
                )
                db.execute("COMMIT")
                prune(index, keep)
                return checked
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise  # another command has held it too long: the files are read without it
    except (sqlite3.Error, *DECODE_ERRORS):
        pass  # damaged: built anew
    finally:
        if db is not None:
            db.close()  # what was not committed is rolled back
    checked = {}

    def fill(new: sqlite3.Connection) -> None:
        checked.update(
            _apply(new, folder, found=found, rows=[], max_bytes=max_bytes, progress=progress)
        )

    write_new(index, fill, wal=True)
    prune(index, keep)
    return checked


def _apply(
    db: sqlite3.Connection,
    folder: Path,
    *,
    found: Found,
    rows: Sequence[_Row],
    max_bytes: int | None,
    progress: Progress | None,
) -> dict[str, BriefingError]:
    """Make the index (``rows``: its files) describe the folder as ``found``, in the
    transaction under way: the changed files validated and their rows replaced, the removed
    files' rows deleted, the briefings after a change renumbered. The problems of the files
    found broken."""
    diff = _diff(rows, found, folder, {})
    for row in [*diff.removed, *(row for _, _, row in diff.changed if row is not None)]:
        for table in ("briefings", "text"):
            db.execute(
                f"DELETE FROM {table} WHERE pos IN (SELECT pos FROM entries WHERE file = ?)",
                (row.file,),
            )
        db.execute("DELETE FROM entries WHERE file = ?", (row.file,))
    db.executemany("DELETE FROM files WHERE file = ?", [(row.file,) for row in diff.removed])
    db.executemany("UPDATE files SET racy = 0 WHERE file = ?", [(f,) for f in diff.settled])
    (pos,) = db.execute(NEXT_POS).fetchone()
    (next_file,) = db.execute("SELECT coalesce(max(file), -1) + 1 FROM files").fetchone()
    changed = {relative: row for relative, _, row in diff.changed}
    unchanged = {_decoded(row.path): row for row in rows}
    checked: dict[str, BriefingError] = {}
    ord = done = 0
    for relative, info in found:
        if relative not in changed:
            row = unchanged[relative]
            if row.first != ord:  # briefings before it were added or removed
                db.execute("UPDATE entries SET ord = ? + idx WHERE file = ?", (ord, row.file))
                db.execute("UPDATE files SET first = ? WHERE file = ?", (ord, row.file))
            ord += row.briefings
            continue
        if progress is not None:
            progress(done, len(changed))
        done += 1
        old = changed[relative]
        if old is None:
            file, next_file = next_file, next_file + 1
        else:
            file = old.file
        count, digest, racy = _index_file(
            db, folder / relative, max_bytes, pos=pos, ord=ord, file=file
        )
        if isinstance(count, BriefingError):
            checked[relative] = count
            count = 0
        db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (file, _encoded(relative), *_key(info), digest, racy, relative in checked, ord,
             count),
        )  # fmt: skip
        pos += count
        ord += count
    if progress is not None and changed:
        progress(len(changed), len(changed))
    newest = db.execute(NEWEST).fetchone()
    meta = {
        "format": INDEX_FORMAT,
        "version": __version__,
        "kind": "folder",
        "path": real_name(folder),
        "count": ord,
        "newest": newest[0] if newest else "",
        "walk": fingerprint(found),
        "racy": db.execute("SELECT count(*) FROM files WHERE racy").fetchone()[0],
        "broken": db.execute("SELECT count(*) FROM files WHERE broken").fetchone()[0],
        "repeated": len(db.execute(REPEATED_ID).fetchall()),
    }
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
    return checked


def _index_file(
    db: sqlite3.Connection, path: Path, max_bytes: int | None, *, pos: int, ord: int, file: int
) -> tuple[int | BriefingError, str, int]:
    """Validate one file and add its briefings' rows: how many it has (or its problems), its
    content's hash, and whether it was racily indexed."""
    from briefing import store  # pydantic: only when a file must be validated

    try:
        text = read_text(path, max_bytes)
        document, raw = store.as_records(store.validate(text, str(path)))
    except BriefingError as error:
        return error, "", 0
    read_at = time.time_ns()
    racy = 1
    with contextlib.suppress(OSError):
        racy = int(read_at - path.stat().st_mtime_ns < RACY_SECONDS * 1e9)
    insert_rows(db, document.briefings, raw, pos=pos, ord=ord, file=file)
    return len(document.briefings), digest_of(text), racy
