"""A real uvicorn server on loopback, in a thread, for tests that need the network."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx
from fastapi import FastAPI

from server.app import create_app
from server.clock import Clock
from server.context import AppContext
from server.demo import DEMO_KIOSK_TOKEN, demo_office
from server.embedded import SignallingServer, free_port, loopback_config
from server.office.schema import OfficeConfig
from server.settings import Settings


@dataclass
class LiveServer:
    """A running server: its base URL and the app's context for assertions."""

    url: str
    port: int
    app: FastAPI
    data_dir: Path

    @property
    def context(self) -> AppContext:
        """The running app's shared objects."""
        context: AppContext = self.app.state.context
        return context

    @property
    def ws_url(self) -> str:
        """Base URL for websockets."""
        return self.url.replace("http://", "ws://", 1)

    def api(self, path: str) -> str:
        """Absolute URL of an API path."""
        return f"{self.url}/api/v1{path}"

    def clerk_headers(self, username: str = "clerk1", password: str = "demo") -> dict[str, str]:
        """Log in and return the Authorization header."""
        response = httpx.post(self.api("/auth/login"), json={"username": username, "password": password})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    kiosk_headers: ClassVar[dict[str, str]] = {"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"}


@contextmanager
def run_live_server(
    data_dir: Path,
    *,
    office: OfficeConfig | None = None,
    clock: Clock | None = None,
    port: int | None = None,
    direct_websockets: bool = True,
    **settings: object,
) -> Iterator[LiveServer]:
    """Serve the demo office (or another) on loopback until the block ends."""
    port = port or free_port()
    values: dict[str, object] = {
        "demo": True,
        "database_url": f"sqlite:///{data_dir / 'aufruf.db'}",
        "public_url": f"http://127.0.0.1:{port}",
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
    }
    values.update(settings)
    app = create_app(Settings(**values), office=office or demo_office(), clock=clock)  # type: ignore[arg-type]
    server = SignallingServer(loopback_config(app, port, direct_websockets=direct_websockets))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    if not server.ready.wait(timeout=30):
        raise RuntimeError("the test server did not start within 30 s")
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", port=port, app=app, data_dir=data_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
