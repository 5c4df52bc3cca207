"""The supervisors' live picture of a site: counters, queues, devices, acknowledged alarms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.auth.models import Clerk
from server.counters.models import Counter
from server.sites.lookup import get_site, site_services, waiting_tickets
from server.sites.models import Service
from server.supervisor_page.alarms import acknowledged
from server.supervisor_page.devices import device_health
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket


def _counters(*, session: Session, site_id: str) -> list[dict[str, Any]]:
    counters = session.exec(select(Counter).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    out = []
    for counter in counters:
        clerk = session.get(Clerk, counter.clerk_id) if counter.clerk_id else None
        ticket = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
        service = session.get(Service, ticket.service_pk) if ticket else None
        out.append(
            {
                "id": counter.id,
                "name": counter.name,
                "room": counter.room,
                "status": counter.status,
                "clerk": (clerk.display_name or clerk.username) if clerk else None,
                "current": {
                    "number": ticket.number,
                    "service": service.key if service else None,
                    "status": ticket.status,
                    "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
                    "started_at": ticket.started_at.isoformat() if ticket.started_at else None,
                }
                if ticket is not None
                else None,
            }
        )
    return out


def _queues(*, session: Session, site_id: str, language: str) -> list[dict[str, Any]]:
    waiting = waiting_tickets(session=session, site_id=site_id)
    out = []
    for service in site_services(session=session, site_id=site_id):
        line = [ticket for ticket in waiting if ticket.service_pk == service.pk]
        oldest = min((ticket.queued_at for ticket in line), default=None)
        out.append(
            {
                "id": service.key,
                "prefix": service.prefix,
                "name": service.name_in(language),
                "waiting": len(line),
                "oldest_queued_at": oldest.isoformat() if oldest else None,
                "target_wait_minutes": service.target_wait_minutes,
            }
        )
    return out


def _notes(*, session: Session, site_id: str) -> list[dict[str, Any]]:
    """Transfer notes of tickets still in line or at a counter, for staff eyes only."""
    open_states = (TicketStatus.waiting, TicketStatus.called, TicketStatus.serving, TicketStatus.parked)
    tickets = session.exec(
        select(Ticket)
        .where(Ticket.site_id == site_id, col(Ticket.note).is_not(None), col(Ticket.status).in_(open_states))
        .order_by(col(Ticket.queued_at))
    ).all()
    services = {service.pk: service.key for service in site_services(session=session, site_id=site_id)}
    return [
        {"number": t.number, "service": services.get(t.service_pk), "status": t.status, "note": t.note}
        for t in tickets
    ]


def supervision_snapshot(*, session: Session, site_id: str, now: datetime, language: str = "de") -> dict[str, Any]:
    """Everything the live page shows, as of one transaction."""
    site = get_site(session=session, site_id=site_id)
    return {
        "site": {"id": site.id, "name": site.name, "timezone": site.timezone},
        "now": now.isoformat(),
        "counters": _counters(session=session, site_id=site_id),
        "queues": _queues(session=session, site_id=site_id, language=language),
        "notes": _notes(session=session, site_id=site_id),
        "devices": [device.model_dump(mode="json") for device in device_health(session=session, site_id=site_id)],
        "acknowledged": {str(alarm): by for alarm, by in acknowledged(session=session, site_id=site_id).items()},
    }
