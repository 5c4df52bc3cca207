"""A scenario day played in pure virtual time, with the router's call rule and the driver's clerks and citizens.

No server, no database: the state of the office at any moment is a small object that can be copied and
played on with other random draws. `server.simulation.oracle` does exactly that at every arrival, to ask
how wide a range a forecaster that knows the scenario's model would need.

It follows `server.simulation.driver` event for event (walk-ins, bursts, booked check-ins, give-ups,
no-shows, parking, transfers, breaks entered with their length, early leaves, clerks who serve their lines
empty) and calls by `call_order` like `server.tickets.routing`; what it approximates is said where it does.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from dataclasses import dataclass, field, replace
from datetime import time

from server.office.schema import SiteConfig
from server.simulation.scenario import WEEKDAYS, Burst, DayPlan, Handling, Scenario, Shift, clock
from server.tickets.call_rules import LineHead, call_order

Line = tuple[str, bool]  # (service, appointments' line)


def minutes_of(moment: str | time) -> float:
    """Minutes since midnight of an HH:MM or a time."""
    value = clock(moment) if isinstance(moment, str) else moment
    return value.hour * 60 + value.minute + value.second / 60


def service_minutes(rng: random.Random, handling: Handling) -> float:
    """A log-normal service time around the median, some cases several times as long (as the driver draws)."""
    minutes = handling.median_minutes * math.exp(rng.gauss(0.0, handling.spread))
    if rng.random() < handling.long_share:
        minutes *= handling.long_factor
    return minutes


def service_minutes_beyond(rng: random.Random, handling: Handling, elapsed: float) -> float:
    """A service time drawn given that the case has already run `elapsed` minutes (by rejection)."""
    for _ in range(400):
        minutes = service_minutes(rng, handling)
        if minutes > elapsed:
            return minutes
    return elapsed + 0.25 * handling.median_minutes  # far in the tail: about a quarter median more


@dataclass(slots=True)
class Person:
    """A citizen with a ticket."""

    key: int
    service: str  # the service drawn
    line: str  # the line waited in now (another after a transfer)
    appointment: bool
    drawn: float
    priority_from: float | None = None  # appointments: when the booked priority starts
    gives_up_at: float | None = None
    called: float | None = None  # the first call
    visits: int = 0
    booking: int | None = None


@dataclass(slots=True)
class Booking:
    """A booked slot: the model knows it exists; whether and when the citizen comes is a draw."""

    service: str
    slot: float
    opens: float  # the opening of the period the slot falls into (early birds wait at the door)
    show: float  # chance that a booked, not cancelled citizen comes
    early: float
    late: float
    arrived: bool = False


@dataclass(slots=True)
class Clerk:
    """One counter's clerk, as the driver's `Desk`."""

    services: list[str]
    express: bool
    staffed: bool = False
    paused: bool = True
    idle: bool = False
    person: int | None = None
    serving_since: float | None = None  # when the citizen reached the counter (None: a no-show being waited for)
    token: int = 0  # bumped when the current visit's end is redrawn, so its old end is ignored
    break_due: float | None = None
    leaving: bool = False
    ending: bool = False


@dataclass(frozen=True)
class Model:
    """What a day's draws come from: the scenario's demand and handling, the site's lines and counters."""

    scenario: Scenario
    plan: DayPlan
    site: SiteConfig
    periods: tuple[tuple[float, float], ...]
    targets: dict[str, int]
    express: frozenset[str]
    offered: frozenset[str]
    factors: dict[str, float]
    shifts: tuple[Shift, ...]

    @classmethod
    def of(cls, scenario: Scenario, plan: DayPlan, site: SiteConfig) -> Model:
        """The model of one scenario day at its site."""
        weekday = WEEKDAYS[plan.date.weekday()]
        hours = [("00:00", "23:59")] if site.always_open else site.opening_hours.get(weekday, [])
        offered = frozenset(s.id for s in site.services) & {d.id for d in scenario.services}
        return cls(
            scenario=scenario, plan=plan, site=site,
            periods=tuple((minutes_of(a), minutes_of(b)) for a, b in hours),
            targets={s.id: s.target_wait_minutes for s in site.services},
            express=frozenset(s.id for s in site.services if s.express),
            offered=offered,
            factors={d.id: plan.walk_in_factor * plan.service_factors.get(d.id, 1.0) for d in scenario.services},
            shifts=tuple(plan.shifts if plan.shifts is not None else scenario.shifts),
        )

    def opening(self, moment: float) -> float | None:
        """The opening of the period a moment falls into, or None outside opening hours."""
        return next((a for a, b in self.periods if a <= moment < b), None)

    def closing(self, moment: float) -> float:
        """The end of the period a moment falls into."""
        return next((b for a, b in self.periods if a <= moment < b), moment)

    def handling(self, service: str) -> Handling:
        """The service's time distribution."""
        return self.scenario.demand(service).handling

    def express_rate(self, moment: float) -> float:
        """Express walk-ins expected per minute at a moment (the model's own rates)."""
        rate = 0.0
        for service in self.express & self.offered:
            for band in self.scenario.demand(service).walk_ins:
                if minutes_of(band.start) <= moment < minutes_of(band.end):
                    rate += band.per_hour * self.factors[service] / 60
        return rate


@dataclass(order=True, slots=True)
class Event:
    """Something happens at a moment; ties keep their scheduling order."""

    at: float
    order: int
    kind: str = field(compare=False)
    args: tuple[object, ...] = field(compare=False, default=())


class Twin:
    """One day's office state and event loop; `fork` copies it to play on with fresh draws."""

    def __init__(self, model: Model, rng: random.Random) -> None:
        self.model = model
        self.rng = rng
        self.now = 0.0
        self.events: list[Event] = []
        self.order = itertools.count()
        self.keys = itertools.count()
        counters = {c.id: c for c in model.site.counters}
        self.clerks = {
            c.id: Clerk(services=list(c.services),
                        express=c.express if c.express is not None else c.services[0] in model.express)
            for c in counters.values()
        }
        self.people: dict[int, Person] = {}  # everyone not yet done
        self.lines: dict[Line, list[int]] = {}
        self.parked_back: list[int] = []
        self.bookings: list[Booking] = []
        self.burst_arrived: dict[tuple[str, int], int] = {}
        self.log: list[Person] = []  # everyone who drew a ticket, in order (the main run only)
        self.refused = 0
        self.watch: int | None = None  # a fork stops once this person is called
        self.watch_called: float | None = None
        self.on_drawn: object = None

    # Scheduling

    def at(self, moment: float, kind: str, *args: object) -> None:
        """Schedule an event."""
        heapq.heappush(self.events, Event(moment, next(self.order), kind, args))

    def plan_day(self) -> None:
        """Book the slots, schedule walk-ins, bursts and shifts, with this twin's draws."""
        model, rng = self.model, self.rng
        for demand in model.scenario.services:
            if demand.id not in model.offered:
                continue
            bookings = demand.appointments
            rate = bookings.per_hour * model.plan.appointment_factor if bookings else 0.0
            if bookings is not None and rate > 0:
                step = 60 / rate
                slot, last = minutes_of(bookings.start), minutes_of(bookings.end)
                show = (1 - bookings.cancelled - bookings.no_show) / max(1 - bookings.cancelled, 1e-9)
                while slot < last:
                    opens = model.opening(slot)
                    if opens is not None:
                        draw = rng.random()
                        if draw >= bookings.cancelled:  # a cancelled booking is known at once
                            booking = Booking(demand.id, slot, opens, show, bookings.early_minutes,
                                              bookings.late_minutes)
                            self.bookings.append(booking)
                            if draw >= bookings.cancelled + bookings.no_show:
                                self._schedule_check_in(len(self.bookings) - 1, rng.uniform(
                                    slot - bookings.early_minutes, slot + bookings.late_minutes))
                    slot += step
        self._schedule_walk_ins(0.0)
        for index, shift in enumerate(model.shifts):
            self.at(minutes_of(shift.start), "shift_starts", shift.counter)
            for pause in shift.breaks:
                self.at(minutes_of(pause.at), "take_break", shift.counter, pause.minutes)
            self.at(minutes_of(shift.end), "shift_ends", index)

    def _schedule_check_in(self, index: int, moment: float) -> None:
        booking = self.bookings[index]
        self.at(max(moment, booking.opens), "check_in", index)

    def _schedule_walk_ins(self, after: float) -> None:
        """Poisson streams per band and the bursts' members still to come, from `after` on."""
        model, rng = self.model, self.rng
        for demand in model.scenario.services:
            if demand.id not in model.offered:
                continue
            factor = model.factors[demand.id]
            for band in demand.walk_ins:
                rate = band.per_hour * factor / 60
                for start, end in model.periods:
                    begin = max(start, minutes_of(band.start), after)
                    finish = min(end, minutes_of(band.end))
                    moment = begin
                    while rate > 0 and begin < finish:
                        moment += rng.expovariate(rate)
                        if moment >= finish:
                            break
                        self.at(moment, "walk_in", demand.id, -1)
            for index, burst in enumerate(demand.bursts):
                self._schedule_burst(demand.id, index, burst, factor, after)

    def _schedule_burst(self, service: str, index: int, burst: Burst, factor: float, after: float) -> None:
        first = minutes_of(burst.at)
        last = first + burst.within_minutes
        count = max(round(burst.count * factor), 0) - self.burst_arrived.get((service, index), 0)
        if after > last or count <= 0:
            return
        begin = max(first, after)
        for _ in range(count):
            moment = begin + self.rng.uniform(0, last - begin)
            # Members drawn outside opening hours never come (the driver drops them too).
            if self.model.opening(moment) is not None:
                self.at(moment, "walk_in", service, index)

    # The loop

    def run(self, until: float = math.inf) -> None:
        """Process events in time order (a fork: until its watched person is called)."""
        while self.events and self.events[0].at <= until:
            event = heapq.heappop(self.events)
            self.now = max(self.now, event.at)
            getattr(self, f"_on_{event.kind}")(*event.args)
            if self.watch_called is not None:
                return

    # Citizens

    def _on_walk_in(self, service: str, burst: int) -> None:
        if burst >= 0:
            self.burst_arrived[(service, burst)] = self.burst_arrived.get((service, burst), 0) + 1
        person = self._draw(service, appointment=False)
        patience = self.model.scenario.demand(service).patience
        if person is not None and patience is not None and self.rng.random() < patience.share:
            person.gives_up_at = self.now + patience.median_minutes * math.exp(self.rng.gauss(0.0, 0.5))
            self.at(person.gives_up_at, "give_up", person.key, person.gives_up_at)
        if person is not None:
            self._drawn(person)

    def _on_check_in(self, index: int) -> None:
        booking = self.bookings[index]
        booking.arrived = True
        person = self._draw(booking.service, appointment=True)
        if person is not None:
            person.booking = index
            person.priority_from = booking.slot - self.model.site.appointments.priority_before_minutes
            self._drawn(person)

    def _drawn(self, person: Person) -> None:
        self.wake()
        if self.on_drawn is not None:
            self.on_drawn(self, person)  # type: ignore[operator]

    def _draw(self, service: str, *, appointment: bool) -> Person | None:
        """A ticket, unless the service is closing: a queue-length guess stands in for the server's cut-off."""
        model = self.model
        closes = model.closing(self.now)
        config = next(s for s in model.site.services if s.id == service)
        if not appointment:
            line = len(self.lines.get((service, False), [])) + len(self.lines.get((service, True), []))
            servers = sum(1 for c in self.clerks.values() if c.staffed and service in c.services) or 1
            handling = model.handling(service)
            expected = (line + 1) * handling.median_minutes * 1.15 / servers
            if self.now + expected > closes or self.now > closes - config.last_ticket_minutes:
                self.refused += 1
                return None
        person = Person(next(self.keys), service, service, appointment, self.now)
        self.people[person.key] = person
        self.lines.setdefault((service, appointment), []).append(person.key)
        if self.watch is None:
            self.log.append(person)
        return person

    def _on_give_up(self, key: int, moment: float) -> None:
        person = self.people.get(key)
        if person is None or person.called is not None or person.gives_up_at != moment:
            return
        self.lines[(person.line, person.appointment)].remove(key)
        del self.people[key]

    def wake(self) -> None:
        """Idle counters look for someone to call."""
        for name in sorted(self.clerks):
            clerk = self.clerks[name]
            if clerk.idle and clerk.staffed and not clerk.paused:
                self.call_next(name)

    # Clerks

    def _heads(self, clerk: Clerk, name: str) -> list[LineHead[Line]]:
        heads: list[LineHead[Line]] = []
        for rank, service in enumerate(clerk.services):
            elsewhere = any(
                other is not clerk and other.staffed and not other.paused and service in other.services
                for other in self.clerks.values()
            )
            for appointment in (True, False):
                line = self.lines.get((service, appointment))
                if not line:
                    continue
                head = self.people[line[0]]
                heads.append(LineHead(
                    item=(service, appointment), waited_minutes=self.now - head.drawn,
                    target_minutes=self.model.targets.get(service, 20), rank=rank,
                    express=service in self.model.express, elsewhere=elsewhere,
                    appointment=appointment and head.priority_from is not None and head.priority_from <= self.now,
                ))
        return heads

    def call_next(self, name: str) -> None:
        """A free clerk calls a parked citizen who is back, or the head `call_order` puts first."""
        clerk = self.clerks[name]
        back = next((k for k in self.parked_back if self.people[k].line in clerk.services), None)
        if back is not None:
            self.parked_back.remove(back)
            self._serve(name, self.people[back])
            return
        heads = self._heads(clerk, name)
        model = self.model

        def quick_due(head: LineHead[Line]) -> bool:
            # The server asks whether an express walk-in is even odds within the case's usual length.
            minutes = model.handling(head.item[0]).median_minutes
            return 1 - math.exp(-model.express_rate(self.now) * minutes) >= 0.5

        chosen = call_order(heads, express_counter=clerk.express,
                            takes_others_at=model.site.express_takes_others_at, quick_due=quick_due)
        if not chosen:
            clerk.idle = True
            if clerk.ending:
                self.leave(name)
            return
        line = self.lines[chosen[0].item]
        self._serve(name, self.people[line.pop(0)])

    def _serve(self, name: str, person: Person) -> None:
        clerk = self.clerks[name]
        clerk.idle = False
        if person.called is None:
            person.called = self.now
            if person.key == self.watch:
                self.watch_called = self.now
        person.visits += 1
        clerk.person = person.key
        demand = self.model.scenario.demand(person.line)
        if person.visits == 1 and not person.appointment and self.rng.random() < demand.no_show:
            clerk.serving_since = None
            self.at(self.now + self.model.scenario.no_show_wait_minutes, "close", name, clerk.token, "no_show")
            return
        clerk.serving_since = self.now + self.model.scenario.walk_to_counter_minutes
        self.at(clerk.serving_since + service_minutes(self.rng, demand.handling), "close", name, clerk.token, "end")

    def _ending(self, person: Person) -> str:
        if person.visits > 1:
            return "finish"
        demand = self.model.scenario.demand(person.line)
        draw = self.rng.random()
        for transfer in demand.transfers:
            if draw < transfer.share and transfer.to in self.model.offered:
                return f"transfer:{transfer.to}"
            draw -= transfer.share
        return "park" if draw < demand.park_share else "finish"

    def _on_close(self, name: str, token: int, action: str) -> None:
        clerk = self.clerks[name]
        if token != clerk.token or clerk.person is None:
            return
        person = self.people[clerk.person]
        clerk.person, clerk.serving_since = None, None
        ending = "no_show" if action == "no_show" else self._ending(person)
        if ending.startswith("transfer:"):
            person.line = ending.split(":", 1)[1]
            line = self.lines.setdefault((person.line, person.appointment), [])
            line.append(person.key)
            line.sort(key=lambda k: self.people[k].drawn)
            self.wake()
        elif ending == "park":
            minutes = self.model.scenario.demand(person.service).park_minutes
            self.at(self.now + minutes, "parked_returns", person.key)
        else:
            del self.people[person.key]
        self.free(name)

    def _on_parked_returns(self, key: int) -> None:
        self.parked_back.append(key)
        self.wake()

    def free(self, name: str) -> None:
        """The counter is free: a due break, a clerk leaving, or the next citizen."""
        clerk = self.clerks[name]
        if clerk.break_due is not None:
            minutes, clerk.break_due = clerk.break_due, None
            clerk.paused, clerk.idle = True, False
            self.at(self.now + minutes, "resume", name)
        elif clerk.leaving:
            self.leave(name)
        else:
            self.call_next(name)

    def _on_resume(self, name: str) -> None:
        clerk = self.clerks[name]
        if not clerk.staffed:
            return
        clerk.paused = False
        self.call_next(name)

    def _on_take_break(self, name: str, minutes: float) -> None:
        clerk = self.clerks[name]
        if not clerk.staffed or clerk.paused:
            return
        if clerk.person is None:
            clerk.paused, clerk.idle = True, False
            self.at(self.now + minutes, "resume", name)
        else:
            clerk.break_due = minutes

    def _on_shift_starts(self, name: str) -> None:
        clerk = self.clerks[name]
        clerk.staffed, clerk.leaving, clerk.ending = True, False, False
        self._on_resume(name)

    def _on_shift_ends(self, index: int) -> None:
        shift = self.model.shifts[index]
        clerk = self.clerks[shift.counter]
        if not clerk.staffed:
            return
        if shift.until_empty:
            clerk.ending = True
            if clerk.idle or (clerk.paused and clerk.person is None):
                self.leave(shift.counter)
        elif clerk.person is None:
            self.leave(shift.counter)
        else:
            clerk.leaving = True

    def leave(self, name: str) -> None:
        """The counter closes for the day."""
        clerk = self.clerks[name]
        clerk.paused = True
        clerk.staffed = clerk.idle = clerk.leaving = clerk.ending = False
        clerk.break_due = None

    # Forks

    def fork(self, rng: random.Random, watch: int) -> Twin:
        """A copy of the state now that plays on with fresh draws of everything the model does not know yet.

        Known: who waits and since when, who is at which counter since when, the shifts and breaks, the
        booked slots, how many of a crowd have come. Drawn afresh: every future arrival, whether and when
        the booked who have not come yet arrive, how long the cases at the counters still take, which
        waiting walk-ins will give up, and everything after.
        """
        twin = Twin.__new__(Twin)
        twin.model, twin.rng, twin.now = self.model, rng, self.now
        twin.order = itertools.count(next(self.order))
        twin.keys = itertools.count(10**9)
        twin.people = {k: replace(p) for k, p in self.people.items()}
        twin.lines = {k: list(v) for k, v in self.lines.items()}
        twin.parked_back = list(self.parked_back)
        twin.bookings = [replace(b) for b in self.bookings]
        twin.burst_arrived = dict(self.burst_arrived)
        twin.clerks = {k: replace(c, services=c.services) for k, c in self.clerks.items()}
        twin.log, twin.refused, twin.watch, twin.on_drawn = [], 0, watch, None
        twin.watch_called = self.people[watch].called if watch in self.people else None
        # Keep what the model knows for certain: shifts, breaks, resumes, parked citizens coming back.
        twin.events = [e for e in self.events if e.kind in ("shift_starts", "shift_ends", "take_break", "resume",
                                                            "parked_returns")]
        heapq.heapify(twin.events)
        twin._redraw_counters()
        twin._redraw_patience()
        twin._redraw_bookings()
        twin._schedule_walk_ins(twin.now)
        return twin

    def _redraw_counters(self) -> None:
        for name, clerk in self.clerks.items():
            if clerk.person is None:
                continue
            clerk.token += 1
            if clerk.serving_since is None:  # waiting for a called citizen who is not coming
                person = self.people[clerk.person]
                self.at(max(self.now, (person.called or self.now) + self.model.scenario.no_show_wait_minutes),
                        "close", name, clerk.token, "no_show")
                continue
            handling = self.model.handling(self.people[clerk.person].line)
            elapsed = self.now - clerk.serving_since
            self.at(clerk.serving_since + service_minutes_beyond(self.rng, handling, elapsed),
                    "close", name, clerk.token, "end")

    def _redraw_patience(self) -> None:
        for person in self.people.values():
            if person.called is not None or person.appointment or person.key == self.watch:
                person.gives_up_at = None
                continue
            patience = self.model.scenario.demand(person.service).patience
            person.gives_up_at = None
            if patience is None:
                continue
            waited = self.now - person.drawn
            # The chance that this one is impatient, given they have not given up yet (log-normal, sigma 0.5).
            survive = 0.5 * math.erfc(math.log(max(waited, 1e-9) / patience.median_minutes) / (0.5 * math.sqrt(2)))
            impatient = patience.share * survive / (patience.share * survive + 1 - patience.share)
            if self.rng.random() >= impatient:
                continue
            for _ in range(400):
                limit = patience.median_minutes * math.exp(self.rng.gauss(0.0, 0.5))
                if limit > waited:
                    break
            else:
                limit = waited + 1.0
            person.gives_up_at = person.drawn + limit
            self.at(person.gives_up_at, "give_up", person.key, person.gives_up_at)

    def _redraw_bookings(self) -> None:
        for index, booking in enumerate(self.bookings):
            if booking.arrived:
                continue
            earliest, latest = booking.slot - booking.early, booking.slot + booking.late
            if self.now >= latest:
                continue  # whoever was coming has come
            start = max(earliest, self.now) if self.now >= booking.opens else earliest
            left = (latest - start) / max(latest - earliest, 1e-9)
            comes = booking.show * left / (booking.show * left + 1 - booking.show)
            if self.rng.random() < comes:
                self._schedule_check_in(index, max(self.rng.uniform(start, latest), self.now))
