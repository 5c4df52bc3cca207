"""The `aufruf` command: server, configuration, devices and the three apps."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

app = typer.Typer(help="Aufruf: queue management and call display for citizen offices.", no_args_is_help=True)
SERVER_COMMANDS = (
    "serve", "demo", "migrate", "backup", "restore", "config", "user", "device", "appointments", "simulate",
)


def _add_server_commands() -> None:
    """The server's commands; where its dependencies are not installed, each says how to add them."""
    try:
        from server import cli as server_cli
        from server.appointments.cli import appointments_app
        from server.simulation.cli import simulate
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] in {"server", "aufruf"}:
            raise  # our own code is broken, not the installation
        _add_missing_server_commands(str(error.name))
        return
    app.command()(server_cli.serve)
    app.command()(server_cli.demo)
    app.command()(server_cli.migrate)
    app.command("backup")(server_cli.backup_command)
    app.command("restore")(server_cli.restore_command)
    app.add_typer(server_cli.config_app, name="config")
    app.add_typer(server_cli.user_app, name="user")
    app.add_typer(server_cli.device_app, name="device")
    app.add_typer(appointments_app, name="appointments")
    app.command()(simulate)


def _add_missing_server_commands(missing: str) -> None:
    for name in SERVER_COMMANDS:

        @app.command(name=name, help="Needs the server: pip install 'aufruf[server]'.",
                     context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
        def unavailable(ctx: typer.Context) -> None:
            typer.secho(
                f"'{ctx.command.name}' needs the server's dependencies (module {missing!r} is missing): "
                "pip install 'aufruf[server]'",
                fg=typer.colors.RED, err=True,
            )
            raise typer.Exit(code=2)


_add_server_commands()

# Each app's own command line lives in its package and is loaded only when used,
# so the server never imports Qt.
DELEGATED = {
    "printer": ("hardware.cli", "Print test tickets and check printers."),
    "kiosk": ("kiosk_app.cli", "Run the lobby kiosk (touch screen, printer, scanner)."),
    "display": ("display_app.cli", "Run the waiting-room call display."),
    "counter": ("counter_app.cli", "Run the clerks' counter app."),
}


def _delegate(name: str, module: str, help_text: str) -> None:
    @app.command(
        name=name,
        help=help_text,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    )
    def run(ctx: typer.Context, args: Annotated[list[str] | None, typer.Argument()] = None) -> None:
        try:
            target = importlib.import_module(module)
        except ModuleNotFoundError as error:
            typer.secho(
                f"'{name}' is not available ({error}): pip install 'aufruf[apps]'", fg=typer.colors.RED, err=True
            )
            raise typer.Exit(code=2) from None
        target.app(args=[*(args or []), *ctx.args], prog_name=f"aufruf {name}")


for _name, (_module, _help) in DELEGATED.items():
    _delegate(_name, _module, _help)


def main() -> None:
    """Entry point of the `aufruf` script."""
    app()
