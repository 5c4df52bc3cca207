"""Fan-out of each site's events to its websocket subscribers, in seq order, without gaps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from server.events.direct import DirectSocket
from server.events.envelope import Envelope

log = logging.getLogger(__name__)

LoadGap = Callable[[str, int, int], list[Envelope]]
CurrentSeq = Callable[[str], int]
# Told every batch of a site's events, in seq order, before any subscriber gets it.
Observer = Callable[[str, list[Envelope]], None]


class Resync:
    """Marker queued when a client asks for a fresh snapshot."""


class Overflow:
    """Marker queued when a subscriber fell too far behind and must resync by reconnecting."""


class Gone:
    """Marker queued when the client has disconnected."""


RESYNC, OVERFLOW, GONE = Resync(), Overflow(), Gone()
Item = Envelope | Resync | Overflow | Gone
# 1013 "try again later": the client fell behind; it reconnects and gets a fresh snapshot.
CLOSE_TOO_SLOW = 1013


@dataclass(eq=False)
class Subscriber:
    """One websocket's bounded inbox."""

    site: str
    queue: asyncio.Queue[Item]
    dropped: bool = False
    gone: bool = False
    # The site's last fanned-out seq when this subscriber joined: it receives every later event.
    since: int = 0

    def offer_all(self, batch: Batch) -> None:
        """Queue each event of a batch."""
        for envelope in batch.envelopes:
            self.offer(envelope)

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


class Batch:
    """Events fanned out together, in seq order; their frames are joined once so each socket gets one write."""

    __slots__ = ("envelopes", "first_seq", "frames", "last_seq")

    def __init__(self, envelopes: list[Envelope]) -> None:
        self.envelopes = envelopes
        self.first_seq = envelopes[0].seq
        self.last_seq = envelopes[-1].seq
        self.frames = b"".join(envelope.frame for envelope in envelopes)

    def frames_after(self, seq: int) -> bytes:
        """The frames of the events after `seq`."""
        if seq < self.first_seq:
            return self.frames
        return b"".join(envelope.frame for envelope in self.envelopes if envelope.seq > seq)


@dataclass(eq=False)
class DirectSubscriber:
    """A websocket the fan-out writes to itself: no inbox, no task, one write per batch of events."""

    site: str
    socket: DirectSocket
    # Events held while the client's snapshot is being read; more than this and it must reconnect.
    max_held: int
    # Bytes the client may leave unread in the server's write buffer before it is dropped.
    max_backlog: int
    seen: int = 0
    held: list[Envelope] | None = field(default_factory=list)
    dropped: bool = False

    def offer_all(self, batch: Batch) -> None:
        """Write the batch now, or hold its events until the snapshot is out."""
        if self.dropped:
            return
        if self.held is None:
            self._write(batch)
        elif len(self.held) + len(batch.envelopes) <= self.max_held:
            self.held.extend(batch.envelopes)
        else:
            self._drop()

    def hold(self) -> None:
        """Keep events back while a fresh snapshot is read."""
        if self.held is None:
            self.held = []

    def go_live(self, seen: int) -> None:
        """The client has everything up to `seen`: write what was held after it, then every batch as it comes."""
        held, self.held = self.held, None
        self.seen = max(self.seen, seen)
        if held:
            self._write(Batch(held))

    def _write(self, batch: Batch) -> None:
        if batch.last_seq <= self.seen:
            return
        if self.socket.backlog() > self.max_backlog:
            self._drop()
        elif self.socket.push(batch.frames_after(self.seen)):
            self.seen = batch.last_seq
        else:
            self.dropped = True  # closing already; the connection's task sees the disconnect

    def _drop(self) -> None:
        self.dropped = True
        self.socket.close(CLOSE_TOO_SLOW, "client too slow; reconnect")


AnySubscriber = Subscriber | DirectSubscriber


@dataclass(eq=False)
class SiteChannel:
    """Ordered delivery for one site."""

    last_seq: int
    # None asks the channel to catch up with the event log (after a bus outage).
    inbox: asyncio.Queue[Envelope | None] = field(default_factory=asyncio.Queue)
    subscribers: set[AnySubscriber] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class Hub:
    """Receives events from the bus and hands them to subscribers; slow ones never hold others."""

    def __init__(self, *, load_gap: LoadGap, current_seq: CurrentSeq, queue_size: int, backlog_bytes: int) -> None:
        self._load_gap = load_gap
        self._current_seq = current_seq
        self._queue_size = queue_size
        self._backlog_bytes = backlog_bytes
        self._channels: dict[str, SiteChannel] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        self._observers: list[Observer] = []

    def observe(self, observer: Observer) -> None:
        """Tell `observer` each site's events as they go out."""
        self._observers.append(observer)

    async def open(self, site: str) -> int:
        """Follow a site's events from now on; the seq delivered so far."""
        return (await self._channel(site)).last_seq

    def last_seq(self, site: str) -> int:
        """The seq of the site's latest event handed out (-1 while the site is not followed)."""
        channel = self._channels.get(site)
        return channel.last_seq if channel is not None else -1

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

    async def subscribe_direct(self, site: str, socket: DirectSocket) -> DirectSubscriber:
        """Register a websocket written to by the fan-out itself; it holds events until `go_live`."""
        channel = await self._channel(site)
        subscriber = DirectSubscriber(
            site=site, socket=socket, max_held=self._queue_size, max_backlog=self._backlog_bytes,
            seen=channel.last_seq,
        )
        channel.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: AnySubscriber) -> None:
        """Forget a subscriber."""
        channel = self._channels.get(subscriber.site)
        if channel is not None:
            channel.subscribers.discard(subscriber)

    def subscribers(self, site: str) -> list[AnySubscriber]:
        """The subscribers connected at a site."""
        channel = self._channels.get(site)
        return list(channel.subscribers) if channel is not None else []

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
            arrived = [await channel.inbox.get()]
            # Whatever else has arrived (a change's three events come together) goes out in the same writes.
            while not channel.inbox.empty():
                arrived.append(channel.inbox.get_nowait())
            ready: list[Envelope] = []
            for envelope in arrived:
                ready.extend(await self._in_order(site, channel, envelope, ready))
            if ready:
                self._fan_out(site, channel, Batch(ready))

    async def _in_order(
        self, site: str, channel: SiteChannel, envelope: Envelope | None, ready: list[Envelope]
    ) -> list[Envelope]:
        """The events to send for one arrival: none if already sent, else any gap before it from the log first."""
        last = ready[-1].seq if ready else channel.last_seq
        if envelope is None:
            latest = await run_in_threadpool(self._current_seq, site)
            return await run_in_threadpool(self._load_gap, site, last, latest + 1)
        if envelope.seq <= last:
            return []  # already delivered, e.g. fetched while filling a gap
        if envelope.seq > last + 1:
            # Another thread or worker published out of order; the log has what we missed.
            return [*await run_in_threadpool(self._load_gap, site, last, envelope.seq), envelope]
        return [envelope]

    def _fan_out(self, site: str, channel: SiteChannel, batch: Batch) -> None:
        channel.last_seq = batch.last_seq
        for observer in self._observers:
            try:
                observer(site, batch.envelopes)
            except Exception:  # an observer's bug must not stop the site's events
                log.exception("event observer failed at site %s", site)
        for subscriber in tuple(channel.subscribers):
            subscriber.offer_all(batch)
            if subscriber.dropped:
                # Nothing more reaches it; its connection closes in its own time.
                channel.subscribers.discard(subscriber)
