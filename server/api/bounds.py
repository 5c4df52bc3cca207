"""The calendar range the server accepts in requests: wide enough for any office, narrow enough for date maths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)


def within_calendar(moment: datetime) -> datetime:
    """Accept a time between 2000 and 2199, or raise a ValueError that says so."""
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ValueError(f"must lie between {FIRST_DAY.year} and {LAST_DAY.year}")
    return moment


def day_within_calendar(day: date | None) -> date | None:
    """Accept a day between 2000 and 2199 (or none), or raise a ValueError that says so."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return day


# A query's optional day, checked against the accepted range.
CalendarDay = Annotated[date | None, AfterValidator(day_within_calendar)]
