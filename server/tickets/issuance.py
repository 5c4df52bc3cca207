"""Drawing tickets in batches: every kiosk request that arrives while one commit is written joins the next.

A batch is one transaction (one fsync). Each ticket is minted in its own savepoint, so a refused
request (unknown service, quota reached) leaves the others and the numbering untouched. The lines
and the site's latest forecast are read once per batch, after all its tickets are in (the forecaster
recomputes after the commit, off the request path); then each ticket gets its `ticket.created` and
`queue.changed` events, in order, with the lines as they stood right after that ticket. Nobody is
answered before the commit, so an answered ticket is durable.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from aufruf.events import QueueChanged, TicketCreated
from server.db import Database
from server.errors import Conflict, NotFound
from server.estimates import Forecast
from server.events.envelope import EventType
from server.events.log import NewEvent, lock_sequence, record_events
from server.forecasting.latest import current_forecast, known_to, remember_shown, ticket_range
from server.group_commit import GroupCommit, Outcome
from server.sites.availability import availability, resume_times
from server.sites.hours import business_day
from server.sites.lookup import get_site, site_services
from server.sites.models import Service, Site
from server.sites.queue import CLOSED_MESSAGES, DayFacts, build_queue_state, closed_reason, day_facts
from server.tickets.line_order import LineKey, line_key
from server.tickets.lines import LineBook
from server.tickets.models import NumberSequence, Ticket
from server.tickets.numbering import reserve_serials
from server.tickets.schemas import TicketOut
from server.tickets.service import mint_ticket, new_ticket
from server.tickets.views import build_ticket_view, public_data, single_place, ticket_out


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
    visual_call: bool = False
    # "kiosk", or "remote" for a ticket drawn from a phone (server/remote_join/).
    channel: str = "kiosk"


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


def issue_ticket(
    *,
    session: Session,
    site_id: str,
    service_key: str,
    language: str,
    now: datetime,
    actor: str,
    public_url: str,
    idempotency_key: str | None = None,
    channel: str = "kiosk",
) -> tuple[Ticket, bool]:
    """Hand out the next number inside the caller's transaction, as a batch of one; the ticket and whether it is new."""
    request = IssueRequest(
        site_id=site_id, service_key=service_key, language=language, clock=lambda: now, actor=actor,
        public_url=public_url, idempotency_key=idempotency_key, channel=channel,
    )
    (outcome,) = issue_batch(session, [request])
    if isinstance(outcome, BaseException):
        raise outcome
    ticket = session.get(Ticket, outcome.view.id)
    assert ticket is not None
    return ticket, outcome.created


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
class _Accepted:
    """A request that passed the checks, and once inserted, its ticket."""

    index: int
    request: IssueRequest
    service: Service
    now: datetime
    ticket: Ticket | None = None


@dataclass
class _SiteBatch:
    """The part of a batch for one site."""

    session: Session
    site: Site
    services: list[Service] = field(default_factory=list)
    # Today's count per service pk as this batch has raised it; the session may hold an older copy.
    issued: dict[int, int] = field(default_factory=dict)
    opening_forecast: Forecast | None = None
    resumes: dict[int, datetime] = field(default_factory=dict)
    counts_by_day: dict[date, dict[int, int]] = field(default_factory=dict)
    # Tickets reconciled from offline leases per service: today's count is the online serial plus these.
    offline_by_day: dict[date, dict[int, int]] = field(default_factory=dict)

    def run(self, requests: list[IssueRequest], indexes: list[int], outcomes: list[Any]) -> None:
        """Check every request, insert the accepted tickets together, then announce and answer them in order."""
        self.services = site_services(session=self.session, site_id=self.site.id)
        accepted: list[_Accepted] = []
        # A key repeated within the batch gets the ticket of its first request, as it would one batch later.
        by_key: dict[str, _Accepted] = {}
        repeats: list[tuple[int, _Accepted]] = []
        for index in indexes:
            request = requests[index]
            key = request.idempotency_key
            if key is not None and key in by_key:
                repeats.append((index, by_key[key]))
                continue
            try:
                result = self._check(index, request)
            except Exception as error:  # this request alone is refused; nothing was written for it
                outcomes[index] = error
                continue
            if isinstance(result, Issued):
                outcomes[index] = result
                continue
            accepted.append(result)
            if key is not None:
                by_key[key] = result
        if not accepted:
            self._answer_repeats(repeats, outcomes)
            return
        try:
            with self.session.begin_nested():
                self._insert_all(accepted)
        except Exception:  # e.g. a key another process used meanwhile: retry one by one so only that one fails
            accepted = self._insert_each(accepted, outcomes)
        if accepted:
            # Events are written under the site's sequence lock, taken after the serials' locks like
            # every other writer does. From here on no other process can change the lines, so read them
            # now (without this batch's tickets, which then join them one by one).
            lock_sequence(session=self.session, site_id=self.site.id)
            mine = {item.ticket.id for item in accepted if item.ticket is not None and item.ticket.id is not None}
            book = LineBook.load(session=self.session, site_id=self.site.id, exclude=mine)
            self._announce(accepted, book, outcomes)
        self._answer_repeats(repeats, outcomes)

    def _check(self, index: int, request: IssueRequest) -> Issued | _Accepted:
        """Refuse a request the service cannot take; a known Idempotency-Key gives the earlier ticket."""
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
        if service.pk not in self.issued:
            self.issued[service.pk] = self._counts_today(now).get(service.pk, 0)
        reason = closed_reason(
            session=self.session, site=self.site, service=service, now=now,
            forecast=self._opening_forecast(now), issued=self.issued[service.pk],
        )
        if reason is not None:
            raise Conflict(CLOSED_MESSAGES[reason], code=f"service_{reason}")
        self.issued[service.pk] += 1
        return _Accepted(index=index, request=request, service=service, now=now)

    def _counts_today(self, now: datetime) -> dict[int, int]:
        """Every service's count of tickets today before this batch, in one query per day."""
        day = business_day(self.site, now)
        if day not in self.counts_by_day:
            rows = self.session.exec(
                select(NumberSequence).where(NumberSequence.site_id == self.site.id, NumberSequence.business_day == day)
            ).all()
            self.counts_by_day[day] = {row.service_pk: row.issued for row in rows}
            self.offline_by_day[day] = {row.service_pk: row.offline_issued for row in rows}
        return self.counts_by_day[day]

    def _opening_forecast(self, now: datetime) -> Forecast | None:
        """The forecast before this batch, for the closing-time check; only sites with hours need it."""
        if self.site.always_open:
            return None
        if self.opening_forecast is None:
            self.opening_forecast = current_forecast(
                session=self.session, site=self.site, services=self.services, now=now
            )
        return self.opening_forecast

    def _insert_all(self, accepted: list[_Accepted]) -> None:
        """One serial reservation per service and day, then one multi-row insert of every ticket."""
        groups: dict[tuple[int, date], list[_Accepted]] = {}
        for item in accepted:
            assert item.service.pk is not None
            groups.setdefault((item.service.pk, business_day(self.site, item.now)), []).append(item)
        rows: list[dict[str, Any]] = []
        # Serials in a fixed order (service, day), so two batches in different processes cannot deadlock.
        for (_service_pk, day), members in sorted(groups.items()):
            last = reserve_serials(
                session=self.session, site_id=self.site.id, service=members[0].service, day=day, count=len(members)
            )
            for serial, item in enumerate(members, start=last - len(members) + 1):
                item.ticket = new_ticket(
                    site_id=self.site.id, service=item.service, day=day, serial=serial, now=item.now,
                    language=item.request.language, idempotency_key=item.request.idempotency_key,
                    visual_call=item.request.visual_call,
                    channel=item.request.channel,
                )
        for item in accepted:
            assert item.ticket is not None
            rows.append(item.ticket.model_dump(exclude={"id"}))
        ids = self.session.scalars(insert(Ticket).returning(col(Ticket.id), sort_by_parameter_order=True), rows).all()
        for item, ticket_id in zip(accepted, ids, strict=True):
            assert item.ticket is not None
            item.ticket.id = ticket_id

    def _insert_each(self, accepted: list[_Accepted], outcomes: list[Any]) -> list[_Accepted]:
        """The slow path after a failed batch insert: each ticket in its own savepoint."""
        inserted: list[_Accepted] = []
        for item in accepted:
            try:
                with self.session.begin_nested():
                    item.ticket = mint_ticket(
                        session=self.session, site=self.site, service=item.service, now=item.now,
                        language=item.request.language, idempotency_key=item.request.idempotency_key,
                        visual_call=item.request.visual_call, channel=item.request.channel,
                    )
            except Exception as error:  # only this request fails
                outcomes[item.index] = error
                continue
            inserted.append(item)
        return inserted

    def _announce(self, accepted: list[_Accepted], book: LineBook, outcomes: list[Any]) -> None:
        """Events and answers for each new ticket, with the lines as they stood right after it."""
        self.session.flush()
        latest = max(item.now for item in accepted)
        # The latest forecast, not one with this batch in it: each ticket shows what a new arrival was shown.
        forecast = current_forecast(session=self.session, site=self.site, services=self.services, now=latest)
        self.resumes = (
            resume_times(session=self.session, site=self.site, now=latest)
            if any(s.pk not in forecast.served for s in self.services) else {}
        )
        capacity = self.site.waiting_room_capacity
        # Today's counts before this batch: each service's first serial in it tells, for the others the read.
        counts: dict[int, int] = dict(self._counts_today(latest))
        offline = self.offline_by_day[business_day(self.site, latest)]
        touched: set[int] = set()
        for item in accepted:
            assert item.ticket is not None
            if item.ticket.service_pk not in touched:
                touched.add(item.ticket.service_pk)
                counts[item.ticket.service_pk] = item.ticket.serial - 1 + offline.get(item.ticket.service_pk, 0)
        facts = day_facts(session=self.session, site=self.site, now=latest, forecast=forecast, issued=counts)
        reasons = {s.pk: facts.reason(s) for s in self.services if s.pk is not None}
        events: list[NewEvent] = []
        places: dict[int, dict[str, str] | None] = {}  # one look-up per service and batch
        unseen = _Unseen(book=book, forecast=forecast)
        newer: dict[int, int] = {}
        for item in accepted:
            ticket, service = item.ticket, item.service
            assert ticket is not None and ticket.id is not None and service.pk is not None
            if service.pk not in places:
                places[service.pk] = single_place(
                    session=self.session, service_pk=service.pk, languages=self.site.languages
                )
            newer[ticket.id] = unseen.before(ticket)
            ahead = book.add(ticket)
            reasons[service.pk] = closed_reason(
                session=self.session, site=self.site, service=service, now=item.now, forecast=forecast,
                issued=ticket.serial + offline.get(service.pk, 0),
            )
            room_full = capacity is not None and book.waiting >= capacity
            available = availability(
                site=self.site, service_pk=service.pk, served=forecast.served, resumes=self.resumes
            )
            view = build_ticket_view(
                ticket=ticket, service=service, counter=None, languages=self.site.languages, ahead=ahead,
                eta=ticket_range(forecast, ticket, newer=newer[ticket.id]), wait_outside=room_full,
                available=available,
                public_url=item.request.public_url, holder=True, service_location=places[service.pk],
            )
            actor = item.request.actor
            events.append(
                NewEvent(
                    type=EventType.ticket_created, at=item.now, actor=actor,
                    data=TicketCreated.build(public_data(view)), ticket_id=ticket.id, service_key=service.key,
                )
            )
            events.append(
                NewEvent(
                    type=EventType.queue_changed, at=item.now, actor=actor,
                    data=QueueChanged.build(self._queue_data(book, forecast, facts, reasons, item.now)),
                )
            )
            outcomes[item.index] = Issued(view=view, created=True)
        remember_shown(
            session=self.session, site_id=self.site.id, forecast=forecast,
            tickets=[item.ticket for item in accepted if item.ticket is not None], newer=newer,
        )
        record_events(session=self.session, site_id=self.site.id, events=events)

    @staticmethod
    def _answer_repeats(repeats: list[tuple[int, _Accepted]], outcomes: list[Any]) -> None:
        """Requests that repeated a key of this batch get the first one's ticket, or its error."""
        for index, first in repeats:
            outcome = outcomes[first.index]
            outcomes[index] = Issued(view=outcome.view, created=False) if isinstance(outcome, Issued) else outcome

    def _queue_data(
        self, book: LineBook, forecast: Forecast, facts: DayFacts, reasons: dict[int, str | None], now: datetime
    ) -> dict[str, object]:
        """The `queue.changed` payload from the lines in memory, built as every other path builds it."""
        lines = {pk: (line.numbers, line.oldest) for pk, line in book.lines.items()}
        return build_queue_state(
            site=self.site, services=self.services, lines=lines, waiting=book.waiting, forecast=forecast,
            facts=facts, reasons=reasons, resumes=self.resumes, now=now,
        ).as_data()


@dataclass
class _Unseen:
    """Per line, the waiting tickets the forecast has not seen, in line order; this batch's join as they come."""

    book: LineBook
    forecast: Forecast
    lines: dict[int, list[LineKey]] = field(default_factory=dict)

    def before(self, ticket: Ticket) -> int:
        """How many unseen tickets wait before this new one in its line; it joins them."""
        assert ticket.id is not None
        keys = self.lines.get(ticket.service_pk)
        if keys is None:
            # Read once per line and batch: a set look-up per waiting ticket, the forecast's own keys.
            keys = self.lines[ticket.service_pk] = [
                key for key in self.book.line(ticket.service_pk).keys if not known_to(self.forecast, key[2])
            ]
        key = line_key(priority=ticket.priority, queued_at=ticket.queued_at, ticket_id=ticket.id)
        place = bisect.bisect_left(keys, key)
        keys.insert(place, key)
        return place
