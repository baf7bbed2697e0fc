"""The derived index: used only when it matches the file, rebuilt or bypassed otherwise, and
giving exactly what reading the file gives."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import index, search
from briefing.errors import BriefingError
from briefing.index import IndexedLibrary, index_path, open_library
from briefing.library import Library, MemoryLibrary
from briefing.store import load
from tests.conftest import BUNDLED, HOSTILE_TEXTS, hostile_document, minimal, run_cli, write_json


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(index.CACHE_ENV, str(folder))
    return folder


def titled(path: Path, title: str) -> None:
    """Rewrite the file with a new title for its first briefing."""
    data = minimal()
    data["briefings"][0]["title"] = title
    write_json(path, data)


def test_second_open_reads_the_index(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    first = open_library(path)
    assert isinstance(first, IndexedLibrary)  # built, then read back
    again = open_library(path)
    assert isinstance(again, IndexedLibrary)
    assert again.newest().title == "First title"
    index = index_path(path, cache).name  # and, while it is open, its write-ahead log
    assert {p.name for p in cache.iterdir()} - {f"{index}-wal", f"{index}-shm"} == {index}


def test_a_changed_file_is_indexed_again(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    assert open_library(path).newest().title == "First title"
    titled(path, "Other title")  # same size: only the times tell
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    assert open_library(path).newest().title == "Other title"


def test_a_racy_index_is_checked_against_the_content(tmp_path: Path, cache: Path) -> None:
    # A file rewritten within its timestamp's resolution keeps every stat field but ctime; here
    # the index is made to match the new stat exactly, as if the clock had not moved at all.
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    titled(path, "Other title")
    db = sqlite3.connect(index_path(path, cache))
    with db:
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'key'", (json.dumps(index.key_of(path.stat())),)
        )
        db.execute("UPDATE meta SET value = 1 WHERE key = 'racy'")
    db.close()
    assert open_library(path).newest().title == "Other title"


def test_a_settled_file_is_no_longer_hashed(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    meta = dict(sqlite3.connect(index_path(path, cache)).execute("SELECT key, value FROM meta"))
    assert meta["racy"] == 1  # just written: checked by content until it settles
    info = path.stat()
    old = info.st_mtime_ns - 60_000_000_000
    os.utime(path, ns=(old, old))
    open_library(path)  # stale (mtime changed): rebuilt, now settled
    meta = dict(sqlite3.connect(index_path(path, cache)).execute("SELECT key, value FROM meta"))
    assert meta["racy"] == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda db_path: db_path.write_bytes(b"not a database at all" * 100),
        lambda db_path: db_path.write_bytes(db_path.read_bytes()[:1000]),
        lambda db_path: sql(db_path, "DROP TABLE entries"),
        lambda db_path: sql(db_path, "UPDATE meta SET value = '0.0.0' WHERE key = 'version'"),
        lambda db_path: sql(db_path, "UPDATE meta SET value = 'nonsense' WHERE key = 'key'"),
        lambda db_path: sql(db_path, "DELETE FROM meta WHERE key = 'digest'"),
    ],
    ids=["garbage", "truncated", "table-missing", "other-version", "bad-key", "meta-missing"],
)
def test_a_damaged_or_foreign_index_is_rebuilt(tmp_path: Path, cache: Path, damage: Any) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    damage(index_path(path, cache))
    library = open_library(path)
    assert library.newest().title == "First title"
    assert isinstance(open_library(path), IndexedLibrary)


def sql(db_path: Path, statement: str, *parameters: object) -> None:
    db = sqlite3.connect(db_path)
    with db:
        db.execute(statement, parameters)
    db.close()


def test_a_damaged_row_removes_the_index_and_the_file_is_read(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    sql(index_path(path, cache), "UPDATE briefings SET json = '{\"id\": 3'")
    library = open_library(path)
    assert isinstance(library, IndexedLibrary)  # the list is sound: opened
    assert library.newest().title == "First title"  # the row is not: from the file
    assert not index_path(path, cache).exists()
    assert isinstance(open_library(path), IndexedLibrary)  # built again


def briefing_row(db_path: Path, pos: int = 0) -> dict[str, Any]:
    """The JSON form of a briefing as its index holds it."""
    db = sqlite3.connect(db_path)
    data = db.execute("SELECT json FROM briefings WHERE pos = ?", (pos,)).fetchone()[0]
    db.close()
    parsed: dict[str, Any] = json.loads(zlib.decompress(data))
    return parsed


def set_briefing_row(db_path: Path, data: object, pos: int = 0) -> None:
    """Replace a briefing's row in its index, as the index stores it."""
    blob = zlib.compress(json.dumps(data).encode())
    sql(db_path, "UPDATE briefings SET json = ? WHERE pos = ?", blob, pos)


def test_text_from_a_tampered_index_is_scrubbed(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    db_path = index_path(path, cache)
    row = briefing_row(db_path)
    evil = "\x1b]0;pwned\x07\x1b[2J\u202e"
    set_briefing_row(db_path, {**row, "title": "First" + evil})
    sql(db_path, "UPDATE entries SET title = ?", "Entry" + evil)
    library = open_library(path)
    assert isinstance(library, IndexedLibrary)
    assert library.newest().title == "First]0;pwned[2J"
    assert library.entries[0].title == "Entry]0;pwned[2J"


def test_no_cache_folder_or_an_unwritable_one_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    monkeypatch.setenv(index.CACHE_ENV, "off")
    assert isinstance(open_library(path), MemoryLibrary)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(index.CACHE_ENV, str(blocker / "cache"))  # cannot be a folder
    library = open_library(path)
    assert isinstance(library, MemoryLibrary)
    assert library.newest().title == "First title"


def test_cli_with_an_unwritable_cache_is_quiet(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_cli("--data", str(path), "list", env={index.CACHE_ENV: str(blocker / "x")})
    assert result.returncode == 0
    assert result.stderr == ""
    assert "First title" in result.stdout


def test_the_size_limit_holds_with_a_current_index(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    titled(path, "First title")
    open_library(path)
    with pytest.raises(BriefingError, match="larger than the limit"):
        open_library(path, max_bytes=100)


def test_an_invalid_file_is_never_indexed(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "b.json"
    data = minimal()
    data["briefings"][0]["title"] = ""
    write_json(path, data)
    for _ in range(2):
        with pytest.raises(BriefingError, match="title"):
            open_library(path)
    assert not cache.exists() or not list(cache.iterdir())


def test_warm_commands_do_not_import_pydantic(tmp_path: Path) -> None:
    env = {**os.environ, index.CACHE_ENV: str(tmp_path / "cache")}
    base = [sys.executable, "-X", "importtime", "-m", "briefing", "--data", str(BUNDLED)]
    commands = [["summary", "--full"], ["summary", "--full"], ["list"], ["search", "Kursk"]]
    for number, command in enumerate(commands):
        result = subprocess.run(
            [*base, *command], capture_output=True, text=True, env=env, check=False
        )
        assert result.returncode == 0, result.stderr
        imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
        assert ("pydantic" in imported) == (number == 0), command  # the first builds the index


def libraries(document: Any, tmp_path: Path) -> tuple[Library, Library]:
    path = tmp_path / "doc.json"
    write_json(path, document)
    memory = MemoryLibrary(load(path))
    indexed = open_library(path)
    assert isinstance(indexed, IndexedLibrary)
    return memory, indexed


QUERIES = [
    "kursk",
    "KURSK",
    "Pyongyang",
    "100,000",
    "e",
    "ukraine's",
    "%",
    "_",
    "\\",
    "x%y",
    "  troops  ",
    "ä",
]


@pytest.mark.parametrize("query", QUERIES)
def test_index_finds_what_the_file_holds(query: str, tmp_path: Path, cache: Path) -> None:
    document = json.loads(BUNDLED.read_text())
    memory, indexed = libraries(document, tmp_path)
    assert _found(indexed, query) == _found(memory, query)
    assert list(indexed.found_in(query)) == list(memory.found_in(query))


def _found(library: Library, query: str) -> list[tuple[str, Any, int, int]]:
    return [(b.id, hit.field.key, hit.start, hit.end) for b, hit in library.search(query)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(min_size=1, max_size=6)))
def test_index_and_file_agree_on_hostile_text(query: str, tmp_path: Path, cache: Path) -> None:
    memory, indexed = libraries(hostile_document(), tmp_path)
    assert _found(indexed, query) == _found(memory, query)
    assert list(indexed.found_in(query)) == list(memory.found_in(query))
    assert [b.to_json() for b in indexed.briefings()] == [b.to_json() for b in memory.briefings()]
    assert list(indexed.entries) == list(memory.entries)


def test_cache_folder_follows_xdg_and_briefing_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(index.CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert index.cache_dir() == tmp_path / "xdg" / "briefing"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as XDG says
    assert index.cache_dir() == tmp_path / "home" / ".cache" / "briefing"
    monkeypatch.setenv(index.CACHE_ENV, str(tmp_path / "mine"))
    assert index.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(index.CACHE_ENV, "OFF")
    assert index.cache_dir() is None


# --- the folding the index stores ---------------------------------------------------------

FOLD_SAMPLE = [
    "plain ascii, UPPER and lower",
    "tab\tand\nline break",
    "Crème brûlée at the ÉCOLE; Åström, Øre, Łódź, Ñandú",
    "combining: e\u0301 a\u0308 n\u0303",
    "ligatures: ﬁnance ﬂow ﬀ ﬆ Ĳ æ œ",
    "Straße STRASSE ẞ",
    "Turkish: İstanbul \u0131i I\u0131",
    "Greek: ΣΊΣΥΦΟΣ σίσυφος ς",
    "CJK: 北京 東京 日本語 한국어 ｶﾀｶﾅ",
    "full width: \uff26\uff35\uff2c\uff2c \uff57\uff49\uff44\uff54\uff48 \uff11\uff12\uff13",
    "compatibility: ½ ① ² ohm \u2126 kelvin \u212a ℃ ™",
    "emoji: 👍🏽 🇺🇦 family 👨\u200d👩\u200d👧 heart ❤\ufe0f",
    "invisible: zero\u200bwidth soft\u00adhyphen \ufeffbom bidi\u202eabc\u202c nbsp\u00a0here",
    "Cyrillic: \u041c\u041e\u0421\u041a\u0412\u0410 Москва ё",
]
"""Text that exercises every path of :func:`briefing.search.fold`."""

FOLD_FINGERPRINT = ("23808798b0af6d82c8e3038f5d23e0c260d060e26841ce5db35fd2da17380bdd", 8)
"""The fingerprint of :data:`FOLD_SAMPLE` folded, and the :data:`briefing.index.INDEX_FORMAT`
it was recorded at."""


def test_a_change_to_folding_changes_the_index_format() -> None:
    """An index holds the briefings' text folded: folded differently, it would find other
    things than the file does, so it must not be read."""
    folded = search.FIELD_SEPARATOR.join(search.fold(text)[0] for text in FOLD_SAMPLE)
    fingerprint = hashlib.sha256(folded.encode()).hexdigest()
    recorded, recorded_format = FOLD_FINGERPRINT
    assert fingerprint == recorded, (
        f"search.fold() folds differently ({fingerprint}): indexes already built hold the old "
        f"folding, so bump INDEX_FORMAT in briefing/index.py (now {index.INDEX_FORMAT}) and "
        f"record FOLD_FINGERPRINT = ({fingerprint!r}, <the new INDEX_FORMAT>) in this test"
    )
    assert recorded_format == index.INDEX_FORMAT, (
        f"INDEX_FORMAT is {index.INDEX_FORMAT}, the folding was recorded at {recorded_format}: "
        f"record FOLD_FINGERPRINT = ({fingerprint!r}, {index.INDEX_FORMAT}) in this test"
    )
