"""What each reader has read: per data source and per briefing, the version last shown, when,
and where the reader was in it (open sections, scroll).

Two kinds of files, in the user's state folder (``$XDG_STATE_HOME/briefing`` on Linux):

- ``reading.json``: the small entries, one per briefing read (its source, id, when, the digest
  of the version shown, open sections and scroll), and per source the briefing open last. At
  most :data:`MAX_READ` entries over all sources, least recently read out first, so that the
  reader loads it in a millisecond or two at start.
- ``versions/<digest>.json``: each version read, as its JSON form, named by its digest (so a
  version read by several entries, or read twice, is one file). A version no entry names any
  more is removed when saving.

Saving merges: under a lock (``reading.json.lock``, ``flock``), the file on disk is read again,
each entry is the later read of ours and theirs, and the result replaces the file atomically;
so two readers quitting at once both keep what they read. No symbolic link is followed, in
place of any of these files: a link is reported and replaced by the file itself, never written
through. Damaged or foreign content is reported, and only the damaged part is lost.

Standard library and records only (no Textual, no pydantic): ``briefing list`` and
``briefing changes`` read it too.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from briefing import records

if TYPE_CHECKING:
    from briefing.library import Library
from briefing.files import FileTooLarge, read_regular, real_path, user_folder, write_atomically

READING_FILE = "reading.json"
"""The entries, in the user's state folder; beside it the folder :data:`VERSIONS`."""

VERSIONS = "versions"
"""The folder of the versions read, beside :data:`READING_FILE`."""

OLD_STATE_FILE = "state.json"
"""Where earlier versions of the program kept one briefing and its open sections for one file:
read once, when there is no :data:`READING_FILE` yet (and left in place)."""

State = Literal["new", "updated", "read"]
"""A briefing for its reader: never read, read and changed since, or read as it is."""

MAX_READ = 500
"""How many briefings are remembered, over all sources: the least recently read go first."""

MAX_READING_BYTES = 4 * 1024**2
"""The largest ``reading.json`` read: 500 entries take about 150 KiB."""

MAX_VERSION_BYTES = 64 * 1024**2
"""The largest version file read (one briefing)."""

LOCK_SECONDS = 2.0
"""How long saving waits for another reader's save to finish before giving up (with a
warning): a save takes milliseconds."""

FORMAT = 1
"""The version of ``reading.json``'s layout."""

_DIGEST = re.compile(r"[0-9a-f]{64}")
_TEMPORARY = ".reading-"
_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)


def default_reading_path() -> Path:
    """``reading.json`` in the user's state folder (``$XDG_STATE_HOME/briefing`` on Linux)."""
    return user_folder("state") / READING_FILE


def source_key(source: Path | str) -> str:
    """How a data source is named in what is remembered: the URL as given for an address
    (``http://``, ``https://``), else the absolute path with its links followed."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return text
    return str(real_path(source))


def digest(briefing: records.Briefing) -> str:
    """The SHA-256 (hex) of a briefing's JSON form, keys sorted: equal for equal content."""
    canonical = json.dumps(
        briefing.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Read(NamedTuple):
    """One briefing as its reader last saw it.

    (A named tuple rather than a dataclass: importing ``dataclasses`` costs ``briefing list``
    ten milliseconds.)"""

    source: str
    """The data source (:func:`source_key`)."""
    briefing: str
    """The briefing's id."""
    read_at: datetime
    """When it was last shown (timezone-aware, UTC)."""
    digest: str
    """The :func:`digest` of the version shown."""
    open_sections: tuple[str, ...] = ()
    """The ids of its sections open when the reader left it."""
    scroll: int = 0
    """How many lines its main column was scrolled down when the reader left it."""


class Place(NamedTuple):
    """Where the reader was in a briefing: what :meth:`Reading.place` keeps."""

    open_sections: tuple[str, ...] = ()
    scroll: int = 0


class _Entry(NamedTuple):
    """One remembered briefing. ``digest`` is ``None`` for a place without a version read (a
    briefing taken over from the old ``state.json``): it is no :class:`Read`."""

    read_at: datetime
    digest: str | None
    place: Place


Key = tuple[str, str]
"""(source, briefing id)."""


class Reading:
    """What this user has read: loaded once, changed in memory, saved (merged) when asked."""

    def __init__(self, path: Path | None) -> None:
        """``path``: the ``reading.json`` to save to (``None``: nothing is read or kept)."""
        self.path = path
        self.warnings: list[str] = []
        """Problems met since loading (a damaged version file, say), for the app to show."""
        self._entries: dict[Key, _Entry] = {}
        self._last: dict[str, tuple[str, datetime]] = {}
        self._shown: dict[str, records.Briefing] = {}
        """The versions marked since loading, by digest: written when saving."""

    # --- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None) -> tuple[Reading, list[str]]:
        """What was read, from ``path``, and a warning for each part that could not be used
        (never an exception). Without ``reading.json``, the old ``state.json`` beside it is
        taken over."""
        reading = cls(path)
        if path is None:
            return reading, []
        warnings: list[str] = []
        if os.path.lexists(path):
            data, warning = _read_object(path)
            if warning:
                warnings.append(warning)
            if data is not None:
                entries, last, problems = _parse(data, path)
                reading._entries, reading._last = entries, last
                warnings += problems
        else:
            warnings += reading._take_over(path.parent / OLD_STATE_FILE)
        reading.warnings += warnings
        return reading, warnings

    def _take_over(self, old: Path) -> list[str]:
        """The briefing open last and its open sections, from the old single-slot file."""
        if not os.path.lexists(old):
            return []
        data, warning = _read_object(old, "reading state")
        if data is None:
            return [warning] if warning else []
        source, briefing, sections = (data.get(k) for k in ("data", "briefing", "open_sections"))
        if not (
            isinstance(source, str)
            and isinstance(briefing, str)
            and isinstance(sections, list)
            and all(isinstance(s, str) for s in sections)
        ):
            return [f"Ignoring saved reading state: {old} is not valid"]
        try:
            when = datetime.fromtimestamp(old.lstat().st_mtime, UTC)
        except (OSError, OverflowError, ValueError):
            when = _now()
        self._entries[(source, briefing)] = _Entry(when, None, Place(tuple(sections), 0))
        self._last[source] = (briefing, when)
        return []

    # --- questions ------------------------------------------------------------------------

    def last(self, source: str) -> str | None:
        """The id of the briefing open last in this source, if any."""
        last = self._last.get(source)
        return last[0] if last else None

    def read(self, source: str, briefing_id: str) -> Read | None:
        """How the reader last saw this briefing (``None``: never shown)."""
        entry = self._entries.get((source, briefing_id))
        if entry is None or entry.digest is None:
            return None
        return Read(source, briefing_id, entry.read_at, entry.digest, *entry.place)

    def state(self, source: str, briefing: records.Briefing) -> State:
        """Whether ``briefing`` (of ``source``) is new to its reader, updated since it was
        read, or read as it is."""
        read = self.read(source, briefing.id)
        if read is None:
            return "new"
        return "read" if read.digest == digest(briefing) else "updated"

    def states(self, source: str, library: Library) -> dict[str, State]:
        """:meth:`state` of every briefing of ``library`` (of ``source``), by id: what ``list``
        and the picker mark. Only the briefings once read are loaded and compared."""
        found: dict[str, State] = {}
        for ident in library.ids():
            briefing = library.briefing(ident) if self.read(source, ident) else None
            found[ident] = "new" if briefing is None else self.state(source, briefing)
        return found

    def reads(self) -> list[Read]:
        """Every briefing read, most recently read first."""
        found = (self.read(source, ident) for source, ident in self._entries)
        return sorted((r for r in found if r), key=lambda r: r.read_at, reverse=True)

    def place_of(self, source: str, briefing_id: str) -> Place:
        """Where the reader was in this briefing (open sections, scroll), read or not: a
        briefing taken over from the old ``state.json`` has a place but no version read."""
        entry = self._entries.get((source, briefing_id))
        return entry.place if entry else Place()

    def version(self, read: Read) -> records.Briefing | None:
        """The version that was read (``None``, with a warning in :attr:`warnings`, when its
        file is gone or damaged)."""
        shown = self._shown.get(read.digest)
        if shown is not None:
            return shown
        if self.path is None or not _DIGEST.fullmatch(read.digest):
            return None
        folder = self.path.parent / VERSIONS
        file = folder / f"{read.digest}.json"
        problem = _not_a_folder(folder)
        if problem is None:
            data, problem = _read_object(file, "version read")
            if data is not None:
                briefing = _briefing(data)
                if briefing is not None and digest(briefing) == read.digest:
                    return briefing
                problem = f"Ignoring saved version read: {file} is not valid"
        if problem:
            self.warnings.append(problem)
        return None

    # --- changes --------------------------------------------------------------------------

    def mark(
        self, source: str, briefing: records.Briefing, *, when: datetime | None = None
    ) -> Read:
        """The briefing is shown now (or ``when``): this version becomes the one read, and it
        becomes :meth:`last` of its source. Where the reader was in it is kept."""
        when = _aware(when or _now())
        key = (source, briefing.id)
        entry = self._entries.get(key)
        version = digest(briefing)
        self._shown[version] = briefing
        self._entries[key] = _Entry(when, version, entry.place if entry else Place())
        self._last[source] = (briefing.id, when)
        self._bound()
        return Read(source, briefing.id, when, version, *self._entries[key].place)

    def place(
        self, source: str, briefing_id: str, open_sections: Sequence[str], scroll: int
    ) -> None:
        """Where the reader is in this briefing: at quit, and when it leaves it for another.
        A briefing never marked gets a place without a version read."""
        key = (source, briefing_id)
        entry = self._entries.get(key)
        where = Place(tuple(open_sections), max(0, int(scroll)))
        self._entries[key] = entry._replace(place=where) if entry else _Entry(_now(), None, where)
        self._bound()

    def _bound(self) -> None:
        self._entries, self._last = _bounded(self._entries, self._last)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> str | None:
        """Merge what this reader read into the file on disk and write it atomically, then
        remove the versions nothing names any more. A warning instead of an error."""
        if self.path is None:
            return None
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _Lock(path.parent / f"{path.name}.lock"):
                entries, last = self._entries, self._last
                if os.path.lexists(path):
                    data, _ = _read_object(path)  # its problems were told when loading
                    if data is not None:
                        theirs, their_last, _ = _parse(data, path)
                        entries, last = _merge(entries, last, theirs, their_last)
                entries, last = _bounded(entries, last)
                wanted = {entry.digest for entry in entries.values() if entry.digest}
                folder = path.parent / VERSIONS
                self._write_versions(folder, wanted)
                write_atomically(path, _encode(entries, last), _TEMPORARY)
                _prune(folder, wanted)
                self._entries, self._last = entries, last
        except OSError as error:
            return f"Could not save reading state to {path}: {error.strerror or error}"
        return None

    def _write_versions(self, folder: Path, wanted: set[str]) -> None:
        """Write each version shown that an entry names and that is not on disk yet."""
        todo = {d: b for d, b in self._shown.items() if d in wanted}
        if not todo:
            return
        folder.mkdir(mode=0o700, exist_ok=True)
        problem = _not_a_folder(folder)
        if problem:
            raise OSError(errno.ENOTDIR, problem)
        for version, briefing in todo.items():
            file = folder / f"{version}.json"
            try:
                if stat.S_ISREG(file.lstat().st_mode):
                    continue  # content-addressed: a file of that name holds that version
            except FileNotFoundError:
                pass
            text = json.dumps(briefing.to_json(), ensure_ascii=False, separators=(",", ":"))
            write_atomically(file, text, _TEMPORARY)


# --- the file's content -------------------------------------------------------------------


def _encode(entries: dict[Key, _Entry], last: dict[str, tuple[str, datetime]]) -> str:
    reads = [
        {
            "source": source,
            "briefing": ident,
            "read_at": entry.read_at.isoformat(),
            "digest": entry.digest,
            "open_sections": list(entry.place.open_sections),
            "scroll": entry.place.scroll,
        }
        for (source, ident), entry in sorted(entries.items(), key=lambda i: i[1].read_at)
    ]
    lasts = {
        source: {"briefing": ident, "at": at.isoformat()} for source, (ident, at) in last.items()
    }
    data = {"format": FORMAT, "reads": reads, "last": lasts}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _parse(
    data: dict[str, Any], path: Path
) -> tuple[dict[Key, _Entry], dict[str, tuple[str, datetime]], list[str]]:
    """The entries of a loaded ``reading.json``, and a warning for what was not usable: an
    entry of the wrong shape is left out alone."""
    if data.get("format") != FORMAT or not isinstance(data.get("reads", []), list):
        return {}, {}, [f"Ignoring saved reading state: {path} is not a reading file this "
                        "version of briefing reads"]  # fmt: skip
    entries: dict[Key, _Entry] = {}
    bad = 0
    for item in data.get("reads", []):
        parsed = _entry(item)
        if parsed is None:
            bad += 1
            continue
        key, entry = parsed
        if key not in entries or entries[key].read_at < entry.read_at:
            entries[key] = entry
    last: dict[str, tuple[str, datetime]] = {}
    lasts = data.get("last", {})
    if not isinstance(lasts, dict):
        bad += 1
        lasts = {}
    for source, item in lasts.items():
        at = _time(item.get("at")) if isinstance(item, dict) else None
        ident = item.get("briefing") if isinstance(item, dict) else None
        if at is None or not isinstance(ident, str):
            bad += 1
            continue
        last[source] = (ident, at)
    warnings = []
    if bad:
        warnings.append(
            f"Ignoring {bad} damaged part{'s' * (bad != 1)} of the saved reading state in "
            f"{path}: the rest is kept"
        )
    return entries, last, warnings


def _entry(item: object) -> tuple[Key, _Entry] | None:
    if not isinstance(item, dict):
        return None
    source, ident, version = item.get("source"), item.get("briefing"), item.get("digest")
    sections, scroll = item.get("open_sections", []), item.get("scroll", 0)
    at = _time(item.get("read_at"))
    if (
        at is None
        or not isinstance(source, str)
        or not isinstance(ident, str)
        or not (version is None or (isinstance(version, str) and _DIGEST.fullmatch(version)))
        or not isinstance(sections, list)
        or not all(isinstance(s, str) for s in sections)
        or not isinstance(scroll, int)
        or isinstance(scroll, bool)
        or scroll < 0
    ):
        return None
    return (source, ident), _Entry(at, version, Place(tuple(sections), scroll))


def _time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _aware(when: datetime) -> datetime:
    """The time in UTC; a naive time is taken as UTC."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


# --- merging and bounding -----------------------------------------------------------------


def _merge(
    ours: dict[Key, _Entry],
    our_last: dict[str, tuple[str, datetime]],
    theirs: dict[Key, _Entry],
    their_last: dict[str, tuple[str, datetime]],
) -> tuple[dict[Key, _Entry], dict[str, tuple[str, datetime]]]:
    """Per briefing the later read, per source the later last (ours when they tie)."""
    entries = dict(theirs)
    for key, entry in ours.items():
        if key not in entries or entries[key].read_at <= entry.read_at:
            entries[key] = entry
    last = dict(their_last)
    for source, mine in our_last.items():
        if source not in last or last[source][1] <= mine[1]:
            last[source] = mine
    return entries, last


def _bounded(
    entries: dict[Key, _Entry], last: dict[str, tuple[str, datetime]]
) -> tuple[dict[Key, _Entry], dict[str, tuple[str, datetime]]]:
    """At most :data:`MAX_READ` entries, the most recently read; the last briefing of a
    source none of whose briefings is kept goes too."""
    if len(entries) > MAX_READ:
        kept = sorted(entries.items(), key=lambda item: item[1].read_at)[-MAX_READ:]
        entries = dict(kept)
        sources = {source for source, _ in entries}
        last = {source: item for source, item in last.items() if source in sources}
    return entries, last


# --- files --------------------------------------------------------------------------------


def _read_object(
    path: Path, what: str = "reading state"
) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON object in the file, never following a link, or a warning saying why not
    (no warning when there is no file)."""
    limit = MAX_VERSION_BYTES if what == "version read" else MAX_READING_BYTES
    try:
        raw = read_regular(path, limit, follow_links=False)
    except FileNotFoundError:
        return None, None
    except FileTooLarge as error:
        return None, f"Ignoring saved {what}: {path} is {error}"
    except OSError as error:
        return None, f"Ignoring saved {what}: cannot read {path}: {error.strerror or error}"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        return None, f"Ignoring saved {what}: {path} is not valid: {error}"
    if not isinstance(data, dict):
        return None, f"Ignoring saved {what}: {path} is not valid: not a JSON object"
    return data, None


def _not_a_folder(folder: Path) -> str | None:
    """Why the versions folder cannot be used (a link, a file in its place), if it cannot."""
    try:
        mode = folder.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"Ignoring saved versions read: cannot read {folder}: {error.strerror or error}"
    if stat.S_ISLNK(mode):
        return f"Ignoring saved versions read: {folder} is a symbolic link, not followed"
    if not stat.S_ISDIR(mode):
        return f"Ignoring saved versions read: {folder} is not a folder"
    return None


def _prune(folder: Path, wanted: set[str]) -> None:
    """Remove the versions no entry names, and temporary files left by a save that died (the
    lock is held: no save is writing one now)."""
    if _not_a_folder(folder) is not None:
        return
    try:
        names = os.listdir(folder)  # noqa: PTH208 (names, not paths)
    except OSError:
        return
    for name in names:
        stem = name.removesuffix(".json")
        stale = name.startswith(_TEMPORARY) or (
            name.endswith(".json") and _DIGEST.fullmatch(stem) and stem not in wanted
        )
        if stale:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


class _Lock:
    """An exclusive ``flock`` on a lock file beside ``reading.json`` (opened without following
    a link), waited for :data:`LOCK_SECONDS` at most. Where there is no ``flock`` (Windows),
    saving goes without."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.descriptor: int | None = None

    def __enter__(self) -> _Lock:
        try:
            import fcntl
        except ImportError:
            return self
        flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC
        try:
            self.descriptor = os.open(self.path, flags, 0o600)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise OSError(
                    error.errno, f"{self.path} is a symbolic link, not followed"
                ) from None
            raise
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise OSError(
                        errno.EWOULDBLOCK, f"another reader holds {self.path}: not saved"
                    ) from None
                time.sleep(0.01)

    def __exit__(self, *exception: object) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)  # closing releases the lock
            self.descriptor = None


# --- versions read back -------------------------------------------------------------------


def _briefing(data: dict[str, Any]) -> records.Briefing | None:
    """The briefing a version file holds, when it is one a valid file could have given
    (:func:`briefing.records.sound`: the file is not trusted, anything may have been written
    there)."""
    try:
        briefing = records.Briefing.from_json(records.scrub(data))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return None
    return briefing if records.sound(briefing) else None
