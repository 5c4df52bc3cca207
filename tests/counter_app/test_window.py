"""The real window offscreen, driven by the keyboard alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.window import CounterWindow
from tests.counter_app.conftest import draw, make_core
from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer


def _log_in_by_keyboard(qtbot: QtBot, window: CounterWindow) -> None:
    core = window.core
    qtbot.keyClicks(window.login.username, "clerk1")
    qtbot.keyClick(window.login.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.login.password, "demo")
    with qtbot.waitSignal(core.logged_in, timeout=10_000):
        qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    window.login.counter_box.setCurrentIndex(window.login.counter_box.findData("3"))
    with qtbot.waitSignals([core.counter_opened, core.state_changed], timeout=10_000):
        qtbot.keyClick(window.login.open_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: core.online)


def test_a_queue_worked_with_the_keyboard_alone(live_server: LiveServer, qtbot: QtBot, tmp_path: Path) -> None:
    first, second, third = draw(live_server), draw(live_server), draw(live_server)
    window = CounterWindow(make_core(live_server.url, tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    core = window.core
    _log_in_by_keyboard(qtbot, window)
    assert window.stack.currentWidget() is window.work and window.banner.isHidden()

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> tuple[str, bool, str]:
        with qtbot.waitSignal(core.finished, timeout=10_000) as blocker:
            qtbot.keyClick(window.work.number, key, modifier)
        return blocker.args[0], blocker.args[1], blocker.args[2]

    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        assert press(Qt.Key.Key_F2)[:2] == ("call_next", True)
        display.wait_for(event("ticket.called", number=first["number"]))
        qtbot.waitUntil(lambda: str(first["number"]) in window.work.current.text())
        assert press(Qt.Key.Key_F3)[:2] == ("recall", True)
        display.wait_for(event("ticket.recalled", number=first["number"]))
        assert press(Qt.Key.Key_F4)[:2] == ("start", True)
        display.wait_for(event("ticket.serving", number=first["number"]))
        assert press(Qt.Key.Key_F5)[:2] == ("finish", True)
        display.wait_for(event("ticket.finished", number=first["number"]))
        qtbot.waitUntil(lambda: window.work.served.text().endswith("1"))

        press(Qt.Key.Key_F2)
        assert press(Qt.Key.Key_F6)[:2] == ("no_show", True)
        display.wait_for(event("ticket.no_show", number=second["number"]))
        press(Qt.Key.Key_F2)
        assert press(Qt.Key.Key_F7)[:2] == ("park", True)
        display.wait_for(event("ticket.parked", number=third["number"]))
        qtbot.waitUntil(lambda: window.work.parked.item(0).text().startswith(str(third["number"])))

        # A scanner (keyboard wedge) types the number and Enter into the focused number field.
        qtbot.keyClicks(window.work.number, str(third["number"]))
        with qtbot.waitSignal(core.finished, timeout=10_000) as called:
            qtbot.keyClick(window.work.number, Qt.Key.Key_Return)
        assert called.args[1] and window.work.number.text() == ""
        display.wait_for(event("ticket.called", number=third["number"]))

        # F8 with no target chosen only asks for one; nothing is sent.
        qtbot.keyClick(window.work.number, Qt.Key.Key_F8)
        assert window.work.transfer_service.hasFocus()
        window.work.transfer_service.setCurrentIndex(window.work.transfer_service.findData("ausweis"))
        qtbot.keyClicks(window.work.note, "Termin vereinbart")
        assert press(Qt.Key.Key_F8)[:2] == ("transfer", True)
        moved = display.wait_for(event("ticket.transferred", number=third["number"]))
        assert "Termin vereinbart" not in str(moved)  # staff-only: never on the display's stream

        assert press(Qt.Key.Key_F10)[:2] == ("pause", True)
        display.wait_for(event("counter.changed", id="3", status="paused"))
        qtbot.waitUntil(lambda: "Fortsetzen" in window.work.buttons["pause"].text())
        assert press(Qt.Key.Key_F10)[:2] == ("pause", True)
        display.wait_for(event("counter.changed", id="3", status="open"))

        draw(live_server)
        press(Qt.Key.Key_F2)
        qtbot.waitUntil(window.work.buttons["undo"].isEnabled)
        assert press(Qt.Key.Key_F11)[:2] == ("undo", True)
        display.wait_for(lambda m: m["type"] == "ticket.requeued")
        assert not window.work.buttons["undo"].isEnabled()

        alt_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        assert press(Qt.Key.Key_A, alt_ctrl)[:2] == ("alarm", True)
    window.close()


def test_workstation_remembers_counter_and_services(live_server: LiveServer, qtbot: QtBot, tmp_path: Path) -> None:
    core = make_core(live_server.url, tmp_path)
    window = CounterWindow(core)
    qtbot.addWidget(window)
    with qtbot.waitSignal(core.logged_in, timeout=10_000):
        core.login("clerk1", "demo")
    window.login.counter_box.setCurrentIndex(window.login.counter_box.findData("2"))
    window.login.checks["anmeldung"].setChecked(False)
    with qtbot.waitSignal(core.counter_opened, timeout=10_000):
        window.login.open_button.click()
    window.close()

    again = make_core(live_server.url, tmp_path)
    again.memory = type(core.memory).load(core.memory_path)  # type: ignore[arg-type]
    second = CounterWindow(again)
    qtbot.addWidget(second)
    assert second.login.username.text() == "clerk1"
    with qtbot.waitSignal(again.logged_in, timeout=10_000):
        again.login("clerk1", "demo")
    assert second.login.counter_box.currentData() == "2"
    assert [k for k, c in second.login.checks.items() if c.isChecked()] == ["ausweis", "meldebescheinigung"]
    second.close()
