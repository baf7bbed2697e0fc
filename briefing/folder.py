"""A folder of briefing files: every ``*.json`` file in it and its subfolders, as one archive.

Newsrooms keep one file per story, in folders by year. A folder's files are found in a fixed
order (names sorted, folder by folder), hidden files and folders (``.git``, ``.cache``) and
this program's own cache folder left out, and folders reached through a symbolic link are not
entered (a link back up would never end). Ids must be unique across the folder: a second
briefing with an id already used is a problem of its own file, placed at its ``id`` and naming
where the first one is.

Standard library only, but for :func:`check`, which validates (pydantic, as ``validate``
always does).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from briefing.errors import BriefingError, FolderError, Problem
from briefing.records import Document

SUFFIX = ".json"

NO_FILES = "no briefing files in this folder or its subfolders (*.json, not hidden)"


def briefing_files(folder: Path) -> list[Path]:
    """The briefing files of ``folder``, in order (:func:`folder_files`)."""
    return [folder / relative for relative, _ in folder_files(folder)]


def folder_files(folder: str | Path) -> list[tuple[str, os.stat_result]]:
    """The briefing files of ``folder``, in order, each as its path relative to the folder and
    what ``stat`` says of it: each folder's files by name, then its subfolders by name, hidden
    ones and the cache folder skipped, links to folders not followed. An unreadable subfolder
    is skipped; the folder itself must be readable (else ``OSError``).

    One ``stat`` a file and one scan a folder (10,000 files in about 30 ms): every command on a
    folder walks it, to see which files changed since it was indexed."""
    skipped = cache_folder()
    top = os.fspath(folder)
    found: list[tuple[str, os.stat_result]] = []
    stack = [""]
    while stack:
        relative = stack.pop()
        prefix = relative + os.sep if relative else ""
        try:
            with os.scandir(top + os.sep + relative if relative else top) as scan:
                entries = sorted(scan, key=_name)
        except OSError:
            if not relative:
                raise
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not is_cache(entry, skipped):
                        subfolders.append(prefix + name)
                elif name.endswith(SUFFIX):
                    info = entry.stat()  # a link to a file counts: what it leads to
                    if stat.S_ISREG(info.st_mode):  # FIFOs and the like are not briefing files
                        found.append((prefix + name, info))
            except OSError:
                continue
        stack.extend(reversed(subfolders))  # the first subfolder is walked next
    return found


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def cache_folder() -> tuple[int, int] | None:
    """The device and inode of this program's cache folder, if it has one."""
    from briefing.index import cache_dir

    cache = cache_dir()
    try:
        info = cache.stat() if cache is not None else None
    except OSError:
        return None
    return None if info is None else (info.st_dev, info.st_ino)


def is_cache(entry: os.DirEntry[str], cache: tuple[int, int] | None) -> bool:
    """Whether the folder ``entry`` is the cache folder (its inode is known without a
    ``stat``: the device is looked at only when the inode is the cache's)."""
    if cache is None or entry.inode() != cache[1]:
        return False
    return entry.stat(follow_symlinks=False).st_dev == cache[0]


class Checked(NamedTuple):
    """What checking a folder found."""

    files: int
    briefings: int
    errors: list[BriefingError]
    """One per file with problems, in file order: its own problems, then the ids it repeats."""
    documents: list[Document]
    """The valid files' briefings, when they were kept (:func:`load`)."""


Progress = Callable[[int, int], None]
"""Told ``(files done, files in all)`` as the files are checked."""


def check(
    folder: Path,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    *,
    keep: bool = False,
) -> Checked:
    """Validate every briefing file of ``folder``, as ``validate`` validates one, and the ids
    across them; the valid files' briefings are kept if ``keep``."""
    from briefing import store

    files = briefing_files(folder)
    first: dict[str, tuple[Path, int]] = {}
    """Where each id is first used: its file and the briefing's index in it."""
    errors: list[BriefingError] = []
    documents: list[Document] = []
    count = 0
    for done, path in enumerate(files):
        if progress is not None:
            progress(done, len(files))
        try:
            document = store.load(path, max_bytes)
        except BriefingError as error:
            errors.append(error)
            continue
        count += len(document.briefings)
        repeats = []
        for index, briefing in enumerate(document.briefings):
            if briefing.id in first:
                repeats.append((index, briefing.id))
            else:
                first[briefing.id] = (path, index)
        if repeats:
            errors.append(repeated_ids(path, repeats, first, max_bytes))
        if keep:
            documents.append(document)
    if progress is not None:
        progress(len(files), len(files))
    return Checked(len(files), count, errors, documents)


def load(
    folder: Path,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    name: str | None = None,
) -> Document:
    """Every briefing of the folder's files, validated (no index used): a
    :class:`~briefing.errors.FolderError` when a file has problems or an id is used twice.
    Errors name the folder ``name`` (default: its path)."""
    name = str(folder) if name is None else name
    try:
        checked = check(folder, max_bytes, progress, keep=True)
    except OSError as unreadable:
        raise unreadable_folder(name, unreadable) from None
    if not checked.files:
        raise BriefingError.single(name, NO_FILES)
    if checked.errors:
        raise FolderError(name, checked.errors, checked.files)
    return Document(tuple(b for document in checked.documents for b in document.briefings))


def unreadable_folder(folder: str | Path, error: OSError) -> BriefingError:
    return BriefingError.single(folder, f"cannot read the folder: {error.strerror or error}")


def repeated_ids(
    path: Path,
    repeats: list[tuple[int, str]],
    first: dict[str, tuple[Path, int]],
    max_bytes: int | None,
) -> BriefingError:
    """The error of a file that uses ids already used: each at its ``id``, naming the first.
    Each file concerned is read once more, for the places of all its ids at once."""
    wanted: dict[Path, set[int]] = {path: {index for index, _ in repeats}}
    for _, ident in repeats:
        other, other_index = first[ident]
        wanted.setdefault(other, set()).add(other_index)
    places = {file: _places_of_ids(file, indexes, max_bytes) for file, indexes in wanted.items()}
    problems = []
    for index, ident in repeats:
        other, other_index = first[ident]
        line, column = places[path].get(index, (None, None))
        found = places[other].get(other_index)
        where = f"{other}:{found[0]}:{found[1]}" if found else str(other)
        problems.append(
            Problem(
                f"the id '{ident}' is already used by the briefing at {where}: ids must be "
                "unique across the folder",
                f"briefings[{index}].id",
                line,
                column,
            )
        )
    return BriefingError(str(path), problems)


def _places_of_ids(
    path: Path, indexes: set[int], max_bytes: int | None
) -> dict[int, tuple[int, int]]:
    """The line and column of the id of each of these briefings of the file, found in one
    walk (the file read again: only for a file with a repeated id, or the first of one)."""
    from briefing.files import read_text
    from briefing.jsonpos import Positions

    try:
        text = read_text(path, max_bytes)
    except BriefingError:
        return {}
    paths = {index: ("briefings", index, "id") for index in indexes}
    positions = Positions(text, paths.values())
    found = {index: positions.line_column(where) for index, where in paths.items()}
    return {index: place for index, place in found.items() if place is not None}
