"""Key figures of a group of tickets: counts, waits, service times, shares."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from server.stats.timeline import TicketTimeline

# A target nobody misses, for tickets of a service that has since been removed.
NO_TARGET = 10**6


class Figures(BaseModel):
    """The KPIs of one group of tickets (a day, a service, a counter, an hour)."""

    issued: int
    served: int
    no_show: int
    cancelled: int
    still_open: int
    appointments: int
    walk_ins: int
    no_show_rate: float | None
    wait_minutes_median: float | None
    wait_minutes_p90: float | None
    service_minutes_median: float | None
    service_minutes_mean: float | None
    within_target_share: float | None
    # Ended unserved because the day closed (status expired); last, so existing columns keep their places.
    not_served_today: int = 0
    # Drawn from a phone, and of those the ones that expired never checked in (docs/remote-join.md).
    remote: int = 0
    remote_missed_check_in: int = 0


class FigureRow(Figures):
    """Figures of a named group."""

    key: str
    label: str


def percentile(values: list[float], share: float) -> float | None:
    """The share-th quantile with linear interpolation between order statistics (Excel's PERCENTILE.INC)."""
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1], 2)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(lines: Iterable[TicketTimeline], targets: Mapping[str, int]) -> Figures:
    """Aggregate timelines; `targets` maps service keys to their target wait in minutes."""
    group = list(lines)
    waits = [(line.wait_minutes, targets.get(line.service, NO_TARGET)) for line in group]
    called = [(wait, target) for wait, target in waits if wait is not None]
    services = [minutes for line in group if (minutes := line.service_minutes) is not None]
    outcomes = [line.outcome for line in group]
    served, no_show = outcomes.count("finished"), outcomes.count("no_show")
    appointments = sum(line.appointment for line in group)
    return Figures(
        issued=len(group),
        served=served,
        no_show=no_show,
        cancelled=outcomes.count("cancelled"),
        still_open=outcomes.count(None),
        not_served_today=outcomes.count("expired"),
        appointments=appointments,
        walk_ins=len(group) - appointments,
        no_show_rate=_share(no_show, served + no_show),
        wait_minutes_median=_median([wait for wait, _ in called]),
        wait_minutes_p90=percentile([wait for wait, _ in called], 0.9),
        service_minutes_median=_median(services),
        service_minutes_mean=round(statistics.fmean(services), 2) if services else None,
        within_target_share=_share(sum(wait <= target for wait, target in called), len(called)),
        remote=sum(line.remote for line in group),
        remote_missed_check_in=sum(line.remote and line.missed_check_in for line in group),
    )


def row(key: str, label: str, lines: Iterable[TicketTimeline], targets: Mapping[str, int]) -> FigureRow:
    """Figures of a group with its key and label."""
    return FigureRow(key=key, label=label, **figures(lines, targets).model_dump())
