"""High-contrast look: white on dark blue, black on yellow for what can be touched."""

from __future__ import annotations

from dataclasses import dataclass

BACKGROUND = "#0a1e3c"
TEXT = "#ffffff"
ACTION = "#ffd400"  # black on this yellow: contrast ratio about 14:1
ACTION_TEXT = "#000000"
CLOSED = "#d9d9d9"
CLOSED_TEXT = "#1a1a1a"
WARNING = "#ffb3b3"
WARNING_TEXT = "#000000"


@dataclass(frozen=True)
class Metrics:
    """Sizes derived from the screen: the smallest touch target and the text size."""

    touch_px: int
    font_px: int

    @classmethod
    def for_screen(cls, touch_px: int, *, large_text: bool) -> Metrics:
        """Body text scales with the touch target, and by half again in large-text mode."""
        base = max(20, touch_px // 2)
        return cls(touch_px=touch_px, font_px=int(base * 1.5) if large_text else base)


def stylesheet(metrics: Metrics) -> str:
    """The whole kiosk's Qt style sheet."""
    f = metrics.font_px
    return f"""
    QWidget#kiosk {{ background: {BACKGROUND}; }}
    QWidget {{ color: {TEXT}; font-size: {f}px; font-family: "DejaVu Sans"; }}
    QLabel#title {{ font-size: {int(f * 1.8)}px; font-weight: bold; }}
    QLabel#number {{ font-size: {f * 5}px; font-weight: bold; color: {ACTION}; }}
    QLabel#warning {{ background: {WARNING}; color: {WARNING_TEXT}; padding: {f // 2}px; }}
    QLabel#office_notice {{ background: {ACTION}; color: {ACTION_TEXT}; padding: {f // 2}px; font-weight: bold; }}
    QLabel#notice {{ background: {TEXT}; color: {BACKGROUND}; padding: {f // 2}px; font-weight: bold; }}
    QLabel#code {{ background: {TEXT}; color: {ACTION_TEXT}; font-family: "DejaVu Sans Mono";
                   font-size: {int(f * 1.5)}px; padding: {f // 3}px; }}
    QPushButton {{ background: {ACTION}; color: {ACTION_TEXT}; border: 3px solid {TEXT};
                   border-radius: 10px; padding: {f // 2}px; font-weight: bold; }}
    QPushButton:pressed {{ background: {TEXT}; }}
    QPushButton:checked {{ background: {TEXT}; border-color: {ACTION}; }}
    QPushButton:disabled {{ background: {CLOSED}; color: {CLOSED_TEXT}; }}
    QPushButton QLabel {{ color: {ACTION_TEXT}; background: transparent; }}
    QPushButton:disabled QLabel {{ color: {CLOSED_TEXT}; }}
    QLabel#service_name {{ font-size: {int(f * 1.2)}px; font-weight: bold; }}
    QLabel#out_of_order_heading {{ font-size: {int(f * 1.2)}px; font-weight: bold; }}
    """
