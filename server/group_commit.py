"""Group commit: concurrent requests of one kind share a transaction, so one fsync makes them all durable."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from sqlmodel import Session

from server.errors import DatabaseBusy

if TYPE_CHECKING:
    from server.db import Database

In = TypeVar("In")
Out = TypeVar("Out")
# What a batch handler gives back per item: its answer, or the error to raise in that item's thread.
Outcome: TypeAlias = Out | BaseException
Handler: TypeAlias = Callable[[Session, list[In]], list[Outcome[Out]]]
# A kiosk's wait must stay bounded: one batch never holds more than this many requests.
MAX_BATCH = 64


@dataclass(eq=False)
class _Slot(Generic[In, Out]):
    """One waiting request and, once its batch is committed, its outcome."""

    item: In
    done: bool = False
    outcome: object = field(default=None)


class GroupCommit(Generic[In, Out]):
    """Runs `handle` over every request that arrived while the previous batch was being written.

    The first thread to find nobody writing leads: it takes all waiting requests, runs them in one
    `Database.transaction()` and hands each its outcome only after the commit, so an answer always
    means the work is durable. The others wait and are woken when their batch is done or when they
    may lead the next one. A lone request is a batch of one: no waiting, no timers.
    """

    def __init__(self, database: Database, handle: Handler[In, Out]) -> None:
        # Weak, so a registry of groups keyed by their database lets both go with the application.
        self._database_ref = weakref.ref(database)
        self._handle = handle
        self._cond = threading.Condition()
        self._pending: list[_Slot[In, Out]] = []
        self._leading = False

    @property
    def _database(self) -> Database:
        database = self._database_ref()
        if database is None:
            raise RuntimeError("the group commit's database is gone")
        return database

    def submit(self, item: In) -> Out:
        """Run `item` in the next batch and return its answer (or raise its error) once committed.

        A request still waiting for a batch after the database's write wait gives up with DatabaseBusy;
        one already in a batch waits for that batch, whose own wait is bounded.
        """
        slot: _Slot[In, Out] = _Slot(item)
        deadline = time.monotonic() + self._database.write_wait
        with self._cond:
            self._pending.append(slot)
        while True:
            with self._cond:
                while not slot.done and self._leading:
                    left = deadline - time.monotonic()
                    if left <= 0 and slot in self._pending:
                        self._pending.remove(slot)
                        raise DatabaseBusy("locked", "the writes before this one did not finish in time")
                    self._cond.wait(timeout=max(left, 0.05))
                if slot.done:
                    break
                self._leading = True
                # Oldest first; with more than a batch waiting, this thread may lead one without its own item.
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            self._lead(batch)
        if isinstance(slot.outcome, BaseException):
            raise slot.outcome
        return slot.outcome  # type: ignore[return-value]

    def _lead(self, batch: list[_Slot[In, Out]]) -> None:
        """Write one batch and wake everyone: its members to answer, one of the rest to lead."""
        try:
            outcomes = self._run([slot.item for slot in batch])
        except BaseException as error:  # the whole transaction failed: every member gets the error
            outcomes = [error] * len(batch)
        with self._cond:
            for slot, outcome in zip(batch, outcomes, strict=True):
                slot.outcome, slot.done = outcome, True
            self._leading = False
            self._cond.notify_all()

    def _run(self, items: list[In]) -> list[Outcome[Out]]:
        with self._database.transaction() as session:
            outcomes = self._handle(session, items)
        if len(outcomes) != len(items):
            raise RuntimeError("a group-commit handler must answer every item")
        return outcomes
