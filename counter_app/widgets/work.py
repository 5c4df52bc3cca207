"""The work screen: the current citizen, the action buttons, the lines and parked tickets."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.keys import KEYS
from counter_app.live import CounterState
from counter_app.texts import Texts
from server.sites.schemas import ServiceOut

BUTTON_COLUMNS = 4


class WorkPanel(QWidget):
    """Renders a CounterState and forwards button presses as `action_requested`."""

    action_requested = Signal(str)

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.t = texts
        self.state: CounterState | None = None
        layout = QVBoxLayout(self)
        # Which counter this is and who works here, always in sight.
        self.title = QLabel("")
        title_font = QFont()
        title_font.setPointSize(14)
        title_font.setBold(True)
        self.title.setFont(title_font)
        layout.addWidget(self.title)

        self.current = QLabel(self.t("current_none"))
        big = QFont()
        big.setPointSize(22)
        big.setBold(True)
        self.current.setFont(big)
        self.timer_label = QLabel("")
        self.details = QLabel("")
        self.details.setWordWrap(True)
        layout.addWidget(self.current)
        layout.addWidget(self.timer_label)
        layout.addWidget(self.details)

        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for index, key in enumerate(KEYS):
            button = QPushButton(f"{self.t(key.label)}\n[{key.shortcut}]")
            button.setMinimumSize(150, 64)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep focus in the number field
            button.clicked.connect(lambda _checked=False, action=key.action: self.action_requested.emit(action))
            grid.addWidget(button, index // BUTTON_COLUMNS, index % BUTTON_COLUMNS)
            self.buttons[key.action] = button
        self.buttons["alarm"].setStyleSheet("color: #a00;")
        layout.addLayout(grid)

        inputs = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.t("number_placeholder"))
        self.number.returnPressed.connect(lambda: self.action_requested.emit("call_number"))
        inputs.addWidget(self.number, 2)
        inputs.addWidget(QLabel(self.t("transfer_to")))
        self.transfer_service = QComboBox()
        inputs.addWidget(self.transfer_service, 2)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.t("note_placeholder"))
        self.note.returnPressed.connect(lambda: self.action_requested.emit("transfer"))
        inputs.addWidget(self.note, 3)
        layout.addLayout(inputs)

        lists = QHBoxLayout()
        waiting_box, parked_box = QVBoxLayout(), QVBoxLayout()
        waiting_box.addWidget(QLabel(self.t("lines_header")))
        self.lines = QListWidget()
        waiting_box.addWidget(self.lines)
        parked_box.addWidget(QLabel(self.t("parked_header")))
        self.parked = QListWidget()
        parked_box.addWidget(self.parked)
        lists.addLayout(waiting_box, 3)
        lists.addLayout(parked_box, 1)
        layout.addLayout(lists)
        self.served = QLabel(self.t("served_today", count=0))
        layout.addWidget(self.served)

        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start(1000)

    def set_title(self, text: str) -> None:
        """Show the counter's name and the clerk."""
        self.title.setText(text)

    def set_services(self, services: list[ServiceOut]) -> None:
        """Fill the transfer target list; no preselection, so F8 never transfers by accident."""
        self.transfer_service.clear()
        self.transfer_service.addItem("—", "")
        for service in services:
            self.transfer_service.addItem(service.name, service.id)

    def transfer_choice(self) -> tuple[str, str]:
        """The chosen target service ('' if none) and the note."""
        return str(self.transfer_service.currentData() or ""), self.note.text()

    def clear_transfer(self) -> None:
        """Reset the transfer inputs after a transfer."""
        self.transfer_service.setCurrentIndex(0)
        self.note.clear()

    def show_state(self, state: CounterState) -> None:
        """Show the state."""
        self.state = state
        ticket = state.current
        if ticket is None:
            self.current.setText(self.t("status_paused") if state.paused else self.t("current_none"))
            self.details.setText("")
        else:
            key = "current_serving" if ticket.get("status") == "serving" else "current_called"
            self.current.setText(self.t(key, number=ticket["number"], service=ticket.get("service_name", "")))
            extras = []
            if ticket.get("recalls"):
                extras.append(self.t("recalls", count=ticket["recalls"]))
            if state.current_note:
                extras.append(self.t("transfer_note", note=state.current_note))
            self.details.setText(" · ".join(extras))
        self.buttons["pause"].setText(
            f"{self.t('button_resume' if state.paused else 'button_pause')}\n[{self.buttons_shortcut('pause')}]"
        )
        self.lines.clear()
        for line in state.lines():
            if line.active:
                self.lines.addItem(
                    self.t("line_row", name=line.name, waiting=line.waiting, minutes=line.longest_wait_minutes)
                )
            else:
                self.lines.addItem(self.t("line_inactive", name=line.name))
        self.parked.clear()
        for parked in state.parked:
            self.parked.addItem(f"{parked['number']} - {parked.get('service_name', '')}")
        if not state.parked:
            self.parked.addItem(self.t("parked_none"))
        self.served.setText(self.t("served_today", count=state.served_today))
        self._tick()

    @staticmethod
    def buttons_shortcut(action: str) -> str:
        """The shortcut shown on a button."""
        return next(key.shortcut for key in KEYS if key.action == action)

    def set_undo_available(self, available: bool) -> None:
        """Show whether the last call can still be undone."""
        self.buttons["undo"].setEnabled(available)

    def _tick(self) -> None:
        since = self.state.current_since if self.state else None
        if since is None:
            self.timer_label.setText("")
            return
        seconds = max(int((datetime.now(UTC) - since).total_seconds()), 0)
        self.timer_label.setText(self.t("timer", minutes=seconds // 60, seconds=seconds % 60))
