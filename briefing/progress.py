"""A quiet line on standard error for long work: ``validating 1,234 of 10,000 files``.

Shown only on a terminal, only once the work has taken more than :data:`DELAY` seconds, redrawn
at most ten times a second with a carriage return (plain text: no colours, no escape codes, so
``NO_COLOR`` and ``TERM=dumb`` terminals show it as it is), and rubbed out when the work is done.
In a pipe or a file, nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

DELAY = 0.5
"""Work shorter than this shows nothing."""

_EVERY = 0.1


class Progress:
    """Called with ``(done, total)`` as work goes on; :meth:`close` rubs the line out."""

    def __init__(self, what: str, unit: str, stream: TextIO | None = None) -> None:
        self.what = what
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0
        try:
            self.shown = self.stream.isatty()
        except (AttributeError, ValueError):
            self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or now - self.started < DELAY or now - self._drawn_at < _EVERY:
            return
        self._drawn_at = now
        line = f"{self.what} {done:,} of {total:,} {self.unit}"
        self._write("\r" + line.ljust(self._width))
        self._width = len(line)

    def close(self) -> None:
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.shown = False
