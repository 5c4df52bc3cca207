"""The Starlette and FastAPI insides the event streams rely on are still there, and still mean the same."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import FastAPI
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from server.events.framework import FRAMEWORK_HTTP_ONLY, middleware_chain, own_receive, traces_requests


def _name(node: object) -> str:
    return f"{type(node).__module__}.{type(node).__qualname__}"


def test_every_middleware_fastapi_adds_is_known_to_leave_websockets_alone() -> None:
    """An upgrade that adds or renames one of FastAPI's own middlewares fails here, not in production."""
    added = [_name(node) for node in middleware_chain(FastAPI(), ExceptionMiddleware)]
    assert added, "the chain walk found no middleware at all"
    assert added[0] == "starlette.middleware.errors.ServerErrorMiddleware"
    unknown = set(added) - FRAMEWORK_HTTP_ONLY
    assert not unknown, f"FastAPI wraps the app in {unknown}: read its code, then name it in FRAMEWORK_HTTP_ONLY"


def test_the_chain_walk_reaches_the_application_s_own_middlewares_in_order() -> None:
    class Outer:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await self.app(scope, receive, send)

    class Inner(Outer):
        pass

    app = FastAPI()
    app.add_middleware(Inner)
    app.add_middleware(Outer)
    names = [type(node).__name__ for node in middleware_chain(app, ExceptionMiddleware)]
    assert names[-2:] == ["Outer", "Inner"]


def test_fastapi_s_tracing_switch_is_read_where_fastapi_has_one() -> None:
    """FastAPI keeps the switch it takes as `telemetry=` as `_native_telemetry`; a rename fails here."""
    assert traces_requests(FastAPI()) is False
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return  # a FastAPI without native telemetry traces nothing itself
    assert hasattr(FastAPI(), "_native_telemetry"), "FastAPI renamed its telemetry: update traces_requests"
    provider: Any = object()  # any provider turns tracing on
    traced = FastAPI(telemetry={"tracer_provider": provider})
    assert traces_requests(traced) is True
    assert traces_requests(FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})) is False


def test_a_websocket_keeps_the_receive_it_was_built_with() -> None:
    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        pass

    websocket = WebSocket({"type": "websocket", "path": "/", "headers": []}, receive, send)
    assert own_receive(websocket) is receive
