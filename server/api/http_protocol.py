"""uvicorn's HTTP protocol with a header deadline, so a client that trickles (or never sends) headers is cut off.

uvicorn times out idle keep-alive connections but not a request whose headers never finish: a few hundred
such connections (slowloris) would hold the server's sockets. The body has its own deadline in InputGuard.
The protocol classes live at module level: uvicorn's worker processes receive them by reference.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # uvicorn[standard] brings httptools

from server.settings.http import HttpLimits


class HeaderDeadline:
    """Close the connection when a request's headers are not complete within `seconds`."""

    # Set by `uvicorn_http_options`, and by the app factory in each worker process (which uvicorn starts afresh).
    seconds: float = HttpLimits().header_seconds
    _deadline: asyncio.TimerHandle | None = None

    def _arm_deadline(self, loop: asyncio.AbstractEventLoop, transport: asyncio.BaseTransport) -> None:
        if self._deadline is None:
            self._deadline = loop.call_later(HeaderDeadline.seconds, transport.close)

    def _disarm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


class DeadlineHttpToolsProtocol(HeaderDeadline, HttpToolsProtocol):
    """httptools parsing; the deadline runs from a connection's or request's first byte to its last header."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_deadline(self.loop, transport)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_deadline(self.loop, self.transport)

    def on_headers_complete(self) -> None:
        self._disarm_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        super().connection_lost(exc)


def use_header_deadline(limits: HttpLimits) -> None:
    """Give every connection this process accepts from now on the limits' time for its headers."""
    HeaderDeadline.seconds = limits.header_seconds


def uvicorn_http_options(limits: HttpLimits) -> dict[str, Any]:
    """The HTTP settings (`Settings.http`) every way of serving Aufruf passes to uvicorn."""
    use_header_deadline(limits)
    return {
        "http": DeadlineHttpToolsProtocol,
        "timeout_keep_alive": limits.keep_alive_seconds,
    }
