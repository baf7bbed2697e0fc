"""When Python's cyclic garbage collector runs: the one module that touches :mod:`gc`.

A start-up makes many objects and no garbage worth looking for: the collector runs dozens of
times while modules load and finds nothing. So the command line runs with it off, and each
command turns it back on once it has what it needs:

- :func:`command_line` wraps a run of the command line: the collector is off while it starts
  (arguments, imports) and on again when it ends, whatever happens;
- :func:`run` starts a command: with the collector on, unless the command is declared
  :func:`short`; a short command calls :func:`resume` once its start-up is done (the briefings
  loaded) or ends before making much. A command that is not declared short cannot run with
  the collector off;
- :func:`freeze_start_up` ends the reader's start-up once its first screen is drawn: what was
  made so far is left out of collections, which then walk only what came after;
  :func:`unfreeze` hands it back when the reader ends;
- :func:`paused` keeps it off for a block that makes many objects and no cycles (a long
  problem report).

No other module imports :mod:`gc` (tests/test_architecture.py checks).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import TypeVar

Argument = TypeVar("Argument")
Command = TypeVar("Command", bound=Callable[..., object])

_short: set[Callable[..., object]] = set()
"""The commands that start with the collector off (see :func:`short`)."""


def short(command: Command) -> Command:
    """Declare ``command`` short: :func:`run` starts it with the collector still off. It must
    call :func:`resume` once it has loaded what it needs, or be short enough not to."""
    _short.add(command)
    return command


@contextlib.contextmanager
def command_line() -> Iterator[None]:
    """The collector off while the command line starts, on again when it ends."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run(command: Callable[[Argument], int], argument: Argument) -> int:
    """Run ``command``: with the collector on, unless it is declared :func:`short`."""
    if command not in _short:
        gc.enable()
    return command(argument)


def resume() -> None:
    """The start-up is over: the collector runs again."""
    gc.enable()


def freeze_start_up() -> None:
    """The reader's first screen is drawn: everything made so far (Textual, the widgets, the
    briefing) is left out of collections, and the collector runs again."""
    gc.freeze()
    gc.enable()


def unfreeze() -> None:
    """Hand what :func:`freeze_start_up` left out back to the collector."""
    gc.unfreeze()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for this block, then as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
