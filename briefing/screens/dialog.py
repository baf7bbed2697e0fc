"""What every dialog looks like, defined once: an opaque screen with the dialog in its middle,
in a rounded frame of the accent colour on the surface colour.

Opaque because the reader's text faded behind a dialog would be text nobody can read (and
blending it costs more than the dialog). Each dialog passes its screen's class name, its
frame's id and its frame's size; its own further rules follow in its DEFAULT_CSS.
"""

from __future__ import annotations


def dialog_css(screen: str, frame: str, size: str) -> str:
    """The CSS of a dialog ``screen`` (its class name) whose frame is the widget ``#frame``,
    sized by ``size`` (declarations such as ``width: 90%; height: auto;``)."""
    return f"""
    {screen} {{
        align: center middle;
        background: $background;

        &:ansi {{
            background: $background;  /* ModalScreen's own: transparent */
        }}
    }}

    #{frame} {{
        {size}
        border: round $accent;
        border-title-color: $text-accent;
        border-subtitle-color: $text-muted;
        background: $surface;
    }}
    """
