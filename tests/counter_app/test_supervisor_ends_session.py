"""The counter app when a supervisor ends its session: back to the counter choice, saying why."""

from __future__ import annotations

from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from counter_app.window import CounterWindow
from tests.counter_app.conftest import make_core
from tests.support.live_server import LiveServer


def test_the_app_says_a_supervisor_ended_its_session(live_server: LiveServer, qtbot: QtBot, tmp_path: Path) -> None:
    window = CounterWindow(make_core(live_server.url, tmp_path))
    qtbot.addWidget(window)
    window.show()
    core = window.core
    with qtbot.waitSignal(core.logged_in, timeout=10_000):
        core.login("clerk1", "demo")
    window.login.counter_box.setCurrentIndex(window.login.counter_box.findData("4"))
    with qtbot.waitSignals([core.counter_opened, core.state_changed], timeout=10_000):
        window.login.open_button.click()
    qtbot.waitUntil(lambda: core.online)
    supervisor = live_server.clerk_headers("super1")
    with qtbot.waitSignal(core.counter_closed, timeout=10_000) as lost:
        ended = httpx.post(live_server.api("/sites/demo/counters/4/end-session"), headers=supervisor)
        assert ended.status_code == 200, ended.text
    assert lost.args[0] == "Eine Aufsicht hat Ihre Sitzung an diesem Schalter beendet; der Schalter ist geschlossen."
    assert window.stack.currentWidget() is window.login and "Aufsicht" in window.message.text()
    core.shutdown()
