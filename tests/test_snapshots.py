"""What the reader looks like: SVG snapshots at 80x24 and 160x45 (pytest-textual-snapshot).

After an intended change of look, review the new pictures and run
``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from briefing.app import BriefingApp, make_app
from briefing.store import load, parse
from tests.conftest import BUNDLED, multi_document

SMALL = (80, 24)
LARGE = (160, 45)


def default_app() -> BriefingApp:
    return make_app(load(BUNDLED))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_overview(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(default_app(), terminal_size=size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_all_expanded(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(default_app(), terminal_size=size, press=["e"])


def test_section_opened_from_a_fact_narrow(snap_compare: Any) -> None:
    assert snap_compare(default_app(), terminal_size=SMALL, press=["f", "down", "enter", "g"])


def test_facts_overlay_narrow(snap_compare: Any) -> None:
    assert snap_compare(default_app(), terminal_size=SMALL, press=["f"])


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_help(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(default_app(), terminal_size=size, press=["question_mark"])


def test_picker(snap_compare: Any) -> None:
    app = make_app(parse(json.dumps(multi_document())))
    assert snap_compare(app, terminal_size=SMALL, press=["b", "n", "e", "w"])
