"""Wiring: settings to API client, devices, core and window, and the Qt event loop."""

from __future__ import annotations

import logging
import signal
import sys

from PySide6.QtWidgets import QApplication

from client.api import ApiClient
from client.qt import StreamBridge, stream_url
from hardware import Scanner, open_printer, open_scanner
from kiosk_app import speech_mode
from kiosk_app.core import KioskCore, ScanCallback, Timing
from kiosk_app.offline import OfflineJournal
from kiosk_app.settings import KioskSettings
from kiosk_app.ui.window import KioskWindow

log = logging.getLogger(__name__)


def build_core(settings: KioskSettings) -> KioskCore:
    """Open the devices a kiosk's settings name and hand them to a new core."""
    printer = open_printer(settings.printer) if settings.printer else None
    scanner_url = settings.scanner

    def make_scanner(on_scan: ScanCallback) -> Scanner:
        assert scanner_url is not None
        return open_scanner(scanner_url, on_scan)

    # The display stream is public and carries every queue change of the site.
    # The token makes the server close this stream at once if the kiosk's token is revoked.
    events = StreamBridge(stream_url(settings.server, f"/ws/sites/{settings.site}/display"), token=settings.token)
    return KioskCore(
        ApiClient(settings.server, token=settings.token),
        site=settings.site,
        printer=printer,
        make_scanner=make_scanner if scanner_url else None,
        events=events,
        languages=settings.languages,
        header=settings.header,
        offline=OfflineJournal(settings.data_dir) if settings.offline_tickets else None,
        timing=Timing(
            confirmation_seconds=settings.confirmation_seconds,
            idle_seconds=settings.idle_seconds,
            retry_seconds=settings.retry_seconds,
            printer_poll_seconds=settings.printer_poll_seconds,
        ),
    )


def run(settings: KioskSettings) -> int:
    """Show the kiosk until the window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Aufruf Kiosk")
    # Qt's event loop would keep Python from ever seeing Ctrl-C: let it end the process.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    core = build_core(settings)
    window = KioskWindow(core, large_text=settings.large_text)
    window.setWindowTitle("Aufruf Kiosk")
    # The tactile 5 of a numeric keypad (or headphones, where the jack reports) starts speech guidance.
    speech = speech_mode.build(
        window, core, output=settings.speech_output, start_key=settings.speech_key, jack=settings.headphones
    )
    if settings.windowed:
        window.resize(720, 1080)
        window.show()
    else:
        window.showFullScreen()
    core.start()
    speech.start()
    try:
        return int(app.exec())
    finally:
        speech.stop()
        core.stop()
