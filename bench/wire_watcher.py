"""A websocket watcher that costs its client process next to nothing: a bare protocol, no task, no queue.

Real displays and phones each bring their own CPU; here thousands of watchers share two cores with the
server, so a full client library per socket would measure mostly itself. This one does the handshake,
splits the server's (unmasked) frames, answers pings, and reports each text message's arrival time.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

OnText = Callable[[bytes, float], None]
TEXT, CLOSE, PING = 0x1, 0x8, 0x9


def _masked(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask; payloads here are under 126 bytes)."""
    mask = os.urandom(4)
    body = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + body


class WireWatcher(asyncio.Protocol):
    """One websocket: `opened` resolves with the first message (the snapshot); `closed` when it ends."""

    def __init__(self, host: str, path: str, on_text: OnText) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.on_text = on_text
        self.buffer = b""
        self.upgraded = False
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Send the upgrade request."""
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not registered subclasses
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        """Parse the answer, then every complete frame."""
        now = time.time()
        self.buffer += data
        if not self.upgraded:
            head, separator, rest = self.buffer.partition(b"\r\n\r\n")
            if not separator:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self._fail(head.split(b"\r\n", 1)[0].decode(errors="replace"))
                return
            self.upgraded, self.buffer = True, rest
        self._frames(now)

    def _frames(self, now: float) -> None:
        buffer, offset = self.buffer, 0
        while len(buffer) - offset >= 2:
            opcode, length = buffer[offset] & 0x0F, buffer[offset + 1] & 0x7F
            start = offset + 2
            if length == 126:
                if len(buffer) - start < 2:
                    break
                (length,), start = struct.unpack_from("!H", buffer, start), start + 2
            elif length == 127:
                if len(buffer) - start < 8:
                    break
                (length,), start = struct.unpack_from("!Q", buffer, start), start + 8
            if len(buffer) - start < length:
                break
            payload = buffer[start:start + length]
            offset = start + length
            if opcode == TEXT:
                if not self.opened.done():
                    self.opened.set_result(None)
                self.on_text(payload, now)
            elif opcode == PING and self.transport is not None:
                self.transport.write(_masked(0xA, payload))
            elif opcode == CLOSE and self.transport is not None:
                self.transport.close()
        self.buffer = buffer[offset:]

    def _fail(self, reason: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(reason))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Settle both futures."""
        self._fail("connection lost")
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        """Start the closing handshake."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_masked(CLOSE, struct.pack("!H", 1000)))


async def open_watcher(url: str, on_text: OnText, timeout: float = 60) -> WireWatcher:
    """Connect to a ws:// URL and wait for its first message."""
    parts = urlsplit(url)
    if parts.hostname is None or parts.port is None:
        raise ValueError(f"a watcher needs ws://host:port/path, not {url!r}")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    loop = asyncio.get_running_loop()
    _transport, watcher = await loop.create_connection(
        lambda: WireWatcher(parts.netloc, path, on_text), parts.hostname, parts.port
    )
    await asyncio.wait_for(asyncio.shield(watcher.opened), timeout)
    return watcher
