"""`aufruf appointments import FILE --site S`: bookings from an ICS calendar or a CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from server.appointments.bulk import import_bookings
from server.appointments.importing import parse_file
from server.clock import Clock
from server.db import Database
from server.errors import DomainError
from server.settings import Settings

appointments_app = typer.Typer(help="Import and manage booked appointments.", no_args_is_help=True)


@appointments_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="An .ics calendar or a .csv export", exists=True, dir_okay=False)],
    site: Annotated[str, typer.Option(help="Site id")],
    service: Annotated[str | None, typer.Option(help="Service for bookings that name none")] = None,
    database_url: Annotated[str | None, typer.Option(help="Database URL (default: AUFRUF_DATABASE_URL)")] = None,
) -> None:
    """Import bookings; all or nothing, and importing the same file again changes nothing."""
    overrides = {"database_url": database_url} if database_url else {}
    database = Database(Settings(demo=True, **overrides).database_url)  # type: ignore[arg-type]
    database.create_schema()
    try:
        rows = parse_file(file.read_bytes(), filename=file.name, default_service=service)
        source = "ics" if rows[0].place.startswith("event") else "csv"
        with database.transaction() as session:
            result = import_bookings(
                session=session, site_id=site, rows=rows, source=source, filename=file.name, now=Clock().now(),
                actor="cli",
            )
    except DomainError as error:
        typer.secho(error.message, fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    finally:
        database.dispose()
    typer.echo(f"{file.name}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged")
    for uid, code in result.codes.items():
        typer.echo(f"  {uid}\t{code}")
