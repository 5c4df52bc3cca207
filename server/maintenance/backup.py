"""Online backups of the embedded SQLite database, and restoring one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.errors import DomainError
from server.maintenance.serving_lock import exclusive


def sqlite_path(database_url: str) -> Path:
    """The file behind a sqlite:/// URL, or a clear error for other databases."""
    if not database_url.startswith("sqlite:///"):
        raise DomainError("Backups here cover the SQLite default; back PostgreSQL up with pg_dump.", code="not_sqlite")
    return Path(database_url.removeprefix("sqlite:///"))


def backup(*, database: Path, target: Path) -> int:
    """Copy a live database consistently (SQLite's online backup, safe while the server runs); return pages."""
    if not database.exists():
        raise DomainError(f"There is no database at {database}.", code="no_database")
    if target.exists():
        raise DomainError(f"{target} exists already; choose a new file name.", code="target_exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
    _check(target)
    return pages


def restore(*, backup_file: Path, database: Path) -> None:
    """Replace a database by a backup; refused (DatabaseInUse) while a server holds it."""
    _check(backup_file)
    database.parent.mkdir(parents=True, exist_ok=True)
    # Held throughout, so a server starting meanwhile waits until the restored file is complete.
    with exclusive(database), sqlite3.connect(backup_file) as source, sqlite3.connect(database) as live:
        # The backup API also clears the old file's WAL, unlike copying files over it.
        source.backup(live)


def _check(path: Path) -> None:
    """Refuse files that are not an intact SQLite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise DomainError(f"{path} is not a usable SQLite database ({error}).", code="bad_backup") from None
    if verdict != "ok":
        raise DomainError(f"{path} is damaged: {verdict}", code="bad_backup")
