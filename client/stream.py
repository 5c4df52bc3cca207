"""The live event stream: reconnects with back-off, tracks seq, resyncs on a gap, parses events into their models."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from aufruf.events import Event, parse_event
from client.backoff import Backoff, retry_after

log = logging.getLogger(__name__)

Message = dict[str, Any]


@dataclass
class StreamHandlers:
    """What the stream reports; every callback runs on the stream's own thread."""

    on_snapshot: Callable[[Message], None]
    on_event: Callable[[Message], None]
    on_connection: Callable[[bool], None] = lambda _connected: None
    on_refused: Callable[[str], None] = lambda _reason: None
    # Seconds until the next attempt, each time the connection failed or dropped.
    on_reconnecting: Callable[[float], None] = lambda _delay: None
    # Each event delivered to `on_event` again, its data parsed into its type's model (aufruf.events).
    on_typed_event: Callable[[Event], None] = lambda _event: None


def typed_event(message: Message) -> Event:
    """A stream message with its data as its type's model; a newer server's unknown types and fields are kept.

    Data that does not fit a known type's model is kept as sent (and logged): the screen still follows the stream.
    """
    try:
        return parse_event(message)
    except ValidationError as error:
        log.warning("event %s (seq %s) does not fit its model: %s", message.get("type"), message.get("seq"), error)
        return parse_event(message, models={})


class SeqTracker:
    """Decides, message by message, what to deliver and when to ask for a snapshot."""

    def __init__(self) -> None:
        self.last_seq: int | None = None
        self.awaiting_snapshot = True

    def reset(self) -> None:
        """A new connection always starts with a snapshot."""
        self.last_seq, self.awaiting_snapshot = None, True

    def accept(self, message: Message) -> str:
        """Classify a message: 'snapshot', 'event', 'skip' (old or while resyncing) or 'gap'."""
        seq = int(message.get("seq", -1))
        if message.get("type") == "snapshot":
            self.last_seq, self.awaiting_snapshot = seq, False
            return "snapshot"
        if self.awaiting_snapshot or (self.last_seq is not None and seq <= self.last_seq):
            return "skip"
        if self.last_seq is not None and seq != self.last_seq + 1:
            self.awaiting_snapshot = True
            return "gap"
        self.last_seq = seq
        return "event"


class EventStream:
    """A websocket subscription kept alive on a background thread until `stop()`."""

    def __init__(self, url: str, handlers: StreamHandlers, *, token: str | None = None) -> None:
        self.url = url
        self.token = token
        self.handlers = handlers
        self.tracker = SeqTracker()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        """Connect in the background; returns at once."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run_loop, name=f"stream {self.url}", daemon=True)
        self._thread.start()
        self._ready.wait()

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect and wait for the thread to end."""
        if self._loop is not None and self._stopping is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def _run_loop(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._stopping = asyncio.Event()
        self._ready.set()
        try:
            self._loop.run_until_complete(self._run())
        finally:
            self._loop.close()

    async def _run(self) -> None:
        assert self._stopping is not None
        consumer = asyncio.ensure_future(self._consume())
        stopper = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({consumer, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (consumer, stopper):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer

    async def _consume(self) -> None:
        """Connect, receive, and after any failure try again, for ever, with jittered back-off."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        backoff = Backoff()
        while True:
            try:
                async with connect(
                    self.url, additional_headers=headers, proxy=None, open_timeout=5, ping_interval=10,
                    ping_timeout=10,
                ) as websocket:
                    backoff.reset()
                    self.tracker.reset()
                    self.handlers.on_connection(True)
                    try:
                        await self._receive(websocket)
                    finally:
                        self.handlers.on_connection(False)
                delay = backoff.next()
            except PermissionError as refusal:
                # Refused (bad token, unknown counter): say so, and look again now and then in case it is fixed.
                self.handlers.on_refused(str(refusal))
                delay = backoff.longest()
            except InvalidStatus as error:
                status = error.response.status_code
                if status in (401, 403, 404):
                    self.handlers.on_refused(f"server refused the connection (HTTP {status})")
                    delay = backoff.longest()
                else:  # 429, 5xx, a proxy's 502 …: busy or restarting, so try again, when it says if it says
                    delay = retry_after(error.response.headers.get("Retry-After")) or backoff.next()
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
                log.info("stream %s: %s", self.url, type(error).__name__)
                delay = backoff.next()
            self.handlers.on_reconnecting(delay)
            await asyncio.sleep(delay)

    async def _receive(self, websocket: ClientConnection) -> None:
        try:
            async for raw in websocket:
                message = json.loads(raw)
                verdict = self.tracker.accept(message)
                if verdict == "snapshot":
                    self.handlers.on_snapshot(message)
                elif verdict == "event":
                    self.handlers.on_event(message)
                    self.handlers.on_typed_event(typed_event(message))
                elif verdict == "gap":
                    log.info("missed events before seq %s; asking for a snapshot", message.get("seq"))
                    await websocket.send(json.dumps({"type": "resync"}))
        except ConnectionClosed as closed:
            # 1008: the server refused us (bad token, unknown counter): retrying will not help.
            if closed.rcvd is not None and closed.rcvd.code == 1008:
                raise PermissionError(closed.rcvd.reason or "refused by the server") from None
