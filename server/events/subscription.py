"""One subscriber to a site's events, in seq order: `async with hub.subscribe(site) as subscription`.

A subscription is read (`async for event in subscription`, `get`, `drain`), or, given a direct socket,
written to by the fan-out itself: each batch of events is one `transport.write` to the connection, no
inbox and no task (see `server.events.direct`). Either way the hub forgets it when its `async with`
block ends, whether normally, by an error or by cancellation.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from server.events.envelope import Envelope

if TYPE_CHECKING:
    from server.events.direct import DirectSocket

# 1013 "try again later": the client fell behind; it reconnects and gets a fresh snapshot.
CLOSE_TOO_SLOW = 1013


class FellBehind(Exception):
    """Events were lost to this subscription (it read too slowly, or asked for more than can be replayed).

    What it holds is no longer complete: the reader needs a fresh snapshot, or a new subscription.
    """


class ResyncRequested(Exception):
    """`request_resync` was called: the reader sends a fresh snapshot before the next event."""


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


class Membership(Protocol):
    """What a subscription needs from its hub: to join a site's fan-out and to leave it, and its limits."""

    # Events a subscription may hold or leave unread before it has fallen behind.
    queue_size: int
    # Bytes a socket's client may leave unread in the server's write buffer before it has fallen behind.
    backlog_bytes: int

    async def attach(self, subscription: Subscription) -> None:
        """Start fanning the site's events out to `subscription` (replaying from its `since`)."""

    def detach(self, subscription: Subscription) -> None:
        """Stop fanning out to `subscription`."""


class Subscription:
    """A site's events after `seen`, in order; each once. Use it as `async with`, then read or let it write."""

    __slots__ = (
        "_held",
        "_hub",
        "_inbox",
        "_resync",
        "_socket",
        "_waiter",
        "behind",
        "ended",
        "seen",
        "since",
        "site",
    )

    def __init__(
        self, hub: Membership, site: str, *, since: int | None, socket: DirectSocket | None = None
    ) -> None:
        self._hub = hub
        self.site = site
        # The seq the subscriber asked to start after; None means "from now on" (it reads a snapshot itself).
        self.since = since
        # The seq of the last event the subscriber has (read, written, or in its snapshot).
        self.seen = -1
        self.behind = False
        self.ended = False
        self._socket = socket
        self._inbox: deque[Envelope] | None = None if socket is not None else deque()
        # A socket's events wait here until its first snapshot is out.
        self._held: list[Envelope] | None = [] if socket is not None else None
        self._resync = False
        self._waiter: asyncio.Future[None] | None = None

    async def __aenter__(self) -> Subscription:
        """Join the site's fan-out (reading back what came after `since`)."""
        await self._hub.attach(self)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Leave the fan-out, whatever ended the block."""
        self._hub.detach(self)
        self.end()

    @property
    def socket(self) -> DirectSocket | None:
        """The connection the fan-out writes this subscription's events to (then there is nothing to read)."""
        return self._socket

    @property
    def done(self) -> bool:
        """Whether nothing more reaches this subscription: it fell behind or ended."""
        return self.behind or self.ended

    # Reading (subscriptions without a socket; one reader at a time).

    def __aiter__(self) -> Subscription:
        """Iterate over the events as they come (see `get`)."""
        return self

    async def __anext__(self) -> Envelope:
        """The next event; the iteration stops once the subscription ended."""
        envelope = await self.get()
        if envelope is None:
            raise StopAsyncIteration
        return envelope

    async def get(self) -> Envelope | None:
        """The next event, waiting for it; None once ended. Raises FellBehind or ResyncRequested."""
        inbox = self._readable()
        while True:
            if self.behind:
                raise FellBehind(f"events of {self.site} after seq {self.seen} were lost")
            if self.ended:
                return None
            if self._resync:
                self._resync = False
                raise ResyncRequested
            while inbox:
                envelope = inbox.popleft()
                if envelope.seq > self.seen:
                    self.seen = envelope.seq
                    return envelope
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def drain(self) -> list[Envelope]:
        """The events already waiting, without waiting for more. Raises FellBehind."""
        inbox = self._readable()
        if self.behind:
            raise FellBehind(f"events of {self.site} after seq {self.seen} were lost")
        ready: list[Envelope] = []
        while inbox:
            envelope = inbox.popleft()
            if envelope.seq > self.seen:
                self.seen = envelope.seq
                ready.append(envelope)
        return ready

    def pending(self) -> bool:
        """Whether an event waits to be read."""
        return bool(self._inbox)

    def request_resync(self) -> None:
        """Make the reader's next `get` raise ResyncRequested (a client asked for a fresh snapshot)."""
        self._resync = True
        self._wake()

    def end(self) -> None:
        """Stop: nothing more is delivered and the reader's next `get` returns None (the client left)."""
        self.ended = True
        self._held = None
        if self._inbox:
            self._inbox.clear()
        self._wake()

    # Snapshots: events the snapshot may already hold are kept back, then only later ones go out.

    def hold(self) -> None:
        """Keep events back while a fresh snapshot is read."""
        if self._held is None and not self.done:
            self._held = []

    def go_live(self, seen: int) -> None:
        """The subscriber has everything up to `seen`: deliver what was held after it, then every event."""
        held, self._held = self._held, None
        self.seen = max(self.seen, seen)
        if held and not self.done:
            self._deliver(held)

    # What the hub calls, on the event loop.

    def start(self, last_seq: int) -> None:
        """Joined the fan-out when the site's last delivered seq was `last_seq`."""
        self.seen = last_seq if self.since is None else self.since

    def replay(self, missed: list[Envelope]) -> None:
        """Deliver events read back from the log (after `since`), ahead of those held meanwhile."""
        self._held = [*missed, *(self._held or [])]
        self.go_live(self.seen)

    def offer_all(self, batch: Batch) -> None:
        """Take a batch of the site's events: hold, queue or write it."""
        if self.done:
            return
        if self._held is not None:
            if len(self._held) + len(batch.envelopes) <= self._hub.queue_size:
                self._held.extend(batch.envelopes)
            else:
                self.fall_behind()
        elif self._socket is not None:
            self._write(batch)
        else:
            self._queue(batch.envelopes)

    def fall_behind(self) -> None:
        """Lose the subscriber: a reader gets FellBehind; a socket is closed, and its client reconnects."""
        self.behind = True
        self._held = None
        if self._inbox:
            self._inbox.clear()
        if self._socket is not None:
            self._socket.close(CLOSE_TOO_SLOW, "client too slow; reconnect")
        self._wake()

    def _deliver(self, envelopes: list[Envelope]) -> None:
        if self._socket is not None:
            self._write(Batch(envelopes))
        else:
            self._queue(envelopes)

    def _queue(self, envelopes: list[Envelope]) -> None:
        inbox = self._inbox
        assert inbox is not None
        if len(inbox) + len(envelopes) > self._hub.queue_size:
            self.fall_behind()
            return
        inbox.extend(envelopes)
        self._wake()

    def _write(self, batch: Batch) -> None:
        socket = self._socket
        assert socket is not None
        if batch.last_seq <= self.seen:
            return
        if socket.backlog() > self._hub.backlog_bytes:
            self.fall_behind()
        elif socket.push(batch.frames_after(self.seen)):
            self.seen = batch.last_seq
        else:
            self.ended = True  # closing already; the connection's task sees the disconnect

    def _readable(self) -> deque[Envelope]:
        if self._inbox is None:
            raise TypeError("the fan-out writes a direct subscription's events to its socket; nothing to read")
        return self._inbox

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
