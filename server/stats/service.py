"""Entry points of the statistics for routes: the report of a day or a week."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from server.sites.hours import business_day
from server.sites.queue import get_site
from server.stats.kpis import DailyKpis, WeeklyKpis, daily_kpis, weekly_kpis
from server.stats.staffing import DEFAULT_GOAL


class Period(StrEnum):
    """How much a report covers."""

    day = "day"
    week = "week"


def report(
    *,
    session: Session,
    site_id: str,
    day: date | None,
    period: Period,
    now: datetime,
    language: str = "de",
    goal: float = DEFAULT_GOAL,
) -> DailyKpis | WeeklyKpis:
    """The report of a local day or of its ISO week; without a day, today at the site."""
    chosen = day or business_day(get_site(session=session, site_id=site_id), now)
    if period is Period.week:
        return weekly_kpis(session=session, site_id=site_id, day=chosen, language=language)
    return daily_kpis(session=session, site_id=site_id, day=chosen, now=now, language=language, goal=goal)
