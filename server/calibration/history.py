"""Recording each ticket's expected wait at drawing, and reading back the errors of recent forecasts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlalchemy import true as sa_true
from sqlmodel import Session, col

from server.calibration.conformal import error_scale
from server.calibration.errors import Band, Calibration, Outcome, calibration_from
from server.calibration.models import WaitForecast
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket

HISTORY = timedelta(days=28)
READ_LIMIT = 600  # most recent forecasts of a site read per calibration
__all__ = ["Band", "Calibration", "recent_errors", "remember"]


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


def recent_errors(*, session: Session, site_id: str | None, now: datetime, band: Band) -> Calibration:
    """The errors of a site's (None: every site's) recent forecasts; the overdue still waiting count as that late."""
    rows = session.connection().execute(
        sa_select(
            col(WaitForecast.service_pk), col(WaitForecast.appointment), col(WaitForecast.issued_at),
            col(WaitForecast.expected_minutes), col(WaitForecast.scale_minutes), col(Ticket.called_at),
            col(Ticket.status), col(Ticket.service_pk), col(Ticket.issued_service_pk), col(Ticket.called_from),
        )
        .join(Ticket, col(Ticket.id) == col(WaitForecast.ticket_id))
        .where(col(WaitForecast.issued_at) >= now - HISTORY, col(WaitForecast.issued_at) <= now)
        .where(col(WaitForecast.site_id) == site_id if site_id is not None else sa_true())
        .order_by(col(WaitForecast.issued_at).desc())
        .limit(READ_LIMIT)
    ).all()
    outcomes = (
        Outcome(
            service_pk=service_pk, appointment=appointment, issued_at=issued_at, expected=expected, scale=scale,
            called_at=called_at, waiting=status == TicketStatus.waiting, transferred=line != issued_line,
            recalled=called_from is not None,
        )
        for service_pk, appointment, issued_at, expected, scale, called_at, status, line, issued_line, called_from
        in rows
    )
    return calibration_from(outcomes, now=now, band=band)
