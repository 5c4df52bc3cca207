"""What a simulated day looks like: arrivals, service times, staffing, appointments and no-shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class ServiceLoad:
    """Demand and handling of one service."""

    walk_ins_per_hour: float
    # Real occupations are log-normal: a median and a spread (sigma of the log).
    median_minutes: float
    sigma: float = 0.45
    appointments_per_hour: float = 0.0


@dataclass(frozen=True)
class Shift:
    """When a counter is staffed (local times)."""

    counter: str
    start: time
    end: time


@dataclass(frozen=True)
class Scenario:
    """One office day; the same seed gives the same day."""

    day: date
    seed: int
    loads: dict[str, ServiceLoad]
    shifts: list[Shift]
    # Arrivals follow the office's opening periods; these bound the day further (e.g. a morning only).
    first_arrival: time = time(8, 0)
    last_arrival: time = time(18, 0)
    walk_in_no_show: float = 0.05  # called, but gone
    appointment_no_show: float = 0.3  # booked, never came (the reports speak of up to 50 %)
    appointment_cancelled: float = 0.05  # cancelled by phone before the day
    # Booked citizens arrive this many minutes before (negative: after) their time, uniformly.
    appointment_arrival: tuple[float, float] = (-8.0, 25.0)
    walk_to_counter_minutes: float = 0.5
    no_show_wait_minutes: float = 2.0
    appointment_hours: tuple[time, time] = (time(8, 30), time(12, 0))
    appointment_slots: dict[str, int] = field(default_factory=dict)


def example_day(
    *, seed: int = 1, day: date = date(2026, 11, 24), morning_only: bool = False, last_arrival: time | None = None
) -> Scenario:
    """A Tuesday at the example Bürgeramt Mitte (examples/buergeramt.toml); `last_arrival` cuts the day short."""
    loads = {
        "anmeldung": ServiceLoad(9.0, 10.0, appointments_per_hour=2.0),
        "ausweis": ServiceLoad(7.0, 13.0, appointments_per_hour=2.0),
        "fuehrungszeugnis": ServiceLoad(5.0, 4.0, 0.5),
        "meldebescheinigung": ServiceLoad(5.0, 3.0, 0.5),
        "abholung": ServiceLoad(7.0, 2.5, 0.4),
        "kfz": ServiceLoad(6.0, 16.0, appointments_per_hour=1.0),
        "standesamt": ServiceLoad(5.0, 10.0),
    }
    end = time(12, 30) if morning_only else time(18, 0)
    shifts = [Shift(str(n), time(8, 0), end) for n in range(1, 9) if n != 5]
    # Counter 5 joins late: the forecast must notice staffing that changes during the day.
    shifts.append(Shift("5", time(9, 30), end))
    return Scenario(
        day=day,
        seed=seed,
        loads=loads,
        shifts=shifts,
        last_arrival=last_arrival or (time(12, 30) if morning_only else time(18, 0)),
        appointment_hours=(time(8, 30), time(12, 0)) if morning_only else (time(8, 30), time(17, 0)),
    )
