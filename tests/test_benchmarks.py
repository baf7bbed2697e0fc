"""The benchmark must not rot: its smoke mode (one quick repetition of each) runs here."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/NAME`` as its README line says."""
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )


def test_benchmark_smoke_mode_prints_its_table() -> None:
    result = script("bench.py", "--smoke")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("briefing benchmarks:")
    measures = [line.split("  ")[0] for line in lines[2:]]
    for expected in (
        "summary --full, piped",
        "summary, address (fresh copy)",
        "list, big file (warm)",
        "validate, 200 broken briefings",
        "key e, 60 sections",
        "peak memory (MiB), default file",
    ):
        assert expected in measures, result.stdout


def test_the_hostile_servers_table_has_a_row_for_each_server() -> None:
    from tests.test_remote import HOSTILE

    result = script("hostile.py")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [case[0] for case in HOSTILE]
    assert all(row.split(" | ")[2] == "1" for row in rows), result.stdout
