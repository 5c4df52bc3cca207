"""What every scanner shares: a callback for scanned codes and a cleanly stoppable thread."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable

log = logging.getLogger(__name__)

ScanCallback = Callable[[str], None]


class ScannerError(Exception):
    """A scanner could not be opened or its URL is wrong."""


class Scanner(ABC):
    """Delivers each scanned code (booking code, ticket QR content) to `on_scan`."""

    def __init__(self, on_scan: ScanCallback) -> None:
        self.on_scan = on_scan
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def emit(self, code: str) -> None:
        """Hand one scanned code to the callback, trimmed; empty scans are dropped."""
        code = code.strip()
        if not code:
            return
        try:
            self.on_scan(code)
        except Exception:
            # The reader thread must survive a failing consumer, or scanning stops for good.
            log.exception("Scan callback failed for %r", code)

    def start(self) -> None:
        """Start reading in a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._open()
        self._thread = threading.Thread(
            target=self._guarded_run, name=type(self).__name__, daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        """Ask the reader to stop, wait for it, and release the device."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._close()

    @property
    def running(self) -> bool:
        """Whether the reader thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception:
            log.exception("%s stopped after an error", type(self).__name__)

    def _open(self) -> None:  # noqa: B027 - optional hook
        """Acquire the device before the thread starts, so errors surface in `start()`."""

    def _close(self) -> None:  # noqa: B027 - optional hook
        """Release the device after the thread ended."""

    @abstractmethod
    def _run(self) -> None:
        """Read until `self._stop` is set, calling `self.emit` per code."""

    def __enter__(self) -> Scanner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
