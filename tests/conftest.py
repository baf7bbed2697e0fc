"""Shared helpers: a minimal valid document to break in tests, and running the real command."""

from __future__ import annotations

import copy
import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.records import Document

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "briefings.json"
STORY = Path(__file__).resolve().parent / "fixtures" / "seed-story.txt"

_MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "briefings": [
        {
            "id": "first",
            "title": "First briefing",
            "published": "2024-11-19",
            "bottom_line": "The bottom line.",
            "sections": [
                {
                    "id": "one",
                    "title": "Section one",
                    "summary": "What one says.",
                    "paragraphs": ["Paragraph of section one."],
                },
                {
                    "id": "two",
                    "title": "Section two",
                    "summary": "What two says.",
                    "paragraphs": ["Paragraph of section two."],
                },
            ],
            "key_facts": [
                {"label": "Range", "value": "300 km", "status": "confirmed", "section": "one"}
            ],
            "timeline": [{"date": "2024-11", "event": "Something happened.", "section": "two"}],
            "quotes": [{"text": "Words.", "speaker": "Someone", "section": "two"}],
            "watch": ["What comes next."],
            "sources": [{"name": "A source", "url": "https://example.org/story"}],
        }
    ],
}


def minimal() -> dict[str, Any]:
    """A fresh copy of the smallest valid document, to modify in a test."""
    return copy.deepcopy(_MINIMAL)


def many_sections(count: int = 12) -> dict[str, Any]:
    """A document of one briefing, ``many``, with ``count`` sections: ids ``part-1`` on, titles
    ``Part N title``, and a key fact in each."""
    data = minimal()
    base = data["briefings"][0]
    base.update(id="many", title=f"A briefing of {count} sections")
    base["sections"] = [
        {"id": f"part-{n}", "title": f"Part {n} title", "summary": f"Summary {n}.",
         "paragraphs": [f"Body of part {n}."]}
        for n in range(1, count + 1)
    ]  # fmt: skip
    base["key_facts"] = [
        {"label": f"Fact {n}", "value": f"value {n}", "status": "reported", "section": f"part-{n}"}
        for n in range(1, count + 1)
    ]
    for key in ("timeline", "quotes"):
        base[key][0]["section"] = f"part-{count}"
    return data


def strings(value: object) -> list[str]:
    """Every string in JSON data, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    return []


def set_at(data: Any, path: tuple[str | int, ...], value: object) -> None:
    """Set the value at ``path`` (keys and list indexes) inside nested JSON data."""
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def write_json(path: Path, data: object, **dump_options: Any) -> Path:
    """Write ``data`` as JSON (indented, so errors have distinct lines) and return the path."""
    path.write_text(json.dumps(data, indent=2, **dump_options), encoding="utf-8")
    return path


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: str | bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m briefing ARGS`` as a user would, capturing its output."""
    full_env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DATA"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input.decode() if isinstance(input, bytes) else input,
        timeout=60,
        check=False,
    )


def run_into_head(data_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    """``briefing --data PATH COMMAND | head -1`` in a shell, as a user types it."""
    return subprocess.run(
        f"{sys.executable} -m briefing --data '{data_path}' {command} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_in_terminal(args: list[str], env: dict[str, str] | None = None, columns: int = 120) -> str:
    """Run the command with stdout on a pseudo-terminal of ``columns`` columns."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**full_env, "TERM": "xterm-256color", **(env or {})},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def notifications(app: Any) -> list[str]:
    """Every notification message ``app`` sends from now on."""
    messages: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        messages.append(message)
        notify(message, **options)

    app.notify = record
    return messages


# --- the user's folders -------------------------------------------------------------------

XDG_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
    "XDG_DATA_HOME": ".local/share",
}
"""The XDG base folders and their places in a home folder when the variable is not set."""

USER_FOLDERS = {
    "HOME": "",
    **XDG_FOLDERS,
    "XDG_RUNTIME_DIR": ".run",
    "BRIEFING_CACHE": ".cache/briefing",
}
"""Every environment variable naming a folder of the user's that the program (or a library
under it) may read or write, and where it points inside a test's home folder."""


def point_user_folders(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HOME, every XDG folder and the index cache inside ``home``, for this process and
    every subprocess it starts (they inherit the environment)."""
    for variable, folder in USER_FOLDERS.items():
        path = home / folder
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(path))
    (home / USER_FOLDERS["XDG_RUNTIME_DIR"]).chmod(0o700)  # as the XDG spec requires


def real_user_folders() -> list[Path]:
    """This program's folders in the real user's home, as the environment the tests started in
    names them (on every platform's scheme, and the Linux defaults whatever XDG says)."""
    from briefing.files import APP_NAME, user_folder

    home = Path.home()
    folders = [user_folder(kind) for kind in ("config", "state", "cache")]
    for variable, default in XDG_FOLDERS.items():
        folders.append(home / default / APP_NAME)
        configured = os.environ.get(variable, "")
        if Path(configured).is_absolute():
            folders.append(Path(configured) / APP_NAME)
    cache = os.environ.get("BRIEFING_CACHE", "")
    if Path(cache).is_absolute():
        folders.append(Path(cache))
    return sorted(set(folders))


class RealUserFiles:
    """The real user's briefing files (settings, reading state, indexes) as they were when the
    test session started, to compare with what is there now."""

    def __init__(self) -> None:
        self.folders = real_user_folders()
        self.before = self._files()

    def _files(self) -> dict[str, tuple[int, int] | None]:
        """Every file below the folders, with its size and modification time (``None``: a
        folder)."""
        found: dict[str, tuple[int, int] | None] = {}
        for folder in self.folders:
            if not folder.exists():
                continue
            for path in [folder, *folder.rglob("*")]:
                info = path.lstat()
                found[str(path)] = None if path.is_dir() else (info.st_size, info.st_mtime_ns)
        return found

    def changes(self) -> list[str]:
        """The files made, changed or removed since the session started."""
        now = self._files()
        paths = self.before.keys() | now.keys()
        return sorted(path for path in paths if self.before.get(path) != now.get(path))


@pytest.fixture(scope="session", autouse=True)
def real_user_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealUserFiles]:
    """While the session runs, the user's folders point into a temporary home (and each test
    gets a home of its own, below); at the end the real files must be exactly as they were, or
    the run fails."""
    real = RealUserFiles()
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_user_folders(tmp_path_factory.mktemp("session-home"), monkeypatch)
        yield real
    assert not real.changes(), f"the tests changed the user's own files: {real.changes()}"


@pytest.fixture(autouse=True)
def user_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own home folder: HOME, the XDG folders and the index cache are inside it."""
    home = tmp_path_factory.mktemp("home")
    point_user_folders(home, monkeypatch)
    return home


@pytest.fixture(scope="session")
def default() -> Document:
    """The bundled briefings, loaded once."""
    from briefing.store import load

    return load(BUNDLED)


@pytest.fixture
def doc() -> dict[str, Any]:
    """The smallest valid document, fresh for each test."""
    return minimal()


# Text that tries every trick on a terminal, Rich/Textual markup, Markdown and HTML.
HOSTILE_TEXTS = [
    "[@click=app.quit]x[/] [ @click=app.quit]y[/] [bold]B[/bold] [BOLD]U[/BOLD] [/ [bold",
    "[link='https://evil.example']https://good.example[/]",
    "\x1b[2J\x1b[H clear \x1b]0;title\x07 \x1b]2;title\x1b\\ \x1b]8;;https://evil.example\x1b\\x"
    "\x1b]8;;\x1b\\ \x1b]52;c;aGk=\x07 \x9b31m c1 \x07bel \x00nul \x7fdel",
    "\u202eevil\u202c \u2066iso\u2069 \u202atext\u202b",
    "# heading\n## sub\nSetext\n===\n- item\n+ item\n* item\n1. one\n2) two\n> quote\n---",
    "*em* _em_ **strong** `code` ```fence``` ~~~tilde~~~ ~~strike~~ <b>html</b> "
    "<script>alert(1)</script> &amp; &#x3C; <https://auto.link> [link](https://x.example) "
    "![img](https://x.example/i.png) | a | b | \\ backslash \\* trailing #",
    "北朝鮮の部隊 Кремль e\u0301 👍🏽 \u200fالعربية\u200f",  # noqa: RUF001
    "x" * 300,
]


def hostile_document() -> dict[str, Any]:
    """Two briefings whose every text field holds hostile text."""
    data = minimal()
    base = data["briefings"][0]
    texts = iter(HOSTILE_TEXTS * 10)
    for key in ("title", "bottom_line"):
        base[key] = next(texts)
    base["standfirst"] = next(texts)
    base["watch"] = [next(texts), next(texts)]
    for section in base["sections"]:
        section.update(title=next(texts), summary=next(texts), paragraphs=[next(texts)])
    base["key_facts"][0].update(label=next(texts), value=next(texts), note=next(texts))
    base["timeline"][0]["event"] = next(texts)
    base["quotes"][0].update(text=next(texts), speaker=next(texts), role=next(texts))
    base["sources"][0].update(name=next(texts), note=next(texts))
    # Format 1.1: a date note, facts and quotes citing the source, a grade, inferred intervals.
    data["schema_version"] = 1.1
    base["date_note"] = next(texts)
    base["sources"][0]["id"] = "hostile"
    base["key_facts"][0].update(sources=["hostile"], grade="F6")
    base["timeline"][0].update(date="2024-12-28/2025-01-03", inferred=True)
    base["quotes"][0].update(source="hostile", date="2024-10-28/2024-11-06", inferred=True)
    base["corrections"] = [
        {"date": "2024-11-20", "text": next(texts), "section": "two"},
        {"date": "2024-11-21", "text": next(texts)},
    ]
    second = copy.deepcopy(base)
    second.update(id="second", title=HOSTILE_TEXTS[4], published="2024-01-01")
    data["briefings"].append(second)
    return data


def multi_document() -> dict[str, Any]:
    """Three briefings: an old one first, then two published on the same newest day."""
    data = minimal()
    base = data["briefings"][0]
    data["briefings"] = []
    for ident, published, title in [
        ("older", "2023-05-01", "An older briefing"),
        ("newest-first", "2024-12-01", "Newest, first in the file"),
        ("newest-second", "2024-12-01", "Newest, second in the file"),
    ]:
        briefing = copy.deepcopy(base)
        briefing.update(id=ident, published=published, title=title)
        data["briefings"].append(briefing)
    return data


def bundled_matches(query: str) -> int:
    """How many matches ``query`` has in the bundled briefing, as the reader counts them (so
    that tests of the search keys do not break when the briefing's wording changes)."""
    from briefing.search import search_briefing
    from briefing.store import load

    return len(search_briefing(load(BUNDLED).briefings[0], query))
