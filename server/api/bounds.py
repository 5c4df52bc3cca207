"""The calendar range the server accepts in requests: wide enough for any office, narrow enough for date maths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator
from pydantic.json_schema import JsonDict

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)
# The same range as the published schema says it, for clients and schema-driven tests.
YEARS_PATTERN = r"^2[01][0-9]{2}-"
IN_CALENDAR: JsonDict = {"pattern": YEARS_PATTERN, "description": f"between {FIRST_DAY.year} and {LAST_DAY.year}"}


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
