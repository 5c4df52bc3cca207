"""Transports move bytes to a printer and status answers back; the URL chooses one."""

from __future__ import annotations

import itertools
import logging
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import serial
from escpos.escpos import Escpos

from hardware.printing.errors import PrinterError, PrinterUrlError
from hardware.printing.health import PrinterState, status_answers

log = logging.getLogger(__name__)

DEFAULT_TCP_PORT = 9100
DEFAULT_SIM_FOLDER = Path(tempfile.gettempdir()) / "aufruf-sim-printer"


class PrinterUnavailable(PrinterError):
    """The printer could not be reached (not plugged in, switched off, wrong address)."""


class StatusUnsupported(PrinterError):
    """This transport only writes; it cannot read status answers (file, win32raw)."""


class Transport(ABC):
    """Moves bytes to one printer; it knows nothing about tickets."""

    url: str

    @abstractmethod
    def send(self, data: bytes) -> tuple[Path, ...]:
        """Deliver one job's bytes; returns files written (only a simulated printer writes any)."""

    @abstractmethod
    def query(self, requests: Sequence[bytes], *, timeout: float) -> list[bytes | None]:
        """Send status requests one by one; each answer, or None where the printer stayed silent."""

    def close(self) -> None:  # noqa: B027 - most transports hold nothing between jobs
        """Release the device; jobs open and close their own connection, so usually nothing."""


def _is_timeout(error: BaseException) -> bool:
    # pyusb's USBTimeoutError is an OSError but not a TimeoutError.
    return isinstance(error, TimeoutError) or "timeout" in type(error).__name__.lower()


class EscposTransport(Transport):
    """A python-escpos printer class (Network, Usb, Serial, File, Win32Raw) used only for I/O."""

    def __init__(self, url: str, factory: Callable[[float], Escpos], *, timeout: float = 10.0):
        self.url = url
        self.factory = factory
        self.timeout = timeout

    def _open(self, timeout: float) -> Escpos:
        try:
            device = self.factory(timeout)
            device.open()
        except Exception as error:  # python-escpos raises many unrelated types here
            raise PrinterUnavailable(f"cannot open {self.url}: {error}") from error
        return device

    @staticmethod
    def _read_answer(device: Escpos) -> bytes:
        port = getattr(device, "_device", None)
        if isinstance(port, serial.SerialBase):
            # python-escpos waits for 16 bytes or the time-out; a status answer is one byte.
            return bytes(port.read(1))
        return bytes(device._read())

    def send(self, data: bytes) -> tuple[Path, ...]:
        """Open the device, write the job in one piece, close again."""
        device = self._open(self.timeout)
        try:
            device._raw(data)
        except Exception as error:
            raise PrinterUnavailable(f"writing to {self.url} failed: {error}") from error
        finally:
            device.close()
        return ()

    def query(self, requests: Sequence[bytes], *, timeout: float) -> list[bytes | None]:
        """Ask each real-time status question and read its one-byte answer."""
        device = self._open(timeout)
        answers: list[bytes | None] = []
        try:
            for request in requests:
                device._raw(request)
                try:
                    answers.append(self._read_answer(device) or None)
                except NotImplementedError as error:
                    raise StatusUnsupported(f"{self.url} cannot report status") from error
                except OSError as error:
                    if not _is_timeout(error):
                        raise PrinterUnavailable(f"reading from {self.url}: {error}") from error
                    answers.append(None)
        finally:
            device.close()
        return answers


class SimulatedTransport(Transport):
    """A pretend printer: keeps each job's bytes and renders them to a PNG in a folder."""

    def __init__(self, url: str, folder: Path, *, profile: str, state: PrinterState) -> None:
        self.url = url
        self.folder = folder
        self.profile = profile
        self.state = state
        self._lock = threading.Lock()

    def send(self, data: bytes) -> tuple[Path, ...]:
        """Refuse like a real printer would when not ready, else write `.bin` and `.png`."""
        # Imported here: rendering pulls in the font machinery, which only simulation needs.
        from hardware.printing.simulator import render_escpos

        if self.state in (PrinterState.OFFLINE, PrinterState.COVER_OPEN, PrinterState.PAPER_OUT):
            raise PrinterUnavailable(f"simulated printer is {self.state.value}")
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = f"simulated-ticket-{datetime.now():%Y%m%d-%H%M%S}"
        with self._lock:
            # Exclusive creation keeps jobs apart even across printers sharing one folder.
            for count in itertools.count(1):
                raw = self.folder / f"{stamp}-{count:03d}.bin"
                try:
                    with raw.open("xb") as handle:
                        handle.write(data)
                    break
                except FileExistsError:
                    continue
        png = raw.with_suffix(".png")
        render_escpos(data, profile=self.profile).save(png)
        return (png, raw)

    def query(self, requests: Sequence[bytes], *, timeout: float) -> list[bytes | None]:
        """Answer status requests as a real printer in the simulated state would."""
        answers = status_answers(self.state)
        return [answers.get(request) for request in requests]


def _query_value(query: dict[str, list[str]], name: str, url: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _int(value: str, url: str, what: str) -> int:
    try:
        return int(value, 0)
    except ValueError:
        raise PrinterUrlError(url, f"{what} {value!r} is not a number") from None


def parse_printer_url(url: str, *, profile: str, timeout: float = 10.0) -> Transport:
    """Build the transport a printer URL names (see `ACCEPTED_URLS`)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query)
    if scheme in ("tcp", "socket"):
        if not parts.hostname:
            raise PrinterUrlError(url, "no host given")
        try:
            port = parts.port or DEFAULT_TCP_PORT
        except ValueError:
            raise PrinterUrlError(url, "the port is not a number") from None
        host = parts.hostname
        from escpos.printer import Network

        return EscposTransport(
            url, lambda t: Network(host=host, port=port, timeout=t), timeout=timeout
        )
    if scheme == "usb":
        ids = parts.netloc.split(":")
        if len(ids) != 2 or not all(ids):
            raise PrinterUrlError(url, "expected usb://VENDOR:PRODUCT in hex, e.g. usb://04b8:0202")
        vendor, product = (_int("0x" + i, url, "USB id") for i in ids)
        extra = {k: _int(v[-1], url, k) for k, v in query.items() if k in ("in_ep", "out_ep")}
        from escpos.printer import Usb

        return EscposTransport(
            url,
            lambda t: Usb(idVendor=vendor, idProduct=product, timeout=int(t * 1000), **extra),
            timeout=timeout,
        )
    if scheme == "serial":
        device = unquote(parts.path)
        if not device:
            raise PrinterUrlError(url, "no device path, expected serial:///dev/ttyUSB0")
        baudrate = _int(_query_value(query, "baudrate", url) or "9600", url, "baudrate")
        from escpos.printer import Serial

        return EscposTransport(
            url,
            lambda t: Serial(devfile=device, baudrate=baudrate, timeout=t, dsrdtr=False),
            timeout=timeout,
        )
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise PrinterUrlError(url, "no path, expected file:///path/to/device")
        from escpos.printer import File

        return EscposTransport(url, lambda t: File(devfile=path), timeout=timeout)
    if scheme == "win32raw":
        name = unquote(parts.netloc + parts.path)
        if not name:
            raise PrinterUrlError(url, "no printer name, expected win32raw://PRINTER NAME")
        from escpos.printer import Win32Raw

        if not Win32Raw.is_usable():
            raise PrinterUrlError(url, "win32raw needs Windows with pywin32")
        return EscposTransport(url, lambda t: Win32Raw(printer_name=name), timeout=timeout)
    if scheme == "sim":
        folder = Path(unquote(parts.netloc + parts.path)) if parts.netloc or parts.path else None
        state_name = _query_value(query, "status", url) or PrinterState.ONLINE.value
        try:
            state = PrinterState(state_name)
        except ValueError:
            choices = ", ".join(s.value for s in PrinterState)
            raise PrinterUrlError(url, f"status must be one of {choices}") from None
        return SimulatedTransport(url, folder or DEFAULT_SIM_FOLDER, profile=profile, state=state)
    raise PrinterUrlError(url, f"unknown scheme {parts.scheme!r}" if scheme else "no scheme")
