"""Bringing a database to the newest schema, and making new revisions."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPTS = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to an engine, without an alembic.ini file."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration the database does not have yet."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def make_revision(engine: Engine, message: str) -> None:
    """Write a new revision with the differences between the models and a database at head."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
