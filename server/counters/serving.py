"""Whether a counter serves citizens right now: the one rule every forecast, list and plan asks."""

from __future__ import annotations

from typing import Any

from sqlmodel import col

from server.counters.models import Counter, CounterStatus


def is_serving(counter: Counter) -> bool:
    """True while the counter takes calls: open, neither paused nor closed."""
    # The single place that decides: a held counter session, once it exists, joins this rule here.
    return counter.status == CounterStatus.open


def serving_clause() -> Any:
    """The same rule as a SQL condition on the counter table, for queries that count counters."""
    return col(Counter.status) == CounterStatus.open


def chosen_services(counter: Counter) -> set[str]:
    """Service keys the counter's clerk chose for today; empty means every service it may serve."""
    return set(filter(None, counter.active_services.split(",")))
