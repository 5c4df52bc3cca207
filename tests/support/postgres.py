"""Throw-away PostgreSQL databases, one per test, on a private server the tests start themselves.

The server is made with the installed initdb and pg_ctl in a temporary folder on a free loopback
port, once per test session, and removed at exit. Setting AUFRUF_TEST_POSTGRES to an admin
connection string (e.g. `host=127.0.0.1 port=5432 dbname=postgres user=postgres`) uses an
existing server instead.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.live_server import free_port

EXISTING_SERVER_VARIABLE = "AUFRUF_TEST_POSTGRES"


def postgres_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else PATH."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries not found: run scripts/setup (installs postgresql)")


def _run_as(user: pwd.struct_passwd | None) -> Callable[[], None] | None:
    """A pre-exec hook dropping root, since initdb and postgres refuse to run as root."""
    if user is None:
        return None

    def drop() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return drop


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL")


@dataclass
class PrivateServer:
    """A PostgreSQL cluster in a temporary folder, reachable on 127.0.0.1 with trust authentication."""

    directory: Path
    port: int
    bin_dir: Path
    user: pwd.struct_passwd | None

    @property
    def admin_dsn(self) -> str:
        """A libpq connection string for the superuser's maintenance database."""
        return f"host=127.0.0.1 port={self.port} dbname=postgres user=postgres"

    def _pg(self, *command: str) -> None:
        subprocess.run(
            [str(self.bin_dir / command[0]), *command[1:]],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_run_as(self.user),
            cwd=self.directory,
        )

    def start(self) -> None:
        """Create the cluster and start the server, waiting until it accepts connections."""
        data = self.directory / "data"
        self._pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        # A server already gone is fine: the folder is removed all the same.
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self._pg("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


_server: PrivateServer | None = None


def _private_server() -> PrivateServer:
    """The session's private server, started on first use and stopped when Python exits."""
    global _server
    if _server is None:
        user = _unprivileged_user()
        directory = Path(tempfile.mkdtemp(prefix="aufruf-pg-"))
        if user is not None:
            os.chown(directory, user.pw_uid, user.pw_gid)
        server = PrivateServer(directory=directory, port=free_port(), bin_dir=postgres_bin_dir(), user=user)
        try:
            server.start()
        except subprocess.CalledProcessError as error:
            shutil.rmtree(directory, ignore_errors=True)
            log = error.stdout.decode(errors="replace")
            raise RuntimeError(f"could not start a private PostgreSQL: {log}") from None
        atexit.register(server.stop)
        _server = server
    return _server


def admin_dsn() -> str:
    """The admin connection string: the named existing server, else the private one."""
    return os.environ.get(EXISTING_SERVER_VARIABLE) or _private_server().admin_dsn


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, and drop it afterwards."""
    name = f"aufruf_{secrets.token_hex(6)}"
    dsn = admin_dsn()
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        info = admin.info
        password = f":{info.password}" if info.password else ""
        url = f"postgresql+psycopg://{info.user}{password}@{info.host}:{info.port}/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
