"""Server commands: serve, demo, config check, user and device management."""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
import uvicorn

from server.api.http_protocol import uvicorn_http_options
from server.auth.models import DeviceKind, Role
from server.auth.password_policy import check_password
from server.auth.passwords import hash_password
from server.auth.service import add_clerk, set_password
from server.auth.tokens import hash_device_token, new_device_token
from server.db import Database
from server.errors import DomainError
from server.events.direct import uvicorn_websocket_options
from server.maintenance.backup import backup, restore, sqlite_path
from server.office.loading import ConfigError, load_office
from server.security.cli import register_device_commands
from server.security.users import set_sites
from server.settings import Settings, SettingsError, load_settings

config_app = typer.Typer(help="Check office configuration files.", no_args_is_help=True)
user_app = typer.Typer(help="Manage staff accounts.", no_args_is_help=True)
device_app = typer.Typer(help="Create device tokens for kiosks and displays.", no_args_is_help=True)

WORKER_HEALTHCHECK_SECONDS = 60
ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Office configuration (TOML)")]
DatabaseOption = Annotated[str | None, typer.Option(help="Database URL (default: AUFRUF_DATABASE_URL)")]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def _settings(**overrides: object) -> Settings:
    """Settings from the environment plus flags, or exit with every problem listed by its variable."""
    try:
        return load_settings(**overrides)
    except SettingsError as error:
        raise _fail("Invalid settings:\n" + "\n".join(f"  {line}" for line in str(error).splitlines())) from None


def lan_address() -> str:
    """An address of this machine that phones on the same network can reach, else loopback."""
    try:
        candidates = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return "127.0.0.1"
    for *_, sockaddr in candidates:
        address = str(sockaddr[0])
        if not address.startswith("127."):
            return address
    return "127.0.0.1"


def _prepare_environment(environment: dict[str, str]) -> None:
    """Put the settings into the environment, where the app factory and every worker read them."""
    os.environ.update(environment)
    if os.environ.get("AUFRUF_DEMO") and len(os.environ.get("AUFRUF_SECRET_KEY", "")) < 32:
        # Workers must share one signing key, so the demo picks it before they start.
        os.environ["AUFRUF_SECRET_KEY"] = secrets.token_urlsafe(48)


def run_server(*, host: str, port: int, workers: int, environment: dict[str, str]) -> None:
    """Start uvicorn with the app factory, configured through AUFRUF_* variables."""
    _prepare_environment(environment)
    limits = _settings().http
    uvicorn.run(
        "server.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
        # A worker still starting (schema check, office file) on a busy machine is not hung: uvicorn's
        # 5 s default kills and restarts such workers over and over.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **uvicorn_websocket_options(),
        **uvicorn_http_options(limits),
    )


def public_url_problem(url: str) -> str | None:
    """Why phones could not follow tickets at this public URL, or None when it is fit for an office."""
    parsed = urlsplit(url)
    host = (parsed.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost") or host in {"::1", "0.0.0.0"} or host.startswith("127."):
        return f"AUFRUF_PUBLIC_URL is {url}: ticket QR codes would point phones at themselves."
    if parsed.scheme != "https":
        return f"AUFRUF_PUBLIC_URL is {url}: phones need https (status alerts and Web Push need a secure page)."
    return None


def serve(
    config: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes")] = 1,
    allow_insecure_public_url: Annotated[
        bool,
        typer.Option(
            "--allow-insecure-public-url",
            help="Start even if AUFRUF_PUBLIC_URL is localhost or plain http (a test set-up, not an office)",
        ),
    ] = False,
) -> None:
    """Run the ticket server for the offices in a configuration file."""
    if config is not None:
        try:
            load_office(config)
        except ConfigError as error:
            raise _fail(error.report()) from None
    settings = _settings(config_file=config)
    if workers > 1 and settings.broadcast_url.startswith("memory"):
        raise _fail("Several workers need a shared event bus: set AUFRUF_BROADCAST_URL=redis://…")
    insecure_allowed = allow_insecure_public_url or settings.allow_insecure_public_url
    if not settings.demo and not insecure_allowed and (problem := public_url_problem(settings.public_url)):
        raise _fail(
            f"{problem}\nSet AUFRUF_PUBLIC_URL to the https address phones reach the server at, e.g. "
            "https://aufruf.example.de (see docs/deployment.md), or start with --allow-insecure-public-url "
            "(AUFRUF_ALLOW_INSECURE_PUBLIC_URL=1) for a test set-up."
        )
    environment = {"AUFRUF_CONFIG_FILE": str(config)} if config else {}
    run_server(host=host, port=port, workers=workers, environment=environment)


def demo(
    data_dir: Annotated[Path | None, typer.Option(help="Keep the demo's database and printouts here")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    headless: Annotated[bool, typer.Option(help="Run only the server, no kiosk/display/counter windows")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Start everything, report whether the server and all three windows came up (on a virtual "
            "screen if there is none), stop, and exit 0 if so",
        ),
    ] = False,
) -> None:
    """Run the example Bürgeramt with demo identities (site 'demo', kiosk token 'demo-kiosk', clerk1/demo)."""
    directory = data_dir or Path(tempfile.mkdtemp(prefix="aufruf-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    public_url = os.environ.get("AUFRUF_PUBLIC_URL") or f"http://{lan_address()}:{port}"
    environment = {
        "AUFRUF_DEMO": "1",
        "AUFRUF_DATABASE_URL": f"sqlite:///{directory / 'aufruf.db'}",
        "AUFRUF_PUBLIC_URL": public_url,
    }
    typer.echo(f"Aufruf demo: data in {directory}")
    typer.echo(f"  display  {public_url}/display/demo      API docs  {public_url}/docs")
    typer.echo("  kiosk token 'demo-kiosk', clerks clerk1/demo and clerk2/demo, supervisor super1/demo")
    if check:
        from aufruf.demo_check import check_demo

        _prepare_environment(environment)
        raise typer.Exit(check_demo(host=host, port=port, data_dir=directory))
    if headless:
        run_server(host=host, port=port, workers=1, environment=environment)
        return
    from aufruf.demo_apps import running_demo_apps

    with running_demo_apps(server_url=f"http://127.0.0.1:{port}", data_dir=directory):
        run_server(host=host, port=port, workers=1, environment=environment)


def migrate(database_url: DatabaseOption = None) -> None:
    """Bring the database to the newest schema (the server does this too when it starts)."""
    _database(database_url).dispose()
    typer.echo("Database schema is up to date.")


@config_app.command("check")
def config_check(path: Path) -> None:
    """Report every error in an office file with its place and a hint."""
    try:
        office = load_office(path)
    except ConfigError as error:
        raise _fail(error.report()) from None
    for site in office.sites:
        typer.echo(
            f"{path}: site '{site.id}' ({site.name}): {len(site.services)} services, "
            f"{len(site.counters)} counters, {len(site.devices)} devices"
        )
    typer.secho("OK", fg=typer.colors.GREEN)


def _database(database_url: str | None) -> Database:
    settings = _settings(database_url=database_url, demo=True)
    database = Database(settings.database_url)
    database.create_schema()
    return database


def _new_password(password: str | None) -> str:
    return password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[Role, typer.Option(help="clerk, supervisor or admin")] = Role.clerk,
    name: Annotated[str, typer.Option(help="Name shown on displays and reports")] = "",
    password: Annotated[str | None, typer.Option(help="Omit to be asked (recommended)")] = None,
    site: Annotated[
        list[str] | None, typer.Option(help="A site where the role applies (repeat for several; not for admins)")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Create a staff account in the database, granted its role at the given sites."""
    database = _database(database_url)
    try:
        with database.transaction() as session:
            clerk = add_clerk(
                session=session, username=username, password=_new_password(password), role=role, display_name=name
            )
            session.flush()
            set_sites(session=session, clerk=clerk, sites=site or [])
    except DomainError as error:
        raise _fail(error.message) from None
    typer.echo(f"Added {role.value} '{username}'.")


@user_app.command("passwd")
def user_passwd(
    username: str,
    password: Annotated[str | None, typer.Option(help="Omit to be asked (recommended)")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Set a staff member's password."""
    database = _database(database_url)
    try:
        with database.transaction() as session:
            set_password(session=session, username=username, password=_new_password(password))
    except DomainError as error:
        raise _fail(error.message) from None
    typer.echo(f"Password of '{username}' changed.")


@user_app.command("hash")
def user_hash(password: Annotated[str | None, typer.Option(help="Omit to be asked")] = None) -> None:
    """Print an Argon2 hash for a [\\[clerks]] entry of the configuration file."""
    chosen = _new_password(password)
    try:
        check_password(chosen, username="")
    except DomainError as error:
        raise _fail(error.message) from None
    typer.echo(hash_password(chosen))


@device_app.command("add")
def device_add(
    device_id: str,
    kind: Annotated[DeviceKind, typer.Option(help="kiosk or display")] = DeviceKind.kiosk,
    site: Annotated[str, typer.Option(help="Site id")] = "",
) -> None:
    """Make a new random device token and the [\\[sites.devices]] entry that admits it."""
    token = new_device_token()
    typer.echo(f"Token for the device (store it on the device only): {token}")
    typer.echo(f'\n[[sites.devices]]   # site {site or "<site id>"}\nid = "{device_id}"\nkind = "{kind.value}"')
    typer.echo(f'token_sha256 = "{hash_device_token(token)}"')


register_device_commands(device_app)


def backup_command(
    target: Annotated[Path, typer.Argument(help="New file to write the backup to")],
    database_url: DatabaseOption = None,
) -> None:
    """Back up the SQLite database, safely while the server runs."""
    settings = _settings(database_url=database_url, demo=True)
    try:
        pages = backup(database=sqlite_path(settings.database_url), target=target)
    except DomainError as error:
        raise _fail(error.message) from None
    typer.echo(f"Backed up {pages} pages to {target}.")


def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file written by `aufruf backup`")],
    database_url: DatabaseOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Replace the SQLite database by a backup; stop the server first."""
    settings = _settings(database_url=database_url, demo=True)
    database = sqlite_path(settings.database_url) if settings.database_url.startswith("sqlite") else None
    if database is None:
        raise _fail("Restore covers the SQLite default; restore PostgreSQL with pg_restore.")
    if not yes:
        typer.confirm(f"Replace {database} by {backup_file}? The server must be stopped.", abort=True)
    try:
        restore(backup_file=backup_file, database=database)
    except DomainError as error:
        raise _fail(error.message) from None
    typer.echo(f"Restored {database} from {backup_file}.")
