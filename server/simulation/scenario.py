"""Office scenarios as TOML files: demand, handling, staffing and behaviour of one or several days."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from server.office.schema import WEEKDAY

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS: tuple[WEEKDAY, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _clock(value: str) -> str:
    if not CLOCK.match(value):
        raise ValueError(f"times must be HH:MM, got {value!r}")
    return value


def clock(value: str) -> time:
    """A validated HH:MM string as a time."""
    return time.fromisoformat(value)


class Band(Strict):
    """Walk-ins arriving at random (Poisson) at a steady rate between two times."""

    start: str
    end: str
    per_hour: float = Field(ge=0, le=600)

    _times = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start >= self.end:
            raise ValueError(f"band {self.start}-{self.end} ends before it starts")
        return self


class Burst(Strict):
    """A crowd: `count` walk-ins arriving within `within_minutes` from `at` (0: all at once)."""

    at: str
    count: int = Field(ge=1, le=500)
    within_minutes: float = Field(default=0.0, ge=0, le=120)

    _time = field_validator("at")(_clock)


class Handling(Strict):
    """Service time at the counter: log-normal around a median, plus a share of long cases."""

    median_minutes: float = Field(gt=0, le=240)
    spread: float = Field(default=0.45, ge=0, le=2.0)  # sigma of the logarithm
    long_share: float = Field(default=0.0, ge=0, le=1)
    long_factor: float = Field(default=3.0, ge=1, le=20)  # a long case takes this many times as long


class Bookings(Strict):
    """Booked appointments: one every 1/per_hour hours between start and end."""

    per_hour: float = Field(gt=0, le=60)
    start: str
    end: str
    no_show: float = Field(default=0.3, ge=0, le=1)
    cancelled: float = Field(default=0.05, ge=0, le=1)
    early_minutes: float = Field(default=25.0, ge=0, le=240)  # the earliest arrive this early
    late_minutes: float = Field(default=8.0, ge=0, le=240)  # the latest this late

    _times = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start >= self.end:
            raise ValueError(f"bookings {self.start}-{self.end} end before they start")
        if self.no_show + self.cancelled > 1:
            raise ValueError("no_show and cancelled together exceed 1")
        return self


class Patience(Strict):
    """A share of walk-ins give their ticket back after a log-normal wait around a median."""

    share: float = Field(ge=0, le=1)
    median_minutes: float = Field(gt=0, le=600)


class Transfer(Strict):
    """A share of this service's citizens is sent on to another service's line after being served."""

    to: str
    share: float = Field(gt=0, le=1)


class ServiceDemand(Strict):
    """Demand and handling of one service of the office."""

    id: str
    handling: Handling
    walk_ins: list[Band] = Field(default_factory=list)
    bursts: list[Burst] = Field(default_factory=list)
    appointments: Bookings | None = None
    patience: Patience | None = None
    no_show: float = Field(default=0.05, ge=0, le=1)  # called walk-ins who are gone
    transfers: list[Transfer] = Field(default_factory=list)
    park_share: float = Field(default=0.0, ge=0, le=1)  # parked (a document missing) and called back
    park_minutes: float = Field(default=10.0, gt=0, le=240)  # until a parked citizen is back

    @model_validator(mode="after")
    def _shares(self) -> Self:
        if sum(t.share for t in self.transfers) + self.park_share > 1:
            raise ValueError("transfer and park shares together exceed 1")
        return self


class Break(Strict):
    """A clerk's break: the counter pauses after the current citizen."""

    at: str
    minutes: float = Field(gt=0, le=240)

    _time = field_validator("at")(_clock)


class Shift(Strict):
    """When a counter is staffed; `until_empty = false` is a clerk who leaves at `end` whoever still waits."""

    counter: str
    start: str
    end: str
    breaks: list[Break] = Field(default_factory=list)
    until_empty: bool = True

    _times = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start >= self.end:
            raise ValueError(f"shift {self.start}-{self.end} ends before it starts")
        for pause in self.breaks:
            if not self.start <= pause.at < self.end:
                raise ValueError(f"break at {pause.at} is outside the shift {self.start}-{self.end}")
        return self


class DayPlan(Strict):
    """One simulated day: its date (the weekday picks the opening hours) and what differs from the usual."""

    date: date
    label: str = ""
    # An earlier day that gives the forecast its usual history (service times, past errors); not reported.
    history: bool = False
    site: str | None = None  # another site of the office, e.g. the mobile office
    walk_in_factor: float = Field(default=1.0, ge=0, le=10)
    appointment_factor: float = Field(default=1.0, ge=0, le=10)
    service_factors: dict[str, float] = Field(default_factory=dict)  # walk-ins of these services × factor
    shifts: list[Shift] | None = None  # instead of the scenario's

    @field_validator("service_factors")
    @classmethod
    def _factors(cls, factors: dict[str, float]) -> dict[str, float]:
        for key, value in factors.items():
            if not 0 <= value <= 10:
                raise ValueError(f"factor for {key!r} must be between 0 and 10, got {value}")
        return factors


class Scenario(Strict):
    """The whole scenario file."""

    name: str = Field(min_length=1)
    description: str = ""
    office: str  # the office file, relative to the scenario file
    site: str | None = None  # default: the office's first site
    seeds: list[int] = Field(min_length=1)
    days: list[DayPlan] = Field(min_length=1)
    services: list[ServiceDemand] = Field(min_length=1)
    shifts: list[Shift] = Field(min_length=1)
    walk_to_counter_minutes: float = Field(default=0.5, ge=0, le=30)
    no_show_wait_minutes: float = Field(default=2.0, ge=0, le=30)  # how long a clerk waits for a called citizen

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        seen: set[str] = set()
        for demand in self.services:
            if demand.id in seen:
                raise ValueError(f"service '{demand.id}' appears more than once")
            seen.add(demand.id)
        for demand in self.services:
            for transfer in demand.transfers:
                if transfer.to not in seen or transfer.to == demand.id:
                    raise ValueError(f"service '{demand.id}' transfers to '{transfer.to}', not another listed service")
        if all(plan.history for plan in self.days):
            raise ValueError("every day is a history day: at least one must be reported")
        dates = [plan.date for plan in self.days]
        if len(set(dates)) != len(dates):
            raise ValueError("a date appears more than once")
        for plan in self.days:
            unknown = sorted(set(plan.service_factors) - seen)
            if unknown:
                raise ValueError(f"day {plan.date} has factors for unlisted services {unknown}")
        return self

    def demand(self, service: str) -> ServiceDemand:
        """The demand of one service."""
        return next(d for d in self.services if d.id == service)
