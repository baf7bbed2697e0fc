"""Where each value of a JSON document starts, so errors can point at a line and column.

Only used when a file has failed validation: the fast path never walks the text in Python.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from json import decoder

Path = tuple[str | int, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_MAX_DEPTH = 200

# The json module's fast (C) string scanner; typeshed does not declare it.
scanstring: Callable[[str, int], tuple[str, int]] = decoder.scanstring  # type: ignore[attr-defined]


class Positions:
    """Offsets of every value (and of every object key) in a JSON text, by field path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.values: dict[Path, int] = {}
        self.keys: dict[Path, int] = {}
        self.duplicate_keys: list[tuple[Path, int]] = []
        """Keys that repeat one earlier in the same object, with the offset of the repeat."""
        # On text that is not valid JSON, keep what was found before the problem.
        with contextlib.suppress(ValueError, IndexError, RecursionError):
            self._value(0, (), 0)

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
        return None if offset is None else line_column(self.text, offset)

    def _skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def _value(self, index: int, path: Path, depth: int) -> int:
        if depth > _MAX_DEPTH:
            raise ValueError("nested too deeply")
        index = self._skip(index)
        self.values[path] = index
        char = self.text[index]
        if char == "{":
            return self._object(index + 1, path, depth)
        if char == "[":
            return self._array(index + 1, path, depth)
        if char == '"':
            return scanstring(self.text, index + 1)[1]
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


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
