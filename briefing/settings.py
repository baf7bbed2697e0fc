"""What the reader keeps of your preferences (the theme, your keys): ``settings.json`` in the
user's config folder. (What you read, and where you were, is :mod:`briefing.reading`.)

Saving is atomic (a temporary file in the same folder, then a rename), so a crash never
leaves half a file. A missing file means defaults; a corrupt or unreadable one (a FIFO or a
device in its place included: never waited for) is ignored with a warning, and so is a folder
that cannot be written: none of this is ever worth a crash.
No Textual here; the app calls these functions.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefing.files import read_regular, user_folder, write_atomically

SETTINGS_FILE = "settings.json"

MAX_SAVED_BYTES = 1024**2
"""The largest settings file read: a few hundred bytes when this program writes it."""


@dataclass(frozen=True)
class Settings:
    """Preferences kept between runs."""

    theme: str | None = None
    """The name of the Textual theme last chosen."""
    keys: dict[str, object] = field(default_factory=dict)
    """The user's own keys, binding id to keys (``{"reader.search": "ctrl+f"}``), as written:
    :func:`briefing.keys.keys_in_force` checks them; saving the theme keeps them as they are."""


def default_settings_path() -> Path:
    """``settings.json`` in the user's config folder (``$XDG_CONFIG_HOME/briefing`` on Linux)."""
    return user_folder("config") / SETTINGS_FILE


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """The saved settings and, for each part that could not be used, a warning saying why (that
    part keeps its default)."""
    data, warning = _load_object(path, "settings")
    warnings = [warning] if warning else []
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        warnings.append(f"Ignoring saved settings: {path} is not valid: theme is not text")
        theme = None
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        warnings.append(
            f"Ignoring saved keys: {path} is not valid: keys must be an object such as "
            '{"reader.search": "ctrl+f"}'
        )
        keys = {}
    return Settings(theme=theme, keys=keys), warnings


def save_settings(path: Path, settings: Settings) -> str | None:
    """Write the settings atomically; a warning instead of an error when that fails."""
    return _save_object(path, asdict(settings), "settings")


def _load_object(path: Path, what: str) -> tuple[dict[str, Any], str | None]:
    try:  # a FIFO or a device in its place is refused, never waited for or read without end
        raw = read_regular(path, MAX_SAVED_BYTES).decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}, None
    except (OSError, UnicodeDecodeError) as error:
        return {}, f"Ignoring saved {what}: cannot read {path}: {error}"
    try:
        data = json.loads(raw)
    except ValueError as error:
        return {}, f"Ignoring saved {what}: {path} is not valid: {error}"
    if not isinstance(data, dict):
        return {}, f"Ignoring saved {what}: {path} is not valid: not a JSON object"
    return data, None


def _save_object(path: Path, data: dict[str, Any], what: str) -> str | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        write_atomically(path, text, f".{path.stem}-")
    except OSError as error:
        return f"Could not save {what} to {path}: {error.strerror or error}"
    return None
