"""When the garbage collector runs: off while the command line starts, on for every command's
work unless the command is declared short (briefing.collector)."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator

import pytest

from briefing import cli, collector
from tests.conftest import BUNDLED


@pytest.fixture(autouse=True)
def collecting() -> Iterator[None]:
    yield
    gc.enable()  # whatever a failed test left


def test_a_command_not_declared_short_runs_with_the_collector_on() -> None:
    seen: list[bool] = []

    def command(argument: str) -> int:
        seen.append(gc.isenabled())
        return 0

    with collector.command_line():
        assert not gc.isenabled()
        collector.run(command, "x")
    assert seen == [True]
    assert gc.isenabled()


def test_a_short_command_starts_with_the_collector_off_until_it_resumes() -> None:
    seen: list[bool] = []

    @collector.short
    def command(argument: str) -> int:
        seen.append(gc.isenabled())
        collector.resume()
        seen.append(gc.isenabled())
        return 0

    with collector.command_line():
        collector.run(command, "x")
    assert seen == [False, True]


def test_the_command_line_turns_the_collector_back_on_after_an_error() -> None:
    with pytest.raises(KeyError), collector.command_line():
        raise KeyError
    assert gc.isenabled()


@pytest.mark.parametrize("enabled", [True, False])
def test_a_pause_leaves_the_collector_as_it_was(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled() == enabled


@pytest.mark.parametrize("name", cli._COMMANDS)
def test_every_command_is_dispatched_through_the_policy(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command put in the table without declaring itself short runs with the collector on:
    each command's handler, replaced by one not declared short, sees it on."""
    seen: list[bool] = []

    def handler(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    if name == cli._READ:
        monkeypatch.setattr(cli, "_read", handler)
    else:
        _, summary, arguments = cli._COMMAND_TABLE[name]
        monkeypatch.setitem(cli._COMMAND_TABLE, name, (handler, summary, arguments))
    query = ["a-word"] if name == "search" else []
    assert cli.main(["--data", str(BUNDLED), name, *query]) == 0
    assert seen == [True]


def test_a_short_command_s_start_up_ends_once_the_briefings_are_loaded() -> None:
    args = argparse.Namespace(data=str(BUNDLED), max_size=None)
    with collector.command_line():
        cli._indexed(args)  # the reader: on once its first screen is drawn
        assert not gc.isenabled()
        cli._load(args)
        assert gc.isenabled()
