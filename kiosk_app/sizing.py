"""Touch targets sized from the screen's physical resolution."""

from __future__ import annotations

import math

MIN_TOUCH_PX = 44  # WCAG 2.5.5 target size in CSS pixels
MIN_TOUCH_MM = 9.0  # ISO 9241-9 / common kiosk guidance for a fingertip
MM_PER_INCH = 25.4


def touch_target_px(physical_dpi: float, *, mm: float = MIN_TOUCH_MM, minimum: int = MIN_TOUCH_PX) -> int:
    """The smallest button side in pixels: at least `minimum` px and `mm` millimetres."""
    if not physical_dpi or physical_dpi <= 0 or math.isnan(physical_dpi):
        return minimum  # a screen that does not know its size: fall back to pixels
    return max(minimum, math.ceil(mm * physical_dpi / MM_PER_INCH))
