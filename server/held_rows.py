"""A command's unit of work: the configuration rows it reads, read once for its transaction.

SQLAlchemy's identity map holds objects weakly: a site or counter read in one helper and dropped is read
again by the next `session.get`. A command that reads the same configuration from many places (its site,
counters and services, which counter may serve which service) opens a unit of work on its session: loaded
rows of the given kinds stay referenced, and `remembered` reads keep their answer, until the block ends.
Nothing a command does changes those rows behind the ORM's back (no bulk UPDATE touches them), so the held
objects show the transaction's own changes; only the office file changes which rows exist, never in a command.
Outside a unit of work every read goes to the database, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event
from sqlmodel import Session

T = TypeVar("T")
UNIT = "aufruf_unit_of_work"


@dataclass
class UnitOfWork:
    """What one command holds for its transaction."""

    kinds: tuple[type, ...]
    held: list[object] = field(default_factory=list)
    answers: dict[Hashable, Any] = field(default_factory=dict)

    def keep(self, _session: Session, instance: object) -> None:
        """Hold a loaded row of one of the kinds, so the next look-up by key finds it in the identity map."""
        if isinstance(instance, self.kinds):
            self.held.append(instance)


@contextmanager
def unit_of_work(session: Session, *kinds: type) -> Iterator[UnitOfWork]:
    """While the block runs, hold every loaded object of `kinds` and every `remembered` answer; nested: the outer."""
    outer = session.info.get(UNIT)
    if outer is not None:
        yield outer
        return
    unit = session.info[UNIT] = UnitOfWork(kinds=kinds)
    event.listen(session, "loaded_as_persistent", unit.keep)
    try:
        yield unit
    finally:
        event.remove(session, "loaded_as_persistent", unit.keep)
        session.info.pop(UNIT, None)
        unit.held.clear()
        unit.answers.clear()


def remembered(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """`read()` once per unit of work (its answer must be configuration, or live held objects); else every time."""
    unit: UnitOfWork | None = session.info.get(UNIT)
    if unit is None:
        return read()
    if key not in unit.answers:
        unit.answers[key] = read()
    answer: T = unit.answers[key]
    return answer
