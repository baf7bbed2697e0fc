"""A file edited a few briefings at a time costs their work: the index is patched (only the
changed briefings validated) and then gives exactly what validating the whole file gives; what
the patch cannot vouch for is validated whole, with the same errors as always."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing import index, store
from briefing.errors import BriefingError
from briefing.index import IndexedLibrary, open_library
from briefing.library import Library, MemoryLibrary
from briefing.store import load
from tests.conftest import minimal, run_cli, write_json

Document = dict[str, Any]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(index.CACHE_ENV, str(folder))
    return folder


def twelve() -> Document:
    """Twelve briefings, ``b0`` to ``b11``, one a month of 2024."""
    data = minimal()
    base = data["briefings"][0]
    data["briefings"] = [
        dict(
            copy.deepcopy(base), id=f"b{n}", title=f"Briefing {n}", published=f"2024-{n + 1:02}-01"
        )
        for n in range(12)
    ]
    return data


def retitle(n: int) -> Callable[[Document], None]:
    def edit(data: Document) -> None:
        data["briefings"][n]["title"] = f"Retitled {n}"

    return edit


def insert(n: int) -> Callable[[Document], None]:
    def edit(data: Document) -> None:
        new = dict(copy.deepcopy(data["briefings"][0]), id="inserted", title="Inserted")
        data["briefings"].insert(n, new)

    return edit


def delete(n: int) -> Callable[[Document], None]:
    def edit(data: Document) -> None:
        del data["briefings"][n]

    return edit


def swap(data: Document) -> None:
    briefings = data["briefings"]
    briefings[3], briefings[4] = briefings[4], briefings[3]


def newest_first(data: Document) -> None:
    data["briefings"][0]["published"] = "2025-06-01"


def several(data: Document) -> None:
    retitle(1)(data)
    delete(5)(data)
    insert(8)(data)


EDITS: dict[str, Callable[[Document], None]] = {
    "retitle the first": retitle(0),
    "retitle one": retitle(6),
    "retitle the last": retitle(11),
    "insert first": insert(0),
    "insert one": insert(6),
    "append": insert(12),
    "delete the first": delete(0),
    "delete one": delete(6),
    "delete the last": delete(11),
    "swap two": swap,
    "make the first the newest": newest_first,
    "several": several,
}


def as_read(library: Library) -> tuple[object, ...]:
    """Everything a command can ask of a library."""
    return (
        [tuple(entry) for entry in library.entries],
        [briefing.to_json() for briefing in library.briefings()],
        library.newest_id(),
        list(library.found_in("Retitled")),
        [(b.id, hit) for b, hit in library.search("inserted")],
    )


def whole_file_not_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole file was validated")

    monkeypatch.setattr(store, "validate_located", refuse)


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_patches_the_index_to_what_the_file_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Document], None]
) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    assert isinstance(open_library(path), IndexedLibrary)
    edit(data)
    write_json(path, data)
    with monkeypatch.context() as patched:
        whole_file_not_validated(patched)
        library = open_library(path)
    assert isinstance(library, IndexedLibrary)
    assert as_read(library) == as_read(MemoryLibrary(load(path)))
    monkeypatch.setattr(index, "patch", None)  # the next command finds the index current
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))


def test_a_file_touched_but_not_changed_is_not_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path / "b.json", twelve())
    before = as_read(open_library(path))
    os.utime(path, ns=(1, 1))
    whole_file_not_validated(monkeypatch)
    monkeypatch.setattr(store, "validate_briefings", None)  # nor any briefing
    assert as_read(open_library(path)) == before


def test_a_change_outside_the_briefings_validates_the_whole_file(tmp_path: Path) -> None:
    data = twelve()
    data["schema_version"] = 1
    path = write_json(tmp_path / "b.json", data)
    open_library(path)
    data["schema_version"] = 1.1
    data["briefings"][2]["date_note"] = "Inferred from the story."  # a field of 1.1
    write_json(path, data)
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))


def same_error(path: Path) -> str:
    """The error of a command on the file, and the same from the whole file's validation."""
    with pytest.raises(BriefingError) as patched:
        open_library(path)
    with pytest.raises(BriefingError) as whole:
        load(path)
    assert str(patched.value) == str(whole.value)
    return str(patched.value)


def test_a_briefing_broken_by_the_edit_is_reported_as_the_file_reports_it(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    open_library(path)
    data["briefings"][7]["title"] = 5
    write_json(path, data)
    assert "briefings[7].title" in same_error(path)
    data["briefings"][7]["title"] = "Mended"
    write_json(path, data)
    assert open_library(path).briefing("b7").title == "Mended"  # type: ignore[union-attr]


def test_an_edit_that_repeats_an_id_is_reported_as_the_file_reports_it(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    open_library(path)
    data["briefings"][9]["id"] = "b2"
    write_json(path, data)
    assert "duplicate id 'b2'" in same_error(path)


def test_a_field_the_files_version_lacks_is_reported_as_the_file_reports_it(
    tmp_path: Path,
) -> None:
    data = twelve()
    data["schema_version"] = 1
    path = write_json(tmp_path / "b.json", data)
    open_library(path)
    data["briefings"][4]["date_note"] = "Inferred from the story."
    write_json(path, data)
    assert "schema_version" in same_error(path)


def test_a_library_opened_before_the_edit_keeps_what_it_read(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    before = open_library(path)
    retitle(6)(data)
    write_json(path, data)
    after = open_library(path)
    assert before.briefing("b6").title == "Briefing 6"  # type: ignore[union-attr]
    assert after.briefing("b6").title == "Retitled 6"  # type: ignore[union-attr]


def test_a_file_changed_while_it_is_patched_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    open_library(path)
    retitle(6)(data)
    write_json(path, data)
    validate = store.validate_briefings
    final = copy.deepcopy(data)
    retitle(2)(final)

    def saved_again(*args: Any, **kwargs: Any) -> Any:
        write_json(path, final)
        os.utime(path, ns=(5, 5))  # surely another time than the first save's
        return validate(*args, **kwargs)

    monkeypatch.setattr(store, "validate_briefings", saved_again)
    library = open_library(path)
    monkeypatch.undo()
    assert as_read(library) == as_read(MemoryLibrary(load(path)))
    assert library.briefing("b2").title == "Retitled 2"  # type: ignore[union-attr]


def test_commands_show_the_edit(tmp_path: Path) -> None:
    path = write_json(tmp_path / "b.json", data := twelve())
    assert run_cli("--data", str(path), "list").returncode == 0
    retitle(6)(data)
    write_json(path, data)
    listed = run_cli("--data", str(path), "list")
    assert listed.returncode == 0 and "Retitled 6" in listed.stdout, listed.stderr
    shown = run_cli("--data", str(path), "summary", "b6")
    assert shown.returncode == 0 and "Retitled 6" in shown.stdout


def test_a_library_open_through_a_whole_validation_keeps_what_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path
) -> None:
    """The index of a file validated whole is written in place too (the library open on it
    keeps its snapshot); one removed meanwhile is made anew, its old log not read."""
    data = twelve()
    data["schema_version"] = 1
    path = write_json(tmp_path / "b.json", data)
    before = open_library(path)
    data["schema_version"] = 1.1  # outside the briefings: validated whole
    retitle(6)(data)
    write_json(path, data)
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))
    assert before.briefing("b6").title == "Briefing 6"  # type: ignore[union-attr]
    opened = open_library(path)
    (index_file,) = cache.glob("index-*.sqlite3")
    index_file.unlink()  # while two libraries have it open
    retitle(2)(data)
    write_json(path, data)
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))
    assert opened.briefing("b2").title == "Briefing 2"  # type: ignore[union-attr]
    monkeypatch.setattr(index, "patch", None)
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))


def test_an_index_without_a_write_ahead_log_is_made_anew_with_one(
    tmp_path: Path, cache: Path
) -> None:
    """Updated in place, an index must have a log (else a library open on it would hold the
    update off): one without is written anew, whole."""
    import sqlite3

    path = write_json(tmp_path / "b.json", data := twelve())
    library = open_library(path)
    assert isinstance(library, IndexedLibrary)
    library.db.close()  # its snapshot let go, so that the log can be taken away
    (index_file,) = cache.glob("index-*.sqlite3")
    db = sqlite3.connect(index_file)
    assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    db.close()
    retitle(3)(data)
    write_json(path, data)
    assert as_read(open_library(path)) == as_read(MemoryLibrary(load(path)))
    db = sqlite3.connect(index_file)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "with a byte-order mark"])
def test_text_beyond_ascii_is_laid_out_in_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bom: bytes
) -> None:
    data = twelve()
    for n, briefing in enumerate(data["briefings"]):
        briefing["title"] = f"Москва — {n} 👍🏽 é"
    path = tmp_path / "b.json"

    def save() -> None:
        path.write_bytes(bom + json.dumps(data, indent=2, ensure_ascii=False).encode())

    save()
    open_library(path)
    data["briefings"][5]["title"] = "Київ ✓"
    del data["briefings"][9]
    save()
    with monkeypatch.context() as patched:
        whole_file_not_validated(patched)
        library = open_library(path)
    assert library.briefing("b5").title == "Київ ✓"  # type: ignore[union-attr]
    assert as_read(library) == as_read(MemoryLibrary(load(path)))
