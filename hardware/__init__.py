"""Every device of Aufruf: ticket printers, scanners and call audio; no Qt, no server imports."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each name is imported from its submodule on first use: the server only needs `hardware.audio`, and
# importing `hardware.printing` (escpos, PIL, qrcode, usb, serial, barcode, yaml) costs every idle server ~22 MiB.
_SUBMODULE = {
    "Announcer": "hardware.audio",
    "EspeakSpeech": "hardware.audio",
    "gong": "hardware.audio",
    "spoken_number": "hardware.audio",
    "HealthMonitor": "hardware.printing",
    "PrinterError": "hardware.printing",
    "PrinterHealth": "hardware.printing",
    "PrinterState": "hardware.printing",
    "PrinterUnavailable": "hardware.printing",
    "PrinterUrlError": "hardware.printing",
    "PrintFailed": "hardware.printing",
    "PrintQueue": "hardware.printing",
    "PrintReceipt": "hardware.printing",
    "TicketPrinter": "hardware.printing",
    "TicketPrintout": "hardware.printing",
    "open_printer": "hardware.printing",
    "reference_printout": "hardware.printing",
    "Scanner": "hardware.scanning",
    "ScannerError": "hardware.scanning",
    "SerialScanner": "hardware.scanning",
    "SimulatedScanner": "hardware.scanning",
    "WedgeDetector": "hardware.scanning",
    "WedgeScanner": "hardware.scanning",
    "open_scanner": "hardware.scanning",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule the first time it is asked for (PEP 562)."""
    submodule = _SUBMODULE.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(submodule), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    """List the lazy names too, so dir() and completion see the whole API."""
    return sorted({*globals(), *__all__})
