"""The counter app and counter sessions: take-over, close, log out, an expired token, the recall warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from counter_app.window import CounterWindow
from server.clock import ManualClock
from tests.counter_app.conftest import draw, make_core
from tests.support.live_server import LiveServer, run_live_server


def _window(qtbot: QtBot, server: LiveServer, tmp_path: Path) -> CounterWindow:
    window = CounterWindow(make_core(server.url, tmp_path))
    qtbot.addWidget(window)
    window.show()
    return window


def _open(qtbot: QtBot, window: CounterWindow, counter: str, username: str = "clerk1") -> None:
    core = window.core
    with qtbot.waitSignal(core.logged_in, timeout=10_000):
        core.login(username, "demo")
    window.login.counter_box.setCurrentIndex(window.login.counter_box.findData(counter))
    with qtbot.waitSignals([core.counter_opened, core.state_changed], timeout=10_000):
        window.login.open_button.click()
    qtbot.waitUntil(lambda: core.online)


def test_a_take_over_elsewhere_sends_the_first_app_back_saying_who(
    live_server: LiveServer, qtbot: QtBot, tmp_path: Path
) -> None:
    first = _window(qtbot, live_server, tmp_path)
    _open(qtbot, first, "3")
    assert "Schalter 3" in first.work.title.text() and "clerk1" in first.work.title.text()
    second = _window(qtbot, live_server, tmp_path)
    assert second.core.memory.workstation != first.core.memory.workstation
    with qtbot.waitSignal(second.core.logged_in, timeout=10_000):
        second.core.login("clerk1", "demo")
    second.login.counter_box.setCurrentIndex(second.login.counter_box.findData("3"))
    with qtbot.waitSignal(second.core.finished, timeout=10_000) as refused:
        second.login.open_button.click()
    assert refused.args[1] is False and "belegt" in refused.args[2]
    qtbot.waitUntil(lambda: second.login.takeover_button.isVisible())
    with qtbot.waitSignal(first.core.counter_closed, timeout=10_000) as lost, qtbot.waitSignal(
        second.core.counter_opened, timeout=10_000
    ):
        second.login.takeover_button.click()
    assert "übernommen" in lost.args[0] and second.core.memory.workstation in lost.args[0]
    assert first.stack.currentWidget() is first.login and "übernommen" in first.message.text()
    assert second.stack.currentWidget() is second.work and not second.login.takeover_button.isVisible()
    first.core.shutdown()
    second.core.shutdown()


def test_close_counter_and_log_out_keep_the_workstation_choice(
    live_server: LiveServer, qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, live_server, tmp_path)
    core = window.core
    _open(qtbot, window, "2")
    draw(live_server)
    with qtbot.waitSignal(core.finished, timeout=10_000):
        core.call_next()
    with qtbot.waitSignal(core.finished, timeout=10_000) as busy:
        window.trigger("close_counter")
    assert busy.args[1] is False and window.stack.currentWidget() is window.work, busy.args
    with qtbot.waitSignal(core.finished, timeout=10_000):
        core.ticket_action("finish")
    with qtbot.waitSignal(core.counter_closed, timeout=10_000):
        window.trigger("close_counter")
    assert window.stack.currentWidget() is window.login and window.login.choice.isEnabled()
    with qtbot.waitSignal(core.finished, timeout=10_000) as reopened:
        window.login.open_button.click()
    assert reopened.args[1], reopened.args[2]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.work and core.online)
    with qtbot.waitSignal(core.logged_out, timeout=10_000):
        window.trigger("logout")
    assert window.stack.currentWidget() is window.login and not window.login.choice.isEnabled()
    assert core.api.token is None and core.memory.counter == "2"
    core.shutdown()


def test_an_expired_token_returns_to_the_login_screen(qtbot: QtBot, tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    with run_live_server(tmp_path, clock=clock, token_minutes=5) as server:
        window = _window(qtbot, server, tmp_path)
        core = window.core
        _open(qtbot, window, "4")
        clock.advance(timedelta(minutes=6))
        with qtbot.waitSignal(core.logged_out, timeout=10_000) as dropped:
            core.call_next()
        assert "neu anmelden" in dropped.args[0]
        assert window.stack.currentWidget() is window.login
        assert window.login.counter_box.currentData() == "4", "the counter choice stays"
        assert window.login.username.text() == "clerk1"
        core.shutdown()


def test_the_recall_before_the_automatic_no_show_warns(tmp_path: Path, qtbot: QtBot) -> None:
    with run_live_server(tmp_path, max_recalls=2) as server:
        window = _window(qtbot, server, tmp_path)
        core = window.core
        _open(qtbot, window, "3")
        ticket = draw(server)
        with qtbot.waitSignal(core.finished, timeout=10_000):
            core.call_next()
        texts = []
        for _ in range(3):
            with qtbot.waitSignal(core.finished, timeout=10_000) as done:
                core.ticket_action("recall")
            texts.append(done.args[2])
        assert "nächste Aufruf markiert" not in texts[0]
        assert "nächste Aufruf markiert" in texts[1]
        assert "nicht erschienen" in texts[2] and str(ticket["number"]) in texts[2]
        core.shutdown()
