"""The reader's saved preferences: a small JSON file in the user's config folder.

Saving is atomic (a temporary file in the same folder, then a rename), so a crash never leaves
half a file. A missing file means defaults; a corrupt or unreadable one is ignored with a
warning, and so is a folder that cannot be written: preferences are never worth a crash.
No Textual here; the app calls these functions.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

APP_NAME = "briefing"
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Settings:
    """What the reader remembers between runs."""

    theme: str | None = None
    """The name of the Textual theme last chosen."""


def default_settings_path() -> Path:
    """``settings.json`` in the user's config folder (``$XDG_CONFIG_HOME/briefing`` on Linux)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / SETTINGS_FILE


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The saved settings and, when the file could not be used, a warning saying why."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return Settings(), None
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), f"Ignoring saved settings: cannot read {path}: {error}"
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        known = {field.name for field in fields(Settings)}
        values = {key: value for key, value in data.items() if key in known}
        theme = values.get("theme")
        if theme is not None and not isinstance(theme, str):
            raise ValueError("theme is not a string")
        return Settings(**values), None
    except (ValueError, TypeError) as error:
        return Settings(), f"Ignoring saved settings: {path} is not valid: {error}"


def save_settings(path: Path, settings: Settings) -> str | None:
    """Write the settings atomically; a warning instead of an error when that fails."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(asdict(settings), stream, indent=2)
                stream.write("\n")
                stream.flush()
                os.fsync(stream.fileno())
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        return f"Could not save settings to {path}: {error.strerror or error}"
    return None
