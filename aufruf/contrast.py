"""WCAG 2 contrast between two colours, shared by every screen's colour checks."""

from __future__ import annotations

import re

# The rule every Aufruf screen keeps for text: WCAG AAA, 7:1 (display, kiosk, status page).
MINIMUM_TEXT_CONTRAST = 7.0
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an `#rrggbb` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
