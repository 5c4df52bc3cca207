"""The order of a waiting line, coded once: higher priority first, then the time of joining, then the id.

The queries (server.sites.lookup), the lines kept in memory (server.tickets.lines) and the count of
people ahead (server.tickets.views) all derive their order from `ORDER`.
"""

from __future__ import annotations

from datetime import datetime

# (Ticket column, descending): compared in this sequence, the first difference decides.
ORDER: tuple[tuple[str, bool], ...] = (("priority", True), ("queued_at", False), ("id", False))

# The sort key of a ticket in its line, ascending: (-priority, queued_at, id).
LineKey = tuple[int, datetime, int]


def line_key(*, priority: int, queued_at: datetime, ticket_id: int) -> LineKey:
    """The sort key of a ticket in its line, following `ORDER`."""
    return (-priority, queued_at, ticket_id)
