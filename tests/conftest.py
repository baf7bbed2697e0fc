"""Shared helpers: a minimal valid document to break in tests, and running the real command."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "briefings.json"
STORY = Path(__file__).resolve().parent / "fixtures" / "seed-story.txt"

_MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "briefings": [
        {
            "id": "first",
            "title": "First briefing",
            "published": "2024-11-19",
            "bottom_line": "The bottom line.",
            "sections": [
                {
                    "id": "one",
                    "title": "Section one",
                    "summary": "What one says.",
                    "paragraphs": ["Paragraph of section one."],
                },
                {
                    "id": "two",
                    "title": "Section two",
                    "summary": "What two says.",
                    "paragraphs": ["Paragraph of section two."],
                },
            ],
            "key_facts": [
                {"label": "Range", "value": "300 km", "status": "confirmed", "section": "one"}
            ],
            "timeline": [{"date": "2024-11", "event": "Something happened.", "section": "two"}],
            "quotes": [{"text": "Words.", "speaker": "Someone", "section": "two"}],
            "watch": ["What comes next."],
            "sources": [{"name": "A source", "url": "https://example.org/story"}],
        }
    ],
}


def minimal() -> dict[str, Any]:
    """A fresh copy of the smallest valid document, to modify in a test."""
    return copy.deepcopy(_MINIMAL)


def write_json(path: Path, data: object, **dump_options: Any) -> Path:
    """Write ``data`` as JSON (indented, so errors have distinct lines) and return the path."""
    path.write_text(json.dumps(data, indent=2, **dump_options), encoding="utf-8")
    return path


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: str | bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m briefing ARGS`` as a user would, capturing its output."""
    full_env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DATA"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input.decode() if isinstance(input, bytes) else input,
        timeout=60,
        check=False,
    )


@pytest.fixture
def doc() -> dict[str, Any]:
    """The smallest valid document, fresh for each test."""
    return minimal()
