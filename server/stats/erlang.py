"""Erlang C (M/M/n queue): probability of waiting, service level and the counters needed.

No well-kept package offers just this (the one that does pulls in pandas and OR-Tools), so the
textbook formulas are implemented here with the Erlang B recursion, which never overflows.
"""

from __future__ import annotations

import math

MAX_SERVERS = 500


def erlang_b(*, servers: int, load: float) -> float:
    """Blocking probability of Erlang B, by the recursion B(k) = A·B(k-1) / (k + A·B(k-1))."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(*, servers: int, load: float) -> float:
    """Probability that an arrival has to wait, with `load` = arrival rate × mean service time (Erlang)."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0  # the queue grows without bound
    blocking = erlang_b(servers=servers, load=load)
    return servers * blocking / (servers - load * (1 - blocking))


def service_level(*, servers: int, load: float, service_minutes: float, target_minutes: float) -> float:
    """Share of arrivals whose wait is at most the target: 1 − C(n, A)·e^(−(n − A)·T / s)."""
    if load <= 0:
        return 1.0
    if servers <= load:
        return 0.0
    waiting = erlang_c(servers=servers, load=load)
    return 1.0 - waiting * math.exp(-(servers - load) * target_minutes / service_minutes)


def mean_wait(*, servers: int, load: float, service_minutes: float) -> float:
    """Mean wait in minutes (the average speed of answer): C(n, A)·s / (n − A)."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers=servers, load=load) * service_minutes / (servers - load)


def servers_needed(
    *, arrivals_per_hour: float, service_minutes: float, target_minutes: float, goal: float
) -> int:
    """The fewest counters for which at least `goal` of arrivals wait no longer than the target."""
    if arrivals_per_hour <= 0 or service_minutes <= 0:
        return 0
    load = arrivals_per_hour * service_minutes / 60
    servers = math.floor(load) + 1
    while (
        service_level(servers=servers, load=load, service_minutes=service_minutes, target_minutes=target_minutes) < goal
    ):
        servers += 1
        if servers > MAX_SERVERS:
            raise ValueError(f"more than {MAX_SERVERS} counters would be needed; check the inputs")
    return servers
