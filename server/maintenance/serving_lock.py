"""A lock file that a running server holds on its SQLite database, so offline maintenance can tell."""

from __future__ import annotations

import fcntl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from server.errors import DomainError


class DatabaseInUse(DomainError):
    """A server holds the database; it must be stopped first."""

    status_code = 409
    code = "database_in_use"


def lock_path(database: Path) -> Path:
    """The lock file beside a database file."""
    return database.with_name(database.name + ".serving-lock")


def _sqlite_file(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite:///"):
        return None
    path = database_url.removeprefix("sqlite:///")
    return Path(path) if path and path != ":memory:" else None


@contextmanager
def serving(database_url: str) -> Iterator[None]:
    """Hold a shared lock on the database's lock file while serving; every worker of a server shares it.

    The kernel drops the lock when the process ends, however it ends, so a crashed server never blocks a restore.
    """
    database = _sqlite_file(database_url)
    if database is None:
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(database), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """Hold the database alone for maintenance, or raise DatabaseInUse while a server holds it."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(database), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(
                f"A running Aufruf server is using {database}. Stop it first (every worker), then restore; "
                "restoring under a running server would hand out numbers a second time.",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_serving_lock(app: FastAPI, *, database_url: str) -> None:
    """Hold the serving lock around the app's whole lifespan; installed last, so it is the outermost."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        with serving(database_url):
            async with inner(application) as state:
                yield state

    app.router.lifespan_context = lifespan
