"""Fan-out of each site's events to its websocket subscribers, in seq order, without gaps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from server.events.envelope import Envelope

log = logging.getLogger(__name__)

LoadGap = Callable[[str, int, int], list[Envelope]]
CurrentSeq = Callable[[str], int]


class Resync:
    """Marker queued when a client asks for a fresh snapshot."""


class Overflow:
    """Marker queued when a subscriber fell too far behind and must resync by reconnecting."""


class Gone:
    """Marker queued when the client has disconnected."""


RESYNC, OVERFLOW, GONE = Resync(), Overflow(), Gone()
Item = Envelope | Resync | Overflow | Gone


@dataclass(eq=False)
class Subscriber:
    """One websocket's bounded inbox."""

    site: str
    queue: asyncio.Queue[Item]
    dropped: bool = False
    gone: bool = False
    # The site's last fanned-out seq when this subscriber joined: it receives every later event.
    since: int = 0

    def offer(self, item: Item) -> None:
        """Queue an item; a full queue marks the subscriber as dropped instead of blocking."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped = True
            # Make room so the consumer wakes up and sees the overflow marker.
            self.queue.get_nowait()
            self.queue.put_nowait(OVERFLOW)

    def leave(self) -> None:
        """Wake the consumer so it stops: nothing more can reach the client."""
        self.dropped = self.gone = True
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(GONE)


@dataclass(eq=False)
class SiteChannel:
    """Ordered delivery for one site."""

    last_seq: int
    # None asks the channel to catch up with the event log (after a bus outage).
    inbox: asyncio.Queue[Envelope | None] = field(default_factory=asyncio.Queue)
    subscribers: set[Subscriber] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class Hub:
    """Receives events from the bus and hands them to subscribers; slow ones never hold others."""

    def __init__(self, *, load_gap: LoadGap, current_seq: CurrentSeq, queue_size: int) -> None:
        self._load_gap = load_gap
        self._current_seq = current_seq
        self._queue_size = queue_size
        self._channels: dict[str, SiteChannel] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        # Snapshots that many clients share (e.g. a site's display state), by key: (seq, made at, JSON text).
        self.shared_snapshots: dict[str, tuple[int, float, str]] = {}

    def deliver(self, envelope: Envelope) -> None:
        """Accept an event from the bus (on the loop thread)."""
        channel = self._channels.get(envelope.site)
        if channel is not None:
            channel.inbox.put_nowait(envelope)

    def catch_up(self) -> None:
        """Deliver from the event log whatever the bus may have lost (called on the loop thread)."""
        for channel in self._channels.values():
            channel.inbox.put_nowait(None)

    async def subscribe(self, site: str) -> Subscriber:
        """Register a subscriber; read its snapshot only after this returns."""
        channel = await self._channel(site)
        subscriber = Subscriber(site=site, queue=asyncio.Queue(maxsize=self._queue_size), since=channel.last_seq)
        channel.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Forget a subscriber."""
        channel = self._channels.get(subscriber.site)
        if channel is not None:
            channel.subscribers.discard(subscriber)

    def subscriber_count(self, site: str | None = None) -> int:
        """How many subscribers are connected, at one site or overall."""
        channels = [self._channels[site]] if site in self._channels else []
        if site is None:
            channels = list(self._channels.values())
        return sum(len(channel.subscribers) for channel in channels)

    async def close(self) -> None:
        """Stop every site's delivery task."""
        for channel in self._channels.values():
            if channel.task is not None:
                channel.task.cancel()
        tasks = [c.task for c in self._channels.values() if c.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        self._channels.clear()

    async def _channel(self, site: str) -> SiteChannel:
        channel = self._channels.get(site)
        if channel is not None:
            return channel
        lock = self._opening.setdefault(site, asyncio.Lock())
        async with lock:
            channel = self._channels.get(site)
            if channel is None:
                # Start from the committed seq: anything older is already in every snapshot.
                last = await run_in_threadpool(self._current_seq, site)
                channel = SiteChannel(last_seq=last)
                channel.task = asyncio.create_task(self._run(site, channel))
                self._channels[site] = channel
        return channel

    async def _run(self, site: str, channel: SiteChannel) -> None:
        while True:
            envelope = await channel.inbox.get()
            if envelope is None:
                latest = await run_in_threadpool(self._current_seq, site)
                for missed in await run_in_threadpool(self._load_gap, site, channel.last_seq, latest + 1):
                    self._fan_out(channel, missed)
                continue
            if envelope.seq <= channel.last_seq:
                continue  # already delivered, e.g. fetched while filling a gap
            if envelope.seq > channel.last_seq + 1:
                # Another thread or worker published out of order; the log has what we missed.
                missing = await run_in_threadpool(self._load_gap, site, channel.last_seq, envelope.seq)
                for earlier in missing:
                    self._fan_out(channel, earlier)
            self._fan_out(channel, envelope)

    @staticmethod
    def _fan_out(channel: SiteChannel, envelope: Envelope) -> None:
        channel.last_seq = envelope.seq
        for subscriber in tuple(channel.subscribers):
            subscriber.offer(envelope)
