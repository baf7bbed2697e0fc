"""Where each value of a JSON document starts, so errors can point at a line and column.

Only used when a file has failed validation: the fast path never walks the text in Python.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from briefing.layout import past_space as _past_space
from briefing.layout import scanstring
from briefing.layout import skip_value as _skip_value

Path = tuple[str | int, ...]

# NaN and Infinity are not JSON, but the json module and pydantic read them: so must the walk.
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_MAX_DEPTH = 200


class Lines:
    """Line and column of any offset in a text, at a cost bounded by a chunk of it.

    Counting the newlines before each of many problems is quadratic, and a list of every
    line's start is large for a file of many short lines; so the newlines before each chunk,
    and where the line each chunk begins in starts, are counted once (in C)."""

    def __init__(self, text: str, chunk: int = 1 << 16) -> None:
        self.text = text
        self.chunk = chunk
        self._newlines = [0]  # newlines before chunk k
        self._line_starts = [0]  # where the line that chunk k begins in starts
        for start in range(0, len(text), chunk):
            self._newlines.append(self._newlines[-1] + text.count("\n", start, start + chunk))
            last = text.rfind("\n", start, start + chunk)
            self._line_starts.append(last + 1 if last >= 0 else self._line_starts[-1])

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of ``offset``."""
        offset = min(max(offset, 0), len(self.text))
        chunk = offset // self.chunk
        start = chunk * self.chunk
        newline = self.text.rfind("\n", start, offset)
        line_start = newline + 1 if newline >= 0 else self._line_starts[chunk]
        return self._newlines[chunk] + self.text.count("\n", start, offset) + 1, (
            offset - line_start + 1
        )

    def offset(self, line: int, byte_column: int) -> int:
        """The offset of a 1-based line and a column counted in UTF-8 bytes, as Rust parsers
        (pydantic's) count them; a place past the text is clamped to it."""
        before = min(max(line - 1, 0), self._newlines[-1])  # newlines before the line
        chunk = max(bisect_left(self._newlines, before) - 1, 0)
        start = chunk * self.chunk
        for _ in range(before - self._newlines[chunk]):
            start = self.text.index("\n", start) + 1
        wanted = max(byte_column - 1, 0)
        head = self.text[start : start + wanted].encode("utf-8", "surrogatepass")[:wanted]
        return start + len(head.decode("utf-8", "ignore"))


class Positions:
    """Offsets of the values (and object keys) of a JSON text, by field path.

    With ``paths``, only what leads to them is walked in Python: the values beside that way
    are stepped over by the json module's C scanner, so finding a few places in a big file
    costs little more than parsing it."""

    def __init__(self, text: str, paths: Iterable[Path] | None = None) -> None:
        self.text = text
        self.values: dict[Path, int] = {}
        self.keys: dict[Path, int] = {}
        self.duplicate_keys: list[tuple[Path, int]] = []
        """Keys that repeat one earlier in the same object (of the objects walked into), with
        the offset of the repeat."""
        self._inside = None if paths is None else _parents(paths)
        self._lines: Lines | None = None
        # On text that is not valid JSON, keep what was found before the problem.
        with contextlib.suppress(ValueError, IndexError, RecursionError, StopIteration):
            self._value(0, (), 0)

    @property
    def lines(self) -> Lines:
        """The text's line starts, found on first use."""
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines

    def offset(self, path: Path, *, key: bool = False) -> int | None:
        """Offset of the value at ``path`` (of its key, with ``key``), or of its nearest parent."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values:
            if not path:
                return None
            path = path[:-1]
        return self.values[path]

    def line_column(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """1-based line and column of the value at ``path``, as :meth:`offset` finds it."""
        offset = self.offset(path, key=key)
        return None if offset is None else self.lines.line_column(offset)

    def _skip(self, index: int) -> int:
        return _past_space(self.text, index)

    def _value(self, index: int, path: Path, depth: int) -> int:
        if depth > _MAX_DEPTH:
            raise ValueError("nested too deeply")
        index = self._skip(index)
        self.values[path] = index
        char = self.text[index]
        if char == '"':
            return scanstring(self.text, index + 1)[1]
        if char in "{[" and self._inside is not None and path not in self._inside:
            return _skip_value(self.text, index)[1]
        if char == "{":
            return self._object(index + 1, path, depth)
        if char == "[":
            return self._array(index + 1, path, depth)
        match = _SCALAR.match(self.text, index)
        if match is None:
            raise ValueError("not a JSON value")
        return match.end()

    def _object(self, index: int, path: Path, depth: int) -> int:
        index = self._skip(index)
        if self.text[index] == "}":
            return index + 1
        while True:
            index = self._skip(index)
            if self.text[index] != '"':
                raise ValueError("expected a key")
            key_start = index
            key, index = scanstring(self.text, index + 1)
            if (*path, key) in self.keys:
                self.duplicate_keys.append(((*path, key), key_start))
            else:
                self.keys[(*path, key)] = key_start
            index = self._skip(index)
            if self.text[index] != ":":
                raise ValueError("expected ':'")
            index = self._skip(self._value(index + 1, (*path, key), depth + 1))
            if self.text[index] == "}":
                return index + 1
            if self.text[index] != ",":
                raise ValueError("expected ',' or '}'")
            index += 1

    def _array(self, index: int, path: Path, depth: int) -> int:
        index = self._skip(index)
        if self.text[index] == "]":
            return index + 1
        item = 0
        while True:
            index = self._skip(self._value(index, (*path, item), depth + 1))
            if self.text[index] == "]":
                return index + 1
            if self.text[index] != ",":
                raise ValueError("expected ',' or ']'")
            index += 1
            item += 1


def array_items(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Where each item of the array at offset ``start`` of a valid JSON text starts and ends,
    one at a time: an item is read (by the json module's C scanner) only when its turn comes."""
    index = _past_space(text, start + 1)
    if text[index] == "]":
        return
    while True:
        end = _skip_value(text, index)[1]
        yield index, end
        index = _past_space(text, end)
        if text[index] == "]":
            return
        index = _past_space(text, index + 1)  # past the comma


def _parents(paths: Iterable[Path]) -> set[Path]:
    """Every path that leads to one of ``paths`` (not the paths themselves)."""
    parents = {path[:-1] for path in paths if path}  # few: many problems share an object
    return {parent[:n] for parent in parents for n in range(len(parent) + 1)}
