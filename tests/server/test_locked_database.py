"""Another process locking the SQLite file (a backup tool, a sqlite3 shell) never freezes reads; writers get 503."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from server.api.errors import busy_cause
from tests.support.live_server import LiveServer, run_live_server

WRITE_WAIT = 2
# Enough waiting writers to take every request thread if they were allowed to.
WRITERS = 60


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The demo server with a short bound on how long a writer waits for the database."""
    monkeypatch.setenv("AUFRUF_SECURITY_PUBLIC_LIMIT", "100000/minute")
    with run_live_server(tmp_path, database_write_wait_seconds=WRITE_WAIT) as live:
        yield live


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold BEGIN EXCLUSIVE on the file from another connection, as the sqlite3 shell would."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(120)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert held.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def _draw(server: LiveServer) -> httpx.Response:
    return httpx.post(
        server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=server.kiosk_headers, timeout=60
    )


def test_reads_answer_and_writers_get_503_while_another_process_holds_the_lock(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = _draw(server).json()["token"]
    reads = {
        "health": server.api("/health"),
        "display": server.api("/sites/demo/display"),
        "services": server.api("/sites/demo/services"),
        "ticket": server.api(f"/tickets/{token}"),
        "status page": f"{server.url}/t/{token}",
    }
    with (
        caplog.at_level(logging.WARNING),
        exclusive_lock(server.data_dir / "aufruf.db"),
        ThreadPoolExecutor(WRITERS) as pool,
    ):
        writers = [pool.submit(_draw, server) for _ in range(WRITERS)]
        # While every writer waits: each read answers at once, not after the writers' wait.
        for name, url in reads.items():
            answer = httpx.get(url, timeout=WRITE_WAIT / 2)
            assert answer.status_code == 200, f"{name}: {answer.status_code}"
        answers = [writer.result() for writer in writers]
    assert {answer.status_code for answer in answers} == {503}
    refused = answers[0]
    assert refused.json()["code"] == "database_busy" and int(refused.headers["retry-after"]) >= 1
    assert any("database busy (locked)" in record.getMessage() for record in caplog.records)
    assert _draw(server).status_code == 201  # the lock is gone: writes work again


@pytest.mark.parametrize(
    ("setup", "cause"),
    [
        ("PRAGMA max_page_count = 1", "disk full"),
        ("PRAGMA query_only = 1", "read-only"),
    ],
)
def test_the_cause_is_named_from_sqlites_own_errors(tmp_path: Path, setup: str, cause: str) -> None:
    connection = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    connection.execute(setup)
    with pytest.raises(sqlite3.OperationalError) as raised:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    assert busy_cause(raised.value) == cause


def test_a_lock_is_named_locked(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with exclusive_lock(path):
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("BEGIN IMMEDIATE")
    assert busy_cause(raised.value) == "locked"
