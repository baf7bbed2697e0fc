"""``briefing changes`` and ``list``'s marks, through the real command: what a reader who comes
back sees, before reading, after, and after the publisher revises the briefing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HOSTILE_TEXTS, minimal, multi_document, run_cli, write_json


def _revise(data: dict[str, Any]) -> dict[str, Any]:
    """The publisher's revision: a fact's value, a new paragraph, a new event."""
    briefing = data["briefings"][0]
    briefing["key_facts"][0]["value"] = "310 km"
    briefing["sections"][1]["paragraphs"].append("A paragraph added in the revision.")
    briefing["timeline"].append({"date": "2024-11-20", "event": "A new event.", "section": "two"})
    return data


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return write_json(tmp_path / "briefings.json", minimal())


def changes(path: Path, *args: str) -> Any:
    return run_cli("--data", str(path), "changes", *args)


def test_a_briefing_never_read_is_new_then_nothing_once_marked_read(published: Path) -> None:
    before = changes(published)
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines()[:3] == ["First briefing", "New: not read before", "id: first"]
    assert "The bottom line." in before.stdout
    marked = changes(published, "--mark-read", "-q")
    assert (marked.returncode, marked.stdout, marked.stderr) == (0, "", "")
    after = changes(published)
    assert after.returncode == 1, after.stderr
    assert after.stdout == "Nothing new: you have read this briefing as it is now.\n"


def test_a_revision_is_shown_old_beside_new_and_exits_0(published: Path) -> None:
    changes(published, "--mark-read", "-q")
    write_json(published, _revise(minimal()))
    result = changes(published, "--width", "80")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Updated since you read it on " in out
    assert "1 fact changed, 1 new paragraph, 1 new event" in out
    assert "was: 300 km" in out and "now: 310 km" in out
    assert "now: A paragraph added in the revision." in out
    assert "now: 20 November 2024: A new event." in out
    assert "\x1b" not in out  # a pipe: no styles


def test_json_lists_each_change_with_its_kind_place_and_texts(published: Path) -> None:
    changes(published, "--mark-read", "-q")
    write_json(published, _revise(minimal()))
    result = changes(published, "--format", "json")
    assert result.returncode == 0, result.stderr
    [entry] = json.loads(result.stdout)["briefings"]
    assert entry["id"] == "first" and entry["state"] == "updated"
    assert entry["last_read"].startswith("20")  # an ISO time
    found = [(c["kind"], c["change"], c["before"], c["after"]) for c in entry["changes"]]
    assert ("paragraph", "added", None, "A paragraph added in the revision.") in found
    assert ("event", "added", None, "20 November 2024: A new event.") in found
    [fact] = [c for c in entry["changes"] if c["kind"] == "fact"]
    assert fact["change"] == "changed" and fact["label"] == "Range"
    assert "300 km" in fact["before"] and "310 km" in fact["after"]
    assert fact["fields"] == ["value"] and fact["section"] == "one"
    assert len(found) == 3


def test_markdown_escapes_and_says_old_and_new(published: Path) -> None:
    changes(published, "--mark-read", "-q")
    data = _revise(minimal())
    data["briefings"][0]["key_facts"][0]["value"] = "*310* km <b>"
    write_json(published, data)
    out = changes(published, "--format", "markdown").stdout
    assert out.startswith("## First briefing\n")
    assert "*was:* 300 km" in out and "*now:* \\*310\\* km \\<b\\>" in out


def test_list_marks_each_briefing_new_updated_or_nothing(tmp_path: Path) -> None:
    path = write_json(tmp_path / "many.json", multi_document())

    def marks() -> dict[str, str]:
        lines = run_cli("--data", str(path), "list").stdout.splitlines()
        assert lines[0].split() == ["ID", "DATE", "TITLE", "SECTIONS", "READ"]
        column = lines[0].index("READ")
        return {line.split()[0]: line[column:].strip() for line in lines[1:]}

    assert set(marks().values()) == {"new"}
    changes(path, "older", "--mark-read", "-q")
    changes(path, "newest-first", "--mark-read", "-q")
    data = multi_document()
    data["briefings"][0]["bottom_line"] = "A revised bottom line."
    write_json(path, data)
    shown = marks()
    assert shown == {"older": "updated", "newest-first": "", "newest-second": "new"}


def test_all_lists_only_what_is_new_and_the_exit_says_whether_any_is(tmp_path: Path) -> None:
    path = write_json(tmp_path / "many.json", multi_document())
    changes(path, "--all", "--mark-read", "-q")
    assert changes(path, "--all").returncode == 1
    data = multi_document()
    data["briefings"][2]["watch"].append("Something else to watch.")
    write_json(path, data)
    result = changes(path, "--all", "--format", "json")
    assert result.returncode == 0
    assert [b["id"] for b in json.loads(result.stdout)["briefings"]] == ["newest-second"]
    assert changes(path, "--all", "-q").stdout == ""


def test_two_files_keep_their_own_history(tmp_path: Path) -> None:
    one = write_json(tmp_path / "one.json", minimal())
    two = write_json(tmp_path / "two.json", minimal())
    changes(one, "--mark-read", "-q")
    assert changes(one).returncode == 1
    assert changes(two).returncode == 0  # the same briefing id in another file is not read


def test_standard_input_has_no_history(published: Path) -> None:
    result = run_cli("--data", "-", "changes", input=published.read_text())
    assert result.returncode == 2
    assert "standard input has no history" in result.stderr and "Traceback" not in result.stderr


def test_hostile_text_in_a_change_is_inert(published: Path) -> None:
    changes(published, "--mark-read", "-q")
    data = minimal()
    data["briefings"][0]["sections"][0]["paragraphs"].append(HOSTILE_TEXTS[2])
    data["briefings"][0]["key_facts"][0]["value"] = HOSTILE_TEXTS[0]
    write_json(published, data)
    for fmt in ("text", "markdown", "json"):
        result = changes(published, "--format", fmt, "--color", "always")
        assert result.returncode == 0, result.stderr
        body = result.stdout.replace("\x1b[1m", "").replace("\x1b[2m", "").replace("\x1b[0m", "")
        assert "\x1b" not in body and "\x07" not in body and "\x9b" not in body, fmt


def test_when_it_was_read_is_said_in_local_time_the_year_only_when_another() -> None:
    from datetime import UTC, datetime

    from briefing.records import day_and_time

    when = datetime(2026, 12, 2, 18, 53, tzinfo=UTC)
    local = when.astimezone()
    day = f"{local.day} {local:%B}"
    assert day_and_time(when, now=when) == f"{day} at {local:%H:%M}"
    assert (
        day_and_time(when, now=datetime(2027, 1, 5, tzinfo=UTC))
        == f"{day} {local.year} at {local:%H:%M}"
    )
