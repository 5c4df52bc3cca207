"""Running the server inside another program (simulations, tests): a port and a ready signal."""

from __future__ import annotations

import socket
import threading

import uvicorn
from starlette.types import ASGIApp

from server.api.http_protocol import uvicorn_http_options
from server.events.direct import uvicorn_websocket_options
from server.settings.http import HttpLimits


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_config(
    app: ASGIApp, port: int, *, direct_websockets: bool = True, limits: HttpLimits | None = None
) -> uvicorn.Config:
    """Serve `app` on loopback with the websocket settings of `aufruf serve` (or uvicorn's own, to compare).

    The HTTP limits are the app's own settings' when it is an Aufruf app, else the defaults.
    """
    context = getattr(getattr(app, "state", None), "context", None)
    limits = limits or (context.settings.http if context is not None else HttpLimits())
    options = {**uvicorn_websocket_options(), **uvicorn_http_options(limits)}
    if not direct_websockets:
        options["ws"] = "auto"
    return uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options)


class SignallingServer(uvicorn.Server):
    """A uvicorn server that sets `ready` once it takes requests, for a thread waiting on it."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start as usual, then signal."""
        await super().startup(sockets)
        self.ready.set()
