"""`aufruf printer …` commands for installers: print a reference ticket to any printer URL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from aufruf.logo import LogoError, read_logo
from hardware.printing import PrinterError, open_printer, reference_printout
from hardware.printing.reference import REFERENCE_STATUS_URL

app = typer.Typer(help="Ticket printers: test printing and status.", no_args_is_help=True)


@app.command()
def test(
    url: Annotated[str, typer.Argument(help="Printer URL, e.g. tcp://10.0.0.5, sim:///tmp/t")],
    language: Annotated[str, typer.Option(help="Language of the ticket texts")] = "de",
    status_url: Annotated[str, typer.Option(help="What the QR code holds")] = REFERENCE_STATUS_URL,
    profile: Annotated[str | None, typer.Option(help="python-escpos profile name")] = None,
    paper: Annotated[int | None, typer.Option(help="Paper width in mm: 58 or 80")] = None,
    image_qr: Annotated[bool, typer.Option(help="Send the QR code as an image")] = False,
    logo: Annotated[Path | None, typer.Option(help="An office logo (.png or .svg) to print on top")] = None,
) -> None:
    """Print a reference ticket and report the printer's status."""
    try:
        office_logo = read_logo(logo) if logo is not None else None
    except LogoError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    try:
        printer = open_printer(
            url, profile=profile, paper_mm=paper, native_qr=False if image_qr else None
        )
        health = printer.health()
        typer.echo(f"Printer {url} ({printer.profile}): {health.state.value} {health.detail}")
        printout = replace(
            reference_printout(language, status_url=status_url, issued_at=datetime.now().astimezone()),
            logo=office_logo,
        )
        receipt = printer.print_ticket(printout, check_status=False)
    except PrinterError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(
        f"Printed reference ticket {receipt.number} ({language}): "
        f"{receipt.bytes_sent} bytes in {receipt.seconds * 1000:.0f} ms"
    )
    for path in receipt.files:
        typer.echo(f"  simulated output: {path}")


@app.command()
def status(
    url: Annotated[str, typer.Argument(help="Printer URL")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait per status query")] = 1.0,
) -> None:
    """Query the printer's status (online, paper near end, paper out, cover open, offline)."""
    try:
        health = open_printer(url, status_timeout=timeout).health()
    except PrinterError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"{health.state.value} {health.detail}".strip())
    if not health.can_print:
        raise typer.Exit(2)
