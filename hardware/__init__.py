"""Every device of Aufruf: ticket printers, scanners and call audio; no Qt, no server imports."""

from hardware.audio import Announcer, EspeakSpeech, gong, spoken_number
from hardware.printing import (
    HealthMonitor,
    PrinterError,
    PrinterHealth,
    PrinterState,
    PrinterUnavailable,
    PrinterUrlError,
    PrintFailed,
    PrintQueue,
    PrintReceipt,
    TicketPrinter,
    TicketPrintout,
    open_printer,
    reference_printout,
)
from hardware.scanning import (
    Scanner,
    ScannerError,
    SerialScanner,
    SimulatedScanner,
    WedgeDetector,
    WedgeScanner,
    open_scanner,
)

__all__ = [
    "Announcer",
    "EspeakSpeech",
    "HealthMonitor",
    "PrintFailed",
    "PrintQueue",
    "PrintReceipt",
    "PrinterError",
    "PrinterHealth",
    "PrinterState",
    "PrinterUnavailable",
    "PrinterUrlError",
    "Scanner",
    "ScannerError",
    "SerialScanner",
    "SimulatedScanner",
    "TicketPrinter",
    "TicketPrintout",
    "WedgeDetector",
    "WedgeScanner",
    "gong",
    "open_printer",
    "open_scanner",
    "reference_printout",
    "spoken_number",
]
