"""The full-screen waiting-room screen: newest call large, recent calls, waiting lines, clock, ticker."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from client.branding import Branding, logo_pixmap
from display_app.core import theme
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.core.layout import CAP_RATIO, DEFAULT_DIAGONAL_INCHES, Sizes, sizes_for
from display_app.core.messages import text
from display_app.core.state import Call, Line
from display_app.widgets.parts import Multilingual, NumberLabel, absolute, font

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
#notice {{ background: {theme.ACCENT}; border-radius: 8px; }}
#notice QLabel {{ color: {theme.BACKGROUND}; }}
QLabel#ticker {{ background: {theme.ACCENT}; color: {theme.BACKGROUND}; border-radius: 8px; }}
QLabel#offline {{ background: {theme.BACKGROUND}; color: {theme.MUTED}; }}
QWidget#recall {{ border: 3px solid {theme.ACCENT}; border-radius: 8px; }}
"""
FLASH_INTERVAL_MS = 500
# How far the texts may shrink on a crowded screen (many languages, a small TV), in steps.
FIT_STEPS = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5, 0.45)


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
        self.branding: Branding | None = None
        self._logo_key: tuple[str, int] | None = None
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
        controller.branding.changed.connect(self.set_branding)
        self.set_online(controller.online)
        self.refresh()
        self._tick()

    # Building ---------------------------------------------------------------------------------
    def _build(self, arrow: str) -> None:
        grid = QGridLayout(self)
        # The screen's size is given; the fonts shrink to fit it (see `_fit_screen`), not the other way.
        grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.grid = grid
        # Office name at the reading start, clock at the end (mirrored for Arabic), the offline
        # mark between them: it never covers a row.
        # The band carries the office's logo and colours when the office file sets them.
        self.band = QFrame(self)
        self.band.setObjectName("band")
        top = self.band_layout = QHBoxLayout(self.band)
        top.setContentsMargins(0, 0, 0, 0)
        self.logo = QLabel(self.band)
        self.logo.setObjectName("logo")
        self.logo.setVisible(False)
        top.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignVCenter)
        self.site_name = QLabel(self)
        rtl = self.config.right_to_left
        self.site_name.setAlignment(absolute(Qt.AlignmentFlag.AlignLeading, rtl) | Qt.AlignmentFlag.AlignVCenter)
        self.clock = QLabel(self)
        self.clock.setAlignment(absolute(Qt.AlignmentFlag.AlignTrailing, rtl) | Qt.AlignmentFlag.AlignVCenter)
        self.offline = QLabel(self)
        self.offline.setObjectName("offline")
        top.addWidget(self.site_name, 1)
        top.addWidget(self.offline, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.clock, 0)
        grid.addWidget(self.band, 0, 0, 1, 2)

        self.current_panel = QFrame(self)
        self.current_panel.setObjectName("panel")
        current = self.current_layout = QVBoxLayout(self.current_panel)
        heads = QHBoxLayout()
        self.number_head = Multilingual(self.current_panel)
        self.counter_head = Multilingual(self.current_panel, align=Qt.AlignmentFlag.AlignTrailing)
        # Each head gets half the panel: with six languages their second lines wrap within it.
        heads.addWidget(self.number_head, 1)
        heads.addWidget(self.counter_head, 1)
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
        self.counter_name.setAlignment(absolute(Qt.AlignmentFlag.AlignTrailing, rtl))
        # The way to the counter, in the screen's language and the citizen's.
        self.location = Multilingual(self.current_panel, align=Qt.AlignmentFlag.AlignTrailing)
        # A recall is marked, so nobody takes it for a new citizen's call.
        self.recall_mark = Multilingual(self.current_panel)
        self.recall_mark.setObjectName("recall")
        self.recall_mark.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.idle = QLabel(self.current_panel)
        self.idle.setProperty("role", "muted")
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle.setWordWrap(True)
        current.addStretch(1)
        current.addWidget(self.recall_mark, 0, Qt.AlignmentFlag.AlignLeading)
        current.addLayout(heads)
        current.addLayout(call_row)
        current.addWidget(self.counter_name)
        current.addWidget(self.location)
        current.addWidget(self.idle)
        current.addStretch(1)

        self.recent_panel = QFrame(self)
        self.recent_panel.setObjectName("panel")
        recent = self.recent_layout = QVBoxLayout(self.recent_panel)
        self.recent_head = Multilingual(self.recent_panel)
        recent.addWidget(self.recent_head)
        self.recent_rows = [RecentRow(arrow, self.recent_panel) for _ in range(self.config.recent)]
        for row in self.recent_rows:
            recent.addWidget(row)
        recent.addStretch(1)

        self.lines_box = QWidget(self)
        self.lines_grid = QGridLayout(self.lines_box)
        self.lines_grid.setContentsMargins(0, 0, 0, 0)
        self.line_widgets: list[tuple[QFrame, Multilingual, QLabel, QLabel]] = []

        # A supervisor's notices and the messages of services closed for the day, in the screen's languages.
        self.notice = Multilingual(self)
        self.notice.setObjectName("notice")
        self.notice.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.notice.primary.setWordWrap(True)
        self.notice.hide()

        self.ticker = QLabel(self.config.ticker, self)
        self.ticker.setObjectName("ticker")
        self.ticker.setVisible(bool(self.config.ticker))

        self.portrait = False
        self._arrange()


    def _arrange(self) -> None:
        """Landscape: the call beside the recent calls; portrait: one above the other."""
        grid = self.grid
        for widget in (self.current_panel, self.recent_panel, self.lines_box, self.ticker, self.notice):
            grid.removeWidget(widget)
        if self.portrait:
            grid.addWidget(self.current_panel, 1, 0, 1, 2)
            grid.addWidget(self.recent_panel, 2, 0, 1, 2)
            grid.addWidget(self.lines_box, 3, 0, 1, 2)
            grid.addWidget(self.notice, 4, 0, 1, 2)
            grid.addWidget(self.ticker, 5, 0, 1, 2)
            grid.setRowStretch(1, 3)
            grid.setRowStretch(2, 2)
        else:
            grid.addWidget(self.current_panel, 1, 0)
            grid.addWidget(self.recent_panel, 1, 1)
            grid.addWidget(self.lines_box, 2, 0, 1, 2)
            grid.addWidget(self.notice, 3, 0, 1, 2)
            grid.addWidget(self.ticker, 4, 0, 1, 2)
            grid.setRowStretch(1, 1)
            grid.setRowStretch(2, 0)
        grid.setColumnStretch(0, 64)
        grid.setColumnStretch(1, 36)
        for index, (frame, *_rest) in enumerate(self.line_widgets):
            self.lines_grid.removeWidget(frame)
            self.lines_grid.addWidget(frame, index // self.line_columns, index % self.line_columns)

    @property
    def line_columns(self) -> int:
        """Waiting lines side by side in two columns, or one below the other on a portrait screen."""
        return 1 if self.portrait else 2

    def _texts(self, key: str) -> list[tuple[str, str]]:
        return [(lang, text(key, lang)) for lang in self.config.languages]

    def _translate(self) -> None:
        self.number_head.set_texts(self._texts("display.number"))
        self.counter_head.set_texts(self._texts("display.counter"))
        self.recent_head.set_texts(self._texts("display.recent"))
        self.recall_mark.set_texts(self._texts("display.recall"))
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
        self.recall_mark.setVisible(current is not None and current.recall)
        self.location.setVisible(current is not None and bool(current.location))
        if current is not None:
            self.number.setText(current.number)
            self.counter.setText(current.counter)
            self.counter_name.setText(current.counter_name)
            wanted = dict.fromkeys((self.config.primary, current.language))
            way = [(lang, current.location[lang]) for lang in wanted if current.location.get(lang)]
            if way:
                self.location.set_texts(way)
        recent = shown.recent
        for index, row in enumerate(self.recent_rows):
            call = recent[index] if index < len(recent) else None
            row.show_call(call, highlighted=call is not None and call.number in shown.highlighted)
        self._render_lines(state.lines)
        self._render_notice(state.lines)
        # New texts may need more room (or less): fit the screen again.
        self.apply_sizes()

    def _render_lines(self, lines: list[Line]) -> None:
        while len(self.line_widgets) < len(lines):
            frame = QFrame(self.lines_box)
            frame.setObjectName("line")
            row = QHBoxLayout(frame)
            name = Multilingual(frame)
            count = QLabel(frame)
            rtl = self.config.right_to_left
            count.setAlignment(absolute(Qt.AlignmentFlag.AlignTrailing, rtl) | Qt.AlignmentFlag.AlignVCenter)
            wait = QLabel(frame)
            wait.setProperty("role", "muted")
            wait.setAlignment(absolute(Qt.AlignmentFlag.AlignTrailing, rtl) | Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(name, 6)
            row.addWidget(count, 1)
            row.addWidget(wait, 2)
            index = len(self.line_widgets)
            columns = self.line_columns
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

    def notice_texts(self, language: str, lines: list[Line]) -> list[str]:
        """The notices showing now, then each service closed for the day with its message, in a language."""
        closed = [
            f"{line.name(language)}: {line.closed_message.get(language) or line.closed_message.get('de', '')}"
            for line in lines
            if not line.open and line.closed_message
        ]
        return [*self.controller.notices.texts(language), *closed]

    def _render_notice(self, lines: list[Line]) -> None:
        texts = [(lang, "  ·  ".join(self.notice_texts(lang, lines))) for lang in self.config.languages]
        shown = bool(texts[0][1])
        if shown:
            self.notice.set_texts(texts)
        self.notice.setVisible(shown)

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
        """Set fonts and spacing for the window's size; shrink them step by step until all of it fits."""
        base = sizes_for(
            self.width(), self.height(), min_number_mm=self.config.min_number_mm, diagonal_inches=self.diagonal
        )
        portrait = self.height() > self.width()
        if portrait != self.portrait:
            self.portrait = portrait
            self._arrange()
        for factor in FIT_STEPS:
            self._apply(base.scaled(factor))
            self.grid.activate()
            self._fit_number()  # now that the panel has its width
            if not self.overflowing():
                return

    def overflowing(self) -> list[QWidget]:
        """Visible texts that do not get the room they need, or rows pushed out of their panel."""
        self.grid.activate()
        for layout in (self.current_layout, self.recent_layout, self.lines_grid):
            layout.activate()
        out: list[QWidget] = []
        for label in self.findChildren(QLabel):
            if not label.isVisibleTo(self) or not label.text():
                continue
            if label.wordWrap():
                short = label.heightForWidth(label.width()) > label.height() + 1
            else:
                hint = label.sizeHint()
                wide = max(hint.width(), self._advance(label)) > label.width() + 1
                short = wide or hint.height() > label.height() + 1
            if short or label.contentsRect().width() <= 0:
                out.append(label)
        panel, box = self.recent_panel.rect(), self.lines_box.rect()
        out.extend(row for row in self.recent_rows if row.isVisibleTo(self) and not panel.contains(row.geometry()))
        frames = [frame for frame, *_ in self.line_widgets if frame.isVisibleTo(self)]
        out.extend(frame for frame in frames if not box.contains(frame.geometry()))
        return out

    @staticmethod
    def _advance(label: QLabel) -> int:
        if label.textFormat() == Qt.TextFormat.RichText or "<" in label.text():
            return 0  # rich text: its size hint already measures the rendered text
        return QFontMetrics(label.font()).horizontalAdvance(label.text())

    def _apply(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.grid.setContentsMargins(sizes.margin, sizes.margin, sizes.margin, sizes.margin)
        self.grid.setSpacing(sizes.margin)
        inner = round(sizes.margin * 1.5)
        for layout in (self.current_layout, self.recent_layout):
            layout.setContentsMargins(inner, inner, inner, inner)
        self.site_name.setFont(font(round(sizes.clock * 0.8), bold=True))
        self._show_logo()
        self.clock.setFont(font(sizes.clock, bold=True))
        for head in (self.number_head, self.counter_head, self.recent_head):
            head.set_sizes(sizes.label, sizes.secondary)
        self.arrow.setFont(font(round(sizes.number * 0.6), bold=True))
        self.counter_name.setFont(font(round(sizes.label * 1.1)))
        self.location.set_sizes(round(sizes.label * 0.95), round(sizes.label * 0.8), bold=False)
        self.recall_mark.set_sizes(sizes.label, sizes.secondary)
        self.idle.setFont(font(round(sizes.label * 1.3)))
        for row in self.recent_rows:
            for label in (row.number, row.counter):
                label.setFont(font(sizes.recent, bold=True))
            row.arrow.setFont(font(round(sizes.recent * 0.6)))
        for _frame, name, count, wait in self.line_widgets:
            self._size_line(name, count, wait, sizes)
        self.ticker.setFont(font(sizes.ticker, bold=True))
        self.notice.set_sizes(sizes.ticker, sizes.secondary)
        self.notice.setContentsMargins(sizes.margin, sizes.margin // 3, sizes.margin, sizes.margin // 3)
        self.ticker.setContentsMargins(sizes.margin, sizes.margin // 3, sizes.margin, sizes.margin // 3)
        self.offline.setFont(font(sizes.offline))
        self._fit_number()

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

    def set_branding(self, branding: Branding | None) -> None:
        """Colour the band and show the logo at the height of the office's name; None: the plain look."""
        self.branding = branding
        if branding is None:
            self.band.setStyleSheet("")
            self.band_layout.setContentsMargins(0, 0, 0, 0)
        else:
            pad = round((self.sizes.margin if self.sizes else 16) * 0.5)
            # Only the band's own labels: the offline mark keeps its own checked colours.
            self.band.setStyleSheet(
                f"QFrame#band {{ background: {branding.background}; border-radius: 8px; }}"
                f"QFrame#band > QLabel {{ color: {branding.text}; }}"
                f"QLabel#offline {{ background: {theme.BACKGROUND}; color: {theme.MUTED}; }}"
                # Logos are drawn for paper: they sit on a white plate, whatever the band's colour.
                f"QLabel#logo {{ background: #ffffff; padding: {max(2, pad // 2)}px; border-radius: 6px; }}"
            )
            self.band_layout.setContentsMargins(pad, pad, pad, pad)
        self._show_logo()

    def _show_logo(self) -> None:
        logo = self.branding.logo if self.branding is not None else None
        self.logo.setVisible(logo is not None)
        if logo is not None:
            height = max(24, round((self.sizes.clock if self.sizes else 40) * 1.6))
            # Sizes are applied on every refresh; the logo is drawn again only when it or its height changes.
            if self._logo_key != (logo.sha256, height):
                self._logo_key = (logo.sha256, height)
                self.logo.setPixmap(logo_pixmap(logo, height * 4, height))

    def set_online(self, online: bool) -> None:
        """Show or hide the offline mark."""
        self.offline.setVisible(not online)

    def _refused(self, reason: str) -> None:
        self.offline.setText(reason)
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
