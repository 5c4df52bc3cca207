"""Counter cores and windows against the live test server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from client.api import ApiClient
from counter_app.core import CounterCore
from counter_app.memory import Workstation
from counter_app.texts import Texts
from tests.support.live_server import LiveServer

Action = Callable[[], None]


class Clerk:
    """A counter core driven by a test, with a helper that waits for each action's outcome."""

    def __init__(self, core: CounterCore, qtbot: QtBot) -> None:
        self.core = core
        self.qtbot = qtbot

    def do(self, action: Action, timeout: int = 10_000) -> tuple[str, bool, str]:
        """Run an action and return (action, succeeded, message) once it finished."""
        with self.qtbot.waitSignal(self.core.finished, timeout=timeout) as blocker:
            action()
        name, ok, text = blocker.args
        return str(name), bool(ok), str(text)

    def ok(self, action: Action) -> str:
        """Run an action that must succeed; return its message."""
        name, ok, text = self.do(action)
        assert ok, f"{name} failed: {text}"
        return text


def make_core(server_url: str, tmp_path: Path, *, undo_seconds: float = 10.0) -> CounterCore:
    """A core for the demo site with its own workstation file."""
    path = tmp_path / f"workstation-{len(list(tmp_path.glob('workstation-*')))}.json"
    return CounterCore(
        ApiClient(server_url), site="demo", texts=Texts("de"), memory=Workstation.load(path), memory_path=path,
        undo_seconds=undo_seconds,
    )


@pytest.fixture
def open_clerk(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., Clerk]]:
    """Log a clerk in at a counter and wait until its live view is online."""
    cores: list[CounterCore] = []

    def start(
        server: LiveServer, counter: str, *, username: str = "clerk1", services: list[str] | None = None,
        undo_seconds: float = 10.0,
    ) -> Clerk:
        core = make_core(server.url, tmp_path, undo_seconds=undo_seconds)
        cores.append(core)
        clerk = Clerk(core, qtbot)
        clerk.ok(lambda: core.login(username, "demo"))
        with qtbot.waitSignals([core.online_changed, core.state_changed], timeout=10_000):
            clerk.ok(lambda: core.open_counter(counter, services or []))
        return clerk

    yield start
    for core in cores:
        core.shutdown()
        core.api.close()
        # Delete on the GUI thread now, rather than whenever (and on whichever thread) Python collects it.
        shiboken6.delete(core)


def draw(server: LiveServer, service: str = "anmeldung") -> dict[str, object]:
    """Draw a ticket at the demo kiosk."""
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=server.kiosk_headers)
    response.raise_for_status()
    return dict(response.json())
