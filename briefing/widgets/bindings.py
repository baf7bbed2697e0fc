"""Textual bindings built from the one table of keys, :data:`briefing.keys.BINDINGS`."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from briefing.keys import scope


def bindings(name: str) -> list[BindingType]:
    """The Textual bindings of one scope (``reader``, ``section``...), each with its id, so that
    the user's ``keys`` setting can rebind it through the app's keymap."""
    return [
        Binding(
            binding.keys,
            binding.action,
            binding.label,
            show=binding.show,
            priority=binding.priority,
            tooltip=binding.description if binding.show else "",
            id=binding.id,
        )
        for binding in scope(name)
    ]
