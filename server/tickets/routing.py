"""Choosing whom a counter calls next: longest relative wait across the services it serves, appointments ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from server.counters.lookup import counter_services
from server.counters.models import Counter
from server.sites.lookup import queue_order
from server.sites.models import Service, Site
from server.tickets.express import express_choice
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.scoring import urgency_score

MAX_CLAIM_ATTEMPTS = 20


@dataclass(frozen=True)
class Candidate:
    """The head of one line and how urgently it should be called."""

    ticket: Ticket
    score: float
    service: Service


def urgency(*, ticket: Ticket, service: Service, rank: int, now: datetime, yields: bool = True) -> float:
    """How urgently a waiting ticket should be called by a counter with this preference rank."""
    return urgency_score(
        waited_seconds=(now - ticket.queued_at).total_seconds(),
        target_minutes=service.target_wait_minutes,
        rank=rank,
        appointment=ticket.priority > 0,
        yields=yields,
    )


def candidates(*, session: Session, counter: Counter, now: datetime) -> list[Candidate]:
    """The heads of every line this counter serves (appointments and walk-ins apart), most urgent first."""
    heads: list[Candidate] = []
    for service, rank in counter_services(session=session, counter=counter):
        for appointments in (True, False):
            head = session.exec(
                select(Ticket)
                .where(
                    Ticket.site_id == counter.site_id,
                    Ticket.service_pk == service.pk,
                    Ticket.status == TicketStatus.waiting,
                    col(Ticket.priority) > 0 if appointments else col(Ticket.priority) <= 0,
                )
                .order_by(*queue_order())  # type: ignore[arg-type]
                .limit(1)
            ).first()
            if head is not None:
                # The express counter keeps its own order among quick matters: ordinary counters step in instead.
                score = urgency(ticket=head, service=service, rank=rank, now=now, yields=not counter.express)
                heads.append(Candidate(head, score, service))
    return sorted(heads, key=lambda c: c.score, reverse=True)


def express_services(*, session: Session, counter: Counter) -> list[Service]:
    """The express services an express counter serves today."""
    return [service for service, _ in counter_services(session=session, counter=counter) if service.express]


def claim(*, session: Session, ticket: Ticket, counter: Counter, now: datetime) -> bool:
    """Mark a waiting ticket as called by this counter unless another counter got it first."""
    result = session.execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == TicketStatus.waiting)
        .values(status=TicketStatus.called, counter_id=counter.id, called_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(ticket)
    return True


def claim_next(*, session: Session, counter: Counter, now: datetime) -> Ticket | None:
    """Claim the most urgent waiting ticket for a counter, or None if nobody waits.

    Only chooses and claims: the command that calls it runs the appointment sweep first.
    """
    express = express_services(session=session, counter=counter) if counter.express else []
    # An express counter serving no express matter today is an ordinary counter.
    site = session.get(Site, counter.site_id) if express else None
    for _ in range(MAX_CLAIM_ATTEMPTS):
        ranked = candidates(session=session, counter=counter, now=now)
        if site is not None:
            ranked = express_choice(session=session, site=site, ranked=ranked, express=express, now=now)
        if not ranked:
            return None
        if claim(session=session, ticket=ranked[0].ticket, counter=counter, now=now):
            return ranked[0].ticket
    return None
