"""Atomic increment-or-insert on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel


def increment(session: Session, model: type[SQLModel], keys: dict[str, Any], column: str, by: int = 1) -> int:
    """Add `by` to `column` of the row with these keys (creating it at `by`) and return the new value."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = (
        insert(table)
        .values(**keys, **{column: by})
        .on_conflict_do_update(index_elements=list(keys), set_={column: table.c[column] + by})
        .returning(table.c[column])
    )
    return int(session.execute(statement).scalar_one())
