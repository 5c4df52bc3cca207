"""The few Starlette and FastAPI insides the event streams rely on, each for want of a public API.

Every use of a name neither framework documents lives here; tests/server/test_framework_insides.py
fails when an upgrade renames or changes one, instead of the streams quietly taking another way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive
from starlette.websockets import WebSocket

# What FastAPI wraps around the application's own middlewares (read in its code). None acts on a
# websocket: errors are turned into 500 pages for http scopes only, the body limit counts request
# bodies (a websocket has none), and the telemetry wrapper records nothing without OpenTelemetry
# (`traces_requests` sends streams the usual way when it would). The last two live in private modules
# of recent FastAPI versions, so they are named here as text: older versions simply do not have them.
FRAMEWORK_HTTP_ONLY = frozenset({
    "starlette.middleware.errors.ServerErrorMiddleware",
    "fastapi.telemetry._asgi.ExceptionTelemetryMiddleware",
    "fastapi._body_limit.AppBodyLimitMiddleware",
})


def middleware_chain(app: Starlette, innermost: type) -> Iterator[Any]:
    """The application's built middlewares, outermost first, down to (not including) an `innermost` one.

    Starlette builds the chain on the first request (`build_middleware_stack`, a public method though
    undocumented); every middleware holds the next as `app`, the pure-ASGI middleware convention.
    Built here once, it is the same chain, with the same rate limiters, that HTTP requests pass.
    """
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    node: ASGIApp = app.middleware_stack
    while not isinstance(node, innermost):
        yield node
        node = node.app  # type: ignore[attr-defined]


def traces_requests(app: Starlette) -> bool:
    """Whether FastAPI's own OpenTelemetry tracing is on (then streams must pass FastAPI's `__call__`).

    FastAPI offers the switch (`FastAPI(telemetry=...)`) but no public way to ask whether it is on.
    """
    telemetry = getattr(app, "_native_telemetry", None)  # absent before FastAPI's native telemetry
    return telemetry is not None and bool(telemetry.enabled())


def own_receive(websocket: WebSocket) -> Receive:
    """The `receive` a Starlette WebSocket was built with (it keeps it, unexposed, as `_receive`)."""
    receive: Receive = websocket._receive
    return receive
