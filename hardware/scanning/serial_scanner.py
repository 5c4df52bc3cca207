"""Scanners on a serial line (or USB CDC/ACM), opened through any pyserial URL."""

from __future__ import annotations

import serial

from hardware.scanning.base import ScanCallback, Scanner, ScannerError

# Scanners end a code with CR, LF or CR LF depending on their programming.
TERMINATORS = (b"\r", b"\n")


class SerialScanner(Scanner):
    """Reads CR/LF-terminated codes from `serial_for_url(url)` (`/dev/ttyACM0`, `loop://`, …)."""

    def __init__(
        self,
        url: str | serial.SerialBase,
        on_scan: ScanCallback,
        *,
        baudrate: int = 9600,
        encoding: str = "utf-8",
        poll_interval: float = 0.1,
    ) -> None:
        super().__init__(on_scan)
        self.url = url
        self.baudrate = baudrate
        self.encoding = encoding
        # Reads time out this often so that stop() is noticed promptly.
        self.poll_interval = poll_interval
        self.port: serial.SerialBase | None = url if isinstance(url, serial.SerialBase) else None
        self._buffer = bytearray()

    def _open(self) -> None:
        if self.port is None:
            try:
                self.port = serial.serial_for_url(
                    self.url, baudrate=self.baudrate, timeout=self.poll_interval
                )
            except (serial.SerialException, ValueError) as error:
                raise ScannerError(f"cannot open scanner {self.url}: {error}") from error
        else:
            self.port.timeout = self.poll_interval

    def _close(self) -> None:
        if self.port is not None and self.port.is_open:
            self.port.close()

    def _run(self) -> None:
        assert self.port is not None
        while not self._stop.is_set():
            try:
                chunk = self.port.read(max(1, self.port.in_waiting))
            except serial.SerialException:
                if self._stop.is_set():
                    return  # the port was closed under us during shutdown
                raise
            if chunk:
                self.feed(chunk)

    def feed(self, chunk: bytes) -> None:
        """Add received bytes; every completed line becomes one scan."""
        self._buffer.extend(chunk)
        while True:
            ends = [i for i in (self._buffer.find(t) for t in TERMINATORS) if i >= 0]
            if not ends:
                return
            end = min(ends)
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            self.emit(line.decode(self.encoding, errors="replace"))
