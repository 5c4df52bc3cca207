"""Pure arithmetic of calibrated ranges: normalized errors, their quantiles, and the range they give."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Errors are measured relative to the expected wait plus the line's service time (at least this
# many minutes): a short forecast misses by about one service, a long one by a share of itself.
SCALE_FLOOR_MINUTES = 3.0
# The shares of the misses a range may leave below it; the rest fall above (see `shortest_bounds`).
SPLIT_SHARES = (0.2, 0.3, 0.4, 0.5)


def error_scale(expected: float, service_minutes: float) -> float:
    """The unit a forecast's error is measured in (minutes)."""
    return max(expected, 0.0) + max(service_minutes, SCALE_FLOOR_MINUTES)


def normalized_error(*, actual: float, expected: float, scale: float) -> float:
    """How far the actual wait fell from the expected one, in units of the scale."""
    return (actual - expected) / scale


def conformal_bounds(errors: Sequence[float], level: float) -> tuple[float, float]:
    """Lower and upper normalized errors that held `level` of past cases, with the finite-sample correction."""
    return split_bounds(sorted(errors), level, (1 - level) / 2)


def split_bounds(ordered: Sequence[float], level: float, lower_tail: float) -> tuple[float, float]:
    """Bounds from sorted errors leaving `lower_tail` below and the rest of 1 - `level` above."""
    n = len(ordered)
    upper_tail = (1 - level) - lower_tail
    # Split-conformal: the ceil((n+1)(1-tail))-th smallest of n scores bounds a new one with that probability.
    upper = min(math.ceil((n + 1) * (1 - upper_tail)), n) - 1
    lower = max(math.floor((n + 1) * lower_tail), 1) - 1
    return ordered[lower], ordered[upper]


def shortest_bounds(errors: Sequence[float], level: float) -> tuple[float, float]:
    """Of the splits of the misses between the two tails, the narrowest range that held `level` of past cases.

    Wait errors are skewed (a late call can be much later, an early one only so much earlier): the even
    split wastes width on the short side.
    """
    ordered = sorted(errors)
    miss = 1 - level
    splits = [miss * share for share in SPLIT_SHARES]
    return min((split_bounds(ordered, level, tail) for tail in splits), key=lambda b: b[1] - b[0])


def calibrated_range(*, expected: float, scale: float, bounds: tuple[float, float]) -> tuple[int, int]:
    """The range in whole minutes around an expected wait from calibrated error bounds."""
    low = max(0, math.floor(expected + bounds[0] * scale))
    high = max(low + 1, math.ceil(expected + bounds[1] * scale))
    return low, high
