"""Which recorded forecasts have come true, and the calibration sample they make: pure, no database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from server.calibration.conformal import normalized_error, shortest_bounds

OWN_SAMPLES = 40  # a line's own most recent errors, when it has that many
MIN_OWN = 20  # below this, the site's other walk-in lines fill up
MIN_SAMPLES = 12  # below this, no calibration: the fixed margins apply

Band = Callable[[datetime], int]  # the hour band (local hour of the day) a forecast was made in


@dataclass(frozen=True)
class Outcome:
    """One recorded forecast as known at some moment: what was expected and, if called by then, when."""

    service_pk: int
    appointment: bool
    issued_at: datetime
    expected: float  # minutes from drawing to the call, as forecast
    scale: float  # the unit its error is measured in (`error_scale`)
    called_at: datetime | None  # None: not called (yet)
    waiting: bool  # still waiting at the moment (not given up, not ended)
    transferred: bool = False  # moved to another line: its call time is the second line's
    recalled: bool = False  # called by number (back from parking, a no-show recalled): `called_at` is that call


@dataclass
class Calibration:
    """Recent normalized errors per walk-in line and hour band, of appointments, and of the site, newest first."""

    lines: dict[int, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    appointments: list[tuple[int, float]] = field(default_factory=list)
    pool: list[tuple[int, float]] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """Whether enough forecasts have come true to calibrate anything."""
        return len(self.pool) + len(self.appointments) >= MIN_SAMPLES

    def bounds(self, *, service_pk: int, appointment: bool, level: float, band: int) -> tuple[float, float] | None:
        """Error bounds for a line at a level, or None while too few forecasts have come true.

        The line's errors made in the same hour band come first (today's, then earlier days'), then the
        line's others, then the site's in that band and the site's others: a crowd at opening, a lunch gap
        or a thin afternoon each err in their own way.
        """
        own = self.appointments if appointment else self.lines.get(service_pk, [])
        sample = [e for b, e in own if b == band][:OWN_SAMPLES]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in own if b != band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in self.pool if b == band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in self.pool if b != band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_SAMPLES:
            return None
        return shortest_bounds(sample, level)


def calibration_from(outcomes: Iterable[Outcome], *, now: datetime, band: Band) -> Calibration:
    """The errors known at `now`, newest forecast first; the overdue still waiting count as that late."""
    calibration = Calibration()
    for outcome in outcomes:
        if outcome.transferred or outcome.recalled:
            # Transferred: its call is the second line's. Recalled (back from parking, a no-show called by
            # number): the database holds that later call, not when the wait ended.
            continue
        if outcome.called_at is not None:
            actual = (outcome.called_at - outcome.issued_at).total_seconds() / 60
        elif outcome.waiting:
            actual = (now - outcome.issued_at).total_seconds() / 60
            if actual <= outcome.expected:
                continue  # not yet known whether early or late
        else:
            continue  # gave up or ended uncalled
        error = (band(outcome.issued_at),
                 normalized_error(actual=actual, expected=outcome.expected, scale=outcome.scale))
        (calibration.appointments if outcome.appointment else calibration.lines[outcome.service_pk]).append(error)
        if not outcome.appointment:
            calibration.pool.append(error)
    return calibration
