"""One loop for every websocket: snapshot first, then ordered events, resync on request."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from server.context import AppContext
from server.events.envelope import Envelope, EventType
from server.events.hub import GONE, OVERFLOW, RESYNC, Subscriber

SnapshotReader = Callable[[Session], tuple[int, dict[str, Any]]]

# 1013 "try again later": the client fell behind; it reconnects and gets a fresh snapshot.
CLOSE_TOO_SLOW = 1013


async def _read_client(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Listen for resync requests (any other text is ignored); tell the sender when the client leaves."""
    try:
        while True:
            text = await websocket.receive_text()
            with contextlib.suppress(ValueError, AttributeError):
                if json.loads(text).get("type") in ("snapshot", "resync"):
                    subscriber.offer(RESYNC)
    finally:
        subscriber.leave()


async def _send_snapshot(
    websocket: WebSocket, context: AppContext, site_id: str, read: SnapshotReader, now: datetime
) -> int:
    def load() -> tuple[int, dict[str, Any]]:
        with context.database.read() as session:
            return read(session)

    seq, data = await run_in_threadpool(load)
    snapshot = Envelope(seq=seq, type=EventType.snapshot, at=now, site=site_id, data=data)
    await websocket.send_text(snapshot.text)
    return seq


async def stream_site(
    websocket: WebSocket,
    context: AppContext,
    site_id: str,
    read: SnapshotReader,
) -> None:
    """Serve one accepted websocket until the client leaves or falls behind."""
    subscriber = await context.hub.subscribe(site_id)
    reader = asyncio.create_task(_read_client(websocket, subscriber))
    try:
        seen = await _send_snapshot(websocket, context, site_id, read, context.clock.now())
        while True:
            # A plain get per message: waiting on both the queue and the reader cost more than the send.
            item = await subscriber.queue.get()
            if item is GONE or subscriber.gone:
                return
            if item is OVERFLOW:
                await websocket.close(code=CLOSE_TOO_SLOW, reason="client too slow; reconnect")
                return
            if item is RESYNC:
                seen = await _send_snapshot(websocket, context, site_id, read, context.clock.now())
                continue
            assert isinstance(item, Envelope)
            if item.seq > seen:
                seen = item.seq
                await websocket.send_text(item.text)
    except WebSocketDisconnect:
        return
    finally:
        reader.cancel()
        context.hub.unsubscribe(subscriber)
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await reader
