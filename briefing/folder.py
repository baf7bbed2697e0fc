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

from briefing.errors import BriefingError, Problem
from briefing.files import real_path

SUFFIX = ".json"


def briefing_files(folder: Path) -> list[Path]:
    """The briefing files of ``folder``, in order: each folder's files by name, then its
    subfolders by name, hidden ones and the cache folder skipped, links to folders not
    followed. An unreadable subfolder is skipped; the folder itself must be readable."""
    skipped = _cache_folder()
    found: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            if current == folder:
                raise
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    path = Path(entry.path)
                    if skipped is None or real_path(path) != skipped:
                        subfolders.append(path)
                elif entry.name.endswith(SUFFIX) and _is_file(entry):
                    found.append(Path(entry.path))
            except OSError:
                continue
        stack.extend(reversed(subfolders))  # the first subfolder is walked next
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a link to one (FIFOs and the like are not briefing files)."""
    return stat.S_ISREG(entry.stat().st_mode)


def _cache_folder() -> Path | None:
    from briefing.index import cache_dir

    cache = cache_dir()
    return None if cache is None else real_path(cache)


class Checked(NamedTuple):
    """What checking a folder found."""

    files: int
    briefings: int
    errors: list[BriefingError]
    """One per file with problems, in file order: its own problems, then the ids it repeats."""


Progress = Callable[[int, int], None]
"""Told ``(files done, files in all)`` as the files are checked."""


def check(folder: Path, max_bytes: int | None = None, progress: Progress | None = None) -> Checked:
    """Validate every briefing file of ``folder``, as ``validate`` validates one, and the ids
    across them."""
    from briefing import store

    files = briefing_files(folder)
    first: dict[str, tuple[Path, int]] = {}
    """Where each id is first used: its file and the briefing's index in it."""
    errors: list[BriefingError] = []
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
            errors.append(_repeated_ids(path, repeats, first, max_bytes))
    if progress is not None:
        progress(len(files), len(files))
    return Checked(len(files), count, errors)


def _repeated_ids(
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
