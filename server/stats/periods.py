"""Local days, ISO weeks and wall-clock hours in a site's time zone, right across DST switches."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class HourBucket:
    """One real hour of a local day, named by its wall-clock start."""

    index: int
    # In UTC: Python compares and subtracts two times of the same zone by wall clock, ignoring DST folds.
    start: datetime
    end: datetime
    local_start: datetime  # the start in the site's zone, for showing
    label: str  # "09:00"; on the autumn switch the repeated hour carries its zone name, "02:00 CEST"


def day_bounds(zone: str, day: date) -> tuple[datetime, datetime]:
    """The UTC span of a local calendar day: 23, 24 or 25 hours long."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def week_days(day: date) -> list[date]:
    """Monday to Sunday of the ISO week containing a day."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]


def hour_buckets(zone: str, day: date) -> list[HourBucket]:
    """The real hours of a local day; the spring switch has 23, the autumn switch 25."""
    tz = ZoneInfo(zone)
    start, end = day_bounds(zone, day)
    # Stepping in UTC keeps every bucket exactly one hour long whatever the wall clock does.
    starts = [start + k * HOUR for k in range(int((end - start) / HOUR))]
    locals_ = [moment.astimezone(tz) for moment in starts]
    repeats = Counter(moment.strftime("%H:%M") for moment in locals_)
    buckets = []
    for index, local in enumerate(locals_):
        label = local.strftime("%H:%M")
        if repeats[label] > 1:
            label = f"{label} {local.tzname()}"
        buckets.append(
            HourBucket(index=index, start=starts[index], end=starts[index] + HOUR, local_start=local, label=label)
        )
    return buckets


def bucket_index(day_start: datetime, moment: datetime) -> int:
    """Which hour of the day (counted from local midnight in real hours) a moment falls in."""
    return int((moment - day_start) / HOUR)
