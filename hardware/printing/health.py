"""Printer health from DLE EOT real-time status bytes, and a monitor that reports changes once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.printing.printer import TicketPrinter

log = logging.getLogger(__name__)

# DLE EOT n: 1 printer status, 2 offline cause, 4 roll paper sensor (Epson ESC/POS reference).
STATUS_QUERIES: tuple[bytes, bytes, bytes] = (b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04")
_FIXED_MASK, _FIXED_BITS = 0b1001_0011, 0b0001_0010  # bits every status byte has set or clear
OFFLINE_BIT = 0x08  # n=1
COVER_OPEN_BIT, PAPER_STOP_BIT, ERROR_BIT = 0x04, 0x20, 0x40  # n=2
NEAR_END_BITS, PAPER_OUT_BITS = 0x0C, 0x60  # n=4


class PrinterState(StrEnum):
    """The one state an operator needs to know, most severe first when several apply."""

    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterHealth:
    """A printer's condition at one moment; `detail` explains it but is not compared."""

    state: PrinterState
    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    detail: str = field(default="", compare=False)

    @property
    def online(self) -> bool:
        """Whether the printer answered and is ready (paper near its end still prints)."""
        return self.state in (PrinterState.ONLINE, PrinterState.PAPER_NEAR_END)

    @property
    def can_print(self) -> bool:
        """Whether sending a ticket makes sense; unknown status does not block printing."""
        return self.online or self.state is PrinterState.UNKNOWN

    def as_event_data(self) -> dict[str, object]:
        """The payload of a `device.status` event."""
        return {
            "state": self.state.value,
            "online": self.online,
            "paper_near_end": self.paper_near_end,
            "paper_out": self.paper_out,
            "cover_open": self.cover_open,
            "detail": self.detail,
        }


def _valid(byte: bytes | None) -> int | None:
    if not byte or (byte[0] & _FIXED_MASK) != _FIXED_BITS:
        return None
    return byte[0]


def parse_status(answers: list[bytes | None]) -> PrinterHealth:
    """Interpret the answers to `STATUS_QUERIES` (None where the printer stayed silent)."""
    printer, cause, paper = (_valid(a) for a in [*answers, None, None, None][:3])
    if printer is None:
        return PrinterHealth(PrinterState.UNKNOWN, detail="printer did not answer status queries")
    cover_open = cause is not None and bool(cause & COVER_OPEN_BIT)
    paper_out = (paper is not None and bool(paper & PAPER_OUT_BITS)) or (
        cause is not None and bool(cause & PAPER_STOP_BIT)
    )
    near_end = paper is not None and bool(paper & NEAR_END_BITS)
    if cover_open:
        state = PrinterState.COVER_OPEN
    elif paper_out:
        state = PrinterState.PAPER_OUT
    elif printer & OFFLINE_BIT or (cause is not None and cause & ERROR_BIT):
        state = PrinterState.OFFLINE
    elif near_end:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.ONLINE
    return PrinterHealth(state, paper_near_end=near_end, paper_out=paper_out, cover_open=cover_open)


def status_answers(state: PrinterState) -> dict[bytes, bytes]:
    """The status bytes a printer in this state sends back, for simulated printers."""
    printer, cause, paper = _FIXED_BITS, _FIXED_BITS, _FIXED_BITS
    if state in (PrinterState.COVER_OPEN, PrinterState.PAPER_OUT, PrinterState.OFFLINE):
        printer |= OFFLINE_BIT
    if state is PrinterState.COVER_OPEN:
        cause |= COVER_OPEN_BIT
    if state is PrinterState.PAPER_OUT:
        cause |= PAPER_STOP_BIT
        paper |= PAPER_OUT_BITS | NEAR_END_BITS
    if state is PrinterState.OFFLINE:
        cause |= ERROR_BIT
    if state is PrinterState.PAPER_NEAR_END:
        paper |= NEAR_END_BITS
    return dict(
        zip(STATUS_QUERIES, (bytes([printer]), bytes([cause]), bytes([paper])), strict=True)
    )


class HealthMonitor:
    """Polls a printer in a background thread and calls `on_change` once per change of health."""

    def __init__(
        self,
        printer: TicketPrinter,
        on_change: Callable[[PrinterHealth], None],
        *,
        interval: float = 5.0,
    ) -> None:
        self.printer = printer
        self.on_change = on_change
        self.interval = interval
        self.last: PrinterHealth | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> PrinterHealth:
        """Query the printer once and report the result if it differs from the last one."""
        health = self.printer.health()
        if health != self.last:
            self.last = health
            try:
                self.on_change(health)
            except Exception:
                # A broken callback must not stop the monitoring of a kiosk's only printer.
                log.exception("Printer health callback failed")
        return health

    def start(self) -> None:
        """Start polling in a daemon thread; the first poll reports the initial health."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="printer-health", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop polling and wait for the thread to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def __enter__(self) -> HealthMonitor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
