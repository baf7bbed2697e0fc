"""The tests never touch the user's own files: every user folder is the test's own."""

from __future__ import annotations

import json
import os
from pathlib import Path

from briefing import index
from briefing.app import make_app
from briefing.files import user_folder
from briefing.index import open_library
from briefing.reading import default_reading_path
from briefing.settings import default_settings_path
from tests.conftest import USER_FOLDERS, RealUserFiles, minimal, run_cli, write_json
from tests.helpers import saved_place


def test_every_user_folder_is_the_tests_own(user_home: Path) -> None:
    assert Path.home() == user_home
    for variable in USER_FOLDERS:
        assert Path(os.environ[variable]).is_relative_to(user_home), variable
    for kind in ("config", "state", "cache"):
        assert user_folder(kind).is_relative_to(user_home), kind
    cache = index.cache_dir()
    assert cache is not None and cache.is_relative_to(user_home)


async def test_the_reader_keeps_its_state_and_theme_in_the_tests_home(
    user_home: Path, real_user_files: RealUserFiles, tmp_path: Path
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    app = make_app(  # as the command line makes it: the default places for what it keeps
        open_library(path),
        settings_path=default_settings_path(),
        state_path=default_reading_path(),
        source=path,
    )
    async with app.run_test() as pilot:
        await pilot.press("2")
        app.theme = "nord"
        await pilot.press("q")
    saved = saved_place(user_home / ".local/state/briefing/reading.json", path)
    assert saved == ("first", ("two",))
    settings = json.loads((user_home / ".config/briefing/settings.json").read_text())
    assert settings["theme"] == "nord"
    assert list((user_home / ".cache/briefing").glob("index-*.sqlite3"))  # open_library's
    assert real_user_files.changes() == []


def test_a_command_keeps_its_index_in_the_tests_home(
    user_home: Path, real_user_files: RealUserFiles, tmp_path: Path
) -> None:
    path = write_json(tmp_path / "b.json", minimal())
    result = run_cli("--data", str(path), "list")
    assert result.returncode == 0, result.stderr
    assert list((user_home / ".cache/briefing").glob("index-*.sqlite3"))
    assert real_user_files.changes() == []
