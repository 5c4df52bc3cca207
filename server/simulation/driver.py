"""A simulated office day: citizens and clerks as events in virtual time, each one a request to the real API."""

from __future__ import annotations

import heapq
import itertools
import math
import random
import secrets
import threading
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from server.clock import ManualClock
from server.office.schema import SiteConfig
from server.simulation.baselines import LineWatch
from server.simulation.scenario import WEEKDAYS, DayPlan, Scenario, ServiceDemand, Shift, clock
from server.simulation.server import CLERK_PASSWORD


@dataclass
class Drawn:
    """A ticket as the simulation saw it: what it was shown, what the baselines said, and what happened."""

    number: str
    token: str
    service: str
    appointment: bool
    day: str
    drawn_at: datetime  # local time
    shown: tuple[int, int]
    target_minutes: int
    baselines: dict[str, float] = field(default_factory=dict)
    called_at: datetime | None = None
    called_by: str | None = None
    outcome: str = "waiting"
    visits: int = 0

    @property
    def wait_minutes(self) -> float | None:
        """Minutes from drawing to the first call."""
        return None if self.called_at is None else (self.called_at - self.drawn_at).total_seconds() / 60


@dataclass
class DayLog:
    """Everything that happened on one day, for the report."""

    day: str
    label: str
    site: str
    history: bool = False  # run for the forecast's history only, not reported
    tickets: list[Drawn] = field(default_factory=list)
    refused: Tally[str] = field(default_factory=Tally)
    check_ins_refused: Tally[str] = field(default_factory=Tally)
    arrivals: int = 0
    appointments_booked: int = 0
    appointments_cancelled: int = 0
    appointment_statuses: dict[str, int] = field(default_factory=dict)
    express_counters: list[str] = field(default_factory=list)
    requests: int = 0


class ApiError(RuntimeError):
    """The server answered a request the simulation expected to succeed with an error."""


class Office:
    """Talks to the server like the kiosks, the counter apps and a booking desk would."""

    def __init__(
        self, *, base_url: str, kiosk_tokens: dict[str, str], clock: ManualClock,
        settled: threading.Event | None = None,
    ) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/api/v1", timeout=120)
        # Set while the server's forecasts are current. In an office seconds pass between two events and the
        # forecaster keeps up; the virtual clock jumps, so each request first lets it catch up.
        self.settled = settled
        self.clock = clock
        self.kiosk_tokens = kiosk_tokens
        self.clerks: dict[str, dict[str, str]] = {}
        self.requests = 0

    def kiosk(self, site: str) -> dict[str, str]:
        """The bearer header of a site's kiosk."""
        return {"Authorization": f"Bearer {self.kiosk_tokens[site]}"}

    def request(self, method: str, path: str, *, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
        """One call; anything but a 2xx or a 409 refusal is a fault of the server under test."""
        self.requests += 1
        if self.settled is not None:
            self.settled.wait(timeout=30)
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400 and response.status_code != 409:
            raise ApiError(f"{method} {path} -> {response.status_code} {response.text}")
        return response

    def login(self, username: str) -> dict[str, str]:
        """A bearer header for a staff account."""
        credentials = {"username": username, "password": CLERK_PASSWORD}
        response = self.request("POST", "/auth/login", headers={}, json=credentials)
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def counter(self, counter: str, action: str, **kwargs: Any) -> httpx.Response:
        """A clerk's button press at a counter."""
        if counter not in self.clerks:
            self.clerks[counter] = self.login(f"sim-{counter}")
        return self.request("POST", f"/counters/{counter}/{action}", headers=self.clerks[counter], **kwargs)

    def close(self) -> None:
        """Release the connection pool."""
        self.http.close()


@dataclass(order=True)
class Event:
    """Something happens at a moment; ties keep their scheduling order."""

    at: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


@dataclass
class Desk:
    """What the simulation knows of one counter's clerk."""

    services: list[str]
    staffed: bool = False
    paused: bool = True
    idle: bool = False
    ticket: Drawn | None = None
    break_due: float | None = None  # minutes of a break to take after the current citizen
    leaving: bool = False  # leaves after the current citizen
    ending: bool = False  # leaves once nobody waits for it


class Day:
    """One day's event loop: a heap of moments, the virtual clock set to each before its request."""

    def __init__(
        self, *, scenario: Scenario, plan: DayPlan, site: SiteConfig, office: Office, seed: int,
        watch: LineWatch, progress: Callable[[float], None],
    ) -> None:
        self.scenario, self.plan, self.site, self.office = scenario, plan, site, office
        self.zone = ZoneInfo(site.timezone)
        self.random = random.Random(f"{seed}-{plan.date.isoformat()}")
        self.events: list[Event] = []
        self.order = itertools.count()
        self.desks = {c.id: Desk(services=list(c.services)) for c in site.counters}
        self.targets = {s.id: s.target_wait_minutes for s in site.services}
        self.offered = {s.id for s in site.services}
        self.watch = watch
        self.progress = progress
        self.parked_back: list[tuple[Drawn, str]] = []  # parked citizens back in the waiting room
        self.current_service: dict[str, str] = {}  # ticket token -> the line it waits in now
        express = {s.id for s in site.services if s.express}
        self.log = DayLog(
            day=plan.date.isoformat(), label=plan.label, site=site.id, history=plan.history,
            express_counters=[c.id for c in site.counters if c.services and c.services[0] in express],
        )

    def local(self, moment: str | time) -> datetime:
        """A local time of the simulated day as an aware datetime."""
        return datetime.combine(self.plan.date, clock(moment) if isinstance(moment, str) else moment, tzinfo=self.zone)

    def now(self) -> datetime:
        """The virtual clock in the site's time zone."""
        return self.office.clock.now().astimezone(self.zone)

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        """Schedule an action."""
        heapq.heappush(self.events, Event(moment, next(self.order), action))

    def run(self) -> None:
        """Process events in time order until none are left."""
        last = self.now()
        while self.events:
            event = heapq.heappop(self.events)
            if event.at > self.office.clock.now():
                self.office.clock.set(event.at)
                moment = self.now()
                self.progress((moment - last).total_seconds() / 60)
                last = moment
            event.action()

    # Citizens

    def duration(self, demand: ServiceDemand) -> timedelta:
        """A log-normal service time around the scenario's median; some cases take several times as long."""
        handling = demand.handling
        minutes = handling.median_minutes * math.exp(self.random.gauss(0.0, handling.spread))
        if self.random.random() < handling.long_share:
            minutes *= handling.long_factor
        return timedelta(minutes=minutes)

    def walk_in(self, service: str) -> None:
        """A citizen draws a ticket at the kiosk."""
        self.log.arrivals += 1
        response = self.office.request(
            "POST", f"/sites/{self.site.id}/tickets", headers=self.office.kiosk(self.site.id),
            json={"service": service, "language": "de"},
        )
        ticket = self.ticket_drawn(response, service, appointment=False)
        patience = self.scenario.demand(service).patience
        if ticket is not None and patience is not None and self.random.random() < patience.share:
            limit = patience.median_minutes * math.exp(self.random.gauss(0.0, 0.5))
            self.at(self.now() + timedelta(minutes=limit), partial(self.give_up, ticket))

    def check_in(self, code: str, service: str) -> None:
        """A booked citizen scans the QR code at the kiosk."""
        response = self.office.request(
            "POST", f"/sites/{self.site.id}/check-in", headers=self.office.kiosk(self.site.id), json={"code": code}
        )
        self.ticket_drawn(response, service, appointment=True)

    def ticket_drawn(self, response: httpx.Response, service: str, *, appointment: bool) -> Drawn | None:
        """Note the ticket, the range it showed and the baselines' predictions; idle counters call at once."""
        if response.status_code == 409:
            refusals = self.log.check_ins_refused if appointment else self.log.refused
            refusals[response.json()["code"]] += 1
            return None
        body = response.json()
        now = self.now()
        # No range while no counter serves the service yet (e.g. a check-in at the door before the first call).
        eta = body["eta_minutes"] or (0, 0)
        ticket = Drawn(
            number=body["number"], token=body["token"], service=body["service"], appointment=appointment,
            day=self.log.day, drawn_at=now, shown=(eta[0], eta[1]),
            target_minutes=self.targets.get(body["service"], 20),
        )
        open_desks = [d.services for d in self.desks.values() if d.staffed and not d.paused]
        ticket.baselines = self.watch.predict(
            service=ticket.service, ahead=body["people_ahead"], now=now, open_desks=open_desks
        )
        self.watch.joined(token=ticket.token, service=ticket.service, at=now)
        self.current_service[ticket.token] = ticket.service
        self.log.tickets.append(ticket)
        self.wake()
        return ticket

    def give_up(self, ticket: Drawn) -> None:
        """A walk-in who has waited too long hands the ticket back."""
        if ticket.called_at is not None or ticket.outcome != "waiting":
            return
        response = self.office.request("DELETE", f"/tickets/{ticket.token}", headers={})
        if response.status_code == 200:
            ticket.outcome = "left"
            self.watch.left(token=ticket.token)

    def wake(self) -> None:
        """Idle counters look for someone to call."""
        for name in sorted(self.desks):
            desk = self.desks[name]
            if desk.idle and desk.staffed and not desk.paused:
                self.call_next(name)

    # Clerks

    def call_next(self, counter: str) -> None:
        """A free clerk calls a parked citizen who is back, or presses 'next'."""
        desk = self.desks[counter]
        back = next((item for item in self.parked_back if item[1] in desk.services), None)
        response = None
        if back is not None:
            self.parked_back.remove(back)
            response = self.office.counter(counter, "call", json={"number": back[0].number})
            if response.status_code != 200:
                response = None
        if response is None:
            response = self.office.counter(counter, "call-next")
        if response.status_code in (204, 409):
            desk.idle = True
            if desk.ending:
                self.leave(counter)
            return
        desk.idle = False
        body = response.json()
        ticket = next((t for t in reversed(self.log.tickets) if t.number == body["number"]), None)
        now = self.now()
        if ticket is None:  # a ticket of an earlier part of the day the simulation did not draw
            self.at(now + timedelta(minutes=1), partial(self.close, counter, "finish"))
            return
        line = self.current_service.get(ticket.token, ticket.service)
        self.watch.called(token=ticket.token, service=line, at=now)
        if ticket.called_at is None:
            ticket.called_at, ticket.called_by = now, counter
        ticket.visits += 1
        desk.ticket = ticket
        demand = self.scenario.demand(line) if line in {d.id for d in self.scenario.services} else None
        if demand is None:
            self.at(now + timedelta(minutes=5), partial(self.close, counter, "finish"))
            return
        if ticket.visits == 1 and not ticket.appointment and self.random.random() < demand.no_show:
            gone = now + timedelta(minutes=self.scenario.no_show_wait_minutes)
            self.at(gone, partial(self.close, counter, "no-show"))
            return
        walk = timedelta(minutes=self.scenario.walk_to_counter_minutes)
        self.at(now + walk, partial(self.start, counter))
        self.at(now + walk + self.duration(demand), partial(self.close, counter, self.ending_of(ticket, demand)))

    def ending_of(self, ticket: Drawn, demand: ServiceDemand) -> str:
        """How the visit ends: finished, parked, or transferred to another line (only on a first visit)."""
        if ticket.visits > 1:
            return "finish"
        draw = self.random.random()
        for transfer in demand.transfers:
            if draw < transfer.share and transfer.to in self.offered:
                return f"transfer:{transfer.to}"
            draw -= transfer.share
        return "park" if draw < demand.park_share else "finish"

    def start(self, counter: str) -> None:
        """The citizen has reached the counter."""
        self.office.counter(counter, "start")

    def close(self, counter: str, action: str) -> None:
        """Finish, park, transfer or mark a no-show; then take a break, leave or call the next citizen."""
        desk = self.desks[counter]
        ticket, desk.ticket = desk.ticket, None
        now = self.now()
        if ticket is not None and not action.startswith("transfer:"):
            self.watch.finished(token=ticket.token, at=now)
        if action.startswith("transfer:"):
            target = action.split(":", 1)[1]
            response = self.office.counter(counter, "transfer", json={"service": target})
            if ticket is not None and response.status_code == 200:
                self.current_service[ticket.token] = target
                self.watch.joined(token=ticket.token, service=target, at=ticket.drawn_at)
            self.wake()
        elif action == "park":
            response = self.office.counter(counter, "park")
            if ticket is not None and response.status_code == 200:
                ticket.outcome = "parked"
                back = now + timedelta(minutes=self.scenario.demand(ticket.service).park_minutes)
                self.at(back, partial(self.parked_returns, ticket))
        else:
            response = self.office.counter(counter, action)
            if ticket is not None and response.status_code == 200:
                ticket.outcome = "served" if action == "finish" else "no_show"
        self.free(counter)

    def parked_returns(self, ticket: Drawn) -> None:
        """A parked citizen is back with the missing document; the next free counter of the line calls them."""
        self.parked_back.append((ticket, self.current_service.get(ticket.token, ticket.service)))
        self.wake()

    def free(self, counter: str) -> None:
        """The counter is free: a due break, a clerk leaving, or the next citizen."""
        desk = self.desks[counter]
        if desk.break_due is not None:
            minutes, desk.break_due = desk.break_due, None
            self.pause(counter, minutes)
            self.at(self.now() + timedelta(minutes=minutes), partial(self.resume, counter))
        elif desk.leaving:
            self.leave(counter)
        else:
            self.call_next(counter)

    def pause(self, counter: str, minutes: float | None = None) -> None:
        """The clerk presses 'pause', saying how long a break lasts (leaving for the day: no end)."""
        desk = self.desks[counter]
        body = {"minutes": max(round(minutes), 1)} if minutes else None
        self.office.counter(counter, "pause", json=body)
        desk.paused, desk.idle = True, False

    def resume(self, counter: str) -> None:
        """Back from a break (or starting the shift)."""
        desk = self.desks[counter]
        if not desk.staffed:
            return
        self.office.counter(counter, "resume")
        desk.paused = False
        self.call_next(counter)

    def take_break(self, counter: str, minutes: float) -> None:
        """A break is due: at once if the counter is free, else after the current citizen."""
        desk = self.desks[counter]
        if not desk.staffed or desk.paused:
            return
        if desk.ticket is None:
            self.pause(counter, minutes)
            self.at(self.now() + timedelta(minutes=minutes), partial(self.resume, counter))
        else:
            desk.break_due = minutes

    def shift_starts(self, counter: str) -> None:
        """A clerk opens the counter and calls the first citizen."""
        desk = self.desks[counter]
        desk.staffed, desk.leaving, desk.ending = True, False, False
        self.resume(counter)

    def shift_ends(self, shift: Shift) -> None:
        """The clerk leaves: after the current citizen, or (until_empty) once nobody waits for the counter."""
        desk = self.desks[shift.counter]
        if not desk.staffed:
            return
        if shift.until_empty:
            desk.ending = True
            if desk.idle or (desk.paused and desk.ticket is None):
                self.leave(shift.counter)
        elif desk.ticket is None:
            self.leave(shift.counter)
        else:
            desk.leaving = True

    def leave(self, counter: str) -> None:
        """The counter closes for the day (paused: no forecast counts it)."""
        desk = self.desks[counter]
        if not desk.paused:
            self.pause(counter)
        desk.staffed = desk.idle = desk.leaving = desk.ending = False
        desk.break_due = None


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


def open_periods(site: SiteConfig, day: Day) -> list[tuple[datetime, datetime]]:
    """The opening periods of the day's weekday as aware datetimes."""
    if site.always_open:
        return [(day.local("00:00"), day.local("23:59"))]
    weekday = WEEKDAYS[day.plan.date.weekday()]
    return [(day.local(a), day.local(b)) for a, b in site.opening_hours.get(weekday, [])]


def _inside(moment: datetime, periods: list[tuple[datetime, datetime]]) -> datetime | None:
    """The opening of the period a moment falls into, or None outside opening hours."""
    return next((a for a, b in periods if a <= moment < b), None)


def book_appointments(day: Day, supervisor: dict[str, str], periods: list[tuple[datetime, datetime]]) -> None:
    """Book the day's slots through the API, schedule arrivals, cancellations and no-shows."""
    office, rng, site = day.office, day.random, day.site.id
    for demand in day.scenario.services:
        bookings = demand.appointments
        if bookings is None or demand.id not in day.offered:
            continue
        rate = bookings.per_hour * day.plan.appointment_factor
        if rate <= 0:
            continue
        step = timedelta(hours=1 / rate)
        slot, last = day.local(bookings.start), day.local(bookings.end)
        while slot < last:
            opens = _inside(slot, periods)
            if opens is not None:
                booked = office.request(
                    "POST", f"/sites/{site}/appointments", headers=supervisor,
                    json={"service": demand.id, "starts_at": slot.isoformat(),
                          "name": f"Bürger {secrets.token_hex(3)}"},
                ).json()
                day.log.appointments_booked += 1
                draw = rng.random()
                if draw < bookings.cancelled:
                    office.request("DELETE", f"/sites/{site}/appointments/{booked['code']}", headers=supervisor)
                    day.log.appointments_cancelled += 1
                elif draw >= bookings.cancelled + bookings.no_show:
                    # Early birds wait at the door until the office opens.
                    offset = rng.uniform(-bookings.late_minutes, bookings.early_minutes)
                    arrives = max(slot - timedelta(minutes=offset), opens)
                    day.at(arrives, partial(day.check_in, booked["qr_content"], demand.id))
            slot += step


def schedule_walk_ins(day: Day, periods: list[tuple[datetime, datetime]]) -> None:
    """Poisson streams per time band and crowds at given moments, all inside opening hours."""
    for demand in day.scenario.services:
        if demand.id not in day.offered:
            continue
        factor = day.plan.walk_in_factor * day.plan.service_factors.get(demand.id, 1.0)
        for band in demand.walk_ins:
            for start, end in periods:
                begin, finish = max(start, day.local(band.start)), min(end, day.local(band.end))
                if begin < finish:
                    for moment in poisson_arrivals(day.random, band.per_hour * factor, begin, finish):
                        day.at(moment, partial(day.walk_in, demand.id))
        for burst in demand.bursts:
            first = day.local(burst.at)
            for _ in range(max(round(burst.count * factor), 0)):
                moment = first + timedelta(minutes=day.random.uniform(0, burst.within_minutes))
                if _inside(moment, periods) is not None:
                    day.at(moment, partial(day.walk_in, demand.id))


def schedule_shifts(day: Day) -> None:
    """Clerks arrive, take breaks and leave."""
    shifts = day.plan.shifts if day.plan.shifts is not None else day.scenario.shifts
    for shift in shifts:
        day.at(day.local(shift.start), partial(day.shift_starts, shift.counter))
        for pause in shift.breaks:
            day.at(day.local(pause.at), partial(day.take_break, shift.counter, pause.minutes))
        day.at(day.local(shift.end), partial(day.shift_ends, shift))


def close_day(day: Day) -> None:
    """After the day: let the server record the last no-shows, then learn how every open ticket ended."""
    office, site = day.office, day.site.id
    office.clock.set(day.local(time(23, 0)))
    office.clerks.clear()  # the morning's logins have expired by now
    supervisor = office.login("sim-supervisor")
    counter = day.site.counters[0].id
    office.counter(counter, "resume")
    office.counter(counter, "call-next")  # sweeps lapsed bookings; nobody should be waiting
    office.counter(counter, "pause")
    listing = office.request(
        "GET", f"/sites/{site}/appointments", headers=supervisor, params={"date": day.plan.date.isoformat()}
    ).json()
    day.log.appointment_statuses = dict(Tally(item["status"] for item in listing))
    for ticket in day.log.tickets:
        if ticket.outcome in ("served", "no_show", "left"):
            continue
        status = office.request("GET", f"/tickets/{ticket.token}", headers={}).json()["status"]
        # The server's own day end (cancelled without the citizen asking) counts as ended at day close.
        ticket.outcome = {
            "done": "served", "no_show": "no_show", "cancelled": "ended_at_close", "expired": "ended_at_close",
        }.get(status, status)


def simulate_day(
    *, scenario: Scenario, plan: DayPlan, site: SiteConfig, office: Office, seed: int, watch: LineWatch,
    progress: Callable[[float], None],
) -> DayLog:
    """Run one whole day against the server and return what happened."""
    office.clock.set(datetime.combine(plan.date, time(7, 0), tzinfo=ZoneInfo(site.timezone)))
    office.clerks.clear()
    day = Day(scenario=scenario, plan=plan, site=site, office=office, seed=seed, watch=watch, progress=progress)
    requests = office.requests
    watch.new_day()
    supervisor = office.login("sim-supervisor")
    periods = open_periods(site, day)
    book_appointments(day, supervisor, periods)
    schedule_walk_ins(day, periods)
    schedule_shifts(day)
    day.run()
    close_day(day)
    day.log.requests = office.requests - requests
    return day.log
