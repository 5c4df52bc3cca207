"""A separate process that draws tickets from a shared SQLite file (used by numbering tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from server.clock import Clock
from server.db import Database
from server.tickets.issuance import issue_ticket


def draw(url: str, count: int, service: str) -> Iterator[str]:
    """Draw `count` tickets, yielding each number as soon as its transaction committed."""
    database = Database(url)
    for index in range(count):
        with database.transaction() as session:
            ticket, _ = issue_ticket(
                session=session,
                site_id="demo",
                service_key=service,
                language="de",
                now=Clock().now(),
                actor="test",
                public_url="http://aufruf.test",
                idempotency_key=None if index % 2 else f"{id(database)}-{index}",
            )
            number = ticket.number
        yield number
    database.dispose()


if __name__ == "__main__":
    url, count, service = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for number in draw(url, count, service):
        print(number, flush=True)
