"""A simulated scanner for the demo and tests: codes are injected in code."""

from __future__ import annotations

import queue

from hardware.scanning.base import ScanCallback, Scanner

SIMULATED = "simulated"


class SimulatedScanner(Scanner):
    """Delivers injected codes from its own thread, like a real scanner would."""

    kind = SIMULATED

    def __init__(self, on_scan: ScanCallback, *, codes: list[str] | None = None) -> None:
        super().__init__(on_scan)
        self._queue: queue.Queue[str | None] = queue.Queue()
        for code in codes or []:
            self._queue.put(code)

    def scan(self, code: str) -> None:
        """Pretend someone scanned this code."""
        self._queue.put(code)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Wake the reader with an end marker, then stop it."""
        self._queue.put(None)
        super().stop(timeout)

    def _run(self) -> None:
        while (code := self._queue.get()) is not None:
            self.emit(code)
