"""Wait-time ranges shown to citizens: one forecast per site, the same figures on kiosk, ticket, page and display.

The forecast replays the router's own rule on the current state: the counters open now (each
busy until its current citizen is likely done), every waiting ticket, the appointments still
expected today (weighted by how often booked citizens come), and one imagined new ticket per
service. Service times are the median of recent counter occupations of that service at this time
of day; the range around the expected call time widens with the spread of those occupations and
with how far ahead the forecast looks.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.policy import rules_for
from server.calibration.conformal import calibrated_range, error_scale
from server.calibration.history import recent_errors, remember
from server.counters.models import Counter, CounterService, CounterStatus
from server.counters.serving import chosen_services, is_serving
from server.sites.hours import closing_time, local_time
from server.sites.models import Service, Site
from server.tickets.lifecycle import ACTIVE_AT_COUNTER, TicketStatus
from server.tickets.models import Ticket
from server.tickets.scoring import APPOINTMENT_HEAD_START, PREFERENCE_YIELDS_AT, RANK_DISCOUNT

SAMPLE_SIZE = 40  # recent occupations per service that make the statistics
MIN_SAMPLES = 8  # below this, occupations from any time of day are added
PRIOR_WEIGHT = 4  # the configured typical time counts as this many observations
HISTORY_DAYS = 28
TIME_OF_DAY_MINUTES = 90  # "the same time of day" is within this many minutes
NORMAL_IQR = 1.349  # interquartile range of a standard normal: turns an IQR into a standard deviation
DEFAULT_CV = 0.5
LONG_CASE_CAP = 4.0  # in the mean, no occupation counts longer than this many medians
SHOW_RATE_PRIOR = 0.75  # share of booked citizens who come, before the site has its own figures
SHOW_RATE_WEIGHT = 10
STAY_PRIOR_WEIGHT = 10  # walk-ins that count as having stayed before a line has its own figures
# The range: expected ± Z standard deviations of the summed service times, plus a share of the
# expected wait for what the replay cannot know (later walk-ins of more urgent services, people
# who give up, clerks' pauses). Calibrated with `aufruf simulate`; see docs/estimates.md.
Z = 1.28
RANGE_LEVEL = 0.86  # the share of waits a calibrated range is meant to hold (its nominal level)
EARLY_SHARE = 0.2
LATE_SHARE = 0.45
SLACK_MINUTES = 1.0
MIN_REMAINING = 0.5  # a citizen at the counter keeps it busy at least this much longer (minutes)
OVERRUN_SHARE = 0.5  # a case longer than any recent one is expected to need half its time so far again
# Walk-ins still to come, at the pace of the last hour: later arrivals of more urgent services overtake.
ARRIVAL_WINDOW = timedelta(hours=1)
ARRIVAL_HORIZON_MINUTES = 120.0


@dataclass(frozen=True)
class Durations:
    """Robust figures of one service's recent counter occupations, in minutes."""

    median: float
    cv: float
    samples: int
    mean: float = 0.0  # what a line of citizens takes per head: sums of service times grow with the mean
    occupations: tuple[float, ...] = ()  # the samples, for how much longer a case already running takes

    def __post_init__(self) -> None:
        if not self.mean:
            object.__setattr__(self, "mean", self.median)

    def remaining(self, elapsed: float) -> float:
        """Expected minutes left of a case that has run `elapsed` minutes: the longer it ran, the longer it runs."""
        if elapsed < self.median:
            return max(self.mean - elapsed, MIN_REMAINING)
        longer = [x - elapsed for x in self.occupations if x > elapsed]
        # Past every recent case: it is one of the long ones; assume it needs a good part of what it took so far.
        left = statistics.fmean(longer) if longer else OVERRUN_SHARE * elapsed
        return max(left, MIN_REMAINING)


def durations_from(samples: list[float], prior_minutes: float) -> Durations:
    """Median, mean and spread of occupations, leaning on the configured typical time while samples are few."""
    if not samples:
        return Durations(median=prior_minutes, cv=DEFAULT_CV, samples=0)
    median = statistics.median(samples)
    weight = len(samples) + PRIOR_WEIGHT
    blended = (median * len(samples) + prior_minutes * PRIOR_WEIGHT) / weight
    # Occupations are skewed (the odd long case): the mean, with each case capped, is what a line adds up to.
    cap = LONG_CASE_CAP * median
    mean = statistics.fmean(min(sample, cap) for sample in samples)
    blended_mean = (mean * len(samples) + prior_minutes * PRIOR_WEIGHT) / weight
    if len(samples) >= 4:
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        cv = (q3 - q1) / NORMAL_IQR / max(median, 0.1)
    else:
        cv = DEFAULT_CV
    return Durations(
        median=blended, cv=min(max(cv, 0.1), 1.5), samples=len(samples), mean=blended_mean, occupations=tuple(samples)
    )


def _minute_of_day(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def recent_durations(*, session: Session, site: Site, services: list[Service], now: datetime) -> dict[int, Durations]:
    """Per service pk: statistics of the last occupations (call to finish or no-show), same time of day first."""
    rows = session.exec(
        select(Ticket.service_pk, Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.site_id == site.id,
            col(Ticket.finished_at) >= now - timedelta(days=HISTORY_DAYS),
            col(Ticket.called_at).is_not(None),
            col(Ticket.status).in_([TicketStatus.done, TicketStatus.no_show]),
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(SAMPLE_SIZE * max(len(services), 1) * 4)
    ).all()
    here = _minute_of_day(local_time(site, now))
    near: dict[int, list[float]] = defaultdict(list)
    other: dict[int, list[float]] = defaultdict(list)
    for service_pk, called_at, finished_at in rows:
        if called_at is None or finished_at is None:
            continue
        minutes = (finished_at - called_at).total_seconds() / 60
        if minutes < 0:
            continue
        distance = abs(_minute_of_day(local_time(site, called_at)) - here)
        (near if distance <= TIME_OF_DAY_MINUTES else other)[service_pk].append(minutes)
    result: dict[int, Durations] = {}
    for service in services:
        assert service.pk is not None
        chosen = near[service.pk][:SAMPLE_SIZE]
        if len(chosen) < MIN_SAMPLES:
            chosen += other[service.pk][: SAMPLE_SIZE - len(chosen)]
        result[service.pk] = durations_from(chosen, service.typical_service_minutes)
    return result


@dataclass(slots=True)
class Job:
    """Someone the replay has to call: a waiting ticket, an expected appointment, or an imagined new ticket."""

    key: Any
    service_pk: int
    joined: float  # minutes from now (negative: in the past) when they joined the line
    ready: float = 0.0  # minutes from now from which they can be called
    priority_from: float | None = None  # minutes from now from which they count as an appointment
    weight: float = 1.0  # expected share of a full service (appointments that may not come)
    imagined: bool = False  # takes no counter time: it only asks "when would a new ticket be called?"
    appointment: bool = False  # its range is calibrated on the errors of appointments
    wanted: bool = True  # its call time is asked for (expected future walk-ins only make room)


# Added to a quick matter's score at an ordinary counter once it reached `PREFERENCE_YIELDS_AT` of its
# target: it then ranks above every longer matter, as `call_key` orders them.
QUICK_FIRST = 1e9


@dataclass(order=True)
class Desk:
    """A counter in the replay."""

    free_at: float
    order: int
    ranks: dict[int, int] = field(compare=False)
    express: bool = field(default=False, compare=False)  # keeps to quick matters (server/tickets/express.py)


def _lines(jobs: list[Job]) -> dict[tuple[int, bool], deque[Job]]:
    """Jobs per service, appointments apart from walk-ins, each in the order the router takes them."""
    lines: dict[tuple[int, bool], list[Job]] = defaultdict(list)
    for job in jobs:
        lines[(job.service_pk, job.priority_from is not None)].append(job)
    return {key: deque(sorted(line, key=lambda j: (j.ready, j.joined))) for key, line in lines.items()}


@dataclass(frozen=True)
class Arrivals:
    """Walk-ins still to come for one service: one every `gap` minutes until `horizon`."""

    service_pk: int
    gap: float
    horizon: float
    weight: float = 1.0  # the share of them who will stay to be called

    def after(self, moment: float) -> Job | None:
        """The expected walk-in following the one at `moment` (0: the first), or None past the horizon."""
        moment += self.gap
        if moment >= self.horizon:
            return None
        return Job(
            ("coming", self.service_pk, moment), self.service_pk, moment, ready=moment, weight=self.weight,
            wanted=False,
        )


def replay(
    *,
    desks: list[Desk],
    jobs: list[Job],
    targets: dict[int, int],
    durations: dict[int, float],
    arrivals: Sequence[Arrivals] = (),
    express: frozenset[int] = frozenset(),
    takes_others_at: float = 0.8,
) -> dict[Any, float]:
    """Expected call time (minutes from now) of every job, by the router's own scoring.

    Expected walk-ins (`arrivals`) queue behind everyone already in their service's walk-in line, so
    each is created only when that line runs empty: most never are before the last wanted job is called.
    Counters choose as `call_order` does: an express counter (`Desk.express`) takes quick matters (`express`
    services) while any waits, and besides them only lines no other counter serves once their head has
    waited `takes_others_at` of its target; with nothing quick waiting, the most urgent other line past
    that share, else the most urgent one unless a quick citizen is due before it would be served. An
    ordinary counter takes a quick matter that has waited `PREFERENCE_YIELDS_AT` of its target first.
    """
    # Like the router, only the head of each line competes: cost grows with jobs times lines, not jobs squared.
    lines = _lines(jobs)
    coming: dict[tuple[int, bool], tuple[Arrivals, float]] = {}
    for flow in arrivals:
        line = lines.setdefault((flow.service_pk, False), deque())
        coming[(flow.service_pk, False)] = (flow, 0.0)
        if not line:
            _refill(line, coming, (flow.service_pk, False))
    # An express counter leaves a line to the ordinary counters only where one of them serves it too.
    servers: dict[int, int] = defaultdict(int)
    for desk in desks:
        for service_pk in desk.ranks:
            servers[service_pk] += 1
    # Per line what `urgency_score` needs besides the head: its target in seconds, whether it is quick
    # and whether more than one counter serves it.
    line_list = [
        (service_pk, max(targets[service_pk], 1) * 60, service_pk in express, servers[service_pk] > 1, line)
        for (service_pk, _), line in lines.items()
    ]
    line_keys = {id(line): key for key, line in lines.items()}
    calls: dict[Any, float] = {}
    wanted = sum(1 for job in jobs if job.wanted)
    # Plain tuples in the heap: they compare like `Desk` (free_at, then order) without a Python-level __lt__.
    heap = [(desk.free_at, desk.order, desk.ranks, desk.express) for desk in desks]
    heapq.heapify(heap)
    inf = math.inf
    while heap and wanted:
        now, order, ranks, keeps_quick = heapq.heappop(heap)
        # `call_order` (server/tickets/routing.py) inlined, same rule: this loop runs jobs × lines times.
        best: deque[Job] | None = None  # ordinary counter: the first by `call_key`; express: a quick matter
        best_score = -inf
        urgent: deque[Job] | None = None  # express counter: another matter past its share, served elsewhere too
        urgent_score = -inf
        other: deque[Job] | None = None  # express counter: the most urgent other matter not yet its to take
        other_score = -inf
        quick_waits = False
        next_ready = inf
        next_quick = inf
        for service_pk, target, quick, elsewhere, line in line_list:
            if not line:
                continue
            rank = ranks.get(service_pk)
            if rank is None:
                continue
            head = line[0]
            if head.ready > now:
                if head.ready < next_ready:
                    next_ready = head.ready
                if quick and head.ready < next_quick:
                    next_quick = head.ready
                continue
            priority_from = head.priority_from
            bonus = APPOINTMENT_HEAD_START if priority_from is not None and priority_from <= now else 0.0
            waited = (now - head.joined) * 60
            share = (waited if waited > 0.0 else 0.0) / target
            # A quick matter at an express counter keeps the counter's preference where others step in.
            yields = not (keeps_quick and quick and elsewhere)
            held = rank if share < PREFERENCE_YIELDS_AT or not yields else 0
            score = (1 + share + bonus) / (1 + RANK_DISCOUNT * held)
            if not keeps_quick:
                # `call_key`: a quick matter about to miss its target goes ahead of every longer one.
                if quick and share >= PREFERENCE_YIELDS_AT:
                    score += QUICK_FIRST
            elif quick:
                quick_waits = True
            elif share < takes_others_at:
                if score > other_score:
                    other, other_score = line, score
                continue
            elif elsewhere:
                if score > urgent_score:
                    urgent, urgent_score = line, score
                continue
            if score > best_score:
                best, best_score = line, score
        if keeps_quick and not quick_waits:
            # Nothing quick waits: the most urgent other matter past its share, else the most urgent
            # other one unless a quick citizen comes before it would be served.
            if urgent is not None and urgent_score > best_score:
                best = urgent
            elif best is None and other is not None:
                other_pk = other[0].service_pk
                if next_quick > now + durations[other_pk] * other[0].weight:
                    best = other
                else:
                    heapq.heappush(heap, (next_quick, order, ranks, keeps_quick))
                    continue
        if best is None:
            if next_ready < inf:
                heapq.heappush(heap, (next_ready, order, ranks, keeps_quick))
            continue
        job = best.popleft()
        if not best and coming:
            _refill(best, coming, line_keys[id(best)])
        calls[job.key] = now
        wanted -= job.wanted
        free_at = now if job.imagined else now + durations[job.service_pk] * job.weight
        heapq.heappush(heap, (free_at, order, ranks, keeps_quick))
    return calls


def _refill(line: deque[Job], coming: dict[tuple[int, bool], tuple[Arrivals, float]], key: tuple[int, bool]) -> None:
    """Put the next expected walk-in into an emptied line, if its service expects more."""
    state = coming.get(key)
    if state is None:
        return
    flow, last = state
    job = flow.after(last)
    if job is None:
        del coming[key]
        return
    line.append(job)
    coming[key] = (flow, job.joined)


@dataclass(frozen=True)
class Forecast:
    """Expected call times and ranges for every waiting ticket and for a new ticket of each service."""

    expected: dict[Any, float]
    ranges: dict[Any, tuple[int, int]]
    service_minutes: dict[int, float]
    waiting: int = 0
    served: frozenset[int] = frozenset()  # services some serving counter takes now

    def for_ticket(self, ticket_id: int | None) -> tuple[int, int] | None:
        """The range of a waiting ticket, or None if it is not waiting."""
        return self.ranges.get(("ticket", ticket_id))

    def for_new(self, service_pk: int) -> tuple[int, int] | None:
        """The range a ticket drawn now for this service would be shown, or None while no counter serves it."""
        return self.ranges.get(("new", service_pk)) if service_pk in self.served else None

    def done_new(self, service_pk: int) -> float | None:
        """Expected minutes until a ticket drawn now would be served, or None if no counter serves it."""
        called = self.expected.get(("new", service_pk))
        return None if called is None else called + self.service_minutes.get(service_pk, 0.0)


def wait_range(*, expected: float, service_minutes: float, cv: float, servers: int) -> tuple[int, int]:
    """A low-high range in whole minutes around an expected wait."""
    spread = Z * cv * math.sqrt(max(expected, 0.0) * service_minutes / max(servers, 1))
    low = max(0, math.floor(expected - spread - EARLY_SHARE * expected))
    high = max(low + 1, math.ceil(expected + spread + LATE_SHARE * expected + SLACK_MINUTES))
    return low, high


def _range(
    *, expected: float, figures: Durations, servers: int, bounds: tuple[float, float] | None
) -> tuple[int, int]:
    """Calibrated on recent errors once there are enough of them; until then the fixed margins."""
    if bounds is None:
        return wait_range(expected=expected, service_minutes=figures.median, cv=figures.cv, servers=servers)
    return calibrated_range(expected=expected, scale=error_scale(expected, figures.median), bounds=bounds)


def counted_counters(counters: Sequence[Counter], now: datetime) -> list[tuple[Counter, float]]:
    """The counters the forecast counts, each with the minutes until it takes calls.

    Serving counters at once; a paused one whose pause has a known end (a break) from that end on; paused
    counters without an end and closed ones count nowhere.
    """
    counted: list[tuple[Counter, float]] = []
    for counter in counters:
        if is_serving(counter):
            counted.append((counter, 0.0))
        elif counter.status == CounterStatus.paused and counter.paused_until is not None:
            counted.append((counter, max(_minutes(counter.paused_until, now), 0.0)))
    return counted


def _desks(
    *, session: Session, site_id: str, durations: dict[int, Durations], express: frozenset[int], now: datetime
) -> tuple[list[Desk], frozenset[int]]:
    """Counters the forecast counts, with their preferences, and the services some serving counter takes now."""
    counters = session.exec(select(Counter).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    links = session.exec(
        select(CounterService.counter_id, CounterService.service_pk, CounterService.rank, Service.key)
        .join(Service, col(Service.pk) == CounterService.service_pk)
        .join(Counter, col(Counter.id) == CounterService.counter_id)
        .where(Counter.site_id == site_id, col(Service.active).is_(True))
    ).all()
    ranks: dict[str, dict[int, int]] = defaultdict(dict)
    by_id = {counter.id: counter for counter in counters}
    for counter_id, service_pk, rank, key in links:
        chosen = chosen_services(by_id[counter_id])
        if not chosen or key in chosen:
            ranks[counter_id][service_pk] = rank
    current_ids = [c.current_ticket_id for c in counters if c.current_ticket_id]
    current = {
        t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(current_ids))).all()
    } if current_ids else {}
    desks: list[Desk] = []
    served: set[int] = set()
    order_of = {counter.id: order for order, counter in enumerate(counters)}
    for counter, resumes in counted_counters(counters, now):
        if not ranks[counter.id]:
            continue
        free_at = resumes
        ticket = current.get(counter.current_ticket_id) if counter.current_ticket_id else None
        if ticket is not None and ticket.status in ACTIVE_AT_COUNTER and ticket.called_at is not None:
            elapsed = (now - ticket.called_at).total_seconds() / 60
            figures = durations.get(ticket.service_pk)
            left = figures.remaining(elapsed) if figures else max(5.0 - elapsed, MIN_REMAINING)
            free_at = max(free_at, left)
        if is_serving(counter):
            served.update(ranks[counter.id])
        # An express counter serving no express matter today is an ordinary counter, as in `claim_next`.
        quick = counter.express and any(pk in express for pk in ranks[counter.id])
        desks.append(Desk(free_at=free_at, order=order_of[counter.id], ranks=dict(ranks[counter.id]), express=quick))
    return desks, frozenset(served)


def show_rate(*, session: Session, site_id: str, now: datetime) -> float:
    """Share of recent bookings whose citizen came, leaning on a prior while there are few."""
    rows = session.exec(
        select(Appointment.status, func.count())
        .where(
            Appointment.site_id == site_id,
            col(Appointment.starts_at) >= now - timedelta(days=HISTORY_DAYS),
            col(Appointment.status).in_([AppointmentStatus.checked_in, AppointmentStatus.no_show]),
        )
        .group_by(col(Appointment.status))
    ).all()
    counts = dict(rows)
    came = counts.get(AppointmentStatus.checked_in, 0)
    total = came + counts.get(AppointmentStatus.no_show, 0)
    return (came + SHOW_RATE_PRIOR * SHOW_RATE_WEIGHT) / (total + SHOW_RATE_WEIGHT)


def _minutes(moment: datetime, now: datetime) -> float:
    return (moment - now).total_seconds() / 60


def stay_shares(*, session: Session, site_id: str, now: datetime) -> dict[int, float]:
    """Per service pk the share of recent walk-ins who waited to be called rather than give their ticket back."""
    rows = session.exec(
        select(Ticket.issued_service_pk, Ticket.status, func.count())
        .where(
            Ticket.site_id == site_id,
            col(Ticket.issued_at) >= now - timedelta(days=HISTORY_DAYS),
            col(Ticket.appointment_id).is_(None),
            col(Ticket.called_at).is_not(None) | (col(Ticket.status) == TicketStatus.cancelled),
        )
        .group_by(col(Ticket.issued_service_pk), col(Ticket.status))
    ).all()
    left: dict[int, int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    for service_pk, status, count in rows:
        total[service_pk] += count
        if status == TicketStatus.cancelled:
            left[service_pk] += count
    # Leaning on "everyone stays" while a line has few tickets: a forecast should not count on people leaving.
    return {pk: 1 - left[pk] / (total[pk] + STAY_PRIOR_WEIGHT) for pk in total}


def _jobs(
    *, session: Session, site: Site, services: list[Service], policy: AppointmentPolicy, now: datetime,
    stays: dict[int, float],
) -> list[Job]:
    site_id = site.id
    before = timedelta(minutes=policy.priority_before_minutes)
    # Plain rows, not ORM objects: a long day can have thousands waiting, and this runs per change.
    waiting = session.connection().execute(
        sa_select(
            col(Ticket.id), col(Ticket.service_pk), col(Ticket.queued_at), col(Ticket.priority),
            col(Ticket.appointment_id),
        ).where(col(Ticket.site_id) == site_id, col(Ticket.status) == TicketStatus.waiting)
    ).all()
    booked_ids = [t.appointment_id for t in waiting if t.appointment_id and t.priority <= 0]
    starts = dict(
        session.exec(
            select(Appointment.id, Appointment.starts_at).where(
                col(Appointment.id).in_(booked_ids), col(Appointment.late).is_(False)
            )
        ).all()
    ) if booked_ids else {}
    jobs: list[Job] = []
    for ticket_id, service_pk, queued_at, priority, appointment_id in waiting:
        priority_from: float | None = 0.0 if priority > 0 else None
        if appointment_id in starts:
            priority_from = _minutes(starts[appointment_id] - before, now)
        # `_minutes` inlined: this runs once per waiting ticket per forecast.
        joined = (queued_at - now).total_seconds() / 60
        # A walk-in still waiting may yet give up: they hold a counter only for the share who stay.
        weight = 1.0 if appointment_id is not None else stays.get(service_pk, 1.0)
        jobs.append(Job(("ticket", ticket_id), service_pk, joined, priority_from=priority_from, weight=weight,
                        appointment=appointment_id is not None))
    expected = session.exec(
        select(Appointment).where(
            Appointment.site_id == site_id,
            Appointment.status == AppointmentStatus.booked,
            col(Appointment.starts_at) >= now - timedelta(minutes=policy.late_minutes),
            col(Appointment.starts_at) < now + timedelta(hours=12),
        )
    ).all()
    rate = show_rate(session=session, site_id=site_id, now=now) if expected else 1.0
    for appointment in expected:
        # Booked citizens are counted from their window on, for the share of them that usually comes.
        arrives = max(_minutes(appointment.starts_at - before, now), 0.0)
        jobs.append(
            Job(("booking", appointment.id), appointment.service_pk, arrives, ready=arrives, priority_from=arrives,
                weight=rate, appointment=True)
        )
    for service in services:
        assert service.pk is not None
        jobs.append(Job(("new", service.pk), service.pk, 0.0, imagined=True))
    return jobs


def _expected_walk_ins(
    *, session: Session, site: Site, now: datetime, stays: dict[int, float]
) -> list[Arrivals]:
    """Walk-ins still to come before closing, evenly spaced at each service's pace of the last hour."""
    closes = closing_time(site, now) if not site.always_open else None
    horizon = ARRIVAL_HORIZON_MINUTES if closes is None else min(ARRIVAL_HORIZON_MINUTES, _minutes(closes, now))
    rows = session.exec(
        select(Ticket.issued_service_pk, func.count())
        .where(
            Ticket.site_id == site.id,
            col(Ticket.issued_at) >= now - ARRIVAL_WINDOW,
            col(Ticket.appointment_id).is_(None),
        )
        .group_by(col(Ticket.issued_service_pk))
    ).all()
    window = ARRIVAL_WINDOW.total_seconds() / 60
    return [
        Arrivals(service_pk=service_pk, gap=window / count, horizon=horizon, weight=stays.get(service_pk, 1.0))
        for service_pk, count in rows
    ]


def site_forecast(*, session: Session, site: Site, services: list[Service], now: datetime) -> Forecast:
    """Replay the site's lines and turn each expected call time into a range."""
    durations = recent_durations(session=session, site=site, services=services, now=now)
    express = frozenset(s.pk for s in services if s.express and s.pk is not None)
    desks, served = _desks(session=session, site_id=site.id, durations=durations, express=express, now=now)
    policy = rules_for(session=session, site_id=site.id)
    stays = stay_shares(session=session, site_id=site.id, now=now)
    jobs = _jobs(session=session, site=site, services=services, policy=policy, now=now, stays=stays)
    for job in jobs:
        # Nobody serves this line now: no call time to promise, and the replay need not wait for one.
        if job.service_pk not in served:
            job.wanted = False
    arrivals = _expected_walk_ins(session=session, site=site, now=now, stays=stays)
    targets = {s.pk: s.target_wait_minutes for s in services if s.pk is not None}
    # Lines of retired services still count, with their last configured figures.
    for service_pk in [job.service_pk for job in jobs] + [flow.service_pk for flow in arrivals]:
        if service_pk not in targets:
            retired = session.get(Service, service_pk)
            targets[service_pk] = retired.target_wait_minutes if retired else 20
            durations.setdefault(service_pk, durations_from([], retired.typical_service_minutes if retired else 8))
    calls = replay(
        desks=desks, jobs=jobs, targets=targets, durations={pk: d.mean for pk, d in durations.items()},
        arrivals=arrivals, express=express, takes_others_at=site.express_takes_others_at,
    )
    servers: dict[int, int] = defaultdict(int)
    for desk in desks:
        for pk in desk.ranks:
            servers[pk] += 1
    def band(moment: datetime) -> int:
        return local_time(site, moment).hour

    calibration = recent_errors(session=session, site_id=site.id, now=now, band=band)
    if not calibration.known:  # a new site (a mobile office's first day) learns from the installation's others
        calibration = recent_errors(session=session, site_id=None, now=now, band=band)
    here = band(now)
    ranges: dict[Any, tuple[int, int]] = {}
    for job in jobs:
        # Expected walk-ins only make room; nobody asks for their range.
        if job.wanted and job.key in calls:
            ranges[job.key] = _range(
                expected=calls[job.key], figures=durations[job.service_pk], servers=servers[job.service_pk],
                bounds=calibration.bounds(
                    service_pk=job.service_pk, appointment=job.appointment, level=RANGE_LEVEL, band=here
                ),
            )
    return Forecast(
        expected=calls,
        ranges=ranges,
        service_minutes={pk: figures.median for pk, figures in durations.items()},
        waiting=sum(1 for job in jobs if job.key[0] == "ticket"),
        served=served,
    )


def remember_forecasts(*, session: Session, site_id: str, forecast: Forecast, tickets: Sequence[Ticket]) -> None:
    """Record what the forecast expected for newly drawn tickets, so later ranges learn from its errors."""
    expected = {
        t.id: forecast.expected[("ticket", t.id)]
        for t in tickets
        if t.id is not None and ("ticket", t.id) in forecast.expected
    }
    remember(
        session=session, site_id=site_id, expected=expected, service_minutes=forecast.service_minutes, tickets=tickets
    )
