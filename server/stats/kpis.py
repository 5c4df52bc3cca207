"""Day and week reports of a site: KPIs per site, service, counter, hour or day, and the staffing plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from server.counters.models import Counter
from server.sites.models import Service
from server.sites.queue import get_site
from server.stats.figures import FigureRow, Figures, figures, row
from server.stats.periods import bucket_index, day_bounds, hour_buckets, week_days
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


@dataclass(frozen=True)
class SiteFacts:
    """What the reports need to know about a site's services and counters."""

    timezone: str
    targets: dict[str, int]
    typical: dict[str, float]
    service_names: dict[str, str]
    counter_names: dict[str, str]


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
    return DailyKpis(
        **total.model_dump(),
        site=site_id,
        date=day,
        timezone=facts.timezone,
        by_service={r.key: r.issued for r in services},
        services=services,
        counters=_grouped(lines, lambda line: line.counter, list(facts.counter_names), facts.counter_names,
                          facts.targets),
        hours=[row(b.label, b.label, by_hour.get(b.index, []), facts.targets) for b in buckets],
        staffing=plan(
            buckets=buckets, by_hour=by_hour,
            spans=open_spans(session=session, site_id=site_id, start=start, end=end, now=now),
            targets=facts.targets, typical=facts.typical, goal=goal,
        ),
        staffing_goal=goal,
    )


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
    )
