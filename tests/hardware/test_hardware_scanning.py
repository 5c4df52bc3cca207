"""Scanners: serial through loop:// and a pty pair, wedge bursts, evdev key decoding."""

from __future__ import annotations

import os
import pty
import queue
import tty

import pytest
import serial

from hardware.scanning import (
    KeyDecoder,
    ScannerError,
    SerialScanner,
    SimulatedScanner,
    WedgeDetector,
    WedgeScanner,
    open_scanner,
)


def collector() -> tuple[queue.Queue[str], object]:
    scans: queue.Queue[str] = queue.Queue()
    return scans, scans.put


def test_serial_scanner_through_loop_url() -> None:
    scans, on_scan = collector()
    port = serial.serial_for_url("loop://", timeout=0.05)
    with SerialScanner(port, on_scan) as scanner:  # type: ignore[arg-type]
        port.write(b"BK-7Q2M9X\r\nhttps://aufruf.example.org/t/abc123\n")
        assert scans.get(timeout=5) == "BK-7Q2M9X"
        assert scans.get(timeout=5) == "https://aufruf.example.org/t/abc123"
        assert scanner.running
    assert not scanner.running
    assert not port.is_open


def test_serial_scanner_through_a_pty_pair() -> None:
    master, slave = pty.openpty()
    tty.setraw(master)
    scans, on_scan = collector()
    try:
        with SerialScanner(os.ttyname(slave), on_scan, baudrate=115200):
            # A scanner sends in pieces; the code is only complete at the terminator.
            os.write(master, b"T-0042")
            os.write(master, b"-XYZ\r")
            assert scans.get(timeout=5) == "T-0042-XYZ"
    finally:
        os.close(master)
        os.close(slave)


def test_open_scanner_by_url() -> None:
    assert isinstance(open_scanner("loop://", print), SerialScanner)
    assert isinstance(open_scanner("sim://", print), SimulatedScanner)
    assert isinstance(open_scanner("wedge://", print), WedgeScanner)
    scanner = open_scanner("serial:///dev/ttyACM9?baudrate=115200", print)
    assert isinstance(scanner, SerialScanner) and scanner.baudrate == 115200
    with pytest.raises(ScannerError, match="ttyACM9"):
        scanner.start()


def test_wedge_burst_ending_in_enter_is_a_scan() -> None:
    detector = WedgeDetector()
    results = [detector.feed(c, 10 + i * 0.008) for i, c in enumerate("BK-7Q2M9X\r")]
    assert results[:-1] == [None] * 9
    assert results[-1] == "BK-7Q2M9X"


def test_wedge_person_typing_is_not_a_scan() -> None:
    detector = WedgeDetector()
    results = [detector.feed(c, i * 0.15) for i, c in enumerate("Meier\r")]
    assert results == [None] * 6


def test_wedge_burst_after_typing_and_short_bursts() -> None:
    detector = WedgeDetector()
    for i, char in enumerate("abc"):
        assert detector.feed(char, i * 0.2) is None
    start = 1.0
    burst = [detector.feed(c, start + i * 0.01) for i, c in enumerate("A017XYZ\n")]
    assert burst[-1] == "A017XYZ"
    # Too short to be a code, or Enter pressed by hand after a pause: not a scan.
    assert [detector.feed(c, 5 + i * 0.01) for i, c in enumerate("ok\r")][-1] is None
    assert [detector.feed(c, 9 + i * 0.01) for i, c in enumerate("ABCDE")] == [None] * 5
    assert detector.pending == "ABCDE"
    assert detector.feed("\r", 10.0) is None


def test_wedge_scanner_delivers_to_callback() -> None:
    scans, on_scan = collector()
    wedge = WedgeScanner(on_scan)  # type: ignore[arg-type]
    fed = [wedge.feed_key(c, i * 0.005) for i, c in enumerate("12345678\r")]
    assert fed[-1] is True and not any(fed[:-1])
    assert scans.get_nowait() == "12345678"


def test_evdev_key_decoding_with_shift() -> None:
    decoder = KeyDecoder()
    events = [("KEY_LEFTSHIFT", 1), ("KEY_B", 1), ("KEY_B", 0), ("KEY_K", 1),
              ("KEY_LEFTSHIFT", 0), ("KEY_MINUS", 1), ("KEY_7", 1), ("KEY_Q", 1),
              ("KEY_Q", 2), ("KEY_ENTER", 1)]  # fmt: skip
    results = [decoder.feed(key, value) for key, value in events]
    assert results[-1] == "BK-7q"


def test_simulated_scanner_and_failing_callback() -> None:
    scans: queue.Queue[str] = queue.Queue()

    def on_scan(code: str) -> None:
        if code == "boom":
            raise RuntimeError("consumer bug")
        scans.put(code)

    scanner = SimulatedScanner(on_scan, codes=["first"])
    with scanner:
        scanner.scan("boom")
        scanner.scan("  second \n")
        assert scans.get(timeout=5) == "first"
        assert scans.get(timeout=5) == "second"  # the reader survived the failing callback
    assert not scanner.running
