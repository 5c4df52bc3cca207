"""The login and counter choice panel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.memory import Workstation
from counter_app.texts import Texts
from server.counters.schemas import CounterOut
from server.sites.schemas import ServiceOut


class LoginPanel(QWidget):
    """Credentials first, then the counter and today's services."""

    login_requested = Signal(str, str)
    # The name of the single sign-on provider whose button was pressed.
    provider_requested = Signal(str)
    open_requested = Signal(str, list)
    takeover_requested = Signal()

    def __init__(self, texts: Texts, memory: Workstation, server: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.t = texts
        self.memory = memory
        self.counters: list[CounterOut] = []
        self.names: dict[str, str] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(self.t("server"), QLabel(server))
        self.username = QLineEdit(memory.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.t("username"), self.username)
        form.addRow(self.t("password"), self.password)
        layout.addLayout(form)
        self.login_button = QPushButton(self.t("login_button"))
        self.login_button.setDefault(True)
        layout.addWidget(self.login_button)
        # "Sign in with …" buttons, filled once the server says which providers it has.
        self.provider_area = QVBoxLayout()
        layout.addLayout(self.provider_area)
        self.provider_buttons: dict[str, QPushButton] = {}
        self.choice = QGroupBox(self.t("counter"))
        self.choice.setEnabled(False)
        choice_layout = QVBoxLayout(self.choice)
        self.counter_box = QComboBox()
        choice_layout.addWidget(self.counter_box)
        choice_layout.addWidget(QLabel(self.t("services_today")))
        self.service_area = QVBoxLayout()
        choice_layout.addLayout(self.service_area)
        self.checks: dict[str, QCheckBox] = {}
        self.open_button = QPushButton(self.t("open_button"))
        choice_layout.addWidget(self.open_button)
        self.takeover_button = QPushButton(self.t("takeover_button"))
        self.takeover_button.hide()
        choice_layout.addWidget(self.takeover_button)
        layout.addWidget(self.choice)
        layout.addStretch()

        self.login_button.clicked.connect(self._login)
        self.password.returnPressed.connect(self._login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.counter_box.currentIndexChanged.connect(self._show_services)
        self.open_button.clicked.connect(self._open)
        self.takeover_button.clicked.connect(self.takeover_requested.emit)
        (self.password if memory.username else self.username).setFocus()

    def show_providers(self, providers: list[dict[str, str]]) -> None:
        """One button per single sign-on provider the server offers."""
        for button in self.provider_buttons.values():
            button.deleteLater()
        self.provider_buttons.clear()
        for provider in providers:
            button = QPushButton(self.t("sso_button", provider=provider["label"]))
            button.clicked.connect(lambda _checked=False, name=provider["name"]: self.provider_requested.emit(name))
            self.provider_area.addWidget(button)
            self.provider_buttons[provider["name"]] = button

    def _login(self) -> None:
        self.login_requested.emit(self.username.text().strip(), self.password.text())

    def show_counters(self, counters: list[CounterOut], services: list[ServiceOut]) -> None:
        """Offer the site's counters, preselecting the one this workstation used last."""
        self.counters = counters
        self.names = {s.id: s.name for s in services}
        self.counter_box.blockSignals(True)
        self.counter_box.clear()
        for counter in counters:
            self.counter_box.addItem(counter.name, counter.id)
        remembered = self.counter_box.findData(self.memory.counter)
        self.counter_box.setCurrentIndex(max(remembered, 0))
        self.counter_box.blockSignals(False)
        self._show_services()
        self.choice.setEnabled(True)
        self.password.clear()
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def _show_services(self) -> None:
        for check in self.checks.values():
            check.deleteLater()
        self.checks.clear()
        counter = self.current_counter()
        if counter is None:
            return
        remembered = set(self.memory.services) if counter.id == self.memory.counter else set()
        chosen = remembered or set(counter.active_services) or set(counter.services)
        for key in counter.services:
            check = QCheckBox(self.names.get(key, key))
            check.setChecked(key in chosen)
            self.service_area.addWidget(check)
            self.checks[key] = check

    def current_counter(self) -> CounterOut | None:
        """The counter chosen in the list."""
        index = self.counter_box.currentIndex()
        return self.counters[index] if 0 <= index < len(self.counters) else None

    def _open(self) -> None:
        counter = self.current_counter()
        if counter is not None:
            chosen = [key for key, check in self.checks.items() if check.isChecked()]
            self.open_requested.emit(counter.id, chosen)

    def offer_takeover(self, offered: bool) -> None:
        """Show the take-over button while another session holds the chosen counter."""
        self.takeover_button.setVisible(offered)

    def ask_login(self) -> None:
        """Back to the credentials, keeping the remembered user and counter choice."""
        self.choice.setEnabled(False)
        self.takeover_button.hide()
        if not self.username.text():
            self.username.setText(self.memory.username)
        self.password.clear()
        self.login_button.setDefault(True)
        self.password.setFocus()
