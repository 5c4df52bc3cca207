"""Events across processes over Redis pub/sub, without ever letting Redis hold up a request.

Publishing only hands the event to this process's event loop (never waits): local listeners get it at
once, and a bounded outbox is drained to Redis by one task. Every event is already in the event log
when it is published, so a stalled (SIGSTOP) or dead Redis costs live updates from other workers, not
requests: while the bus is not known to be healthy, every worker reads what it missed from the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.events.bus import CHANNEL, RECONNECT_MAX_SECONDS, RECONNECT_MIN_SECONDS, Deliver
from server.events.envelope import Envelope

log = logging.getLogger(__name__)
# Events waiting for Redis; beyond this they are dropped (the log has them) instead of piling up.
OUTBOX_SIZE = 10_000
# A Redis answer slower than this counts as a stall.
ROUND_TRIP_SECONDS = 2.0
# How often an idle publisher checks that Redis still answers, and a degraded worker reads the log.
HEARTBEAT_SECONDS = 1.0


@dataclass
class BusHealth:
    """What the bus knows of Redis, for `/health` and the supervisor page."""

    subscribed: bool = False
    last_answer: float = 0.0  # monotonic time of Redis's last answer to the publisher
    dropped: int = 0  # events not sent to Redis (outbox full or Redis failing); read from the log instead
    detail: str = "starting"

    def ok(self, now: float) -> bool:
        """Whether Redis answered recently and this worker is subscribed."""
        return self.subscribed and now - self.last_answer <= ROUND_TRIP_SECONDS + HEARTBEAT_SECONDS

    def report(self, now: float, pending: int) -> dict[str, Any]:
        """A JSON-ready summary."""
        healthy = self.ok(now)
        return {
            "backend": "redis",
            "state": "ok" if healthy else "degraded",
            "detail": "live" if healthy else self.detail,
            "pending": pending,
            "dropped": self.dropped,
        }


class RedisBus:
    """Several processes or hosts: events travel over Redis pub/sub; the event log covers its outages."""

    def __init__(self, url: str, *, outbox_size: int = OUTBOX_SIZE) -> None:
        import redis.asyncio as aioredis

        self._publisher = aioredis.Redis.from_url(
            url, socket_timeout=ROUND_TRIP_SECONDS, socket_connect_timeout=ROUND_TRIP_SECONDS
        )
        self._subscriber = aioredis.Redis.from_url(url, socket_connect_timeout=ROUND_TRIP_SECONDS)
        self._outbox_size = outbox_size
        self._outbox: asyncio.Queue[Envelope] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliver: Deliver | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.health = BusHealth()

    async def start(self, deliver: Deliver, *, on_reconnect: Callable[[], None] | None = None) -> None:
        """Subscribe, start draining the outbox and watching Redis's health."""
        self._loop = asyncio.get_running_loop()
        self._deliver = deliver
        self._outbox = asyncio.Queue(maxsize=self._outbox_size)
        catch_up = on_reconnect or (lambda: None)
        self._tasks = [
            asyncio.create_task(self._listen(deliver, catch_up)),
            asyncio.create_task(self._drain()),
            asyncio.create_task(self._watch(catch_up)),
        ]

    def publish(self, envelope: Envelope) -> None:
        """Hand the event to the loop and return at once; safe from any thread, even under the commit lock."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # Same order as the calls: this process never reorders its own events.
        loop.call_soon_threadsafe(self._accept, envelope)

    def status(self) -> dict[str, Any]:
        """How the bus is doing right now."""
        pending = self._outbox.qsize() if self._outbox is not None else 0
        return self.health.report(time.monotonic(), pending)

    def _accept(self, envelope: Envelope) -> None:
        """On the loop: this worker's listeners first, then the outbox towards the other workers."""
        if self._deliver is not None:
            self._deliver(envelope)  # the hub drops it when it comes back over Redis
        assert self._outbox is not None
        try:
            self._outbox.put_nowait(envelope)
        except asyncio.QueueFull:
            self._drop(1, "Redis is not keeping up")

    def _drop(self, count: int, detail: str) -> None:
        if self.health.dropped == 0 or self.health.detail != detail:
            log.warning("%s: %d events not sent over Redis; other workers read them from the event log", detail, count)
        self.health.dropped += count
        self.health.detail = detail

    async def _drain(self) -> None:
        """Send the outbox to Redis in order, pipelining whatever has piled up; ping when idle."""
        import redis.exceptions

        assert self._outbox is not None
        delay = RECONNECT_MIN_SECONDS
        while True:
            try:
                first = await asyncio.wait_for(self._outbox.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                first = None
            batch = [first] if first is not None else []
            while batch and not self._outbox.empty() and len(batch) < 500:
                batch.append(self._outbox.get_nowait())
            try:
                if batch:
                    async with self._publisher.pipeline(transaction=False) as pipe:
                        for envelope in batch:
                            pipe.publish(CHANNEL, envelope.text)
                        await pipe.execute()
                else:
                    await self._publisher.ping()
            except (redis.exceptions.RedisError, OSError) as error:
                # The events are in the log; everything still waiting would only arrive late, so skip it too.
                skipped = len(batch) + self._outbox.qsize()
                while not self._outbox.empty():
                    self._outbox.get_nowait()
                self._drop(skipped, f"Redis does not answer ({type(error).__name__})")
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
                continue
            self.health.last_answer = time.monotonic()
            delay = RECONNECT_MIN_SECONDS

    async def _watch(self, catch_up: Callable[[], None]) -> None:
        """While Redis is not known to be healthy, read the log every heartbeat; once more when it recovers."""
        healthy = True
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            now_ok = self.health.ok(time.monotonic())
            if not now_ok or not healthy:
                catch_up()
            if now_ok != healthy:
                log.warning("event bus %s", "healthy again" if now_ok else f"degraded: {self.health.detail}")
            healthy = now_ok

    async def _listen(self, deliver: Deliver, on_reconnect: Callable[[], None]) -> None:
        import redis.exceptions

        delay = RECONNECT_MIN_SECONDS
        first = True
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                self.health.subscribed = True
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
                self.health.subscribed = False
                self.health.detail = "not subscribed to Redis"
                log.warning("lost the connection to Redis; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def stop(self) -> None:
        """Cancel the tasks and close connections."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop = None
        await self._subscriber.aclose()
        await self._publisher.aclose()
