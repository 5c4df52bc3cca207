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
RECONNECT_MIN_SECONDS = 0.2
RECONNECT_MAX_SECONDS = 5.0


class EventBus(Protocol):
    """Publishes from any thread; delivers on the event loop."""

    async def start(self, deliver: Deliver, *, on_reconnect: Callable[[], None] | None = None) -> None:
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

    async def start(self, deliver: Deliver, *, on_reconnect: Callable[[], None] | None = None) -> None:
        """Remember the loop and the receiver; in one process nothing is ever missed."""
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

        self._publisher = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._subscriber = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        self._task: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver, *, on_reconnect: Callable[[], None] | None = None) -> None:
        """Subscribe and forward every message to `deliver`, resubscribing after an outage."""
        self._task = asyncio.create_task(self._listen(deliver, on_reconnect or (lambda: None)))

    async def _listen(self, deliver: Deliver, on_reconnect: Callable[[], None]) -> None:
        import redis.exceptions

        delay = RECONNECT_MIN_SECONDS
        first = True
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                if not first:
                    log.info("event bus reconnected to Redis")
                    # Whatever was published while we were away is in the event log.
                    on_reconnect()
                first, delay = False, RECONNECT_MIN_SECONDS
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        deliver(Envelope.from_text(message["data"].decode()))
                    except ValueError:
                        log.warning("dropped a malformed event from the bus")
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                log.warning("lost the connection to Redis; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def publish(self, envelope: Envelope) -> None:
        """Publish synchronously; listeners that miss it fill the gap from the database."""
        try:
            self._publisher.publish(CHANNEL, envelope.text)
        except Exception:  # a Redis outage must not fail the committed request
            log.warning("could not publish event seq %s to Redis; listeners catch up from the log", envelope.seq)

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
