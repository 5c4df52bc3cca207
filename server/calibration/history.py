"""Recording each ticket's expected wait at drawing, and reading back the errors of recent forecasts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlalchemy import true as sa_true
from sqlmodel import Session, col

from server.calibration.conformal import error_scale, normalized_error, shortest_bounds
from server.calibration.models import WaitForecast
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket

HISTORY = timedelta(days=28)
READ_LIMIT = 600  # most recent forecasts of a site read per calibration
OWN_SAMPLES = 40  # a line's own most recent errors, when it has that many
MIN_OWN = 20  # below this, the site's other walk-in lines fill up
MIN_SAMPLES = 12  # below this, no calibration: the fixed margins apply
POOL = -1  # the key of the site-wide walk-in pool


def remember(
    *, session: Session, site_id: str, expected: dict[int, float], service_minutes: dict[int, float],
    tickets: Iterable[Ticket],
) -> None:
    """Store what the forecast expected for new tickets (ticket id → minutes), as one insert."""
    rows = [
        {
            "ticket_id": t.id, "site_id": site_id, "service_pk": t.service_pk,
            "appointment": t.appointment_id is not None, "issued_at": t.issued_at,
            "expected_minutes": expected[t.id],
            "scale_minutes": error_scale(expected[t.id], service_minutes.get(t.service_pk, 0.0)),
        }
        for t in tickets
        if t.id is not None and t.id in expected
    ]
    if rows:
        session.execute(insert(WaitForecast).values(rows))


Band = Callable[[datetime], int]  # the hour band (local hour of the day) a forecast was made in


@dataclass
class Calibration:
    """Recent normalized errors per walk-in line and hour band, of appointments, and of the site, newest first."""

    lines: dict[int, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    appointments: list[tuple[int, float]] = field(default_factory=list)
    pool: list[tuple[int, float]] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """Whether enough forecasts have come true to calibrate anything."""
        return len(self.pool) + len(self.appointments) >= MIN_SAMPLES

    def bounds(self, *, service_pk: int, appointment: bool, level: float, band: int) -> tuple[float, float] | None:
        """Error bounds for a line at a level, or None while too few forecasts have come true.

        The line's errors made in the same hour band come first (today's, then earlier days'), then the
        line's others, then the site's in that band and the site's others: a crowd at opening, a lunch gap
        or a thin afternoon each err in their own way.
        """
        own = self.appointments if appointment else self.lines.get(service_pk, [])
        sample = [e for b, e in own if b == band][:OWN_SAMPLES]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in own if b != band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in self.pool if b == band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_OWN:
            sample += [e for b, e in self.pool if b != band][: MIN_OWN - len(sample)]
        if len(sample) < MIN_SAMPLES:
            return None
        return shortest_bounds(sample, level)


def recent_errors(*, session: Session, site_id: str | None, now: datetime, band: Band) -> Calibration:
    """The errors of a site's (None: every site's) recent forecasts; the overdue still waiting count as that late."""
    rows = session.connection().execute(
        sa_select(
            col(WaitForecast.service_pk), col(WaitForecast.appointment), col(WaitForecast.issued_at),
            col(WaitForecast.expected_minutes), col(WaitForecast.scale_minutes), col(Ticket.called_at),
            col(Ticket.status), col(Ticket.service_pk), col(Ticket.issued_service_pk),
        )
        .join(Ticket, col(Ticket.id) == col(WaitForecast.ticket_id))
        .where(col(WaitForecast.issued_at) >= now - HISTORY, col(WaitForecast.issued_at) <= now)
        .where(col(WaitForecast.site_id) == site_id if site_id is not None else sa_true())
        .order_by(col(WaitForecast.issued_at).desc())
        .limit(READ_LIMIT)
    ).all()
    calibration = Calibration()
    for service_pk, appointment, issued_at, expected, scale, called_at, status, line, issued_line in rows:
        if line != issued_line:
            continue  # transferred: its call time is the second line's
        if called_at is not None:
            actual = (called_at - issued_at).total_seconds() / 60
        elif status == TicketStatus.waiting:
            actual = (now - issued_at).total_seconds() / 60
            if actual <= expected:
                continue  # not yet known whether early or late
        else:
            continue  # gave up or ended uncalled
        error = (band(issued_at), normalized_error(actual=actual, expected=expected, scale=scale))
        (calibration.appointments if appointment else calibration.lines[service_pk]).append(error)
        if not appointment:
            calibration.pool.append(error)
    return calibration
