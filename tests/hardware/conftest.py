"""Fixtures for the hardware tests: a fake ESC/POS network printer on loopback."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

DLE_EOT = b"\x10\x04"

# Real-time status bytes per state, as an Epson TM printer sends them (n = 1, 2, 4).
STATUS_BYTES: dict[str, tuple[int, int, int]] = {
    "online": (0x12, 0x12, 0x12),
    "paper_near_end": (0x12, 0x12, 0x1E),
    "paper_out": (0x1A, 0x32, 0x7E),
    "cover_open": (0x1A, 0x16, 0x12),
}


class FakePrinter:
    """A TCP 9100 printer: records each connection's bytes and answers DLE EOT n queries."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.state = "online"
        self.silent = False  # a printer (or print server box) that never answers status
        self.connections: list[bytes] = []
        self.queries = 0
        self.changed = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def jobs(self) -> list[bytes]:
        """Connections that carried more than status queries."""
        return [c for c in self.connections if c.replace(DLE_EOT, b"").strip(b"\x01\x02\x04")]

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        received = bytearray()
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                start = len(received)
                received.extend(chunk)
                # Answer every complete DLE EOT n in the new data (looking back 2 bytes).
                index = received.find(DLE_EOT, max(0, start - 2))
                while index >= 0 and index + 2 < len(received):
                    n = received[index + 2]
                    if n in (1, 2, 4) and not self.silent:
                        conn.sendall(bytes([STATUS_BYTES[self.state][(1, 2, 4).index(n)]]))
                    with self.changed:
                        self.queries += 1
                        self.changed.notify_all()
                    index = received.find(DLE_EOT, index + 3)
        with self.changed:
            self.connections.append(bytes(received))
            self.changed.notify_all()

    def close(self) -> None:
        """Stop listening, so that new connections are refused."""
        # shutdown() wakes the accept() blocked in the server thread; close() alone does not.
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()
