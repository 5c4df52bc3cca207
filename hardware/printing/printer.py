"""The ticket printer: one class with all logic, over any transport, plus a print queue."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from hardware.printing.errors import PrinterError, PrintFailed
from hardware.printing.health import STATUS_QUERIES, PrinterHealth, PrinterState, parse_status
from hardware.printing.layout import render_ticket, resolve_profile
from hardware.printing.ticket import TicketPrintout
from hardware.printing.transports import StatusUnsupported, Transport, parse_printer_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintReceipt:
    """What a finished print job did."""

    url: str
    number: str
    bytes_sent: int
    seconds: float
    # Files a simulated printer wrote: the PNG first, then the raw bytes.
    files: tuple[Path, ...] = ()


class TicketPrinter:
    """Lays out tickets, sends them through a transport and reads the printer's health.

    Every method blocks on device I/O: call it from a worker thread, or use `PrintQueue`.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        profile: str | None = None,
        native_qr: bool | None = None,
        status_timeout: float = 1.0,
    ) -> None:
        self.transport = transport
        self.profile = resolve_profile(profile)
        self.native_qr = native_qr
        self.status_timeout = status_timeout
        # One job or status query at a time: interleaved bytes would garble both.
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The URL this printer was opened with."""
        return self.transport.url

    def render(self, printout: TicketPrintout) -> bytes:
        """The exact ESC/POS bytes this printer would receive for a ticket."""
        return render_ticket(printout, profile=self.profile, native_qr=self.native_qr)

    def health(self) -> PrinterHealth:
        """Ask the printer for its real-time status (DLE EOT), within `status_timeout` per query."""
        with self._lock:
            return self._health()

    def _health(self) -> PrinterHealth:
        try:
            answers = self.transport.query(STATUS_QUERIES, timeout=self.status_timeout)
        except StatusUnsupported as error:
            return PrinterHealth(PrinterState.UNKNOWN, detail=str(error))
        except PrinterError as error:
            return PrinterHealth(PrinterState.OFFLINE, detail=str(error))
        return parse_status(answers)

    def print_ticket(self, printout: TicketPrintout, *, check_status: bool = True) -> PrintReceipt:
        """Print one ticket or raise `PrintFailed`, which carries the printout for a reprint."""
        try:
            data = self.render(printout)
        except Exception as error:
            raise PrintFailed(self.url, f"layout failed: {error}", printout) from error
        return self._send(data, printout, check_status=check_status)

    def print_bytes(self, data: bytes, *, check_status: bool = True) -> PrintReceipt:
        """Send ready-made ESC/POS bytes, e.g. a job kept from an earlier failure."""
        return self._send(data, None, check_status=check_status)

    def _send(
        self, data: bytes, printout: TicketPrintout | None, *, check_status: bool
    ) -> PrintReceipt:
        started = time.perf_counter()
        with self._lock:
            if check_status:
                # A paper-out printer still swallows bytes silently: ask first, so the
                # caller knows at once to show the QR code on screen instead.
                health = self._health()
                if not health.can_print:
                    reason = f"printer is {health.state.value}"
                    raise PrintFailed(
                        self.url,
                        reason + (f" ({health.detail})" if health.detail else ""),
                        printout,
                    )
            try:
                files = self.transport.send(data)
            except PrinterError as error:
                raise PrintFailed(self.url, str(error), printout) from error
        receipt = PrintReceipt(
            url=self.url,
            number=printout.number if printout else "",
            bytes_sent=len(data),
            seconds=time.perf_counter() - started,
            files=files,
        )
        log.info("Printed %s on %s (%d bytes)", receipt.number or "job", self.url, len(data))
        return receipt

    def close(self) -> None:
        """Release the transport."""
        self.transport.close()


def open_printer(
    url: str,
    *,
    profile: str | None = None,
    paper_mm: int | None = None,
    native_qr: bool | None = None,
    timeout: float = 10.0,
    status_timeout: float = 1.0,
) -> TicketPrinter:
    """Open a ticket printer by URL; `?profile=` in the URL works too, the argument wins."""
    url_profile = parse_qs(urlsplit(url).query).get("profile", [None])[-1]
    chosen = resolve_profile(profile or url_profile, paper_mm)
    transport = parse_printer_url(url, profile=chosen, timeout=timeout)
    return TicketPrinter(
        transport, profile=chosen, native_qr=native_qr, status_timeout=status_timeout
    )


class PrintQueue:
    """Prints tickets one after another in a worker thread, so no UI thread ever waits."""

    def __init__(self, printer: TicketPrinter) -> None:
        self.printer = printer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ticket-printer")

    def submit(
        self, printout: TicketPrintout, *, check_status: bool = True
    ) -> Future[PrintReceipt]:
        """Queue a ticket; the future yields a `PrintReceipt` or raises `PrintFailed`."""
        return self._pool.submit(self.printer.print_ticket, printout, check_status=check_status)

    def health(self) -> Future[PrinterHealth]:
        """Queue a status query behind any waiting jobs."""
        return self._pool.submit(self.printer.health)

    def close(self, *, wait: bool = True) -> None:
        """Stop accepting jobs; by default finish those already queued."""
        self._pool.shutdown(wait=wait)

    def __enter__(self) -> PrintQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
