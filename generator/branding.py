"""A site's own look: its logo and house colours (`[branding]` in site.toml), checked for legibility.

Pure: what every page, screen, chart, brief, PDF or poster needs to wear the site's colours. The defaults are the
built-in look, so a site without `[branding]` looks as it always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .errors import Text, say

DEFAULT_PRIMARY = "#1d232b"  # the masthead's dark slate
DEFAULT_ACCENT = "#b3261e"  # the red of a battle report
DEFAULT_SCREEN_BACKGROUND = "#0d1b2a"  # the night blue of the office screens
# The built-in look's own colours for what a site's primary colour paints when it has one: a near-black chart
# series reads as an axis, so the built-in charts are blue and the screens' title bar a darker night blue.
DEFAULT_CHART = "#2563eb"
DEFAULT_SCREEN_BAR = "#0a1522"
# The screens' tiles and progress tracks, a little lighter than their background: derived from a site's own
# background (see _lighter), the built-in ones for the built-in night blue.
DEFAULT_SCREEN_PANEL = "#15283d"
DEFAULT_SCREEN_TRACK = "#2c4a66"
PANEL_WHITE, TRACK_WHITE = 0.08, 0.2
# Secondary text (the as-of date, labels) on the masthead and on the screens, a little muted.
DEFAULT_MASTHEAD_MUTED = "#dfe5ec"
DEFAULT_SCREEN_MUTED = "#b9c6d3"

WHITE = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
LOGO_SUFFIXES = (".svg", ".png")  # what an <img> shows everywhere, an SVG without running its scripts
LOGO_MAX_BYTES = 2 * 1024 * 1024  # a logo is a few kilobytes; a photograph by mistake would weigh on every page
LOGO_FOLDER = "static/branding"  # where a build publishes the logo, as logo.svg or logo.png

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

# Each colour key, and what is written on it (white text on the masthead, on a badge, on the screens).
COLOUR_KEYS = {  # each colour key, and what is written on it (a catalogue entry, for the contrast error)
    "primary": "problem.colour.on.primary",
    "accent": "problem.colour.on.accent",
    "screen_background": "problem.colour.on.screen_background",
}


@dataclass(frozen=True)
class Branding:
    """The colours and logo a page, screen, chart or printed piece is drawn with (lower-case #rrggbb)."""

    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    screen_background: str = DEFAULT_SCREEN_BACKGROUND
    chart: str = DEFAULT_CHART  # the main series of every chart
    screen_bar: str = DEFAULT_SCREEN_BAR  # the title bar of the screens
    screen_panel: str = DEFAULT_SCREEN_PANEL  # the screens' tiles and list rows
    screen_track: str = DEFAULT_SCREEN_TRACK  # the screens' progress tracks and slide dots
    masthead_muted: str = DEFAULT_MASTHEAD_MUTED  # secondary text on the masthead
    screen_bar_muted: str = DEFAULT_SCREEN_MUTED  # secondary text on the screens' title bar
    screen_muted: str = DEFAULT_SCREEN_MUTED  # secondary text on the screens' background and tiles
    logo: str = ""  # the logo's path in the built site ("static/branding/logo.svg"), or "" for none

    def css(self) -> str:
        """The custom properties every stylesheet reads its house colours from (static/branding.css)."""
        return (
            "/* The site's colours ([branding] in site.toml), made by trackboard build. */\n"
            ":root {\n"
            f"  --brand-primary: {self.primary};\n"
            f"  --brand-accent: {self.accent};\n"
            f"  --brand-screen-background: {self.screen_background};\n"
            f"  --brand-screen-bar: {self.screen_bar};\n"
            f"  --brand-screen-panel: {self.screen_panel};\n"
            f"  --brand-screen-track: {self.screen_track};\n"
            f"  --brand-masthead-muted: {self.masthead_muted};\n"
            f"  --brand-screen-bar-muted: {self.screen_bar_muted};\n"
            f"  --brand-screen-muted: {self.screen_muted};\n"
            f"  --brand-chart: {self.chart};\n"
            "}\n"
        )


def normal_hex(value: str) -> str | None:
    """'#ABC' or '#aabbcc' as '#aabbcc'; None when it is not a hex colour."""
    if not _HEX.match(value):
        return None
    digits = value[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a '#rrggbb' colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _lighter(colour: str, white: float) -> str:
    """`colour` mixed with this share of white (0 to 1)."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in channels)


def _muted_on(colour: str) -> str:
    """Secondary text on `colour`: white with a little of it, as much as leaves the text legible (WCAG AA)."""
    for share in (0.25, 0.12, 0.06):
        channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        muted = "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in channels)
        if contrast(muted, colour) >= MIN_CONTRAST:
            return muted
    return WHITE


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two '#rrggbb' colours, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_problems(section: dict[str, Any]) -> dict[str, Text]:
    """What is wrong with each colour key of a `[branding]` table, by key: not a hex colour, or too little contrast
    for the text written on it."""
    problems: dict[str, Text] = {}
    for key, text_on_it in COLOUR_KEYS.items():
        value = section[key]
        colour = normal_hex(value)
        if colour is None:
            problems[key] = say("problem.colour.not_hex", value=value)
            continue
        # The screens' tiles are the lightest surface their white text is written on.
        surface = _lighter(colour, PANEL_WHITE) if key == "screen_background" else colour
        ratio = contrast(surface, WHITE)
        if ratio < MIN_CONTRAST:
            problems[key] = say("problem.colour.too_light", colour=colour, on=say(text_on_it), ratio=f"{ratio:.2f}",
                                needed=MIN_CONTRAST)
    return problems


def logo_path(logo: str) -> str:
    """Where the build publishes a site's logo file (named by its path in the site), or '' for none."""
    if not logo:
        return ""
    suffix = "." + logo.rsplit(".", 1)[-1].lower() if "." in logo else ""
    return f"{LOGO_FOLDER}/logo{suffix}"


def from_config(section: dict[str, Any]) -> Branding:
    """The branding of a checked `[branding]` table (see config/schema.py, whose check leaves only hex colours)."""
    branding = Branding(logo=logo_path(section["logo"]),
                        **{key: normal_hex(section[key]) or section[key] for key in COLOUR_KEYS})
    if branding.primary != DEFAULT_PRIMARY:  # the site's house colour also draws its charts and screen bars
        muted = _muted_on(branding.primary)
        branding = replace(branding, chart=branding.primary, screen_bar=branding.primary, masthead_muted=muted,
                           screen_bar_muted=muted)
    if branding.screen_background != DEFAULT_SCREEN_BACKGROUND:  # tiles and tracks in its own hue
        background = branding.screen_background
        panel = _lighter(background, PANEL_WHITE)
        branding = replace(branding, screen_panel=panel, screen_track=_lighter(background, TRACK_WHITE),
                           screen_muted=_muted_on(panel))
    return branding
