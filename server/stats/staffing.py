"""The staffing planner: counters each hour needed to meet the target wait, against those really open.

Hours are not independent: what an hour's open counters could not serve waits into the next. A fluid
model carries that queue (in minutes of work) from hour to hour with the counters really open, and
each hour's need is the Erlang C figure for its own arrivals plus the counters that would clear the
queue carried in within the hour. An hour whose arrivals waited beyond their target more often than
the goal allows never shows a surplus, whatever the arithmetic says.
"""

from __future__ import annotations

import math
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
    # The queue carried in from earlier hours (citizens, by the fluid model) and the counters for it.
    backlog_in: float = 0.0
    counters_needed_steady: int = 0  # Erlang C for the hour's own arrivals, as if it started empty
    # What really happened to the hour's arrivals, beside the plan.
    wait_minutes_median: float | None = None
    within_target_share_actual: float | None = None


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


def _actual(lines: Sequence[TicketTimeline], targets: Mapping[str, int]) -> tuple[float | None, float | None]:
    """Median wait of the hour's called arrivals, and the share of its arrivals called within target.

    Citizens who gave up (or whose day closed) before a call after outwaiting their target count as
    beyond it: an hour whose waiting room emptied itself that way had no surplus either.
    """
    called = [(wait, targets.get(line.service)) for line in lines if (wait := line.wait_minutes) is not None]
    gone = [
        (line.finished - line.created).total_seconds() / 60 > target
        for line in lines
        if line.first_called is None and line.finished is not None and (target := targets.get(line.service))
    ]
    if not called:
        return None, None
    inside = sum(1 for wait, target in called if target is None or wait <= target)
    outwaited = sum(gone)
    return round(statistics.median(w for w, _ in called), 2), round(inside / (len(called) + outwaited), 4)


def plan(
    *,
    buckets: Sequence[HourBucket],
    by_hour: Mapping[int, list[TicketTimeline]],
    spans: Sequence[OpenSpan],
    targets: Mapping[str, int],
    typical: Mapping[str, float],
    goal: float = DEFAULT_GOAL,
) -> list[StaffingHour]:
    """Per hour: arrivals, service time, counters needed for `goal` within target (backlog included), open."""
    every = [line for lines in by_hour.values() for line in lines]
    measured = [minutes for line in every if (minutes := line.service_minutes) is not None]
    day_mean = statistics.fmean(measured) if measured else None
    hours = []
    backlog = 0.0  # minutes of work still waiting at the start of the hour
    last_minutes = day_mean or 1.0
    for bucket in buckets:
        lines = by_hour.get(bucket.index, [])
        minutes = _hour_service_minutes(lines, day_mean, typical)
        target = _weighted([(float(targets[line.service]), 1) for line in lines if line.service in targets])
        arrivals = len(lines)
        steady = 0
        load = 0.0
        if arrivals and minutes and target is not None:
            load = arrivals * minutes / 60
            steady = servers_needed(
                arrivals_per_hour=arrivals, service_minutes=minutes, target_minutes=target, goal=goal
            )
        open_now = _open_in(spans, bucket)
        hour_minutes = (bucket.end - bucket.start).total_seconds() / 60
        # Clearing the carried queue within the hour takes this many counters on top of the steady need.
        needed = steady + math.ceil(backlog / hour_minutes - 1e-9) if backlog > 0 else steady
        last_minutes = minutes or last_minutes
        carried_in = backlog / last_minutes
        backlog = max(0.0, backlog + load * hour_minutes - open_now * hour_minutes)
        median_wait, within = _actual(lines, targets)
        gap = open_now - needed
        if within is not None and within < goal:
            gap = min(gap, 0.0)  # its arrivals waited too long: whatever the model says, there was no surplus
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
                gap=round(gap, 2),
                service_level_needed=(
                    round(service_level(servers=steady, load=load, service_minutes=minutes, target_minutes=target), 4)
                    if steady and minutes and target is not None
                    else None
                ),
                service_level_actual=level,
                backlog_in=round(carried_in, 1),
                counters_needed_steady=steady,
                wait_minutes_median=median_wait,
                within_target_share_actual=within,
            )
        )
    return hours
