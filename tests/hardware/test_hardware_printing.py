"""Ticket printing checked at the wire: exact bytes, code pages, QR payloads, TCP and serial."""

from __future__ import annotations

import io
import os
import pty
import queue
import threading
import time
import tty
from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

from hardware.cli import app
from hardware.printing import (
    HealthMonitor,
    PrinterHealth,
    PrinterState,
    PrinterUrlError,
    PrintFailed,
    PrintQueue,
    TicketPrintout,
    open_printer,
    reference_printout,
    render_ticket,
)
from hardware.printing.reference import REFERENCE_STATUS_URL
from hardware.printing.simulator import BANNER, parse, render_escpos

GOLDEN = Path(__file__).parent / "fixtures" / "reference_ticket_de_TM-T20II.bin"
STATUS_URL = "https://aufruf.example.org/t/q0X9l3Rz-4bVvW1c8uTjYw"


def qr_payloads(data: bytes) -> list[bytes]:
    """The data stored with GS ( k <pL> <pH> 1 P 0 <data>, parsed straight from the bytes."""
    found = []
    index = data.find(b"\x1d(k")
    while index >= 0:
        length = data[index + 3] + 256 * data[index + 4]
        body = data[index + 5 : index + 5 + length]
        if body[:3] == b"1P0":
            found.append(body[3:])
        index = data.find(b"\x1d(k", index + 5 + length)
    return found


def raster_images(data: bytes) -> list[Image.Image]:
    """Every GS v 0 raster image in a byte stream, decoded without the simulator."""
    images = []
    index = data.find(b"\x1dv0")
    while index >= 0:
        xl, xh, yl, yh = data[index + 4 : index + 8]
        width, height = (xl + 256 * xh), (yl + 256 * yh)
        bits = data[index + 8 : index + 8 + width * height]
        # ESC/POS: 1 = black dot; Pillow "1": 1 = white.
        images.append(Image.frombytes("1", (width * 8, height), bytes(b ^ 0xFF for b in bits)))
        index = data.find(b"\x1dv0", index + 8 + width * height)
    return images


def decode_qr(image: Image.Image) -> list[str]:
    """Texts of the QR codes zxing-cpp finds in an image (with a quiet zone added)."""
    framed = Image.new("L", (image.width + 80, image.height + 80), 255)
    framed.paste(image.convert("L"), (40, 40))
    return [r.text for r in zxingcpp.read_barcodes(framed)]


def printed_text(data: bytes, profile: str = "TM-T20II") -> str:
    """The characters a printer shows for the text in a job, via the selected code pages."""
    from hardware.printing.simulator import EscposRenderer

    renderer = EscposRenderer(profile)
    page: str | None = None
    out = []
    for command in parse(data):
        if command.name == "\x1bt":
            page = renderer.slots[command.args[0]]
        elif command.name == "text":
            out.append(renderer.decode(command.data, page))
        elif command.name == "LF":
            out.append("\n")
    return "".join(out)


def test_reference_ticket_bytes_match_the_golden_file() -> None:
    data = render_ticket(reference_printout("de"), profile="TM-T20II")
    if os.environ.get("AUFRUF_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes(), (
        "ticket layout changed; if intended, rerun with AUFRUF_UPDATE_GOLDEN=1 and review the PNG"
    )


def test_reference_ticket_structure() -> None:
    data = render_ticket(reference_printout("de"), profile="TM-T20II")
    assert data.startswith(b"\x1b@\x1ba\x01")  # initialise, centre
    assert b"\x1d!\x55\x1bE\x01A017\n" in data  # the number, bold, at 6x6 size
    assert data.endswith(b"\x1bd\x06\x1dV\x00")  # feed and full cut
    assert b"\x1dv0" not in data  # German needs no raster text


def test_umlauts_and_sharp_s_use_the_selected_code_page() -> None:
    printout = reference_printout("de", header="Bürgeramt Große Straße")
    data = render_ticket(printout, profile="TM-T20II")
    # CP437 sits in slot 0 on Epson printers: ü = 0x81, ß = 0xE1, ä = 0x84.
    assert b"\x1bt\x00" in data
    assert b"B\x81rgeramt Gro\xe1e Stra\xe1e" in data
    assert "Sie sind" not in printed_text(data)
    text = printed_text(data)
    assert "Bürgeramt Große Straße" in text
    assert "Personalausweis und Reisepass" in text
    # The en dash is not in CP437: the printer is switched to CP1252 (slot 16) for it.
    assert b"\x1bt\x10\x96" in render_ticket(reference_printout("de"), profile="TM-T20II")
    assert "Bürgeramt \N{EN DASH} Testdruck" in printed_text(
        render_ticket(reference_printout("de"))
    )


def test_native_qr_payload_parses_back_out_of_gs_k() -> None:
    data = render_ticket(reference_printout("de", status_url=STATUS_URL), profile="TM-T20II")
    assert qr_payloads(data) == [STATUS_URL.encode()]
    assert b"\x1d(k\x04\x001A2\x00" in data  # model 2
    assert b"\x1d(k\x03\x001E1" in data  # error correction M
    assert data.index(b"1P0") < data.index(b"\x1d(k\x03\x001Q0")  # stored, then printed


def test_image_qr_where_the_profile_has_no_native_qr() -> None:
    data = render_ticket(reference_printout("de", status_url=STATUS_URL), profile="POS-5890")
    assert qr_payloads(data) == []
    found = [text for image in raster_images(data) for text in decode_qr(image)]
    assert found == [STATUS_URL]


def test_sim_printer_writes_png_whose_qr_decodes(tmp_path: Path) -> None:
    printer = open_printer(f"sim://{tmp_path}")
    printout = reference_printout("de", status_url=STATUS_URL)
    receipt = printer.print_ticket(printout)
    png, raw = receipt.files
    assert png.suffix == ".png" and raw.suffix == ".bin"
    assert raw.read_bytes() == printer.render(printout)
    assert decode_qr(Image.open(png)) == [STATUS_URL]
    assert BANNER.startswith("SIMULIERTER")


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "uk", "ru"])
def test_every_language_prints_with_a_readable_qr(tmp_path: Path, language: str) -> None:
    printer = open_printer(f"sim://{tmp_path}", paper_mm=58)
    receipt = printer.print_ticket(reference_printout(language, status_url=STATUS_URL))
    assert decode_qr(Image.open(receipt.files[0])) == [STATUS_URL]


def test_arabic_lines_are_shaped_raster_images() -> None:
    data = render_ticket(reference_printout("ar"), profile="TM-T20II")
    images = raster_images(data)
    assert len(images) >= 5  # service, your number, people ahead, wait, hint, footer
    assert all(image.width == 576 for image in images)
    # Every raster line has ink, and Arabic never reaches the printer as code-page text.
    assert all(image.convert("L").getextrema()[0] == 0 for image in images)
    assert "\u0627" not in printed_text(data)
    assert b"A017" in data  # the number itself stays printer text


def test_tcp_print_reaches_the_printer_in_full(fake_printer) -> None:  # type: ignore[no-untyped-def]
    printer = open_printer(fake_printer.url)
    printout = reference_printout("de", status_url=STATUS_URL)
    receipt = printer.print_ticket(printout)
    assert fake_printer.wait_for(lambda: fake_printer.jobs())
    assert fake_printer.jobs() == [printer.render(printout)]
    assert receipt.bytes_sent == len(fake_printer.jobs()[0])


@pytest.mark.parametrize("state", ["online", "paper_near_end", "paper_out", "cover_open"])
def test_health_from_dle_eot_answers(fake_printer, state: str) -> None:  # type: ignore[no-untyped-def]
    fake_printer.state = state
    health = open_printer(fake_printer.url).health()
    assert health.state is PrinterState(state)
    assert health.paper_out is (state == "paper_out")
    assert health.cover_open is (state == "cover_open")
    assert health.online is (state in ("online", "paper_near_end"))


def test_silent_printer_is_unknown_and_unreachable_printer_offline(fake_printer) -> None:  # type: ignore[no-untyped-def]
    fake_printer.silent = True
    assert open_printer(fake_printer.url, status_timeout=0.2).health().state is PrinterState.UNKNOWN
    fake_printer.close()
    health = open_printer(fake_printer.url, status_timeout=0.2).health()
    assert health.state is PrinterState.OFFLINE
    assert "127.0.0.1" in health.detail


def test_paper_out_refuses_the_job_and_keeps_the_printout(fake_printer) -> None:  # type: ignore[no-untyped-def]
    fake_printer.state = "paper_out"
    printout = reference_printout("de")
    with pytest.raises(PrintFailed, match="paper_out") as failure:
        open_printer(fake_printer.url).print_ticket(printout)
    assert failure.value.printout is printout
    assert fake_printer.jobs() == []


def test_unreachable_printer_raises_print_failed(fake_printer) -> None:  # type: ignore[no-untyped-def]
    fake_printer.close()
    with pytest.raises(PrintFailed, match=r"127\.0\.0\.1"):
        open_printer(fake_printer.url, timeout=1).print_ticket(
            reference_printout(), check_status=False
        )


def test_health_monitor_reports_each_change_once(fake_printer) -> None:  # type: ignore[no-untyped-def]
    reports: queue.Queue[PrinterHealth] = queue.Queue()
    monitor = HealthMonitor(open_printer(fake_printer.url), reports.put, interval=0.01)
    with monitor:
        assert reports.get(timeout=5).state is PrinterState.ONLINE
        fake_printer.state = "paper_out"
        assert reports.get(timeout=5).state is PrinterState.PAPER_OUT
        fake_printer.state = "cover_open"
        assert reports.get(timeout=5).state is PrinterState.COVER_OPEN
        # Several more polls of an unchanged printer report nothing new.
        seen = fake_printer.queries
        assert fake_printer.wait_for(lambda: fake_printer.queries >= seen + 9)
    assert reports.empty()
    assert monitor.last is not None and monitor.last.state is PrinterState.COVER_OPEN


def test_sim_status_in_url_drives_health_and_refusal(tmp_path: Path) -> None:
    printer = open_printer(f"sim://{tmp_path}?status=cover_open")
    assert printer.health().state is PrinterState.COVER_OPEN
    with pytest.raises(PrintFailed):
        printer.print_ticket(reference_printout())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    ["lpt://1", "printer", "usb://04b8", "usb://zz:01", "tcp://", "tcp://host:port",
     "serial://", "file://", "sim:///x?status=broken", "win32raw://Printer"],
)  # fmt: skip
def test_bad_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(PrinterUrlError) as error:
        open_printer(url)
    assert repr(url) in str(error.value)
    assert "tcp://HOST[:PORT]" in str(error.value)


def test_file_transport_writes_bytes_and_cannot_report_status(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = open_printer(f"file://{target}", profile="TM-T88III")
    printer.print_ticket(reference_printout("en"))
    assert target.read_bytes() == printer.render(reference_printout("en"))
    assert printer.health().state is PrinterState.UNKNOWN


def test_serial_printer_through_a_pty() -> None:
    master, slave = pty.openpty()
    tty.setraw(master)
    try:
        printer = open_printer(f"serial://{os.ttyname(slave)}?baudrate=19200", profile="TM-T88III")
        data = printer.render(reference_printout("en"))
        printer.print_bytes(data, check_status=False)
        received = bytearray()
        while len(received) < len(data):
            received.extend(os.read(master, 65536))
        assert bytes(received) == data
    finally:
        os.close(master)
        os.close(slave)


def test_print_queue_runs_jobs_off_the_calling_thread(tmp_path: Path) -> None:
    with PrintQueue(open_printer(f"sim://{tmp_path}")) as jobs:
        done = jobs.submit(reference_printout("tr"))
        failed = PrintQueue(open_printer(f"sim://{tmp_path}?status=paper_out")).submit(
            reference_printout("tr")
        )
        assert done.result(timeout=10).files[0].is_file()
        assert isinstance(failed.exception(timeout=10), PrintFailed)


def test_printout_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone"):
        TicketPrintout(
            number="A1", service_name="x", issued_at=datetime(2025, 1, 1), status_url="u"
        )


def test_cli_test_on_sim_writes_a_png_with_the_status_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["test", f"sim://{tmp_path}", "--language", "uk", "--status-url", STATUS_URL]
    )
    assert result.exit_code == 0, result.output
    png = next(tmp_path.glob("*.png"))
    assert str(png) in result.output
    assert decode_qr(Image.open(png)) == [STATUS_URL]


def test_cli_test_on_tcp_sends_a_valid_ticket(fake_printer) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["test", fake_printer.url])
    assert result.exit_code == 0, result.output
    assert "online" in result.output
    assert fake_printer.wait_for(lambda: fake_printer.jobs())
    job = fake_printer.jobs()[0]
    assert job.startswith(b"\x1b@") and job.endswith(b"\x1dV\x00")
    assert qr_payloads(job) == [REFERENCE_STATUS_URL.encode()]
    render_escpos(job, profile="TM-T20II")  # every command is understood


def test_cli_reports_bad_urls() -> None:
    result = CliRunner().invoke(app, ["test", "lpt://1"])
    assert result.exit_code == 1
    assert "Accepted" in result.output


def test_simulator_png_is_marked_and_decodes_from_bytes() -> None:
    data = render_ticket(reference_printout("de", status_url=STATUS_URL))
    image = render_escpos(data, profile="TM-T20II")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert decode_qr(Image.open(buffer)) == [STATUS_URL]
    assert image.convert("L").crop((0, 0, image.width, 20)).getextrema() == (0, 255)


def test_missing_usb_printer_is_offline_and_fails_clearly() -> None:
    printer = open_printer("usb://04b8:0202")
    assert printer.health().state is PrinterState.OFFLINE
    with pytest.raises(PrintFailed, match="usb://04b8:0202"):
        printer.print_ticket(reference_printout(), check_status=False)


def test_serial_printer_status_answers_come_back_promptly() -> None:
    master, slave = pty.openpty()
    tty.setraw(master)
    answers = {1: b"\x12", 2: b"\x12", 4: b"\x1e"}  # paper near its end

    def printer_side() -> None:
        for _ in range(3):
            query = os.read(master, 3)
            os.write(master, answers[query[2]])

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    try:
        printer = open_printer(f"serial://{os.ttyname(slave)}", status_timeout=2.0)
        started = time.perf_counter()
        health = printer.health()
        assert health.state is PrinterState.PAPER_NEAR_END
        assert time.perf_counter() - started < 1.5  # not 3 x the 2 s time-out
    finally:
        thread.join(5)
        os.close(master)
        os.close(slave)
