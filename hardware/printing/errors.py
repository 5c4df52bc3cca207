"""Errors raised by the printing layer; all derive from `PrinterError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.printing.ticket import TicketPrintout

ACCEPTED_URLS = (
    "usb://VID:PID, tcp://HOST[:PORT], serial:///dev/ttyUSB0?baudrate=9600, "
    "file:///path, win32raw://PRINTER NAME, sim:///folder"
)


class PrinterError(Exception):
    """Anything that went wrong with a ticket printer."""


class PrinterUrlError(PrinterError, ValueError):
    """A printer URL that names no transport we support, or is malformed."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Bad printer URL {url!r}: {reason}. Accepted: {ACCEPTED_URLS}")
        self.url = url
        self.reason = reason


class PrintFailed(PrinterError):
    """A ticket did not reach the printer; the printout is kept so it can be reprinted."""

    def __init__(self, url: str, reason: str, printout: TicketPrintout | None = None) -> None:
        number = f" ticket {printout.number}" if printout is not None else ""
        super().__init__(f"Printing{number} on {url} failed: {reason}")
        self.url = url
        self.reason = reason
        self.printout = printout
