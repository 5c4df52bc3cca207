"""Barcode and QR scanners (serial, keyboard wedge, evdev, simulated) behind one interface."""

from __future__ import annotations

from urllib.parse import urlsplit

from hardware.scanning.base import ScanCallback, Scanner, ScannerError
from hardware.scanning.evdev_scanner import EvdevScanner, KeyDecoder, evdev_available
from hardware.scanning.serial_scanner import SerialScanner
from hardware.scanning.simulated import SimulatedScanner
from hardware.scanning.wedge import WedgeDetector, WedgeScanner


def open_scanner(url: str, on_scan: ScanCallback) -> Scanner:
    """Build a scanner by URL: `sim://`, `wedge://`, `evdev:///dev/input/event3`, else pyserial.

    Anything else goes to pyserial's `serial_for_url`: `/dev/ttyACM0`, `loop://`,
    `rfc2217://host:port`, `socket://host:port`; `serial:///dev/ttyACM0?baudrate=9600` too.
    """
    parts = urlsplit(url)
    if parts.scheme == "sim":
        return SimulatedScanner(on_scan)
    if parts.scheme == "wedge":
        return WedgeScanner(on_scan)
    if parts.scheme == "evdev":
        return EvdevScanner(parts.path, on_scan)
    if parts.scheme == "serial":
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        try:
            baudrate = int(query.get("baudrate", "9600"))
        except ValueError:
            raise ScannerError(f"bad baudrate in scanner URL {url!r}") from None
        return SerialScanner(parts.path, on_scan, baudrate=baudrate)
    return SerialScanner(url, on_scan)


__all__ = [
    "EvdevScanner",
    "KeyDecoder",
    "ScanCallback",
    "Scanner",
    "ScannerError",
    "SerialScanner",
    "SimulatedScanner",
    "WedgeDetector",
    "WedgeScanner",
    "evdev_available",
    "open_scanner",
]
