"""uvicorn's HTTP protocol with a header deadline, so a client that trickles (or never sends) headers is cut off.

uvicorn times out idle keep-alive connections but not a request whose headers never finish: a few hundred
such connections (slowloris) would hold the server's sockets. The body has its own deadline in InputGuard.
"""

from __future__ import annotations

import asyncio
from typing import Any

from server.api.http_limits import HttpLimits


class HeaderDeadline:
    """Close the connection when a request's headers are not complete within `seconds`."""

    seconds: float = 10.0
    _deadline: asyncio.TimerHandle | None = None

    def _arm_deadline(self, loop: asyncio.AbstractEventLoop, transport: asyncio.BaseTransport) -> None:
        if self._deadline is None:
            self._deadline = loop.call_later(self.seconds, transport.close)

    def _disarm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


def _httptools_protocol(seconds: float) -> type[Any]:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

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

    DeadlineHttpToolsProtocol.seconds = seconds
    return _publish(DeadlineHttpToolsProtocol)


def _h11_protocol(seconds: float) -> type[Any]:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineH11Protocol(HeaderDeadline, H11Protocol):
        """h11 parsing; the deadline runs while no request is in progress and bytes arrive."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_deadline(self.loop, transport)

        def data_received(self, data: bytes) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self._arm_deadline(self.loop, self.transport)
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_deadline()
            super().connection_lost(exc)

    DeadlineH11Protocol.seconds = seconds
    return _publish(DeadlineH11Protocol)


# With --workers uvicorn pickles its config, protocol class included, into each spawned worker: pickle
# finds a class by module and name, so the classes made above are kept here under their names, and a
# worker that has not made one yet makes it from the same AUFRUF_HTTP_* settings (module __getattr__).
_made: dict[str, type[Any]] = {}
_FACTORIES = {"DeadlineHttpToolsProtocol": _httptools_protocol, "DeadlineH11Protocol": _h11_protocol}


def _publish(protocol: type[Any]) -> type[Any]:
    protocol.__qualname__ = protocol.__name__
    _made[protocol.__name__] = protocol
    return protocol


def __getattr__(name: str) -> type[Any]:
    """A protocol class by name, for unpickling in a worker process."""
    if name in _made:
        return _made[name]
    if name in _FACTORIES:
        return _FACTORIES[name](HttpLimits().header_seconds)
    raise AttributeError(name)


def uvicorn_http_options(limits: HttpLimits | None = None) -> dict[str, Any]:
    """The HTTP settings every way of serving Aufruf passes to uvicorn."""
    limits = limits or HttpLimits()
    try:
        import httptools  # noqa: F401  # uvicorn's faster parser, when installed

        protocol = _httptools_protocol(limits.header_seconds)
    except ImportError:
        protocol = _h11_protocol(limits.header_seconds)
    return {
        "http": protocol,
        "timeout_keep_alive": limits.keep_alive_seconds,
        # Headers larger than this are refused by h11 with 400 (httptools has its own fixed limits).
        "h11_max_incomplete_event_size": 16 * 1024,
    }
