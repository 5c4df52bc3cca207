"""One loop for every websocket: snapshot first, then ordered events, resync on request."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from server.context import AppContext
from server.events.direct import DirectSocket, direct_socket
from server.events.envelope import Envelope, EventType
from server.events.frames import text_frame
from server.events.hub import CLOSE_TOO_SLOW, GONE, OVERFLOW, RESYNC, DirectSubscriber, Subscriber

SnapshotReader = Callable[[Session], tuple[int, dict[str, Any]]]
# A snapshot with seq >= the given one, as (seq, JSON text).
SnapshotSource = Callable[[int], Awaitable[tuple[int, str]]]


def _asks_for_snapshot(text: str) -> bool:
    """Whether a client message is a resync request (any other text is ignored)."""
    with contextlib.suppress(ValueError, AttributeError):
        return json.loads(text).get("type") in ("snapshot", "resync")
    return False


async def _client_text(websocket: WebSocket) -> str:
    """The client's next text message (binary ones mean nothing here); WebSocketDisconnect once it leaves."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        if message.get("text") is not None:
            return str(message["text"])


async def _read_client(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Listen for resync requests; tell the sender when the client leaves."""
    try:
        while True:
            if _asks_for_snapshot(await _client_text(websocket)):
                subscriber.offer(RESYNC)
    finally:
        subscriber.leave()


def database_snapshot(context: AppContext, site_id: str, read: SnapshotReader) -> SnapshotSource:
    """Snapshots read from the database for each client (a counter's or a ticket's own state)."""

    def load() -> tuple[int, dict[str, Any]]:
        with context.database.read() as session:
            return read(session)

    async def snapshot(at_least: int) -> tuple[int, str]:
        seq, data = await run_in_threadpool(load)
        return seq, Envelope(seq=seq, type=EventType.snapshot, at=context.clock.now(), site=site_id, data=data).text

    return snapshot


async def _send_snapshot(websocket: WebSocket, snapshot: SnapshotSource, *, at_least: int) -> int:
    """Send a snapshot through the ASGI connection; its seq."""
    seq, text = await snapshot(at_least)
    await websocket.send_text(text)
    return seq


async def stream_site(websocket: WebSocket, context: AppContext, site_id: str, read: SnapshotReader) -> None:
    """Serve one accepted websocket, its snapshots read from the database by `read`."""
    await stream_snapshots(websocket, context, site_id, database_snapshot(context, site_id, read))


def stream_snapshots(
    websocket: WebSocket, context: AppContext, site_id: str, snapshot: SnapshotSource
) -> Coroutine[Any, Any, None]:
    """Serving one accepted websocket until the client leaves or falls behind; returned, so no frame waits on it."""
    socket = direct_socket(websocket.scope)
    if socket is not None:
        return _stream_direct(websocket, socket, context, site_id, snapshot)
    return _stream_queued(websocket, context, site_id, snapshot)


async def _stream_direct(
    websocket: WebSocket, socket: DirectSocket, context: AppContext, site_id: str, snapshot: SnapshotSource
) -> None:
    """The fan-out writes events to the socket itself; this task only sends snapshots and listens."""
    subscriber = await context.hub.subscribe_direct(site_id, socket)
    # Unless a middleware wraps the connection's receive (a device's guard), wait on its inbox itself:
    # an idle connection then holds this one frame instead of four receive coroutines.
    own_inbox = socket.receives_for(websocket._receive)
    try:
        while True:
            await _push_snapshot(subscriber, socket, snapshot)
            if own_inbox:
                while True:
                    await socket.incoming()
                    if _message_asks_for_snapshot(socket.take()):
                        break
            else:
                while not _asks_for_snapshot(await _client_text(websocket)):
                    pass
            subscriber.hold()
    except WebSocketDisconnect:
        return
    finally:
        context.hub.unsubscribe(subscriber)


def _message_asks_for_snapshot(message: Any) -> bool:
    """Whether a client's message is a resync request; WebSocketDisconnect if it says the client left."""
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    return text is not None and _asks_for_snapshot(str(text))


async def _push_snapshot(subscriber: DirectSubscriber, socket: DirectSocket, snapshot: SnapshotSource) -> None:
    """Write a snapshot, then let events flow; its text is gone once written (an idle socket keeps no copy)."""
    seq, text = await snapshot(subscriber.seen)
    # Written like any event, so a client that left or fell behind meanwhile is simply skipped.
    if not subscriber.dropped and socket.push(text_frame(text)):
        subscriber.go_live(seq)


async def _stream_queued(websocket: WebSocket, context: AppContext, site_id: str, snapshot: SnapshotSource) -> None:
    """Events pass through this connection's inbox and the ASGI send chain (servers without `aufruf.direct`)."""
    subscriber = await context.hub.subscribe(site_id)
    reader = asyncio.create_task(_read_client(websocket, subscriber))
    try:
        seen = await _send_snapshot(websocket, snapshot, at_least=subscriber.since)
        while True:
            # A plain get per message: waiting on both the queue and the reader cost more than the send.
            item = await subscriber.queue.get()
            if item is GONE or subscriber.gone:
                return
            if item is OVERFLOW:
                await websocket.close(code=CLOSE_TOO_SLOW, reason="client too slow; reconnect")
                return
            if item is RESYNC:
                seen = await _send_snapshot(websocket, snapshot, at_least=seen)
                continue
            assert isinstance(item, Envelope)
            if item.seq > seen:
                seen = item.seq
                await websocket.send_text(item.text)
                if not subscriber.queue.empty():
                    # Let every other client get this event before this one gets the next.
                    await asyncio.sleep(0)
    except WebSocketDisconnect:
        return
    finally:
        reader.cancel()
        context.hub.unsubscribe(subscriber)
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await reader
