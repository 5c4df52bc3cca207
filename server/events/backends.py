"""Choosing the event bus backend from the broadcast URL."""

from __future__ import annotations

from server.events.bus import EventBus, MemoryBus
from server.events.redis_bus import RedisBus


def bus_for_url(url: str) -> EventBus:
    """Choose the bus backend by URL scheme."""
    if url.startswith("memory://"):
        return MemoryBus()
    if url.startswith(("redis://", "rediss://")):
        return RedisBus(url)
    raise ValueError(f"unknown broadcast URL {url!r}: use memory:// or redis://")
