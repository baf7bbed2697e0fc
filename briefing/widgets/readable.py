"""Theme colours that every letter on screen can be read in.

Textual's themes leave some text below the WCAG AA contrast of 4.5:1: muted text is "60% of
the text colour", resolved against a transparent background when a widget styles its own
text (nearly invisible on light themes); accent colours are used as text on backgrounds
they barely differ from; the cursor's blue is as light as its white text. The app hands
Textual, for each theme, the same variables with colours moved (toward black on light
backgrounds, toward white on dark ones) only as far as it takes for every text colour to
reach :data:`TARGET` on every background it is drawn on. Muted text still looks muted,
accents still look like their accent: just readable.

ANSI themes leave the colours to the terminal, so no contrast can be worked out: there the
reader's text keeps the terminal's own foreground and background, and what colours marked
(badges, matches, the cursor) is drawn in reverse video of those two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.color import Color

AA = 4.5
"""WCAG 2 level AA for body text."""

TARGET = 4.6
"""What the colours are moved to: AA, and a little over, so that rounding (to whole RGB
values, in the terminal) never takes a colour under it."""

RGB = tuple[int, int, int]

WHITE = Color(255, 255, 255)
BLACK = Color(0, 0, 0)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour: 0 for black to 1 for white."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio of two colours: 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _worst(color: Color, backgrounds: Iterable[Color]) -> float:
    return min(contrast(color.rgb, background.rgb) for background in backgrounds)


def readable(color: Color, backgrounds: Sequence[Color], minimum: float = TARGET) -> Color:
    """``color``, or the least change of it toward black or white (whichever the backgrounds
    differ from most) that reaches ``minimum`` on every one of ``backgrounds``."""
    if _worst(color, backgrounds) >= minimum:
        return color
    extreme = max((WHITE, BLACK), key=lambda end: _worst(end, backgrounds))
    for step in range(1, 101):
        moved = color.blend(extreme, step / 100)
        if _worst(moved, backgrounds) >= minimum:
            return moved
    return extreme


def quiet_background(
    background: Color,
    toward: Color,
    foregrounds: Sequence[Color],
    minimum: float = TARGET,
    *,
    most: float = 1.0,
) -> Color:
    """``background``, or the least change of it toward ``toward`` (as a rule, the screen's
    background) on which every one of ``foregrounds`` reaches ``minimum``; it moves ``most``
    of the way at the most."""
    moved = background
    for step in range(round(most * 100) + 1):
        moved = background.blend(toward, step / 100)
        if _worst(moved, foregrounds) >= minimum:
            break
    return moved


def resolve(value: str, under: Color) -> Color:
    """A theme variable's colour as drawn over ``under``: ``auto 87%`` (the best of black and
    white at that opacity), ``#rrggbbaa``, ``$name 30%``-style opacity, all blended."""
    parts = value.split()
    alpha = float(parts[1].rstrip("%")) / 100 if len(parts) > 1 else 1.0
    if parts[0] == "auto":
        return under + under.get_contrast_text(alpha)
    color = Color.parse(parts[0])
    return under + color.with_alpha(color.a * alpha)


STATUS_COLORS = ("primary", "secondary", "warning", "error", "success", "accent")
"""The theme colours that have a text colour (``$text-NAME``) and a background shade for
badges (``$NAME-muted``)."""


def readable_variables(variables: Mapping[str, str], *, ansi: bool) -> dict[str, str]:
    """The theme variables to change, given a theme's variables, so that all text reads."""
    if ansi:
        return _ansi_variables()

    def under(name: str, base: Color) -> Color:
        return resolve(variables[name], base)

    background = Color.parse(variables["background"])
    surface, panel = under("surface", background), under("panel", background)
    backgrounds = [
        background,
        surface,
        panel,
        under("boost", background),  # the focused section
        surface.tint(under("foreground", surface).with_alpha(0.05)),  # a focused list
        under("panel-lighten-1", background),  # notifications
        under("panel-darken-1", background),  # the command palette
    ]
    foreground = readable(under("foreground", background), backgrounds)
    # A section flashed after a jump: the accent, but as far under its text as need be.
    accent = under("accent", background).with_alpha(0.3)
    flash = quiet_background(background + accent, background, [foreground])
    backgrounds.append(flash)
    muted = readable(under("text-muted", background), backgrounds)
    changed = {
        "foreground": foreground.hex,
        "section-flash": flash.hex,
        "text-muted": muted.hex,
        "text-disabled": muted.hex,  # placeholders and group titles are still text to read
        "foreground-muted": muted.hex,
    }
    for name in STATUS_COLORS:
        # Badges and search matches: the theme's text, muted text included, on the shade;
        # the colour's own text on the shade and on every background.
        shade = quiet_background(
            under(f"{name}-muted", background), background, [foreground, muted]
        )
        changed[f"{name}-muted"] = shade.hex
        text = readable(under(f"text-{name}", background), [*backgrounds, shade])
        changed[f"text-{name}"] = text.hex
    # The cursor of lists: quiet enough for the text and muted text of the options it is on
    # (Textual's lists draw the unfocused cursor's text in the foreground colour).
    for state in ("", "blurred-"):
        shade = under(f"block-cursor-{state}background", surface)
        cursor = quiet_background(shade, surface, [foreground, muted])
        on_cursor = readable(under(f"block-cursor-{state}foreground", cursor), [cursor])
        changed[f"block-cursor-{state}background"] = cursor.hex
        changed[f"block-cursor-{state}foreground"] = on_cursor.hex
    changed.update(_footer(variables, panel))
    return changed


def _footer(variables: Mapping[str, str], panel: Color) -> dict[str, str]:
    """The footer's colours: its own background (some themes colour it) darkened or lightened
    a little, if need be, for its keys and their descriptions; then those, if still need be."""
    footer = resolve(variables["footer-background"], panel)
    names = ("footer-key-foreground", "footer-description-foreground", "footer-foreground")
    texts = [resolve(variables[name], footer) for name in names]
    light_text = sum(luminance(text.rgb) for text in texts) / len(texts) > luminance(footer.rgb)
    footer = quiet_background(footer, BLACK if light_text else WHITE, texts, most=0.3)
    key_background = resolve(variables["footer-key-background"], footer)
    changed = {"footer-background": footer.hex}
    for name, text in zip(names, texts, strict=True):
        on = [footer, key_background] if name == "footer-key-foreground" else [footer]
        changed[name] = readable(text, on).hex
    return changed


ANSI_REVERSED = ("primary", "secondary", "warning", "success")
"""The colours of the facts' status badges and of the current search match, which ANSI
themes draw in reverse video of the terminal's own colours."""


def _ansi_variables() -> dict[str, str]:
    """ANSI themes: the terminal's own two colours for the reader's text; badges, the
    current match and the cursor in reverse video of them; no flash."""
    default = "ansi_default"
    changed = dict.fromkeys(
        ["section-flash", "text-muted", "text-disabled", "foreground-muted"], default
    )
    for name in STATUS_COLORS:
        changed[f"{name}-muted"] = default
    for name in ANSI_REVERSED:
        changed[f"text-{name}"] = default
    for state in ("", "blurred-"):
        changed[f"block-cursor-{state}foreground"] = default
        changed[f"block-cursor-{state}background"] = default
    changed["block-cursor-text-style"] = "bold reverse"
    return changed
