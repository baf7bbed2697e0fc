"""The scrolling column of the reader: the bottom line, the sections and what to watch."""

from __future__ import annotations

from textual.containers import VerticalScroll


class ReadingColumn(VerticalScroll, inherit_bindings=False):
    """A vertical scroll without keys of its own.

    The reader binds the scrolling keys itself (``home``/``end`` go to the first and last
    section, ``pageup``/``pagedown`` and ``ctrl+u``/``ctrl+d`` move the focus with the page):
    a container's own bindings would come first in the focus chain and take those keys.
    """
