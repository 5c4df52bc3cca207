"""WriteSession: one write transaction per request, committed before the answer, rolled back on error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import status
from sqlmodel import select

from server.api.deps import ContextDep, WriteSession
from server.errors import Conflict
from server.security.audit import record_audit
from server.security.models import AuditRecord
from tests.support.live_server import LiveServer, run_live_server

# More writers at once than AnyIO's 40 request threads: waiting for the slot must not use those up.
CONCURRENT_WRITERS = 64


def _audit_rows(server: LiveServer, action: str) -> list[AuditRecord]:
    with server.context.database.read() as session:
        return list(session.exec(select(AuditRecord).where(AuditRecord.action == action)).all())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with three extra routes that write through WriteSession."""
    with run_live_server(tmp_path) as live:
        app = live.app

        @app.post("/test/write", status_code=status.HTTP_204_NO_CONTENT)
        def write(context: ContextDep, session: WriteSession) -> None:
            record_audit(session=session, at=context.clock.now(), actor="test", action="test.written")

        @app.post("/test/write-then-refuse")
        def write_then_refuse(context: ContextDep, session: WriteSession) -> None:
            record_audit(session=session, at=context.clock.now(), actor="test", action="test.refused")
            raise Conflict("refused after writing", code="refused")

        @app.post("/test/clash-at-commit")
        def clash_at_commit(context: ContextDep, session: WriteSession) -> dict[str, str]:
            # Two rows with one primary key: nothing fails until the commit flushes them.
            now = context.clock.now()
            session.add(AuditRecord(id=9_000_001, at=now, actor="test", action="test.clash"))
            session.add(AuditRecord(id=9_000_001, at=now, actor="test", action="test.clash"))
            return {"answer": "written"}

        yield live


def test_the_write_is_committed_when_the_answer_arrives(server: LiveServer) -> None:
    answer = httpx.post(f"{server.url}/test/write", timeout=30)
    assert answer.status_code == 204
    assert len(_audit_rows(server, "test.written")) == 1


def test_an_error_in_the_handler_rolls_its_writes_back(server: LiveServer) -> None:
    answer = httpx.post(f"{server.url}/test/write-then-refuse", timeout=30)
    assert answer.status_code == 409 and answer.json()["code"] == "refused"
    assert _audit_rows(server, "test.refused") == []
    # The slot was given back: the next write goes through.
    assert httpx.post(f"{server.url}/test/write", timeout=30).status_code == 204


def test_a_failing_commit_is_the_answer(server: LiveServer) -> None:
    answer = httpx.post(f"{server.url}/test/clash-at-commit", timeout=30)
    assert answer.status_code == 409 and answer.json()["code"] == "conflict_retry"
    assert _audit_rows(server, "test.clash") == []


def test_many_writers_at_once_all_get_their_turn(server: LiveServer) -> None:
    start = threading.Barrier(CONCURRENT_WRITERS)
    codes: list[int] = []

    def write() -> None:
        with httpx.Client(timeout=60) as client:
            start.wait()
            codes.append(client.post(f"{server.url}/test/write").status_code)

    writers = [threading.Thread(target=write) for _ in range(CONCURRENT_WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert codes == [204] * CONCURRENT_WRITERS
    assert len(_audit_rows(server, "test.written")) == CONCURRENT_WRITERS
