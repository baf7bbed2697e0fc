"""Finding and reading a briefing file: which file, how large it may be, its text.

Standard library only: every command passes through here, and the ones that read the index
(:mod:`briefing.index`) must not pay for pydantic.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path

from briefing.errors import BriefingError

APP_NAME = "briefing"

DATA_ENV = "BRIEFING_DATA"
"""Environment variable naming the data file to read when ``--data`` is not given."""

STDIN = "-"
"""The path that means: read the file from standard input."""

MAX_SIZE_ENV = "BRIEFING_MAX_SIZE"
"""Environment variable that sets the largest data file read (such as ``1G``)."""

DEFAULT_MAX_BYTES = 512 * 1024**2
"""The default limit: 512 MiB, over three times a 10,000-briefing archive of the default story."""

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kKmMgG]?)[iI]?[bB]?")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}

_BOM = b"\xef\xbb\xbf"

NO_SUCH_FILE = "no such file"
"""The problem reported for a data file that does not exist (the reader says it is gone)."""

FOLDER = "is a folder, not a briefing file"
"""The problem reported for a path that must be a file and is a folder (a folder of briefing
files is read by :mod:`briefing.folder_index`)."""

LINK_LOOP = "its symbolic links loop back on themselves (or nest too deep): they lead to no file"
"""The problem reported for a path whose symbolic links never reach a file."""

_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, not when a writer comes
_OPEN_FLAGS = (
    os.O_RDONLY
    | _NONBLOCK
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes ours
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
"""Opening a symbolic link fails (``ELOOP``) instead of opening what it points to."""

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegularFile(OSError):
    """The path names a FIFO, a device or a socket: nothing to read a file from."""


class FileTooLarge(OSError):
    """The file is larger than the limit it is read with."""


class SymbolicLink(OSError):
    """The path names a symbolic link, read with ``follow_links=False``: not followed."""


def bundled_data_path() -> Path:
    """The default data file: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "data" / "briefings.json"
    return installed if installed.is_file() else package.parent / "data" / "briefings.json"


def data_path(explicit: str | None = None) -> Path:
    """The file to read: the one given, else ``$BRIEFING_DATA``, else the bundled one."""
    chosen = explicit or os.environ.get(DATA_ENV)
    return Path(chosen) if chosen else bundled_data_path()


def real_path(path: str | Path) -> Path:
    """The absolute path of ``path`` with its symbolic links followed, as :meth:`Path.resolve`
    gives it, but never an error: where the links loop (``resolve()`` raises ``RuntimeError``
    on Python 3.11 and 3.12), they are followed as far as they go."""
    try:
        return Path(os.path.realpath(path))  # resolve() less its check for a loop
    except OSError:  # a relative path whose working folder has gone
        return Path(path)


def read_regular(path: str | Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed unless
    ``follow_links`` is false: then a link in its place raises :class:`SymbolicLink`, and it
    is opened with ``O_NOFOLLOW``, so that a link put there meanwhile is not followed either),
    at most ``limit``.

    Nothing else is read, nor waited for: a FIFO, a device or a socket raises
    :class:`NotRegularFile` (a directory, ``IsADirectoryError``) before a byte is read, and the
    file is opened without blocking, so a FIFO put in its place meanwhile cannot hang the open
    either: what was opened is checked again. A file over ``limit`` raises
    :class:`FileTooLarge`; the rest is ``OSError`` as it comes (no such file, permission, a
    loop of links)."""
    info = Path(path).stat() if follow_links else Path(path).lstat()
    if stat.S_ISLNK(info.st_mode):
        raise SymbolicLink(f"a symbolic link, not followed: {path}")
    _refuse_unless_regular(info.st_mode, path)  # a socket cannot even be opened
    try:
        descriptor = os.open(path, _OPEN_FLAGS if follow_links else _OPEN_FLAGS | _NOFOLLOW)
    except OSError as error:  # a link put in its place since: O_NOFOLLOW refuses it (ELOOP)
        if not follow_links and error.errno == errno.ELOOP:
            raise SymbolicLink(f"a symbolic link, not followed: {path}") from None
        raise
    try:
        info = os.fstat(descriptor)
        _refuse_unless_regular(info.st_mode, path)
        if info.st_size > limit:
            raise FileTooLarge(f"larger than the limit of {human_size(limit)}")
        if _NONBLOCK:  # reads of a regular file then wait for the disk, as they should
            os.set_blocking(descriptor, True)
        stream = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with stream:
        raw = stream.read(limit + 1)  # a file that grows meanwhile is still bounded
    if len(raw) > limit:
        raise FileTooLarge(f"larger than the limit of {human_size(limit)}")
    return raw


def _refuse_unless_regular(mode: int, path: str | Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    raise NotRegularFile(f"not a regular file ({kind})")


def stat_of(path: str | Path) -> os.stat_result | None:
    """What ``os.stat`` says of the file (links followed), or ``None`` when it cannot be seen:
    gone, a loop of links, a folder that cannot be searched."""
    try:
        return Path(path).stat()
    except OSError:
        return None


def signature(path: str | Path) -> tuple[int, int, int, bool] | None:
    """What changes when the file does (modification time, size, inode), or ``None`` when it
    cannot be seen. Cheap enough to check every second."""
    info = stat_of(path)
    if info is None:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino, stat.S_ISDIR(info.st_mode)


def display_name(path: str | Path) -> str:
    """How errors name the file: its path, or ``<stdin>``."""
    return str(path) if str(path) != STDIN else "<stdin>"


def parse_size(text: str) -> int:
    """``"512M"``, ``"1.5G"``, ``"300k"`` or a number of bytes, as bytes."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a size: {text!r} (such as 512M, 2G or 1000000)")
    number, unit = match.groups()
    return int(float(number) * _UNITS[unit.upper()])


def size_limit() -> int:
    """The largest data file read: ``$BRIEFING_MAX_SIZE`` when set, else the default."""
    return size_setting(MAX_SIZE_ENV, DEFAULT_MAX_BYTES)


def size_setting(variable: str, default: int) -> int:
    """A size set by an environment variable (``512M``, ``1G``...), else ``default``; a value
    that is not a size is the user's error, named after the variable."""
    configured = os.environ.get(variable)
    if not configured:
        return default
    try:
        return parse_size(configured)
    except ValueError as error:
        raise BriefingError.single(variable, str(error)) from None


def read_text(path: str | Path, max_bytes: int | None = None, name: str | None = None) -> str:
    """The file's text, decoded as UTF-8 (a leading byte-order mark is allowed). A file over
    the size limit is refused before it is read. Errors name it ``name`` (default: its path)."""
    name = display_name(path) if name is None else name
    return decode_text(
        _raw_bytes(path, name, size_limit() if max_bytes is None else max_bytes), name
    )


def read_bytes(path: str | Path, max_bytes: int | None = None, name: str | None = None) -> bytes:
    """The bytes of the file's text, as :func:`read_text` reads them (the same limit and
    errors), without a leading byte-order mark: the text is their UTF-8 decoding."""
    name = display_name(path) if name is None else name
    limit = size_limit() if max_bytes is None else max_bytes
    return _raw_bytes(path, name, limit).removeprefix(_BOM)


def decode_text(raw: bytes, name: str) -> str:
    """A briefing file's bytes as text (UTF-8, a leading byte-order mark allowed); ``name``
    (a file or an address) is what an error names."""
    wide = _wide_encoding(raw)
    if wide:
        raise BriefingError.single(name, f"the file is {wide} text; save it as UTF-8")
    raw = raw.removeprefix(_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        byte = raw[error.start]
        raise BriefingError.single(
            name, f"not valid UTF-8 text (byte 0x{byte:02x})", line, column
        ) from None
    if not text.strip():
        raise BriefingError.single(name, "the file is empty: expected a JSON object")
    return text


def _raw_bytes(path: str | Path, name: str, limit: int) -> bytes:
    """The bytes of the file (or standard input), at most ``limit`` of them; every way reading
    can fail is one located problem."""
    try:
        if str(path) == STDIN:
            raw = sys.stdin.buffer.read(limit + 1)  # a pipe is what standard input should be
            if len(raw) > limit:
                raise FileTooLarge
            return raw
        return read_regular(path, limit)
    except FileTooLarge:
        raise too_large(name, limit) from None
    except NotRegularFile as error:
        raise BriefingError.single(name, str(error)) from None
    except FileNotFoundError:
        raise BriefingError.single(name, NO_SUCH_FILE) from None
    except IsADirectoryError:
        raise BriefingError.single(name, FOLDER) from None
    except PermissionError:
        raise BriefingError.single(name, "permission denied: cannot read it") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BriefingError.single(name, LINK_LOOP) from None
        raise BriefingError.single(name, f"cannot read it: {error.strerror or error}") from None


def too_large(name: str, limit: int) -> BriefingError:
    """The error for a file over the size limit."""
    return BriefingError.single(
        name,
        f"the file is larger than the limit of {human_size(limit)}; to read it, raise the limit "
        f"with --max-size or {MAX_SIZE_ENV}",
    )


def _wide_encoding(raw: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when the bytes are text in one of them: by its byte-order mark,
    else by the NUL bytes its first characters have (JSON starts with ASCII; RFC 4627, 3)."""
    for bom, wide in _WIDE_BOMS:
        if raw.startswith(bom):
            return wide
    nuls = "".join("0" if byte == 0 else "x" for byte in raw[:4])
    return _WIDE_NULS.get(nuls if len(nuls) == 4 else nuls[:2])


_WIDE_BOMS = ((b"\xff\xfe\0\0", "UTF-32"), (b"\0\0\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))  # fmt: skip
_WIDE_NULS = {"000x": "UTF-32", "x000": "UTF-32", "0x0x": "UTF-16", "x0x0": "UTF-16",
              "0x": "UTF-16", "x0": "UTF-16"}  # fmt: skip


def human_size(size: int) -> str:
    """``512 MiB``, ``3 KiB``, ``12 bytes``."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


_XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "state": ("XDG_STATE_HOME", ".local/state"),
        "cache": ("XDG_CACHE_HOME", ".cache")}  # fmt: skip
_MACOS = {"config": "Application Support", "state": "Application Support", "cache": "Caches"}


def user_folder(kind: str) -> Path:
    """This program's folder of a kind (``config``, ``state`` or ``cache``) for this user, where
    each platform keeps them: ``$XDG_CONFIG_HOME/briefing`` (else ``~/.config/briefing``) and so
    on on Linux, ``~/Library/...`` on macOS, ``%LOCALAPPDATA%`` on Windows. (platformdirs does
    the same; importing it costs more than the rest of start-up.)"""
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / _MACOS[kind] / APP_NAME
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(local) / APP_NAME / ("Cache" if kind == "cache" else "")
    variable, default = _XDG[kind]
    configured = os.environ.get(variable, "")
    base = Path(configured) if configured and Path(configured).is_absolute() else home / default
    return base / APP_NAME


_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)


def write_atomically(path: Path, text: str | bytes, prefix: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` (named ``prefix...tmp``, created new:
    no link followed), flush it to disk, rename it over ``path`` (a link there is replaced, not
    written through) and make the rename durable. What this program saves (settings, what was
    read) is written so: a crash leaves the old file or the new one, never half of one."""
    import tempfile  # only when something is saved

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where folders can be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
