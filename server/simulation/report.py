"""How good the shown ranges were, and whether every citizen is accounted for."""

from __future__ import annotations

import statistics
from collections import Counter as Tally
from dataclasses import asdict, dataclass, field
from typing import Any

from server.simulation.driver import DayLog, Drawn


@dataclass(frozen=True)
class Accuracy:
    """Actual waits against the range each ticket showed when it was drawn."""

    tickets: int
    inside_share: float
    median_abs_error: float  # minutes, against the middle of the shown range
    p90_abs_error: float
    median_wait: float
    median_range_width: float


def accuracy(tickets: list[Drawn]) -> Accuracy:
    """Figures over every ticket that was called."""
    called = [t for t in tickets if t.wait_minutes is not None]
    if not called:
        return Accuracy(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    errors = [abs(t.wait_minutes - (t.shown[0] + t.shown[1]) / 2) for t in called if t.wait_minutes is not None]
    inside = [t.shown[0] <= (t.wait_minutes or 0.0) <= t.shown[1] for t in called]
    return Accuracy(
        tickets=len(called),
        inside_share=round(sum(inside) / len(called), 4),
        median_abs_error=round(statistics.median(errors), 2),
        p90_abs_error=round(statistics.quantiles(errors, n=10)[-1], 2) if len(errors) > 1 else round(errors[0], 2),
        median_wait=round(statistics.median(t.wait_minutes or 0.0 for t in called), 2),
        median_range_width=statistics.median(t.shown[1] - t.shown[0] for t in called),
    )


@dataclass
class Report:
    """The day's outcome."""

    seed: int
    day: str
    overall: Accuracy
    walk_ins: Accuracy
    appointments: Accuracy
    by_service: dict[str, Accuracy]
    arrivals: int
    refused: dict[str, int]
    check_ins_refused: dict[str, int]
    outcomes: dict[str, int]
    appointments_booked: int
    appointment_statuses: dict[str, int]
    requests: int
    seconds: float = 0.0
    unaccounted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def text(self) -> str:
        """A short human-readable summary."""
        o = self.overall
        lines = [
            f"Simulated {self.day} (seed {self.seed}) in {self.seconds:.1f} s, {self.requests} API requests",
            f"Walk-ins arriving: {self.arrivals}, refused: {dict(self.refused) or 'none'}",
            f"Tickets: {dict(self.outcomes)}",
            f"Appointments booked: {self.appointments_booked}, by status: {self.appointment_statuses}, "
            f"check-ins refused: {self.check_ins_refused or 'none'}",
            f"Estimate accuracy over {o.tickets} called tickets: {o.inside_share:.1%} inside the shown range, "
            f"median absolute error {o.median_abs_error} min (90th percentile {o.p90_abs_error} min), "
            f"median wait {o.median_wait} min, median range width {o.median_range_width} min",
            f"  walk-ins {self.walk_ins.inside_share:.1%} inside ({self.walk_ins.tickets}), "
            f"appointments {self.appointments.inside_share:.1%} inside ({self.appointments.tickets})",
        ]
        for service, figures in sorted(self.by_service.items()):
            lines.append(
                f"  {service:<20} {figures.tickets:>4} tickets  {figures.inside_share:6.1%} inside  "
                f"MAE {figures.median_abs_error:5.1f} min  median wait {figures.median_wait:5.1f} min"
            )
        lines.append("Everyone accounted for." if not self.unaccounted else f"UNACCOUNTED: {self.unaccounted}")
        return "\n".join(lines)


def build_report(*, log: DayLog, seed: int, day: str) -> Report:
    """Summarize a day's log and check that nobody went missing."""
    tickets = list(log.tickets.values())
    services = sorted({t.service for t in tickets})
    walk_in_tickets = sum(1 for t in tickets if not t.appointment)
    unaccounted = [f"{t.number} ({t.outcome})" for t in tickets if t.outcome not in ("served", "no_show")]
    if walk_in_tickets + sum(log.refused.values()) != log.arrivals:
        unaccounted.append("walk-ins without a ticket or a refusal")
    statuses = log.appointment_statuses
    if statuses.get("booked", 0):
        unaccounted.append(f"{statuses['booked']} appointments still booked after the day")
    if sum(statuses.values()) != log.appointments_booked:
        unaccounted.append("appointments missing from the day's list")
    return Report(
        seed=seed,
        day=day,
        overall=accuracy(tickets),
        walk_ins=accuracy([t for t in tickets if not t.appointment]),
        appointments=accuracy([t for t in tickets if t.appointment]),
        by_service={s: accuracy([t for t in tickets if t.service == s]) for s in services},
        arrivals=log.arrivals,
        refused=dict(log.refused),
        check_ins_refused=dict(log.check_ins_refused),
        outcomes=dict(Tally(t.outcome for t in tickets)),
        appointments_booked=log.appointments_booked,
        appointment_statuses=statuses,
        requests=log.requests,
        unaccounted=unaccounted,
    )
