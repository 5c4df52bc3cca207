"""`aufruf kiosk`: start the lobby kiosk from a config file and/or flags."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from hardware import PrinterError, ScannerError
from kiosk_app.settings import ConfigFileError, load_settings

app = typer.Typer(
    help="Run the lobby kiosk: touch screen, ticket printer, booking-code scanner.",
    add_completion=False,
)


@app.command()
def kiosk(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML file; flags win over it")] = None,
    server: Annotated[str | None, typer.Option(help="Ticket server URL, e.g. http://10.0.0.2:8000")] = None,
    token: Annotated[str | None, typer.Option(help="This kiosk's device token")] = None,
    site: Annotated[str | None, typer.Option(help="Site id, e.g. demo")] = None,
    printer: Annotated[str | None, typer.Option(help="Printer URL: tcp://, usb://, serial://, sim:///dir")] = None,
    scanner: Annotated[str | None, typer.Option(help="Scanner URL: wedge:// (default), /dev/ttyACM0, sim://")] = None,
    languages: Annotated[str | None, typer.Option(help="Comma-separated, e.g. de,en,tr,ar,uk,ru")] = None,
    header: Annotated[str | None, typer.Option(help="First line of every printed ticket")] = None,
    windowed: Annotated[bool | None, typer.Option("--windowed/--fullscreen", help="Window or full screen")] = None,
    large_text: Annotated[bool | None, typer.Option("--large-text/--normal-text", help="Large text by default")] = None,
) -> None:
    """Start the kiosk and run until its window closes."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(
            config, server=server, token=token, site=site, printer=printer, scanner=scanner,
            languages=languages, header=header, windowed=windowed, large_text=large_text,
        )
    except ConfigFileError as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(map(str, problem["loc"])) or "settings"
            typer.secho(f"{where}: {problem['msg']}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None

    from kiosk_app.app import run  # Qt is loaded only when the settings are good

    try:
        code = run(settings)
    except (PrinterError, ScannerError) as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)
