"""A quiet line on standard error for long work: ``validating 1,234 of 10,000 files``.

Shown only on a terminal, only once the work has taken more than :data:`DELAY` seconds, redrawn
at most ten times a second with a carriage return (plain text: no colours, no escape codes, so
``NO_COLOR`` and ``TERM=dumb`` terminals show it as it is), and rubbed out when the work is done.
In a pipe or a file, nothing.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TextIO, TypeVar

if TYPE_CHECKING:
    import threading

T = TypeVar("T")

DELAY = 0.5
"""Work shorter than this shows nothing."""

_EVERY = 0.1


class Progress:
    """Called with ``(done, total)`` as work goes on; :meth:`close` rubs the line out.

    Work that tells of its progress seldom (one large file validated in one call tells only
    that it has begun) still shows once :data:`DELAY` has passed: the first call on a terminal
    starts a timer that draws the last line told, unless the work is over by then."""

    def __init__(self, what: str, unit: str, stream: TextIO | None = None) -> None:
        self.what = what
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0
        self._line = ""
        self._timer: threading.Timer | None = None
        self._lock: threading.Lock | None = None
        try:
            self.shown = self.stream.isatty()
        except (AttributeError, ValueError):
            self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        self._line = f"{self.what} {done:,} of {total:,} {self.unit}" if total else (
            f"{self.what} {done:,} {self.unit}"
        )  # fmt: skip
        now = time.monotonic()
        if now - self.started < DELAY:
            if self._timer is None:
                self._start_timer(DELAY - (now - self.started))
            return
        if now - self._drawn_at >= _EVERY:
            self._draw()

    def _start_timer(self, delay: float) -> None:
        import threading  # only for work told of on a terminal

        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._draw)
        self._timer.daemon = True
        self._timer.start()

    def _draw(self) -> None:
        with self._lock or contextlib.nullcontext():
            if not self.shown or not self._line:
                return
            self._drawn_at = time.monotonic()
            self._write("\r" + self._line.ljust(self._width))
            self._width = len(self._line)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock or contextlib.nullcontext():
            self._line = ""  # a timer firing now draws nothing
            if self._width:
                self._write("\r" + " " * self._width + "\r")
                self._width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.shown = False


def in_kib(progress: Progress) -> Callable[[int, int], None]:
    """``progress`` told of bytes in KiB (a download: ``downloading 812 of 10,240 KiB``)."""

    def told(done: int, total: int) -> None:
        progress(done // 1024, -(-total // 1024))

    return told


class Background(Generic[T]):
    """Work started in a thread at once, whose progress can be followed from later on: the
    reader waits for it :data:`DELAY` seconds, and only work that takes longer is shown behind
    its opening screen (a short one, such as a small file indexed, never flashes a screen)."""

    def __init__(self, work: Callable[[Callable[[int, int], None]], T]) -> None:
        import threading  # only the reader's path: every command imports this module

        self._work = work
        self._told: Callable[[int, int], None] | None = None
        self._last: tuple[int, int] | None = None
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="opening", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._work(self._progress)
        except BaseException as error:  # handed to whoever waits for the result
            self._error = error

    def _progress(self, done: int, total: int) -> None:
        self._last = (done, total)
        told = self._told
        if told is not None:
            told(done, total)

    def done_within(self, seconds: float) -> bool:
        """Whether the work is over within ``seconds``."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def result(self, told: Callable[[int, int], None] | None = None) -> T:
        """The work's result once it is over (its error raised), ``told`` of its progress
        from now on (and of where it is now)."""
        if told is not None:
            self._told = told
            if self._last is not None:
                told(*self._last)
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
