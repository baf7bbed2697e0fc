"""The one error type a user ever sees, and how it is printed.

Kept free of pydantic and everything else slow to import: the command line catches it on
every path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

MAX_PROBLEMS = 200
"""The most problems of one file that are reported, as compilers do: the rest are counted."""


class Problem(NamedTuple):
    """One thing wrong with a file: what, and where (line, column and field path when known)."""

    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None


class BriefingError(Exception):
    """A problem with a briefing file that the user can fix, with its file and place.

    ``str()`` gives one line per problem, ``file:line:column: field: message``, the form
    compilers use, so editors and terminals can jump to it.
    """

    def __init__(self, source: str, problems: Sequence[Problem], count: int = 0) -> None:
        self.source = source
        self.problems = tuple(problems)
        """The problems reported: the first (at most :data:`MAX_PROBLEMS`) in file order."""
        self.count = max(count, len(self.problems))
        """How many problems the file has."""
        super().__init__("\n".join(self.lines()))

    @classmethod
    def single(cls, source: str | Path, message: str, line: int | None = None,
               column: int | None = None) -> BriefingError:  # fmt: skip
        """An error with one problem."""
        return cls(str(source), [Problem(message, line=line, column=column)])

    def lines(self, limit: int = MAX_PROBLEMS) -> list[str]:
        """One line for each of the first ``limit`` problems, then ``and N more problems`` if
        there are more; free of control characters whatever the file contained."""
        lines = []
        for problem in self.problems[:limit]:
            place = self.source
            if problem.line is not None:
                place += f":{problem.line}:{problem.column or 1}"
            parts = [place, problem.field, problem.message]
            lines.append(visible(": ".join(part for part in parts if part)))
        more = self.count - len(lines)
        if more > 0:
            lines.append(f"and {more} more problem{'s' * (more != 1)}")
        return lines

    def summary(self) -> str | None:
        """The line that ends the report of a file with more than one problem."""
        return f"{self.count} problems in {visible(self.source)}" if self.count > 1 else None


class FolderError(BriefingError):
    """Problems in some files of a folder of briefing files: each file's own :class:`BriefingError`
    (in file order), and how many files the folder has."""

    def __init__(self, folder: str, errors: Sequence[BriefingError], files: int) -> None:
        self.errors = tuple(errors)
        self.files = files
        problems = [problem for error in self.errors for problem in error.problems]
        super().__init__(folder, problems, sum(error.count for error in self.errors))

    def lines(self, limit: int = MAX_PROBLEMS) -> list[str]:
        """Each broken file's lines as :meth:`BriefingError.lines` gives them (and its own
        summary), as many as ``limit`` allows, then how many problems and files are left out."""
        lines: list[str] = []
        shown_problems = 0
        for done, error in enumerate(getattr(self, "errors", ())):
            if len(lines) >= limit:
                left = self.count - shown_problems
                files = len(self.errors) - done
                lines.append(
                    f"and {left} more problem{'s' * (left != 1)} in {files} more "
                    f"file{'s' * (files != 1)}"
                )
                break
            lines += error.lines(max(1, limit - len(lines)))
            shown_problems += error.count
            summary = error.summary()
            if summary:
                lines.append(summary)
        return lines

    def summary(self) -> str:
        broken = len(self.errors)
        files = f"{self.files:,} file{'s' * (self.files != 1)}"
        return (
            f"{self.count:,} problem{'s' * (self.count != 1)} in {broken:,} of {files} in "
            f"{visible(self.source)}"
        )


def visible(text: str) -> str:
    """Show control characters as escapes, so a message can never drive the terminal; a byte
    that was not UTF-8 (in a file name or an argument, which Python keeps as a lone surrogate)
    as the byte it was: ``\\xff``."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]
