"""`aufruf display`: the waiting-room call display for a TV."""

from __future__ import annotations

from typing import Annotated

import typer

from display_app.core.config import DisplayConfig, announce_languages, split_list

app = typer.Typer(help="Run the waiting-room call display.", add_completion=False)


@app.command()
def display(
    server: Annotated[str, typer.Option(help="The ticket server's URL.")] = "http://127.0.0.1:8000",
    site: Annotated[str, typer.Option(help="Site id.")] = "demo",
    services: Annotated[str, typer.Option(help="Only these services, e.g. anmeldung,kfz.")] = "",
    counters: Annotated[str, typer.Option(help="Only calls to these counters, e.g. 1,2.")] = "",
    languages: Annotated[str, typer.Option(help="Label languages, main first.")] = "de,en",
    announce: Annotated[
        str, typer.Option(help="Spoken languages: 'ticket' (German plus the ticket's language) or e.g. de,en.")
    ] = "ticket",
    viewing_distance: Annotated[float, typer.Option(help="Farthest viewer in metres (12 mm per metre).")] = 6.0,
    diagonal: Annotated[float | None, typer.Option(help="Screen diagonal in inches (default 55).")] = None,
    recent: Annotated[int, typer.Option(help="How many earlier calls to list.")] = 6,
    flash: Annotated[float, typer.Option(help="Seconds a new call flashes.")] = 6.0,
    visual: Annotated[float, typer.Option(help="Seconds a call for someone who cannot hear it stands out.")] = 30.0,
    ticker: Annotated[str, typer.Option(help="A line of text along the bottom.")] = "",
    audio: Annotated[str, typer.Option(help="auto, none, file:///dir or cmd:program args.")] = "auto",
    missed_calls: Annotated[
        float, typer.Option(help="After reconnecting, announce missed calls up to this many seconds old (0: none).")
    ] = 60.0,
    windowed: Annotated[bool, typer.Option("--windowed", help="A window instead of full screen.")] = False,
) -> None:
    """Show calls, waiting lines and the clock; play the gong and the announcements."""
    try:
        config = DisplayConfig(
            server=server, site=site, services=split_list(services), counters=split_list(counters),
            languages=split_list(languages), announce=announce_languages(announce),
            viewing_distance=viewing_distance, diagonal_inches=diagonal,
            recent=recent, flash_seconds=flash, visual_seconds=visual, ticker=ticker, audio=audio,
            missed_call_seconds=missed_calls,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    from display_app.app import run  # Qt is imported only when the display really starts

    raise typer.Exit(run(config, windowed=windowed))
