"""The database: engine set-up per dialect and the one transaction boundary per request."""

from __future__ import annotations

import asyncio
import fcntl
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import Engine, event, text
from sqlmodel import Session, create_engine

from server.errors import DatabaseBusy
from server.events.envelope import Envelope
from server.events.log import OUTBOX
from server.migrations.runner import upgrade

Publisher = Callable[[Envelope], None]
# Arbitrary but fixed: identifies Aufruf's start-up section among PostgreSQL advisory locks.
STARTUP_LOCK_KEY = 0x41554652
# Execution option that marks a connection's transaction as read-only.
READ_ONLY = "aufruf_read_only"
# Seconds a write waits for the database (another process's lock, this process's other writer).
DEFAULT_WRITE_WAIT = 5.0
# Connections of the separate read pool: readers never queue behind writers for one.
READ_POOL = 24


def _configure_sqlite(engine: Engine, *, reader: bool) -> None:
    """WAL for concurrent readers, FULL sync so a handed-out number survives power loss."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite so BEGIN IMMEDIATE below is honoured.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not reader:
            # Setting the journal mode waits for locks; WAL stays set in the file, so readers need not ask.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        # Bounded: a writer that cannot get the file in time answers 503 instead of holding a request thread.
        cursor.execute(f"PRAGMA busy_timeout={int(engine.aufruf_write_wait * 1000)}")  # type: ignore[attr-defined]
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # Readers take no lock in WAL mode; their first SELECT fixes the snapshot they see.
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        # Writers queue up at BEGIN instead of failing later when upgrading a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(
    url: str, *, write_wait: float = DEFAULT_WRITE_WAIT, pool_size: int = 48, reader: bool = False
) -> Engine:
    """Create an engine for SQLite or PostgreSQL with the settings each needs."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as request threads (AnyIO's default of 40) and then some: an overflow
        # connection is closed after use, and opening one again re-runs the PRAGMAs above on every request.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": write_wait}, pool_size=pool_size,
            max_overflow=16,
        )
        engine.aufruf_write_wait = write_wait  # type: ignore[attr-defined]
        _configure_sqlite(engine, reader=reader)
        return engine
    return create_engine(url, pool_size=16, max_overflow=16, pool_pre_ping=True)


def _discard(_envelope: Envelope) -> None:
    """Publisher used until the event bus is up."""


class Database:
    """Owns the engine; every state change goes through `transaction()`."""

    def __init__(self, url: str, *, write_wait: float = DEFAULT_WRITE_WAIT) -> None:
        self.engine = make_engine(url, write_wait=write_wait)
        self.write_wait = write_wait
        # A SQLite file gets a pool of its own for reads (WAL lets them run beside a writer); one in memory cannot.
        self.read_engine = (
            make_engine(url, write_wait=write_wait, pool_size=READ_POOL, reader=True)
            if _sqlite_file(url)
            else self.engine
        )
        self.publish: Publisher = _discard
        # Commit and hand-over to the bus happen together so one process never reorders its own events;
        # the hand-over only queues the event for the loop (the bus sends it later), so it never waits.
        self._commit_lock = threading.Lock()
        # SQLite has one writer at a time; threads wait here instead of sleep-polling in its busy handler.
        # A plain Lock, not an RLock: `write_transaction()` takes it on the event loop and frees it in another thread.
        self._write_lock: threading.Lock | None = threading.Lock() if self.engine.dialect.name == "sqlite" else None
        # Where the event loop's writers line up for that slot (`write_transaction`), one line per loop.
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Lock] = weakref.WeakKeyDictionary()

    @contextmanager
    def startup_lock(self) -> Iterator[None]:
        """Let one process at a time create tables and write the office, when workers start together."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
            return
        path = self.engine.url.database
        if not path or path == ":memory:":
            yield
            return
        with open(f"{path}.startup-lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def create_schema(self) -> None:
        """Bring the database to the newest schema through the migrations."""
        upgrade(self.engine)

    @contextmanager
    def transaction(self, *, consistent: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end, then its events are published.

        `consistent` gives every query the same view of the database (for snapshots with their seq);
        SQLite transactions always have that, PostgreSQL needs REPEATABLE READ for it.
        """
        with self._writer_turn(), Session(self.engine, expire_on_commit=False) as session:
            if consistent and self.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            try:
                yield session
                self._commit(session)
            except BaseException:
                session.rollback()
                raise

    @asynccontextmanager
    async def write_transaction(self) -> AsyncIterator[Session]:
        """`transaction()` for the event loop: the slot is awaited, commit and rollback run in a worker thread.

        The session itself may be used from any one thread at a time (the request's endpoint thread).
        """
        async with self._async_writer_turn():
            session = Session(self.engine, expire_on_commit=False)
            try:
                yield session
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self._finish, session, False, limiter=anyio.CapacityLimiter(1))
                raise
            await anyio.to_thread.run_sync(self._finish, session, True, limiter=anyio.CapacityLimiter(1))

    def _finish(self, session: Session, commit: bool) -> None:
        """Commit (or not) and close; closing rolls back whatever was not committed."""
        try:
            if commit:
                self._commit(session)
        finally:
            session.close()

    def _commit(self, session: Session) -> None:
        """Commit, then hand the session's events to the bus in commit order."""
        with self._commit_lock:
            session.commit()
            for envelope in session.info.pop(OUTBOX, []):
                self.publish(envelope)

    @asynccontextmanager
    async def _async_writer_turn(self) -> AsyncIterator[None]:
        """The writer slot for the event loop: requests queue in order, and only the first waits for the slot."""
        lock = self._write_lock
        if lock is None:
            yield
            return
        # Queued on the loop, first come first served, holding no thread (as requests waited for one before);
        # the request at the front waits up to write_wait for whoever holds the slot, in a thread of its own.
        queue = self._queues.setdefault(asyncio.get_running_loop(), anyio.Lock())
        async with queue:
            if not lock.acquire(blocking=False) and not await anyio.to_thread.run_sync(
                partial(lock.acquire, timeout=self.write_wait), limiter=anyio.CapacityLimiter(1)
            ):
                raise DatabaseBusy(
                    "locked", f"no write slot within {self.write_wait:g} s; another write holds the file"
                )
            try:
                yield
            finally:
                lock.release()

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """This process's one SQLite writer slot, waited for a bounded time; DatabaseBusy after that."""
        if self._write_lock is None:
            yield
            return
        if not self._write_lock.acquire(timeout=self.write_wait):
            raise DatabaseBusy("locked", f"no write slot within {self.write_wait:g} s; another write holds the file")
        try:
            yield
        finally:
            self._write_lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session with one consistent view, that neither waits for nor blocks writers."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            options: dict[str, Any] = {READ_ONLY: True}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            session.connection(execution_options=options)
            try:
                yield session
                # Commit, not rollback, so loaded objects stay readable; there is nothing to write.
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self.read_engine.dispose()


def _sqlite_file(url: str) -> bool:
    """Whether the URL names a SQLite file (not an in-memory database)."""
    return url.startswith("sqlite") and url.split("sqlite:///", 1)[-1] not in ("", ":memory:")
