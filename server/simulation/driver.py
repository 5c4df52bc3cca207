"""The simulated day: citizens and clerks as events in virtual time, each one a request to the real API."""

from __future__ import annotations

import heapq
import itertools
import math
import random
import secrets
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from server.clock import ManualClock
from server.simulation.scenario import Scenario
from server.simulation.server import CLERK_PASSWORD


@dataclass
class Drawn:
    """A ticket as the simulation saw it: what it was shown and what happened."""

    number: str
    service: str
    appointment: bool
    drawn_at: datetime
    shown: tuple[int, int]
    called_at: datetime | None = None
    outcome: str = "waiting"

    @property
    def wait_minutes(self) -> float | None:
        """Minutes from drawing to the first call."""
        return None if self.called_at is None else (self.called_at - self.drawn_at).total_seconds() / 60


@dataclass
class DayLog:
    """Everything that happened, for the report."""

    tickets: dict[int, Drawn] = field(default_factory=dict)
    refused: Tally[str] = field(default_factory=Tally)
    check_ins_refused: Tally[str] = field(default_factory=Tally)
    arrivals: int = 0
    appointments_booked: int = 0
    appointments_cancelled: int = 0
    appointment_statuses: dict[str, int] = field(default_factory=dict)
    requests: int = 0


class ApiError(RuntimeError):
    """The server answered a request the simulation expected to succeed with an error."""


class Office:
    """Talks to the server like the kiosk, the counter apps and a booking desk would."""

    def __init__(self, *, base_url: str, site: str, kiosk_token: str, clock: ManualClock, log: DayLog) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/api/v1", timeout=60)
        self.site, self.clock, self.log = site, clock, log
        self.kiosk = {"Authorization": f"Bearer {kiosk_token}"}
        self.clerks: dict[str, dict[str, str]] = {}

    def request(self, method: str, path: str, *, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
        """One call; anything but a 2xx or a 409 refusal is a fault of the server under test."""
        self.log.requests += 1
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400 and response.status_code != 409:
            raise ApiError(f"{method} {path} -> {response.status_code} {response.text}")
        return response

    def login(self, username: str) -> dict[str, str]:
        """A bearer header for a staff account."""
        credentials = {"username": username, "password": CLERK_PASSWORD}
        response = self.request("POST", "/auth/login", headers={}, json=credentials)
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def counter(self, counter: str, action: str) -> httpx.Response:
        """A clerk's button press at a counter."""
        if counter not in self.clerks:
            self.clerks[counter] = self.login(f"sim-{counter}")
        return self.request("POST", f"/counters/{counter}/{action}", headers=self.clerks[counter])

    def close(self) -> None:
        """Release the connection pool."""
        self.http.close()


@dataclass(order=True)
class Event:
    """Something happens at a moment; ties keep their scheduling order."""

    at: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


class Day:
    """The event loop: a heap of moments, the virtual clock set to each before its request."""

    def __init__(self, *, scenario: Scenario, office: Office, zone: ZoneInfo) -> None:
        self.scenario, self.office, self.zone = scenario, office, zone
        self.random = random.Random(scenario.seed)
        self.events: list[Event] = []
        self.order = itertools.count()
        self.idle: set[str] = set()
        self.staffed: set[str] = set()
        self.at_counter: dict[str, int] = {}

    def local(self, moment: time) -> datetime:
        """A local time of the simulated day as an aware datetime."""
        return datetime.combine(self.scenario.day, moment, tzinfo=self.zone)

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        """Schedule an action."""
        heapq.heappush(self.events, Event(moment, next(self.order), action))

    def run(self) -> None:
        """Process events in time order until none are left."""
        while self.events:
            event = heapq.heappop(self.events)
            if event.at > self.office.clock.now():
                self.office.clock.set(event.at)
            event.action()

    # Citizens

    def duration(self, service: str) -> timedelta:
        """A log-normal service time around the scenario's median."""
        load = self.scenario.loads[service]
        return timedelta(minutes=load.median_minutes * math.exp(self.random.gauss(0.0, load.sigma)))

    def walk_in(self, service: str) -> None:
        """A citizen draws a ticket at the kiosk."""
        self.office.log.arrivals += 1
        response = self.office.request(
            "POST", f"/sites/{self.office.site}/tickets", headers=self.office.kiosk,
            json={"service": service, "language": "de"},
        )
        self.ticket_drawn(response, service, appointment=False)

    def check_in(self, code: str, service: str) -> None:
        """A booked citizen scans the QR code at the kiosk."""
        response = self.office.request(
            "POST", f"/sites/{self.office.site}/check-in", headers=self.office.kiosk, json={"code": code}
        )
        self.ticket_drawn(response, service, appointment=True)

    def ticket_drawn(self, response: httpx.Response, service: str, *, appointment: bool) -> None:
        """Note the ticket and the range it showed; idle counters call at once."""
        if response.status_code == 409:
            refusals = self.office.log.check_ins_refused if appointment else self.office.log.refused
            refusals[response.json()["code"]] += 1
            return
        body = response.json()
        self.office.log.tickets[body["id"]] = Drawn(
            number=body["number"], service=service, appointment=appointment,
            # No range while no counter serves the service yet (e.g. a check-in at the door before the first call).
            drawn_at=self.office.clock.now(), shown=tuple(body["eta_minutes"] or (0, 0)),
        )
        for counter in sorted(self.idle):
            self.call_next(counter)

    # Clerks

    def call_next(self, counter: str) -> None:
        """A free clerk presses 'next'."""
        if counter not in self.staffed:
            return
        response = self.office.counter(counter, "call-next")
        if response.status_code == 204:
            self.idle.add(counter)
            return
        self.idle.discard(counter)
        body = response.json()
        ticket = self.office.log.tickets.get(body["id"])
        if ticket is not None and ticket.called_at is None:
            ticket.called_at = self.office.clock.now()
        self.at_counter[counter] = body["id"]
        now = self.office.clock.now()
        if self.random.random() < self.scenario.walk_in_no_show:
            gone = now + timedelta(minutes=self.scenario.no_show_wait_minutes)
            self.at(gone, partial(self.close, counter, "no-show"))
            return
        walk = timedelta(minutes=self.scenario.walk_to_counter_minutes)
        served = ticket.service if ticket else body["service"]
        self.at(now + walk, partial(self.start, counter))
        self.at(now + walk + self.duration(served), partial(self.close, counter, "finish"))

    def start(self, counter: str) -> None:
        """The citizen has reached the counter."""
        self.office.counter(counter, "start")

    def close(self, counter: str, action: str) -> None:
        """Finish or mark a no-show, then call the next citizen."""
        response = self.office.counter(counter, action)
        ticket = self.office.log.tickets.get(self.at_counter.pop(counter, -1))
        if ticket is not None and response.status_code == 200:
            ticket.outcome = "served" if action == "finish" else "no_show"
        self.call_next(counter)

    def shift_starts(self, counter: str) -> None:
        """A clerk opens the counter and calls the first citizen."""
        self.staffed.add(counter)
        self.call_next(counter)

    def shift_ends(self, counter: str) -> None:
        """The counter stops calling new citizens once the lines are empty."""
        # Offices serve everyone holding a ticket: a shift only ends when its counter is idle.
        if counter in self.idle:
            self.staffed.discard(counter)
            self.idle.discard(counter)
        else:
            self.at(self.office.clock.now() + timedelta(minutes=1), partial(self.shift_ends, counter))


def poisson_arrivals(rng: random.Random, rate_per_hour: float, start: datetime, end: datetime) -> list[datetime]:
    """Arrival moments of a Poisson stream between two moments."""
    moments: list[datetime] = []
    if rate_per_hour <= 0:
        return moments
    moment = start
    while True:
        moment += timedelta(hours=rng.expovariate(rate_per_hour))
        if moment >= end:
            return moments
        moments.append(moment)


def open_periods(opening_hours: dict[str, list[tuple[str, str]]], day: Scenario) -> list[tuple[time, time]]:
    """The opening periods of the scenario's weekday, clipped to its arrival bounds."""
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.day.weekday()]
    periods = []
    for start, end in opening_hours.get(weekday, []):
        begin, finish = time.fromisoformat(start), time.fromisoformat(end)
        begin, finish = max(begin, day.first_arrival), min(finish, day.last_arrival)
        if begin < finish:
            periods.append((begin, finish))
    return periods


def book_appointments(day: Day, supervisor: dict[str, str], periods: list[tuple[time, time]]) -> None:
    """Book the day's slots through the API, schedule arrivals, cancellations and no-shows."""
    scenario, office, rng = day.scenario, day.office, day.random
    first, last = (day.local(moment) for moment in scenario.appointment_hours)
    for service, load in sorted(scenario.loads.items()):
        if load.appointments_per_hour <= 0:
            continue
        step = timedelta(hours=1 / load.appointments_per_hour)
        slot = first
        while slot < last:
            inside = any(day.local(a) <= slot < day.local(b) for a, b in periods)
            if inside:
                booked = office.request(
                    "POST", f"/sites/{office.site}/appointments", headers=supervisor,
                    json={"service": service, "starts_at": slot.isoformat(), "name": f"Bürger {secrets.token_hex(3)}"},
                ).json()
                office.log.appointments_booked += 1
                draw = rng.random()
                if draw < scenario.appointment_cancelled:
                    office.request("DELETE", f"/sites/{office.site}/appointments/{booked['code']}", headers=supervisor)
                    office.log.appointments_cancelled += 1
                elif draw >= scenario.appointment_cancelled + scenario.appointment_no_show:
                    early, late = scenario.appointment_arrival
                    opens = max(day.local(a) for a, b in periods if day.local(a) <= slot < day.local(b))
                    # Early birds wait at the door until the office opens.
                    arrives = max(slot - timedelta(minutes=rng.uniform(-early, late)), opens)
                    code = booked["qr_content"]
                    day.at(arrives, partial(day.check_in, code, service))
            slot += step


def simulate_day(*, scenario: Scenario, office: Office, opening_hours: dict[str, list[tuple[str, str]]],
                 zone: ZoneInfo) -> DayLog:
    """Run the whole day against the server and return what happened."""
    day = Day(scenario=scenario, office=office, zone=zone)
    supervisor = office.login("sim-supervisor")
    periods = open_periods(opening_hours, scenario)
    book_appointments(day, supervisor, periods)
    for service, load in sorted(scenario.loads.items()):
        for start, end in periods:
            for moment in poisson_arrivals(day.random, load.walk_ins_per_hour, day.local(start), day.local(end)):
                day.at(moment, partial(day.walk_in, service))
    for shift in scenario.shifts:
        day.at(day.local(shift.start), partial(day.shift_starts, shift.counter))
        day.at(day.local(shift.end), partial(day.shift_ends, shift.counter))
    day.run()
    # Well after the last booking's late limit: one more call lets the server record the last no-shows.
    office.clock.set(day.local(time(23, 0)))
    office.clerks.clear()  # the morning's logins have expired by now
    supervisor = office.login("sim-supervisor")
    office.counter(scenario.shifts[0].counter, "call-next")
    listing = office.request(
        "GET", f"/sites/{office.site}/appointments", headers=supervisor, params={"date": scenario.day.isoformat()}
    ).json()
    office.log.appointment_statuses = dict(Tally(item["status"] for item in listing))
    return office.log
