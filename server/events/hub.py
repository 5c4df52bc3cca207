"""Fan-out of each site's events to its websocket subscribers, in seq order, without gaps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from server.events.envelope import Envelope
from server.events.subscription import Batch, Subscription

if TYPE_CHECKING:
    from server.events.direct import DirectSocket

log = logging.getLogger(__name__)

LoadGap = Callable[[str, int, int], list[Envelope]]
CurrentSeq = Callable[[str], int]
# Told every batch of a site's events, in seq order, before any subscriber gets it.
Observer = Callable[[str, list[Envelope]], None]


@dataclass(eq=False)
class SiteChannel:
    """Ordered delivery for one site."""

    last_seq: int
    # None asks the channel to catch up with the event log (after a bus outage).
    inbox: asyncio.Queue[Envelope | None] = field(default_factory=asyncio.Queue)
    subscribers: set[Subscription] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class Hub:
    """Receives events from the bus and hands them to subscribers; slow ones never hold others."""

    def __init__(self, *, load_gap: LoadGap, current_seq: CurrentSeq, queue_size: int, backlog_bytes: int) -> None:
        self._load_gap = load_gap
        self._current_seq = current_seq
        # Read by each subscription: events it may hold or leave unread, bytes its socket may leave unread.
        self.queue_size = queue_size
        self.backlog_bytes = backlog_bytes
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

    def subscribe(self, site: str, *, since: int | None = None, socket: DirectSocket | None = None) -> Subscription:
        """A subscription to a site's events, joined by `async with` and left when the block ends.

        Without `since` it gets every event after the ones delivered when it joins, so a snapshot read
        inside the block is never older than its first event. With `since` it gets every event after that
        seq, the missed ones read back from the event log; when too many are missed, or `since` is not a
        seq the site handed out, it has fallen behind at once (FellBehind: a snapshot is needed).
        Given a `socket`, the fan-out writes the events to it itself, holding them until `go_live`.
        """
        if since is not None and socket is not None:
            raise ValueError("a socket's stream starts from a snapshot, not from a seq")
        return Subscription(self, site, since=since, socket=socket)

    async def attach(self, subscription: Subscription) -> None:
        """Start fanning a site's events out to `subscription`; read back from the log what it missed."""
        site = subscription.site
        channel = await self._channel(site)
        last = channel.last_seq
        subscription.start(last)
        channel.subscribers.add(subscription)
        since = subscription.since
        if since is None or since == last:
            return
        if not 0 <= since < last or last - since > self.queue_size:
            subscription.fall_behind()
        else:
            subscription.hold()
            try:
                missed = await run_in_threadpool(self._load_gap, site, since, last + 1)
            except BaseException:
                channel.subscribers.discard(subscription)
                raise
            if [envelope.seq for envelope in missed] == list(range(since + 1, last + 1)):
                subscription.replay(missed)
            else:
                subscription.fall_behind()  # the log lacks some of them: only a snapshot is complete
        if subscription.done:
            channel.subscribers.discard(subscription)

    def detach(self, subscription: Subscription) -> None:
        """Forget a subscription."""
        channel = self._channels.get(subscription.site)
        if channel is not None:
            channel.subscribers.discard(subscription)

    def subscribers(self, site: str) -> list[Subscription]:
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
            if subscriber.done:
                # Nothing more reaches it; its connection closes in its own time.
                channel.subscribers.discard(subscriber)
