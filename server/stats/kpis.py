"""Day and week reports of a site: KPIs per site, service, counter, hour or day, and the staffing plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from server.counters.models import Counter
from server.sites.hours import periods_on
from server.sites.lookup import get_site
from server.sites.models import Service, Site
from server.stats.bookings import BookingFigures, BookingRow, booking_figures, booking_rows, bookings_between
from server.stats.figures import FigureRow, Figures, figures, row
from server.stats.periods import HourBucket, bucket_index, day_bounds, hour_buckets, week_days
from server.stats.staffing import DEFAULT_GOAL, StaffingHour, plan
from server.stats.timeline import TicketTimeline, open_spans, ticket_timelines


class DailyKpis(Figures):
    """A day's figures at one site, broken down by service, counter and hour, with the staffing plan."""

    site: str
    date: date
    timezone: str
    by_service: dict[str, int]
    services: list[FigureRow]
    counters: list[FigureRow]
    hours: list[FigureRow]
    staffing: list[StaffingHour]
    staffing_goal: float
    # What became of the day's bookings, in total and per service.
    bookings: BookingFigures
    booking_services: list[BookingRow]
    # Labels of the hours the office was open (or busy): the charts show only these.
    open_hours: list[str]


class WeeklyKpis(Figures):
    """An ISO week's figures at one site, broken down by day, service and counter."""

    site: str
    week: str
    start: date
    end: date
    timezone: str
    days: list[FigureRow]
    services: list[FigureRow]
    counters: list[FigureRow]
    bookings: BookingFigures
    booking_services: list[BookingRow]
    booking_days: list[BookingRow]


@dataclass(frozen=True)
class SiteFacts:
    """What the reports need to know about a site's services and counters."""

    timezone: str
    targets: dict[str, int]
    typical: dict[str, float]
    service_names: dict[str, str]
    counter_names: dict[str, str]
    service_keys: dict[int, str]
    site: Site


def site_facts(*, session: Session, site_id: str, language: str = "de") -> SiteFacts:
    """Targets, typical service times and names of a site's services and counters, removed ones included."""
    site = get_site(session=session, site_id=site_id)
    services = session.exec(select(Service).where(Service.site_id == site_id).order_by(col(Service.position))).all()
    counters = session.exec(select(Counter).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    return SiteFacts(
        timezone=site.timezone,
        targets={s.key: s.target_wait_minutes for s in services},
        typical={s.key: s.typical_service_minutes for s in services},
        service_names={s.key: s.name_in(language) for s in services},
        counter_names={c.id: c.name for c in counters},
        service_keys={s.pk: s.key for s in services if s.pk is not None},
        site=site,
    )


def _grouped(
    lines: Iterable[TicketTimeline],
    key: Callable[[TicketTimeline], str | None],
    order: list[str],
    names: dict[str, str],
    targets: dict[str, int],
) -> list[FigureRow]:
    """One row per group, known groups first in their configured order."""
    groups: dict[str, list[TicketTimeline]] = defaultdict(list)
    for line in lines:
        name = key(line)
        if name is not None:
            groups[name].append(line)
    ranked = [name for name in order if name in groups] + sorted(set(groups) - set(order))
    return [row(name, names.get(name, name), groups[name], targets) for name in ranked]


def daily_kpis(
    *, session: Session, site_id: str, day: date, now: datetime, language: str = "de", goal: float = DEFAULT_GOAL
) -> DailyKpis:
    """A local day's report; tickets count on the day they were drawn, even when served after midnight."""
    facts = site_facts(session=session, site_id=site_id, language=language)
    start, end = day_bounds(facts.timezone, day)
    lines = ticket_timelines(session=session, site_id=site_id, start=start, end=end)
    buckets = hour_buckets(facts.timezone, day)
    by_hour: dict[int, list[TicketTimeline]] = defaultdict(list)
    for line in lines:
        by_hour[bucket_index(start, line.created)].append(line)
    total = figures(lines, facts.targets)
    services = _grouped(lines, lambda line: line.service, list(facts.targets), facts.service_names, facts.targets)
    bookings = bookings_between(
        session=session, site_id=site_id, start=start, end=end, zone=facts.timezone, service_keys=facts.service_keys
    )
    hours = [row(b.label, b.label, by_hour.get(b.index, []), facts.targets) for b in buckets]
    return DailyKpis(
        **total.model_dump(),
        site=site_id,
        date=day,
        timezone=facts.timezone,
        by_service={r.key: r.issued for r in services},
        services=services,
        counters=_grouped(lines, lambda line: line.counter, list(facts.counter_names), facts.counter_names,
                          facts.targets),
        hours=hours,
        staffing=plan(
            buckets=buckets, by_hour=by_hour,
            spans=open_spans(session=session, site_id=site_id, start=start, end=end, now=now),
            targets=facts.targets, typical=facts.typical, goal=goal,
        ),
        staffing_goal=goal,
        bookings=booking_figures((status, late) for _, _, status, late in bookings),
        booking_services=booking_rows(bookings, by="service", order=list(facts.targets), names=facts.service_names),
        open_hours=[b.label for b in buckets if _open_or_busy(facts.site, b, by_hour.get(b.index, []))],
    )


def _open_or_busy(site: Site, bucket: HourBucket, lines: list[TicketTimeline]) -> bool:
    """Whether an hour overlaps the site's opening periods, or saw tickets drawn anyway."""
    if lines:
        return True
    if site.always_open:
        return False
    local = bucket.local_start
    for begin, end in periods_on(site, local.date()):
        start_minute = begin.hour * 60 + begin.minute
        end_minute = end.hour * 60 + end.minute
        hour_minute = local.hour * 60
        if start_minute < hour_minute + 60 and hour_minute < end_minute:
            return True
    return False


def weekly_kpis(*, session: Session, site_id: str, day: date, language: str = "de") -> WeeklyKpis:
    """The report of the ISO week (Monday to Sunday, local days) containing a day."""
    facts = site_facts(session=session, site_id=site_id, language=language)
    days = week_days(day)
    per_day: list[tuple[date, list[TicketTimeline]]] = []
    for each in days:
        start, end = day_bounds(facts.timezone, each)
        per_day.append((each, ticket_timelines(session=session, site_id=site_id, start=start, end=end)))
    lines = [line for _, group in per_day for line in group]
    year, week, _ = days[0].isocalendar()
    first, _ = day_bounds(facts.timezone, days[0])
    _, last = day_bounds(facts.timezone, days[-1])
    bookings = bookings_between(
        session=session, site_id=site_id, start=first, end=last, zone=facts.timezone, service_keys=facts.service_keys
    )
    return WeeklyKpis(
        **figures(lines, facts.targets).model_dump(),
        site=site_id,
        week=f"{year}-W{week:02d}",
        start=days[0],
        end=days[-1],
        timezone=facts.timezone,
        days=[row(each.isoformat(), each.isoformat(), group, facts.targets) for each, group in per_day],
        services=_grouped(lines, lambda line: line.service, list(facts.targets), facts.service_names, facts.targets),
        counters=_grouped(lines, lambda line: line.counter, list(facts.counter_names), facts.counter_names,
                          facts.targets),
        bookings=booking_figures((status, late) for _, _, status, late in bookings),
        booking_services=booking_rows(bookings, by="service", order=list(facts.targets), names=facts.service_names),
        booking_days=booking_rows(bookings, by="day", order=[d.isoformat() for d in days], names={}),
    )
