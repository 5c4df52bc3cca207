"""Wait-time ranges shown to citizens: the same figures on kiosk, ticket, page and display."""

from __future__ import annotations

import math

# How far real waits stray from the mean service time; widened by a spread on both sides.
LOW_FACTOR = 0.7
HIGH_FACTOR = 1.4


def wait_range(*, ahead: int, service_minutes: float, servers: int) -> tuple[int, int]:
    """Minutes until a citizen with `ahead` people in front is called, as a low-high range."""
    servers = max(servers, 1)
    expected = (ahead + 0.5) * service_minutes / servers
    low = max(0, math.floor(expected * LOW_FACTOR))
    high = max(low + 1, math.ceil(expected * HIGH_FACTOR))
    return low, high
