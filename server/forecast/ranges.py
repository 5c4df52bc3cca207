"""From expected call times to the ranges citizens are shown, and the forecast object that holds them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from server.calibration.conformal import calibrated_range, error_scale
from server.forecast.durations import Durations

# Until the site's own errors calibrate it, the range is expected ± Z standard deviations of the summed
# service times, plus a share of the expected wait for what the replay cannot know (later walk-ins of
# more urgent services, people who give up, clerks' pauses). See docs/estimates.md.
Z = 1.28
RANGE_LEVEL = 0.86  # the share of waits a calibrated range is meant to hold (its nominal level)
# The level the calibration aims at on past errors. Above the nominal one because errors drift within a
# day and a wait's error is known only when the ticket is called: past errors at 0.86 held 80-88 % of new
# waits on the shipped scenarios, at 0.90 they hold 84-92 % (docs/estimates.md).
CALIBRATION_LEVEL = 0.90
EARLY_SHARE = 0.2
LATE_SHARE = 0.45
SLACK_MINUTES = 1.0


def wait_range(*, expected: float, service_minutes: float, cv: float, servers: int) -> tuple[int, int]:
    """A low-high range in whole minutes around an expected wait, by the fixed margins."""
    spread = Z * cv * math.sqrt(max(expected, 0.0) * service_minutes / max(servers, 1))
    low = max(0, math.floor(expected - spread - EARLY_SHARE * expected))
    high = max(low + 1, math.ceil(expected + spread + LATE_SHARE * expected + SLACK_MINUTES))
    return low, high


def job_range(
    *, expected: float, figures: Durations, servers: int, bounds: tuple[float, float] | None
) -> tuple[int, int]:
    """Calibrated on recent errors once there are enough of them; until then the fixed margins."""
    if bounds is None:
        return wait_range(expected=expected, service_minutes=figures.median, cv=figures.cv, servers=servers)
    return calibrated_range(expected=expected, scale=error_scale(expected, figures.median), bounds=bounds)


def new_key(service_pk: int, *, priority: bool = False) -> tuple[str, int]:
    """The forecast's key of a ticket drawn now: a walk-in, or a citizen called first (an on-time appointment)."""
    return ("new_priority" if priority else "new", service_pk)


@dataclass(frozen=True)
class RangeRule:
    """How a range is made around an expected wait of one kind of new ticket: its figures and calibration."""

    figures: Durations
    servers: int
    bounds: tuple[float, float] | None

    def range(self, expected: float) -> tuple[int, int]:
        """The range shown around this expected wait."""
        return job_range(expected=expected, figures=self.figures, servers=self.servers, bounds=self.bounds)


@dataclass(frozen=True)
class Forecast:
    """Expected call times and ranges for every waiting ticket and for a new ticket of each service."""

    expected: dict[Any, float]
    ranges: dict[Any, tuple[int, int]]
    service_minutes: dict[int, float]
    waiting: int = 0
    served: frozenset[int] = frozenset()  # services some serving counter takes now
    # Per service pk: minutes each ticket drawn since the forecast adds to the wait of the next one (its
    # expected counter time over the counters that take the line), as a replay with it in would add.
    per_ticket: dict[int, float] = field(default_factory=dict)
    rules: dict[Any, RangeRule] = field(default_factory=dict)  # per new-ticket key

    def for_ticket(self, ticket_id: int | None) -> tuple[int, int] | None:
        """The range of a waiting ticket, or None if it is not waiting."""
        return self.ranges.get(("ticket", ticket_id))

    def for_new(self, service_pk: int) -> tuple[int, int] | None:
        """The range a ticket drawn now for this service would be shown, or None while no counter serves it."""
        return self.for_arrival(service_pk)

    def arrival_expected(self, service_pk: int, *, newer_ahead: int = 0, priority: bool = False) -> float | None:
        """Expected minutes until a ticket drawn now is called, with `newer_ahead` tickets the forecast has not
        seen before it in its line; None while no counter serves the service."""
        called = self.expected.get(new_key(service_pk, priority=priority))
        if called is None or service_pk not in self.served:
            return None
        return called + newer_ahead * self.per_ticket.get(service_pk, 0.0)

    def for_arrival(self, service_pk: int, *, newer_ahead: int = 0, priority: bool = False) -> tuple[int, int] | None:
        """The range of a ticket drawn now with `newer_ahead` unseen tickets before it (see `arrival_expected`)."""
        key = new_key(service_pk, priority=priority)
        if service_pk not in self.served or key not in self.ranges:
            return None
        rule = self.rules.get(key)
        if not newer_ahead or rule is None:
            return self.ranges[key]
        expected = self.arrival_expected(service_pk, newer_ahead=newer_ahead, priority=priority)
        return None if expected is None else rule.range(expected)

    def done_new(self, service_pk: int) -> float | None:
        """Expected minutes until a ticket drawn now would be served, or None if no counter serves it."""
        called = self.expected.get(("new", service_pk))
        return None if called is None else called + self.service_minutes.get(service_pk, 0.0)
