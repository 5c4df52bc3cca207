"""Wait-time ranges shown to citizens: one forecast per site, the same figures on kiosk, ticket, page and display.

This module loads what the forecast needs from the database (the counters open now, each busy until
its current citizen is likely done; every waiting ticket; the appointments still expected today;
recent service times and the forecast's own recent errors) and hands it to the pure arithmetic in
server/forecast/: the replay of the router's call rule and the calibrated ranges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.policy import rules_for
from server.calibration.history import recent_errors, remember
from server.counters.models import Counter, CounterService, CounterStatus
from server.counters.serving import chosen_services, is_serving
from server.events.envelope import EventType
from server.events.models import EventRecord
from server.forecast.durations import MIN_REMAINING, Durations, durations_from
from server.forecast.ranges import CALIBRATION_LEVEL, RANGE_LEVEL, Forecast, RangeRule, new_key, wait_range
from server.forecast.replay import Arrivals, Desk, Job, replay
from server.forecast.staffing import CounterChange, Staffing, staffing_of
from server.sites.hours import business_day, closing_time, local_time, periods_on
from server.sites.models import Service, Site
from server.tickets.lifecycle import ACTIVE_AT_COUNTER, TicketStatus
from server.tickets.models import Ticket

__all__ = [
    "RANGE_LEVEL", "Arrivals", "Desk", "Durations", "Forecast", "Job", "durations_from", "replay", "site_forecast",
    "wait_range",
]

SAMPLE_SIZE = 40  # recent occupations per service that make the statistics
MIN_SAMPLES = 8  # below this, occupations from any time of day are added
HISTORY_DAYS = 28
TIME_OF_DAY_MINUTES = 90  # "the same time of day" is within this many minutes
SHOW_RATE_PRIOR = 0.75  # share of booked citizens who come, before the site has its own figures
SHOW_RATE_WEIGHT = 10
STAY_PRIOR_WEIGHT = 10  # walk-ins that count as having stayed before a line has its own figures
# Walk-ins still to come, at the pace of the last hour: later arrivals of more urgent services overtake.
ARRIVAL_WINDOW = timedelta(hours=1)
ARRIVAL_HORIZON_MINUTES = 120.0
# Staffing is learnt from the same weekday of the last weeks: the most recent one the site was open.
STAFFING_WEEKS = 4
# Breaks of the reference day expected again: off. On the Friday rush (seed 1) they lowered the share inside
# from 86 % to 83 % and raised the interval score from 67.5 to 73.0 (docs/estimates.md).
PLANNED_BREAKS = False
# Walk-ins to come as the same weekday had them where it had a crowd just ahead: at least CROWD_SIZE walk-ins
# within CROWD_MINUTES, more than CROWD_FACTOR times what today's pace of the last hour gives. Off: it lowered
# the Friday rush's interval score from 68.6 to 57.1 but raised the CI morning's from 35.2 to 47.6
# (docs/estimates.md).
REFERENCE_ARRIVALS = False
CROWD_SIZE, CROWD_MINUTES, CROWD_FACTOR = 10, 15.0, 3.0
_arrivals_cache: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
_staffing_cache: dict[tuple[str, str, str], Staffing] = {}


def _minute_of_day(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _minute_of_day_exact(moment: datetime) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


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


def _bind_key(session: Session) -> str:
    """Which database a cached figure of a past day came from (an engine's id alone may be reused)."""
    bind = session.get_bind()
    return f"{id(bind)}:{getattr(bind, 'url', '')}"


def _someone_waited(*, session: Session, site: Site, at: datetime) -> bool:
    """Whether a ticket of the site was waiting at `at`: drawn before, called later (or never, yet not ended)."""
    found = session.exec(
        select(Ticket.id).where(
            Ticket.site_id == site.id,
            col(Ticket.issued_at) < at - timedelta(minutes=1),
            col(Ticket.issued_at) >= at - timedelta(hours=12),
            (col(Ticket.called_at) > at) | (col(Ticket.called_at).is_(None) & (col(Ticket.finished_at) > at)),
        ).limit(1)
    ).first()
    return found is not None


def _reference_staffing(*, session: Session, site: Site, now: datetime) -> Staffing:
    """Early leaves and breaks, in minutes of the local day, on the latest same weekday with counter events."""
    today = business_day(site, now)
    key = (_bind_key(session), site.id, today.isoformat())
    if key in _staffing_cache:
        return _staffing_cache[key]
    found = Staffing()
    zone = local_time(site, now).tzinfo
    for weeks in range(1, STAFFING_WEEKS + 1):
        day = today - timedelta(days=7 * weeks)
        periods = periods_on(site, day)
        if not periods:
            continue
        opens = datetime.combine(day, periods[0][0], tzinfo=zone)
        closes = datetime.combine(day, periods[-1][1], tzinfo=zone)
        rows = session.exec(
            select(EventRecord.counter_id, EventRecord.at, EventRecord.data).where(
                EventRecord.site_id == site.id,
                EventRecord.type == EventType.counter_changed,
                col(EventRecord.at) >= opens - timedelta(hours=2),
                col(EventRecord.at) < closes,
            )
        ).all()
        if not rows:
            continue
        changes = [
            CounterChange(
                counter_id=counter_id, minute=_minute_of_day(local_time(site, at)),
                stopped=data.get("status") == CounterStatus.closed
                or (data.get("status") == CounterStatus.paused and not data.get("paused_until")),
                resumes=_minute_of_day(local_time(site, datetime.fromisoformat(data["paused_until"])))
                if data.get("status") == CounterStatus.paused and data.get("paused_until") else None,
            )
            for counter_id, at, data in rows
            if counter_id
        ]
        found = staffing_of(changes, closes=periods[-1][1].hour * 60 + periods[-1][1].minute)
        # A clerk who left once nobody waited had finished, not left early: on a busier day they stay longer.
        leaves = {
            counter_id: minute for counter_id, minute in found.leaves.items()
            if _someone_waited(session=session, site=site, at=datetime.combine(day, time(), tzinfo=zone)
                               + timedelta(minutes=minute))
        }
        found = Staffing(leaves=leaves, breaks=found.breaks)
        break
    if len(_staffing_cache) > 256:
        _staffing_cache.clear()
    _staffing_cache[key] = found
    return found


def _desks(
    *, session: Session, site_id: str, durations: dict[int, Durations], express: frozenset[int], now: datetime,
    leaves: dict[str, float] | None = None, breaks: dict[str, tuple[tuple[float, float], ...]] | None = None,
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
        # A counter that left early on the same weekday recently is expected to leave at that time again.
        until = (leaves or {}).get(counter.id, math.inf)
        desks.append(Desk(free_at=free_at, order=order_of[counter.id], ranks=dict(ranks[counter.id]), express=quick,
                          until=until, off=(breaks or {}).get(counter.id, ())))
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
        jobs.append(Job(new_key(service.pk), service.pk, 0.0, imagined=True))
        # A citizen checking in on time joins the appointments' line, called before the walk-ins.
        jobs.append(Job(new_key(service.pk, priority=True), service.pk, 0.0, priority_from=0.0, imagined=True,
                        appointment=True))
    return jobs


def _reference_walk_ins(*, session: Session, site: Site, now: datetime, horizon: float) -> dict[int, list[float]]:
    """Per service pk the walk-ins the latest same weekday had in the coming `horizon` minutes of the day.

    Moments in minutes from now, at the same time of day: a crowd at opening, absent from the last hour
    at opening, is expected as the crowd it was.
    """
    today = business_day(site, now)
    key = (_bind_key(session), site.id, today.isoformat())
    day_arrivals = _arrivals_cache.get(key)
    if day_arrivals is None:
        day_arrivals = []
        for weeks in range(1, STAFFING_WEEKS + 1):
            day = today - timedelta(days=7 * weeks)
            if not periods_on(site, day):
                continue
            rows = session.exec(
                select(Ticket.issued_service_pk, Ticket.issued_at).where(
                    Ticket.site_id == site.id, Ticket.business_day == day, col(Ticket.appointment_id).is_(None),
                )
            ).all()
            if rows:
                day_arrivals = [(pk, _minute_of_day_exact(local_time(site, at))) for pk, at in rows]
                break
        if len(_arrivals_cache) > 256:
            _arrivals_cache.clear()
        _arrivals_cache[key] = day_arrivals
    here = _minute_of_day_exact(local_time(site, now))
    moments: dict[int, list[float]] = defaultdict(list)
    for service_pk, minute in day_arrivals:
        if 0 < minute - here < horizon:
            moments[service_pk].append(minute - here)
    return moments


def _expected_walk_ins(
    *, session: Session, site: Site, now: datetime, stays: dict[int, float]
) -> list[Arrivals]:
    """Walk-ins still to come before closing: at each service's pace of the last hour, evenly spaced, or, when
    the same weekday had a crowd just ahead (the opening rush, absent from the last hour), as it had them."""
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
    counts = dict(rows)
    reference = _reference_walk_ins(session=session, site=site, now=now, horizon=horizon) if REFERENCE_ARRIVALS else {}
    # A crowd the same weekday had just ahead, far above today's pace: expect it as it came. Sparse arrivals
    # are not copied: one week's few moments are chance, and the even pace of the last hour does better.
    soon = sum(1 for moments in reference.values() for m in moments if m < CROWD_MINUTES)
    crowd = soon >= CROWD_SIZE and soon > CROWD_FACTOR * sum(counts.values()) * CROWD_MINUTES / window
    flows: list[Arrivals] = []
    for service_pk in set(counts) | (set(reference) if crowd else set()):
        weight = stays.get(service_pk, 1.0)
        if crowd and reference.get(service_pk):
            # The crowd as it came, then the pace that day had in the hour after it.
            ahead = sorted(reference[service_pk])
            pace = max(sum(1 for m in ahead if CROWD_MINUTES <= m < CROWD_MINUTES + window), 1)
            # Distinct moments: a crowd drawn in the same second stays a crowd, one after the other.
            spaced = tuple(m + i * 1e-6 for i, m in enumerate(m for m in ahead if m < CROWD_MINUTES))
            flows.append(Arrivals(service_pk=service_pk, gap=window / pace, horizon=horizon, weight=weight,
                                  moments=spaced))
        elif counts.get(service_pk):
            flows.append(Arrivals(service_pk=service_pk, gap=window / counts[service_pk], horizon=horizon,
                                  weight=weight))
    return flows


def site_forecast(*, session: Session, site: Site, services: list[Service], now: datetime) -> Forecast:
    """Replay the site's lines and turn each expected call time into a range."""
    durations = recent_durations(session=session, site=site, services=services, now=now)
    express = frozenset(s.pk for s in services if s.express and s.pk is not None)
    here_minute = _minute_of_day(local_time(site, now))
    staffing = _reference_staffing(session=session, site=site, now=now)
    leaves = {
        counter_id: minute - here_minute for counter_id, minute in staffing.leaves.items() if minute > here_minute
    }
    # Breaks still ahead today (one already begun is known from the counter's own pause).
    breaks = {
        counter_id: tuple((start - here_minute, end - here_minute) for start, end in spans if start > here_minute)
        for counter_id, spans in staffing.breaks.items()
    }
    desks, served = _desks(
        session=session, site_id=site.id, durations=durations, express=express, now=now, leaves=leaves,
        breaks=breaks if PLANNED_BREAKS else None,
    )
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
    rules: dict[Any, RangeRule] = {}
    for job in jobs:
        # Expected walk-ins only make room; nobody asks for their range.
        if job.wanted and job.key in calls:
            rule = RangeRule(
                figures=durations[job.service_pk], servers=servers[job.service_pk],
                bounds=calibration.bounds(
                    service_pk=job.service_pk, appointment=job.appointment, level=CALIBRATION_LEVEL, band=here
                ),
            )
            ranges[job.key] = rule.range(calls[job.key])
            if job.imagined:
                rules[job.key] = rule
    # A walk-in drawn after this forecast holds a counter for its service time, for the share who stay.
    per_ticket = {
        pk: durations[pk].mean * stays.get(pk, 1.0) / count
        for pk, count in servers.items()
        if count and pk in durations
    }
    return Forecast(
        expected=calls,
        ranges=ranges,
        service_minutes={pk: figures.median for pk, figures in durations.items()},
        waiting=sum(1 for job in jobs if job.key[0] == "ticket"),
        served=served,
        per_ticket=per_ticket,
        rules=rules,
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
