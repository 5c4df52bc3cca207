"""Drawing tickets in batches: every kiosk request that arrives while one commit is written joins the next.

A batch is one transaction (one fsync). Each ticket is minted in its own savepoint, so a refused
request (unknown service, quota reached) leaves the others and the numbering untouched. The lines
are read once and the forecast computed once per batch, after all its tickets are in; then each
ticket gets its `ticket.created` and `queue.changed` events, in order, with the figures as they stood
right after that ticket. Nobody is answered before the commit, so an answered ticket is durable.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from server.db import Database
from server.errors import Conflict, NotFound
from server.estimates import Forecast, site_forecast
from server.events.envelope import EventType
from server.events.log import record_event
from server.group_commit import GroupCommit, Outcome
from server.sites.forecast_memo import shared_forecast
from server.sites.models import Service, Site
from server.sites.queue import CLOSED_MESSAGES, closed_reason, get_site, service_out, site_services
from server.tickets.lines import LineBook
from server.tickets.models import Ticket
from server.tickets.schemas import TicketOut
from server.tickets.service import mint_ticket
from server.tickets.views import public_data, ticket_out


@dataclass(frozen=True)
class IssueRequest:
    """One kiosk's request for a ticket."""

    site_id: str
    service_key: str
    language: str
    clock: Callable[[], datetime]
    actor: str
    public_url: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Issued:
    """The holder's view of the ticket, and whether it is new (not a repeated Idempotency-Key)."""

    view: TicketOut
    created: bool


_groups: weakref.WeakKeyDictionary[Database, GroupCommit[IssueRequest, Issued]] = weakref.WeakKeyDictionary()
_groups_lock = threading.Lock()


def issue(database: Database, request: IssueRequest) -> Issued:
    """Issue a ticket in the next group commit; returns once it is durable."""
    with _groups_lock:
        group = _groups.get(database)
        if group is None:
            group = _groups[database] = GroupCommit(database, issue_batch)
    return group.submit(request)


def issue_batch(session: Session, requests: list[IssueRequest]) -> list[Outcome[Issued]]:
    """Handle a batch in one transaction, site by site; each request gets its view or its error."""
    outcomes: list[Outcome[Issued] | None] = [None] * len(requests)
    by_site: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        by_site.setdefault(request.site_id, []).append(index)
    for site_id, indexes in by_site.items():
        try:
            site = get_site(session=session, site_id=site_id)
        except NotFound as error:
            for index in indexes:
                outcomes[index] = error
            continue
        _SiteBatch(session=session, site=site).run(requests, indexes, outcomes)
    assert all(outcome is not None for outcome in outcomes)
    return outcomes  # type: ignore[return-value]


@dataclass
class _Minted:
    """A ticket of this batch waiting for its events and answer."""

    index: int
    request: IssueRequest
    ticket: Ticket
    service: Service
    now: datetime


@dataclass
class _SiteBatch:
    """The part of a batch for one site."""

    session: Session
    site: Site
    services: list[Service] = field(default_factory=list)
    # Today's count per service pk as this batch has raised it; the session may hold an older copy.
    issued: dict[int, int] = field(default_factory=dict)
    opening_forecast: Forecast | None = None

    def run(self, requests: list[IssueRequest], indexes: list[int], outcomes: list[Any]) -> None:
        """Mint every acceptable ticket, then announce and answer them in order."""
        self.services = site_services(session=self.session, site_id=self.site.id)
        # The lines before this batch; each new ticket then joins them without another query.
        book = LineBook.load(session=self.session, site_id=self.site.id)
        minted: list[_Minted] = []
        for index in indexes:
            request = requests[index]
            try:
                result = self._mint(request)
            except Exception as error:  # this request alone fails; the savepoint kept the batch intact
                outcomes[index] = error
                continue
            if isinstance(result, Issued):
                outcomes[index] = result
            else:
                minted.append(_Minted(index=index, request=request, ticket=result[0], service=result[1], now=result[2]))
        if minted:
            self._announce(minted, book, outcomes)

    def _mint(self, request: IssueRequest) -> Issued | tuple[Ticket, Service, datetime]:
        """Check one request and insert its ticket; a repeated Idempotency-Key gives the earlier ticket."""
        service = next((s for s in self.services if s.key == request.service_key), None)
        if service is None:
            known = ", ".join(s.key for s in self.services) or "none"
            raise NotFound(
                f"Unknown service '{request.service_key}' at site '{self.site.id}'. Known: {known}.",
                code="unknown_service",
            )
        if request.idempotency_key is not None:
            existing = self.session.exec(
                select(Ticket).where(Ticket.site_id == self.site.id, Ticket.idempotency_key == request.idempotency_key)
            ).first()
            if existing is not None:
                view = ticket_out(
                    session=self.session, ticket=existing, public_url=request.public_url, holder=True,
                    now=request.clock(),
                )
                return Issued(view=view, created=False)
        now = request.clock()
        assert service.pk is not None
        reason = closed_reason(
            session=self.session, site=self.site, service=service, now=now,
            forecast=self._opening_forecast(now), issued=self.issued.get(service.pk),
        )
        if reason is not None:
            raise Conflict(CLOSED_MESSAGES[reason], code=f"service_{reason}")
        with self.session.begin_nested():
            ticket = mint_ticket(
                session=self.session, site=self.site, service=service, now=now, language=request.language,
                idempotency_key=request.idempotency_key,
            )
        self.issued[service.pk] = ticket.serial
        return ticket, service, now

    def _opening_forecast(self, now: datetime) -> Forecast | None:
        """The forecast before this batch, for the closing-time check; only sites with hours need it."""
        if self.site.always_open:
            return None
        if self.opening_forecast is None:
            self.opening_forecast = shared_forecast(
                session=self.session, site=self.site, services=self.services, now=now
            )
        return self.opening_forecast

    def _announce(self, minted: list[_Minted], book: LineBook, outcomes: list[Any]) -> None:
        """Events and answers for each new ticket, with the lines as they stood right after it."""
        self.session.flush()
        latest = max(item.now for item in minted)
        forecast = site_forecast(session=self.session, site=self.site, services=self.services, now=latest)
        capacity = self.site.waiting_room_capacity
        # Counts before this batch for the services it touched; the rest are read as usual.
        counts: dict[int | None, int] = {}
        for item in minted:
            counts.setdefault(item.ticket.service_pk, item.ticket.serial - 1)
        reasons = {
            s.pk: closed_reason(
                session=self.session, site=self.site, service=s, now=latest, forecast=forecast, issued=counts.get(s.pk)
            )
            for s in self.services
        }
        for item in minted:
            ticket, service = item.ticket, item.service
            assert service.pk is not None
            ahead = book.add(ticket)
            reasons[service.pk] = closed_reason(
                session=self.session, site=self.site, service=service, now=item.now, forecast=forecast,
                issued=ticket.serial,
            )
            room_full = capacity is not None and book.waiting >= capacity
            view = TicketOut(
                id=ticket.id or 0,
                number=ticket.number,
                service=service.key,
                service_name=service.name_in(ticket.language),
                status=ticket.status,
                position=ahead + 1,
                people_ahead=ahead,
                eta_minutes=forecast.for_ticket(ticket.id),
                token=ticket.token,
                status_url=f"{item.request.public_url}/t/{ticket.token}",
                issued_at=ticket.issued_at,
                called_at=None,
                counter=None,
                counter_name=None,
                language=ticket.language,
                recalls=ticket.recalls,
                site=ticket.site_id,
                appointment=False,
                wait_outside=room_full,
            )
            record_event(
                session=self.session, site_id=self.site.id, type=EventType.ticket_created, at=item.now,
                actor=item.request.actor, data=public_data(view), ticket_id=ticket.id, counter_id=None,
                service_key=service.key,
            )
            record_event(
                session=self.session, site_id=self.site.id, type=EventType.queue_changed, at=item.now,
                actor=item.request.actor, data=self._queue_data(book, forecast, reasons, item.now),
            )
            outcomes[item.index] = Issued(view=view, created=True)

    def _queue_data(
        self, book: LineBook, forecast: Forecast, reasons: dict[int | None, str | None], now: datetime
    ) -> dict[str, object]:
        """The `queue.changed` payload, the same shape as `QueueState.as_data()`."""
        capacity = self.site.waiting_room_capacity
        room_full = capacity is not None and book.waiting >= capacity
        services: list[dict[str, Any]] = []
        lines: dict[str, list[str]] = {}
        for service in self.services:
            assert service.pk is not None
            line = book.line(service.pk)
            # A copy: the payload is serialised after the batch, when the line has grown further.
            lines[service.key] = list(line.numbers)
            out = service_out(
                service=service, waiting=len(line.numbers), oldest=line.oldest, now=now, forecast=forecast,
                reason=reasons[service.pk], room_full=room_full,
            )
            services.append(out.model_dump(mode="json"))
        return {"services": services, "lines": lines}
