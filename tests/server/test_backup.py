"""aufruf backup and restore for the SQLite default."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
from typer.testing import CliRunner

from aufruf.cli import app
from tests.support.live_server import LiveServer

runner = CliRunner()


def _draw(live_server: LiveServer) -> str:
    response = httpx.post(
        live_server.api("/sites/demo/tickets"), json={"service": "kfz"}, headers=live_server.kiosk_headers
    )
    return str(response.json()["number"])


def _numbers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT number FROM ticket ORDER BY id")]


def test_backup_while_running_then_restore(live_server: LiveServer, tmp_path: Path) -> None:
    database = live_server.data_dir / "aufruf.db"
    url = f"sqlite:///{database}"
    before = [_draw(live_server) for _ in range(3)]
    target = tmp_path / "backups" / "monday.db"
    made = runner.invoke(app, ["backup", str(target), "--database-url", url])
    assert made.exit_code == 0, made.output
    assert _numbers(target) == before
    assert runner.invoke(app, ["backup", str(target), "--database-url", url]).exit_code == 2  # never overwrites
    _draw(live_server)
    elsewhere = tmp_path / "restored.db"
    restored = runner.invoke(app, ["restore", str(target), "--database-url", f"sqlite:///{elsewhere}", "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _numbers(elsewhere) == before


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["restore", str(junk), "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "--yes"])
    assert result.exit_code == 2
    assert "not a usable SQLite database" in result.output
    postgres = runner.invoke(app, ["backup", str(tmp_path / "b.db"), "--database-url", "postgresql+psycopg://x/y"])
    assert postgres.exit_code == 2
    assert "pg_dump" in postgres.output
