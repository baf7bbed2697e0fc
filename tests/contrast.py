"""How readable the screen is: the WCAG contrast of every character drawn, from escape codes.

One implementation for both ways the tests look at the reader: the real program in tmux
(``tmux capture-pane -p -e``) and Textual's own output in-process (:func:`rendered`, the
strips the app writes to the terminal, through the same escape codes). Either text goes
through :func:`parse_screen`, which follows the SGR codes cell by cell, and :func:`lowest`
finds the least readable character.

What counts as a character to read: every visible, non-space character except the purely
decorative ones, box drawing (borders, the footer's ``▏`` separator) and block elements
(scrollbars, the sections' left bar). Border *titles* are text and count.

How a terminal draws the attributes that change colours:

- reverse (7) swaps the two colours;
- dim (2) is drawn as the foreground blended half-way to the background (what Textual's own
  ``DimFilter`` does, and about what xterm and VTE do; some terminals dim less). The reader
  uses no dim; Textual's widgets may;
- default colours (39, 49) and the 16 and 256-colour palettes come from a :class:`Palette`:
  for the truecolor themes the reader always sends full colours, and only the ANSI themes
  leave colours to the terminal. For those the palette is the one Textual itself assumes
  when it converts ANSI colours (its ``ansi_theme_dark`` and ``ansi_theme_light``).
- bold is not taken as "bright": modern terminals draw bold in the same colour.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

RGB = tuple[int, int, int]

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "briefings.json"

AA = 4.5
"""WCAG 2 level AA for body text: the least contrast any character on screen may have."""


def parse_hex(color: str) -> RGB:
    """``#rrggbb`` as a triple."""
    value = color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (the same) to 21 (black and white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(color: RGB, toward: RGB, amount: float) -> RGB:
    """``color`` moved ``amount`` (0 to 1) of the way to ``toward``."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(color, toward, strict=True))  # type: ignore[return-value]


# --- the terminal's palette -------------------------------------------------------------


_CUBE = (0, 95, 135, 175, 215, 255)


@dataclass(frozen=True)
class Palette:
    """What a terminal draws for its default colours and for the 256 indexed colours."""

    foreground: RGB
    background: RGB
    ansi: tuple[RGB, ...]
    """The 16 ANSI colours, normal then bright."""

    def indexed(self, index: int) -> RGB:
        """Colour ``index`` of the 256-colour palette (the 16, the 6x6x6 cube, the greys)."""
        if index < 16:
            return self.ansi[index]
        if index < 232:
            index -= 16
            return (_CUBE[index // 36], _CUBE[index // 6 % 6], _CUBE[index % 6])
        grey = 8 + (index - 232) * 10
        return (grey, grey, grey)


XTERM = Palette(
    foreground=(0, 0, 0),
    background=(255, 255, 255),
    ansi=(
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ),
)  # fmt: skip
"""xterm's own palette, for output that uses indexed colours with a truecolor theme."""


def textual_palette(dark: bool) -> Palette:
    """The terminal colours Textual assumes for ANSI colours (dark or light terminal)."""
    from textual._ansi_theme import ALABASTER, MONOKAI

    theme = MONOKAI if dark else ALABASTER
    ansi = tuple(tuple(theme.ansi_colors[i]) for i in range(16))
    return Palette(
        foreground=tuple(theme.foreground_color),  # type: ignore[arg-type]
        background=tuple(theme.background_color),  # type: ignore[arg-type]
        ansi=ansi,  # type: ignore[arg-type]
    )


# --- parsing the screen -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One character on screen, with the colours it is drawn in."""

    row: int
    column: int
    char: str
    foreground: RGB
    background: RGB

    @property
    def ratio(self) -> float:
        return contrast(self.foreground, self.background)

    def describe(self) -> str:
        fg = "#{:02x}{:02x}{:02x}".format(*self.foreground)
        bg = "#{:02x}{:02x}{:02x}".format(*self.background)
        return (
            f"{self.ratio:.2f}:1 at row {self.row}, column {self.column}: "
            f"{self.char!r} {fg} on {bg}"
        )


@dataclass
class _Pen:
    foreground: RGB | None = None  # None: the terminal's default
    background: RGB | None = None
    dim: bool = False
    reverse: bool = False
    hidden: bool = False

    def reset(self) -> None:
        self.foreground = self.background = None
        self.dim = self.reverse = self.hidden = False


_ESCAPE = re.compile(
    r"\x1b\[(?P<csi>[0-9;:?]*)(?P<final>[@-~])"  # CSI, SGR among them
    r"|\x1b\](?P<osc>.*?)(?:\x07|\x1b\\)"  # OSC (hyperlinks), to skip
    r"|(?P<text>[^\x1b]+)",
    re.DOTALL,
)


def _colour(codes: list[int], at: int, palette: Palette) -> tuple[RGB, int]:
    """The extended colour starting at ``codes[at]`` (after 38/48/58), and how many codes
    it took."""
    kind = codes[at] if at < len(codes) else None
    if kind == 2:
        red, green, blue = codes[at + 1 : at + 4]
        return (red, green, blue), 4
    if kind == 5:
        return palette.indexed(codes[at + 1]), 2
    raise ValueError(f"unknown extended colour in SGR {codes}")


_FLAGS = {
    2: ("dim", True),
    22: ("dim", False),  # (22 also ends bold, which does not change colours)
    7: ("reverse", True),
    27: ("reverse", False),
    8: ("hidden", True),
    28: ("hidden", False),
}
_BASIC = {
    30: ("foreground", 0),
    90: ("foreground", 8),
    40: ("background", 0),
    100: ("background", 8),
}
"""The 16 colours: the first code of each range, what it sets, and where in the palette."""


def _apply_sgr(pen: _Pen, parameters: str, palette: Palette) -> None:
    codes = [int(code) if code else 0 for code in parameters.replace(":", ";").split(";")]
    index = 0
    while index < len(codes):
        code = codes[index]
        index += 1
        if code == 0:
            pen.reset()
        elif code in _FLAGS:
            setattr(pen, *_FLAGS[code])
        elif code in (39, 49):
            setattr(pen, "foreground" if code == 39 else "background", None)
        elif code in (38, 48, 58):  # 58, the underline's colour, is read and left alone
            colour, used = _colour(codes, index, palette)
            index += used
            if code != 58:
                setattr(pen, "foreground" if code == 38 else "background", colour)
        elif code // 10 * 10 in _BASIC and code % 10 < 8:
            which, offset = _BASIC[code // 10 * 10]
            setattr(pen, which, palette.ansi[offset + code % 10])
        # Other codes (bold, italic, underline, blink, strike...) leave colours alone.


def _width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def parse_screen(text: str, palette: Palette = XTERM) -> list[Cell]:
    """Every character of a screen captured with its escape codes, with its colours as drawn.

    Styles carry over from one line to the next, as ``tmux capture-pane -e`` writes them.
    """
    pen = _Pen()
    cells: list[Cell] = []
    row = column = 0
    for match in _ESCAPE.finditer(text):
        if match.group("final") is not None:
            if match.group("final") == "m":
                _apply_sgr(pen, match.group("csi"), palette)
            else:
                raise ValueError(f"unexpected escape sequence {match.group(0)!r} in a capture")
            continue
        if match.group("osc") is not None:
            continue
        for char in match.group("text"):
            if char == "\n":
                row, column = row + 1, 0
                continue
            foreground = pen.foreground or palette.foreground
            background = pen.background or palette.background
            if pen.reverse:
                foreground, background = background, foreground
            if pen.dim:
                foreground = blend(foreground, background, 0.5)
            if pen.hidden:
                foreground = background
            cells.append(Cell(row, column, char, foreground, background))
            column += _width(char)
    return cells


def is_text(char: str) -> bool:
    """Whether a character is there to be read: not a space, not box drawing or a block
    element (borders, bars, scrollbars)."""
    if not char.strip() or not char.isprintable():
        return False
    return not 0x2500 <= ord(char) <= 0x259F


def text_cells(cells: Iterable[Cell]) -> Iterator[Cell]:
    return (cell for cell in cells if is_text(cell.char))


def lowest(cells: Iterable[Cell]) -> Cell | None:
    """The least readable character (``None`` when there is nothing to read)."""
    return min(text_cells(cells), key=lambda cell: cell.ratio, default=None)


def screen_lines(cells: Sequence[Cell]) -> list[str]:
    """The plain text of the parsed screen, one string a row (for failure messages)."""
    rows: dict[int, list[str]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(cell.char)
    return ["".join(rows.get(row, [])) for row in range(max(rows, default=-1) + 1)]


@dataclass
class Findings:
    """The lowest contrast seen on each screen of one theme, and the worst characters."""

    theme: str
    lowest: dict[str, Cell | None] = field(default_factory=dict)
    below: dict[str, list[Cell]] = field(default_factory=dict)
    text: dict[str, list[str]] = field(default_factory=dict)

    def add(self, screen: str, cells: Sequence[Cell], minimum: float = AA) -> None:
        readable = list(text_cells(cells))
        self.lowest[screen] = min(readable, key=lambda cell: cell.ratio, default=None)
        self.below[screen] = [cell for cell in readable if cell.ratio < minimum]
        self.text[screen] = screen_lines(cells)

    def failures(self) -> list[str]:
        """One line per screen that has characters below AA: the worst of them, how many,
        and the line of the screen it is on."""
        lines = []
        for screen, cells in self.below.items():
            if cells:
                worst = min(cells, key=lambda cell: cell.ratio)
                lines.append(
                    f"{self.theme}, {screen}: {len(cells)} characters below {AA}:1, the "
                    f"lowest {worst.describe()}, in {self.text[screen][worst.row]!r}"
                )
        return lines


# --- Textual's output, in-process ---------------------------------------------------------


def rendered(app: Any) -> str:
    """What a running Textual app draws now, as the escape codes it sends to a terminal: the
    current screen over the screens it covers, each line's strips as the app writes them."""
    from rich.console import Console

    console = Console(color_system="truecolor", force_terminal=True, legacy_windows=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "\n".join(
        "".join(strip.render(console) for strip in line) + "\x1b[0m" for line in update.strips
    )


def app_palette(app: Any) -> Palette:
    """The palette to read an app's output with: for an ANSI theme the colours Textual
    assumes for the terminal; else xterm's (only defaults and indexed colours use it)."""
    theme = app.current_theme
    return textual_palette(theme.dark) if theme.ansi else XTERM


# --- the screens to look at ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One screen of a survey: the keys that lead to it from the one before (Textual's key
    names in-process; tmux's in a terminal), and text it shows once it is there."""

    name: str
    keys: tuple[str, ...] = ()
    shows: str = ""
    then: Callable[[Any], None] | None = None
    """Something to do in the app before looking (in-process only)."""


def _notify_each_severity(app: Any) -> None:
    for severity in ("information", "warning", "error"):
        app.notify(
            f"A notification of {severity}.",
            title=severity.title(),
            severity=severity,
            timeout=3600,
            markup=False,
        )


SURVEY_SIZE = (120, 40)
"""Wide enough for the facts panel beside the sections, tall enough for an open section."""

STEPS = [
    Step("overview"),
    Step("open section", ("1",)),
    Step("facts", ("tab",)),
    Step("fact", ("enter",)),  # the fact's dialog: its grade and sources
    Step("fact chosen", ("g",)),  # its section opens, flashed
    Step("search", ("slash", *"kursk")),
    Step("matches", ("enter", "n")),
    Step("help", ("question_mark",)),
    Step("timeline", ("escape", "t")),
    Step("sources", ("escape", "s")),
    Step("picker", ("escape", "b")),
    Step("palette", ("escape", "ctrl+p")),
    Step("notifications", ("escape",), then=_notify_each_severity),
]
"""The screens of the survey in-process: every screen and state of the reader."""

CITED_STEPS = [
    Step("cited facts", ("tab",)),  # each fact's sources and grade under it, the first chosen
    Step("cited fact", ("enter",)),  # the fact's grade and meaning, its sources
    Step("cited sources", ("escape", "s")),  # how the date was arrived at, above them
    Step("cited timeline", ("escape", "t")),  # an interval, inferred
    Step("cited quote", ("escape", "1")),  # its date, inferred
]
"""The screens that show what format 1.1 adds, on :func:`write_cited` 's briefing."""


def write_cited(path: Path) -> Path:
    """Write a briefing file of format 1.1 whose facts cite sources and carry grades (the
    tests' maximal briefing, with a second fact that cites two sources), and return its path."""
    import copy

    from tests.test_format import MAXIMAL

    briefing = copy.deepcopy(MAXIMAL)
    briefing["sources"].append({"id": "kremlin", "name": "Kremlin", "note": "Its statements."})
    briefing["key_facts"].append(
        {"label": "Warning", "value": "A response", "status": "claim", "section": "one",
         "sources": ["report", "kremlin"], "grade": "C3"}
    )  # fmt: skip
    path.write_text(json.dumps({"schema_version": 1.1, "briefings": [briefing]}), "utf-8")
    return path


NEWS_STEPS = [
    Step("news overview"),  # the strip, a closed section's count, the fact old beside new
    Step("news marks", ("u", "u")),  # a section open, its new and reworded paragraphs marked
    Step("news facts", ("tab",)),  # the changed fact chosen
    Step("news timeline", ("t",)),  # a new event marked
    Step("news picker", ("escape", "b")),  # briefings marked new
]
"""The screens that show what changed since the last visit, on :func:`news_app` 's."""


def news_app(folder: Path) -> Any:
    """A reader coming back to a briefing that changed since it was read: the tests' maximal
    briefing, read once, then revised (a fact's value and status, a paragraph added and one
    reworded, an event, a thing to watch); a second briefing never read."""
    import copy

    from briefing.app import make_app
    from briefing.index import open_library
    from briefing.reading import Reading, source_key
    from briefing.store import load
    from tests.test_format import MAXIMAL

    path = folder / "news.json"
    briefing: dict[str, Any] = copy.deepcopy(MAXIMAL)
    other = copy.deepcopy(MAXIMAL) | {"id": "other", "title": "Another briefing"}
    data = {"schema_version": 1.1, "briefings": [briefing, other]}
    path.write_text(json.dumps(data), "utf-8")
    state = folder / "state" / "reading.json"
    reading = Reading(state)
    reading.mark(source_key(path), load(path).briefings[0])
    assert reading.save() is None
    briefing["key_facts"][0].update(value="310 km", status="confirmed")
    paragraphs = briefing["sections"][0]["paragraphs"]
    paragraphs[0] += " Reworded."
    paragraphs.append("A paragraph added since.")
    briefing["timeline"].append({"date": "2024-11-21", "event": "A new event.", "section": "one"})
    briefing["watch"].append("Something new to watch.")
    path.write_text(json.dumps(data), "utf-8")
    return make_app(
        open_library(path), state_path=state, source=path, loader=lambda: open_library(path)
    )


NARROW_SIZE = (80, 24)
NARROW_STEPS = [Step("narrow overview"), Step("narrow facts", ("f",))]

TERMINAL_STEPS = [
    Step("overview", (), "1. Moscow's warning"),
    Step("open section", ("1",), "In a statement"),
    Step("facts", ("Tab",), "Key facts"),
    Step("help", ("?",), "escape to close"),
]
"""The screens of the survey in a terminal (tmux's key names)."""

TERMINAL_THEMES = [
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "solarized-light",
    "catppuccin-latte",
]


async def survey(
    theme: str,
    size: tuple[int, int],
    steps: Sequence[Step],
    data: Path = BUNDLED,
    app: Any = None,
) -> Findings:
    """Run the reader on the bundled briefings (or ``app``) in ``theme`` and look at each
    screen."""
    from briefing.app import make_app
    from briefing.screens import reader
    from briefing.store import load

    app = app or make_app(load(data))
    findings = Findings(theme)
    flash, reader.FLASH_SECONDS = reader.FLASH_SECONDS, 3600  # flashed until looked at
    try:
        async with app.run_test(size=size) as pilot:
            app.theme = theme  # as the palette changes it: once the reader is on screen
            for step in steps:
                await pilot.press(*step.keys)
                if step.then is not None:
                    step.then(app)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                findings.add(step.name, parse_screen(rendered(app), app_palette(app)))
    finally:
        reader.FLASH_SECONDS = flash
    return findings


class Pane(Protocol):
    """What the terminal survey needs of a terminal (tests/test_terminal.py's ``Terminal``)."""

    def keys(self, *keys: str) -> None: ...
    def screen_with_escapes(self) -> str: ...


def settled(pane: Pane, shows: str, before: str | None = None, timeout: float = 20.0) -> str:
    """The screen, with its escape codes, once it differs from ``before`` (what it showed
    before the keys were sent), shows ``shows``, and two captures in a row are the same (the
    program has finished drawing)."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        raw = pane.screen_with_escapes()
        if raw == previous and raw != before and shows in _ESCAPES.sub("", raw):
            return raw
        previous = raw
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {shows!r}; the screen shows:\n{previous}")


_ESCAPES = re.compile(r"\x1b\[[0-9;:?]*[@-~]")


def terminal_survey(pane: Pane, theme: str, steps: Sequence[Step] = TERMINAL_STEPS) -> Findings:
    """Look at each screen of the reader running in ``pane`` (in ``theme``)."""
    findings = Findings(theme)
    for step in steps:
        before = pane.screen_with_escapes() if step.keys else None
        pane.keys(*step.keys)
        findings.add(step.name, parse_screen(settled(pane, step.shows, before)))
    return findings


def report(
    themes: Iterable[str], data: Path = BUNDLED, *, cited: bool = False, news: bool = False
) -> None:
    """Print, as a Markdown table, the lowest contrast of each theme on each screen, and its
    worst character (in-process: Textual's output, read as a terminal would draw it); with
    ``cited``, of the screens of :data:`CITED_STEPS` on a briefing of format 1.1 instead; with
    ``news``, of :data:`NEWS_STEPS`, what changed since the last visit."""
    import asyncio
    import tempfile

    surveys = (
        [(SURVEY_SIZE, CITED_STEPS)]
        if cited
        else [(SURVEY_SIZE, NEWS_STEPS)]
        if news
        else [(SURVEY_SIZE, STEPS), (NARROW_SIZE, NARROW_STEPS)]
    )
    names = [step.name for _, steps in surveys for step in steps]
    print("| theme | " + " | ".join(names) + " | worst |")
    print("|---" * (len(names) + 2) + "|")
    with tempfile.TemporaryDirectory() as folder:
        if cited:
            data = write_cited(Path(folder, "cited.json"))
        for theme in themes:
            row: dict[str, Cell | None] = {}
            for size, steps in surveys:
                app = news_app(Path(tempfile.mkdtemp(dir=folder))) if news else None
                row |= asyncio.run(survey(theme, size, steps, data, app)).lowest
            cells = [cell for cell in row.values() if cell is not None]
            worst = min(cells, key=lambda cell: cell.ratio)
            shown = [f"{cell.ratio:.2f}" if cell else "-" for cell in row.values()]
            print(f"| {theme} | " + " | ".join(shown) + f" | {worst.describe()} |")


def terminal_report(themes: Iterable[str], root: Path) -> None:
    """Print the same table for the reader in tmux (the screens of :data:`TERMINAL_STEPS`)."""
    import shlex
    import tempfile

    from tests.conftest import USER_FOLDERS
    from tests.test_terminal import Terminal, reader_command

    names = [step.name for step in TERMINAL_STEPS]
    print("| theme | " + " | ".join(names) + " | worst |")
    print("|---" * (len(names) + 2) + "|")
    with tempfile.TemporaryDirectory() as home:
        folders = {variable: Path(home, folder) for variable, folder in USER_FOLDERS.items()}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        env = {variable: str(folder) for variable, folder in folders.items()}
        for theme in themes:
            env |= in_theme(theme, env) | {"PYTHONPATH": str(root)}
            # From the checkout's folder: ``python -m`` finds the package there first.
            command = f"cd {shlex.quote(str(root))}; " + reader_command([], *SURVEY_SIZE, env)
            pane = Terminal(*SURVEY_SIZE, command)
            try:
                findings = terminal_survey(pane, theme)
            finally:
                pane.kill()
            row = findings.lowest
            worst = min((c for c in row.values() if c is not None), key=lambda c: c.ratio)
            shown = [f"{cell.ratio:.2f}" if cell else "-" for cell in row.values()]
            print(f"| {theme} | " + " | ".join(shown) + f" | {worst.describe()} |")


TRUECOLOR = {"COLORTERM": "truecolor", "TERM": "xterm-256color"}
"""What a terminal that shows every colour tells the program."""


def in_theme(theme: str, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment for the reader in a terminal that shows every colour, starting in
    ``theme``: its settings file, in the config folder that ``env`` names, says so."""
    folder = Path(env["XDG_CONFIG_HOME"]) / "briefing"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps({"theme": theme}), encoding="utf-8")
    return dict(TRUECOLOR)


if (
    __name__ == "__main__"
):  # python -m tests.contrast [--terminal|--cited] [--root CHECKOUT] [THEME...]
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=report.__doc__)
    parser.add_argument("themes", nargs="*", help="default: every built-in theme")
    parser.add_argument("--root", type=Path, help="the checkout of briefing to measure")
    parser.add_argument(
        "--terminal", action="store_true", help="in tmux (default themes: six), not in-process"
    )
    parser.add_argument(
        "--cited",
        action="store_true",
        help="the screens of format 1.1 (sources, grades, date notes) on a briefing of the tests",
    )
    parser.add_argument(
        "--news", action="store_true", help="the screens of what changed since the last visit"
    )
    options = parser.parse_args()
    root = (options.root or ROOT).resolve()
    if options.terminal:
        terminal_report(options.themes or TERMINAL_THEMES, root)  # the program runs from root
    else:
        sys.path.insert(0, str(root))  # this process runs the reader from root
        from textual.theme import BUILTIN_THEMES

        data = root / "data" / "briefings.json"
        report(options.themes or BUILTIN_THEMES, data, cited=options.cited, news=options.news)
