"""Pixel sizes for a screen: everything scales with its height, the number never below the legibility rule."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Cap height relative to the font's pixel size, on the safe side (DejaVu Sans Bold measures 0.65 in Qt).
CAP_RATIO = 0.62
DEFAULT_DIAGONAL_INCHES = 55.0


def px_per_mm(width: int, height: int, diagonal_inches: float) -> float:
    """Pixels per millimetre of a screen of a given diagonal showing width by height pixels."""
    return math.hypot(width, height) / (diagonal_inches * 25.4)


@dataclass(frozen=True)
class Sizes:
    """Font pixel sizes and spacing for one window size."""

    number: int
    min_number_cap: float
    label: int
    secondary: int
    recent: int
    lines: int
    clock: int
    ticker: int
    offline: int
    margin: int

    def scaled(self, factor: float) -> Sizes:
        """Everything smaller by a factor, to fit a crowded screen; the number shrinks least, never below the rule."""
        if factor >= 1:
            return self
        floor = math.ceil(self.min_number_cap / CAP_RATIO)

        def s(value: int, least: int = 1) -> int:
            return max(least, round(value * factor))

        return Sizes(
            number=max(floor, round(self.number * (1 + factor) / 2)), min_number_cap=self.min_number_cap,
            label=s(self.label),
            secondary=s(self.secondary), recent=s(self.recent), lines=s(self.lines), clock=s(self.clock),
            ticker=s(self.ticker), offline=s(self.offline, 10), margin=s(self.margin),
        )

    @property
    def fits_rule(self) -> bool:
        """Whether the number font meets the rule (at the nominal cap ratio)."""
        return self.number * CAP_RATIO >= self.min_number_cap - 0.5


def sizes_for(width: int, height: int, *, min_number_mm: float, diagonal_inches: float) -> Sizes:
    """Sizes for a window; shares of the height (of the width on a portrait screen, its short side)."""
    h = max(min(height, width), 1)
    min_cap = min_number_mm * px_per_mm(width, height, diagonal_inches)
    number = max(round(0.22 * h), math.ceil(min_cap / CAP_RATIO))
    return Sizes(
        number=number,
        min_number_cap=min_cap,
        label=round(0.03 * h),
        secondary=round(0.019 * h),
        recent=round(0.06 * h),
        lines=round(0.026 * h),
        clock=round(0.05 * h),
        ticker=round(0.032 * h),
        offline=max(10, round(0.016 * h)),
        margin=round(0.015 * h),
    )
