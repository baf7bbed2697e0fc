"""A non-editable install carries the default data and finds it from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (built,) = out.glob("briefing-*.whl")
    return built


def test_wheel_contains_the_package_and_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "briefing/data/briefings.json" in names
    assert "briefing/cli.py" in names
    assert {"briefing/templates/page.html.j2", "briefing/templates/page.css"} <= set(names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "briefing = briefing.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_copy_finds_its_data_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DATA"}
    env["PYTHONPATH"] = str(target)
    result = subprocess.run(
        [sys.executable, "-c",
         "import briefing, briefing.cli as c; print(briefing.__file__); c.main(['validate'])"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    module_file, ok = result.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert ok == f"ok: 1 briefing in {target / 'briefing' / 'data' / 'briefings.json'}"
    # The page's templates travel with the package.
    page = subprocess.run(
        [sys.executable, "-m", "briefing", "summary", "--format", "html"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!DOCTYPE html>") and "<h1" in page.stdout
