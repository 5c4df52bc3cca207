"""Schema migrations (Alembic) for SQLite and PostgreSQL."""
