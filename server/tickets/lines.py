"""A site's waiting lines read once, then kept up to date while a batch of new tickets joins them."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from server.sites.lookup import queue_order
from server.tickets.lifecycle import TicketStatus
from server.tickets.line_order import LineKey, line_key
from server.tickets.models import Ticket


@dataclass
class Line:
    """One service's waiting tickets in call order."""

    keys: list[LineKey] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    oldest: datetime | None = None

    def add(self, key: LineKey, number: str) -> int:
        """Put a ticket in its place; returns how many wait before it."""
        place = bisect.bisect_left(self.keys, key)
        self.keys.insert(place, key)
        self.numbers.insert(place, number)
        queued_at = key[1]
        if self.oldest is None or queued_at < self.oldest:
            self.oldest = queued_at
        return place


@dataclass
class LineBook:
    """Every waiting line of a site, by service pk, with the total."""

    lines: dict[int, Line]
    waiting: int

    @classmethod
    def load(cls, *, session: Session, site_id: str, exclude: set[int] | None = None) -> LineBook:
        """Read the waiting tickets but `exclude` in one query of plain rows (no ORM objects: lines can be long)."""
        session.flush()
        rows = session.connection().execute(
            select(
                col(Ticket.id), col(Ticket.service_pk), col(Ticket.number), col(Ticket.queued_at), col(Ticket.priority)
            )
            .where(col(Ticket.site_id) == site_id, col(Ticket.status) == TicketStatus.waiting)
            .order_by(*queue_order())  # type: ignore[arg-type]
        ).all()
        lines: dict[int, Line] = defaultdict(Line)
        skip = exclude or set()
        rows = [row for row in rows if row[0] not in skip]
        for ticket_id, service_pk, number, queued_at, priority in rows:
            line = lines[service_pk]
            # Rows come in line order already: append instead of searching.
            line.keys.append(line_key(priority=priority, queued_at=queued_at, ticket_id=ticket_id or 0))
            line.numbers.append(number)
            if line.oldest is None or queued_at < line.oldest:
                line.oldest = queued_at
        return cls(lines=dict(lines), waiting=len(rows))

    def add(self, ticket: Ticket) -> int:
        """A new waiting ticket joins its line; returns how many wait before it there."""
        assert ticket.id is not None
        line = self.lines.setdefault(ticket.service_pk, Line())
        self.waiting += 1
        key = line_key(priority=ticket.priority, queued_at=ticket.queued_at, ticket_id=ticket.id)
        return line.add(key, ticket.number)

    def line(self, service_pk: int) -> Line:
        """A service's line, empty when nobody waits."""
        return self.lines.get(service_pk) or Line()


# Built once and reused (no rebuilding, no re-keying): numbers in line order, and each line's oldest joining time.
_NUMBERS = (
    select(col(Ticket.service_pk), col(Ticket.number))
    .where(col(Ticket.site_id) == bindparam("site_id"), col(Ticket.status) == TicketStatus.waiting)
    .order_by(*queue_order())  # type: ignore[arg-type]
)
_OLDEST = (
    select(col(Ticket.service_pk), func.min(col(Ticket.queued_at)))
    .where(col(Ticket.site_id) == bindparam("site_id"), col(Ticket.status) == TicketStatus.waiting)
    .group_by(col(Ticket.service_pk))
)


def waiting_lines(*, session: Session, site_id: str) -> tuple[dict[int, tuple[list[str], datetime | None]], int]:
    """Every line's numbers in call order and its oldest joining time, by service pk, with the total waiting.

    For the queue figures, which need no sort keys: plain rows, and one time per line rather than per ticket.
    """
    session.flush()
    connection = session.connection()
    numbers: dict[int, list[str]] = defaultdict(list)
    rows = connection.execute(_NUMBERS, {"site_id": site_id}).all()
    for service_pk, number in rows:
        numbers[service_pk].append(number)
    oldest = dict(connection.execute(_OLDEST, {"site_id": site_id}).all())
    return {pk: (line, oldest.get(pk)) for pk, line in numbers.items()}, len(rows)
