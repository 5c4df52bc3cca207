"""The display's colours; every text/background pair has a contrast of at least 7:1 (WCAG AAA)."""

from __future__ import annotations

# Re-exported: the widgets and tests check their pairs with the one shared formula.
from aufruf.contrast import contrast as contrast
from aufruf.contrast import relative_luminance as relative_luminance

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
