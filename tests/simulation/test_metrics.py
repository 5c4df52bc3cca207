"""The arithmetic of the report and the calibration, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.calibration.conformal import calibrated_range, conformal_bounds, error_scale
from server.simulation.baselines import LineWatch
from server.simulation.report import winkler


def test_winkler_score_is_width_plus_scaled_miss() -> None:
    assert winkler(10, 20, 15, alpha=0.2) == 10
    assert winkler(10, 20, 25, alpha=0.2) == 10 + 10 * 5  # 2/0.2 = 10 per minute above
    assert winkler(10, 20, 4, alpha=0.1) == 10 + 20 * 6


def test_conformal_bounds_take_the_corrected_order_statistics() -> None:
    errors = [float(n) for n in range(1, 20)]  # 19 errors: 1 … 19
    # Level 0.9: the ceil(20 × 0.95) = 19th smallest above, the floor(20 × 0.05) = 1st below.
    assert conformal_bounds(errors, 0.9) == (1.0, 19.0)
    # Level 0.5: the 15th and 5th smallest.
    assert conformal_bounds(errors, 0.5) == (5.0, 15.0)


def test_calibrated_range_rounds_outwards_and_never_below_zero() -> None:
    assert error_scale(20.0, 10.0) == 30.0
    assert error_scale(0.0, 1.0) == 3.0  # at least three minutes
    assert calibrated_range(expected=20.0, scale=30.0, bounds=(-0.25, 0.5)) == (12, 35)
    assert calibrated_range(expected=1.0, scale=4.0, bounds=(-1.0, 0.1)) == (0, 2)


def test_baselines_from_the_line_history() -> None:
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    watch = LineWatch({"a": 10.0})
    at = start
    watch.joined(token="t1", service="a", at=at)
    watch.joined(token="t2", service="a", at=at + timedelta(minutes=2))
    # Nobody called yet: LES knows nothing, HOL is the head's wait, queue length uses the typical time.
    guess = watch.predict(service="a", ahead=2, now=at + timedelta(minutes=6), open_desks=[["a"], ["a", "b"], ["b"]])
    assert guess == pytest.approx({"queue_length": 2 * 10.0 / 2, "les": 0.0, "hol": 6.0})
    watch.called(token="t1", service="a", at=at + timedelta(minutes=7))
    watch.finished(token="t1", at=at + timedelta(minutes=11))
    guess = watch.predict(service="a", ahead=1, now=at + timedelta(minutes=12), open_desks=[["a"]])
    # LES: t1 waited 7 minutes; HOL: t2 has waited 10; mean service is now the one observed, 4 minutes.
    assert guess == pytest.approx({"queue_length": 4.0, "les": 7.0, "hol": 10.0})
