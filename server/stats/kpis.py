"""Daily key figures of a site, derived from the append-only event log."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.events.models import EventRecord
from server.sites.queue import get_site


@dataclass
class TicketTimeline:
    """When one ticket reached each stage."""

    service: str | None = None
    created: datetime | None = None
    first_called: datetime | None = None
    started: datetime | None = None
    finished: datetime | None = None
    outcome: str | None = None
    calls: list[datetime] = field(default_factory=list)


class DailyKpis(BaseModel):
    """A day's figures at one site."""

    site: str
    date: date
    issued: int
    served: int
    no_show: int
    cancelled: int
    still_open: int
    no_show_rate: float | None
    wait_minutes_median: float | None
    wait_minutes_p90: float | None
    service_minutes_median: float | None
    within_target_share: float | None
    by_service: dict[str, int]


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1], 2)


def _day_bounds(zone: str, day: date) -> tuple[datetime, datetime]:
    """The UTC span of a local calendar day, right across DST switches."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def timelines(*, session: Session, site_id: str, start: datetime, end: datetime) -> dict[int, TicketTimeline]:
    """Each ticket created in the span, with its stages."""
    rows = session.exec(
        select(EventRecord)
        .where(
            EventRecord.site_id == site_id,
            col(EventRecord.ticket_id).is_not(None),
            EventRecord.at >= start,
            EventRecord.at < end,
        )
        .order_by(col(EventRecord.seq))
    ).all()
    lines: dict[int, TicketTimeline] = {}
    for row in rows:
        assert row.ticket_id is not None
        line = lines.setdefault(row.ticket_id, TicketTimeline())
        line.service = line.service or row.service_key
        if row.type == "ticket.created":
            line.created = row.at
        elif row.type in ("ticket.called", "ticket.recalled"):
            line.calls.append(row.at)
            line.first_called = line.first_called or row.at
        elif row.type == "ticket.serving":
            line.started = row.at
        elif row.type in ("ticket.finished", "ticket.no_show", "ticket.cancelled"):
            line.finished, line.outcome = row.at, row.type.split(".")[1]
        elif row.type == "ticket.transferred":
            line.outcome = None
    return {ticket: line for ticket, line in lines.items() if line.created is not None}


def daily_kpis(*, session: Session, site_id: str, day: date, targets: dict[str, int]) -> DailyKpis:
    """Compute a day's figures; `targets` maps service ids to target waits in minutes."""
    site = get_site(session=session, site_id=site_id)
    start, end = _day_bounds(site.timezone, day)
    lines = timelines(session=session, site_id=site_id, start=start, end=end).values()
    waits = [
        (line.first_called - line.created).total_seconds() / 60 for line in lines if line.first_called and line.created
    ]
    within = [
        (line.first_called - line.created).total_seconds() / 60 <= targets.get(line.service or "", 10**6)
        for line in lines
        if line.first_called and line.created
    ]
    services = [
        (line.finished - (line.started or line.first_called)).total_seconds() / 60
        for line in lines
        if line.outcome == "finished" and line.finished and (line.started or line.first_called)
    ]
    outcomes = [line.outcome for line in lines]
    served, no_show = outcomes.count("finished"), outcomes.count("no_show")
    by_service: dict[str, int] = {}
    for line in lines:
        by_service[line.service or "?"] = by_service.get(line.service or "?", 0) + 1
    return DailyKpis(
        site=site_id,
        date=day,
        issued=len(outcomes),
        served=served,
        no_show=no_show,
        cancelled=outcomes.count("cancelled"),
        still_open=outcomes.count(None),
        no_show_rate=round(no_show / (served + no_show), 4) if served + no_show else None,
        wait_minutes_median=round(statistics.median(waits), 2) if waits else None,
        wait_minutes_p90=_percentile(waits, 0.9),
        service_minutes_median=round(statistics.median(services), 2) if services else None,
        within_target_share=round(sum(within) / len(within), 4) if within else None,
        by_service=by_service,
    )
