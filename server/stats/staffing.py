"""The staffing planner: counters each hour needed to meet the target wait, against those really open."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel

from server.stats.erlang import servers_needed, service_level
from server.stats.periods import HourBucket
from server.stats.timeline import OpenSpan, TicketTimeline

DEFAULT_GOAL = 0.8


class StaffingHour(BaseModel):
    """One hour of the planner."""

    hour: str
    start: datetime
    arrivals: int
    service_minutes: float | None
    target_wait_minutes: float | None
    load_erlang: float
    counters_needed: int
    counters_open: float
    counters_calling: int
    gap: float
    service_level_needed: float | None
    service_level_actual: float | None


def _weighted(values: Sequence[tuple[float, int]]) -> float | None:
    total = sum(weight for _, weight in values)
    return sum(value * weight for value, weight in values) / total if total else None


def _hour_service_minutes(
    lines: Sequence[TicketTimeline], day_mean: float | None, typical: Mapping[str, float]
) -> float | None:
    """Measured mean service time of the hour's tickets, else the day's, else the configured typical ones."""
    measured = [minutes for line in lines if (minutes := line.service_minutes) is not None]
    if measured:
        return statistics.fmean(measured)
    if day_mean is not None:
        return day_mean
    return _weighted([(typical.get(line.service, 0.0), 1) for line in lines if line.service in typical])


def _open_in(spans: Sequence[OpenSpan], bucket: HourBucket) -> float:
    """Counters open during the hour, weighted by the share of the hour each was open."""
    seconds = sum(
        max(0.0, (min(span.end, bucket.end) - max(span.start, bucket.start)).total_seconds()) for span in spans
    )
    return seconds / (bucket.end - bucket.start).total_seconds()


def plan(
    *,
    buckets: Sequence[HourBucket],
    by_hour: Mapping[int, list[TicketTimeline]],
    spans: Sequence[OpenSpan],
    targets: Mapping[str, int],
    typical: Mapping[str, float],
    goal: float = DEFAULT_GOAL,
) -> list[StaffingHour]:
    """Per hour: arrivals, service time, Erlang C counters needed for `goal` within target, counters open."""
    every = [line for lines in by_hour.values() for line in lines]
    measured = [minutes for line in every if (minutes := line.service_minutes) is not None]
    day_mean = statistics.fmean(measured) if measured else None
    hours = []
    for bucket in buckets:
        lines = by_hour.get(bucket.index, [])
        minutes = _hour_service_minutes(lines, day_mean, typical)
        target = _weighted([(float(targets[line.service]), 1) for line in lines if line.service in targets])
        arrivals = len(lines)
        needed = 0
        load = 0.0
        if arrivals and minutes and target is not None:
            load = arrivals * minutes / 60
            needed = servers_needed(
                arrivals_per_hour=arrivals, service_minutes=minutes, target_minutes=target, goal=goal
            )
        open_now = _open_in(spans, bucket)
        calling = {
            line.counter for line in every
            if line.counter and any(bucket.start <= call < bucket.end for call in line.calls)
        }
        level = (
            round(service_level(servers=round(open_now), load=load, service_minutes=minutes, target_minutes=target), 4)
            if arrivals and minutes and target is not None
            else None
        )
        hours.append(
            StaffingHour(
                hour=bucket.label,
                start=bucket.local_start,
                arrivals=arrivals,
                service_minutes=round(minutes, 2) if minutes is not None else None,
                target_wait_minutes=round(target, 2) if target is not None else None,
                load_erlang=round(load, 3),
                counters_needed=needed,
                counters_open=round(open_now, 2),
                counters_calling=len(calling),
                gap=round(open_now - needed, 2),
                service_level_needed=(
                    round(service_level(servers=needed, load=load, service_minutes=minutes, target_minutes=target), 4)
                    if needed and minutes and target is not None
                    else None
                ),
                service_level_actual=level,
            )
        )
    return hours
