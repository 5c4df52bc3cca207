"""`aufruf device rotate|revoke`: change a device's token straight in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from server.db import Database
from server.errors import DomainError
from server.security.devices import revoke_device, rotate_device
from server.settings import Settings

DatabaseOption = Annotated[str | None, typer.Option(help="Database URL (default: AUFRUF_DATABASE_URL)")]
# Who the audit trail names for changes made on the server's own command line.
CLI_ACTOR = "cli"


def _database(database_url: str | None) -> Database:
    # demo=True only waives the secret-key check: these commands sign nothing.
    settings = Settings(**({"database_url": database_url} if database_url else {}), demo=True)  # type: ignore[arg-type]
    database = Database(settings.database_url)
    database.create_schema()
    return database


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def device_rotate(device_id: str, database_url: DatabaseOption = None) -> None:
    """Give a device a new token (printed once); the old one stops working at once."""
    database = _database(database_url)
    try:
        with database.transaction() as session:
            token = rotate_device(session=session, device_id=device_id, now=datetime.now(UTC), actor=CLI_ACTOR)
    except DomainError as error:
        raise _fail(error.message) from None
    finally:
        database.dispose()
    typer.echo(f"New token for '{device_id}' (store it on the device only; it is not shown again): {token}")


def device_revoke(device_id: str, database_url: DatabaseOption = None) -> None:
    """Refuse a device's token from now on; `rotate` gives it a new one."""
    database = _database(database_url)
    try:
        with database.transaction() as session:
            revoke_device(session=session, device_id=device_id, now=datetime.now(UTC), actor=CLI_ACTOR)
    except DomainError as error:
        raise _fail(error.message) from None
    finally:
        database.dispose()
    typer.echo(f"Device '{device_id}' revoked.")


def register_device_commands(device_app: typer.Typer) -> None:
    """Add rotate and revoke to the `aufruf device` command group."""
    device_app.command("rotate")(device_rotate)
    device_app.command("revoke")(device_revoke)
