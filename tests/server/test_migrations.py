"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import server.models  # noqa: F401  (registers every table)
from server.db import Database
from tests.support.postgres import fresh_database


def _differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migrations_match_the_models(dialect: str, tmp_path: Path) -> None:
    if dialect == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'a.db'}")
        database.create_schema()
        assert _differences(database) == []
        database.dispose()
        return
    with fresh_database() as url:
        database = Database(url)
        database.create_schema()
        assert _differences(database) == []
        database.dispose()


def test_upgrading_twice_changes_nothing(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    database.create_schema()
    tables = set(inspect(database.engine).get_table_names())
    database.create_schema()
    assert set(inspect(database.engine).get_table_names()) == tables
    assert {"alembic_version", "ticket", "eventrecord"} <= tables
    database.dispose()
