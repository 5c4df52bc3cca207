"""Carrying events from the process that committed them to every process with listeners."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

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
        """Send an event; safe to call from any thread, and it never waits."""

    def status(self) -> dict[str, Any]:
        """The bus's health for `/health` and the supervisor page: at least `backend` and `state`."""

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

    def status(self) -> dict[str, Any]:
        """In one process there is nothing that could fail."""
        return {"backend": "memory", "state": "ok"}

    async def stop(self) -> None:
        """Forget the loop."""
        self._loop = None
