"""Websocket connections the hub writes to directly: each event's frame is encoded once and written to every socket.

uvicorn's sans-I/O websocket protocol, extended with an ASGI scope extension (`aufruf.direct`) that hands
the application this connection. Pushing a frame then costs one `transport.write` instead of a trip through
every middleware's `send`, a per-connection queue and a task switch; that is what lets one event loop reach
thousands of displays within a frame or two. Servers without the extension fall back to the queued path.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

EXTENSION = "aufruf.direct"


class DirectSocket:
    """What the hub may do with one connection from the event loop's thread, without awaiting."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: DirectWebSocketProtocol) -> None:
        self._protocol = protocol

    def push(self, frame: bytes) -> bool:
        """Write an encoded frame now; False once the connection can take no more frames."""
        return self._protocol.push_frame(frame)

    def backlog(self) -> int:
        """Bytes written to the connection that the client has not taken yet."""
        return self._protocol.transport.get_write_buffer_size()

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake; the application's next receive sees the disconnect."""
        self._protocol.close_from_server(code, reason)

    def receives_for(self, receive: Any) -> bool:
        """Whether `receive` is this connection's own (no middleware wraps it), so `incoming` may stand in."""
        return bool(receive == self._protocol.receive)

    def incoming(self) -> asyncio.Future[None]:
        """Done once a message from the client waits: an idle connection's task awaits it holding no frame."""
        return self._protocol.queue.ready()

    def take(self) -> Any:
        """The oldest waiting message, as the connection's own `receive` returns it."""
        protocol = self._protocol
        message = protocol.queue.pop()
        if protocol.read_paused and protocol.queue.empty():
            protocol.read_paused = False
            protocol.transport.resume_reading()
        return message


def direct_socket(scope: Any) -> DirectSocket | None:
    """The connection behind a websocket scope, when the server offers direct writes."""
    extension = scope.get("extensions", {}).get(EXTENSION)
    return extension.get("socket") if extension else None


class SlimInbox:
    """The part of `asyncio.Queue` uvicorn uses for incoming messages (one reader): one list, not four deques."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        """Add a message and wake the reader."""
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def empty(self) -> bool:
        """Whether no message is waiting."""
        return not self._items

    def ready(self) -> asyncio.Future[None]:
        """A future done once a message waits."""
        waiter = asyncio.get_running_loop().create_future()
        if self._items:
            waiter.set_result(None)
        else:
            self._waiter = waiter
        return waiter

    def pop(self) -> Any:
        """The oldest message; call once `ready` is done."""
        return self._items.pop(0)

    async def get(self) -> Any:
        """The oldest message, once there is one."""
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class SlimFlag:
    """The part of `asyncio.Event` uvicorn uses for write flow control, without a deque of waiters."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] = []

    def set(self) -> None:
        """Open the gate and wake every waiter."""
        self._set = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    def clear(self) -> None:
        """Close the gate."""
        self._set = False

    async def wait(self) -> None:
        """Return once the gate is open."""
        if not self._set:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter


class DirectWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websocket protocol that offers `aufruf.direct` and keeps less per connection.

    Thousands of displays and phones stay connected all day, so every KiB per connection counts: the
    message queue and the write flag are slimmer stand-ins, and the handshake is forgotten once open.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue: SlimInbox = SlimInbox()  # type: ignore[assignment]
        self.writable = SlimFlag()  # type: ignore[assignment]

    def handle_connect(self, event: Any) -> None:
        """Handle the upgrade request as usual, then offer direct writes to the application."""
        super().handle_connect(event)
        if not self.close_sent:
            self.scope["extensions"][EXTENSION] = {"socket": DirectSocket(self)}

    async def send(self, message: Any) -> None:
        """Send as usual; once accepted, drop the handshake's request and response (a few KiB per connection)."""
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The request also stays referenced inside the websockets parser for the connection's life:
            # emptying its headers frees them (about 2 KiB per connection) where dropping it alone does not.
            self.request.headers.clear()
            self.request = self.response = None  # type: ignore[assignment]

    def push_frame(self, frame: bytes) -> bool:
        """Write an encoded data frame if the connection is open and no close has been sent."""
        if self.close_sent or self.disconnected or self.conn.state is not State.OPEN or self.transport.is_closing():
            return False
        self.transport.write(frame)
        return True

    def close_from_server(self, code: int, reason: str) -> None:
        """Send a close frame and tell the application, as an ASGI `websocket.close` would."""
        if self.close_sent or self.disconnected or self.transport.is_closing():
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        self.close_timer = self.loop.call_later(self.close_timeout, self.transport.close)


def uvicorn_websocket_options() -> dict[str, Any]:
    """The websocket settings every way of serving Aufruf passes to uvicorn."""
    # No permessage-deflate: events are small, and a compressor per connection costs memory and CPU per frame.
    return {"ws": DirectWebSocketProtocol, "ws_per_message_deflate": False, "ws_max_size": 65536}
