"""The model-knowing oracle and its twin day, on cases whose waits can be worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from server.office.schema import CounterConfig, ServiceConfig, SiteConfig
from server.simulation.oracle import oracle_day, shortest_range
from server.simulation.scenario import Burst, DayPlan, Handling, Scenario, ServiceDemand, Shift

TUESDAY = date(2026, 11, 24)


def _site(counters: int) -> SiteConfig:
    return SiteConfig(
        id="hier", name="Hier", opening_hours={"tue": [("08:00", "12:00")]},
        services=[ServiceConfig(id="melde", prefix="M", names={"de": "Melde", "en": "Registration"})],
        counters=[CounterConfig(id=str(n), name=f"Platz {n}", services=["melde"]) for n in range(1, counters + 1)],
    )


def _scenario(*, spread: float, shifts: list[Shift]) -> Scenario:
    demand = ServiceDemand(
        id="melde", handling=Handling(median_minutes=10, spread=spread), no_show=0.0,
        bursts=[Burst(at="08:00", count=3)],
    )
    return Scenario(name="Drei um acht", office="-", seeds=[1], days=[DayPlan(date=TUESDAY)], services=[demand],
                    shifts=shifts)


def test_with_nothing_left_to_chance_the_oracle_shows_each_wait_exactly() -> None:
    # Three citizens at 08:00, one counter, every case 10 minutes plus half a minute's walk: 0, 10.5, 21.
    scenario = _scenario(spread=0.0, shifts=[Shift(counter="1", start="08:00", end="12:00")])
    day = oracle_day(scenario=scenario, plan=scenario.days[0], site=_site(1), seed=1, forks=20)
    shown = sorted((s.wait, s.low, s.high) for s in day.shown)
    assert [round(w, 2) for w, _, _ in shown] == [0.0, 10.5, 21.0]
    assert [(low, high) for _, low, high in shown] == [(0, 0), (10, 11), (21, 21)]
    assert all(s.inside for s in day.shown)


def test_the_oracle_knows_a_clerk_leaves_early_and_random_cases_widen_its_range() -> None:
    # Two counters, the second leaves at 08:05 whoever waits: the third citizen waits for the first counter.
    shifts = [Shift(counter="1", start="08:00", end="12:00"),
              Shift(counter="2", start="08:00", end="08:05", until_empty=False)]
    scenario = _scenario(spread=0.0, shifts=shifts)
    day = oracle_day(scenario=scenario, plan=scenario.days[0], site=_site(2), seed=1, forks=20)
    assert sorted(round(s.wait, 2) for s in day.shown) == [0.0, 0.0, 10.5]
    assert all(s.low == s.high or s.high - s.low == 1 for s in day.shown)
    spread = _scenario(spread=0.5, shifts=shifts)
    day = oracle_day(scenario=spread, plan=spread.days[0], site=_site(2), seed=1, forks=200)
    last = max(day.shown, key=lambda s: s.wait)
    assert last.high - last.low >= 5  # the first counter's case may take 5 minutes or 20


def test_the_shortest_range_holds_its_share_of_the_samples() -> None:
    samples = [0.0, 1, 2, 3, 4, 5, 6, 7, 8, 50]
    assert shortest_range(samples, level=0.9) == (0.0, 8)
    assert shortest_range([5.0] * 10, level=0.86) == pytest.approx((5.0, 5.0))
