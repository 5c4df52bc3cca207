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
from server.events.direct import direct_socket
from server.events.envelope import Envelope, EventType
from server.events.frames import text_frame
from server.events.framework import own_receive
from server.events.subscription import CLOSE_TOO_SLOW, FellBehind, ResyncRequested, Subscription

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


async def _read_client(websocket: WebSocket, subscription: Subscription) -> None:
    """Listen for resync requests; tell the sender when the client leaves."""
    try:
        while True:
            if _asks_for_snapshot(await _client_text(websocket)):
                subscription.request_resync()
    finally:
        subscription.end()


def database_snapshot(context: AppContext, site_id: str, read: SnapshotReader) -> SnapshotSource:
    """Snapshots read from the database for each client (a counter's or a ticket's own state)."""

    def load() -> tuple[int, dict[str, Any]]:
        with context.database.read() as session:
            return read(session)

    async def snapshot(at_least: int) -> tuple[int, str]:
        seq, data = await run_in_threadpool(load)
        return seq, Envelope(seq=seq, type=EventType.snapshot, at=context.clock.now(), site=site_id, data=data).text

    return snapshot


async def stream_site(websocket: WebSocket, context: AppContext, site_id: str, read: SnapshotReader) -> None:
    """Serve one accepted websocket, its snapshots read from the database by `read`."""
    await stream_snapshots(websocket, context, site_id, database_snapshot(context, site_id, read))


def stream_snapshots(
    websocket: WebSocket, context: AppContext, site_id: str, snapshot: SnapshotSource
) -> Coroutine[Any, Any, None]:
    """Serving one accepted websocket until the client leaves or falls behind; returned, so no frame waits on it."""
    # Where the server offers it, the fan-out writes events to the connection itself (server.events.direct).
    return _stream(websocket, context.hub.subscribe(site_id, socket=direct_socket(websocket.scope)), snapshot)


async def _stream(websocket: WebSocket, subscription: Subscription, snapshot: SnapshotSource) -> None:
    """Snapshot, then events; a fresh snapshot whenever the client asks. Written by the fan-out, or sent from here.

    An idle direct stream is this one frame, waiting on its connection's inbox: thousands stay open all day.
    """
    socket = subscription.socket
    # Unless a middleware wraps the connection's receive (a device's guard), wait on its inbox itself:
    # an idle connection then holds this one frame instead of four receive coroutines.
    own_inbox = socket is not None and socket.receives_for(own_receive(websocket))
    reader = None if socket is not None else asyncio.create_task(_read_client(websocket, subscription))
    try:
        # `async with subscription`, written out: a with-block keeps its bound `__aexit__` on the frame
        # for the connection's whole life, some 64 bytes on each of thousands of idle displays.
        await subscription.__aenter__()
        try:
            while True:
                seq, text = await snapshot(subscription.seen)
                if socket is None:
                    await websocket.send_text(text)
                    sent = True
                else:
                    # Written like any event, so a client that left or fell behind meanwhile is simply skipped.
                    sent = not subscription.done and socket.push(text_frame(text))
                del text  # an idle stream keeps no copy of its snapshot
                if sent:
                    subscription.go_live(seq)
                if socket is None:
                    if not await _send_events(websocket, subscription):
                        return
                elif own_inbox:
                    while True:
                        await socket.incoming()
                        if _message_asks_for_snapshot(socket.take()):
                            break
                else:
                    while not _asks_for_snapshot(await _client_text(websocket)):
                        pass
                subscription.hold()
        finally:
            await subscription.__aexit__(None, None, None)
    except WebSocketDisconnect:
        return
    except FellBehind:
        await websocket.close(code=CLOSE_TOO_SLOW, reason="client too slow; reconnect")
    finally:
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await reader


async def _send_events(websocket: WebSocket, subscription: Subscription) -> bool:
    """Send each event through the ASGI connection until the client asks for a snapshot (True) or leaves."""
    try:
        # A plain get per message: waiting on both the inbox and the reader cost more than the send.
        while (envelope := await subscription.get()) is not None:
            await websocket.send_text(envelope.text)
            if subscription.pending():
                # Let every other client get this event before this one gets the next.
                await asyncio.sleep(0)
    except ResyncRequested:
        return True
    return False


def _message_asks_for_snapshot(message: Any) -> bool:
    """Whether a client's message is a resync request; WebSocketDisconnect if it says the client left."""
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    return text is not None and _asks_for_snapshot(str(text))
