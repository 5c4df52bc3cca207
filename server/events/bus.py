"""Carrying events from the process that committed them to every process with listeners."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from server.events.envelope import Envelope

log = logging.getLogger(__name__)
Deliver = Callable[[Envelope], None]
CHANNEL = "aufruf:events"


class EventBus(Protocol):
    """Publishes from any thread; delivers on the event loop."""

    async def start(self, deliver: Deliver) -> None:
        """Begin delivering published events to `deliver` on the running loop."""

    def publish(self, envelope: Envelope) -> None:
        """Send an event; safe to call from any thread."""

    async def stop(self) -> None:
        """Stop delivering and release connections."""


class MemoryBus:
    """One process: hands events straight to the loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        """Remember the loop and the receiver."""
        self._loop = asyncio.get_running_loop()
        self._deliver = deliver

    def publish(self, envelope: Envelope) -> None:
        """Schedule delivery on the loop thread."""
        if self._loop is None or self._deliver is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._deliver, envelope)

    async def stop(self) -> None:
        """Forget the loop."""
        self._loop = None


class RedisBus:
    """Several processes or hosts: events travel over Redis pub/sub."""

    def __init__(self, url: str) -> None:
        import redis
        import redis.asyncio as aioredis

        self._url = url
        self._publisher = redis.Redis.from_url(url)
        self._subscriber = aioredis.Redis.from_url(url)
        self._task: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        """Subscribe and forward every message to `deliver`."""
        pubsub = self._subscriber.pubsub()
        await pubsub.subscribe(CHANNEL)
        self._task = asyncio.create_task(self._listen(pubsub, deliver))

    async def _listen(self, pubsub: object, deliver: Deliver) -> None:
        async for message in pubsub.listen():  # type: ignore[attr-defined]
            if message.get("type") != "message":
                continue
            try:
                deliver(Envelope.from_text(message["data"].decode()))
            except ValueError:
                log.warning("dropped a malformed event from the bus")

    def publish(self, envelope: Envelope) -> None:
        """Publish synchronously; listeners that miss it fill the gap from the database."""
        try:
            self._publisher.publish(CHANNEL, envelope.text)
        except Exception:  # a Redis outage must not fail the committed request
            log.exception("could not publish event seq %s to Redis", envelope.seq)

    async def stop(self) -> None:
        """Cancel the listener and close connections."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._subscriber.aclose()
        self._publisher.close()


def bus_for_url(url: str) -> EventBus:
    """Choose the bus backend by URL scheme."""
    if url.startswith("memory://"):
        return MemoryBus()
    if url.startswith(("redis://", "rediss://")):
        return RedisBus(url)
    raise ValueError(f"unknown broadcast URL {url!r}: use memory:// or redis://")
