"""The commands as a user runs them: a real process, its output and its exit code."""

from __future__ import annotations

import gc
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest

from briefing import __version__
from briefing.cells import cell_width
from briefing.cli import _COMMAND_TABLE
from tests.conftest import (
    BUNDLED,
    many_sections,
    minimal,
    multi_document,
    run_cli,
    run_in_terminal,
    run_into_head,
    write_json,
)


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int = 1) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip()


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"briefing {__version__}"


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "list", "schema", "--data", "--version"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "args",
    [("--nope",), ("validate", "a", "b"), ("list", "extra"), ("--data",), ("a", "b"), ("-x",)],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert_clean_failure(result, code=2)
    assert "usage: briefing" in result.stderr


COMMANDS = sorted(_COMMAND_TABLE)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_names_itself_in_its_help_and_usage_errors(command: str) -> None:
    shown = run_cli(command, "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"usage: briefing {command} [-h] [--data PATH|URL]")
    for args in ((command, "--bogus"), ("--data", str(BUNDLED), command, "--bogus")):
        failed = run_cli(*args)
        assert_clean_failure(failed, code=2)
        assert failed.stderr.startswith(f"usage: briefing {command} [-h] [--data PATH|URL]")
        assert failed.stderr.splitlines()[-1].startswith(f"briefing {command}: error: ")


def test_plain_briefing_usage_errors_name_what_was_typed() -> None:
    shown = run_cli("--help")  # the top-level help keeps the general usage
    assert shown.stdout.startswith(
        "usage: briefing [--data PATH|URL] [ID]\n"
        "       briefing [--data PATH|URL] COMMAND [options]\n"
    )
    for args in (("a", "b"), ("-x",), ("--width", "5")):
        failed = run_cli(*args)
        assert_clean_failure(failed, code=2)
        assert failed.stderr.startswith("usage: briefing [-h] [--data PATH|URL]"), args
        assert "[ID]" in failed.stderr
        assert failed.stderr.splitlines()[-1].startswith("briefing: error: ")
        assert "read" not in failed.stderr
    assert run_cli("a", "b").stderr.endswith("briefing: error: unrecognized arguments: b\n")


def test_the_reader_options_may_come_before_the_id() -> None:
    plain = run_cli("--color", "never", "--width", "40", "russia-us-missiles-warning")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == run_cli("summary", "--width", "40").stdout


def test_validate_bundled_data_from_another_folder(tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: 1 briefing in {BUNDLED}\n"
    assert result.stderr == ""


def test_validate_counts_briefings(tmp_path: Path) -> None:
    data = minimal()
    second = json.loads(json.dumps(data["briefings"][0]))
    second["id"] = "second"
    data["briefings"].append(second)
    path = write_json(tmp_path / "two.json", data)
    result = run_cli("validate", str(path))
    assert result.returncode == 0
    assert result.stdout.startswith("ok: 2 briefings in ")


def test_validate_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    data = minimal()
    data["briefings"][0]["title"] = ""
    data["briefings"][0]["key_facts"][0]["section"] = "nowhere"
    path = write_json(tmp_path / "broken.json", data)
    result = run_cli("validate", str(path))
    assert_clean_failure(result)
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:")
    assert ": briefings[0].title: must not be empty" in lines[0]
    assert ": briefings[0].key_facts[0].section: no section 'nowhere'" in lines[1]
    assert lines[2] == f"2 problems in {path}"
    assert result.stdout == ""


def test_validate_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "syntax.json"
    path.write_text('{\n  "schema_version": 1\n  "briefings": []\n}\n')
    result = run_cli("validate", str(path))
    assert_clean_failure(result)
    assert result.stderr == f"{path}:3:3: invalid JSON: Expecting ',' delimiter\n"


@pytest.mark.parametrize("command", [("validate",), ("list",), ()])
def test_missing_file_is_one_clear_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "nope.json"
    result = run_cli("--data", str(missing), *command)
    assert_clean_failure(result)
    assert result.stderr == f"{missing}: no such file\n"


def test_validate_from_standard_input() -> None:
    result = run_cli("validate", "-", input=json.dumps(minimal()))
    assert result.returncode == 0
    assert result.stdout == "ok: 1 briefing in <stdin>\n"
    broken = run_cli("validate", "-", input="{")
    assert_clean_failure(broken)
    assert broken.stderr.startswith("<stdin>:1:2: invalid JSON")


def test_data_option_and_environment(tmp_path: Path) -> None:
    path = write_json(tmp_path / "mine.json", minimal())
    other = tmp_path / "absent.json"
    for args, env in [
        (("--data", str(path), "list"), {}),
        (("list", "--data", str(path)), {}),
        (("list",), {"BRIEFING_DATA": str(path)}),
        (("--data", str(path), "list"), {"BRIEFING_DATA": str(other)}),
    ]:
        result = run_cli(*args, env=env)
        assert result.returncode == 0, (args, env, result.stderr)
        assert "first" in result.stdout
    result = run_cli("validate", env={"BRIEFING_DATA": str(path)})
    assert result.stdout == f"ok: 1 briefing in {path}\n"


def test_validate_path_wins_over_data_option(tmp_path: Path) -> None:
    good = write_json(tmp_path / "good.json", minimal())
    result = run_cli("--data", str(tmp_path / "absent.json"), "validate", str(good))
    assert result.returncode == 0


def test_list_rows() -> None:
    result = run_cli("list")
    assert result.returncode == 0
    header, row, *rest = result.stdout.splitlines()
    assert rest == []
    assert header.split() == ["ID", "DATE", "TITLE", "SECTIONS", "READ"]
    assert row.startswith("russia-us-missiles-warning  2024-11-19  Biden clears")
    assert row.endswith(" 4  new")  # never read (tests/test_changes_cli.py: the other marks)


def test_list_aligns_wide_titles(tmp_path: Path) -> None:
    data = minimal()
    second = json.loads(json.dumps(data["briefings"][0]))
    second.update(id="wide", title="北朝鮮の部隊")
    data["briefings"].append(second)
    result = run_cli("--data", str(write_json(tmp_path / "w.json", data)), "list")
    from briefing.cells import cell_width

    # Every row's cells end where the header's do, the wide title counted as two columns each.
    widths = {cell_width(line.rsplit("  ", 1)[0]) for line in result.stdout.splitlines()}
    assert len(widths) == 1, result.stdout


def test_list_sections_numbers_ids_and_titles(tmp_path: Path) -> None:
    path = write_json(tmp_path / "twelve.json", many_sections(12))
    result = run_cli("--data", str(path), "list", "--sections", "many")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header == " #  ID       TITLE"
    assert rows[0] == " 1  part-1   Part 1 title"
    assert rows[11] == "12  part-12  Part 12 title"
    assert len(rows) == 12
    summary = run_cli("--data", str(path), "summary").stdout  # the numbers the summary shows
    shown = re.findall(r"^ ?(\d+)\. (.+)$", summary, re.MULTILINE)
    assert [(row.split()[0], row.split("  ")[-1].strip()) for row in rows] == shown
    assert run_cli("--data", str(path), "list", "--sections").stdout == result.stdout


def test_list_sections_of_the_newest_by_default_and_unknown_ids(tmp_path: Path) -> None:
    data = multi_document()
    data["briefings"][1]["sections"][0]["id"] = "only-in-the-newest"
    data["briefings"][1]["key_facts"][0]["section"] = "only-in-the-newest"
    path = write_json(tmp_path / "multi.json", data)
    newest = run_cli("--data", str(path), "list", "--sections")
    assert newest.stdout.splitlines()[1].split() == ["1", "only-in-the-newest", "Section", "one"]
    older = run_cli("--data", str(path), "list", "--sections", "older")
    assert older.stdout.splitlines()[1].split()[1] == "one"
    unknown = run_cli("--data", str(path), "list", "--sections", "nope")
    assert_clean_failure(unknown)
    assert unknown.stderr == (
        f"{path}: no briefing 'nope' (the file has: older, newest-first, newest-second)\n"
    )
    assert "(default: the newest)" in " ".join(run_cli("list", "--help").stdout.split())


def test_list_sections_fits_the_terminal(tmp_path: Path) -> None:
    data = many_sections(12)
    data["briefings"][0]["sections"][3]["title"] = "A very long title " * 10
    path = write_json(tmp_path / "long.json", data)
    out = run_in_terminal(["--data", str(path), "list", "--sections"], columns=40)
    lines = out.replace("\r\n", "\n").splitlines()
    assert max(cell_width(line) for line in lines) == 40
    assert lines[4].startswith(" 4  part-4   A very long title") and lines[4].endswith("…")


def test_a_word_that_is_no_command_is_a_briefing_id() -> None:
    result = run_cli("frobnicate")
    assert_clean_failure(result)
    assert "no briefing 'frobnicate' (the file has: russia-us-missiles-warning)" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_mistyped_command_is_a_usage_error_suggesting_it(command: str) -> None:
    typo = command[0] + command[2:]
    result = run_cli(typo)
    assert_clean_failure(result, code=2)
    message = result.stderr.strip()
    assert "\n" not in message and "usage:" not in message
    assert message.startswith(f"briefing: error: '{typo}' is not a command or a briefing id; did")
    assert f"'{command}'" in message.split("did you mean ")[1]


def test_did_you_mean_only_for_a_word_that_is_no_briefing_id(tmp_path: Path) -> None:
    assert run_cli("lst").stderr == (
        "briefing: error: 'lst' is not a command or a briefing id; did you mean 'list'?\n"
    )
    assert run_cli("sear").stderr.endswith("did you mean 'search', 'serve' or 'schema'?\n")
    assert run_cli("summary", "lst").returncode == 1  # an ID where only an ID can be
    assert "no briefing 'list'" in run_cli("--", "list").stderr  # asked for as an id
    shown = run_cli("l\x1bst").stderr  # what was typed is shown, not obeyed
    assert "\x1b" not in shown and "'l\\x1bst'" in shown
    data = minimal()
    data["briefings"][0]["id"] = "lists"
    path = write_json(tmp_path / "lists.json", data)
    result = run_cli("--data", str(path), "lists")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("First briefing\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    failed = run_cli("--data", str(broken), "lst")  # a broken file is the problem to report
    assert_clean_failure(failed, code=1)
    assert failed.stderr.startswith(f"{broken}:1:2: invalid JSON")


def test_help_shows_the_default_usage() -> None:
    result = run_cli("--help")
    assert "briefing [--data PATH|URL] [ID]" in result.stdout
    assert "summary" in result.stdout
    assert "read" not in result.stdout.split("commands:")[1].split()


def test_schema_is_valid_json_schema_that_accepts_the_data(tmp_path: Path) -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    validator.validate(json.loads(BUNDLED.read_text()))
    validator.validate(minimal())


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["briefings"][0].update(tittle="x"),
        lambda d: d["briefings"][0].update(title=" "),
        lambda d: d["briefings"][0].update(sections=[]),
        lambda d: d["briefings"][0]["key_facts"][0].update(status="rumour"),
        lambda d: d["briefings"][0]["sources"][0].update(url="ftp://x"),
        lambda d: d["briefings"][0]["timeline"][0].update(date="Nov 2024"),
        lambda d: d["briefings"][0].update(id="Not A Slug"),
        lambda d: d.update(schema_version=2),
        lambda d: d["briefings"][0].pop("watch"),
    ],
)
def test_schema_and_loader_agree_on_rejections(breakage: object) -> None:
    from briefing.errors import BriefingError
    from briefing.models import Document
    from briefing.store import parse

    data = minimal()
    breakage(data)  # type: ignore[operator]
    schema = Document.model_json_schema()
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    with pytest.raises(BriefingError):
        parse(json.dumps(data))


@pytest.mark.parametrize(
    ("command", "first_line"),
    [
        ("list", "ID DATE TITLE SECTIONS READ"),
        ("summary --all", "First briefing"),
        ("summary --all --full", "First briefing"),
        ("", "First briefing"),
    ],
)
def test_output_piped_into_a_closed_pipe_ends_quietly(
    tmp_path: Path, command: str, first_line: str
) -> None:
    data = minimal()
    data["briefings"] = [
        dict(data["briefings"][0], id=f"b-{n}", bottom_line="Long words. " * 40)
        for n in range(2000)
    ]
    data["briefings"][0]["bottom_line"] = "Long words. " * 8000  # the summary of one, too
    path = write_json(tmp_path / "many.json", data)  # each prints far more than a pipe holds
    pipeline = run_into_head(path, command)
    assert pipeline.stderr == "", pipeline.stderr
    assert pipeline.stdout.endswith("\n") and pipeline.stdout.split() == first_line.split()


@pytest.mark.parametrize(
    "args", [["list"], ["summary"], ["validate"], ["search", "nothing-like-it"]]
)
def test_garbage_collection_is_back_on_after_a_command(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.cli import main

    main(["--data", str(BUNDLED), *args])
    assert gc.isenabled()
    capsys.readouterr()


def _options_before_a_command() -> tuple[set[str], set[str], set[str]]:
    """The options that may come before a command or an id, as the parser declares them: the
    top-level parser's and the hidden ``read`` command's (``briefing --width 60 ID``), split
    into those that take a value, plain flags, and help and version."""
    import argparse

    from briefing import cli

    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    actions = [*parser._actions, *commands.choices["read"]._actions]
    stops = (argparse._HelpAction, argparse._VersionAction)
    named = [action for action in actions if action.option_strings]
    values = {o for a in named if a.nargs != 0 for o in a.option_strings}
    flags = {
        o for a in named if a.nargs == 0 and not isinstance(a, stops) for o in a.option_strings
    }
    help_and_version = {o for a in named if isinstance(a, stops) for o in a.option_strings}
    return values, flags, help_and_version


def test_the_command_is_found_past_every_option_the_parser_declares() -> None:
    """``_first_word`` skips the values of the options declared to take one (and only those)
    and stops at help and version: a new global option cannot be forgotten there."""
    from briefing import cli

    values, flags, help_and_version = _options_before_a_command()
    assert set(cli._VALUE_OPTIONS) == values
    for option in values:
        assert cli.command_in([option, "list", "summary"]) == "summary", option
    for option in flags:
        assert cli.command_in([option, "summary"]) == "summary", option
    for option in help_and_version:
        assert cli.command_in([option, "summary"]) is None, option
