"""Ticket printing on ESC/POS printers chosen by URL, with health monitoring and a simulator."""

from hardware.printing.errors import PrinterError, PrinterUrlError, PrintFailed
from hardware.printing.health import HealthMonitor, PrinterHealth, PrinterState
from hardware.printing.layout import DEFAULT_PROFILE, PROFILE_FOR_PAPER, render_ticket
from hardware.printing.printer import PrintQueue, PrintReceipt, TicketPrinter, open_printer
from hardware.printing.reference import reference_printout
from hardware.printing.ticket import TicketPrintout
from hardware.printing.transports import PrinterUnavailable, Transport

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_FOR_PAPER",
    "HealthMonitor",
    "PrintFailed",
    "PrintQueue",
    "PrintReceipt",
    "PrinterError",
    "PrinterHealth",
    "PrinterState",
    "PrinterUnavailable",
    "PrinterUrlError",
    "TicketPrinter",
    "TicketPrintout",
    "Transport",
    "open_printer",
    "reference_printout",
    "render_ticket",
]
