"""The full-screen waiting-room screen: newest call large, recent calls, waiting lines, clock, ticker."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from display_app.core import theme
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.core.layout import CAP_RATIO, DEFAULT_DIAGONAL_INCHES, Sizes, sizes_for
from display_app.core.messages import text
from display_app.core.state import Call, Line
from display_app.widgets.parts import Multilingual, NumberLabel, font

STYLE = f"""
QWidget#display {{ background: {theme.BACKGROUND}; }}
QLabel {{ color: {theme.TEXT}; background: transparent; }}
QLabel[role="muted"] {{ color: {theme.MUTED}; }}
QFrame#panel {{ background: {theme.PANEL}; border-radius: 12px; }}
QFrame#line {{ background: {theme.PANEL}; border-radius: 8px; }}
QLabel#number, QLabel#counter {{ color: {theme.ACCENT}; }}
QFrame#panel[flash="true"] {{ background: {theme.ACCENT}; }}
QFrame#panel[flash="true"] QLabel {{ color: {theme.BACKGROUND}; }}
QFrame#panel[visual="true"] {{ border: 10px solid {theme.ACCENT}; }}
QWidget[visual="true"] QLabel {{ color: {theme.BACKGROUND}; background: {theme.ACCENT}; }}
QLabel#ticker {{ background: {theme.ACCENT}; color: {theme.BACKGROUND}; border-radius: 8px; }}
QLabel#offline {{ background: {theme.BACKGROUND}; color: {theme.MUTED}; }}
"""
FLASH_INTERVAL_MS = 500


class RecentRow(QWidget):
    """One earlier call: number → counter."""

    def __init__(self, arrow: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = QLabel(self)
        self.arrow = QLabel(arrow, self)
        self.arrow.setProperty("role", "muted")
        self.counter = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.number, 3)
        layout.addWidget(self.arrow, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.counter, 2)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)

    def show_call(self, call: Call | None, *, highlighted: bool = False) -> None:
        """Fill in a call, or hide the row; a visual call's row stands out while it is held."""
        self.setVisible(call is not None)
        restyle(self, "visual", highlighted)
        if call is not None:
            self.number.setText(call.number + (" ↻" if call.recall else ""))
            self.counter.setText(call.counter)


class DisplayWindow(QWidget):
    """Renders a DisplayController; no logic beyond layout, flashing and the clock."""

    def __init__(
        self, controller: DisplayController, config: DisplayConfig, *, diagonal_inches: float | None = None
    ) -> None:
        super().__init__()
        self.controller = controller
        self.config = config
        self.diagonal = diagonal_inches or config.diagonal_inches or DEFAULT_DIAGONAL_INCHES
        self.sizes: Sizes | None = None
        self._flashes_left = 0
        self.setObjectName("display")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"{text('display.title', config.primary)} · {config.site}")
        if config.right_to_left:
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        arrow = "←" if config.right_to_left else "→"
        self._build(arrow)
        self._translate()

        self.flash_timer = QTimer(self)
        self.flash_timer.setInterval(FLASH_INTERVAL_MS)
        self.flash_timer.timeout.connect(self._flash_step)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._tick)
        self.clock_timer.start()

        controller.changed.connect(self.refresh)
        controller.presented.connect(self.flash)
        controller.online_changed.connect(self.set_online)
        controller.refused.connect(self._refused)
        self.set_online(controller.online)
        self.refresh()
        self._tick()

    # Building ---------------------------------------------------------------------------------
    def _build(self, arrow: str) -> None:
        grid = QGridLayout(self)
        self.grid = grid
        self.site_name = QLabel(self)
        self.clock = QLabel(self)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.site_name, 0, 0)
        grid.addWidget(self.clock, 0, 1)

        self.current_panel = QFrame(self)
        self.current_panel.setObjectName("panel")
        current = self.current_layout = QVBoxLayout(self.current_panel)
        heads = QHBoxLayout()
        self.number_head = Multilingual(self.current_panel)
        self.counter_head = Multilingual(self.current_panel, align=Qt.AlignmentFlag.AlignTrailing)
        heads.addWidget(self.number_head)
        heads.addStretch(1)
        heads.addWidget(self.counter_head)
        call_row = QHBoxLayout()
        self.number = NumberLabel(self.current_panel)
        self.number.setObjectName("number")
        self.arrow = QLabel(arrow, self.current_panel)
        self.counter = QLabel(self.current_panel)
        self.counter.setObjectName("counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        call_row.addWidget(self.number, 0)
        call_row.addStretch(1)
        call_row.addWidget(self.arrow, 0)
        call_row.addStretch(1)
        call_row.addWidget(self.counter, 0)
        self.counter_name = QLabel(self.current_panel)
        self.counter_name.setProperty("role", "muted")
        self.counter_name.setAlignment(Qt.AlignmentFlag.AlignTrailing)
        self.idle = QLabel(self.current_panel)
        self.idle.setProperty("role", "muted")
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle.setWordWrap(True)
        current.addStretch(1)
        current.addLayout(heads)
        current.addLayout(call_row)
        current.addWidget(self.counter_name)
        current.addWidget(self.idle)
        current.addStretch(1)
        grid.addWidget(self.current_panel, 1, 0)

        self.recent_panel = QFrame(self)
        self.recent_panel.setObjectName("panel")
        recent = self.recent_layout = QVBoxLayout(self.recent_panel)
        self.recent_head = Multilingual(self.recent_panel)
        recent.addWidget(self.recent_head)
        self.recent_rows = [RecentRow(arrow, self.recent_panel) for _ in range(self.config.recent)]
        for row in self.recent_rows:
            recent.addWidget(row)
        recent.addStretch(1)
        grid.addWidget(self.recent_panel, 1, 1)

        self.lines_box = QWidget(self)
        self.lines_grid = QGridLayout(self.lines_box)
        self.lines_grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.lines_box, 2, 0, 1, 2)
        self.line_widgets: list[tuple[QFrame, Multilingual, QLabel, QLabel]] = []

        self.ticker = QLabel(self.config.ticker, self)
        self.ticker.setObjectName("ticker")
        self.ticker.setVisible(bool(self.config.ticker))
        grid.addWidget(self.ticker, 3, 0, 1, 2)

        grid.setColumnStretch(0, 64)
        grid.setColumnStretch(1, 36)
        grid.setRowStretch(1, 1)

        # Discreet: a small mark in a corner, outside the layout.
        self.offline = QLabel(self)
        self.offline.setObjectName("offline")

    def _texts(self, key: str) -> list[tuple[str, str]]:
        return [(lang, text(key, lang)) for lang in self.config.languages]

    def _translate(self) -> None:
        self.number_head.set_texts(self._texts("display.number"))
        self.counter_head.set_texts(self._texts("display.counter"))
        self.recent_head.set_texts(self._texts("display.recent"))
        self.idle.setText(text("display.no_calls", self.config.primary))
        dot = f'<span style="color:{theme.OFFLINE_DOT}">●</span>'
        self.offline.setText(f"{dot} {text('display.offline', self.config.primary)}")

    # Rendering --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the controller's current state."""
        state = self.controller.state
        self.site_name.setText(str(state.site.get("name") or self.config.site))
        shown = self.controller.screenful(len(self.recent_rows))
        current = shown.current
        restyle(self.current_panel, "visual", current is not None and current.number in shown.highlighted)
        for widget in (self.number, self.arrow, self.counter, self.counter_name):
            widget.setVisible(current is not None)
        self.idle.setVisible(current is None)
        if current is not None:
            self.number.setText(current.number)
            self.counter.setText(current.counter)
            self.counter_name.setText(current.counter_name)
        recent = shown.recent
        for index, row in enumerate(self.recent_rows):
            call = recent[index] if index < len(recent) else None
            row.show_call(call, highlighted=call is not None and call.number in shown.highlighted)
        self._render_lines(state.lines)
        self._fit_number()

    def _render_lines(self, lines: list[Line]) -> None:
        while len(self.line_widgets) < len(lines):
            frame = QFrame(self.lines_box)
            frame.setObjectName("line")
            row = QHBoxLayout(frame)
            name = Multilingual(frame)
            count = QLabel(frame)
            count.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
            wait = QLabel(frame)
            wait.setProperty("role", "muted")
            wait.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(name, 6)
            row.addWidget(count, 1)
            row.addWidget(wait, 2)
            index = len(self.line_widgets)
            columns = 2
            self.lines_grid.addWidget(frame, index // columns, index % columns)
            self.line_widgets.append((frame, name, count, wait))
            if self.sizes:
                self._size_line(name, count, wait, self.sizes)
        for index, (frame, name, count, wait) in enumerate(self.line_widgets):
            frame.setVisible(index < len(lines))
            if index >= len(lines):
                continue
            line = lines[index]
            name.set_texts([(lang, line.name(lang)) for lang in self.config.languages])
            count.setText(str(line.waiting))
            wait.setText(self._wait_text(line))

    def _wait_text(self, line: Line) -> str:
        if not line.open:
            return text("display.closed", self.config.primary)
        if not line.served_now:
            if line.served_from_time:
                return text("display.not_served_from", self.config.primary, time=line.served_from_time)
            return text("display.not_served", self.config.primary)
        if line.waiting and line.eta_minutes:
            low, high = line.eta_minutes
            return text("display.wait_range", self.config.primary, low=low, high=high)
        return "\N{EN DASH}"

    # Sizes ------------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale every font with the window's height."""
        super().resizeEvent(event)
        self.apply_sizes()

    def apply_sizes(self) -> None:
        """Set fonts and spacing for the current window size."""
        sizes = sizes_for(
            self.width(), self.height(), min_number_mm=self.config.min_number_mm, diagonal_inches=self.diagonal
        )
        self.sizes = sizes
        self.grid.setContentsMargins(sizes.margin, sizes.margin, sizes.margin, sizes.margin)
        self.grid.setSpacing(sizes.margin)
        inner = round(sizes.margin * 1.5)
        for layout in (self.current_layout, self.recent_layout):
            layout.setContentsMargins(inner, inner, inner, inner)
        self.site_name.setFont(font(round(sizes.clock * 0.8), bold=True))
        self.clock.setFont(font(sizes.clock, bold=True))
        for head in (self.number_head, self.counter_head, self.recent_head):
            head.set_sizes(sizes.label, sizes.secondary)
        self.arrow.setFont(font(round(sizes.number * 0.6), bold=True))
        self.counter_name.setFont(font(round(sizes.label * 1.1)))
        self.idle.setFont(font(round(sizes.label * 1.3)))
        for row in self.recent_rows:
            for label in (row.number, row.counter):
                label.setFont(font(sizes.recent, bold=True))
            row.arrow.setFont(font(round(sizes.recent * 0.6)))
        for _frame, name, count, wait in self.line_widgets:
            self._size_line(name, count, wait, sizes)
        self.ticker.setFont(font(sizes.ticker, bold=True))
        self.ticker.setContentsMargins(sizes.margin, sizes.margin // 3, sizes.margin, sizes.margin // 3)
        self.offline.setFont(font(sizes.offline))
        self.offline.adjustSize()
        self._fit_number()
        self._place_offline()

    def _size_line(self, name: Multilingual, count: QLabel, wait: QLabel, sizes: Sizes) -> None:
        name.set_sizes(sizes.lines, round(sizes.lines * 0.72), bold=False)
        count.setFont(font(round(sizes.lines * 1.3), bold=True))
        wait.setFont(font(sizes.lines))

    def _fit_number(self) -> None:
        """As large as the panel allows, never below the legibility rule."""
        if self.sizes is None:
            return
        sizes = self.sizes
        pixels = sizes.number
        room = self.current_panel.width() * 0.9
        width = QFontMetrics(font(pixels, bold=True)).horizontalAdvance(f"{self.number.text()} → {self.counter.text()}")
        if width > room > 0:
            minimum = sizes.min_number_cap / CAP_RATIO
            pixels = max(round(minimum), round(pixels * room / width))
        for label in (self.number, self.counter):
            label.setFont(font(pixels, bold=True))

    def number_cap_height(self) -> int:
        """The rendered cap height of the big number, in pixels."""
        return QFontMetrics(self.number.font()).capHeight()

    def _place_offline(self) -> None:
        margin = self.sizes.margin // 2 if self.sizes else 8
        x = self.width() - self.offline.width() - margin if self.config.right_to_left else margin
        self.offline.move(x, self.height() - self.offline.height() - margin)
        self.offline.raise_()

    # Live behaviour ---------------------------------------------------------------------------
    def flash(self, call: Call) -> None:
        """Make a new call blink for a few seconds, a visual call for longer (restarts for the next call)."""
        seconds = self.config.visual_seconds if call.visual else self.config.flash_seconds
        self._flashes_left = max(0, round(seconds * 1000 / FLASH_INTERVAL_MS))
        self._set_flash(self._flashes_left > 0)
        if self._flashes_left:
            self.flash_timer.start()

    def _flash_step(self) -> None:
        self._flashes_left -= 1
        if self._flashes_left <= 0:
            self.flash_timer.stop()
            self._set_flash(False)
            return
        self._set_flash(not self.flashing)

    @property
    def flashing(self) -> bool:
        """Whether the current-call panel is in its highlighted phase."""
        return bool(self.current_panel.property("flash"))

    def _set_flash(self, on: bool) -> None:
        self.current_panel.setProperty("flash", on)
        # A dynamic property only restyles after a re-polish.
        for widget in (self.current_panel, *self.current_panel.findChildren(QLabel)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def set_online(self, online: bool) -> None:
        """Show or hide the offline mark."""
        self.offline.setVisible(not online)
        self._place_offline()

    def _refused(self, reason: str) -> None:
        self.offline.setText(reason)
        self.offline.adjustSize()
        self.set_online(False)

    def _tick(self) -> None:
        try:
            zone = ZoneInfo(self.controller.state.timezone)
        except ZoneInfoNotFoundError:
            zone = None
        self.clock.setText(datetime.now(zone).strftime("%H:%M"))


def restyle(widget: QWidget, name: str, on: bool) -> None:
    """Set a boolean style property and re-polish, so the style sheet's rule for it applies."""
    if bool(widget.property(name)) == on:
        return
    widget.setProperty(name, on)
    for part in (widget, *widget.findChildren(QLabel)):
        part.style().unpolish(part)
        part.style().polish(part)
