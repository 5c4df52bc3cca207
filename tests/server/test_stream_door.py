"""The event streams' door: it passes only the middlewares that leave websockets alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.app import AufrufApp, create_app
from server.demo import demo_office
from server.security.device_sockets import DeviceSocketGuard
from server.security.ratelimit import PublicEndpointLimit
from server.settings import Settings
from server.status_page.ratelimit import PublicRateLimit


class CountsWebsockets:
    """A middleware the door knows nothing about."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _app(tmp_path: Path) -> AufrufApp:
    settings = Settings(
        demo=True, database_url=f"sqlite:///{tmp_path / 'aufruf.db'}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
    )
    app = create_app(settings, office=demo_office())
    assert isinstance(app, AufrufApp)
    return app


def _display_scope() -> Scope:
    return {"type": "websocket", "path": "/ws/sites/demo/display", "headers": [], "query_string": b""}


async def _receive() -> Message:
    raise AssertionError("nothing is received while routing")


async def _send(message: Message) -> None:
    raise AssertionError("nothing is sent while routing")


def test_streams_pass_the_rate_limits_and_the_device_guard_in_order(tmp_path: Path) -> None:
    app = _app(tmp_path)
    kinds = [type(check) for check in app.stream_door.checks()]
    assert kinds == [DeviceSocketGuard, PublicEndpointLimit, PublicRateLimit]


def test_a_middleware_not_known_to_leave_websockets_alone_stops_the_streams(tmp_path: Path) -> None:
    app = _app(tmp_path)
    app.add_middleware(CountsWebsockets)
    with pytest.raises(TypeError, match="CountsWebsockets"):
        app.stream_door.route(_display_scope(), _receive, _send)


def test_other_websockets_and_http_take_the_usual_way(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert app.stream_door.route({"type": "websocket", "path": "/ws/sites/demo/supervision"}, _receive, _send) is None
    assert app.stream_door.route({"type": "http", "path": "/ws/sites/demo/display"}, _receive, _send) is None
