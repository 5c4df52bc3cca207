"""The display's colours; every text/background pair has a contrast of at least 7:1 (WCAG AAA)."""

from __future__ import annotations

BACKGROUND = "#0a1628"
PANEL = "#13243d"
TEXT = "#ffffff"
MUTED = "#c9d3e0"
ACCENT = "#ffd23f"
OFFLINE_DOT = "#ff6b5b"

# Every (text, background) pair the widgets use, so a test can check them all.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    (TEXT, BACKGROUND),
    (TEXT, PANEL),
    (MUTED, BACKGROUND),
    (MUTED, PANEL),
    (ACCENT, PANEL),
    (ACCENT, BACKGROUND),
    (BACKGROUND, ACCENT),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an `#rrggbb` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
