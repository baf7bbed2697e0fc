"""Noticing that the data changed, cheaply enough to ask every second while the reader is open.

A file is watched by its ``stat`` (:func:`briefing.files.signature`): one system call a second.
A folder of briefing files may hold 10,000 of them, and 10,000 ``stat`` calls a second would
keep a core busy for nothing; so on Linux the kernel tells (inotify: one watch a subfolder, and
each look is one ``read`` that finds nothing while nothing changes), and elsewhere, or when the
kernel has no watches left to give, the folders are looked at (a file added, removed or saved
by renaming over it, as editors do, changes its folder) and a few of the files in turn, so that
one written in place is noticed too, at :data:`SWEEP` files a look.

Standard library only (``ctypes``, to reach inotify, is loaded only for a folder on Linux).
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from pathlib import Path
from typing import Protocol

from briefing.files import signature

SWEEP = 16
"""How many of a folder's files each look ``stat``s, where there is no inotify."""

_IN_MODIFY = 0x2
_IN_ATTRIB = 0x4
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_Q_OVERFLOW = 0x4000
_IN_ISDIR = 0x40000000
_IN_ONLYDIR = 0x01000000
_IN_DONT_FOLLOW = 0x02000000
_MASK = (
    _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE
    | _IN_DELETE | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR | _IN_DONT_FOLLOW
)  # fmt: skip
_EVENT = struct.Struct("iIII")


class Watch(Protocol):
    """Something that says whether the data changed since it last asked."""

    def changed(self) -> bool:
        """Whether the data changed since the last call (or since the watch began)."""

    def close(self) -> None:
        """Stop watching."""


def watch(path: Path) -> Watch:
    """A watch of the file or folder at ``path``."""
    if not path.is_dir():
        return FileWatch(path)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            return KernelWatch(path)
    return FolderWatch(path)


class FileWatch:
    """A file, by its ``stat``: one system call a look."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature = signature(path)

    def changed(self) -> bool:
        current = signature(self.path)
        if current == self._signature:
            return False
        self._signature = current
        return True

    def close(self) -> None:
        pass


def _subfolders(folder: Path) -> list[str]:
    """The folder and every subfolder whose files count (:func:`briefing.folder.folder_files`
    skips the same ones: hidden, the cache, links to folders)."""
    from briefing.folder import cache_folder, is_cache

    cache = cache_folder()
    found = [os.fspath(folder)]
    for current in found:  # grows as it is walked
        try:
            with os.scandir(current) as scan:
                for entry in scan:
                    if entry.name.startswith("."):
                        continue
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False) and not is_cache(entry, cache):
                            found.append(entry.path)
        except OSError:
            continue
    return found


class KernelWatch:
    """A folder and its subfolders, told of by Linux's inotify: an idle look is one ``read``
    that finds nothing. A subfolder made later is watched from when it is seen."""

    def __init__(self, folder: Path) -> None:
        import ctypes  # here: only a folder's watch on Linux pays for it

        self.folder = folder
        self._libc = ctypes.CDLL(None, use_errno=True)
        descriptor = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if descriptor < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._fd: int | None = descriptor
        self._watched: dict[int, str] = {}
        try:
            for path in _subfolders(folder):
                self._add(path)
        except OSError:
            self.close()
            raise

    def _add(self, path: str) -> None:
        import ctypes

        number = self._libc.inotify_add_watch(self._fd, os.fsencode(path), _MASK)
        if number < 0:
            error = ctypes.get_errno()
            if path == os.fspath(self.folder) or error == 28:  # ENOSPC: no watches left
                raise OSError(error, f"inotify_add_watch: {path}")
            return  # a subfolder gone meanwhile, or unreadable: its files are skipped too
        self._watched[number] = path

    def changed(self) -> bool:
        if self._fd is None:
            return False
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return False  # nothing happened
        except OSError:
            return True
        changed = False
        offset = 0
        while offset + _EVENT.size <= len(data):
            number, mask, _, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            changed = self._counts(number, mask, name) or changed
        return changed

    def _counts(self, number: int, mask: int, name: bytes) -> bool:
        """Whether an event may change the briefings: a briefing file's, a folder's own."""
        if mask & _IN_Q_OVERFLOW:
            return True  # events were lost
        if mask & (_IN_DELETE_SELF | _IN_MOVE_SELF):
            return True
        if not name or name.startswith(b"."):
            return False
        if mask & _IN_ISDIR:
            parent = self._watched.get(number)
            if parent is not None and mask & (_IN_CREATE | _IN_MOVED_TO):
                with contextlib.suppress(OSError):
                    for path in _subfolders(Path(parent, os.fsdecode(name))):
                        self._add(path)
            return bool(mask & (_IN_CREATE | _IN_MOVED_TO | _IN_MOVED_FROM | _IN_DELETE))
        return name.endswith(b".json")

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


class FolderWatch:
    """A folder and its subfolders, by their ``stat`` (a file added, removed or renamed over
    changes its folder), and :data:`SWEEP` of its files in turn (one written in place)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._look()

    def _look(self) -> None:
        from briefing.folder import folder_files

        self._folders = _subfolders(self.folder)
        self._signatures = [signature(path) for path in self._folders]
        try:
            self._files = [(self.folder / rel, info) for rel, info in folder_files(self.folder)]
        except OSError:
            self._files = []
        self._next = 0

    def changed(self) -> bool:
        if [signature(path) for path in self._folders] != self._signatures:
            self._look()
            return True
        turn = self._files[self._next : self._next + SWEEP]
        self._next = self._next + SWEEP if self._next + SWEEP < len(self._files) else 0
        for path, info in turn:
            now = signature(path)
            if now is None or now[:3] != (info.st_mtime_ns, info.st_size, info.st_ino):
                self._look()
                return True
        return False

    def close(self) -> None:
        pass
