"""The narrowest honest range: a forecaster that knows the scenario's model, but not the day's future draws.

At every ticket drawn in a twin day (`server.simulation.twin`), the rest of the day is played on many
times from that very state with fresh draws (future arrivals, the cases' lengths, who gives up, which
booked citizens come) and the range holding `RANGE_LEVEL` of the simulated waits is what such a
forecaster would show. Its share inside, width and interval score on the twin day's actual waits say how
far any forecast can get on the scenario: no forecaster that does not know the future draws does better
on average.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass, field

from server.forecast.ranges import RANGE_LEVEL
from server.office.schema import SiteConfig
from server.simulation.report import winkler
from server.simulation.scenario import DayPlan, Scenario
from server.simulation.twin import Model, Person, Twin


@dataclass(frozen=True)
class Shown:
    """What the oracle shows one ticket, and what happened."""

    service: str
    appointment: bool
    day: str
    drawn: float
    low: int
    high: int
    point: float  # the median of the simulated waits
    wait: float

    @property
    def inside(self) -> bool:
        """Whether the actual wait fell inside the shown range."""
        return self.low <= self.wait <= self.high


def shortest_range(samples: list[float], level: float = RANGE_LEVEL) -> tuple[float, float]:
    """The narrowest interval holding `level` of the samples (at least that many of them)."""
    ordered = sorted(samples)
    need = max(math.ceil(level * len(ordered)), 1)
    best = min(range(len(ordered) - need + 1), key=lambda i: ordered[i + need - 1] - ordered[i])
    return ordered[best], ordered[best + need - 1]


def shown_range(samples: list[float], level: float = RANGE_LEVEL) -> tuple[int, int]:
    """The narrowest range of the samples in whole minutes, rounded outwards like the server's."""
    low, high = shortest_range(samples, level)
    return max(math.floor(low), 0), math.ceil(high) if math.isfinite(high) else 10**6


@dataclass
class OracleDay:
    """One twin day with the oracle's range for every ticket that was called."""

    day: str
    shown: list[Shown] = field(default_factory=list)
    refused: int = 0


def oracle_day(
    *, scenario: Scenario, plan: DayPlan, site: SiteConfig, seed: int, forks: int, level: float = RANGE_LEVEL
) -> OracleDay:
    """Play one day and, at every ticket drawn, `forks` continuations from that moment."""
    model = Model.of(scenario, plan, site)
    twin = Twin(model, random.Random(f"oracle-{seed}-{plan.date.isoformat()}"))
    twin.plan_day()
    draws = random.Random(f"oracle-forks-{seed}-{plan.date.isoformat()}")
    samples: dict[int, list[float]] = {}

    def at_drawing(state: Twin, person: Person) -> None:
        waits: list[float] = []
        for _ in range(forks):
            fork = state.fork(random.Random(draws.getrandbits(64)), person.key)
            fork.run()
            called = fork.watch_called
            waits.append(math.inf if called is None else called - person.drawn)
        samples[person.key] = waits

    twin.on_drawn = at_drawing
    twin.run()
    result = OracleDay(day=plan.date.isoformat(), refused=twin.refused)
    for person in twin.log:
        if person.called is None:
            continue
        low, high = shown_range(samples[person.key], level)
        finite = [w for w in samples[person.key] if math.isfinite(w)]
        result.shown.append(Shown(
            service=person.service, appointment=person.appointment, day=result.day, drawn=person.drawn,
            low=low, high=high, point=statistics.median(finite) if finite else math.inf,
            wait=person.called - person.drawn,
        ))
    return result


@dataclass(frozen=True)
class OracleFigures:
    """The oracle's headline figures over a set of tickets."""

    tickets: int
    median_wait: float
    inside: float
    worst_service: str
    worst_inside: float
    median_width: float
    width_per_wait: float
    score: float
    median_abs_error: float


def figures(shown: list[Shown], *, min_service_tickets: int = 20) -> OracleFigures:
    """Share inside, width, interval score and point error, overall and for the weakest service."""
    services: dict[str, list[Shown]] = {}
    for item in shown:
        services.setdefault(item.service, []).append(item)
    shares = {s: sum(i.inside for i in items) / len(items) for s, items in services.items()
              if len(items) >= min_service_tickets}
    worst = min(shares, key=lambda s: shares[s]) if shares else "-"
    median_wait = statistics.median(i.wait for i in shown)
    width = statistics.median(i.high - i.low for i in shown)
    return OracleFigures(
        tickets=len(shown), median_wait=round(median_wait, 1),
        inside=round(sum(i.inside for i in shown) / len(shown), 4),
        worst_service=worst, worst_inside=round(shares.get(worst, 1.0), 4),
        median_width=round(width, 1), width_per_wait=round(width / median_wait, 2) if median_wait else math.inf,
        score=round(statistics.fmean(winkler(i.low, i.high, i.wait) for i in shown), 1),
        median_abs_error=round(statistics.median(abs(i.point - i.wait) for i in shown), 1),
    )
