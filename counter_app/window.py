"""The main window: login, then the work screen; shortcuts and messages."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from counter_app.core import CounterCore
from counter_app.keys import KEYS
from counter_app.live import CounterState
from counter_app.widgets.login import LoginPanel
from counter_app.widgets.work import WorkPanel
from server.counters.schemas import CounterOut

OFFLINE_STYLE = "background: #b00020; color: white; font-weight: bold; padding: 8px;"
ONLINE_STYLE = "background: #1b5e20; color: white; padding: 4px;"
ERROR_STYLE = "color: #b00020; font-weight: bold; font-size: 14pt;"
INFO_STYLE = "color: #1b5e20; font-size: 14pt;"


class CounterWindow(QMainWindow):
    """Wires the core's signals to the panels; holds no logic of its own."""

    def __init__(self, core: CounterCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        # The window owns the core, so both are deleted together on the GUI thread.
        core.setParent(self)
        t = core.t
        self.setWindowTitle(t("window_title"))
        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = QLabel(t("offline_banner"))
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(OFFLINE_STYLE)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        self.login = LoginPanel(t, core.memory, core.api.base_url)
        self.work = WorkPanel(t)
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.work)
        layout.addWidget(self.stack)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.setCentralWidget(central)

        self.login.login_requested.connect(core.login)
        self.login.provider_requested.connect(core.sign_in_with)
        core.providers_changed.connect(self.login.show_providers)
        core.load_providers()
        self.login.open_requested.connect(core.open_counter)
        self.login.takeover_requested.connect(core.take_over)
        core.takeover_offered.connect(self.login.offer_takeover)
        core.logged_out.connect(self._logged_out)
        core.counter_closed.connect(self._counter_closed)
        self.work.action_requested.connect(self.trigger)
        core.logged_in.connect(lambda counters: self.login.show_counters(counters, core.site_services))
        core.counter_opened.connect(self._opened)
        core.state_changed.connect(self._render)
        core.online_changed.connect(self._online)
        core.undo_changed.connect(self.work.set_undo_available)
        core.finished.connect(self._finished)
        self.work.set_undo_available(False)
        self.shortcuts = {key.action: self._shortcut(key.action, key.shortcut) for key in KEYS}

    def _shortcut(self, action: str, sequence: str) -> QShortcut:
        shortcut = QShortcut(QKeySequence(sequence), self)
        shortcut.activated.connect(lambda: self.trigger(action))
        return shortcut

    def trigger(self, action: str) -> None:
        """Forward a button or shortcut to the core (only on the work screen)."""
        if self.stack.currentWidget() is not self.work:
            return
        if action == "call_number":
            if not self.work.number.text().strip():
                self.work.number.setFocus()
            self.core.call_number(self.work.number.text())
        elif action == "transfer":
            service, note = self.work.transfer_choice()
            if not service:
                self.work.transfer_service.setFocus()
                self._show(False, self.core.t("transfer_to") + " …")
                return
            self.core.transfer(service, note)
        elif action == "pause":
            self.core.toggle_pause()
        elif action == "undo":
            self.core.undo_call()
        elif action == "alarm":
            self.core.alarm()
        elif action == "close_counter":
            self.core.close_counter()
        elif action == "logout":
            self.core.logout()
        elif action == "call_next":
            self.core.call_next()
        else:
            self.core.ticket_action(action)

    def _opened(self, counter: CounterOut) -> None:
        self.work.set_title(self.core.t("work_title", counter=counter.name, user=self.core.username))
        self.work.set_services(self.core.site_services)
        self.stack.setCurrentWidget(self.work)
        self.work.number.setFocus()
        self._online(self.core.online)

    def _logged_out(self, reason: str) -> None:
        self.login.ask_login()
        self.stack.setCurrentWidget(self.login)
        self._online(self.core.online)
        self._show(False, reason)

    def _counter_closed(self, reason: str) -> None:
        self.stack.setCurrentWidget(self.login)
        self._online(self.core.online)
        self._show(True, reason)

    def _render(self, state: CounterState) -> None:
        self.work.show_state(state)

    def _online(self, online: bool) -> None:
        on_work = self.stack.currentWidget() is self.work
        self.banner.setVisible(on_work and not online)

    def _finished(self, action: str, ok: bool, text: str) -> None:
        self._show(ok, text)
        if ok and action == "call_number":
            self.work.number.clear()
        if ok and action == "transfer":
            self.work.clear_transfer()

    def _show(self, ok: bool, text: str) -> None:
        self.message.setStyleSheet(INFO_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the stream before the window goes."""
        self.core.shutdown()
        super().closeEvent(event)
