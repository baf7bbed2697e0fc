"""What each reader read (briefing.reading): kept per source and per briefing, bounded, merged
when two readers save, never through a link; and the reader using it (Pilot)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import reading
from briefing.index import open_library
from briefing.reading import MAX_READ, Reading, digest, source_key
from briefing.records import Briefing
from briefing.store import load
from tests.conftest import minimal, multi_document, write_json
from tests.helpers import opened, reader, wait_until
from tests.test_reader_tools import SIZE, reloading_app

T0 = datetime(2024, 11, 19, 12, 0, tzinfo=UTC)


def briefing(ident: str = "first", title: str = "First briefing") -> Briefing:
    data = minimal()["briefings"][0]
    data.update(id=ident, title=title)
    return Briefing.from_json(data)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def loaded(path: Path) -> Reading:
    found, warnings = Reading.load(path)
    assert warnings == []
    return found


def versions(path: Path) -> set[str]:
    folder = path.parent / "versions"
    return {p.stem for p in folder.iterdir()} if folder.exists() else set()


# --- the data -----------------------------------------------------------------------------


def test_what_was_read_comes_back_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "state" / "reading.json"
    mine = loaded(path)
    shown = briefing()
    mark = mine.mark("/data/a.json", shown, when=at(0))
    mine.place("/data/a.json", "first", ["two"], 17)
    assert mine.save() is None
    again = loaded(path)
    read = again.read("/data/a.json", "first")
    assert read == mark._replace(open_sections=("two",), scroll=17)
    assert read is not None and read.read_at == at(0) and read.digest == digest(shown)
    assert again.version(read) == shown and again.warnings == []
    assert again.last("/data/a.json") == "first" and again.last("/data/b.json") is None
    assert versions(path) == {digest(shown)}
    assert oct((path.parent / "versions" / f"{digest(shown)}.json").stat().st_mode)[-3:] == "600"


def test_marking_keeps_the_place_and_a_new_version_replaces_the_old(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    mine = loaded(path)
    mine.mark("s", briefing(), when=at(0))
    mine.place("s", "first", ["one"], 3)
    assert mine.save() is None
    again = loaded(path)
    revised = briefing(title="Revised")
    read = again.mark("s", revised, when=at(5))
    assert (read.open_sections, read.scroll, read.digest) == (("one",), 3, digest(revised))
    assert again.save() is None
    assert versions(path) == {digest(revised)}  # the old version, named by nothing, is gone


def test_a_digest_is_of_the_content(tmp_path: Path) -> None:
    assert digest(briefing()) == digest(briefing())
    assert digest(briefing()) != digest(briefing(title="Other"))
    assert source_key("https://example.org/b.json") == "https://example.org/b.json"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real.json")
    assert source_key(link) == str(tmp_path.resolve() / "real.json")


def test_the_oldest_read_goes_first_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    mine = loaded(path)
    for number in range(MAX_READ + 1):
        mine.mark(f"source-{number % 3}", briefing(f"b{number}"), when=at(number))
    assert mine.read("source-0", "b0") is None  # the 501st pushed out the first
    assert mine.save() is None
    again = loaded(path)
    assert len(again.reads()) == MAX_READ
    assert again.read("source-0", "b0") is None and again.read("source-1", "b1") is not None
    assert len(versions(path)) == MAX_READ
    assert digest(briefing("b0")) not in versions(path)


def test_two_readers_saving_at_once_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    one, two = loaded(path), loaded(path)  # both started before either saved
    one.mark("a.json", briefing("first"), when=at(1))
    two.mark("b.json", briefing("second"), when=at(2))
    two.mark("a.json", briefing("other"), when=at(0))  # older than one's: one's last wins
    assert one.save() is None and two.save() is None
    both = loaded(path)
    assert both.read("a.json", "first") is not None and both.read("b.json", "second") is not None
    assert both.last("a.json") == "first" and both.last("b.json") == "second"
    assert versions(path) == {digest(briefing(n)) for n in ("first", "second", "other")}
    for read in both.reads():
        assert both.version(read) is not None


def test_readers_racing_in_threads_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    readers = [loaded(path) for _ in range(8)]
    for number, mine in enumerate(readers):
        mine.mark("s", briefing(f"b{number}"), when=at(number))
    start = threading.Barrier(len(readers))
    problems: list[str | None] = []

    def save(mine: Reading) -> None:
        start.wait()
        problems.append(mine.save())

    threads = [threading.Thread(target=save, args=(mine,)) for mine in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == [None] * len(readers)
    assert {read.briefing for read in loaded(path).reads()} == {f"b{n}" for n in range(8)}
    assert len(versions(path)) == 8


marks = st.lists(
    st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.integers(0, 50)), max_size=8
)


@settings(max_examples=40, deadline=None)
@given(first=marks, second=marks)
def test_merging_does_not_depend_on_who_saves_first(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[str, str, int]],
    second: list[tuple[str, str, int]],
) -> None:
    results = []
    for order in ((0, 1), (1, 0)):
        path = tmp_path_factory.mktemp("merge") / "reading.json"
        savers = [loaded(path), loaded(path)]
        for number, (mine, made) in enumerate(zip(savers, (first, second), strict=True)):
            for source, ident, minute in made:  # distinct times: no tie to break
                mine.mark(source, briefing(ident), when=at(2 * minute + number))
        for number in order:
            assert savers[number].save() is None
        result = loaded(path)
        results.append(
            {(r.source, r.briefing): r.read_at - at(0) for r in result.reads()}
            | {("last", s): result.last(s) for s in "abc"}
        )
    assert results[0] == results[1]


# --- damaged, foreign and linked files ----------------------------------------------------


def saved_one(path: Path) -> Briefing:
    mine = loaded(path)
    shown = briefing()
    mine.mark("s", shown, when=at(0))
    mine.mark("s", briefing("second"), when=at(1))
    assert mine.save() is None
    return shown


@pytest.mark.parametrize(
    "content",
    ["{broken", "[1, 2]", '{"reads": []}', '{"format": 99, "reads": []}', "\xff", "[" * 100000],
    ids=["not-json", "not-an-object", "no-format", "another-format", "not-utf8", "too-deep"],
)
def test_a_damaged_or_foreign_file_is_a_warning(tmp_path: Path, content: str) -> None:
    path = tmp_path / "reading.json"
    path.write_bytes(b"\xff" if content == "\xff" else content.encode())
    found, warnings = Reading.load(path)
    assert len(warnings) == 1 and warnings[0].startswith("Ignoring saved reading state")
    assert found.reads() == []
    found.mark("s", briefing(), when=at(0))
    assert found.save() is None  # and it is replaced by a good one
    assert loaded(path).read("s", "first") is not None


def test_a_damaged_entry_loses_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    saved_one(path)
    data = json.loads(path.read_text())
    data["reads"][0]["scroll"] = "many"
    data["reads"].append("not an entry")
    data["last"]["other"] = {"briefing": 5}
    path.write_text(json.dumps(data))
    found, warnings = Reading.load(path)
    assert warnings == [
        f"Ignoring 3 damaged parts of the saved reading state in {path}: the rest is kept"
    ]
    assert [r.briefing for r in found.reads()] == ["second"] and found.last("s") == "second"


def test_a_file_too_large_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    path.write_text(" " * (reading.MAX_READING_BYTES + 1))
    _, warnings = Reading.load(path)
    assert len(warnings) == 1 and "larger than the limit of 4 MiB" in warnings[0]


@pytest.mark.parametrize(
    "damage",
    ["{broken", '{"id": "first"}', "title-not-text", "status-unknown", "another-version"],
)
def test_a_damaged_version_is_none_with_a_warning(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "reading.json"
    shown = saved_one(path)
    file = path.parent / "versions" / f"{digest(shown)}.json"
    data = json.loads(file.read_text())
    texts = {
        "title-not-text": json.dumps(data | {"title": 5}),
        "status-unknown": json.dumps(
            data | {"key_facts": [data["key_facts"][0] | {"status": "rumour"}]}
        ),
        "another-version": json.dumps(data | {"title": "Not what was read"}),
    }
    file.write_text(texts.get(damage, damage))
    found = loaded(path)
    read = found.read("s", "first")
    assert read is not None and found.version(read) is None
    assert len(found.warnings) == 1 and str(file) in found.warnings[0]
    second = found.read("s", "second")  # the other version is still there
    assert second is not None and found.version(second) == briefing("second")


def test_a_link_in_place_of_the_file_is_not_followed_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    elsewhere = tmp_path / "elsewhere.json"
    saved_one(elsewhere)
    before = elsewhere.read_bytes()
    path.symlink_to(elsewhere)
    found, warnings = Reading.load(path)
    assert len(warnings) == 1 and "symbolic link, not followed" in warnings[0]
    assert found.reads() == []
    found.mark("s", briefing("mine"), when=at(0))
    assert found.save() is None
    assert not path.is_symlink() and elsewhere.read_bytes() == before
    assert [r.briefing for r in loaded(path).reads()] == ["mine"]


def test_a_linked_version_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    shown = saved_one(path)
    file = path.parent / "versions" / f"{digest(shown)}.json"
    real = tmp_path / "real-version.json"
    file.rename(real)
    file.symlink_to(real)
    found = loaded(path)
    read = found.read("s", "first")
    assert read is not None and found.version(read) is None
    assert "symbolic link, not followed" in found.warnings[0]


def test_a_linked_versions_folder_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "state" / "reading.json"
    path.parent.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (path.parent / "versions").symlink_to(outside)
    mine = loaded(path)
    mine.mark("s", briefing(), when=at(0))
    warning = mine.save()
    assert warning is not None and "symbolic link, not followed" in warning
    assert list(outside.iterdir()) == [] and not path.exists()


def test_a_linked_lock_is_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "reading.json"
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "reading.json.lock").symlink_to(target)
    mine = loaded(path)
    mine.mark("s", briefing(), when=at(0))
    warning = mine.save()
    assert warning is not None and "symbolic link, not followed" in warning
    assert target.read_text() == "keep" and not path.exists()


def test_an_unwritable_folder_is_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    mine = loaded(blocker / "reading.json")
    mine.mark("s", briefing(), when=at(0))
    warning = mine.save()
    assert warning is not None and warning.startswith("Could not save reading state to")
    if os.geteuid() != 0:  # root writes anywhere
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            locked = loaded(folder / "reading.json")
            locked.mark("s", briefing(), when=at(0))
            assert (locked.save() or "").startswith("Could not save reading state to")
        finally:
            folder.chmod(0o700)


def test_the_old_state_file_is_taken_over(tmp_path: Path) -> None:
    old = tmp_path / "state.json"
    old.write_text(json.dumps({"data": "/d/a.json", "briefing": "b", "open_sections": ["x"]}))
    found = loaded(tmp_path / "reading.json")
    assert found.last("/d/a.json") == "b"
    assert found.place_of("/d/a.json", "b") == (("x",), 0)
    assert found.read("/d/a.json", "b") is None  # no version: never read as far as we know
    assert found.save() is None and old.exists()
    again = loaded(tmp_path / "reading.json")
    assert again.last("/d/a.json") == "b" and again.place_of("/d/a.json", "b").open_sections
    old.write_text(json.dumps({"data": "/d/a.json", "briefing": "c", "open_sections": []}))
    assert loaded(tmp_path / "reading.json").last("/d/a.json") == "b"  # once only


def test_a_damaged_old_state_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('{"briefing": 5}')
    found, warnings = Reading.load(tmp_path / "reading.json")
    assert warnings == [f"Ignoring saved reading state: {tmp_path / 'state.json'} is not valid"]
    assert found.reads() == []


def test_nothing_is_kept_without_a_path() -> None:
    found, warnings = Reading.load(None)
    found.mark("s", briefing())
    assert warnings == [] and found.save() is None


# --- the reader ---------------------------------------------------------------------------


async def test_two_files_read_one_after_the_other_each_keep_their_open_sections(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state" / "reading.json"
    first = write_json(tmp_path / "a.json", minimal())
    other = minimal()
    other["briefings"][0]["sections"].append(
        {"id": "three", "title": "Three", "summary": "S.", "paragraphs": ["P."]}
    )
    second = write_json(tmp_path / "b.json", other)
    for path, key, expected in [
        (first, "2", [False, True]),
        (second, "3", [False, False, True]),
    ]:
        app = reloading_app(path, state_path=state)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
            assert opened(app) == expected
            await pilot.press("q")
    for path, expected in [(first, [False, True]), (second, [False, False, True])]:
        app = reloading_app(path, state_path=state)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert opened(app) == expected


async def test_each_briefing_keeps_its_place_and_its_scroll(tmp_path: Path) -> None:
    state = tmp_path / "reading.json"
    path = write_json(tmp_path / "multi.json", multi_document())
    app = reloading_app(path, state_path=state)
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.press("1", "2")  # newest-first: both sections open
        await wait_until(pilot, lambda: opened(app) == [True, True])
        main = reader(app).query_one("#main")
        main.scroll_to(y=4, animate=False)
        await wait_until(pilot, lambda: main.scroll_y == 4)
        await pilot.press("left_square_bracket")  # older: nothing open
        await wait_until(pilot, lambda: reader(app).briefing.id == "older")
        assert opened(app) == [False, False]
        await pilot.press("2")
        await pilot.press("right_square_bracket")  # back: its place again
        await wait_until(pilot, lambda: reader(app).briefing.id == "newest-first")
        await wait_until(pilot, lambda: opened(app) == [True, True] and main.scroll_y == 4)
        await pilot.press("q")
    again = reloading_app(path, state_path=state)
    async with again.run_test(size=(80, 16)) as pilot:
        main = reader(again).query_one("#main")
        await wait_until(pilot, lambda: main.scroll_y == 4, "the scroll restored")
        assert reader(again).briefing.id == "newest-first" and opened(again) == [True, True]
    older = reloading_app(path, "older", state_path=state)
    async with older.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        assert opened(older) == [False, True]  # asked for by id: its own place


async def test_the_version_read_before_is_kept_for_this_run(tmp_path: Path) -> None:
    state = tmp_path / "reading.json"
    path = write_json(tmp_path / "b.json", minimal())
    app = reloading_app(path, state_path=state)
    async with app.run_test(size=SIZE) as pilot:
        assert app.previous_version("first") is None and app.read_before("first") is None
        await pilot.press("q")
    data = minimal()
    data["briefings"][0]["title"] = "Revised"
    write_json(path, data)
    again = reloading_app(path, state_path=state)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = again.previous_version("first")
        assert before is not None and before.title == "First briefing"
        assert again.read_before("first") is not None
        await pilot.press("q")
    third = reloading_app(path, state_path=state)
    async with third.run_test(size=SIZE):
        shown = load(path).briefings[0]
        assert third.previous_version("first") == shown  # read: nothing new since
    assert loaded(state).read(source_key(path), "first") is not None
    assert open_library(path).briefing("first") == shown
